import { DISPATCH_LEVEL, NT_SUCCESS, STATUS_INFO_LENGTH_MISMATCH, STATUS_INVALID_DEVICE_STATE, STATUS_SUCCESS, STATUS_UNSUCCESSFUL, type Box, type NTSTATUS } from "@wdfjs/kernel";
import {
  FxDevice, FxIoQueue, FxObjectCommit, FxObjectHandleGetPtr, FxValidateObjectAttributes, FxVerifierCheckIrqlLevel, FX_TYPE_DEVICE, FX_TYPE_QUEUE,
  FX_VALIDATE_OPTION_EXECUTION_LEVEL_ALLOWED, FX_VALIDATE_OPTION_SYNCHRONIZATION_SCOPE_ALLOWED, WDF_IO_QUEUE_CONFIG_SIZE, WdfDevStatePnpInit,
  type PWDF_IO_QUEUE_CONFIG, type PWDF_OBJECT_ATTRIBUTES, type WDFHANDLE,
} from "@wdfjs/framework";
import type { WDFDEVICE } from "./device.js";

export type WDFQUEUE = WDFHANDLE<"WDFQUEUE">;

/** `STATUS_INVALID_PARAMETER_4`: the fourth parameter (the queue out-pointer) is missing. */
export const STATUS_INVALID_PARAMETER_4 = 0xc00000f2 | 0;

/**
 * `WdfIoQueueCreate` (fxioqueueapi.cpp): a queue parented to the device (or to the object the
 * attributes name). A default queue takes the device's requests; a device has one, created
 * before WdfControlFinishInitializing (STATUS_INVALID_DEVICE_STATE after), and a second is
 * STATUS_UNSUCCESSFUL (fxpkgio.cpp). A non-default queue needs the out-pointer
 * (STATUS_INVALID_PARAMETER_4); without WdfDeviceConfigureRequestDispatching (not yet) it
 * receives nothing.
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
