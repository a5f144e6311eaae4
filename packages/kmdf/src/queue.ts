import {
  DISPATCH_LEVEL, Executive, KeInitializeEvent, KernelMode, KeSetEvent, KeWaitForSingleObject, KEVENT, NotificationEvent, NT_SUCCESS, PASSIVE_LEVEL,
  type KWAIT_GENERATOR, STATUS_INFO_LENGTH_MISMATCH, STATUS_INVALID_DEVICE_REQUEST, STATUS_INVALID_DEVICE_STATE, STATUS_INVALID_PARAMETER,
  STATUS_SUCCESS, STATUS_UNSUCCESSFUL, type Box, type NTSTATUS,
} from "@wdfjs/kernel";
import {
  FxDevice, FxIoQueue, WdfRequestTypeCreate, WdfRequestTypeDeviceControl, WdfRequestTypeDeviceControlInternal, WdfRequestTypeRead, WdfRequestTypeWrite,
  type EVT_WDF_IO_QUEUE_STATE, type FxRequest, type WDF_IO_QUEUE_STATE, type WDF_REQUEST_TYPE, FxObjectCommit, FxObjectHandleGetPtr, FxValidateObjectAttributes, FxVerifierCheckIrqlLevel, FX_TYPE_DEVICE, FX_TYPE_QUEUE,
  FX_VALIDATE_OPTION_EXECUTION_LEVEL_ALLOWED, FX_VALIDATE_OPTION_SYNCHRONIZATION_SCOPE_ALLOWED, WDF_IO_QUEUE_CONFIG_SIZE, WdfDevStatePnpInit,
  type PWDF_IO_QUEUE_CONFIG, type PWDF_OBJECT_ATTRIBUTES, type WDFHANDLE,
} from "@wdfjs/framework";
import type { WDFDEVICE } from "./device.js";
import type { WDFREQUEST } from "./request.js";

export type WDFQUEUE = WDFHANDLE<"WDFQUEUE">;

/** `STATUS_INVALID_PARAMETER_4`: the fourth parameter (the queue out-pointer) is missing. */
export const STATUS_INVALID_PARAMETER_4 = 0xc00000f2 | 0;

/**
 * `WdfIoQueueCreate` (fxioqueueapi.cpp): a queue parented to the device (or to the object the
 * attributes name). A default queue takes the device's requests; a device has one, created
 * before WdfControlFinishInitializing (STATUS_INVALID_DEVICE_STATE after), and a second is
 * STATUS_UNSUCCESSFUL (fxpkgio.cpp). A non-default queue needs the out-pointer
 * (STATUS_INVALID_PARAMETER_4); it receives only what WdfDeviceConfigureRequestDispatching or
 * WdfRequestForwardToIoQueue sends it.
 */
export function WdfIoQueueCreate(Device: WDFDEVICE, Config: PWDF_IO_QUEUE_CONFIG, QueueAttributes: PWDF_OBJECT_ATTRIBUTES, Queue: Box<WDFQUEUE | null> | null): NTSTATUS {
  const device = FxObjectHandleGetPtr(Device, FX_TYPE_DEVICE) as FxDevice;
  let status = FxVerifierCheckIrqlLevel("WdfIoQueueCreate", DISPATCH_LEVEL);
  if (!NT_SUCCESS(status)) return status;
  if (Queue !== null) Queue.value = null;
  status = FxValidateObjectAttributes(QueueAttributes, FX_VALIDATE_OPTION_EXECUTION_LEVEL_ALLOWED | FX_VALIDATE_OPTION_SYNCHRONIZATION_SCOPE_ALLOWED);
  if (!NT_SUCCESS(status)) return status;
  if (Config.Size !== WDF_IO_QUEUE_CONFIG_SIZE) return STATUS_INFO_LENGTH_MISMATCH;
  if (!Config.DefaultQueue && Queue === null) return STATUS_INVALID_PARAMETER_4;
  if (Config.DefaultQueue) {
    // Before the PnP device starts (WdfDevStatePnpInit), or before WdfControlFinishInitializing.
    if (device.controlInitFinished || (device.pnp !== null && device.pnp.state !== WdfDevStatePnpInit)) return STATUS_INVALID_DEVICE_STATE;
    if (device.pkgIo.defaultQueue !== null) return STATUS_UNSUCCESSFUL;
  }
  status = FxIoQueue.validateConfig(Config);
  if (!NT_SUCCESS(status)) return status;
  const queue = new FxIoQueue(device, Config);
  status = FxObjectCommit(queue, QueueAttributes, device);
  if (!NT_SUCCESS(status)) {
    queue.contexts.length = 0;
    queue.deleteObject();
    return status;
  }
  if (Config.DefaultQueue) device.pkgIo.defaultQueue = queue;
  if (Queue !== null) Queue.value = queue.handle as WDFQUEUE;
  return STATUS_SUCCESS;
}

