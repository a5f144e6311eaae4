import { describe, expect, it } from "vitest";
import { boot, WDF_VIOLATION, IoAllocateIrp, IoGetNextIrpStackLocation, IoSetNextIrpStackLocation, IRP_MJ_DEVICE_CONTROL, type IRP } from "@wdfjs/kernel";
import { FxObjectHandleGetPtr, FxRequest, FX_TYPE_REQUEST } from "../src/index.js";
import { expectBugCheck } from "./helpers.js";

function irp(): IRP {
  const i = IoAllocateIrp(1, false)!;
  IoGetNextIrpStackLocation(i).MajorFunction = IRP_MJ_DEVICE_CONTROL;
  IoSetNextIrpStackLocation(i);
  return i;
}

/** Every own field of an object but its handle, for comparing a recycled request with a new one. */
function fields(o: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (k !== "handle" && k !== "Irp") out[k] = v;
  return out;
}

describe("the I/O package's requests are recycled as WDF's lookaside list recycles them", () => {
  it("a recycled request is, field for field, a new one, under a new handle; the old handle stays stale", () => {
    const m = boot({ seed: 1, flavor: "checked" });
    m.runInKernel(() => {
      const first = FxRequest.forIrp(irp());
      const oldHandle = first.handle;
      const used = first.Irp!;
      // Dirty the request as a driver's use does, then free it.
      first.driverOwned = true;
      first.canceled = true;
      first.priorityBoost = 2;
      first.Irp = null;
      first.deleteObject();
      void used;
      // Out of quarantine after enough other frees.
      const freed: FxRequest[] = [first];
      const freedHandles = [oldHandle];
      for (let i = 0; i < 300; i++) {
        const r = new FxRequest(null);
        r.cancelRoutine = () => {};
        freedHandles.push(r.handle);
        r.deleteObject();
        freed.push(r);
      }
      const fresh = new FxRequest(irp());
      const recycled = FxRequest.forIrp(irp());
      expect(freed).toContain(recycled);
      expect(recycled.handle).not.toBe(oldHandle);
      expect(freedHandles).not.toContain(recycled.handle);
      expect(fields(recycled)).toEqual(fields(fresh));
      expect(FxObjectHandleGetPtr(recycled.handle, FX_TYPE_REQUEST)).toBe(recycled);
    });
    expectBugCheck(m, WDF_VIOLATION, () => m.runInKernel(() => FxObjectHandleGetPtr(0x10000, FX_TYPE_REQUEST)));
  });
});
