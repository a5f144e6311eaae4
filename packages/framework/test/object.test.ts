import { describe, expect, it } from "vitest";
import { boot, MemoryTraceSink, NT_SUCCESS, Out, STATUS_DELETE_PENDING, STATUS_INFO_LENGTH_MISMATCH, STATUS_SUCCESS, WDF_VIOLATION, type Machine } from "@wdfjs/kernel";
import {
  FX_TYPE_DEVICE, FX_TYPE_OBJECT, FxObject, FxObjectHandleGetPtr, FxObjectTableOf, STATUS_OBJECT_NAME_EXISTS, STATUS_WDF_EXECUTION_LEVEL_INVALID, STATUS_WDF_OBJECT_ATTRIBUTES_INVALID,
  STATUS_WDF_SYNCHRONIZATION_SCOPE_INVALID, WDF_DECLARE_CONTEXT_TYPE, WDF_DECLARE_CONTEXT_TYPE_WITH_NAME, WDF_GET_CONTEXT_TYPE_INFO, WDF_INVALID_HANDLE,
  WDF_OBJECT_ATTRIBUTES, WDF_OBJECT_ATTRIBUTES_INIT, WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE, WDF_OBJECT_ATTRIBUTES_SET_CONTEXT_TYPE, WDF_OBJECT_ERROR,
  WdfExecutionLevelInheritFromParent, WdfExecutionLevelPassive, WdfObjectAllocateContext, WdfObjectContextGetObject, WdfObjectCreate, WdfObjectDelete,
  WdfObjectDereference, WdfObjectDereferenceWithTag, WdfObjectGetTypedContextWorker, WdfObjectReference, WdfObjectReferenceWithTag,
  WdfSynchronizationScopeDevice, WdfSynchronizationScopeInheritFromParent, type WDFOBJECT,
} from "../src/index.js";
import { expectBugCheck } from "./helpers.js";

class DEVICE_CONTEXT {
  Count = 0;
  Name = "";
  Buffer: Uint8Array | null = null;
}
class EXTRA_CONTEXT {
  Value = 0;
}
const GetDeviceContext = WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(DEVICE_CONTEXT, "GetDeviceContext");
const GetExtra = WDF_DECLARE_CONTEXT_TYPE(EXTRA_CONTEXT);

/** Creates a generic object with the attributes `init` fills in (after WDF_OBJECT_ATTRIBUTES_INIT). */
function create(init?: (a: WDF_OBJECT_ATTRIBUTES) => void): WDFOBJECT {
  const a = new WDF_OBJECT_ATTRIBUTES();
  WDF_OBJECT_ATTRIBUTES_INIT(a);
  init?.(a);
  const h = Out<WDFOBJECT | null>(null);
  expect(WdfObjectCreate(a, h)).toBe(STATUS_SUCCESS);
  return h.value!;
}

