import { describe, expect, it } from "vitest";
import {
  boot, IoCompleteRequest, IoCreateDevice, IoCreateSymbolicLink, IoGetCurrentIrpStackLocation, IoMarkIrpPending, IoSetCancelRoutine,
  IoReleaseCancelSpinLock, KDPC, KeInitializeDpc, KeInitializeTimer, KeSetTimer, KTIMER, IRP_MJ_CLEANUP, IRP_MJ_CLOSE, IRP_MJ_CREATE,
  IRP_MJ_DEVICE_CONTROL, IRP_MJ_READ, IRP_MJ_WRITE, DO_BUFFERED_IO, FILE_DEVICE_UNKNOWN, CTL_CODE, METHOD_BUFFERED, FILE_ANY_ACCESS,
  Out, ReadBytes, WriteBytes, STATUS_CANCELLED, STATUS_INVALID_PARAMETER, STATUS_PENDING, STATUS_SUCCESS,
  type DEVICE_OBJECT, type DRIVER_OBJECT, type IRP,
} from "@wdfjs/kernel";
import {
  AsyncDevice, ERROR_INVALID_PARAMETER, ERROR_OPERATION_ABORTED, FILE_FLAG_OVERLAPPED, GENERIC_READ, HasOverlappedIoCompleted, OPEN_EXISTING,
  OVERLAPPED, Win32Error, Win32Process,
} from "../src/index.js";

const IOCTL_SUM = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS);

/**
 * A mailbox device: writes store bytes; reads pend until a 5 ms timer DPC hands them the
 * stored bytes; IOCTL_SUM answers at once; a zero-length write fails at once.
 */
function DriverEntry(DriverObject: DRIVER_OBJECT): number {
  let stored: Uint8Array = new Uint8Array(0);
  const waiting: IRP[] = [];
  const timer = new KTIMER();
  const dpc = new KDPC();
  const dev = Out<DEVICE_OBJECT | null>(null);
  IoCreateDevice(DriverObject, 0, "\\Device\\Mailbox", FILE_DEVICE_UNKNOWN, 0, false, dev);
  dev.value!.Flags |= DO_BUFFERED_IO;
  IoCreateSymbolicLink("\\DosDevices\\Mailbox", "\\Device\\Mailbox");
  KeInitializeTimer(timer);
  const done = (irp: IRP, st: number, info = 0) => {
    irp.IoStatus.Status = st;
    irp.IoStatus.Information = info;
    IoCompleteRequest(irp, 0);
    return st;
  };
  KeInitializeDpc(dpc, () => {
    for (const irp of waiting.splice(0)) {
      if (IoSetCancelRoutine(irp, null) === null) continue;
      const n = Math.min(stored.length, IoGetCurrentIrpStackLocation(irp).Parameters.Read.Length);
      WriteBytes(irp.AssociatedIrp.SystemBuffer, stored.subarray(0, n));
      done(irp, STATUS_SUCCESS, n);
    }
  }, null);
  for (const mj of [IRP_MJ_CREATE, IRP_MJ_CLOSE, IRP_MJ_CLEANUP]) DriverObject.MajorFunction[mj] = (_d, irp) => done(irp, STATUS_SUCCESS);
  DriverObject.MajorFunction[IRP_MJ_WRITE] = (_d, irp) => {
    const n = IoGetCurrentIrpStackLocation(irp).Parameters.Write.Length;
    if (n === 0) return done(irp, STATUS_INVALID_PARAMETER);
    stored = ReadBytes(irp.AssociatedIrp.SystemBuffer, n);
    return done(irp, STATUS_SUCCESS, n);
  };
  DriverObject.MajorFunction[IRP_MJ_READ] = (_d, irp) => {
    IoMarkIrpPending(irp);
    IoSetCancelRoutine(irp, (_dd, i) => {
      IoReleaseCancelSpinLock(i.CancelIrql);
      waiting.splice(waiting.indexOf(i), 1);
      done(i, STATUS_CANCELLED);
    });
    waiting.push(irp);
    KeSetTimer(timer, -5 * 10_000, dpc);
    return STATUS_PENDING;
  };
  DriverObject.MajorFunction[IRP_MJ_DEVICE_CONTROL] = (_d, irp) => {
    const p = IoGetCurrentIrpStackLocation(irp).Parameters.DeviceIoControl;
    const sum = ReadBytes(irp.AssociatedIrp.SystemBuffer, p.InputBufferLength).reduce((a, b) => a + b, 0);
    WriteBytes(irp.AssociatedIrp.SystemBuffer, [sum & 0xff]);
    return done(irp, STATUS_SUCCESS, 1);
  };
  return STATUS_SUCCESS;
}

