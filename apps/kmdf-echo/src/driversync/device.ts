/** general/echo/kmdf/driver/DriverSync/device.c: as AutoSync, and every request gets a REQUEST_CONTEXT. */
import { NT_SUCCESS, Out, STATUS_SUCCESS, type KWAIT_GENERATOR, type NTSTATUS } from "@wdfjs/kernel";
import {
  WDF_DECLARE_CONTEXT_TYPE, WDF_OBJECT_ATTRIBUTES, WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE, WDF_PNPPOWER_EVENT_CALLBACKS, WDF_PNPPOWER_EVENT_CALLBACKS_INIT,
  WDF_REL_TIMEOUT_IN_MS, WdfDeviceCreate, WdfDeviceCreateDeviceInterface, WdfDeviceGetDefaultQueue, WdfDeviceInitSetPnpPowerEventCallbacks, WdfDeviceInitSetRequestAttributes, WdfIoQueueStart,
  WdfIoQueueStopSynchronously, WdfTimerStart, WdfTimerStop, type PWDFDEVICE_INIT, type WDFDEVICE,
} from "../kmdf.js";
import { GUID_DEVINTERFACE_ECHO } from "../public.js";
import { EchoQueueInitialize, QueueGetContext, REQUEST_CONTEXT } from "./queue.js";

/** device.h: DEVICE_CONTEXT (a placeholder). */
export class DEVICE_CONTEXT {
  PrivateDeviceData = 0;
}
export const WdfObjectGet_DEVICE_CONTEXT = WDF_DECLARE_CONTEXT_TYPE(DEVICE_CONTEXT);

/**
 * The SelfManagedIoSuspend callback waits (`yield*`): the framework's PnP/power machine runs it
 * at PASSIVE_LEVEL, where waiting is allowed. The structure's field is typed for callbacks that
 * do not wait until that machine accepts generators.
 */
type WaitingCallback = (Device: WDFDEVICE) => NTSTATUS;

/** EchoDeviceCreate: the device with its self-managed I/O callbacks, its interface, and its queue. */
export function EchoDeviceCreate(DeviceInit: PWDFDEVICE_INIT): NTSTATUS {
  const pnpPowerCallbacks = new WDF_PNPPOWER_EVENT_CALLBACKS();
  WDF_PNPPOWER_EVENT_CALLBACKS_INIT(pnpPowerCallbacks);
  // Start the queue and the timer when the device starts (and restarts after a suspend).
  pnpPowerCallbacks.EvtDeviceSelfManagedIoInit = EchoEvtDeviceSelfManagedIoStart;
  pnpPowerCallbacks.EvtDeviceSelfManagedIoSuspend = EchoEvtDeviceSelfManagedIoSuspend as unknown as WaitingCallback;
  pnpPowerCallbacks.EvtDeviceSelfManagedIoRestart = EchoEvtDeviceSelfManagedIoStart;
  WdfDeviceInitSetPnpPowerEventCallbacks(DeviceInit, pnpPowerCallbacks);
  const attributes = new WDF_OBJECT_ATTRIBUTES();
  WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(attributes, REQUEST_CONTEXT);
  WdfDeviceInitSetRequestAttributes(DeviceInit, attributes);
  const deviceAttributes = new WDF_OBJECT_ATTRIBUTES();
  WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(deviceAttributes, DEVICE_CONTEXT);
  const device = Out<WDFDEVICE | null>(null);
  let status = WdfDeviceCreate(Out(DeviceInit), deviceAttributes, device);
  if (NT_SUCCESS(status)) {
    WdfObjectGet_DEVICE_CONTEXT(device.value!).PrivateDeviceData = 0;
    status = WdfDeviceCreateDeviceInterface(device.value!, GUID_DEVINTERFACE_ECHO, null);
    if (NT_SUCCESS(status)) status = EchoQueueInitialize(device.value!);
  }
  return status;
}

/** EchoEvtDeviceSelfManagedIoStart: restart the queue, and the timer 100 ms from now. */
export function EchoEvtDeviceSelfManagedIoStart(Device: WDFDEVICE): NTSTATUS {
  const queueContext = QueueGetContext(WdfDeviceGetDefaultQueue(Device)!);
  WdfIoQueueStart(WdfDeviceGetDefaultQueue(Device)!);
  WdfTimerStart(queueContext.Timer!, WDF_REL_TIMEOUT_IN_MS(100));
  return STATUS_SUCCESS;
}

/** EchoEvtDeviceSelfManagedIoSuspend: stop the queue (waiting for the request the driver holds), then the timer. */
export function* EchoEvtDeviceSelfManagedIoSuspend(Device: WDFDEVICE): KWAIT_GENERATOR<NTSTATUS> {
  const queueContext = QueueGetContext(WdfDeviceGetDefaultQueue(Device)!);
  yield* WdfIoQueueStopSynchronously(WdfDeviceGetDefaultQueue(Device)!);
  WdfTimerStop(queueContext.Timer!, true);
  return STATUS_SUCCESS;
}