/** `WdfIoQueueGetDevice`: the device the queue belongs to. */
export function WdfIoQueueGetDevice(Queue: WDFQUEUE): WDFDEVICE | null {
  const queue = FxObjectHandleGetPtr(Queue, FX_TYPE_QUEUE) as FxIoQueue;
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfIoQueueGetDevice", DISPATCH_LEVEL))) return null;
  return queue.device.handle as WDFDEVICE;
}

function QueueOf(Queue: WDFQUEUE): FxIoQueue {
  return FxObjectHandleGetPtr(Queue, FX_TYPE_QUEUE) as FxIoQueue;
}

/**
 * `WdfDeviceConfigureRequestDispatching` (fxdeviceapi.cpp, `FxPkgIo::ConfigureForwarding`): the
 * device's requests of the type go to the queue instead of the default queue. Refusals, in WDF's
 * order: a type other than create, read, write and (internal) device control →
 * STATUS_INVALID_PARAMETER; a queue of another device → STATUS_INVALID_DEVICE_REQUEST; a control
 * device already finished initializing → STATUS_INVALID_DEVICE_STATE; a queue without the
 * callback for the type, or the default queue → STATUS_INVALID_DEVICE_REQUEST; a type already
 * configured → STATUS_WDF_BUSY. Create requests go to FxPkgGeneral: the queue needs EvtIoDefault
 * (STATUS_INVALID_DEVICE_REQUEST), and a second create queue is STATUS_INVALID_PARAMETER.
 */
export function WdfDeviceConfigureRequestDispatching(Device: WDFDEVICE, Queue: WDFQUEUE, RequestType: WDF_REQUEST_TYPE): NTSTATUS {
  const device = FxObjectHandleGetPtr(Device, FX_TYPE_DEVICE) as FxDevice;
  if (RequestType !== WdfRequestTypeCreate && RequestType !== WdfRequestTypeRead && RequestType !== WdfRequestTypeWrite &&
    RequestType !== WdfRequestTypeDeviceControl && RequestType !== WdfRequestTypeDeviceControlInternal) return STATUS_INVALID_PARAMETER;
  let status = FxVerifierCheckIrqlLevel("WdfDeviceConfigureRequestDispatching", DISPATCH_LEVEL);
  if (!NT_SUCCESS(status)) return status;
  const queue = QueueOf(Queue);
  if (queue.device !== device) return STATUS_INVALID_DEVICE_REQUEST;
  // A control device: only while DO_DEVICE_INITIALIZING is still set.
  if (device.controlInitFinished) return STATUS_INVALID_DEVICE_STATE;
  // Creates belong to FxPkgGeneral (EvtIoDefault required; one queue).
  if (RequestType === WdfRequestTypeCreate) return device.pkgGeneral.configureForwarding(queue);
  status = device.pkgIo.configureForwarding(queue, RequestType);
  return status;
}

/** `WdfIoQueueGetState`: the WDF_IO_QUEUE_STATE bits, and the numbers of waiting and driver-owned requests. */
export function WdfIoQueueGetState(Queue: WDFQUEUE, QueueRequests: Box<number> | null, DriverRequests: Box<number> | null): WDF_IO_QUEUE_STATE {
  const queue = QueueOf(Queue);
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfIoQueueGetState", DISPATCH_LEVEL))) return 0;
  if (QueueRequests !== null) QueueRequests.value = queue.queuedCount;
  if (DriverRequests !== null) DriverRequests.value = queue.driverIoCount;
  return queue.getState();
}

/** `WdfIoQueueStart`: the queue accepts and presents requests again. */
export function WdfIoQueueStart(Queue: WDFQUEUE): void {
  const queue = QueueOf(Queue);
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfIoQueueStart", DISPATCH_LEVEL))) return;
  queue.start();
}

