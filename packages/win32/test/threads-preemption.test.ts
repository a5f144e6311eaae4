import { describe, expect, it } from "vitest";
import {
  boot, DO_BUFFERED_IO, FILE_DEVICE_UNKNOWN, IoCompleteRequest, IoCreateDevice, IoCreateSymbolicLink, IoGetCurrentIrpStackLocation, IRP_MJ_CLEANUP,
  IRP_MJ_CLOSE, IRP_MJ_CREATE, IRP_MJ_WRITE, KeGetCurrentProcessorNumber, Out, PsGetCurrentThread, STATUS_SUCCESS, type DEVICE_OBJECT, type DRIVER_OBJECT,
  type IRP, type KWAIT_BLOCK, type Machine, type NTSTATUS,
} from "@wdfjs/kernel";
import { GENERIC_READ, GENERIC_WRITE, INFINITE, OPEN_EXISTING, Win32Process, type Win32ThreadContext } from "../src/index.js";

/**
 * A sink: each write completes at once. Its dispatch routine notes, for the thread it runs as,
 * on how many processors the machine has that thread, and whether one of them is the one it
 * runs on.
 */
function sink(m: Machine, seen: string[]): (DriverObject: DRIVER_OBJECT) => NTSTATUS {
  return (DriverObject) => {
    const dev = Out<DEVICE_OBJECT | null>(null);
    const st = IoCreateDevice(DriverObject, 0, "\\Device\\Sink", FILE_DEVICE_UNKNOWN, 0, false, dev);
    if (st < 0) return st;
    dev.value!.Flags |= DO_BUFFERED_IO;
    IoCreateSymbolicLink("\\DosDevices\\Sink", "\\Device\\Sink");
    const complete = (irp: IRP, info: number): NTSTATUS => {
      irp.IoStatus.Status = STATUS_SUCCESS;
      irp.IoStatus.Information = info;
      IoCompleteRequest(irp, 0);
      return STATUS_SUCCESS;
    };
    for (const mj of [IRP_MJ_CREATE, IRP_MJ_CLOSE, IRP_MJ_CLEANUP]) DriverObject.MajorFunction[mj] = (_d, irp) => complete(irp, 0);
    DriverObject.MajorFunction[IRP_MJ_WRITE] = (_d, irp) => {
      const me = PsGetCurrentThread();
      const on = m.processors.filter((c) => c.thread === me).map((c) => c.Number);
      if (on.length !== 1 || on[0] !== KeGetCurrentProcessorNumber()) seen.push(`thread on processors [${on.join(",")}], running on ${KeGetCurrentProcessorNumber()}`);
      return complete(irp, IoGetCurrentIrpStackLocation(irp).Parameters.Write.Length);
    };
    return STATUS_SUCCESS;
  };
}

describe("Win32 threads under preemption", () => {
  it("a thread's system call runs on the one processor its thread is on, even when preemption runs the thread nested", () => {
    for (let seed = 1; seed <= 10; seed++) {
      const m = boot({ seed, processors: 2, preemption: { mode: "random", probability: 0.2 } });
      const seen: string[] = [];
      expect(m.loadDriver("sink", sink(m, seen))).toBe(STATUS_SUCCESS);
      const app = Win32Process.create(m, "sink.exe");
      const worker = function* (_p: unknown, t: Win32ThreadContext): Generator<KWAIT_BLOCK, number, NTSTATUS> {
        const h = yield* t.CreateFile("\\\\.\\Sink", GENERIC_READ | GENERIC_WRITE, 0, null, OPEN_EXISTING, 0, 0);
        const buf = t.VirtualAlloc(0, 16, 0x3000, 0x04);
        for (let i = 0; i < 10; i++) {
          // Both threads wake at the same tick, so one may run nested in the other's call.
          yield* t.Sleep(1);
          yield* t.WriteFile(h, buf, 16, Out(0), null);
        }
        yield* t.CloseHandle(h);
        return 0;
      };
      const threads = [app.CreateThread(null, 0, worker, 0, 0, null), app.CreateThread(null, 0, worker, 0, 0, null), app.CreateThread(null, 0, worker, 0, 0, null)];
      for (const th of threads) expect(app.WaitForSingleObject(th, INFINITE)).toBe(0);
      expect({ seed, seen }).toEqual({ seed, seen: [] });
    }
  });
});
