import { describe, expect, it } from "vitest";
import {
  boot, Out, IoCreateDevice, IoCreateSymbolicLink, IoCompleteRequest, IoGetCurrentIrpStackLocation,
  IRP_MJ_CREATE, IRP_MJ_CLOSE, IRP_MJ_DEVICE_CONTROL, DO_BUFFERED_IO, FILE_DEVICE_UNKNOWN, CTL_CODE,
  METHOD_BUFFERED, FILE_ANY_ACCESS, STATUS_SUCCESS, IO_NO_INCREMENT, ReadBytes, WriteBytes,
  type DRIVER_OBJECT, type DEVICE_OBJECT, type IRP,
} from "@wdfjs/kernel";
import { Win32Process, GENERIC_READ, GENERIC_WRITE, OPEN_EXISTING } from "../src/index.js";

// The example of packages/kernel/README.md, kept runnable.
const IOCTL_UPPERCASE = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS);

function Complete(Irp: IRP, Status: number, Information: number): number {
  Irp.IoStatus.Status = Status;
  Irp.IoStatus.Information = Information;
  IoCompleteRequest(Irp, IO_NO_INCREMENT);
  return Status;
}

function DriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): number {
  void RegistryPath;
  const device = Out<DEVICE_OBJECT | null>(null);
  const status = IoCreateDevice(DriverObject, 0, "\\Device\\Upper", FILE_DEVICE_UNKNOWN, 0, false, device);
  if (status < 0) return status;
  device.value!.Flags |= DO_BUFFERED_IO;
  IoCreateSymbolicLink("\\DosDevices\\Upper", "\\Device\\Upper");
  DriverObject.MajorFunction[IRP_MJ_CREATE] = (_d, Irp) => Complete(Irp, STATUS_SUCCESS, 0);
  DriverObject.MajorFunction[IRP_MJ_CLOSE] = (_d, Irp) => Complete(Irp, STATUS_SUCCESS, 0);
  DriverObject.MajorFunction[IRP_MJ_DEVICE_CONTROL] = (_d, Irp) => {
    const p = IoGetCurrentIrpStackLocation(Irp).Parameters.DeviceIoControl;
    const data = ReadBytes(Irp.AssociatedIrp.SystemBuffer, p.InputBufferLength);
    WriteBytes(Irp.AssociatedIrp.SystemBuffer, data.map((c) => (c >= 97 && c <= 122 ? c - 32 : c)));
    return Complete(Irp, STATUS_SUCCESS, Math.min(p.InputBufferLength, p.OutputBufferLength));
  };
  return STATUS_SUCCESS;
}

describe("the kernel README example", () => {
  it("uppercases through a buffered IOCTL", () => {
    const machine = boot({ flavor: "checked", processors: 2, seed: 1 });
    expect(machine.loadDriver("upper", DriverEntry)).toBe(STATUS_SUCCESS);
    const app = Win32Process.create(machine, "client.exe");
    const h = app.CreateFile("\\\\.\\Upper", GENERIC_READ | GENERIC_WRITE, 0, null, OPEN_EXISTING, 0, 0);
    const input = app.alloc(16, [...Buffer.from("hello")]);
    const output = app.alloc(16);
    const bytes = Out(0);
    expect(app.DeviceIoControl(h, IOCTL_UPPERCASE, input, 5, output, 16, bytes, null)).toBe(true);
    expect(Buffer.from(app.ReadMemory(output, bytes.value)).toString()).toBe("HELLO");
  });
});
