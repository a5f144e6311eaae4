import { describe, expect, it } from "vitest";
import {
  boot, DO_BUFFERED_IO, FILE_DEVICE_UNKNOWN, IoCompleteRequest, IoCreateDevice, IoCreateSymbolicLink, IoMarkIrpPending,
  IoReleaseCancelSpinLock, IoSetCancelRoutine, IRP_MJ_CLEANUP, IRP_MJ_CLOSE, IRP_MJ_CREATE, IRP_MJ_READ, KeAcquireSpinLock,
  KeReleaseSpinLock, KSPIN_LOCK, Out, STATUS_CANCELLED, STATUS_PENDING, STATUS_SUCCESS, WriteBytes,
  type DEVICE_OBJECT, type DRIVER_DISPATCH, type DRIVER_OBJECT, type IRP,
} from "@wdfjs/kernel";
import {
  AsyncDevice, ERROR_IO_PENDING, ERROR_NOACCESS, FILE_FLAG_OVERLAPPED, GENERIC_READ, HasOverlappedIoCompleted, MEM_RELEASE, OPEN_EXISTING,
  OVERLAPPED, Win32Error, Win32Process,
} from "../src/index.js";

function driver(name: string, read: DRIVER_DISPATCH) {
  return (DriverObject: DRIVER_OBJECT): number => {
    const dev = Out<DEVICE_OBJECT | null>(null);
    IoCreateDevice(DriverObject, 0, `\\Device\\${name}`, FILE_DEVICE_UNKNOWN, 0, false, dev);
    dev.value!.Flags |= DO_BUFFERED_IO;
    IoCreateSymbolicLink(`\\DosDevices\\${name}`, `\\Device\\${name}`);
    const ok = (_d: DEVICE_OBJECT, irp: IRP) => {
      irp.IoStatus.Status = STATUS_SUCCESS;
      IoCompleteRequest(irp, 0);
      return STATUS_SUCCESS;
    };
    for (const mj of [IRP_MJ_CREATE, IRP_MJ_CLOSE, IRP_MJ_CLEANUP]) DriverObject.MajorFunction[mj] = ok;
    DriverObject.MajorFunction[IRP_MJ_READ] = read;
    return STATUS_SUCCESS;
  };
}

describe("completion details a review found", () => {
  it("a request pended and completed under a spin lock in the caller's thread is complete when ReadFile returns", () => {
    const m = boot();
    const lock = new KSPIN_LOCK();
    m.loadDriver("s", driver("S", (_d, irp) => {
      IoMarkIrpPending(irp);
      const old = Out(0);
      KeAcquireSpinLock(lock, old);
      irp.IoStatus.Status = STATUS_SUCCESS;
      irp.IoStatus.Information = 0;
      IoCompleteRequest(irp, 0);
      KeReleaseSpinLock(lock, old.value); // back below APC_LEVEL: the completion APC runs here
      return STATUS_PENDING;
    }));
    const app = Win32Process.create(m, "a.exe");
    const h = app.CreateFile("\\\\.\\S", GENERIC_READ, 0, null, OPEN_EXISTING, FILE_FLAG_OVERLAPPED, 0);
    const ov = new OVERLAPPED();
    expect(app.ReadFile(h, app.alloc(16), 16, null, ov)).toBe(false);
    expect(app.GetLastError()).toBe(ERROR_IO_PENDING);
    expect(HasOverlappedIoCompleted(ov)).toBe(true);
    expect(ov.Internal).toBe(STATUS_SUCCESS);
  });

  it("a buffered read whose buffer was freed before completion fails with ERROR_NOACCESS", () => {
    const m = boot();
    let held: IRP | null = null;
    m.loadDriver("b", driver("B", (_d, irp) => {
      IoMarkIrpPending(irp);
      held = irp;
      return STATUS_PENDING;
    }));
    const app = Win32Process.create(m, "a.exe");
    const h = app.CreateFile("\\\\.\\B", GENERIC_READ, 0, null, OPEN_EXISTING, FILE_FLAG_OVERLAPPED, 0);
    const buf = app.VirtualAlloc(0, 4096, 0x3000, 4);
    const ov = new OVERLAPPED();
    app.ReadFile(h, buf, 16, null, ov);
    app.VirtualFree(buf, 0, MEM_RELEASE);
    m.runInKernel(() => {
      WriteBytes(held!.AssociatedIrp.SystemBuffer, [1, 2, 3, 4]);
      held!.IoStatus.Status = STATUS_SUCCESS;
      held!.IoStatus.Information = 4;
      IoCompleteRequest(held!, 0);
    });
    const n = Out(0);
    expect(app.GetOverlappedResult(h, ov, n, true)).toBe(false);
    expect(app.GetLastError()).toBe(ERROR_NOACCESS);
    expect(n.value).toBe(0);
  });

  it("AsyncDevice rejects what is in flight when its process ends, instead of spinning", async () => {
    const m = boot();
    const queue: IRP[] = [];
    m.loadDriver("q", driver("Q", (_d, irp) => {
      IoMarkIrpPending(irp);
      IoSetCancelRoutine(irp, (_dd, i) => {
        IoReleaseCancelSpinLock(i.CancelIrql);
        queue.splice(queue.indexOf(i), 1);
        i.IoStatus.Status = STATUS_CANCELLED;
        IoCompleteRequest(i, 0);
      });
      queue.push(irp);
      return STATUS_PENDING;
    }));
    const app = Win32Process.create(m, "a.exe");
    const dev = AsyncDevice.open(app, "\\\\.\\Q");
    const read = dev.read(4);
    app.ExitProcess(0);
    const err = await Promise.resolve(read).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(Win32Error);
  });
});
