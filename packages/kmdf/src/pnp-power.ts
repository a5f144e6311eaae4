import { STATUS_INVALID_DEVICE_REQUEST, type DEVICE_OBJECT, type NTSTATUS } from "@wdfjs/kernel";
import {
  FxPnpPowerCallbacksFrom, FX_TYPE_DEVICE, FX_TYPE_DEVICE_BASE, WdfDevStatePnpInvalid, WdfDevStatePowerInvalid, WdfDevStatePwrPolInvalid, WdfFalse, WdfTrue, type FxDevice,
  type PWDF_PNPPOWER_EVENT_CALLBACKS, type PWDFDEVICE_INIT, type WDF_DEVICE_PNP_STATE, type WDF_DEVICE_POWER_POLICY_STATE, type WDF_DEVICE_POWER_STATE,
  type WDFDEVICE,
} from "@wdfjs/framework";
import { Enter, EnterDeviceBase, EnterInit } from "./ddi.js";

/** `WdfDeviceInitSetPnpPowerEventCallbacks`: copied by the core's `FxPnpPowerCallbacksFrom` (a wrong Size is ignored). */
export function WdfDeviceInitSetPnpPowerEventCallbacks(DeviceInit: PWDFDEVICE_INIT, PnpPowerEventCallbacks: PWDF_PNPPOWER_EVENT_CALLBACKS): void {
  const init = EnterInit(DeviceInit, "WdfDeviceInitSetPnpPowerEventCallbacks");
  const callbacks = init === null ? null : FxPnpPowerCallbacksFrom(PnpPowerEventCallbacks);
  if (callbacks !== null) init!.PnpPowerCallbacks = callbacks;
}

/** `WdfFdoInitSetFilter`: the device is a filter; IRPs it has no queue for pass down the stack. */
export function WdfFdoInitSetFilter(DeviceInit: PWDFDEVICE_INIT): void {
  const init = EnterInit(DeviceInit, "WdfFdoInitSetFilter");
  if (init !== null && init.IsFdoInit) init.Filter = true;
}

/** `WdfFdoInitWdmGetPhysicalDevice`: the PDO AddDevice was called with. */
export function WdfFdoInitWdmGetPhysicalDevice(DeviceInit: PWDFDEVICE_INIT): DEVICE_OBJECT | null {
  return EnterInit(DeviceInit, "WdfFdoInitWdmGetPhysicalDevice")?.PhysicalDevice ?? null;
}

/** `WdfDeviceWdmGetAttachedDevice`: the next-lower device object (null for a control device). */
export function WdfDeviceWdmGetAttachedDevice(Device: WDFDEVICE): DEVICE_OBJECT | null {
  return EnterDeviceBase(Device, "WdfDeviceWdmGetAttachedDevice")?.AttachedDevice ?? null;
}

/** `WdfDeviceWdmGetPhysicalDevice`: the stack's PDO (null for a control device). */
export function WdfDeviceWdmGetPhysicalDevice(Device: WDFDEVICE): DEVICE_OBJECT | null {
  return EnterDeviceBase(Device, "WdfDeviceWdmGetPhysicalDevice")?.PhysicalDevice ?? null;
}

/** `WdfDeviceGetDevicePnpState` (WdfDevStatePnpInvalid for a control device). */
export function WdfDeviceGetDevicePnpState(Device: WDFDEVICE): WDF_DEVICE_PNP_STATE {
  return Enter<FxDevice>(Device, FX_TYPE_DEVICE, "WdfDeviceGetDevicePnpState")?.pnp?.state ?? WdfDevStatePnpInvalid;
}

/** `WdfDeviceCreateDeviceInterface`: on the PDO, enabled when the device starts (a control device: STATUS_INVALID_DEVICE_REQUEST). */
export function WdfDeviceCreateDeviceInterface(Device: WDFDEVICE, InterfaceClassGUID: string, ReferenceString: string | null): NTSTATUS {
  const device = Enter<FxDevice>(Device, FX_TYPE_DEVICE, "WdfDeviceCreateDeviceInterface");
  return device === null ? STATUS_INVALID_DEVICE_REQUEST : device.createDeviceInterface(InterfaceClassGUID, ReferenceString);
}

/** `WdfDeviceGetDevicePowerState` (WdfDevStatePowerInvalid for a control device). */
export function WdfDeviceGetDevicePowerState(Device: WDFDEVICE): WDF_DEVICE_POWER_STATE {
  return Enter<FxDevice>(Device, FX_TYPE_DEVICE, "WdfDeviceGetDevicePowerState")?.pnp?.power.state ?? WdfDevStatePowerInvalid;
}

/** `WdfDeviceGetDevicePowerPolicyState` (WdfDevStatePwrPolInvalid for a control device). */
export function WdfDeviceGetDevicePowerPolicyState(Device: WDFDEVICE): WDF_DEVICE_POWER_POLICY_STATE {
  return Enter<FxDevice>(Device, FX_TYPE_DEVICE, "WdfDeviceGetDevicePowerPolicyState")?.pnp?.pwrPol.state ?? WdfDevStatePwrPolInvalid;
}

/** `WdfDeviceInitSetPowerPolicyOwnership`: one device per stack owns power policy (two: WDF_POWER_MULTIPLE_PPO). */
export function WdfDeviceInitSetPowerPolicyOwnership(DeviceInit: PWDFDEVICE_INIT, IsPowerPolicyOwner: boolean): void {
  const init = EnterInit(DeviceInit, "WdfDeviceInitSetPowerPolicyOwnership");
  if (init !== null) init.PowerPolicyOwnership = IsPowerPolicyOwner ? WdfTrue : WdfFalse;
}

/**
 * `WdfDeviceInitSetPowerPageable` / `WdfDeviceInitSetPowerNotPageable`: whether the device object
 * gets DO_POWER_PAGABLE (the default). A device in the paging or hibernation path must not page
 * during power changes; WDF then watches its power callbacks (FxWatchdog: 10 minutes, then
 * WDF_VIOLATION 0x1, WDF_POWER_ROUTINE_TIMED_OUT).
 */
export function WdfDeviceInitSetPowerPageable(DeviceInit: PWDFDEVICE_INIT): void {
  const init = EnterInit(DeviceInit, "WdfDeviceInitSetPowerPageable");
  if (init !== null) init.PowerPageable = true;
}
export function WdfDeviceInitSetPowerNotPageable(DeviceInit: PWDFDEVICE_INIT): void {
  const init = EnterInit(DeviceInit, "WdfDeviceInitSetPowerNotPageable");
  if (init !== null) init.PowerPageable = false;
}
