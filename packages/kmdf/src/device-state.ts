import { IoInvalidateDeviceState } from "@wdfjs/kernel";
import {
  FxDeviceStateFromBits, FxPkgFdo, FX_TYPE_DEVICE, type FxDevice, type FxPkgPnp, type PPNP_BUS_INFORMATION, type PWDF_DEVICE_PNP_CAPABILITIES,
  type PWDF_DEVICE_POWER_CAPABILITIES, type PWDF_DEVICE_STATE, type WDFDEVICE,
} from "@wdfjs/framework";
import { Enter } from "./ddi.js";

/** The DDI's PnP package: null for a control device, or when called above DISPATCH_LEVEL. */
function PnpOf(Device: WDFDEVICE, Routine: string): FxPkgPnp | null {
  return Enter<FxDevice>(Device, FX_TYPE_DEVICE, Routine)?.pnp ?? null;
}

/** `WdfDeviceSetPnpCapabilities`: applied to IRP_MN_QUERY_CAPABILITIES (a PDO fills them, an FDO adjusts on the way up). */
export function WdfDeviceSetPnpCapabilities(Device: WDFDEVICE, PnpCapabilities: PWDF_DEVICE_PNP_CAPABILITIES): void {
  const pnp = PnpOf(Device, "WdfDeviceSetPnpCapabilities");
  if (pnp !== null) pnp.pnpCapabilities = { ...PnpCapabilities };
}

/** `WdfDeviceSetPowerCapabilities`: applied to IRP_MN_QUERY_CAPABILITIES like the PnP capabilities. */
export function WdfDeviceSetPowerCapabilities(Device: WDFDEVICE, PowerCapabilities: PWDF_DEVICE_POWER_CAPABILITIES): void {
  const pnp = PnpOf(Device, "WdfDeviceSetPowerCapabilities");
  if (pnp !== null) pnp.powerCapabilities = { ...PowerCapabilities, DeviceState: [...PowerCapabilities.DeviceState] };
}

/** `WdfDeviceSetBusInformationForChildren`: what the FDO's child PDOs answer to IRP_MN_QUERY_BUS_INFORMATION. */
export function WdfDeviceSetBusInformationForChildren(Device: WDFDEVICE, BusInformation: PPNP_BUS_INFORMATION): void {
  const pnp = PnpOf(Device, "WdfDeviceSetBusInformationForChildren");
  if (pnp instanceof FxPkgFdo) pnp.busInformationForChildren = { ...BusInformation };
}

/** `WdfDeviceSetDeviceState`: recorded, and the PnP manager asked to query it (IoInvalidateDeviceState). */
export function WdfDeviceSetDeviceState(Device: WDFDEVICE, DeviceState: PWDF_DEVICE_STATE): void {
  const pnp = PnpOf(Device, "WdfDeviceSetDeviceState");
  if (pnp === null) return;
  pnp.deviceState = { ...DeviceState };
  const pdo = pnp.physicalDevice();
  if (pdo !== null) IoInvalidateDeviceState(pdo);
}

/** `WdfDeviceGetDeviceState`: the state last reported to the PnP manager, each member WdfTrue or WdfFalse. */
export function WdfDeviceGetDeviceState(Device: WDFDEVICE, DeviceState: PWDF_DEVICE_STATE): void {
  const pnp = PnpOf(Device, "WdfDeviceGetDeviceState");
  if (pnp !== null) Object.assign(DeviceState, FxDeviceStateFromBits(pnp.pnpDeviceStateBits));
}