describe("WDF_OBJECT_ATTRIBUTES", () => {
  it("INIT sets Size and both levels to inherit from the parent; INIT_CONTEXT_TYPE adds the type's info", () => {
    const a = new WDF_OBJECT_ATTRIBUTES();
    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(a, DEVICE_CONTEXT);
    expect(a.Size).toBe(56);
    expect(a.ExecutionLevel).toBe(WdfExecutionLevelInheritFromParent);
    expect(a.SynchronizationScope).toBe(WdfSynchronizationScopeInheritFromParent);
    expect(a.ParentObject).toBeNull();
    expect(a.ContextTypeInfo).toBe(WDF_GET_CONTEXT_TYPE_INFO(DEVICE_CONTEXT));
    expect(a.ContextTypeInfo!.ContextName).toBe("DEVICE_CONTEXT");
    expect(a.ContextTypeInfo!.UniqueType).toBe(a.ContextTypeInfo);
    expect(GetDeviceContext.name).toBe("GetDeviceContext");
    expect(GetExtra.name).toBe("WdfObjectGet_EXTRA_CONTEXT");
  });

  it("a wrong Size is STATUS_INFO_LENGTH_MISMATCH and creates nothing", () => {
    const m = boot();
    m.runInKernel(() => {
      const h = Out<WDFOBJECT | null>(null);
      expect(WdfObjectCreate(new WDF_OBJECT_ATTRIBUTES(), h)).toBe(STATUS_INFO_LENGTH_MISMATCH);
      const a = new WDF_OBJECT_ATTRIBUTES();
      WDF_OBJECT_ATTRIBUTES_INIT(a);
      a.Size = 48;
      expect(WdfObjectCreate(a, h)).toBe(STATUS_INFO_LENGTH_MISMATCH);
      expect(h.value).toBeNull();
      expect(FxObjectTableOf().count).toBe(0);
    });
  });

  it("a generic object takes no execution level or synchronization scope, and no look-alike type info", () => {
    const m = boot();
    m.runInKernel(() => {
      const h = Out<WDFOBJECT | null>(null);
      const a = new WDF_OBJECT_ATTRIBUTES();
      WDF_OBJECT_ATTRIBUTES_INIT(a);
      a.ExecutionLevel = WdfExecutionLevelPassive;
      expect(WdfObjectCreate(a, h)).toBe(STATUS_WDF_EXECUTION_LEVEL_INVALID);
      WDF_OBJECT_ATTRIBUTES_INIT(a);
      a.SynchronizationScope = WdfSynchronizationScopeDevice;
      expect(WdfObjectCreate(a, h)).toBe(STATUS_WDF_SYNCHRONIZATION_SCOPE_INVALID);
      WDF_OBJECT_ATTRIBUTES_INIT(a);
      a.ContextTypeInfo = { ...WDF_GET_CONTEXT_TYPE_INFO(DEVICE_CONTEXT) };
      expect(WdfObjectCreate(a, h)).toBe(STATUS_WDF_OBJECT_ATTRIBUTES_INVALID);
      WDF_OBJECT_ATTRIBUTES_INIT(a);
      a.ContextSizeOverride = 16;
      expect(WdfObjectCreate(a, h)).toBe(STATUS_WDF_OBJECT_ATTRIBUTES_INVALID);
      expect(WdfObjectCreate(null, h)).toBe(STATUS_SUCCESS);
      expect(h.value).not.toBeNull();
    });
  });
});

describe("handles and contexts", () => {
  it("a handle is a number that leads back to its object; each context leads back to its handle", () => {
    const m = boot();
    m.runInKernel(() => {
      const h = create((a) => WDF_OBJECT_ATTRIBUTES_SET_CONTEXT_TYPE(a, DEVICE_CONTEXT));
      expect(typeof h).toBe("number");
      const ctx = GetDeviceContext(h);
      expect(ctx).toBeInstanceOf(DEVICE_CONTEXT);
      expect(ctx).toEqual({ Count: 0, Name: "", Buffer: null });
      ctx.Count = 5;
      expect(GetDeviceContext(h).Count).toBe(5);
      expect(WdfObjectContextGetObject(ctx)).toBe(h);
      expect(WdfObjectContextGetObject({})).toBeNull();
      expect(GetExtra(h)).toBeNull();
      expect(WdfObjectGetTypedContextWorker(h, WDF_GET_CONTEXT_TYPE_INFO(DEVICE_CONTEXT))).toBe(ctx);
    });
  });

  it("each object gets its own fresh context", () => {
    const m = boot();
    m.runInKernel(() => {
      const a = create((x) => WDF_OBJECT_ATTRIBUTES_SET_CONTEXT_TYPE(x, DEVICE_CONTEXT));
      const b = create((x) => WDF_OBJECT_ATTRIBUTES_SET_CONTEXT_TYPE(x, DEVICE_CONTEXT));
      expect(a).not.toBe(b);
      GetDeviceContext(a).Count = 1;
      expect(GetDeviceContext(b).Count).toBe(0);
    });
  });

  it("WdfObjectAllocateContext adds a context of another type; the same type twice is STATUS_OBJECT_NAME_EXISTS", () => {
    const m = boot();
    m.runInKernel(() => {
      const h = create((a) => WDF_OBJECT_ATTRIBUTES_SET_CONTEXT_TYPE(a, DEVICE_CONTEXT));
      const a = new WDF_OBJECT_ATTRIBUTES();
      WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(a, EXTRA_CONTEXT);
      const ctx = Out<object | null>(null);
      expect(WdfObjectAllocateContext(h, a, ctx)).toBe(STATUS_SUCCESS);
      expect(ctx.value).toBe(GetExtra(h));
      expect(GetExtra(h).Value).toBe(0);
      expect(WdfObjectContextGetObject(GetExtra(h))).toBe(h);

      const again = Out<object | null>(null);
      const st = WdfObjectAllocateContext(h, a, again);
      expect(st).toBe(STATUS_OBJECT_NAME_EXISTS);
      expect(NT_SUCCESS(st)).toBe(true);
      expect(again.value).toBe(ctx.value);

      WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(a, DEVICE_CONTEXT);
      expect(WdfObjectAllocateContext(h, a, null)).toBe(STATUS_OBJECT_NAME_EXISTS);
      WDF_OBJECT_ATTRIBUTES_INIT(a);
      expect(WdfObjectAllocateContext(h, a, null)).toBe(STATUS_WDF_OBJECT_ATTRIBUTES_INVALID);
      a.Size = 0;
      expect(WdfObjectAllocateContext(h, a, null)).toBe(STATUS_INFO_LENGTH_MISMATCH);
    });
  });

  it("an allocated context brings its own cleanup and destroy callbacks, run after the first context's", () => {
    const m = boot();
    const log: string[] = [];
    m.runInKernel(() => {
      const h = create((a) => {
        a.EvtCleanupCallback = () => log.push("cleanup 1");
        a.EvtDestroyCallback = () => log.push("destroy 1");
      });
      const a = new WDF_OBJECT_ATTRIBUTES();
      WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(a, EXTRA_CONTEXT);
      a.EvtCleanupCallback = () => log.push("cleanup 2");
      a.EvtDestroyCallback = () => log.push("destroy 2");
      expect(WdfObjectAllocateContext(h, a, null)).toBe(STATUS_SUCCESS);
      WdfObjectDelete(h);
    });
    expect(log).toEqual(["cleanup 1", "cleanup 2", "destroy 1", "destroy 2"]);
  });
});

