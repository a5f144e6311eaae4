/**
 * What every broken driver here shares and gets right: one named device with a
 * `\DosDevices` link, create/close that succeed, and IOCTL_BUG_PING, a request that
 * works, so a second machine can show the same driver is fine until the bug is hit.
 * The bug itself is in each driver's own file, on IOCTL_BUG_TRIGGER (and, where a
 * driver shows two ways to the same bug check, IOCTL_BUG_TRIGGER_2).
 */
import {
  CTL_CODE, DO_BUFFERED_IO, FILE_ANY_ACCESS, FILE_DEVICE_UNKNOWN, IO_NO_INCREMENT, IoCompleteRequest, IoCreateDevice,
  IoCreateSymbolicLink, IoDeleteDevice, IoGetCurrentIrpStackLocation, IRP_MJ_CLOSE, IRP_MJ_CREATE, IRP_MJ_DEVICE_CONTROL,
  METHOD_BUFFERED, METHOD_NEITHER, NT_SUCCESS, Out, STATUS_INVALID_DEVICE_REQUEST, STATUS_SUCCESS, type DEVICE_OBJECT,
  type DRIVER_DISPATCH, type DRIVER_OBJECT, type IRP, type NTSTATUS,
} from "@wdfjs/kernel";

/** Completes with STATUS_SUCCESS and no data: the request that always works. */
export const IOCTL_BUG_PING = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS);
/** Walks into the driver's bug. */
export const IOCTL_BUG_TRIGGER = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS);
/** A second way into the same bug check, where a driver has one. */
export const IOCTL_BUG_TRIGGER_2 = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x802, METHOD_BUFFERED, FILE_ANY_ACCESS);
/** METHOD_NEITHER: the driver gets the caller's raw input address in Type3InputBuffer. */
export const IOCTL_BUG_TRIGGER_NEITHER = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x803, METHOD_NEITHER, FILE_ANY_ACCESS);
/** METHOD_NEITHER done right (the contrast): the raw address is read inside __try. */
export const IOCTL_BUG_NEITHER_GUARDED = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x804, METHOD_NEITHER, FILE_ANY_ACCESS);

/** Set Status and Information, complete, return the status: the tail of every synchronous dispatch. */
export function CompleteIrp(Irp: IRP, Status: NTSTATUS, Information = 0): NTSTATUS {
  Irp.IoStatus.Status = Status;
  Irp.IoStatus.Information = Information;
  IoCompleteRequest(Irp, IO_NO_INCREMENT);
  return Status;
}

function BugCreateClose(DeviceObject: DEVICE_OBJECT, Irp: IRP): NTSTATUS {
  void DeviceObject;
  return CompleteIrp(Irp, STATUS_SUCCESS);
}

/**
 * The part of DriverEntry every driver here shares: `\Device\<name>`, the
 * `\DosDevices\<name>` link, buffered I/O, create/close, and a device-control routine
 * that answers IOCTL_BUG_PING itself and hands everything else to `onControl`.
 */
export function CreateBugDevice<E>(
  DriverObject: DRIVER_OBJECT,
  name: string,
  extension: () => E,
  onControl: (DeviceObject: DEVICE_OBJECT, Irp: IRP, IoControlCode: number) => NTSTATUS,
  Device?: { value: DEVICE_OBJECT | null },
): NTSTATUS {
  const dev = Out<DEVICE_OBJECT | null>(null);
  let status = IoCreateDevice(DriverObject, extension, `\\Device\\${name}`, FILE_DEVICE_UNKNOWN, 0, false, dev);
  if (!NT_SUCCESS(status)) return status;
  dev.value!.Flags |= DO_BUFFERED_IO;
  status = IoCreateSymbolicLink(`\\DosDevices\\${name}`, `\\Device\\${name}`);
  if (!NT_SUCCESS(status)) {
    IoDeleteDevice(dev.value!);
    return status;
  }
  const control: DRIVER_DISPATCH = (DeviceObject, Irp) => {
    const code = IoGetCurrentIrpStackLocation(Irp).Parameters.DeviceIoControl.IoControlCode;
    if (code === IOCTL_BUG_PING) return CompleteIrp(Irp, STATUS_SUCCESS);
    return onControl(DeviceObject, Irp, code);
  };
  DriverObject.MajorFunction[IRP_MJ_CREATE] = BugCreateClose;
  DriverObject.MajorFunction[IRP_MJ_CLOSE] = BugCreateClose;
  DriverObject.MajorFunction[IRP_MJ_DEVICE_CONTROL] = control;
  if (Device) Device.value = dev.value;
  return STATUS_SUCCESS;
}

/** What a driver answers for a code it does not know. */
export function UnknownIoctl(Irp: IRP): NTSTATUS {
  return CompleteIrp(Irp, STATUS_INVALID_DEVICE_REQUEST);
}
