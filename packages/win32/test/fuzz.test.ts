import { describe, expect, it } from "vitest";
import {
  boot, IoCompleteRequest, IoCreateDevice, IoCreateSymbolicLink, IoGetCurrentIrpStackLocation, IRP_MJ_CLEANUP, IRP_MJ_CLOSE,
  IRP_MJ_CREATE, IRP_MJ_DEVICE_CONTROL, IRP_MJ_READ, IRP_MJ_WRITE, DO_DIRECT_IO, FILE_DEVICE_UNKNOWN, MachineDeadlock, Out,
  STATUS_SUCCESS, type DEVICE_OBJECT, type DRIVER_OBJECT, type IRP,
} from "@wdfjs/kernel";
import { SeededRandom } from "@wdfjs/kernel/internal";
import { OVERLAPPED, Win32Process, type Win32Thread } from "../src/index.js";

/** A well-behaved driver: every request succeeds with no data, whatever its buffers. */
function DriverEntry(DriverObject: DRIVER_OBJECT): number {
  const dev = Out<DEVICE_OBJECT | null>(null);
  IoCreateDevice(DriverObject, 0, "\\Device\\Fuzz", FILE_DEVICE_UNKNOWN, 0, false, dev);
  dev.value!.Flags |= DO_DIRECT_IO;
  IoCreateSymbolicLink("\\DosDevices\\Fuzz", "\\Device\\Fuzz");
  const ok = (_d: DEVICE_OBJECT, irp: IRP) => {
    void IoGetCurrentIrpStackLocation(irp);
    irp.IoStatus.Status = STATUS_SUCCESS;
    irp.IoStatus.Information = 0;
    IoCompleteRequest(irp, 0);
    return STATUS_SUCCESS;
  };
  for (const mj of [IRP_MJ_CREATE, IRP_MJ_CLOSE, IRP_MJ_CLEANUP, IRP_MJ_READ, IRP_MJ_WRITE, IRP_MJ_DEVICE_CONTROL]) DriverObject.MajorFunction[mj] = ok;
  return STATUS_SUCCESS;
}

const WEIRD: unknown[] = [
  0, -1, 1, 4, 8, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff, 2 ** 32, 2 ** 47, 2 ** 47 + 0x1000, -(2 ** 31), -(2 ** 31) + 0x1000, -4096, 2 ** 53, -(2 ** 53), 1.5,
  Number.NaN, Number.POSITIVE_INFINITY, "x", "\\\\.\\Fuzz", "", null, undefined, {}, [], true, Symbol("s"), 10n,
];

describe("nothing a client passes throws out of the kernel", () => {
  it("thousands of calls with garbage arguments return FALSE/errors and leave the machine running", () => {
    const m = boot({ seed: 3 });
    expect(m.loadDriver("fuzz", DriverEntry)).toBe(STATUS_SUCCESS);
    const app = Win32Process.create(m, "fuzz.exe");
    const good = app.alloc(4096);
    const handle = app.CreateFile("\\\\.\\Fuzz", 0xc0000000, 0, null, 3, 0, 0);
    const ovHandle = app.CreateFile("\\\\.\\Fuzz", 0xc0000000, 0, null, 3, 0x40000000, 0);
    const rnd = new SeededRandom(99);
    const pick = (): any => {
      const r = rnd.below(10);
      if (r < 2) return good;
      if (r < 3) return handle;
      if (r < 4) return ovHandle;
      return WEIRD[rnd.below(WEIRD.length)];
    };
    const calls: ((t: Win32Thread) => unknown)[] = [
      (t) => t.CreateFile(pick(), pick(), pick(), null, pick(), pick(), pick()),
      (t) => t.ReadFile(pick(), pick(), pick(), rnd.below(2) ? Out(0) : null, null),
      (t) => t.WriteFile(pick(), pick(), pick(), Out(0), null),
      (t) => t.ReadFile(ovHandle, pick(), pick(), null, new OVERLAPPED()),
      (t) => t.DeviceIoControl(pick(), pick(), pick(), pick(), pick(), pick(), Out(0), null),
      (t) => t.DeviceIoControl(ovHandle, pick(), pick(), pick(), pick(), pick(), null, new OVERLAPPED()),
      (t) => t.CancelIo(pick()),
      (t) => t.CancelIoEx(pick(), null),
      (t) => t.CloseHandle(pick() === good ? 12345 : pick()),
      (t) => t.SetEvent(pick()),
      (t) => t.ResetEvent(pick()),
      (t) => t.WaitForSingleObject(pick(), 0),
      (t) => t.CreateIoCompletionPort(pick(), pick(), pick(), pick()),
      (t) => t.GetQueuedCompletionStatus(pick(), Out(0), Out(0), Out<OVERLAPPED | null>(null), 0),
      (t) => t.VirtualAlloc(pick(), pick(), pick(), pick()),
      (t) => t.VirtualFree(pick(), pick(), pick()),
      (t) => t.WriteMemory(pick(), [1, 2, 3]),
      (t) => t.ReadMemory(pick(), pick()),
      (t) => t.GetOverlappedResult(pick(), new OVERLAPPED(), Out(0), false),
      (t) => t.WaitForSingleObjectEx(pick(), 0, pick()),
      (t) => t.WaitForMultipleObjectsEx(pick(), [pick(), pick()], pick(), 0, pick()),
      (t) => t.SleepEx(0, pick()),
      (t) => t.QueueUserAPC(pick(), pick(), pick()),
      (t) => t.ReadFileEx(pick(), pick(), pick(), rnd.below(2) ? new OVERLAPPED() : pick(), rnd.below(2) ? () => {} : pick()),
      (t) => t.WriteFileEx(ovHandle, pick(), pick(), new OVERLAPPED(), () => {}),
      (t) => t.GetExitCodeThread(pick(), rnd.below(2) ? Out(0) : pick()),
      (t) => t.CreateThread(null, 0, rnd.below(2) ? function* () { return 0; } : pick(), pick(), pick(), null),
    ];
    let count = 0;
    for (let i = 0; i < 10000; i++) {
      const call = calls[rnd.below(calls.length)]!;
      try {
        call(app);
      } catch (e) {
        // A wait that can never be satisfied is reported, never a crash.
        if (!(e instanceof MachineDeadlock)) throw e;
      }
      count++;
    }
    expect(count).toBe(10000);
    expect(m.stopped).toBe(false);
  });
});