describe("parents, references and deletion", () => {
  function tree(log: string[]) {
    const named = (name: string, parent: WDFOBJECT | null) =>
      create((a) => {
        a.ParentObject = parent;
        a.EvtCleanupCallback = (o) => log.push(`cleanup ${name} ${o === handles[name] ? "" : "?"}`.trim());
        a.EvtDestroyCallback = () => log.push(`destroy ${name}`);
      });
    const handles: Record<string, WDFOBJECT> = {};
    handles.P = named("P", null);
    handles.C1 = named("C1", handles.P);
    handles.G = named("G", handles.C1);
    handles.C2 = named("C2", handles.P);
    return handles;
  }

  it("deleting a parent cleans up its children first (the farthest first), then destroys them before it", () => {
    const m = boot();
    const log: string[] = [];
    m.runInKernel(() => {
      const h = tree(log);
      WdfObjectDelete(h.P!);
      expect(FxObjectTableOf().count).toBe(0);
    });
    expect(log).toEqual(["cleanup G", "cleanup C1", "cleanup C2", "cleanup P", "destroy G", "destroy C1", "destroy C2", "destroy P"]);
  });

  it("deleting a child alone leaves the parent and its other children", () => {
    const m = boot();
    const log: string[] = [];
    m.runInKernel(() => {
      const h = tree(log);
      WdfObjectDelete(h.C1!);
      expect(log).toEqual(["cleanup G", "cleanup C1", "destroy G", "destroy C1"]);
      WdfObjectDelete(h.P!);
    });
    expect(log.slice(4)).toEqual(["cleanup C2", "cleanup P", "destroy C2", "destroy P"]);
  });

  it("a reference keeps a deleted object's handle valid: cleanup at delete, destroy at the last dereference", () => {
    const m = boot();
    const log: string[] = [];
    m.runInKernel(() => {
      const h = tree(log);
      const tag = {};
      WdfObjectReferenceWithTag(h.C1!, tag);
      WdfObjectReference(h.C1!);
      WdfObjectDelete(h.P!);
      expect(log).toEqual(["cleanup G", "cleanup C1", "cleanup C2", "cleanup P", "destroy G", "destroy C2"]);
      // The child holds its parent: P is destroyed after C1.
      WdfObjectDereferenceWithTag(h.C1!, tag);
      expect(GetExtra(h.C1!)).toBeNull(); // the handle still works
      WdfObjectDelete(h.C1!); // a second delete does nothing
      expect(log).toHaveLength(6);
      WdfObjectDereference(h.C1!);
    });
    expect(log.slice(6)).toEqual(["destroy C1", "destroy P"]);
  });

  it("a parent being deleted takes no new children (STATUS_DELETE_PENDING)", () => {
    const m = boot();
    m.runInKernel(() => {
      const p = create();
      WdfObjectReference(p);
      WdfObjectDelete(p);
      const a = new WDF_OBJECT_ATTRIBUTES();
      WDF_OBJECT_ATTRIBUTES_INIT(a);
      a.ParentObject = p;
      const h = Out<WDFOBJECT | null>(null);
      expect(WdfObjectCreate(a, h)).toBe(STATUS_DELETE_PENDING);
      expect(h.value).toBeNull();
      WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(a, EXTRA_CONTEXT);
      a.ParentObject = null;
      expect(WdfObjectAllocateContext(p, a, null)).toBe(STATUS_DELETE_PENDING);
      WdfObjectDereference(p);
      expect(FxObjectTableOf().count).toBe(0);
    });
  });

  it("an object the framework owns refuses WdfObjectDelete: it stays, and the trace records the attempt", () => {
    const trace = new MemoryTraceSink();
    const m = boot({ trace });
    m.runInKernel(() => {
      const o = new FxObject(FX_TYPE_DEVICE);
      o.noDeleteDDI = true;
      WdfObjectDelete(o.handle);
      expect(o.refCount).toBe(1);
      WdfObjectReference(o.handle); // still a live handle
    });
    expect(m.bugCheckData).toBeNull();
    expect(trace.events.filter((e) => e.kind === "wdf.delete-refused")).toHaveLength(1);
  });

  it("releasing the creation reference of a parented object with WdfObjectDereference is WDF_OBJECT_ERROR", () => {
    for (const flavor of ["checked", "free"] as const) {
      const m = boot({ flavor });
      let child = 0;
      const data = expectBugCheck(m, WDF_VIOLATION, () =>
        m.runInKernel(() => {
          const p = create();
          child = create((a) => (a.ParentObject = p));
          WdfObjectDereference(child);
        }),
      );
      expect([data.BugCheckParameter1, data.BugCheckParameter2]).toEqual([WDF_OBJECT_ERROR, child]);
    }
  });
});

