/**
 * doublecomplete.sys — MULTIPLE_IRP_COMPLETE_REQUESTS (0x44).
 *
 * The bug: the validation error path completes the IRP and then falls through to the
 * common exit, which completes it again. Once IoCompleteRequest has run, the IRP
 * belongs to the I/O manager (it may already be freed or reused), so a second
 * IoCompleteRequest is a bug check in every flavor. P1 is the IRP's address.
 * The fix: return right after completing on the error path.
 */
import {
  IO_NO_INCREMENT, IoCompleteRequest, IoGetCurrentIrpStackLocation, STATUS_BUFFER_TOO_SMALL, STATUS_SUCCESS, type DEVICE_OBJECT,
  type DRIVER_OBJECT, type IRP, type NTSTATUS,
} from "@wdfjs/kernel";
import { CreateBugDevice, IOCTL_BUG_TRIGGER, UnknownIoctl } from "../common.js";

export const DOUBLE_COMPLETE_NAME = "DoubleComplete";

export class DOUBLE_COMPLETE_EXTENSION {
  /** The address of the last IRP the trigger saw (what the bug check names). */
  LastIrp = 0;
}

function DoubleCompleteControl(DeviceObject: DEVICE_OBJECT, Irp: IRP, IoControlCode: number): NTSTATUS {
  if (IoControlCode !== IOCTL_BUG_TRIGGER) return UnknownIoctl(Irp);
  (DeviceObject.DeviceExtension as DOUBLE_COMPLETE_EXTENSION).LastIrp = Irp.address;
  let status = STATUS_SUCCESS;
  if (IoGetCurrentIrpStackLocation(Irp).Parameters.DeviceIoControl.InputBufferLength < 4) {
    status = STATUS_BUFFER_TOO_SMALL;
    Irp.IoStatus.Status = status;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    // (missing: return status;)
  }
  Irp.IoStatus.Status = status;
  Irp.IoStatus.Information = 0;
  IoCompleteRequest(Irp, IO_NO_INCREMENT);
  return status;
}

export function DoubleCompleteDriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
  void RegistryPath;
  return CreateBugDevice(DriverObject, DOUBLE_COMPLETE_NAME, () => new DOUBLE_COMPLETE_EXTENSION(), DoubleCompleteControl);
}
