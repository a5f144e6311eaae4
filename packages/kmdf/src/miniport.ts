import { NT_SUCCESS, type Box, type DEVICE_OBJECT, type NTSTATUS } from "@wdfjs/kernel";
import {
  FxDeviceMiniportCreate, FxDeviceMiniportValidate, FxDriverUnload, FxObjectHandleGetPtr, FX_TYPE_DRIVER, type FxDriver, type PWDF_OBJECT_ATTRIBUTES, type WDFDEVICE, type WDFDRIVER,
} from "@wdfjs/framework";
import { Created } from "./ddi.js";
import { WdfCheckIrql } from "./irql.js";

/**
 * `WdfDeviceMiniportCreate` (wdfminiport.h, fxdriverapikm.cpp): a WDFDEVICE over the device object
 * a port driver made, at PASSIVE_LEVEL; the core's `FxDeviceMiniportCreate`.
 */
export function WdfDeviceMiniportCreate(
  Driver: WDFDRIVER, Attributes: PWDF_OBJECT_ATTRIBUTES, DeviceObject: DEVICE_OBJECT, AttachedDeviceObject: DEVICE_OBJECT | null, Pdo: DEVICE_OBJECT | null, Device: Box<WDFDEVICE | null>,
): NTSTATUS {
  const driver = FxObjectHandleGetPtr(Driver, FX_TYPE_DRIVER) as FxDriver;
  FxDeviceMiniportValidate(DeviceObject, AttachedDeviceObject, Pdo);
  const status = WdfCheckIrql("WdfDeviceMiniportCreate");
  if (!NT_SUCCESS(status)) return status;
  Device.value = null;
  return Created(FxDeviceMiniportCreate(driver, Attributes, DeviceObject, AttachedDeviceObject, Pdo), Device);
}

/** `WdfDriverMiniportUnload`: `FxDriver::Unload` for the driver's DRIVER_OBJECT, which deletes the WDFDRIVER and its children. */
export function WdfDriverMiniportUnload(Driver: WDFDRIVER): void {
  FxDriverUnload((FxObjectHandleGetPtr(Driver, FX_TYPE_DRIVER) as FxDriver).DriverObject);
}
