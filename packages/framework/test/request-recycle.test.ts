import { describe, expect, it } from "vitest";
import { boot, WDF_VIOLATION, IoAllocateIrp, IoGetNextIrpStackLocation, IoSetNextIrpStackLocation, IRP_MJ_DEVICE_CONTROL, type IRP } from "@wdfjs/kernel";
import { FxObjectHandleGetPtr, FxRequest, FxRequestSendState, FxRequestSendStateOf, FX_TYPE_REQUEST } from "../src/index.js";
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

  it("a request that was sent comes back recycled without its sending half; the next send starts from a send state equal to a new one", () => {
    const m = boot({ seed: 1, flavor: "checked" });
    m.runInKernel(() => {
      const first = FxRequest.forIrp(irp());
      const s = FxRequestSendStateOf(first);
      // What a send with a completion routine leaves behind once it is back.
      s.completionRoutine = () => {};
      s.completionContext = { mine: true };
      s.hasContext = true;
      s.completionParams.IoStatus.Status = -1;
      s.completionParams.IoStatus.Information = 64;
      s.completionParams.Parameters.Ioctl.IoControlCode = 0x222003;
      first.Irp = null;
      first.deleteObject();
      const freed: FxRequest[] = [first];
      for (let i = 0; i < 300; i++) {
        const r = new FxRequest(null);
        r.deleteObject();
        freed.push(r);
      }
      const recycled = FxRequest.forIrp(irp());
      expect(freed).toContain(recycled);
      expect(recycled.send).toBeNull();
      const fresh = fields(new FxRequestSendState());
      expect(fields(FxRequestSendStateOf(recycled))).toEqual(fresh);
    });
  });

  it("a request whose send had a timeout timer is not recycled (its timer's DPC names it)", () => {
    const m = boot({ seed: 1, flavor: "checked" });
    m.runInKernel(() => {
      const timed = FxRequest.forIrp(irp());
      FxRequestSendStateOf(timed).timer = {} as never;
      timed.Irp = null;
      timed.deleteObject();
      const seen = new Set<FxRequest>();
      for (let i = 0; i < 300; i++) {
        const r = FxRequest.forIrp(irp());
        seen.add(r);
        r.Irp = null;
        r.deleteObject();
      }
      expect(seen.has(timed)).toBe(false);
    });
  });
});
