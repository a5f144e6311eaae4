/**
 * stackfilter.sys: an upper filter, attached on top of the function driver in AddDevice.
 * Every device control goes down with IoCopyCurrentIrpStackLocationToNext and a
 * completion routine (not IoSkipCurrentIrpStackLocation), so each request, the
 * benchmark's echo included, crosses one real completion routine on the way up.
 * IOCTL_STACK_STAMP is changed both ways: on the way down the filter ORs
 * STAMP_FILTER_DOWN into the input in the system buffer; on the way up its completion
 * routine appends STAMP_FILTER_UP after the function driver's 8 bytes and adds 4 to
 * Information. Create, close and cleanup pass down with IoSkipCurrentIrpStackLocation.
 *
 * `StackForgetfulFilterDriverEntry` is the same filter with the classic bug: its
 * completion routine does not call IoMarkIrpPending when Irp->PendingReturned is set,
 * so a request the lower driver pended is never finished by the I/O manager.
 */
import {
  DO_BUFFERED_IO, DO_DEVICE_INITIALIZING, FILE_DEVICE_UNKNOWN, IoAttachDeviceToDeviceStack, IoCallDriver,
  IoCopyCurrentIrpStackLocationToNext, IoCreateDevice, IoDeleteDevice, IoDetachDevice, IoGetCurrentIrpStackLocation,
  IoMarkIrpPending, IoSetCompletionRoutine, IoSkipCurrentIrpStackLocation, IRP_MJ_CLEANUP, IRP_MJ_CLOSE, IRP_MJ_CREATE,
  IRP_MJ_DEVICE_CONTROL, NT_SUCCESS, Out, ReadUlong, STATUS_NO_SUCH_DEVICE, STATUS_SUCCESS, WriteUlong,
  type DEVICE_OBJECT, type DRIVER_OBJECT, type IO_COMPLETION_ROUTINE, type IRP, type NTSTATUS,
} from "@wdfjs/kernel";
import { IOCTL_STACK_STAMP, STAMP_FILTER_DOWN, STAMP_FILTER_UP, STAMP_OUTPUT_LENGTH, StackIoctlName } from "./ioctl.js";
import { logOf, type StackLog } from "./log.js";

const STATUS_CONTINUE_COMPLETION = STATUS_SUCCESS;

export class FILTER_DEVICE_EXTENSION {
  LowerDevice: DEVICE_OBJECT | null = null;
  Log: StackLog | null = null;
  /** Device controls whose completion routine ran. */
  Completions = 0;
  CompletionRoutine: IO_COMPLETION_ROUTINE = FilterDeviceControlComplete;
}

function majorName(major: number): string {
  return major === IRP_MJ_CREATE ? "CREATE" : major === IRP_MJ_CLOSE ? "CLOSE" : "CLEANUP";
}

function FilterPassDown(DeviceObject: DEVICE_OBJECT, Irp: IRP): NTSTATUS {
  const e = DeviceObject.DeviceExtension as FILTER_DEVICE_EXTENSION;
  e.Log!.add("filter", "dispatch", majorName(IoGetCurrentIrpStackLocation(Irp).MajorFunction), Irp);
  IoSkipCurrentIrpStackLocation(Irp);
  return IoCallDriver(e.LowerDevice!, Irp);
}

function FilterDeviceControl(DeviceObject: DEVICE_OBJECT, Irp: IRP): NTSTATUS {
  const e = DeviceObject.DeviceExtension as FILTER_DEVICE_EXTENSION;
  const p = IoGetCurrentIrpStackLocation(Irp).Parameters.DeviceIoControl;
  const code = p.IoControlCode;
  if (code === IOCTL_STACK_STAMP && p.InputBufferLength >= 4) {
    // The change on the way down: the function driver reads the flag we set.
    const sb = Irp.AssociatedIrp.SystemBuffer;
    WriteUlong(sb, (ReadUlong(sb) | STAMP_FILTER_DOWN) >>> 0);
  }
  e.Log!.add("filter", "dispatch", StackIoctlName(code), Irp);
  IoCopyCurrentIrpStackLocationToNext(Irp);
  IoSetCompletionRoutine(Irp, e.CompletionRoutine, null, true, true, true);
  return IoCallDriver(e.LowerDevice!, Irp);
}

