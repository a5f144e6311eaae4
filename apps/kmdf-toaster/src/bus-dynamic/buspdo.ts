/**
 * buspdo.c of WDK general/toaster/toastDrv/kmdf/bus/dynamic: the child descriptions' callbacks and
 * the PDO the framework asks for at the bus relations (IDs, device text, PnP and power
 * capabilities, and the GUID_TOASTER_INTERFACE_STANDARD query interface). Shared with the static
 * bus, which creates the same PDO from WdfPdoInitAllocate.
 */
import { NT_SUCCESS, Out, PowerDeviceD1, PowerDeviceD2, PowerDeviceD3, PowerSystemHibernate, PowerSystemShutdown, PowerSystemSleeping1,
  PowerSystemSleeping2, PowerSystemSleeping3, PowerSystemWorking, STATUS_INSUFFICIENT_RESOURCES, STATUS_SUCCESS, FILE_DEVICE_BUS_EXTENDER,
  type Box, type NTSTATUS } from "@wdfjs/kernel";
import {
  WDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER, WDF_DECLARE_CONTEXT_TYPE_WITH_NAME, WDF_DEVICE_PNP_CAPABILITIES, WDF_DEVICE_PNP_CAPABILITIES_INIT,
  WDF_DEVICE_POWER_CAPABILITIES, WDF_DEVICE_POWER_CAPABILITIES_INIT, WDF_OBJECT_ATTRIBUTES, WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE, WDF_QUERY_INTERFACE_CONFIG,
  WDF_QUERY_INTERFACE_CONFIG_INIT, WdfChildListGetDevice, WdfDeviceAddQueryInterface, WdfDeviceCreate, WdfDeviceInitSetDeviceType,
  WdfDeviceInterfaceDereferenceNoOp, WdfDeviceInterfaceReferenceNoOp, WdfDeviceSetPnpCapabilities, WdfDeviceSetPowerCapabilities, WdfPdoInitAddCompatibleID,
  WdfPdoInitAddDeviceText, WdfPdoInitAddHardwareID, WdfPdoInitAssignDeviceID, WdfPdoInitAssignInstanceID, WdfPdoInitSetDefaultLocale, WdfTrue,
  type PWDFDEVICE_INIT, type WDFCHILDLIST, type WDFDEVICE,
} from "@wdfjs/kmdf";
import { BUSENUM_COMPATIBLE_ID } from "@wdfjs/sample-wdm-toaster";
import { GUID_TOASTER_INTERFACE_STANDARD, TOASTER_INTERFACE_STANDARD, TOASTER_INTERFACE_STANDARD_SIZE } from "../bus-interface.js";

/**
 * busenum.h PDO_IDENTIFICATION_DESCRIPTION: the header, the serial number and the hardware IDs
 * (a MULTI_SZ of CchHardwareIds characters). `&description.Header` in C is the object here.
 */
export class PDO_IDENTIFICATION_DESCRIPTION extends WDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER {
  SerialNo = 0;
  CchHardwareIds = 0;
  HardwareIds: string | null = null;
}
/** sizeof(PDO_IDENTIFICATION_DESCRIPTION) on x64: header, SerialNo, size_t, a pointer. */
export const PDO_IDENTIFICATION_DESCRIPTION_SIZE = 24;

/** busenum.h PDO_DEVICE_DATA: the child's context. */
export class PDO_DEVICE_DATA {
  SerialNo = 0;
}
export const PdoGetData = WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(PDO_DEVICE_DATA, "PdoGetData");

