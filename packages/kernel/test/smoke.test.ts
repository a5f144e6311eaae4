import { describe, expect, it } from "vitest";
import {
  boot, Out, IoCreateDevice, IoCreateSymbolicLink, IRP_MJ_CREATE, IRP_MJ_CLOSE, IRP_MJ_DEVICE_CONTROL, IoCompleteRequest,
  IoGetCurrentIrpStackLocation, STATUS_SUCCESS, FILE_DEVICE_UNKNOWN, DO_BUFFERED_IO, NtCreateFile, IO_STATUS_BLOCK,
  GENERIC_READ, GENERIC_WRITE, FILE_SYNCHRONOUS_IO_NONALERT, NtDeviceIoControlFile, CTL_CODE, METHOD_BUFFERED, FILE_ANY_ACCESS,
  ReadBytes, WriteBytes, NtAllocateVirtualMemory, MEM_COMMIT, PAGE_READWRITE, type DRIVER_OBJECT, type DEVICE_OBJECT, type IRP, NtClose,
  OBJECT_ATTRIBUTES, InitializeObjectAttributes, OBJ_CASE_INSENSITIVE, FILE_OPEN,
} from "../src/index.js";

function DriverEntry(DriverObject: DRIVER_OBJECT): number {
  const dev = Out<DEVICE_OBJECT | null>(null);
  let st = IoCreateDevice(DriverObject, 0, "\\Device\\Smoke", FILE_DEVICE_UNKNOWN, 0, false, dev);
  if (st < 0) return st;
  dev.value!.Flags |= DO_BUFFERED_IO;
  st = IoCreateSymbolicLink("\\DosDevices\\Smoke", "\\Device\\Smoke");
  const ok = (_d: DEVICE_OBJECT, irp: IRP) => { irp.IoStatus.Status = STATUS_SUCCESS; IoCompleteRequest(irp, 0); return STATUS_SUCCESS; };
  DriverObject.MajorFunction[IRP_MJ_CREATE] = ok;
  DriverObject.MajorFunction[IRP_MJ_CLOSE] = ok;
  DriverObject.MajorFunction[IRP_MJ_DEVICE_CONTROL] = (_d, irp) => {
    const sl = IoGetCurrentIrpStackLocation(irp);
    const n = sl.Parameters.DeviceIoControl.InputBufferLength;
    const data = ReadBytes(irp.AssociatedIrp.SystemBuffer, n);
    WriteBytes(irp.AssociatedIrp.SystemBuffer, data.map((b) => b + 1));
    irp.IoStatus.Information = n;
    irp.IoStatus.Status = STATUS_SUCCESS;
    IoCompleteRequest(irp, 0);
    return STATUS_SUCCESS;
  };
  return st;
}

describe("smoke", () => {
  it("round-trips a buffered ioctl", () => {
    for (const flavor of ["checked", "free"] as const) {
      const m = boot({ flavor });
      expect(m.loadDriver("smoke", DriverEntry)).toBe(0);
      const p = m.createProcess("app.exe");
      const t = p.threads[0]!;
      const h = Out(0);
      const iosb = new IO_STATUS_BLOCK();
      const oa = new OBJECT_ATTRIBUTES();
      InitializeObjectAttributes(oa, "\\??\\Smoke", OBJ_CASE_INSENSITIVE, null, null);
      expect(m.syscall(t, () => NtCreateFile(h, GENERIC_READ | GENERIC_WRITE, oa, iosb, null, 0, 0, FILE_OPEN, FILE_SYNCHRONOUS_IO_NONALERT, null, 0))).toBe(0);
      const base = Out(0), size = Out(4096);
      expect(m.syscall(t, () => NtAllocateVirtualMemory(-1, base, 0, size, MEM_COMMIT, PAGE_READWRITE))).toBe(0);
      m.syscall(t, () => m.mm.writeBytes(base.value, [1, 2, 3]));
      const code = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS);
      expect(m.syscall(t, () => NtDeviceIoControlFile(h.value, 0, null, null, iosb, code, base.value, 3, base.value + 100, 3))).toBe(0);
      expect(iosb.Information).toBe(3);
      expect([...m.syscall(t, () => m.mm.readBytes(base.value + 100, 3))]).toEqual([2, 3, 4]);
      expect(h.value).toBe(4);
      expect(m.syscall(t, () => NtClose(h.value))).toBe(0);
    }
  });
});
