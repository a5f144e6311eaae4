/**
 * power.c of the featured KMDF toaster: D0 entry and exit, and the power-policy owner's wake
 * callbacks (arm, disarm, triggered; from S0 and from Sx). The toaster has no hardware to
 * program, so each prints what it was told, as the sample's WppPrintDevice lines do.
 */
import { STATUS_SUCCESS, type NTSTATUS } from "@wdfjs/kernel";
import {
  WdfPowerDeviceD0, WdfPowerDeviceD1, WdfPowerDeviceD2, WdfPowerDeviceD3, WdfPowerDeviceD3Final, WdfPowerDeviceInvalid, WdfPowerDevicePrepareForHibernation,
  type WDF_POWER_DEVICE_STATE, type WDFDEVICE,
} from "@wdfjs/kmdf";
import { WppPrintDevice } from "./func-featured-data.js";

/** ToasterEvtDeviceD0Entry: the device enters D0 (start, or back from idle or sleep), told the state it left. */
export function ToasterEvtDeviceD0Entry(Device: WDFDEVICE, RecentPowerState: WDF_POWER_DEVICE_STATE): NTSTATUS {
  WppPrintDevice(Device, `ToasterEvtDeviceD0Entry - coming from ${DbgDevicePowerString(RecentPowerState)}`);
  return STATUS_SUCCESS;
}

/** ToasterEvtDeviceD0Exit: the device leaves D0 for the state the policy owner chose (D3Final on removal). */
export function ToasterEvtDeviceD0Exit(Device: WDFDEVICE, PowerState: WDF_POWER_DEVICE_STATE): NTSTATUS {
  WppPrintDevice(Device, `ToasterEvtDeviceD0Exit ${DbgDevicePowerString(PowerState)}`);
  return STATUS_SUCCESS;
}

/** ToasterEvtDeviceArmWakeFromS0: before an idle power-down armed for wake; a failure keeps the device in D0. */
export function ToasterEvtDeviceArmWakeFromS0(Device: WDFDEVICE): NTSTATUS {
  WppPrintDevice(Device, "--> ToasterEvtDeviceArmWakeFromS0");
  WppPrintDevice(Device, "<-- ToasterEvtDeviceArmWakeFromS0");
  return STATUS_SUCCESS;
}

/** ToasterEvtDeviceArmWakeFromSx: before the system sleeps with the device armed to wake it. */
export function ToasterEvtDeviceArmWakeFromSx(Device: WDFDEVICE): NTSTATUS {
  WppPrintDevice(Device, "--> ToasterEvtDeviceArmWakeFromSx");
  WppPrintDevice(Device, "<-- ToasterEvtDeviceArmWakeFromSx");
  return STATUS_SUCCESS;
}

/** ToasterEvtDeviceDisarmWakeFromS0: undoes ArmWakeFromS0, back in D0. */
export function ToasterEvtDeviceDisarmWakeFromS0(Device: WDFDEVICE): void {
  WppPrintDevice(Device, "--> ToasterEvtDeviceDisarmWakeFromS0");
  WppPrintDevice(Device, "<-- ToasterEvtDeviceDisarmWakeFromS0");
}

/** ToasterEvtDeviceDisarmWakeFromSx: undoes ArmWakeFromSx, back in D0 after the system woke. */
export function ToasterEvtDeviceDisarmWakeFromSx(Device: WDFDEVICE): void {
  WppPrintDevice(Device, "--> ToasterEvtDeviceDisarmWakeFromSx");
  WppPrintDevice(Device, "<-- ToasterEvtDeviceDisarmWakeFromSx");
}

/** ToasterEvtDeviceWakeFromS0Triggered: the device's own wake signal ended an idle D3. */
export function ToasterEvtDeviceWakeFromS0Triggered(Device: WDFDEVICE): void {
  WppPrintDevice(Device, "--> ToasterEvtDeviceWakeFromS0Triggered");
  WppPrintDevice(Device, "<-- ToasterEvtDeviceWakeFromS0Triggered");
}

/** ToasterEvtDeviceWakeFromSxTriggered: the device's wake signal woke the system. */
export function ToasterEvtDeviceWakeFromSxTriggered(Device: WDFDEVICE): void {
  WppPrintDevice(Device, "--> ToasterEvtDeviceWakeFromSxTriggered");
  WppPrintDevice(Device, "<-- ToasterEvtDeviceWakeFromSxTriggered");
}

/** DbgDevicePowerString: a WDF_POWER_DEVICE_STATE's name, for the log. */
export function DbgDevicePowerString(Type: WDF_POWER_DEVICE_STATE): string {
  switch (Type) {
    case WdfPowerDeviceInvalid: return "WdfPowerDeviceInvalid";
    case WdfPowerDeviceD0: return "WdfPowerDeviceD0";
    case WdfPowerDeviceD1: return "WdfPowerDeviceD1";
    case WdfPowerDeviceD2: return "WdfPowerDeviceD2";
    case WdfPowerDeviceD3: return "WdfPowerDeviceD3";
    case WdfPowerDeviceD3Final: return "WdfPowerDeviceD3Final";
    case WdfPowerDevicePrepareForHibernation: return "WdfPowerDevicePrepareForHibernation";
    default: return "UnKnown Device Power State";
  }
}