function setup() {
  const m = boot({ seed: 11 });
  expect(m.loadDriver("mailbox", DriverEntry)).toBe(STATUS_SUCCESS);
  return { m, app: Win32Process.create(m, "app.exe") };
}

describe("AsyncDevice, the promise-based layer", () => {
  it("requests in flight together resolve when awaited, the machine running meanwhile", async () => {
    const { m, app } = setup();
    const dev = AsyncDevice.open(app, "\\\\.\\Mailbox");
    expect(await dev.write([1, 2, 3])).toBe(3);
    const t0 = m.now;
    const [a, b, sum] = await Promise.all([dev.read(8), dev.read(2), dev.ioctl(IOCTL_SUM, [10, 20], 1)]);
    expect([...a]).toEqual([1, 2, 3]);
    expect([...b]).toEqual([1, 2]);
    expect([...sum]).toEqual([30]);
    expect(m.now - t0).toBeGreaterThanOrEqual(5); // the reads pended until the timer
    dev.close();
  });

  it("rejects with the Win32 error: at once for a request that fails inside the call, after pending for a cancelled one", async () => {
    const { app } = setup();
    const dev = AsyncDevice.open(app, "\\\\.\\Mailbox");
    await expect(dev.write([])).rejects.toMatchObject({ code: ERROR_INVALID_PARAMETER });
    const read = dev.read(4);
    dev.cancel();
    const err = await Promise.resolve(read).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(Win32Error);
    expect((err as Win32Error).code).toBe(ERROR_OPERATION_ABORTED);
    dev.close();
  });

  it("open throws Win32Error for a device that does not exist", () => {
    const { app } = setup();
    expect(() => AsyncDevice.open(app, "\\\\.\\Nothing")).toThrow(Win32Error);
  });
});

describe("overlapped completion follows the I/O manager's rules", () => {
  it("an overlapped request that fails inside the call posts no packet and leaves OVERLAPPED.Internal pending", () => {
    const { app } = setup();
    const h = app.CreateFile("\\\\.\\Mailbox", GENERIC_READ | 0x40000000, 0, null, OPEN_EXISTING, FILE_FLAG_OVERLAPPED, 0);
    const port = app.CreateIoCompletionPort(h, 0, 1, 0);
    const ov = new OVERLAPPED();
    expect(app.WriteFile(h, app.alloc(16), 0, null, ov)).toBe(false);
    expect(app.GetLastError()).toBe(ERROR_INVALID_PARAMETER);
    expect(HasOverlappedIoCompleted(ov)).toBe(false);
    const got = Out<OVERLAPPED | null>(null);
    expect(app.GetQueuedCompletionStatus(port, Out(0), Out(0), got, 10)).toBe(false);
    expect(got.value).toBe(null);
  });

  it("one that fails after pending (cancelled) posts a packet carrying the error", () => {
    const { app } = setup();
    const h = app.CreateFile("\\\\.\\Mailbox", GENERIC_READ, 0, null, OPEN_EXISTING, FILE_FLAG_OVERLAPPED, 0);
    const port = app.CreateIoCompletionPort(h, 0, 9, 0);
    const ov = new OVERLAPPED();
    expect(app.ReadFile(h, app.alloc(16), 16, null, ov)).toBe(false);
    app.CancelIoEx(h, ov);
    const got = Out<OVERLAPPED | null>(null);
    const key = Out(0);
    expect(app.GetQueuedCompletionStatus(port, Out(0), key, got, 10)).toBe(false);
    expect(got.value).toBe(ov);
    expect(key.value).toBe(9);
    expect(app.GetLastError()).toBe(ERROR_OPERATION_ABORTED);
    expect(ov.Internal).toBe(STATUS_CANCELLED);
  });
});
