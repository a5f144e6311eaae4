import { describe, expect, it } from "vitest";
import {
  boot, CANCEL_STATE_IN_COMPLETED_IRP, IoAllocateIrp, IoCancelIrp, IoCompleteRequest, IoFreeIrp, IoSetCancelRoutine, IoReleaseCancelSpinLock,
  IO_NO_INCREMENT, STATUS_SUCCESS, type DRIVER_CANCEL, type IRP,
} from "../src/index.js";
import { expectBugCheck } from "./helpers.js";

describe("IoCancelIrp on a completed IRP", () => {
  it("is CANCEL_STATE_IN_COMPLETED_IRP (0x48) with the IRP's address when the completed IRP still has a cancel routine (free flavor: nothing caught it at completion)", () => {
    const m = boot({ flavor: "free" });
    let irp: IRP | null = null;
    const routine: DRIVER_CANCEL = (_d, i) => IoReleaseCancelSpinLock(i.CancelIrql);
    const d = expectBugCheck(m, CANCEL_STATE_IN_COMPLETED_IRP, () =>
      m.runInKernel(() => {
        irp = IoAllocateIrp(1, false)!;
        IoSetCancelRoutine(irp, routine);
        irp.IoStatus.Status = STATUS_SUCCESS;
        IoCompleteRequest(irp, IO_NO_INCREMENT);
        IoCancelIrp(irp);
      }),
    );
    // https://learn.microsoft.com/windows-hardware/drivers/debugger/bug-check-0x48--cancel-state-in-completed-irp:
    // P1 a pointer to the IRP, P2 the cancel routine set by the driver.
    expect(d.BugCheckParameter1).toBe(irp!.address);
    expect(m.ob.addresses.lookup(d.BugCheckParameter2)).toBe(routine);
  });

  it("a completed IRP without a cancel routine is just not cancelable: FALSE", () => {
    const m = boot();
    const r = m.runInKernel(() => {
      const irp = IoAllocateIrp(1, false)!;
      irp.IoStatus.Status = STATUS_SUCCESS;
      IoCompleteRequest(irp, IO_NO_INCREMENT);
      const cancelled = IoCancelIrp(irp);
      IoFreeIrp(irp);
      return cancelled;
    });
    expect(r).toBe(false);
    expect(m.stopped).toBe(false);
  });
});