/** The filter's work on the way up, common to both completion routines. */
function FilterOnTheWayUp(DeviceObject: DEVICE_OBJECT, Irp: IRP): void {
  const e = DeviceObject.DeviceExtension as FILTER_DEVICE_EXTENSION;
  e.Completions++;
  const p = IoGetCurrentIrpStackLocation(Irp).Parameters.DeviceIoControl;
  const code = p.IoControlCode;
  if (code === IOCTL_STACK_STAMP && NT_SUCCESS(Irp.IoStatus.Status) && Irp.IoStatus.Information === 8 && p.OutputBufferLength >= STAMP_OUTPUT_LENGTH) {
    // The change on the way up: what the client receives is the function driver's answer plus ours.
    WriteUlong(Irp.AssociatedIrp.SystemBuffer + 8, STAMP_FILTER_UP);
    Irp.IoStatus.Information += 4;
  }
  if (e.Log!.enabled) e.Log!.add("filter", "completion", StackIoctlName(code), Irp);
}

function FilterDeviceControlComplete(DeviceObject: DEVICE_OBJECT | null, Irp: IRP, Context: any): NTSTATUS {
  void Context;
  if (Irp.PendingReturned) IoMarkIrpPending(Irp);
  FilterOnTheWayUp(DeviceObject!, Irp);
  return STATUS_CONTINUE_COMPLETION;
}

/** The bug: no `if (Irp->PendingReturned) IoMarkIrpPending(Irp)`. */
function ForgetfulFilterDeviceControlComplete(DeviceObject: DEVICE_OBJECT | null, Irp: IRP, Context: any): NTSTATUS {
  void Context;
  FilterOnTheWayUp(DeviceObject!, Irp);
  return STATUS_CONTINUE_COMPLETION;
}

function addDevice(DriverObject: DRIVER_OBJECT, PhysicalDeviceObject: DEVICE_OBJECT, routine: IO_COMPLETION_ROUTINE): NTSTATUS {
  const dev = Out<DEVICE_OBJECT | null>(null);
  const status = IoCreateDevice(DriverObject, () => new FILTER_DEVICE_EXTENSION(), null, FILE_DEVICE_UNKNOWN, 0, false, dev);
  if (!NT_SUCCESS(status)) return status;
  const fido = dev.value!;
  const e = fido.DeviceExtension as FILTER_DEVICE_EXTENSION;
  e.Log = logOf(DriverObject);
  e.CompletionRoutine = routine;
  // Attaches to whatever is on top of the PDO's stack now: the function driver's device.
  e.LowerDevice = IoAttachDeviceToDeviceStack(fido, PhysicalDeviceObject);
  if (e.LowerDevice === null) {
    IoDeleteDevice(fido);
    return STATUS_NO_SUCH_DEVICE;
  }
  // A filter copies the buffering flags of the device below it.
  fido.Flags |= e.LowerDevice.Flags & DO_BUFFERED_IO;
  fido.DeviceType = e.LowerDevice.DeviceType;
  fido.Flags &= ~DO_DEVICE_INITIALIZING;
  return STATUS_SUCCESS;
}

export function StackFilterAddDevice(DriverObject: DRIVER_OBJECT, PhysicalDeviceObject: DEVICE_OBJECT): NTSTATUS {
  return addDevice(DriverObject, PhysicalDeviceObject, FilterDeviceControlComplete);
}

function FilterUnload(DriverObject: DRIVER_OBJECT): void {
  for (let d = DriverObject.DeviceObject; d !== null; d = DriverObject.DeviceObject) {
    const e = d.DeviceExtension as FILTER_DEVICE_EXTENSION;
    if (e.LowerDevice !== null) IoDetachDevice(e.LowerDevice);
    IoDeleteDevice(d);
  }
}

function initialize(DriverObject: DRIVER_OBJECT): void {
  logOf(DriverObject);
  DriverObject.MajorFunction[IRP_MJ_CREATE] = FilterPassDown;
  DriverObject.MajorFunction[IRP_MJ_CLOSE] = FilterPassDown;
  DriverObject.MajorFunction[IRP_MJ_CLEANUP] = FilterPassDown;
  DriverObject.MajorFunction[IRP_MJ_DEVICE_CONTROL] = FilterDeviceControl;
  DriverObject.DriverUnload = FilterUnload;
}

export function StackFilterDriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
  void RegistryPath;
  initialize(DriverObject);
  DriverObject.DriverExtension.AddDevice = StackFilterAddDevice;
  return STATUS_SUCCESS;
}

/** The buggy variant: same filter, completion routine without pending propagation. */
export function StackForgetfulFilterDriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
  void RegistryPath;
  initialize(DriverObject);
  DriverObject.DriverExtension.AddDevice = (d, pdo) => addDevice(d, pdo, ForgetfulFilterDeviceControlComplete);
  return STATUS_SUCCESS;
}
