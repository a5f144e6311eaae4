import { describe, expect, it } from "vitest";
import {
  boot, Out, IoCreateDevice, IoCreateSymbolicLink, IoCompleteRequest, IoGetCurrentIrpStackLocation, IoMarkIrpPending,
  IoSetCancelRoutine, IoReleaseCancelSpinLock, KDPC, KTIMER, KeInitializeDpc, KeInitializeTimer, KeSetTimer,
  IRP_MJ_CREATE, IRP_MJ_CLOSE, IRP_MJ_CLEANUP, IRP_MJ_READ, IRP_MJ_WRITE, IRP_MJ_DEVICE_CONTROL,
  STATUS_SUCCESS, STATUS_PENDING, STATUS_CANCELLED, STATUS_BUFFER_TOO_SMALL, FILE_DEVICE_UNKNOWN, DO_BUFFERED_IO,
  CTL_CODE, KERNEL_BASE, METHOD_BUFFERED, FILE_ANY_ACCESS, FILE_WRITE_ACCESS, ReadBytes, WriteBytes, MachineDeadlock, BugCheck,
  type DRIVER_OBJECT, type DEVICE_OBJECT, type IRP, type Machine,
} from "@wdfjs/kernel";
import {
  Win32Process, OVERLAPPED, HasOverlappedIoCompleted, INVALID_HANDLE_VALUE, GENERIC_READ, GENERIC_WRITE, OPEN_EXISTING,
  FILE_FLAG_OVERLAPPED, INFINITE, WAIT_OBJECT_0, WAIT_TIMEOUT, WAIT_FAILED, ERROR_FILE_NOT_FOUND, ERROR_INVALID_HANDLE,
  ERROR_IO_PENDING, ERROR_IO_INCOMPLETE, ERROR_OPERATION_ABORTED, ERROR_ACCESS_DENIED, ERROR_INSUFFICIENT_BUFFER,
  ERROR_INVALID_PARAMETER, ERROR_NOACCESS, ERROR_NOT_FOUND,
} from "../src/index.js";

const IOCTL_UPPER = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS);
const IOCTL_SMALL = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS);
const IOCTL_WRITE_ONLY = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x802, METHOD_BUFFERED, FILE_WRITE_ACCESS);

/** A small device: reads pend until a 10 ms timer DPC completes them with "hello"; writes complete at once. */
function DriverEntry(DriverObject: DRIVER_OBJECT): number {
  const dev = Out<DEVICE_OBJECT | null>(null);
  const pending: IRP[] = [];
  const timer = new KTIMER();
  const dpc = new KDPC();
  const st = IoCreateDevice(DriverObject, () => ({ pending }), "\\Device\\Test", FILE_DEVICE_UNKNOWN, 0, false, dev);
  if (st < 0) return st;
  dev.value!.Flags |= DO_BUFFERED_IO;
  IoCreateSymbolicLink("\\DosDevices\\Test", "\\Device\\Test");
  KeInitializeTimer(timer);
  const complete = (irp: IRP, status: number, info: number) => {
    irp.IoStatus.Status = status;
    irp.IoStatus.Information = info;
    IoCompleteRequest(irp, 0);
    return status;
  };
  KeInitializeDpc(dpc, () => {
    for (const irp of pending.splice(0)) {
      if (IoSetCancelRoutine(irp, null) === null) continue;
      const n = Math.min(5, IoGetCurrentIrpStackLocation(irp).Parameters.Read.Length);
      WriteBytes(irp.AssociatedIrp.SystemBuffer, [104, 101, 108, 108, 111].slice(0, n));
      complete(irp, STATUS_SUCCESS, n);
    }
  }, null);
  const cancel = (_d: DEVICE_OBJECT, irp: IRP) => {
    IoReleaseCancelSpinLock(irp.CancelIrql);
    pending.splice(pending.indexOf(irp), 1);
    complete(irp, STATUS_CANCELLED, 0);
  };
  DriverObject.MajorFunction[IRP_MJ_CREATE] = (_d, irp) => complete(irp, STATUS_SUCCESS, 0);
  DriverObject.MajorFunction[IRP_MJ_CLOSE] = (_d, irp) => complete(irp, STATUS_SUCCESS, 0);
  DriverObject.MajorFunction[IRP_MJ_CLEANUP] = (_d, irp) => complete(irp, STATUS_SUCCESS, 0);
  DriverObject.MajorFunction[IRP_MJ_READ] = (_d, irp) => {
    IoMarkIrpPending(irp);
    IoSetCancelRoutine(irp, cancel);
    pending.push(irp);
    KeSetTimer(timer, -10 * 10_000, dpc);
    return STATUS_PENDING;
  };
  DriverObject.MajorFunction[IRP_MJ_WRITE] = (_d, irp) => complete(irp, STATUS_SUCCESS, IoGetCurrentIrpStackLocation(irp).Parameters.Write.Length);
  DriverObject.MajorFunction[IRP_MJ_DEVICE_CONTROL] = (_d, irp) => {
    const p = IoGetCurrentIrpStackLocation(irp).Parameters.DeviceIoControl;
    if (p.IoControlCode === IOCTL_SMALL) return complete(irp, STATUS_BUFFER_TOO_SMALL, 0);
    const bytes = ReadBytes(irp.AssociatedIrp.SystemBuffer, p.InputBufferLength);
    WriteBytes(irp.AssociatedIrp.SystemBuffer, bytes.map((b) => (b >= 97 && b <= 122 ? b - 32 : b)));
    return complete(irp, STATUS_SUCCESS, Math.min(p.InputBufferLength, p.OutputBufferLength));
  };
  return STATUS_SUCCESS;
}

