import { describe, expect, it } from "vitest";
import {
  boot, CANCEL_STATE_IN_COMPLETED_IRP, IoAllocateIrp, IoCancelIrp, IoCompleteRequest, IoFreeIrp, IoSetCancelRoutine, IoReleaseCancelSpinLock,
  IoSetCompletionRoutine, IoSetNextIrpStackLocation, IO_NO_INCREMENT, STATUS_MORE_PROCESSING_REQUIRED, STATUS_SUCCESS, type DRIVER_CANCEL, type IRP,
} from "../src/index.js";

/**
 * A driver's own IRP, as if sent to itself: its completion routine takes it back
 * (STATUS_MORE_PROCESSING_REQUIRED), so it stays allocated once completed.
 */
function ownIrp(): IRP {
  const irp = IoAllocateIrp(1, false)!;
  IoSetCompletionRoutine(irp, () => STATUS_MORE_PROCESSING_REQUIRED, null, true, true, true);
  IoSetNextIrpStackLocation(irp);
  return irp;
}
import { expectBugCheck, requester } from "./helpers.js";

describe("IoCancelIrp on a completed IRP", () => {
  it("is CANCEL_STATE_IN_COMPLETED_IRP (0x48) with the IRP's address when the completed IRP still has a cancel routine (free flavor: nothing caught it at completion)", () => {
    const m = boot({ flavor: "free" });
    let irp: IRP | null = null;
    const owner = requester(m);
    const routine: DRIVER_CANCEL = (_d, i) => IoReleaseCancelSpinLock(i.CancelIrql);
    const d = expectBugCheck(m, CANCEL_STATE_IN_COMPLETED_IRP, () =>
      m.runInKernel(() => {
        // Completed all the way: the I/O manager's completion APC to the owning thread is
        // queued, not yet run, and the IRP is still there to be cancelled.
        irp = IoAllocateIrp(1, false)!;
        irp.Tail.Overlay.Thread = owner;
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
      const irp = ownIrp();
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
