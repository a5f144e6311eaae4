import { NT_SUCCESS, STATUS_INVALID_DEVICE_REQUEST, STATUS_INVALID_PARAMETER, type Box, type DEVICE_OBJECT, type NTSTATUS } from "@wdfjs/kernel";
import {
  FxDeviceCreate, FxObjectHandleGetPtr, FX_TYPE_DEVICE, FX_TYPE_DEVICE_BASE, FX_TYPE_REQUEST, type FxDevice, type FxRequest, type PWDF_OBJECT_ATTRIBUTES, type PWDFDEVICE_INIT,
  type WDFDEVICE, type WDFREQUEST,
} from "@wdfjs/framework";
import { Created, Enter, EnterDeviceBase } from "./ddi.js";
import { FxDeviceInitOf } from "./device-init.js";
import { WdfCheckIrql } from "./irql.js";

// Also exported here, where it was defined before the core took it (wdftypes.h).
export type { WDFDEVICE } from "@wdfjs/framework";

/** `WdfDeviceCreate`: the core's `FxDeviceCreate` from the init, which a success consumes (`*DeviceInit` becomes NULL). */
export function WdfDeviceCreate(DeviceInit: Box<PWDFDEVICE_INIT>, DeviceAttributes: PWDF_OBJECT_ATTRIBUTES, Device: Box<WDFDEVICE | null>): NTSTATUS {
  const init = FxDeviceInitOf(DeviceInit.value);
  const status = WdfCheckIrql("WdfDeviceCreate");
  if (!NT_SUCCESS(status)) return status;
  Device.value = null;
  const device = FxDeviceCreate(init, DeviceAttributes);
  if (typeof device !== "number") DeviceInit.value = null;
  return Created(device, Device);
}

/** `WdfDeviceCreateSymbolicLink`: a link to the device's name, removed with the device (no name: STATUS_INVALID_DEVICE_REQUEST). */
export function WdfDeviceCreateSymbolicLink(Device: WDFDEVICE, SymbolicLinkName: string): NTSTATUS {
  const device = Enter<FxDevice>(Device, FX_TYPE_DEVICE, "WdfDeviceCreateSymbolicLink");
  if (device === null) return STATUS_INVALID_DEVICE_REQUEST;
  if (typeof SymbolicLinkName !== "string" || SymbolicLinkName.length === 0) return STATUS_INVALID_PARAMETER;
  return device.DeviceName === null ? STATUS_INVALID_DEVICE_REQUEST : device.createSymbolicLink(SymbolicLinkName);
}

/** `WdfControlFinishInitializing`: clears DO_DEVICE_INITIALIZING; until then the device cannot be opened. */
export function WdfControlFinishInitializing(Device: WDFDEVICE): void {
  Enter<FxDevice>(Device, FX_TYPE_DEVICE, "WdfControlFinishInitializing")?.finishInitializing();
}

/** `WdfDeviceWdmGetDeviceObject`. */
export function WdfDeviceWdmGetDeviceObject(Device: WDFDEVICE): DEVICE_OBJECT | null {
  return EnterDeviceBase(Device, "WdfDeviceWdmGetDeviceObject")?.DeviceObject ?? null;
}

/**
 * `WdfDeviceEnqueueRequest`: from EvtIoInCallerContext, to the queue the request's type goes to
 * (FxPkgIo::EnqueueRequest); a refusal leaves the request the driver's.
 */
export function WdfDeviceEnqueueRequest(Device: WDFDEVICE, Request: WDFREQUEST): NTSTATUS {
  const device = FxObjectHandleGetPtr(Device, FX_TYPE_DEVICE) as FxDevice;
  const request = Enter<FxRequest>(Request, FX_TYPE_REQUEST, "WdfDeviceEnqueueRequest");
  if (request === null || request.Irp === null) return STATUS_INVALID_DEVICE_REQUEST;
  return device.pkgIo.enqueueRequest(request);
}
