import { describe, expect, it } from "vitest";
import {
  boot, IoCheckShareAccess, IoCompleteRequest, IoCreateDevice, IoCreateSymbolicLink, IoGetCurrentIrpStackLocation, IoRemoveShareAccess,
  IRP_MJ_CLEANUP, IRP_MJ_CLOSE, IRP_MJ_CREATE, FILE_DEVICE_UNKNOWN, Out, SHARE_ACCESS, STATUS_SUCCESS,
  type DEVICE_OBJECT, type DRIVER_OBJECT, type IRP,
} from "@wdfjs/kernel";
import {
  ERROR_SHARING_VIOLATION, FILE_SHARE_READ, FILE_SHARE_WRITE, GENERIC_READ, GENERIC_WRITE, INVALID_HANDLE_VALUE, OPEN_EXISTING,
  Win32Process,
} from "../src/index.js";

/** A driver that enforces share modes the way a file system does, with IoCheckShareAccess. */
function DriverEntry(DriverObject: DRIVER_OBJECT): number {
  const share = new SHARE_ACCESS();
  const dev = Out<DEVICE_OBJECT | null>(null);
  IoCreateDevice(DriverObject, 0, "\\Device\\Shared", FILE_DEVICE_UNKNOWN, 0, false, dev);
  IoCreateSymbolicLink("\\DosDevices\\Shared", "\\Device\\Shared");
  const done = (irp: IRP, st: number) => {
    irp.IoStatus.Status = st;
    IoCompleteRequest(irp, 0);
    return st;
  };
  DriverObject.MajorFunction[IRP_MJ_CREATE] = (_d, irp) => {
    const sl = IoGetCurrentIrpStackLocation(irp);
    return done(irp, IoCheckShareAccess(sl.Parameters.Create.SecurityContext.DesiredAccess, sl.Parameters.Create.ShareAccess, sl.FileObject!, share, true));
  };
  DriverObject.MajorFunction[IRP_MJ_CLEANUP] = (_d, irp) => {
    IoRemoveShareAccess(IoGetCurrentIrpStackLocation(irp).FileObject!, share);
    return done(irp, STATUS_SUCCESS);
  };
  DriverObject.MajorFunction[IRP_MJ_CLOSE] = (_d, irp) => done(irp, STATUS_SUCCESS);
  return STATUS_SUCCESS;
}

describe("share modes enforced by a driver with IoCheckShareAccess", () => {
  it("a second open that conflicts fails with ERROR_SHARING_VIOLATION; compatible ones succeed; cleanup releases", () => {
    const m = boot();
    expect(m.loadDriver("shared", DriverEntry)).toBe(STATUS_SUCCESS);
    const a = Win32Process.create(m, "a.exe");
    const b = Win32Process.create(m, "b.exe");
    const name = "\\\\.\\Shared";
    const h1 = a.CreateFile(name, GENERIC_READ, FILE_SHARE_READ, null, OPEN_EXISTING, 0, 0);
    expect(h1).not.toBe(INVALID_HANDLE_VALUE);
    // Another reader that shares reading: fine.
    const h2 = b.CreateFile(name, GENERIC_READ, FILE_SHARE_READ, null, OPEN_EXISTING, 0, 0);
    expect(h2).not.toBe(INVALID_HANDLE_VALUE);
    // A writer: the existing opens did not share writing.
    expect(b.CreateFile(name, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, null, OPEN_EXISTING, 0, 0)).toBe(INVALID_HANDLE_VALUE);
    expect(b.GetLastError()).toBe(ERROR_SHARING_VIOLATION);
    // A reader that refuses to share reading: the existing readers conflict.
    expect(b.CreateFile(name, GENERIC_READ, 0, null, OPEN_EXISTING, 0, 0)).toBe(INVALID_HANDLE_VALUE);
    expect(b.GetLastError()).toBe(ERROR_SHARING_VIOLATION);
    // Once both readers close (IRP_MJ_CLEANUP removes them), an exclusive writer gets in.
    a.CloseHandle(h1);
    b.CloseHandle(h2);
    expect(b.CreateFile(name, GENERIC_READ | GENERIC_WRITE, 0, null, OPEN_EXISTING, 0, 0)).not.toBe(INVALID_HANDLE_VALUE);
  });
});
