import { describe, expect, it } from "vitest";
import {
  boot, DO_BUFFERED_IO, FILE_DEVICE_UNKNOWN, IoCompleteRequest, IoCreateDevice, IoCreateSymbolicLink, IRP_MJ_CLOSE, IRP_MJ_CREATE, IRP_MJ_READ,
  Out, STATUS_SUCCESS, type DEVICE_OBJECT, type DRIVER_OBJECT, type IRP,
} from "@wdfjs/kernel";
import {
  ERROR_INVALID_ADDRESS, ERROR_INVALID_PARAMETER, ERROR_NOACCESS, GENERIC_READ, MEM_COMMIT, MEM_RESERVE, OPEN_EXISTING, PAGE_READONLY,
  PAGE_READWRITE, Win32Process,
} from "../src/index.js";

/** A device whose reads fill 4 bytes. */
function FillerDriverEntry(DriverObject: DRIVER_OBJECT): number {
  const dev = Out<DEVICE_OBJECT | null>(null);
  const st = IoCreateDevice(DriverObject, 0, "\\Device\\Filler", FILE_DEVICE_UNKNOWN, 0, false, dev);
  if (st < 0) return st;
  dev.value!.Flags |= DO_BUFFERED_IO;
  IoCreateSymbolicLink("\\DosDevices\\Filler", "\\Device\\Filler");
  const complete = (irp: IRP, info: number) => {
    irp.IoStatus.Status = STATUS_SUCCESS;
    irp.IoStatus.Information = info;
    IoCompleteRequest(irp, 0);
    return STATUS_SUCCESS;
  };
  DriverObject.MajorFunction[IRP_MJ_CREATE] = (_d, irp) => complete(irp, 0);
  DriverObject.MajorFunction[IRP_MJ_CLOSE] = (_d, irp) => complete(irp, 0);
  DriverObject.MajorFunction[IRP_MJ_READ] = (_d, irp) => complete(irp, 4);
  return STATUS_SUCCESS;
}

describe("VirtualAlloc / VirtualProtect page protection", () => {
  it("a read-only buffer cannot be written by the program nor read into by ReadFile (ERROR_NOACCESS)", () => {
    const m = boot();
    expect(m.loadDriver("Filler", FillerDriverEntry)).toBe(STATUS_SUCCESS);
    const app = Win32Process.create(m, "app.exe");
    const buf = app.VirtualAlloc(0, 4096, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    expect(app.WriteMemory(buf, [1, 2, 3])).toBe(true);
    const old = Out(0);
    expect(app.VirtualProtect(buf, 4096, PAGE_READONLY, old)).toBe(true);
    expect(old.value).toBe(PAGE_READWRITE);
    expect(app.WriteMemory(buf, [9])).toBe(false);
    expect(app.GetLastError()).toBe(ERROR_NOACCESS);
    expect([...app.ReadMemory(buf, 3)]).toEqual([1, 2, 3]);
    const h = app.CreateFile("\\\\.\\Filler", GENERIC_READ, 0, null, OPEN_EXISTING, 0, 0);
    const n = Out(0);
    expect(app.ReadFile(h, buf, 4, n, null)).toBe(false);
    expect(app.GetLastError()).toBe(ERROR_NOACCESS);
    expect(app.VirtualProtect(buf, 4096, PAGE_READWRITE, old)).toBe(true);
    expect(app.ReadFile(h, buf, 4, n, null)).toBe(true);
    expect(n.value).toBe(4);
  });

  it("VirtualProtect fails on memory that is not committed (ERROR_INVALID_ADDRESS) or with a bad protection (ERROR_INVALID_PARAMETER)", () => {
    const m = boot();
    const app = Win32Process.create(m, "app.exe");
    const old = Out(0);
    expect(app.VirtualProtect(0x7000_0000, 4096, PAGE_READONLY, old)).toBe(false);
    expect(app.GetLastError()).toBe(ERROR_INVALID_ADDRESS);
    const buf = app.VirtualAlloc(0, 4096, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    expect(app.VirtualProtect(buf, 4096, 0x3, old)).toBe(false);
    expect(app.GetLastError()).toBe(ERROR_INVALID_PARAMETER);
    expect(app.VirtualAlloc(0, 4096, MEM_COMMIT | MEM_RESERVE, 0)).toBe(0);
    expect(app.GetLastError()).toBe(ERROR_INVALID_PARAMETER);
  });
});
