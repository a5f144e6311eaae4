/**
 * What the three race drivers share and get right: one named device, buffered I/O, a
 * `\DosDevices` link, create and close that succeed, and the tail of every synchronous
 * dispatch. The races themselves are in each driver's own file.
 */
import {
  DO_BUFFERED_IO, FILE_DEVICE_UNKNOWN, IO_NO_INCREMENT, IoCompleteRequest, IoCreateDevice, IoCreateSymbolicLink, IoDeleteDevice,
  IoDeleteSymbolicLink, IRP_MJ_CLOSE, IRP_MJ_CREATE, NT_SUCCESS, Out, STATUS_SUCCESS, type DEVICE_OBJECT, type DRIVER_OBJECT,
  type IRP, type NTSTATUS,
} from "@wdfjs/kernel";

/** Set Status and Information, complete, return the status: the tail of every synchronous dispatch. */
export function CompleteIrp(Irp: IRP, Status: NTSTATUS, Information = 0): NTSTATUS {
  Irp.IoStatus.Status = Status;
  Irp.IoStatus.Information = Information;
  IoCompleteRequest(Irp, IO_NO_INCREMENT);
  return Status;
}

export function RaceCreateClose(DeviceObject: DEVICE_OBJECT, Irp: IRP): NTSTATUS {
  void DeviceObject;
  return CompleteIrp(Irp, STATUS_SUCCESS);
}

/**
 * `\Device\<name>` with a typed extension, buffered I/O, and the link `\DosDevices\<name>`
 * (`\\.\<name>` to a client); create and close succeed. The device, or a failure status.
 */
export function CreateRaceDevice<E>(DriverObject: DRIVER_OBJECT, name: string, extension: () => E, Device: { value: DEVICE_OBJECT | null }): NTSTATUS {
  const dev = Out<DEVICE_OBJECT | null>(null);
  let status = IoCreateDevice(DriverObject, extension, `\\Device\\${name}`, FILE_DEVICE_UNKNOWN, 0, false, dev);
  if (!NT_SUCCESS(status)) return status;
  dev.value!.Flags |= DO_BUFFERED_IO;
  status = IoCreateSymbolicLink(`\\DosDevices\\${name}`, `\\Device\\${name}`);
  if (!NT_SUCCESS(status)) {
    IoDeleteDevice(dev.value!);
    return status;
  }
  DriverObject.MajorFunction[IRP_MJ_CREATE] = RaceCreateClose;
  DriverObject.MajorFunction[IRP_MJ_CLOSE] = RaceCreateClose;
  Device.value = dev.value;
  return STATUS_SUCCESS;
}

/** The other half of CreateRaceDevice, for DriverUnload. */
export function DeleteRaceDevice(DriverObject: DRIVER_OBJECT, name: string): void {
  IoDeleteSymbolicLink(`\\DosDevices\\${name}`);
  if (DriverObject.DeviceObject !== null) IoDeleteDevice(DriverObject.DeviceObject);
}
