import { FILE_DEVICE_SECURE_OPEN, STATUS_INVALID_DEVICE_REQUEST, STATUS_INVALID_PARAMETER, STATUS_OBJECT_NAME_NOT_FOUND, STATUS_SUCCESS, type DEVICE_OBJECT, type FILE_OBJECT, type NTSTATUS, PowerActionNone, type POWER_ACTION } from "@wdfjs/kernel";
import {
  FxDeviceFromDeviceObject, FxDeviceIndicateWakeStatus, FxDeviceInterfaceLink, FxDeviceSetCharacteristics, FxDeviceSetInterfaceState, FxDeviceSetFailed, FxDeviceSetStaticStopRemove, FX_TYPE_DEVICE, FX_TYPE_DEVICE_BASE, FX_TYPE_STRING, type FxDevice, type FxString,
  type WDF_DEVICE_FAILED_ACTION, type WDFDEVICE, type WDFDRIVER, type WDFFILEOBJECT, type WDFSTRING,
} from "@wdfjs/framework";
import { Enter, EnterDeviceBase } from "./ddi.js";
import { WdfCheckIrql } from "./irql.js";

/** `WdfWdmDeviceGetWdfDeviceHandle` (km/fxdeviceapikm.cpp): the WDFDEVICE of a framework device object, else NULL. */
export function WdfWdmDeviceGetWdfDeviceHandle(DeviceObject: DEVICE_OBJECT): WDFDEVICE | null {
  WdfCheckIrql("WdfWdmDeviceGetWdfDeviceHandle");
  return (FxDeviceFromDeviceObject(DeviceObject)?.handle ?? null) as WDFDEVICE | null;
}

/** `WdfDeviceGetDriver`: the WDFDRIVER the device belongs to. */
export function WdfDeviceGetDriver(Device: WDFDEVICE): WDFDRIVER | null {
  return (Enter<FxDevice>(Device, FX_TYPE_DEVICE, "WdfDeviceGetDriver")?.driver.handle ?? null) as WDFDRIVER | null;
}

/** `WdfDeviceRetrieveDeviceName` (fxdeviceapi.cpp): the device object's name into the WDFSTRING; an unnamed device is STATUS_INVALID_PARAMETER. */
export function WdfDeviceRetrieveDeviceName(Device: WDFDEVICE, String: WDFSTRING): NTSTATUS {
  const device = Enter<FxDevice>(Device, FX_TYPE_DEVICE, "WdfDeviceRetrieveDeviceName");
  if (device === null) return STATUS_INVALID_DEVICE_REQUEST;
  const string = Enter<FxString>(String, FX_TYPE_STRING, "WdfDeviceRetrieveDeviceName");
  const name = device.DeviceObject?.DeviceName ?? null;
  if (string === null || name === null) return STATUS_INVALID_PARAMETER;
  string.Buffer = name;
  return STATUS_SUCCESS;
}

/** `WdfDeviceSetCharacteristics`: the device object's FILE_* characteristics (FILE_DEVICE_SECURE_OPEN always added). */
export function WdfDeviceSetCharacteristics(Device: WDFDEVICE, DeviceCharacteristics: number): void {
  const device = Enter<FxDevice>(Device, FX_TYPE_DEVICE, "WdfDeviceSetCharacteristics");
  if (device !== null) FxDeviceSetCharacteristics(device, DeviceCharacteristics);
}

/** `WdfDeviceGetCharacteristics`: the device object's characteristics. */
export function WdfDeviceGetCharacteristics(Device: WDFDEVICE): number {
  return Enter<FxDevice>(Device, FX_TYPE_DEVICE, "WdfDeviceGetCharacteristics")?.DeviceObject?.Characteristics ?? FILE_DEVICE_SECURE_OPEN;
}

/** `WdfDeviceGetAlignmentRequirement`: the device object's AlignmentRequirement (FILE_*_ALIGNMENT, a mask). */
export function WdfDeviceGetAlignmentRequirement(Device: WDFDEVICE): number {
  return EnterDeviceBase(Device, "WdfDeviceGetAlignmentRequirement")?.DeviceObject?.AlignmentRequirement ?? 0;
}

/** `WdfDeviceSetAlignmentRequirement`: sets the device object's AlignmentRequirement. */
export function WdfDeviceSetAlignmentRequirement(Device: WDFDEVICE, AlignmentRequirement: number): void {
  const d = EnterDeviceBase(Device, "WdfDeviceSetAlignmentRequirement")?.DeviceObject ?? null;
  if (d !== null) d.AlignmentRequirement = AlignmentRequirement >>> 0;
}

