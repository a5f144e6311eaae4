import { NT_SUCCESS, STATUS_INVALID_DEVICE_REQUEST, STATUS_INVALID_PARAMETER, type Box, type KWAIT_GENERATOR, type NTSTATUS } from "@wdfjs/kernel";
import {
  FxConfigureRequestDispatching, FxIoQueueCreate, FxIoQueueWaitFor, FxObjectHandleGetPtr, FxRequestTypeDispatchable, FX_TYPE_DEVICE, FX_TYPE_QUEUE, type FxDevice,
  type EVT_WDF_IO_QUEUE_STATE, type FxIoQueue, type PWDF_IO_QUEUE_CONFIG, type PWDF_OBJECT_ATTRIBUTES, type WDF_IO_QUEUE_STATE, type WDF_REQUEST_TYPE,
  type WDFDEVICE, type WDFQUEUE, type WDFREQUEST,
} from "@wdfjs/framework";
import { Created, Enter as EnterImported } from "./ddi.js";
import { WdfCheckIrql } from "./irql.js";

// The routines of other modules that this module's I/O path calls, as module constants: V8 reads an imported
// function through a cell, with a check, at every call (even inlined); a module's own constant
// is folded into the code.
const Enter = EnterImported;

/** A module constant for WdfIoQueueGetDevice, an I/O path DDI (an imported name is read through a checked cell on every use). */
const TYPE_QUEUE = FX_TYPE_QUEUE;

// Also exported here, where it was defined before the core took it (wdftypes.h).
export type { WDFQUEUE } from "@wdfjs/framework";

/** `WdfIoQueueCreate` (fxioqueueapi.cpp): the core's `FxIoQueueCreate`, parented to the device unless the attributes say otherwise. */
export function WdfIoQueueCreate(Device: WDFDEVICE, Config: PWDF_IO_QUEUE_CONFIG, QueueAttributes: PWDF_OBJECT_ATTRIBUTES, Queue: Box<WDFQUEUE | null> | null): NTSTATUS {
  const device = Enter<FxDevice>(Device, FX_TYPE_DEVICE, "WdfIoQueueCreate");
  if (device === null) return STATUS_INVALID_DEVICE_REQUEST;
  if (Queue !== null) Queue.value = null;
  return Created(FxIoQueueCreate(device, Config, QueueAttributes, Queue !== null), Queue);
}

/** `WdfIoQueueGetDevice`. */
export function WdfIoQueueGetDevice(Queue: WDFQUEUE): WDFDEVICE | null {
  return (Enter<FxIoQueue>(Queue, TYPE_QUEUE, "WdfIoQueueGetDevice")?.device.handle ?? null) as WDFDEVICE | null;
}

/**
 * `WdfDeviceConfigureRequestDispatching`: the device's requests of the type go to the queue
 * (the core's `FxConfigureRequestDispatching`); another type is STATUS_INVALID_PARAMETER.
 */
export function WdfDeviceConfigureRequestDispatching(Device: WDFDEVICE, Queue: WDFQUEUE, RequestType: WDF_REQUEST_TYPE): NTSTATUS {
  const device = FxObjectHandleGetPtr(Device, FX_TYPE_DEVICE) as FxDevice;
  if (!FxRequestTypeDispatchable(RequestType)) return STATUS_INVALID_PARAMETER;
  const status = WdfCheckIrql("WdfDeviceConfigureRequestDispatching");
  return NT_SUCCESS(status) ? FxConfigureRequestDispatching(device, FxObjectHandleGetPtr(Queue, FX_TYPE_QUEUE) as FxIoQueue, RequestType) : status;
}

/** `WdfIoQueueGetState`: the WDF_IO_QUEUE_STATE bits, and the numbers of waiting and driver-owned requests. */
export function WdfIoQueueGetState(Queue: WDFQUEUE, QueueRequests: Box<number> | null, DriverRequests: Box<number> | null): WDF_IO_QUEUE_STATE {
  const queue = Enter<FxIoQueue>(Queue, FX_TYPE_QUEUE, "WdfIoQueueGetState");
  if (queue === null) return 0;
  if (QueueRequests !== null) QueueRequests.value = queue.queuedCount;
  if (DriverRequests !== null) DriverRequests.value = queue.driverIoCount;
  return queue.getState();
}

