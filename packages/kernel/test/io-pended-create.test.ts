import { describe, expect, it } from "vitest";
import {
  boot, DO_EXCLUSIVE, IoGetCurrentIrpStackLocation, IRP_MJ_CREATE, KeDelayExecutionThread, KernelMode, NtClose, STATUS_ACCESS_DENIED, STATUS_SUCCESS,
  type KWAIT_GENERATOR, type NTSTATUS,
} from "../src/index.js";
import { client, complete, open, tinyDriver } from "./helpers.js";

describe("a create the driver pends", () => {
  it("ends with the create's final status: a failure leaves no handle and no open, so an exclusive device opens next time", () => {
    const m = boot({ flavor: "checked", seed: 1 });
    const drv = tinyDriver({
      name: "Pend",
      dispatch: {
        // Waits (so the I/O manager sees STATUS_PENDING), then fails opens of "\deny".
        [IRP_MJ_CREATE]: function* (_d, irp): KWAIT_GENERATOR<NTSTATUS> {
          yield* KeDelayExecutionThread(KernelMode, false, -10 * 10_000);
          const name = IoGetCurrentIrpStackLocation(irp).FileObject!.FileName;
          return complete(irp, name === "\\deny" ? STATUS_ACCESS_DENIED : STATUS_SUCCESS);
        },
      },
      init: (_drv, dev) => {
        dev.Flags |= DO_EXCLUSIVE;
      },
    });
    expect(m.loadDriver("Pend", drv.DriverEntry)).toBe(STATUS_SUCCESS);
    const c = client(m);
    expect(open(m, c, "\\??\\Pend\\deny")).toEqual({ status: STATUS_ACCESS_DENIED, handle: 0 });
    expect(drv.device!.openCount).toBe(0);
    const ok = open(m, c, "\\??\\Pend\\ok");
    expect(ok.status).toBe(STATUS_SUCCESS);
    expect(ok.handle).not.toBe(0);
    expect(drv.device!.openCount).toBe(1);
    expect(m.syscall(c.thread, () => NtClose(ok.handle))).toBe(STATUS_SUCCESS);
    expect(m.now).toBe(20);
    expect(m.bugCheckData).toBeNull();
  });
});
