import { describe, expect, it } from "vitest";
import * as framework from "../src/index.js";

/*
 * What "@wdfjs/framework" exports is the WDF names (Wdf*, WDF_*, STATUS_*, FX_*) and the
 * framework's object machinery the styles build on (Fx*). Nothing style-specific.
 */
describe("the public index", () => {
  const names = Object.keys(framework);

  it("exports WDF names and the Fx core only", () => {
    expect(names.filter((n) => !/^(Wdf[A-Z]\w*|WDF_\w+|STATUS_\w+|FX_\w+|IFX_\w+|IFx[A-Z]\w*|WDFMEMORY_\w+|Fx[A-Z]\w*)$/.test(n))).toEqual([]);
  });

  it("has no KMDF- or UMDF-only names", () => {
    expect(names.filter((n) => /kmdf|umdf|Kmdf|Umdf|KMDF|UMDF|IWDF/.test(n))).toEqual([]);
  });

  it("exports the object DDIs", () => {
    for (const n of [
      "WdfObjectCreate", "WdfObjectDelete", "WdfObjectReference", "WdfObjectReferenceWithTag", "WdfObjectReferenceActual", "WdfObjectDereference",
      "WdfObjectDereferenceWithTag", "WdfObjectDereferenceActual", "WdfObjectGetTypedContextWorker", "WdfObjectAllocateContext", "WdfObjectContextGetObject",
      "WDF_OBJECT_ATTRIBUTES", "WDF_OBJECT_ATTRIBUTES_INIT", "WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE", "WDF_OBJECT_ATTRIBUTES_SET_CONTEXT_TYPE",
      "WDF_DECLARE_CONTEXT_TYPE", "WDF_DECLARE_CONTEXT_TYPE_WITH_NAME", "WDF_GET_CONTEXT_TYPE_INFO",
    ]) {
      expect(names, n).toContain(n);
    }
  });
});