function setup(flavor: "checked" | "free" = "checked"): { m: Machine; app: Win32Process } {
  const m = boot({ flavor, seed: 7 });
  expect(m.loadDriver("test", DriverEntry)).toBe(STATUS_SUCCESS);
  return { m, app: Win32Process.create(m, "app.exe") };
}

const text = (s: string) => [...s].map((c) => c.charCodeAt(0));
const str = (b: Uint8Array) => String.fromCharCode(...b);

describe("@wdfjs/win32", () => {
  it("CreateFile opens \\\\.\\Name through the DosDevices link and fails unknown names with ERROR_FILE_NOT_FOUND", () => {
    const { app } = setup();
    const h = app.CreateFile("\\\\.\\Test", GENERIC_READ | GENERIC_WRITE, 0, null, OPEN_EXISTING, 0, 0);
    expect(h).toBeGreaterThan(0);
    expect(app.CreateFile("\\\\.\\Nope", GENERIC_READ, 0, null, OPEN_EXISTING, 0, 0)).toBe(INVALID_HANDLE_VALUE);
    expect(app.GetLastError()).toBe(ERROR_FILE_NOT_FOUND);
    expect(app.CreateFile("\\\\.\\Test", GENERIC_READ, 0, null, 99, 0, 0)).toBe(INVALID_HANDLE_VALUE);
    expect(app.GetLastError()).toBe(ERROR_INVALID_PARAMETER);
    expect(app.CloseHandle(h)).toBe(true);
    expect(app.CloseHandle(h)).toBe(false);
    expect(app.GetLastError()).toBe(ERROR_INVALID_HANDLE);
  });

  it("a synchronous ReadFile returns the data although the driver pends the IRP", () => {
    for (const flavor of ["checked", "free"] as const) {
      const { m, app } = setup(flavor);
      const h = app.CreateFile("\\\\.\\Test", GENERIC_READ, 0, null, OPEN_EXISTING, 0, 0);
      const buf = app.alloc(64);
      const n = Out(0);
      const before = m.now;
      expect(app.ReadFile(h, buf, 64, n, null)).toBe(true);
      expect(n.value).toBe(5);
      expect(str(app.ReadMemory(buf, 5))).toBe("hello");
      expect(m.now - before).toBeGreaterThanOrEqual(10);
    }
  });

  it("buffered DeviceIoControl copies in and out through the system buffer", () => {
    const { app } = setup();
    const h = app.CreateFile("\\\\.\\Test", GENERIC_READ | GENERIC_WRITE, 0, null, OPEN_EXISTING, 0, 0);
    const inBuf = app.alloc(16, text("abc-xyz"));
    const outBuf = app.alloc(16);
    const n = Out(0);
    expect(app.DeviceIoControl(h, IOCTL_UPPER, inBuf, 7, outBuf, 16, n, null)).toBe(true);
    expect(n.value).toBe(7);
    expect(str(app.ReadMemory(outBuf, 7))).toBe("ABC-XYZ");
    expect(app.DeviceIoControl(h, IOCTL_SMALL, inBuf, 7, outBuf, 16, n, null)).toBe(false);
    expect(app.GetLastError()).toBe(ERROR_INSUFFICIENT_BUFFER);
  });

  it("checks the handle's access against the IOCTL's required access before the driver sees it", () => {
    const { app } = setup();
    const h = app.CreateFile("\\\\.\\Test", GENERIC_READ, 0, null, OPEN_EXISTING, 0, 0);
    const buf = app.alloc(16);
    expect(app.DeviceIoControl(h, IOCTL_WRITE_ONLY, buf, 4, buf, 4, null, null)).toBe(false);
    expect(app.GetLastError()).toBe(ERROR_ACCESS_DENIED);
    expect(app.WriteFile(h, buf, 4, null, null)).toBe(false);
    expect(app.GetLastError()).toBe(ERROR_ACCESS_DENIED);
  });

  it("bad buffers fail with ERROR_NOACCESS and bad arguments never throw", () => {
    const { m, app } = setup();
    const h = app.CreateFile("\\\\.\\Test", GENERIC_READ | GENERIC_WRITE, 0, null, OPEN_EXISTING, 0, 0);
    const n = Out(0);
    expect(app.DeviceIoControl(h, IOCTL_UPPER, 0x1234_0000, 8, 0, 0, n, null)).toBe(false);
    expect(app.GetLastError()).toBe(ERROR_NOACCESS);
    expect(app.DeviceIoControl(h, IOCTL_UPPER, KERNEL_BASE + 0x1000, 8, 0, 0, n, null)).toBe(false);
    expect(app.GetLastError()).toBe(ERROR_NOACCESS);
    expect(app.WriteFile(h, -5, 8, n, null)).toBe(false);
    expect(app.WriteFile(h, "x" as unknown as number, 8, n, null)).toBe(false);
    expect(app.DeviceIoControl(h, IOCTL_UPPER, 0, Number.NaN, 0, 0, n, null)).toBe(false);
    expect(app.GetLastError()).toBe(ERROR_INVALID_PARAMETER);
    expect(app.ReadFile(12345, 0, 0, n, null)).toBe(false);
    expect(app.GetLastError()).toBe(ERROR_INVALID_HANDLE);
    expect(app.WriteMemory(KERNEL_BASE, [1])).toBe(false);
    expect(app.GetLastError()).toBe(ERROR_NOACCESS);
    expect(m.stopped).toBe(false);
  });

  it("overlapped I/O: ERROR_IO_PENDING, then GetOverlappedResult and the event", () => {
    const { app } = setup();
    const h = app.CreateFile("\\\\.\\Test", GENERIC_READ, 0, null, OPEN_EXISTING, FILE_FLAG_OVERLAPPED, 0);
    const ov = new OVERLAPPED();
    ov.hEvent = app.CreateEvent(null, true, false, null);
    const buf = app.alloc(64);
    const n = Out(0);
    expect(app.ReadFile(h, buf, 64, null, ov)).toBe(false);
    expect(app.GetLastError()).toBe(ERROR_IO_PENDING);
    expect(HasOverlappedIoCompleted(ov)).toBe(false);
    expect(app.GetOverlappedResult(h, ov, n, false)).toBe(false);
    expect(app.GetLastError()).toBe(ERROR_IO_INCOMPLETE);
    expect(app.WaitForSingleObject(ov.hEvent, 1)).toBe(WAIT_TIMEOUT);
    expect(app.WaitForSingleObject(ov.hEvent, INFINITE)).toBe(WAIT_OBJECT_0);
    expect(app.GetOverlappedResult(h, ov, n, true)).toBe(true);
    expect(n.value).toBe(5);
    expect(str(app.ReadMemory(buf, 5))).toBe("hello");
  });

  it("CancelIoEx and CancelIo cancel pended requests with ERROR_OPERATION_ABORTED", () => {
    const { app } = setup();
    const h = app.CreateFile("\\\\.\\Test", GENERIC_READ, 0, null, OPEN_EXISTING, FILE_FLAG_OVERLAPPED, 0);
    const buf = app.alloc(64);
    const a = new OVERLAPPED();
    const b = new OVERLAPPED();
    const n = Out(0);
    app.ReadFile(h, buf, 64, null, a);
    app.ReadFile(h, buf, 64, null, b);
    expect(app.CancelIoEx(h, a)).toBe(true);
    expect(app.GetOverlappedResult(h, a, n, true)).toBe(false);
    expect(app.GetLastError()).toBe(ERROR_OPERATION_ABORTED);
    expect(HasOverlappedIoCompleted(b)).toBe(false);
    // CancelIo cancels only the calling thread's requests.
    const other = app.CreateHostThread("other");
    expect(other.CancelIo(h)).toBe(true);
    expect(HasOverlappedIoCompleted(b)).toBe(false);
    expect(app.CancelIo(h)).toBe(true);
    expect(app.GetOverlappedResult(h, b, n, true)).toBe(false);
    expect(app.GetLastError()).toBe(ERROR_OPERATION_ABORTED);
    expect(app.CancelIoEx(h, null)).toBe(false);
    expect(app.GetLastError()).toBe(ERROR_NOT_FOUND);
  });

  it("completion ports deliver one packet per overlapped request with its key and OVERLAPPED", () => {
    const { app } = setup();
    const h = app.CreateFile("\\\\.\\Test", GENERIC_READ | GENERIC_WRITE, 0, null, OPEN_EXISTING, FILE_FLAG_OVERLAPPED, 0);
    const port = app.CreateIoCompletionPort(h, 0, 42, 0);
    expect(port).toBeGreaterThan(0);
    const buf = app.alloc(64);
    const ovs = [new OVERLAPPED(), new OVERLAPPED(), new OVERLAPPED()];
    app.ReadFile(h, buf, 64, null, ovs[0]!);
    app.ReadFile(h, buf, 64, null, ovs[1]!);
    expect(app.WriteFile(h, buf, 10, null, ovs[2]!)).toBe(true);
    const n = Out(0), key = Out(0), got = Out<OVERLAPPED | null>(null);
    const seen = new Set<OVERLAPPED>();
    for (let i = 0; i < 3; i++) {
      expect(app.GetQueuedCompletionStatus(port, n, key, got, INFINITE)).toBe(true);
      expect(key.value).toBe(42);
      seen.add(got.value!);
    }
    expect(seen).toEqual(new Set(ovs));
    expect(app.GetQueuedCompletionStatus(port, n, key, got, 5)).toBe(false);
    expect(got.value).toBe(null);
    expect(app.GetLastError()).toBe(WAIT_TIMEOUT);
  });

  it("a wait nothing can satisfy reports a deadlock instead of hanging", () => {
    const { app } = setup();
    const e = app.CreateEvent(null, true, false, null);
    expect(() => app.WaitForSingleObject(e, INFINITE)).toThrow(MachineDeadlock);
    expect(app.WaitForSingleObject(999, 0)).toBe(WAIT_FAILED);
    expect(app.GetLastError()).toBe(ERROR_INVALID_HANDLE);
  });

  it("ExitProcess cancels the process's pending I/O", () => {
    const { m, app } = setup();
    const h = app.CreateFile("\\\\.\\Test", GENERIC_READ, 0, null, OPEN_EXISTING, FILE_FLAG_OVERLAPPED, 0);
    const ov = new OVERLAPPED();
    app.ReadFile(h, app.alloc(16), 16, null, ov);
    app.ExitProcess(0);
    m.run();
    expect(ov.Internal).toBe(STATUS_CANCELLED);
  });

});

void BugCheck;