/** `WdfIoQueueStop`: new requests wait in the queue and none is presented; StopComplete runs once the driver owns none. */
export function WdfIoQueueStop(Queue: WDFQUEUE, StopComplete: EVT_WDF_IO_QUEUE_STATE | null, Context: unknown): void {
  const queue = QueueOf(Queue);
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfIoQueueStop", DISPATCH_LEVEL))) return;
  queue.stop(StopComplete, Context);
}

/**
 * `WdfIoQueuePurge`: waiting requests are completed with STATUS_CANCELLED, new ones are failed
 * with STATUS_INVALID_DEVICE_STATE (until WdfIoQueueStart); PurgeComplete runs once the driver
 * owns none.
 */
export function WdfIoQueuePurge(Queue: WDFQUEUE, PurgeComplete: EVT_WDF_IO_QUEUE_STATE | null, Context: unknown): void {
  const queue = QueueOf(Queue);
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfIoQueuePurge", DISPATCH_LEVEL))) return;
  queue.purge(PurgeComplete, Context);
}

/** `WdfIoQueueDrain`: new requests are failed; waiting ones are still presented; DrainComplete runs when none is left. */
export function WdfIoQueueDrain(Queue: WDFQUEUE, DrainComplete: EVT_WDF_IO_QUEUE_STATE | null, Context: unknown): void {
  const queue = QueueOf(Queue);
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfIoQueueDrain", DISPATCH_LEVEL))) return;
  queue.drain(DrainComplete, Context);
}

/**
 * `WdfIoQueueRetrieveNextRequest`: the oldest waiting request, now the driver's. Manual and
 * sequential queues only (parallel → STATUS_INVALID_DEVICE_STATE); a stopped queue →
 * STATUS_WDF_PAUSED; an empty one → STATUS_NO_MORE_ENTRIES.
 */
export function WdfIoQueueRetrieveNextRequest(Queue: WDFQUEUE, OutRequest: Box<WDFREQUEST | null>): NTSTATUS {
  const queue = QueueOf(Queue);
  OutRequest.value = null;
  const status = FxVerifierCheckIrqlLevel("WdfIoQueueRetrieveNextRequest", DISPATCH_LEVEL);
  if (!NT_SUCCESS(status)) return status;
  const result: FxRequest | NTSTATUS = queue.retrieveNextRequest();
  if (typeof result === "number") return result;
  OutRequest.value = result.handle as WDFREQUEST;
  return STATUS_SUCCESS;
}

function FxIoQueueSetEvent(_Queue: WDFQUEUE, Context: unknown): void {
  KeSetEvent(Context as KEVENT, 0, false);
}

/** The `...Synchronously` forms: PASSIVE_LEVEL; the caller waits (`yield*`) until the queue's callback would run. */
function* WaitForQueue(Routine: string, Queue: WDFQUEUE, start: (queue: FxIoQueue, event: KEVENT) => void): KWAIT_GENERATOR<void> {
  const queue = QueueOf(Queue);
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel(Routine, PASSIVE_LEVEL))) return;
  const event = new KEVENT();
  KeInitializeEvent(event, NotificationEvent, false);
  start(queue, event);
  yield* KeWaitForSingleObject(event, Executive, KernelMode, false, null);
}

/** `WdfIoQueueStopSynchronously`: WdfIoQueueStop, then waits until the driver owns no request of the queue. */
export function WdfIoQueueStopSynchronously(Queue: WDFQUEUE): KWAIT_GENERATOR<void> {
  return WaitForQueue("WdfIoQueueStopSynchronously", Queue, (queue, event) => queue.stop(FxIoQueueSetEvent, event));
}

/** `WdfIoQueuePurgeSynchronously`: WdfIoQueuePurge, then waits until the driver owns no request of the queue. */
export function WdfIoQueuePurgeSynchronously(Queue: WDFQUEUE): KWAIT_GENERATOR<void> {
  return WaitForQueue("WdfIoQueuePurgeSynchronously", Queue, (queue, event) => queue.purge(FxIoQueueSetEvent, event));
}

/** `WdfIoQueueDrainSynchronously`: WdfIoQueueDrain, then waits until no request is left. */
export function WdfIoQueueDrainSynchronously(Queue: WDFQUEUE): KWAIT_GENERATOR<void> {
  return WaitForQueue("WdfIoQueueDrainSynchronously", Queue, (queue, event) => queue.drain(FxIoQueueSetEvent, event));
}
