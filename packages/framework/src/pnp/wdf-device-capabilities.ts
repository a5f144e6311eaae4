import { PowerDeviceMaximum, PowerSystemMaximum } from "@wdfjs/kernel";
import { WdfUseDefault, type WDF_TRI_STATE } from "../io/queue-config.js";

/** `PNP_BUS_INFORMATION` (wdm.h), as a driver fills it for WdfDeviceSetBusInformationForChildren. */
export class PNP_BUS_INFORMATION {
  BusTypeGuid = "{00000000-0000-0000-0000-000000000000}";
  LegacyBusType = 0;
  BusNumber = 0;
}
export type PPNP_BUS_INFORMATION = PNP_BUS_INFORMATION;

/** `WDF_DEVICE_PNP_CAPABILITIES` (wdfdevice.h): WdfUseDefault leaves the bus driver's answer. */
export class WDF_DEVICE_PNP_CAPABILITIES {
  Size = 0;
  LockSupported: WDF_TRI_STATE = 0; EjectSupported: WDF_TRI_STATE = 0; Removable: WDF_TRI_STATE = 0; DockDevice: WDF_TRI_STATE = 0; UniqueID: WDF_TRI_STATE = 0;
  SilentInstall: WDF_TRI_STATE = 0; SurpriseRemovalOK: WDF_TRI_STATE = 0; HardwareDisabled: WDF_TRI_STATE = 0; NoDisplayInUI: WDF_TRI_STATE = 0;
  Address = 0;
  UINumber = 0;
}
export type PWDF_DEVICE_PNP_CAPABILITIES = WDF_DEVICE_PNP_CAPABILITIES;

/** `WDF_DEVICE_PNP_CAPABILITIES_INIT`: every member WdfUseDefault, Address and UINumber (ULONG)-1. */
export function WDF_DEVICE_PNP_CAPABILITIES_INIT(Caps: WDF_DEVICE_PNP_CAPABILITIES): void {
  Object.assign(Caps, {
    Size: 48, LockSupported: WdfUseDefault, EjectSupported: WdfUseDefault, Removable: WdfUseDefault, DockDevice: WdfUseDefault, UniqueID: WdfUseDefault,
    SilentInstall: WdfUseDefault, SurpriseRemovalOK: WdfUseDefault, HardwareDisabled: WdfUseDefault, NoDisplayInUI: WdfUseDefault, Address: 0xffffffff, UINumber: 0xffffffff,
  });
}

/** `WDF_DEVICE_POWER_CAPABILITIES` (wdfdevice.h). */
export class WDF_DEVICE_POWER_CAPABILITIES {
  Size = 0;
  DeviceD1: WDF_TRI_STATE = 0; DeviceD2: WDF_TRI_STATE = 0;
  WakeFromD0: WDF_TRI_STATE = 0; WakeFromD1: WDF_TRI_STATE = 0; WakeFromD2: WDF_TRI_STATE = 0; WakeFromD3: WDF_TRI_STATE = 0;
  readonly DeviceState: number[] = [0, 0, 0, 0, 0, 0, 0];
  DeviceWake = 0;
  SystemWake = 0;
  D1Latency = 0;
  D2Latency = 0;
  D3Latency = 0;
  IdealDxStateForSx = 0;
}
export type PWDF_DEVICE_POWER_CAPABILITIES = WDF_DEVICE_POWER_CAPABILITIES;

/** `WDF_DEVICE_POWER_CAPABILITIES_INIT`: tri-states WdfUseDefault, states PowerDeviceMaximum / PowerSystemMaximum, latencies (ULONG)-1. */
export function WDF_DEVICE_POWER_CAPABILITIES_INIT(Caps: WDF_DEVICE_POWER_CAPABILITIES): void {
  Object.assign(Caps, {
    Size: 88, DeviceD1: WdfUseDefault, DeviceD2: WdfUseDefault, WakeFromD0: WdfUseDefault, WakeFromD1: WdfUseDefault, WakeFromD2: WdfUseDefault,
    WakeFromD3: WdfUseDefault, DeviceWake: PowerDeviceMaximum, SystemWake: PowerSystemMaximum, D1Latency: 0xffffffff, D2Latency: 0xffffffff,
    D3Latency: 0xffffffff, IdealDxStateForSx: PowerDeviceMaximum,
  });
  Caps.DeviceState.fill(PowerDeviceMaximum);
}

/** `WDF_DEVICE_STATE` (wdfdevice.h): what IRP_MN_QUERY_PNP_DEVICE_STATE reports. */
export class WDF_DEVICE_STATE {
  Size = 0;
  Disabled: WDF_TRI_STATE = 0; DontDisplayInUI: WDF_TRI_STATE = 0; Failed: WDF_TRI_STATE = 0; NotDisableable: WDF_TRI_STATE = 0;
  Removed: WDF_TRI_STATE = 0; ResourcesChanged: WDF_TRI_STATE = 0;
}
export type PWDF_DEVICE_STATE = WDF_DEVICE_STATE;

/** `WDF_DEVICE_STATE_INIT`: every member WdfUseDefault. */
export function WDF_DEVICE_STATE_INIT(PnpDeviceState: WDF_DEVICE_STATE): void {
  Object.assign(PnpDeviceState, {
    Size: 28, Disabled: WdfUseDefault, DontDisplayInUI: WdfUseDefault, Failed: WdfUseDefault, NotDisableable: WdfUseDefault, Removed: WdfUseDefault,
    ResourcesChanged: WdfUseDefault,
  });
}
