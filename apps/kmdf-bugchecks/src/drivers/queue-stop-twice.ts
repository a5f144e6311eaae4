/**
 * wdfqueuestop.sys — WDF_VIOLATION (0x10D), WDF_QUEUE_FATAL_ERROR (0xA).
 *
 * The bug: to pause I/O, the driver calls WdfIoQueueStop on its default queue with a StopComplete
 * callback, and on the same path calls it again (a retry "in case the first did not take").
 * The first StopComplete is still pending (the request the driver is handling keeps the queue
 * busy), and a queue has room for one: fxioqueueapi.cpp turns QueueIdle's
 * STATUS_INVALID_DEVICE_REQUEST into FxIoQueue::FatalError, a bug check in both flavors.
 * WDF passes a WDF_QUEUE_FATAL_ERROR_DATA {Queue, Request, Status} as P2; the emulation puts its
 * fields in the parameters: P2 the queue, P3 the status.
 * The fix: one WdfIoQueueStop per StopComplete (or WdfIoQueueStopSynchronously from a work item).
 */
import { STATUS_SUCCESS, type DRIVER_OBJECT, type NTSTATUS } from "@wdfjs/kernel";
import { WdfDeviceGetDefaultQueue, WdfIoQueueStop, WdfRequestComplete, type WDFDEVICE, type WDFQUEUE, type WDFREQUEST } from "@wdfjs/kmdf";
import { BugDriverEntry, BugGetContext, IOCTL_BUG_TRIGGER } from "../common.js";

export const WDF_QUEUE_STOP_NAME = "WdfQueueStop";

function QueueStopped(_Queue: WDFQUEUE, _Context: unknown): void {}

function QueueStopEvtIoDeviceControl(Device: WDFDEVICE, Request: WDFREQUEST, _OutputBufferLength: number, _InputBufferLength: number, IoControlCode: number): void {
  if (IoControlCode === IOCTL_BUG_TRIGGER) {
    const context = BugGetContext(Device);
    const queue = WdfDeviceGetDefaultQueue(Device)!;
    context.LastRequest = Request;
    context.LastObject = queue;
    WdfIoQueueStop(queue, QueueStopped, null);
    WdfIoQueueStop(queue, QueueStopped, null); // (the retry)
  }
  WdfRequestComplete(Request, STATUS_SUCCESS);
}

export function WdfQueueStopDriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
  return BugDriverEntry(DriverObject, RegistryPath, WDF_QUEUE_STOP_NAME, QueueStopEvtIoDeviceControl);
}
