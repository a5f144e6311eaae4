import { NT_SUCCESS } from "@wdfjs/kernel";
import {
  FxValidateObjectAttributesForContext, FX_TYPE_DEVICE, WDF_OBJECT_ATTRIBUTES, type FxDevice, type PWDFDEVICE_INIT, type WDFDEVICE, type WDFQUEUE,
} from "@wdfjs/framework";
import { Enter, EnterInit } from "./ddi.js";

/**
 * `WdfDeviceInitSetRequestAttributes`: every request of the device gets this context type (and
 * callbacks); copied; a parent is not allowed (fxdeviceinitapi.cpp ignores the call after logging).
 */
export function WdfDeviceInitSetRequestAttributes(DeviceInit: PWDFDEVICE_INIT, RequestAttributes: WDF_OBJECT_ATTRIBUTES): void {
  const init = EnterInit(DeviceInit, "WdfDeviceInitSetRequestAttributes");
  if (init === null || RequestAttributes.ParentObject !== null || !NT_SUCCESS(FxValidateObjectAttributesForContext(RequestAttributes))) return;
  init.RequestAttributes = Object.assign(new WDF_OBJECT_ATTRIBUTES(), RequestAttributes);
}

/** `WdfDeviceGetDefaultQueue`: the device's default queue, or NULL. */
export function WdfDeviceGetDefaultQueue(Device: WDFDEVICE): WDFQUEUE | null {
  return (Enter<FxDevice>(Device, FX_TYPE_DEVICE, "WdfDeviceGetDefaultQueue")?.pkgIo.defaultQueue?.handle ?? null) as WDFQUEUE | null;
}