/** Bus_EvtChildListIdentificationDescriptionDuplicate: the framework's copy gets its own hardware-ID buffer. */
export function Bus_EvtChildListIdentificationDescriptionDuplicate(
  _DeviceList: WDFCHILDLIST, SourceIdentificationDescription: WDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER,
  DestinationIdentificationDescription: WDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER,
): NTSTATUS {
  const src = SourceIdentificationDescription as PDO_IDENTIFICATION_DESCRIPTION;
  const dst = DestinationIdentificationDescription as PDO_IDENTIFICATION_DESCRIPTION;
  dst.SerialNo = src.SerialNo;
  dst.CchHardwareIds = src.CchHardwareIds;
  if (src.HardwareIds === null) return STATUS_INSUFFICIENT_RESOURCES;
  // ExAllocatePool2 + RtlCopyMemory of CchHardwareIds characters.
  dst.HardwareIds = src.HardwareIds.slice(0, dst.CchHardwareIds);
  return STATUS_SUCCESS;
}

/** Bus_EvtChildListIdentificationDescriptionCompare: two descriptions are the same child if their serials match. */
export function Bus_EvtChildListIdentificationDescriptionCompare(
  _DeviceList: WDFCHILDLIST, FirstIdentificationDescription: WDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER,
  SecondIdentificationDescription: WDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER,
): boolean {
  const lhs = FirstIdentificationDescription as PDO_IDENTIFICATION_DESCRIPTION;
  const rhs = SecondIdentificationDescription as PDO_IDENTIFICATION_DESCRIPTION;
  return lhs.SerialNo === rhs.SerialNo;
}

/** Bus_EvtChildListIdentificationDescriptionCleanup: the hardware-ID buffer Duplicate allocated is freed. */
export function Bus_EvtChildListIdentificationDescriptionCleanup(_DeviceList: WDFCHILDLIST, IdentificationDescription: WDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER): void {
  const pDesc = IdentificationDescription as PDO_IDENTIFICATION_DESCRIPTION;
  pDesc.HardwareIds = null;
}

/** Bus_EvtDeviceListCreatePdo: the framework wants a PDO for a new description. */
export function Bus_EvtDeviceListCreatePdo(
  DeviceList: WDFCHILDLIST, IdentificationDescription: WDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER, ChildInit: PWDFDEVICE_INIT,
): NTSTATUS {
  const pDesc = IdentificationDescription as PDO_IDENTIFICATION_DESCRIPTION;
  return Bus_CreatePdo(WdfChildListGetDevice(DeviceList)!, ChildInit, pDesc.HardwareIds!, pDesc.SerialNo, Out<WDFDEVICE | null>(null));
}

/** The first string of a MULTI_SZ (RtlInitUnicodeString stops at the first NUL). */
function firstString(MultiSz: string): string {
  const nul = MultiSz.indexOf("\0");
  return nul < 0 ? MultiSz : MultiSz.slice(0, nul);
}

/**
 * Bus_CreatePdo: the child's IDs (device and hardware ID from the plug-in request, the toaster
 * compatible ID, instance "%02d"), its text, capabilities and the toaster query interface.
 * `Child` returns the new PDO (the static bus adds it as a static child).
 */
