import { NT_SUCCESS, DISPATCH_LEVEL, PASSIVE_LEVEL, STATUS_INVALID_DEVICE_REQUEST, STATUS_INVALID_PARAMETER, STATUS_SUCCESS, type Box, type DEVICE_OBJECT, type NTSTATUS } from "@wdfjs/kernel";
import {
  FxDevice, FxObjectCommit, FxObjectHandleGetPtr, FxValidateObjectAttributes, FxVerifierCheckIrqlLevel, FX_TYPE_DEVICE,
  FX_VALIDATE_OPTION_EXECUTION_LEVEL_ALLOWED, FX_VALIDATE_OPTION_PARENT_NOT_ALLOWED, FX_VALIDATE_OPTION_SYNCHRONIZATION_SCOPE_ALLOWED,
  type PWDF_OBJECT_ATTRIBUTES, type WDFHANDLE,
} from "@wdfjs/framework";
import { FX_TYPE_REQUEST, type FxRequest } from "@wdfjs/framework";
import { FxDeviceInitOf, type PWDFDEVICE_INIT } from "./device-init.js";
import type { WDFREQUEST } from "./request.js";
import { FxCreateDefaultChildList } from "./child-list.js";

export type WDFDEVICE = WDFHANDLE<"WDFDEVICE">;

/**
 * `WdfDeviceCreate`: a device from its init, which the call consumes on success (`*DeviceInit`
 * becomes NULL). The device's parent is its driver (not to be overridden: a parent in the
 * attributes is STATUS_WDF_PARENT_ASSIGNMENT_NOT_ALLOWED). A control device, or a function or
 * filter device from EvtDriverDeviceAdd's init (created and attached over the PDO; the framework's
 * AddDevice clears DO_DEVICE_INITIALIZING when the callback returns success), or a child PDO from
 * `WdfPdoInitAllocate`'s init, whose parent object is its bus FDO (fxdevicekm.cpp PdoInitialize).
 */
export function WdfDeviceCreate(DeviceInit: Box<PWDFDEVICE_INIT>, DeviceAttributes: PWDF_OBJECT_ATTRIBUTES, Device: Box<WDFDEVICE | null>): NTSTATUS {
  const init = FxDeviceInitOf(DeviceInit.value);
  let status = FxVerifierCheckIrqlLevel("WdfDeviceCreate", PASSIVE_LEVEL);
  if (!NT_SUCCESS(status)) return status;
  Device.value = null;
  if (init.consumed) return STATUS_INVALID_PARAMETER;
  status = FxValidateObjectAttributes(DeviceAttributes, FX_VALIDATE_OPTION_PARENT_NOT_ALLOWED | FX_VALIDATE_OPTION_EXECUTION_LEVEL_ALLOWED | FX_VALIDATE_OPTION_SYNCHRONIZATION_SCOPE_ALLOWED);
  if (!NT_SUCCESS(status)) return status;
  const device = new FxDevice(init.Driver, init);
  status = FxObjectCommit(device, DeviceAttributes, init.Pdo !== null ? init.Pdo.Parent : init.Driver);
  if (NT_SUCCESS(status)) status = device.createDevice();
  if (NT_SUCCESS(status)) status = FxCreateDefaultChildList(device);
  if (!NT_SUCCESS(status)) {
    // FxObject::DeleteFromFailedCreate: the driver never had the device; its callbacks do not run.
    device.contexts.length = 0;
    device.deleteObject();
    return status;
  }
  init.consumed = true;
  init.createdDevice = device;
  device.pkgIo.requestAttributes = init.RequestAttributes;
  DeviceInit.value = null;
  Device.value = device.handle as WDFDEVICE;
  return STATUS_SUCCESS;
}

/** `WdfDeviceCreateSymbolicLink`: a link to the device's name, removed when the device is deleted. */
export function WdfDeviceCreateSymbolicLink(Device: WDFDEVICE, SymbolicLinkName: string): NTSTATUS {
  const device = FxObjectHandleGetPtr(Device, FX_TYPE_DEVICE) as FxDevice;
  const status = FxVerifierCheckIrqlLevel("WdfDeviceCreateSymbolicLink", PASSIVE_LEVEL);
  if (!NT_SUCCESS(status)) return status;
  if (typeof SymbolicLinkName !== "string" || SymbolicLinkName.length === 0) return STATUS_INVALID_PARAMETER;
  if (device.DeviceName === null) return STATUS_INVALID_DEVICE_REQUEST;
  return device.createSymbolicLink(SymbolicLinkName);
}

/** `WdfControlFinishInitializing`: clears DO_DEVICE_INITIALIZING; until then the device cannot be opened. */
export function WdfControlFinishInitializing(Device: WDFDEVICE): void {
  const device = FxObjectHandleGetPtr(Device, FX_TYPE_DEVICE) as FxDevice;
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfControlFinishInitializing", DISPATCH_LEVEL))) return;
  device.finishInitializing();
}

/** `WdfDeviceWdmGetDeviceObject`: the device's WDM device object. */
export function WdfDeviceWdmGetDeviceObject(Device: WDFDEVICE): DEVICE_OBJECT | null {
  const device = FxObjectHandleGetPtr(Device, FX_TYPE_DEVICE) as FxDevice;
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfDeviceWdmGetDeviceObject", DISPATCH_LEVEL))) return null;
  return device.DeviceObject;
}

/**
 * `WdfDeviceEnqueueRequest`: from EvtIoInCallerContext, the request goes to the queue its type is
 * dispatched to, as if it had just arrived. Refusals leave the request the driver's:
 * STATUS_INVALID_DEVICE_REQUEST (no queue for it; verifier on: not in EvtIoInCallerContext),
 * STATUS_WDF_BUSY (the queue does not accept).
 */
export function WdfDeviceEnqueueRequest(Device: WDFDEVICE, Request: WDFREQUEST): NTSTATUS {
  const device = FxObjectHandleGetPtr(Device, FX_TYPE_DEVICE) as FxDevice;
  const request = FxObjectHandleGetPtr(Request, FX_TYPE_REQUEST) as FxRequest;
  const status = FxVerifierCheckIrqlLevel("WdfDeviceEnqueueRequest", DISPATCH_LEVEL);
  if (!NT_SUCCESS(status)) return status;
  if (request.Irp === null) return STATUS_INVALID_DEVICE_REQUEST;
  return device.pkgIo.enqueueRequest(request);
}
