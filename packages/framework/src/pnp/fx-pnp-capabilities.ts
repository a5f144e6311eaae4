import {
  PNP_DEVICE_DISABLED, PNP_DEVICE_DONT_DISPLAY_IN_UI, PNP_DEVICE_FAILED, PNP_DEVICE_NOT_DISABLEABLE, PNP_DEVICE_REMOVED,
  PNP_DEVICE_RESOURCE_REQUIREMENTS_CHANGED, PowerDeviceMaximum, PowerSystemMaximum, type DEVICE_CAPABILITIES,
} from "@wdfjs/kernel";
import { WdfFalse, WdfTrue, WdfUseDefault, type WDF_TRI_STATE } from "../io/queue-config.js";

/** What WdfDeviceSetPnpCapabilities set (WdfUseDefault: leave the bus driver's answer). */
export interface FxPnpCapabilities {
  LockSupported: WDF_TRI_STATE; EjectSupported: WDF_TRI_STATE; Removable: WDF_TRI_STATE; DockDevice: WDF_TRI_STATE; UniqueID: WDF_TRI_STATE;
  SilentInstall: WDF_TRI_STATE; SurpriseRemovalOK: WDF_TRI_STATE; HardwareDisabled: WDF_TRI_STATE; NoDisplayInUI: WDF_TRI_STATE;
  Address: number; UINumber: number;
}

/** What WdfDeviceSetPowerCapabilities set (PowerDeviceMaximum / PowerSystemMaximum / 0xFFFFFFFF: unchanged). */
export interface FxPowerCapabilities {
  DeviceD1: WDF_TRI_STATE; DeviceD2: WDF_TRI_STATE; WakeFromD0: WDF_TRI_STATE; WakeFromD1: WDF_TRI_STATE; WakeFromD2: WDF_TRI_STATE; WakeFromD3: WDF_TRI_STATE;
  DeviceState: readonly number[]; DeviceWake: number; SystemWake: number; D1Latency: number; D2Latency: number; D3Latency: number;
}

/** What WdfDeviceSetDeviceState set: each a WDF_TRI_STATE. */
export interface FxDeviceState {
  Disabled: WDF_TRI_STATE; DontDisplayInUI: WDF_TRI_STATE; Failed: WDF_TRI_STATE; NotDisableable: WDF_TRI_STATE; Removed: WDF_TRI_STATE; ResourcesChanged: WDF_TRI_STATE;
}

type BoolKeys = "LockSupported" | "EjectSupported" | "Removable" | "DockDevice" | "UniqueID" | "SilentInstall" | "SurpriseRemovalOK" | "HardwareDisabled" | "NoDisplayInUI";
const pnpBools: readonly BoolKeys[] = ["LockSupported", "EjectSupported", "Removable", "DockDevice", "UniqueID", "SilentInstall", "SurpriseRemovalOK", "HardwareDisabled", "NoDisplayInUI"];

function tri(v: WDF_TRI_STATE, current: boolean): boolean {
  return v === WdfTrue ? true : v === WdfFalse ? false : current;
}

/** `FxPkgPnp::HandleQueryCapabilities`: the driver's settings over the capabilities in the IRP. */
export function FxApplyCapabilities(caps: DEVICE_CAPABILITIES, pnp: FxPnpCapabilities | null, power: FxPowerCapabilities | null): void {
  if (pnp !== null) {
    for (const k of pnpBools) caps[k] = tri(pnp[k], caps[k]);
    if (pnp.Address !== 0xffffffff) caps.Address = pnp.Address;
    if (pnp.UINumber !== 0xffffffff) caps.UINumber = pnp.UINumber;
  }
  if (power !== null) {
    caps.DeviceD1 = tri(power.DeviceD1, caps.DeviceD1);
    caps.DeviceD2 = tri(power.DeviceD2, caps.DeviceD2);
    caps.WakeFromD0 = tri(power.WakeFromD0, caps.WakeFromD0);
    caps.WakeFromD1 = tri(power.WakeFromD1, caps.WakeFromD1);
    caps.WakeFromD2 = tri(power.WakeFromD2, caps.WakeFromD2);
    caps.WakeFromD3 = tri(power.WakeFromD3, caps.WakeFromD3);
    for (let i = 0; i < caps.DeviceState.length && i < power.DeviceState.length; i++) if (power.DeviceState[i] !== PowerDeviceMaximum) caps.DeviceState[i] = power.DeviceState[i]!;
    if (power.DeviceWake !== PowerDeviceMaximum) caps.DeviceWake = power.DeviceWake;
    if (power.SystemWake !== PowerSystemMaximum) caps.SystemWake = power.SystemWake;
    if (power.D1Latency !== 0xffffffff) caps.D1Latency = power.D1Latency;
    if (power.D2Latency !== 0xffffffff) caps.D2Latency = power.D2Latency;
    if (power.D3Latency !== 0xffffffff) caps.D3Latency = power.D3Latency;
  }
}

const stateBits: readonly [keyof FxDeviceState, number][] = [
  ["Disabled", PNP_DEVICE_DISABLED], ["DontDisplayInUI", PNP_DEVICE_DONT_DISPLAY_IN_UI], ["Failed", PNP_DEVICE_FAILED],
  ["NotDisableable", PNP_DEVICE_NOT_DISABLEABLE], ["Removed", PNP_DEVICE_REMOVED], ["ResourcesChanged", PNP_DEVICE_RESOURCE_REQUIREMENTS_CHANGED],
];

/** `FxPkgPnp::HandleQueryPnpDeviceState`: the PNP_DEVICE_STATE bits the driver set or cleared, over `current`. */
export function FxApplyDeviceState(current: number, state: FxDeviceState | null): number {
  if (state === null) return current;
  let bits = current;
  for (const [k, bit] of stateBits) {
    if (state[k] === WdfTrue) bits |= bit;
    else if (state[k] === WdfFalse) bits &= ~bit;
  }
  return bits;
}

/** `WdfDeviceGetDeviceState`: the state as the bits say (WdfTrue / WdfFalse each). */
export function FxDeviceStateFromBits(bits: number): FxDeviceState {
  const out = { Disabled: WdfUseDefault, DontDisplayInUI: WdfUseDefault, Failed: WdfUseDefault, NotDisableable: WdfUseDefault, Removed: WdfUseDefault, ResourcesChanged: WdfUseDefault } as FxDeviceState;
  for (const [k, bit] of stateBits) out[k] = (bits & bit) !== 0 ? WdfTrue : WdfFalse;
  return out;
}