/** `WdfDeviceSetStaticStopRemove`: FALSE makes IRP_MN_QUERY_STOP/QUERY_REMOVE fail (STATUS_INVALID_DEVICE_STATE) until as many TRUE calls. */
export function WdfDeviceSetStaticStopRemove(Device: WDFDEVICE, Stoppable: boolean): void {
  const device = Enter<FxDevice>(Device, FX_TYPE_DEVICE, "WdfDeviceSetStaticStopRemove");
  if (device !== null) FxDeviceSetStaticStopRemove(device, Stoppable);
}

/** `WdfDeviceSetFailed`: reports the device failed (PNP_DEVICE_FAILED through IoInvalidateDeviceState); the PnP manager removes it. */
export function WdfDeviceSetFailed(Device: WDFDEVICE, FailedAction: WDF_DEVICE_FAILED_ACTION): void {
  const device = Enter<FxDevice>(Device, FX_TYPE_DEVICE, "WdfDeviceSetFailed");
  if (device !== null) FxDeviceSetFailed(device, FailedAction);
}

/** `WdfDeviceGetFileObject` (km/fxdeviceapikm.cpp): the WDFFILEOBJECT of a WDM file object opened on the device, else NULL. */
export function WdfDeviceGetFileObject(Device: WDFDEVICE, FileObject: FILE_OBJECT | null): WDFFILEOBJECT | null {
  const device = Enter<FxDevice>(Device, FX_TYPE_DEVICE, "WdfDeviceGetFileObject");
  return (device?.pkgGeneral.getFileObject(FileObject)?.handle ?? null) as WDFFILEOBJECT | null;
}

/** `WdfDeviceSetDeviceInterfaceState`: enables or disables one of the device's interfaces (see the core's `FxDeviceSetInterfaceState`). */
export function WdfDeviceSetDeviceInterfaceState(Device: WDFDEVICE, InterfaceClassGUID: string, ReferenceString: string | null, IsInterfaceEnabled: boolean): void {
  const device = Enter<FxDevice>(Device, FX_TYPE_DEVICE, "WdfDeviceSetDeviceInterfaceState");
  if (device !== null) FxDeviceSetInterfaceState(device, InterfaceClassGUID, ReferenceString, IsInterfaceEnabled);
}

/** `WdfDeviceSetDeviceInterfaceStateEx`: as WdfDeviceSetDeviceInterfaceState, also before the first start (the state it sets then holds). */
export function WdfDeviceSetDeviceInterfaceStateEx(Device: WDFDEVICE, InterfaceClassGUID: string, ReferenceString: string | null, IsInterfaceEnabled: boolean): void {
  const device = Enter<FxDevice>(Device, FX_TYPE_DEVICE, "WdfDeviceSetDeviceInterfaceStateEx");
  if (device !== null) FxDeviceSetInterfaceState(device, InterfaceClassGUID, ReferenceString, IsInterfaceEnabled);
}

/** `WdfDeviceRetrieveDeviceInterfaceString`: the interface's symbolic link; none: STATUS_OBJECT_NAME_NOT_FOUND; a control device: STATUS_INVALID_DEVICE_REQUEST. */
export function WdfDeviceRetrieveDeviceInterfaceString(Device: WDFDEVICE, InterfaceClassGUID: string, ReferenceString: string | null, String: WDFSTRING): NTSTATUS {
  const device = Enter<FxDevice>(Device, FX_TYPE_DEVICE, "WdfDeviceRetrieveDeviceInterfaceString");
  if (device === null || device.pnp === null) return STATUS_INVALID_DEVICE_REQUEST;
  const string = Enter<FxString>(String, FX_TYPE_STRING, "WdfDeviceRetrieveDeviceInterfaceString")!;
  const link = FxDeviceInterfaceLink(device, InterfaceClassGUID, ReferenceString);
  if (link === null) return STATUS_OBJECT_NAME_NOT_FOUND;
  string.Buffer = link;
  return STATUS_SUCCESS;
}

/** `WdfDeviceGetSystemPowerAction`: the POWER_ACTION of the system transition powering the device down, PowerActionNone otherwise. */
export function WdfDeviceGetSystemPowerAction(Device: WDFDEVICE): POWER_ACTION {
  return Enter<FxDevice>(Device, FX_TYPE_DEVICE, "WdfDeviceGetSystemPowerAction")?.pnp?.systemPowerAction ?? PowerActionNone;
}

/** `WdfDeviceIndicateWakeStatus`: a bus driver completes its child PDO's IRP_MN_WAIT_WAKE (the core's `FxDeviceIndicateWakeStatus`). */
export function WdfDeviceIndicateWakeStatus(Device: WDFDEVICE, WaitWakeStatus: NTSTATUS): NTSTATUS {
  const device = Enter<FxDevice>(Device, FX_TYPE_DEVICE, "WdfDeviceIndicateWakeStatus");
  return device === null ? STATUS_INVALID_DEVICE_REQUEST : FxDeviceIndicateWakeStatus(device, WaitWakeStatus);
}
