import { Executive, KEVENT, KeInitializeEvent, KernelMode, KeSetEvent, KeWaitForSingleObject, KiCheckWait, NotificationEvent, IO_NO_INCREMENT, type KWAIT, type KWAIT_BLOCK } from "../ke/dispatcher.js";
import { KWAIT_CALL } from "../ke/wait-call.js";
import { STATUS_MORE_PROCESSING_REQUIRED, STATUS_PENDING, type NTSTATUS } from "../ntstatus.js";
import { IoCallDriver } from "./complete.js";
import type { DEVICE_OBJECT } from "./device.js";
import { IoCopyCurrentIrpStackLocationToNext, IoSetCompletionRoutine, type IRP } from "./irp.js";

/**
 * The completion routine IoForwardIrpSynchronously sets: it stops completion here (the
 * IRP is the forwarding driver's again) and wakes the waiter, if the lower driver pended.
 */
function IopSynchronousCompletion(DeviceObject: DEVICE_OBJECT | null, Irp: IRP, Context: KEVENT): NTSTATUS {
  void DeviceObject;
  if (Irp.PendingReturned) KeSetEvent(Context, IO_NO_INCREMENT, false);
  return STATUS_MORE_PROCESSING_REQUIRED;
}

function* IopForwardIrpSynchronously(DeviceObject: DEVICE_OBJECT, Irp: IRP): Generator<KWAIT_BLOCK, boolean, NTSTATUS> {
  // No location for the next driver: nothing is sent.
  if (Irp.CurrentLocation > Irp.StackCount || Irp.CurrentLocation <= 1) return false;
  const event = new KEVENT();
  KeInitializeEvent(event, NotificationEvent, false);
  IoCopyCurrentIrpStackLocationToNext(Irp);
  IoSetCompletionRoutine(Irp, IopSynchronousCompletion, event, true, true, true);
  if (IoCallDriver(DeviceObject, Irp) === STATUS_PENDING) yield* KeWaitForSingleObject(event, Executive, KernelMode, false, null);
  return true;
}

/**
 * `IoForwardIrpSynchronously(DeviceObject, Irp)`: sends the IRP down to DeviceObject with
 * the current stack location copied and waits until the lower drivers have completed it;
 * the caller then owns it again (Irp->IoStatus holds their result) and must complete it.
 * FALSE, sending nothing, when the IRP has no stack location left for the next driver. A
 * waiting DDI, at PASSIVE_LEVEL: `if (yield* IoForwardIrpSynchronously(lower, Irp)) ...`.
 */
export function IoForwardIrpSynchronously(DeviceObject: DEVICE_OBJECT, Irp: IRP): KWAIT<boolean> {
  KiCheckWait("IoForwardIrpSynchronously", null);
  return new KWAIT_CALL("IoForwardIrpSynchronously", IopForwardIrpSynchronously(DeviceObject, Irp));
}
