import { describe, expect, it } from "vitest";
import {
  boot, IO_NO_INCREMENT, IO_STATUS_BLOCK, IoAllocateIrp, IoBuildAsynchronousFsdRequest, IoCallDriver, IoCancelIrp, IoCompleteRequest, IoFreeIrp,
  IoGetNextIrpStackLocation, IoSetCompletionRoutine, IRP_MJ_INTERNAL_DEVICE_CONTROL, IRP_MJ_WRITE, IRQL_NOT_LESS_OR_EQUAL, Out,
  PsCreateSystemThread, STATUS_MORE_PROCESSING_REQUIRED, STATUS_SUCCESS, SYNCH_LEVEL, type IRP,
} from "../src/index.js";
import { complete, expectBugCheck, tinyDriver } from "./helpers.js";

// A driver that allocates an IRP owns it: its completion routine must take it back with
// STATUS_MORE_PROCESSING_REQUIRED and free it (IoAllocateIrp, IoBuildAsynchronousFsdRequest
// docs). Windows does not check this: IoCompleteRequest goes on to queue the completion APC
// to Irp->Tail.Overlay.Thread (ReactOS IofCompleteRequest does the same).

function rig() {
  const m = boot({ flavor: "free" });
  const drv = tinyDriver({ name: "Target", dispatch: { [IRP_MJ_INTERNAL_DEVICE_CONTROL]: (_d, irp) => complete(irp, STATUS_SUCCESS) } });
  expect(m.loadDriver("Target", drv.DriverEntry)).toBe(STATUS_SUCCESS);
  return { m, drv };
}

describe("a driver-allocated IRP completed all the way up", () => {
  it("from IoAllocateIrp, with no thread, is IRQL_NOT_LESS_OR_EQUAL (0xA): the completion APC goes to a NULL thread", () => {
    const { m, drv } = rig();
    const d = expectBugCheck(m, IRQL_NOT_LESS_OR_EQUAL, () =>
      m.runInKernel(() => {
        const irp = IoAllocateIrp(drv.device!.StackSize, false)!;
        IoGetNextIrpStackLocation(irp).MajorFunction = IRP_MJ_INTERNAL_DEVICE_CONTROL;
        IoCallDriver(drv.device!, irp);
      }),
    );
    // https://learn.microsoft.com/windows-hardware/drivers/debugger/bug-check-0xa--irql-not-less-or-equal
    // P1 the address referenced (inside a NULL KTHREAD), P2 the IRQL (KeInsertQueueApc runs at
    // SYNCH_LEVEL), P3 0: a read.
    expect(d.BugCheckParameter1).toBeLessThan(0x1000);
    expect(d.BugCheckParameter2).toBe(SYNCH_LEVEL);
    expect(d.BugCheckParameter3).toBe(0);
    expect(d.explanation).toMatch(/STATUS_MORE_PROCESSING_REQUIRED/);
  });

  it("is fine when a completion routine takes it back with STATUS_MORE_PROCESSING_REQUIRED and frees it", () => {
    const { m, drv } = rig();
    const r = m.runInKernel(() => {
      const irp = IoAllocateIrp(drv.device!.StackSize + 1, false)!;
      let seen: number | null = null;
      IoGetNextIrpStackLocation(irp).MajorFunction = IRP_MJ_INTERNAL_DEVICE_CONTROL;
      IoSetCompletionRoutine(irp, (_d, i) => {
        seen = i.IoStatus.Status;
        IoFreeIrp(i);
        return STATUS_MORE_PROCESSING_REQUIRED;
      }, null, true, true, true);
      const st = IoCallDriver(drv.device!, irp);
      return [st, seen];
    });
    expect(r).toEqual([STATUS_SUCCESS, STATUS_SUCCESS]);
    expect(m.stopped).toBe(false);
  });

  it("that was cancelled is freed by the I/O manager (nothing left to tell), no bug check", () => {
    const { m } = rig();
    m.runInKernel(() => {
      const irp: IRP = IoAllocateIrp(1, false)!;
      IoCancelIrp(irp);
      irp.IoStatus.Status = STATUS_SUCCESS;
      IoCompleteRequest(irp, IO_NO_INCREMENT);
    });
    expect(m.stopped).toBe(false);
  });

  it("from IoBuildAsynchronousFsdRequest is finished in the thread that built it: its IO_STATUS_BLOCK is filled and the IRP freed", () => {
    const m = boot({ flavor: "free" });
    const drv = tinyDriver({ name: "Writer", dispatch: { [IRP_MJ_WRITE]: (_d, irp) => complete(irp, STATUS_SUCCESS, 0) } });
    expect(m.loadDriver("Writer", drv.DriverEntry)).toBe(STATUS_SUCCESS);
    const iosb = new IO_STATUS_BLOCK();
    iosb.Status = -1;
    let irp: IRP | null = null;
    m.runInKernel(() => {
      PsCreateSystemThread(Out(0), 0, null, null, null, function* Sender() {
        irp = IoBuildAsynchronousFsdRequest(IRP_MJ_WRITE, drv.device!, 0, 0, null, iosb)!;
        IoCallDriver(drv.device!, irp);
        yield* [];
      }, null);
    });
    m.run();
    expect(m.stopped).toBe(false);
    expect(iosb.Status).toBe(STATUS_SUCCESS);
    // The I/O manager freed it: the same packet is free for the next allocation.
    expect(irp!.inUse).toBe(false);
  });
});