describe("the last reference of an object that was never deleted", () => {
  it("a parentless object released by its creator is cleaned up and destroyed", () => {
    const m = boot();
    const log: string[] = [];
    m.runInKernel(() => {
      const h = create((a) => {
        a.EvtCleanupCallback = () => log.push("cleanup");
        a.EvtDestroyCallback = () => log.push("destroy");
      });
      WdfObjectDereference(h);
      expect(FxObjectTableOf().count).toBe(0);
    });
    expect(log).toEqual(["cleanup", "destroy"]);
    expect(m.bugCheckData).toBeNull();
  });
});

describe("invalid handles", () => {
  function deleted(m: Machine): WDFOBJECT {
    return m.runInKernel(() => {
      const h = create((a) => WDF_OBJECT_ATTRIBUTES_SET_CONTEXT_TYPE(a, DEVICE_CONTEXT));
      GetDeviceContext(h).Count = 7;
      WdfObjectDelete(h);
      return h;
    });
  }

  it("checked: a deleted object's handle is WDF_VIOLATION / WDF_INVALID_HANDLE (P2 handle, P3 expected type)", () => {
    const m = boot({ flavor: "checked" });
    const h = deleted(m);
    const data = expectBugCheck(m, WDF_VIOLATION, () => m.runInKernel(() => WdfObjectReference(h)));
    expect([data.BugCheckParameter1, data.BugCheckParameter2, data.BugCheckParameter3]).toEqual([WDF_INVALID_HANDLE, h, FX_TYPE_OBJECT]);
  });

  it("free: a freed object's handle reads the freed object, as freed pool reads until reused", () => {
    const m = boot({ flavor: "free" });
    const h = deleted(m);
    m.runInKernel(() => {
      expect(GetDeviceContext(h).Count).toBe(7);
      WdfObjectReference(h);
      WdfObjectDereference(h);
      WdfObjectDelete(h);
    });
    expect(m.bugCheckData).toBeNull();
    // Once its memory is reused (many objects freed since), the handle is no object at all.
    m.runInKernel(() => {
      for (let i = 0; i < 300; i++) WdfObjectDelete(create());
    });
    const data = expectBugCheck(m, WDF_VIOLATION, () => m.runInKernel(() => WdfObjectReference(h)));
    expect(data.BugCheckParameter1).toBe(WDF_INVALID_HANDLE);
  });

  it("a forged handle, or a handle of another type, is WDF_INVALID_HANDLE in both flavors", () => {
    for (const flavor of ["checked", "free"] as const) {
      const m = boot({ flavor });
      const data = expectBugCheck(m, WDF_VIOLATION, () => m.runInKernel(() => WdfObjectDelete(0x1234)));
      expect([data.BugCheckParameter1, data.BugCheckParameter2, data.BugCheckParameter3]).toEqual([WDF_INVALID_HANDLE, 0x1234, FX_TYPE_OBJECT]);
    }
    const forgedParent = boot();
    const parentData = expectBugCheck(forgedParent, WDF_VIOLATION, () => forgedParent.runInKernel(() => create((a) => (a.ParentObject = 0x4321))));
    expect([parentData.BugCheckParameter1, parentData.BugCheckParameter2]).toEqual([WDF_INVALID_HANDLE, 0x4321]);
    const m = boot();
    const h = m.runInKernel(() => create());
    // A DDI that needs a WDFDEVICE, given a generic object.
    const data = expectBugCheck(m, WDF_VIOLATION, () => m.runInKernel(() => FxObjectHandleGetPtr(h, FX_TYPE_DEVICE)));
    expect([data.BugCheckParameter1, data.BugCheckParameter2, data.BugCheckParameter3]).toEqual([WDF_INVALID_HANDLE, h, FX_TYPE_DEVICE]);
  });

  it("a value that is not a number at all (NULL, a string, a BigInt, a symbol, an object) is WDF_INVALID_HANDLE too, for every kind of lookup", () => {
    const notHandles: unknown[] = [null, undefined, "8", 8n, Symbol("h"), {}, 4.5, -4];
    for (const flavor of ["checked", "free"] as const) {
      for (const value of notHandles) {
        for (const Type of [FX_TYPE_OBJECT, FX_TYPE_DEVICE]) {
          const m = boot({ flavor });
          const data = expectBugCheck(m, WDF_VIOLATION, () => m.runInKernel(() => FxObjectHandleGetPtr(value as number, Type)));
          expect([data.BugCheckParameter1, data.BugCheckParameter3]).toEqual([WDF_INVALID_HANDLE, Type]);
        }
        const m = boot({ flavor });
        const data = expectBugCheck(m, WDF_VIOLATION, () => m.runInKernel(() => WdfObjectDelete(value as number)));
        expect(data.BugCheckParameter1).toBe(WDF_INVALID_HANDLE);
      }
    }
  });
});

describe("machines", () => {
  it("two machines have their own objects: a handle of one is not an object of the other", () => {
    const a = boot();
    const b = boot();
    const ha = a.runInKernel(() => create((x) => WDF_OBJECT_ATTRIBUTES_SET_CONTEXT_TYPE(x, DEVICE_CONTEXT)));
    const hb = b.runInKernel(() => create((x) => WDF_OBJECT_ATTRIBUTES_SET_CONTEXT_TYPE(x, DEVICE_CONTEXT)));
    expect(ha).toBe(hb); // same numbers, different tables
    a.runInKernel(() => (GetDeviceContext(ha).Count = 1));
    expect(b.runInKernel(() => GetDeviceContext(hb).Count)).toBe(0);
    a.runInKernel(() => WdfObjectDelete(ha));
    expect(b.runInKernel(() => FxObjectTableOf().count)).toBe(1);
    expectBugCheck(a, WDF_VIOLATION, () => a.runInKernel(() => WdfObjectReference(ha)));
    expect(b.bugCheckData).toBeNull();
  });
});
