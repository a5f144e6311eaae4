import { DISPATCH_LEVEL, NT_SUCCESS } from "@wdfjs/kernel";
import {
  FxObjectHandleGetPtr, FxValidateObjectAttributesForContext, FxVerifierCheckIrqlLevel, FX_TYPE_DEVICE, WDF_OBJECT_ATTRIBUTES, type FxDevice, type FxIoQueue,
} from "@wdfjs/framework";
import { FxDeviceInitOf, type PWDFDEVICE_INIT } from "./device-init.js";
import type { WDFDEVICE } from "./device.js";
import type { WDFQUEUE } from "./queue.js";

/**
 * `WdfDeviceInitSetRequestAttributes`: every request the device receives gets this context type
 * (and cleanup/destroy callbacks), read with the type's accessor. The attributes are copied; a
 * parent is not allowed (fxdeviceinitapi.cpp ignores the call after logging).
 */
export function WdfDeviceInitSetRequestAttributes(DeviceInit: PWDFDEVICE_INIT, RequestAttributes: WDF_OBJECT_ATTRIBUTES): void {
  const init = FxDeviceInitOf(DeviceInit);
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfDeviceInitSetRequestAttributes", DISPATCH_LEVEL))) return;
  if (RequestAttributes.ParentObject !== null || !NT_SUCCESS(FxValidateObjectAttributesForContext(RequestAttributes))) return;
  init.RequestAttributes = Object.assign(new WDF_OBJECT_ATTRIBUTES(), RequestAttributes);
}

/** `WdfDeviceGetDefaultQueue`: the device's default queue, or NULL. */
export function WdfDeviceGetDefaultQueue(Device: WDFDEVICE): WDFQUEUE | null {
  const device = FxObjectHandleGetPtr(Device, FX_TYPE_DEVICE) as FxDevice;
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfDeviceGetDefaultQueue", DISPATCH_LEVEL))) return null;
  const queue: FxIoQueue | null = device.pkgIo.defaultQueue;
  return queue === null ? null : (queue.handle as WDFQUEUE);
}
