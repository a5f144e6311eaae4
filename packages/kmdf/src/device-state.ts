import { DISPATCH_LEVEL, IoInvalidateDeviceState, NT_SUCCESS, PowerDeviceMaximum, PowerSystemMaximum } from "@wdfjs/kernel";
import {
  FxDeviceStateFromBits, FxObjectHandleGetPtr, FxPkgFdo, FxVerifierCheckIrqlLevel, FX_TYPE_DEVICE, WdfUseDefault, type FxDevice, type WDF_TRI_STATE,
} from "@wdfjs/framework";
import type { WDFDEVICE } from "./device.js";

const deviceOf = (Device: WDFDEVICE): FxDevice => FxObjectHandleGetPtr(Device, FX_TYPE_DEVICE) as FxDevice;

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

/** `WdfDeviceSetPnpCapabilities`: applied to IRP_MN_QUERY_CAPABILITIES (a PDO fills them, an FDO adjusts on the way up). */
export function WdfDeviceSetPnpCapabilities(Device: WDFDEVICE, PnpCapabilities: PWDF_DEVICE_PNP_CAPABILITIES): void {
  const device = deviceOf(Device);
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfDeviceSetPnpCapabilities", DISPATCH_LEVEL)) || device.pnp === null) return;
  device.pnp.pnpCapabilities = { ...PnpCapabilities };
}

/** `WdfDeviceSetPowerCapabilities`: applied to IRP_MN_QUERY_CAPABILITIES like the PnP capabilities. */
export function WdfDeviceSetPowerCapabilities(Device: WDFDEVICE, PowerCapabilities: PWDF_DEVICE_POWER_CAPABILITIES): void {
  const device = deviceOf(Device);
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfDeviceSetPowerCapabilities", DISPATCH_LEVEL)) || device.pnp === null) return;
  device.pnp.powerCapabilities = { ...PowerCapabilities, DeviceState: [...PowerCapabilities.DeviceState] };
}

/** `WdfDeviceSetBusInformationForChildren`: what the FDO's child PDOs answer to IRP_MN_QUERY_BUS_INFORMATION. */
export function WdfDeviceSetBusInformationForChildren(Device: WDFDEVICE, BusInformation: PPNP_BUS_INFORMATION): void {
  const device = deviceOf(Device);
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfDeviceSetBusInformationForChildren", DISPATCH_LEVEL))) return;
  if (device.pnp instanceof FxPkgFdo) device.pnp.busInformationForChildren = { ...BusInformation };
}

/** `WdfDeviceSetDeviceState`: recorded, and the PnP manager asked to query it (IoInvalidateDeviceState). */
export function WdfDeviceSetDeviceState(Device: WDFDEVICE, DeviceState: PWDF_DEVICE_STATE): void {
  const device = deviceOf(Device);
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfDeviceSetDeviceState", DISPATCH_LEVEL)) || device.pnp === null) return;
  device.pnp.deviceState = { ...DeviceState };
  const pdo = device.pnp.physicalDevice();
  if (pdo !== null) IoInvalidateDeviceState(pdo);
}

/** `WdfDeviceGetDeviceState`: the state last reported to the PnP manager, each member WdfTrue or WdfFalse. */
export function WdfDeviceGetDeviceState(Device: WDFDEVICE, DeviceState: PWDF_DEVICE_STATE): void {
  const device = deviceOf(Device);
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfDeviceGetDeviceState", DISPATCH_LEVEL)) || device.pnp === null) return;
  Object.assign(DeviceState, FxDeviceStateFromBits(device.pnp.pnpDeviceStateBits));
}
