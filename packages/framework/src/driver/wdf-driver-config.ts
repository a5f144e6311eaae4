import type { NTSTATUS } from "@wdfjs/kernel";
import type { PWDFDEVICE_INIT, WDFDRIVER } from "../object/handles.js";

/** `EVT_WDF_DRIVER_DEVICE_ADD` / `EVT_WDF_DRIVER_UNLOAD` (PASSIVE_LEVEL). */
export type EVT_WDF_DRIVER_DEVICE_ADD = (Driver: WDFDRIVER, DeviceInit: PWDFDEVICE_INIT) => NTSTATUS;
export type EVT_WDF_DRIVER_UNLOAD = (Driver: WDFDRIVER) => void;
export type PFN_WDF_DRIVER_DEVICE_ADD = EVT_WDF_DRIVER_DEVICE_ADD | null;
export type PFN_WDF_DRIVER_UNLOAD = EVT_WDF_DRIVER_UNLOAD | null;

/** `WDF_DRIVER_INIT_FLAGS` (wdfdriver.h). */
export const WdfDriverInitNonPnpDriver = 0x1;
export const WdfDriverInitNoDispatchOverride = 0x2;
export const WdfVerifyOn = 0x4;
export const WdfVerifierOn = 0x8;
export const WdfDriverInitCompanion = 0x10;

/** sizeof(WDF_DRIVER_CONFIG) on x64. */
export const WDF_DRIVER_CONFIG_SIZE = 32;

/** `WDF_DRIVER_CONFIG`: all zeros until `WDF_DRIVER_CONFIG_INIT`. */
export class WDF_DRIVER_CONFIG {
  Size = 0;
  EvtDriverDeviceAdd: PFN_WDF_DRIVER_DEVICE_ADD = null;
  EvtDriverUnload: PFN_WDF_DRIVER_UNLOAD = null;
  DriverInitFlags = 0;
  DriverPoolTag = 0;
}
export type PWDF_DRIVER_CONFIG = WDF_DRIVER_CONFIG;

/** `WDF_DRIVER_CONFIG_INIT`: zeroes, sets Size and the add-device callback. */
export function WDF_DRIVER_CONFIG_INIT(Config: WDF_DRIVER_CONFIG, EvtDriverDeviceAdd: PFN_WDF_DRIVER_DEVICE_ADD): void {
  Config.Size = WDF_DRIVER_CONFIG_SIZE;
  Config.EvtDriverDeviceAdd = EvtDriverDeviceAdd;
  Config.EvtDriverUnload = null;
  Config.DriverInitFlags = 0;
  Config.DriverPoolTag = 0;
}
