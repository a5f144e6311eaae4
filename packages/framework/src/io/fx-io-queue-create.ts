import {
  Executive, KeInitializeEvent, KernelMode, KeSetEvent, KeWaitForSingleObject, KEVENT, NotificationEvent, NT_SUCCESS, STATUS_INFO_LENGTH_MISMATCH,
  STATUS_INVALID_DEVICE_REQUEST, STATUS_INVALID_DEVICE_STATE, STATUS_UNSUCCESSFUL, type KWAIT_GENERATOR, type NTSTATUS,
} from "@wdfjs/kernel";
import type { FxDevice } from "../device/fx-device.js";
import {
  FxValidateObjectAttributes, FX_VALIDATE_OPTION_EXECUTION_LEVEL_ALLOWED, FX_VALIDATE_OPTION_SYNCHRONIZATION_SCOPE_ALLOWED, type PWDF_OBJECT_ATTRIBUTES,
} from "../object/attributes.js";
import { FxObjectCommit } from "../object/object-api.js";
import { WdfDevStatePnpInit } from "../pnp/pnp-states.js";
import { FxIoQueue } from "./fx-io-queue.js";
import {
  WDF_IO_QUEUE_CONFIG_SIZE, WdfRequestTypeCreate, WdfRequestTypeDeviceControl, WdfRequestTypeDeviceControlInternal, WdfRequestTypeRead, WdfRequestTypeWrite,
  type WDF_IO_QUEUE_CONFIG, type WDF_REQUEST_TYPE,
} from "./queue-config.js";

/** `STATUS_INVALID_PARAMETER_4` (ntstatus.h): the fourth parameter (WdfIoQueueCreate's queue out-pointer) is missing. */
export const STATUS_INVALID_PARAMETER_4 = 0xc00000f2 | 0;

/**
 * `WdfIoQueueCreate` after its IRQL check (fxioqueueapi.cpp, `FxIoQueue::_Create`): the
 * attributes, the config's Size; a non-default queue needs the out-pointer
 * (STATUS_INVALID_PARAMETER_4). A default queue is created before the PnP device starts or the
 * control device finishes initializing (else STATUS_INVALID_DEVICE_STATE), and only one
 * (STATUS_UNSUCCESSFUL, fxpkgio.cpp). The queue's parent is the device unless the attributes
 * name another.
 */
export function FxIoQueueCreate(device: FxDevice, Config: WDF_IO_QUEUE_CONFIG, Attributes: PWDF_OBJECT_ATTRIBUTES, HasQueueOut: boolean): FxIoQueue | NTSTATUS {
  let status = FxValidateObjectAttributes(Attributes, FX_VALIDATE_OPTION_EXECUTION_LEVEL_ALLOWED | FX_VALIDATE_OPTION_SYNCHRONIZATION_SCOPE_ALLOWED);
  if (!NT_SUCCESS(status)) return status;
  if (Config.Size !== WDF_IO_QUEUE_CONFIG_SIZE) return STATUS_INFO_LENGTH_MISMATCH;
  if (!Config.DefaultQueue && !HasQueueOut) return STATUS_INVALID_PARAMETER_4;
  if (Config.DefaultQueue) {
    if (device.controlInitFinished || (device.pnp !== null && device.pnp.state !== WdfDevStatePnpInit)) return STATUS_INVALID_DEVICE_STATE;
    if (device.pkgIo.defaultQueue !== null) return STATUS_UNSUCCESSFUL;
  }
  status = FxIoQueue.validateConfig(Config);
  if (!NT_SUCCESS(status)) return status;
  const queue = new FxIoQueue(device, Config);
  status = FxObjectCommit(queue, Attributes, device);
  if (!NT_SUCCESS(status)) {
    queue.contexts.length = 0;
    queue.deleteObject();
    return status;
  }
  if (Config.DefaultQueue) device.pkgIo.defaultQueue = queue;
  return queue;
}

/** The request types `WdfDeviceConfigureRequestDispatching` takes: create, read, write and (internal) device control. */
export function FxRequestTypeDispatchable(RequestType: WDF_REQUEST_TYPE): boolean {
  return RequestType === WdfRequestTypeCreate || RequestType === WdfRequestTypeRead || RequestType === WdfRequestTypeWrite ||
    RequestType === WdfRequestTypeDeviceControl || RequestType === WdfRequestTypeDeviceControlInternal;
}

/**
 * `WdfDeviceConfigureRequestDispatching` after its type and IRQL checks (fxdeviceapi.cpp,
 * `FxPkgIo::ConfigureForwarding`): a queue of another device → STATUS_INVALID_DEVICE_REQUEST; a
 * control device already finished initializing → STATUS_INVALID_DEVICE_STATE; then creates go to
 * FxPkgGeneral (EvtIoDefault required, one create queue), the others to FxPkgIo (the type's
 * callback required, not the default queue, a type already routed → STATUS_WDF_BUSY).
 */
export function FxConfigureRequestDispatching(device: FxDevice, queue: FxIoQueue, RequestType: WDF_REQUEST_TYPE): NTSTATUS {
  if (queue.device !== device) return STATUS_INVALID_DEVICE_REQUEST;
  if (device.controlInitFinished) return STATUS_INVALID_DEVICE_STATE;
  if (RequestType === WdfRequestTypeCreate) return device.pkgGeneral.configureForwarding(queue);
  return device.pkgIo.configureForwarding(queue, RequestType);
}

function FxIoQueueSetEvent(_Queue: unknown, Context: unknown): void {
  KeSetEvent(Context as KEVENT, 0, false);
}

/**
 * The `WdfIoQueue{Stop,Purge,Drain,StopAndPurge}Synchronously` wait (PASSIVE_LEVEL): the operation with an
 * event as its completion callback, then a wait (`yield*`) until the queue would call it.
 */
export function* FxIoQueueWaitFor(queue: FxIoQueue, operation: "stop" | "purge" | "drain" | "stopAndPurge"): KWAIT_GENERATOR<void> {
  const event = new KEVENT();
  KeInitializeEvent(event, NotificationEvent, false);
  queue[operation](FxIoQueueSetEvent, event);
  yield* KeWaitForSingleObject(event, Executive, KernelMode, false, null);
}
