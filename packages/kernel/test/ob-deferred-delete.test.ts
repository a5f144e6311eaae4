import { describe, expect, it } from "vitest";
import {
  IO_STATUS_BLOCK, IoMarkIrpPending, IRP_MJ_CLOSE, IRP_MJ_READ, KDPC, KeGetCurrentIrql, KeInitializeDpc, KeInsertQueueDpc,
  NtClose, NtReadFile, PASSIVE_LEVEL, STATUS_PENDING, STATUS_SUCCESS, type IRP,
} from "../src/index.js";
import { bootWithDriver, complete, userAlloc } from "./helpers.js";

describe("deleting an object whose last reference goes above PASSIVE_LEVEL", () => {
  it("IRP_MJ_CLOSE for a file whose last IRP completes after the handle closed runs later, at PASSIVE_LEVEL in the System process", () => {
    let held: IRP | null = null;
    const closes: { irql: number; process: string }[] = [];
    const dpc = new KDPC();
    const { m, c, h } = bootWithDriver({
      name: "Late",
      flavor: "free",
      options: 0,
      dispatch: {
        [IRP_MJ_READ]: (_d, irp) => {
          IoMarkIrpPending(irp);
          held = irp;
          return STATUS_PENDING;
        },
        [IRP_MJ_CLOSE]: (_d, irp) => {
          closes.push({ irql: KeGetCurrentIrql(), process: m.cpu.process.ImageFileName });
          return complete(irp, STATUS_SUCCESS);
        },
      },
      init: () => KeInitializeDpc(dpc, () => complete(held!, STATUS_SUCCESS), null),
    });
    const buf = userAlloc(m, c);
    const iosb = new IO_STATUS_BLOCK();
    expect(m.syscall(c.thread, () => NtReadFile(h, 0, null, null, iosb, buf, 16, null, 0))).toBe(STATUS_PENDING);
    // Closing the handle: the pending IRP still references the file object, so no close yet.
    expect(m.syscall(c.thread, () => NtClose(h))).toBe(STATUS_SUCCESS);
    expect(closes).toEqual([]);
    // The IRP completes from a DPC; its completion APC drops the last reference at APC_LEVEL,
    // so the object manager hands the delete to a worker thread.
    m.runInKernel(() => KeInsertQueueDpc(dpc, null, null));
    m.run();
    expect(iosb.Status).toBe(STATUS_SUCCESS);
    expect(closes).toEqual([{ irql: PASSIVE_LEVEL, process: "System" }]);
  });
});