export function Bus_CreatePdo(_Device: WDFDEVICE, DeviceInit: PWDFDEVICE_INIT, HardwareIds: string, SerialNo: number, Child: Box<WDFDEVICE | null>): NTSTATUS {
  WdfDeviceInitSetDeviceType(DeviceInit, FILE_DEVICE_BUS_EXTENDER);
  const deviceId = firstString(HardwareIds);
  let status = WdfPdoInitAssignDeviceID(DeviceInit, deviceId);
  if (!NT_SUCCESS(status)) return status;
  status = WdfPdoInitAddHardwareID(DeviceInit, deviceId);
  if (!NT_SUCCESS(status)) return status;
  status = WdfPdoInitAddCompatibleID(DeviceInit, BUSENUM_COMPATIBLE_ID);
  if (!NT_SUCCESS(status)) return status;
  const serial = SerialNo.toString().padStart(2, "0");
  status = WdfPdoInitAssignInstanceID(DeviceInit, serial);
  if (!NT_SUCCESS(status)) return status;
  status = WdfPdoInitAddDeviceText(DeviceInit, `Microsoft_Eliyas_Toaster_${serial}`, "Toaster Bus 0", 0x409);
  if (!NT_SUCCESS(status)) return status;
  WdfPdoInitSetDefaultLocale(DeviceInit, 0x409);
  const pdoAttributes = new WDF_OBJECT_ATTRIBUTES();
  WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(pdoAttributes, PDO_DEVICE_DATA);
  const hChild = Out<WDFDEVICE | null>(null);
  status = WdfDeviceCreate(Out(DeviceInit), pdoAttributes, hChild);
  if (!NT_SUCCESS(status)) return status;
  Child.value = hChild.value;
  PdoGetData(hChild.value!)!.SerialNo = SerialNo;

  const pnpCaps = new WDF_DEVICE_PNP_CAPABILITIES();
  WDF_DEVICE_PNP_CAPABILITIES_INIT(pnpCaps);
  pnpCaps.Removable = WdfTrue;
  pnpCaps.EjectSupported = WdfTrue;
  pnpCaps.SurpriseRemovalOK = WdfTrue;
  pnpCaps.Address = SerialNo;
  pnpCaps.UINumber = SerialNo;
  WdfDeviceSetPnpCapabilities(hChild.value!, pnpCaps);

  const powerCaps = new WDF_DEVICE_POWER_CAPABILITIES();
  WDF_DEVICE_POWER_CAPABILITIES_INIT(powerCaps);
  powerCaps.DeviceD1 = WdfTrue;
  powerCaps.WakeFromD1 = WdfTrue;
  powerCaps.DeviceWake = PowerDeviceD1;
  powerCaps.DeviceState[PowerSystemWorking] = PowerDeviceD1;
  powerCaps.DeviceState[PowerSystemSleeping1] = PowerDeviceD1;
  powerCaps.DeviceState[PowerSystemSleeping2] = PowerDeviceD2;
  powerCaps.DeviceState[PowerSystemSleeping3] = PowerDeviceD2;
  powerCaps.DeviceState[PowerSystemHibernate] = PowerDeviceD3;
  powerCaps.DeviceState[PowerSystemShutdown] = PowerDeviceD3;
  WdfDeviceSetPowerCapabilities(hChild.value!, powerCaps);

  const ToasterInterface = new TOASTER_INTERFACE_STANDARD();
  ToasterInterface.Size = TOASTER_INTERFACE_STANDARD_SIZE;
  ToasterInterface.Version = 1;
  ToasterInterface.Context = hChild.value;
  // The framework does not count references to the interface: the PDO outlives its users.
  ToasterInterface.InterfaceReference = WdfDeviceInterfaceReferenceNoOp;
  ToasterInterface.InterfaceDereference = WdfDeviceInterfaceDereferenceNoOp;
  ToasterInterface.GetCrispinessLevel = Bus_GetCrispinessLevel;
  ToasterInterface.SetCrispinessLevel = Bus_SetCrispinessLevel;
  ToasterInterface.IsSafetyLockEnabled = Bus_IsSafetyLockEnabled;
  const qiConfig = new WDF_QUERY_INTERFACE_CONFIG();
  WDF_QUERY_INTERFACE_CONFIG_INIT(qiConfig, ToasterInterface, GUID_TOASTER_INTERFACE_STANDARD, null);
  return WdfDeviceAddQueryInterface(hChild.value!, qiConfig);
}

/** Bus_GetCrispinessLevel: the toaster's crispiness (always 10 in the sample). */
export function Bus_GetCrispinessLevel(_ChildDevice: WDFDEVICE, Level: Box<number>): boolean {
  Level.value = 10;
  return true;
}

/** Bus_SetCrispinessLevel: accepted, not kept. */
export function Bus_SetCrispinessLevel(_ChildDevice: WDFDEVICE, _Level: number): boolean {
  return true;
}

/** Bus_IsSafetyLockEnabled: always. */
export function Bus_IsSafetyLockEnabled(_ChildDevice: WDFDEVICE): boolean {
  return true;
}
