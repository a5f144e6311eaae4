/**
 * neverattached.sys — NO_MORE_IRP_STACK_LOCATIONS (0x35).
 *
 * The driver has three devices: Bottom, Middle (attached on Bottom with
 * IoAttachDeviceToDeviceStack, so its StackSize is 2) and Top, the one a client opens,
 * which only *remembers* Middle as "the device below" and was never attached (StackSize
 * stays 1). IRPs sent to Top therefore have one stack location.
 * - IOCTL_BUG_TRIGGER: Top forwards the client's IRP to Middle with
 *   IoCopyCurrentIrpStackLocationToNext + a completion routine. There is no next
 *   location. P1 is the client IRP's address.
 * - IOCTL_BUG_TRIGGER_2: Top builds its own IRP with IoAllocateIrp(1) (it should ask
 *   for Middle->StackSize) and sends it to Middle, which forwards it to Bottom: the
 *   second call down has no location left. P1 is that IRP's address.
 * The fix: attach Top (IoAttachDeviceToDeviceStack sets StackSize), and size IRPs from
 * the target's StackSize.
 */
import {
  IoAllocateIrp, IoAttachDeviceToDeviceStack, IoCallDriver, IoCopyCurrentIrpStackLocationToNext, IoCreateDevice, IoFreeIrp,
  IoGetNextIrpStackLocation, IoMarkIrpPending, IoSetCompletionRoutine, IRP_MJ_INTERNAL_DEVICE_CONTROL, FILE_DEVICE_UNKNOWN, NT_SUCCESS, Out, STATUS_MORE_PROCESSING_REQUIRED,
  STATUS_PENDING, STATUS_SUCCESS, type DEVICE_OBJECT, type DRIVER_OBJECT, type IRP, type NTSTATUS,
} from "@wdfjs/kernel";
import { CompleteIrp, CreateBugDevice, IOCTL_BUG_TRIGGER, IOCTL_BUG_TRIGGER_2, UnknownIoctl } from "../common.js";

export const NEVER_ATTACHED_NAME = "NeverAttached";

export class NEVER_ATTACHED_EXTENSION {
  Role: "top" | "middle" | "bottom" = "top";
  /** Where this device sends IRPs on (Top: Middle, though never attached; Middle: Bottom). */
  Below: DEVICE_OBJECT | null = null;
  /** The last IRP Top sent down (what the bug check names). */
  LastIrp = 0;
}

function PassOnComplete(DeviceObject: DEVICE_OBJECT | null, Irp: IRP, Context: any): NTSTATUS {
  void DeviceObject;
  void Context;
  if (Irp.PendingReturned) IoMarkIrpPending(Irp);
  return STATUS_SUCCESS;
}

function OwnIrpComplete(DeviceObject: DEVICE_OBJECT | null, Irp: IRP, Context: any): NTSTATUS {
  void DeviceObject;
  const original = Context as IRP;
  IoFreeIrp(Irp);
  CompleteIrp(original, STATUS_SUCCESS);
  return STATUS_MORE_PROCESSING_REQUIRED;
}

/** Middle and Bottom: Middle copies and forwards, Bottom completes. */
function InnerDispatch(DeviceObject: DEVICE_OBJECT, Irp: IRP): NTSTATUS {
  const e = DeviceObject.DeviceExtension as NEVER_ATTACHED_EXTENSION;
  if (e.Role === "bottom") return CompleteIrp(Irp, STATUS_SUCCESS);
  IoCopyCurrentIrpStackLocationToNext(Irp);
  IoSetCompletionRoutine(Irp, PassOnComplete, null, true, true, true);
  return IoCallDriver(e.Below!, Irp);
}

function TopControl(DeviceObject: DEVICE_OBJECT, Irp: IRP, IoControlCode: number): NTSTATUS {
  const e = DeviceObject.DeviceExtension as NEVER_ATTACHED_EXTENSION;
  if (e.Role !== "top") return InnerDispatch(DeviceObject, Irp);
  if (IoControlCode === IOCTL_BUG_TRIGGER) {
    e.LastIrp = Irp.address;
    IoCopyCurrentIrpStackLocationToNext(Irp);
    IoSetCompletionRoutine(Irp, PassOnComplete, null, true, true, true);
    return IoCallDriver(e.Below!, Irp);
  }
  if (IoControlCode === IOCTL_BUG_TRIGGER_2) {
    const own = IoAllocateIrp(1, false)!;
    e.LastIrp = own.address;
    const sl = IoGetNextIrpStackLocation(own);
    sl.MajorFunction = IRP_MJ_INTERNAL_DEVICE_CONTROL;
    IoSetCompletionRoutine(own, OwnIrpComplete, Irp, true, true, true);
    IoMarkIrpPending(Irp);
    IoCallDriver(e.Below!, own);
    return STATUS_PENDING;
  }
  return UnknownIoctl(Irp);
}

export function NeverAttachedDriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
  void RegistryPath;
  const make = (role: NEVER_ATTACHED_EXTENSION["Role"]) => () => Object.assign(new NEVER_ATTACHED_EXTENSION(), { Role: role });
  const bottom = Out<DEVICE_OBJECT | null>(null);
  const middle = Out<DEVICE_OBJECT | null>(null);
  const top = Out<DEVICE_OBJECT | null>(null);
  let status = IoCreateDevice(DriverObject, make("bottom"), null, FILE_DEVICE_UNKNOWN, 0, false, bottom);
  if (NT_SUCCESS(status)) status = IoCreateDevice(DriverObject, make("middle"), null, FILE_DEVICE_UNKNOWN, 0, false, middle);
  if (!NT_SUCCESS(status)) return status;
  (middle.value!.DeviceExtension as NEVER_ATTACHED_EXTENSION).Below = IoAttachDeviceToDeviceStack(middle.value!, bottom.value!);
  status = CreateBugDevice(DriverObject, NEVER_ATTACHED_NAME, make("top"), TopControl, top);
  if (!NT_SUCCESS(status)) return status;
  // The bug: remembered as "the device below", never attached.
  (top.value!.DeviceExtension as NEVER_ATTACHED_EXTENSION).Below = middle.value!;
  DriverObject.MajorFunction[IRP_MJ_INTERNAL_DEVICE_CONTROL] = InnerDispatch;
  return STATUS_SUCCESS;
}