/** `WdfIoQueueStart`: the queue accepts and presents requests again. */
export function WdfIoQueueStart(Queue: WDFQUEUE): void {
  Enter<FxIoQueue>(Queue, FX_TYPE_QUEUE, "WdfIoQueueStart")?.start();
}

/** `WdfIoQueueStop`: requests wait, none presented; StopComplete once the driver owns none. */
export function WdfIoQueueStop(Queue: WDFQUEUE, StopComplete: EVT_WDF_IO_QUEUE_STATE | null, Context: unknown): void {
  Enter<FxIoQueue>(Queue, FX_TYPE_QUEUE, "WdfIoQueueStop")?.stop(StopComplete, Context);
}

/** `WdfIoQueuePurge`: waiting requests STATUS_CANCELLED, new ones STATUS_INVALID_DEVICE_STATE until started; PurgeComplete once the driver owns none. */
export function WdfIoQueuePurge(Queue: WDFQUEUE, PurgeComplete: EVT_WDF_IO_QUEUE_STATE | null, Context: unknown): void {
  Enter<FxIoQueue>(Queue, FX_TYPE_QUEUE, "WdfIoQueuePurge")?.purge(PurgeComplete, Context);
}

/** `WdfIoQueueDrain`: new requests fail, waiting ones are still presented; DrainComplete when none is left. */
export function WdfIoQueueDrain(Queue: WDFQUEUE, DrainComplete: EVT_WDF_IO_QUEUE_STATE | null, Context: unknown): void {
  Enter<FxIoQueue>(Queue, FX_TYPE_QUEUE, "WdfIoQueueDrain")?.drain(DrainComplete, Context);
}

/**
 * `WdfIoQueueRetrieveNextRequest`: the oldest waiting request, now the driver's (manual and
 * sequential queues; parallel STATUS_INVALID_DEVICE_STATE, stopped STATUS_WDF_PAUSED, empty
 * STATUS_NO_MORE_ENTRIES).
 */
export function WdfIoQueueRetrieveNextRequest(Queue: WDFQUEUE, OutRequest: Box<WDFREQUEST | null>): NTSTATUS {
  const queue = FxObjectHandleGetPtr(Queue, FX_TYPE_QUEUE) as FxIoQueue;
  OutRequest.value = null;
  const status = WdfCheckIrql("WdfIoQueueRetrieveNextRequest");
  return NT_SUCCESS(status) ? Created(queue.retrieveNextRequest(), OutRequest) : status;
}

/** `WdfIoQueueStopSynchronously` (PASSIVE_LEVEL, `yield*`): WdfIoQueueStop, then waits until the driver owns no request of the queue. */
export function* WdfIoQueueStopSynchronously(Queue: WDFQUEUE): KWAIT_GENERATOR<void> {
  const queue = Enter<FxIoQueue>(Queue, FX_TYPE_QUEUE, "WdfIoQueueStopSynchronously");
  if (queue !== null) yield* FxIoQueueWaitFor(queue, "stop");
}

/** `WdfIoQueuePurgeSynchronously` (PASSIVE_LEVEL, `yield*`): WdfIoQueuePurge, then waits until the driver owns no request of the queue. */
export function* WdfIoQueuePurgeSynchronously(Queue: WDFQUEUE): KWAIT_GENERATOR<void> {
  const queue = Enter<FxIoQueue>(Queue, FX_TYPE_QUEUE, "WdfIoQueuePurgeSynchronously");
  if (queue !== null) yield* FxIoQueueWaitFor(queue, "purge");
}

/** `WdfIoQueueDrainSynchronously` (PASSIVE_LEVEL, `yield*`): WdfIoQueueDrain, then waits until no request is left. */
export function* WdfIoQueueDrainSynchronously(Queue: WDFQUEUE): KWAIT_GENERATOR<void> {
  const queue = Enter<FxIoQueue>(Queue, FX_TYPE_QUEUE, "WdfIoQueueDrainSynchronously");
  if (queue !== null) yield* FxIoQueueWaitFor(queue, "drain");
}
