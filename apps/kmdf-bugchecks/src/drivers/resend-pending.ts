/**
 * wdfresend.sys — WDF_VIOLATION (0x10D), WDF_REQUEST_FATAL_ERROR (0x6) with
 * WDF_REQUEST_FATAL_ERROR_REQUEST_ALREADY_SENT (0x3).
 *
 * The bug: on IOCTL_BUG_TRIGGER the driver tells its second device, `\Device\WdfResendLower` (a
 * remote I/O target it opened by name; that device keeps what it gets in a manual queue, as a
 * device waiting for hardware would), with a request of its own (WdfRequestCreate), and its
 * "retry" path sends the same request again while the first send is still pending there. With the KMDF verifier on, FxIoTarget::SubmitLocked
 * stops the machine: P2 0x3, P3 the request. The free flavor does not look: the IRP, which has no
 * stack location left for a second trip, goes down again (IoCallDriver finds no location: the
 * kernel's NO_MORE_IRP_STACK_LOCATIONS, 0x35).
 * The fix: send a request once; to retry, wait for its completion routine and WdfRequestReuse it.
 */
import { GENERIC_READ, GENERIC_WRITE, NT_SUCCESS, Out, STATUS_SUCCESS, type DRIVER_OBJECT, type KWAIT_GENERATOR, type NTSTATUS } from "@wdfjs/kernel";
import {
  WDF_IO_QUEUE_CONFIG, WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE, WDF_IO_TARGET_OPEN_PARAMS, WDF_IO_TARGET_OPEN_PARAMS_INIT_OPEN_BY_NAME, WdfControlDeviceInitAllocate,
  WdfControlFinishInitializing, WdfDeviceCreate, WdfDeviceInitAssignName, WdfDeviceInitFree, WdfGetDriver, WdfIoQueueCreate, WdfIoQueueDispatchManual,
  WdfIoTargetCreate, WdfIoTargetFormatRequestForIoctl, WdfIoTargetOpen, WdfObjectDelete, WdfRequestComplete, WdfRequestCreate, WdfRequestGetStatus, WdfRequestSend,
  WDF_OBJECT_ATTRIBUTES, WDF_OBJECT_ATTRIBUTES_INIT, WdfRequestSetCompletionRoutine, type PWDFDEVICE_INIT, type WDF_REQUEST_COMPLETION_PARAMS,
  type WDFDEVICE, type WDFIOTARGET, type WDFREQUEST,
} from "@wdfjs/kmdf";
import { BugDriverEntry, BugGetContext, IOCTL_BUG_PING, IOCTL_BUG_TRIGGER } from "../common.js";

export const WDF_RESEND_NAME = "WdfResend";
/** The second device, which holds what it is sent. */
export const WDF_RESEND_LOWER = "WdfResendLower";

/** The lower device answered: the driver's request is done with. */
function ResendCompletionRoutine(Request: WDFREQUEST, _Target: WDFIOTARGET, _Params: WDF_REQUEST_COMPLETION_PARAMS, _Context: unknown): void {
  WdfObjectDelete(Request);
}

function ResendEvtIoDeviceControl(Device: WDFDEVICE, Request: WDFREQUEST, _OutputBufferLength: number, _InputBufferLength: number, IoControlCode: number): void {
  let status = STATUS_SUCCESS;
  if (IoControlCode === IOCTL_BUG_TRIGGER) {
    // Tell the lower device about it with a request of the driver's own.
    const context = BugGetContext(Device);
    const target = context.LastObject as WDFIOTARGET;
    const attributes = new WDF_OBJECT_ATTRIBUTES();
    WDF_OBJECT_ATTRIBUTES_INIT(attributes);
    attributes.ParentObject = Device;
    const notify = Out<WDFREQUEST | null>(null);
    status = WdfRequestCreate(attributes, target, notify);
    if (NT_SUCCESS(status)) status = WdfIoTargetFormatRequestForIoctl(target, notify.value!, IOCTL_BUG_PING, null, null, null, null);
    if (NT_SUCCESS(status)) {
      context.LastRequest = notify.value!;
      WdfRequestSetCompletionRoutine(notify.value!, ResendCompletionRoutine, null);
      if (WdfRequestSend(notify.value!, target, null) === false) {
        status = WdfRequestGetStatus(notify.value!);
        WdfObjectDelete(notify.value!);
      } else {
        // "Retry" (the first send is still pending below):
        WdfRequestSend(notify.value!, target, null);
      }
    }
  }
  WdfRequestComplete(Request, status);
}

/** The lower control device: a default queue that only holds requests (manual dispatch). */
function CreateLowerDevice(): boolean {
  const init = Out<PWDFDEVICE_INIT>(WdfControlDeviceInitAllocate(WdfGetDriver()!, "D:P(A;;GA;;;SY)(A;;GA;;;BA)(A;;GA;;;WD)"));
  if (init.value === null) return false;
  const device = Out<WDFDEVICE | null>(null);
  let status = WdfDeviceInitAssignName(init.value, `\\Device\\${WDF_RESEND_LOWER}`);
  if (NT_SUCCESS(status)) status = WdfDeviceCreate(init, null, device);
  if (!NT_SUCCESS(status)) {
    WdfDeviceInitFree(init.value);
    return false;
  }
  const config = new WDF_IO_QUEUE_CONFIG();
  WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(config, WdfIoQueueDispatchManual);
  if (!NT_SUCCESS(WdfIoQueueCreate(device.value!, config, null, null))) return false;
  WdfControlFinishInitializing(device.value!);
  return true;
}

export function* WdfResendDriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): KWAIT_GENERATOR<NTSTATUS> {
  const device = Out<WDFDEVICE | null>(null);
  let status = BugDriverEntry(DriverObject, RegistryPath, WDF_RESEND_NAME, ResendEvtIoDeviceControl, device);
  if (!NT_SUCCESS(status)) return status;
  if (!CreateLowerDevice()) return STATUS_SUCCESS;
  const target = Out<WDFIOTARGET | null>(null);
  status = WdfIoTargetCreate(device.value!, null, target);
  if (!NT_SUCCESS(status)) return status;
  const params = new WDF_IO_TARGET_OPEN_PARAMS();
  WDF_IO_TARGET_OPEN_PARAMS_INIT_OPEN_BY_NAME(params, `\\Device\\${WDF_RESEND_LOWER}`, GENERIC_READ | GENERIC_WRITE);
  status = yield* WdfIoTargetOpen(target.value!, params);
  if (!NT_SUCCESS(status)) return status;
  BugGetContext(device.value!).LastObject = target.value!;
  return STATUS_SUCCESS;
}
