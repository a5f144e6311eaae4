import { DISPATCH_LEVEL, NT_SUCCESS, PASSIVE_LEVEL, STATUS_INFO_LENGTH_MISMATCH, STATUS_INVALID_DEVICE_REQUEST, STATUS_INVALID_PARAMETER,
  STATUS_SUCCESS, type Box, type NTSTATUS } from "@wdfjs/kernel";
import {
  FxChildListCreate, FxChildListEntryOfPdo, FxObjectHandleGetPtr, FxPkgFdo, FxPkgPdo, FxValidateObjectAttributes, FxVerifierCheckIrqlLevel,
  FX_TYPE_CHILD_LIST, FX_TYPE_DEVICE, FX_VALIDATE_OPTION_PARENT_NOT_ALLOWED, WdfChildListRetrieveDeviceUndefined, type FxChildList, type FxChildListCallbacks, type FxDevice, type PWDF_OBJECT_ATTRIBUTES,
  type WDF_CHILD_ADDRESS_DESCRIPTION_HEADER, type WDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER, type WDF_CHILD_LIST_RETRIEVE_DEVICE_STATUS, type WDFHANDLE,
} from "@wdfjs/framework";
import { FxDeviceInitOf, type PWDFDEVICE_INIT } from "./device-init.js";
import type { WDFDEVICE } from "./device.js";
import { WdfRetrieveAllChildren, type WDF_RETRIEVE_CHILD_FLAGS } from "./pdo.js";

export type WDFCHILDLIST = WDFHANDLE<"WDFCHILDLIST">;
type Id = WDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER;
type Addr = WDF_CHILD_ADDRESS_DESCRIPTION_HEADER;

export type EVT_WDF_CHILD_LIST_CREATE_DEVICE = (ChildList: WDFCHILDLIST, IdentificationDescription: Id, ChildInit: PWDFDEVICE_INIT) => NTSTATUS;
export type EVT_WDF_CHILD_LIST_SCAN_FOR_CHILDREN = (ChildList: WDFCHILDLIST) => void;
export type EVT_WDF_CHILD_LIST_IDENTIFICATION_DESCRIPTION_COPY = (ChildList: WDFCHILDLIST, Source: Id, Destination: Id) => void;
export type EVT_WDF_CHILD_LIST_IDENTIFICATION_DESCRIPTION_DUPLICATE = (ChildList: WDFCHILDLIST, Source: Id, Destination: Id) => NTSTATUS;
export type EVT_WDF_CHILD_LIST_IDENTIFICATION_DESCRIPTION_CLEANUP = (ChildList: WDFCHILDLIST, IdentificationDescription: Id) => void;
export type EVT_WDF_CHILD_LIST_IDENTIFICATION_DESCRIPTION_COMPARE = (ChildList: WDFCHILDLIST, First: Id, Second: Id) => boolean;
export type EVT_WDF_CHILD_LIST_ADDRESS_DESCRIPTION_COPY = (ChildList: WDFCHILDLIST, Source: Addr, Destination: Addr) => void;
export type EVT_WDF_CHILD_LIST_ADDRESS_DESCRIPTION_DUPLICATE = (ChildList: WDFCHILDLIST, Source: Addr, Destination: Addr) => NTSTATUS;
export type EVT_WDF_CHILD_LIST_ADDRESS_DESCRIPTION_CLEANUP = (ChildList: WDFCHILDLIST, AddressDescription: Addr) => void;
export type EVT_WDF_CHILD_LIST_DEVICE_REENUMERATED = (ChildList: WDFCHILDLIST, OldDevice: WDFDEVICE, OldAddress: Addr | null, NewAddress: Addr | null) => boolean;

/** `WDF_CHILD_LIST_CONFIG` (wdfchildlist.h). */
export class WDF_CHILD_LIST_CONFIG {
  Size = 0;
  IdentificationDescriptionSize = 0;
  AddressDescriptionSize = 0;
  EvtChildListCreateDevice: EVT_WDF_CHILD_LIST_CREATE_DEVICE | null = null;
  EvtChildListScanForChildren: EVT_WDF_CHILD_LIST_SCAN_FOR_CHILDREN | null = null;
  EvtChildListIdentificationDescriptionCopy: EVT_WDF_CHILD_LIST_IDENTIFICATION_DESCRIPTION_COPY | null = null;
  EvtChildListIdentificationDescriptionDuplicate: EVT_WDF_CHILD_LIST_IDENTIFICATION_DESCRIPTION_DUPLICATE | null = null;
  EvtChildListIdentificationDescriptionCleanup: EVT_WDF_CHILD_LIST_IDENTIFICATION_DESCRIPTION_CLEANUP | null = null;
  EvtChildListIdentificationDescriptionCompare: EVT_WDF_CHILD_LIST_IDENTIFICATION_DESCRIPTION_COMPARE | null = null;
  EvtChildListAddressDescriptionCopy: EVT_WDF_CHILD_LIST_ADDRESS_DESCRIPTION_COPY | null = null;
  EvtChildListAddressDescriptionDuplicate: EVT_WDF_CHILD_LIST_ADDRESS_DESCRIPTION_DUPLICATE | null = null;
  EvtChildListAddressDescriptionCleanup: EVT_WDF_CHILD_LIST_ADDRESS_DESCRIPTION_CLEANUP | null = null;
  EvtChildListDeviceReenumerated: EVT_WDF_CHILD_LIST_DEVICE_REENUMERATED | null = null;
}
export type PWDF_CHILD_LIST_CONFIG = WDF_CHILD_LIST_CONFIG;
/** sizeof(WDF_CHILD_LIST_CONFIG) on x64. */
const WDF_CHILD_LIST_CONFIG_SIZE = 88;

/** `WDF_CHILD_LIST_CONFIG_INIT`: zeroed, with the identification description size and EvtChildListCreateDevice. */
export function WDF_CHILD_LIST_CONFIG_INIT(Config: WDF_CHILD_LIST_CONFIG, IdentificationDescriptionSize: number, EvtChildListCreateDevice: EVT_WDF_CHILD_LIST_CREATE_DEVICE): void {
  Object.assign(Config, new WDF_CHILD_LIST_CONFIG());
  Config.Size = WDF_CHILD_LIST_CONFIG_SIZE;
  Config.IdentificationDescriptionSize = IdentificationDescriptionSize;
  Config.EvtChildListCreateDevice = EvtChildListCreateDevice;
}

/** `WDF_CHILD_LIST_ITERATOR`: the flags, and the framework's place in the list (Reserved). */
export class WDF_CHILD_LIST_ITERATOR {
  Size = 0;
  Flags: WDF_RETRIEVE_CHILD_FLAGS = 0;
  readonly Reserved: unknown[] = [null, null, null, null];
}
export type PWDF_CHILD_LIST_ITERATOR = WDF_CHILD_LIST_ITERATOR;
const WDF_CHILD_LIST_ITERATOR_SIZE = 40;

/** `WDF_CHILD_LIST_ITERATOR_INIT`. */
export function WDF_CHILD_LIST_ITERATOR_INIT(Iterator: WDF_CHILD_LIST_ITERATOR, Flags: WDF_RETRIEVE_CHILD_FLAGS): void {
  Iterator.Size = WDF_CHILD_LIST_ITERATOR_SIZE;
  Iterator.Flags = Flags;
  Iterator.Reserved.fill(null);
}

/** `WDF_CHILD_RETRIEVE_INFO`: which child (by description), what came back, and an optional compare for the search. */
export class WDF_CHILD_RETRIEVE_INFO {
  Size = 0;
  IdentificationDescription: Id | null = null;
  AddressDescription: Addr | null = null;
  Status: WDF_CHILD_LIST_RETRIEVE_DEVICE_STATUS = WdfChildListRetrieveDeviceUndefined;
  EvtChildListIdentificationDescriptionCompare: EVT_WDF_CHILD_LIST_IDENTIFICATION_DESCRIPTION_COMPARE | null = null;
}
export type PWDF_CHILD_RETRIEVE_INFO = WDF_CHILD_RETRIEVE_INFO;
const WDF_CHILD_RETRIEVE_INFO_SIZE = 40;

/** `WDF_CHILD_RETRIEVE_INFO_INIT`. */
export function WDF_CHILD_RETRIEVE_INFO_INIT(Info: WDF_CHILD_RETRIEVE_INFO, IdentificationDescription: Id | null): void {
  Object.assign(Info, new WDF_CHILD_RETRIEVE_INFO());
  Info.Size = WDF_CHILD_RETRIEVE_INFO_SIZE;
  Info.IdentificationDescription = IdentificationDescription;
}

const listOf = (ChildList: WDFCHILDLIST): FxChildList => FxObjectHandleGetPtr(ChildList, FX_TYPE_CHILD_LIST) as FxChildList;
const deviceOf = (Device: WDFDEVICE): FxDevice => FxObjectHandleGetPtr(Device, FX_TYPE_DEVICE) as FxDevice;
const irqlOk = (Routine: string, Level: number): boolean => NT_SUCCESS(FxVerifierCheckIrqlLevel(Routine, Level));

/** `FxChildList::_ValidateConfig`: Size, a non-zero identification size, EvtChildListCreateDevice. */
function callbacksOf(Config: WDF_CHILD_LIST_CONFIG | null): FxChildListCallbacks | NTSTATUS {
  if (Config === null || typeof Config !== "object") return STATUS_INVALID_PARAMETER;
  if (Config.Size !== WDF_CHILD_LIST_CONFIG_SIZE) return STATUS_INFO_LENGTH_MISMATCH;
  if (!(Config.IdentificationDescriptionSize > 0) || Config.EvtChildListCreateDevice === null) return STATUS_INVALID_PARAMETER;
  return {
    IdentificationDescriptionSize: Config.IdentificationDescriptionSize,
    AddressDescriptionSize: Config.AddressDescriptionSize,
    CreateDevice: Config.EvtChildListCreateDevice,
    ScanForChildren: Config.EvtChildListScanForChildren,
    IdentificationDescriptionCopy: Config.EvtChildListIdentificationDescriptionCopy,
    IdentificationDescriptionDuplicate: Config.EvtChildListIdentificationDescriptionDuplicate,
    IdentificationDescriptionCleanup: Config.EvtChildListIdentificationDescriptionCleanup,
    IdentificationDescriptionCompare: Config.EvtChildListIdentificationDescriptionCompare,
    AddressDescriptionCopy: Config.EvtChildListAddressDescriptionCopy,
    AddressDescriptionDuplicate: Config.EvtChildListAddressDescriptionDuplicate,
    AddressDescriptionCleanup: Config.EvtChildListAddressDescriptionCleanup,
    DeviceReenumerated: Config.EvtChildListDeviceReenumerated,
  };
}

/**
 * `WdfFdoInitSetDefaultChildListConfig`: WdfDeviceCreate will give the FDO a default child list
 * with this configuration (fxdeviceinitapi.cpp: an invalid one is ignored with a verifier break).
 */
export function WdfFdoInitSetDefaultChildListConfig(DeviceInit: PWDFDEVICE_INIT, Config: PWDF_CHILD_LIST_CONFIG, DefaultChildListAttributes: PWDF_OBJECT_ATTRIBUTES): void {
  const init = FxDeviceInitOf(DeviceInit);
  if (!irqlOk("WdfFdoInitSetDefaultChildListConfig", PASSIVE_LEVEL)) return;
  const callbacks = callbacksOf(Config);
  if (typeof callbacks === "number" || !NT_SUCCESS(FxValidateObjectAttributes(DefaultChildListAttributes, FX_VALIDATE_OPTION_PARENT_NOT_ALLOWED))) return;
  init.DefaultChildListConfig = callbacks;
  init.DefaultChildListAttributes = DefaultChildListAttributes;
}


/** `WdfFdoGetDefaultChildList`: the list WdfFdoInitSetDefaultChildListConfig asked for, or NULL. */
export function WdfFdoGetDefaultChildList(Fdo: WDFDEVICE): WDFCHILDLIST | null {
  const device = deviceOf(Fdo);
  if (!irqlOk("WdfFdoGetDefaultChildList", DISPATCH_LEVEL)) return null;
  const list = device.pnp instanceof FxPkgFdo ? (device.pnp.defaultChildList as FxChildList | null) : null;
  return list === null ? null : (list.handle as WDFCHILDLIST);
}

/** `WdfChildListCreate`: another child list of an FDO (its parent the device; none may be given). */
export function WdfChildListCreate(Device: WDFDEVICE, Config: PWDF_CHILD_LIST_CONFIG, ChildListAttributes: PWDF_OBJECT_ATTRIBUTES, ChildList: Box<WDFCHILDLIST | null>): NTSTATUS {
  const device = deviceOf(Device);
  let status = FxVerifierCheckIrqlLevel("WdfChildListCreate", PASSIVE_LEVEL);
  if (!NT_SUCCESS(status)) return status;
  ChildList.value = null;
  status = FxValidateObjectAttributes(ChildListAttributes, FX_VALIDATE_OPTION_PARENT_NOT_ALLOWED);
  if (!NT_SUCCESS(status)) return status;
  const callbacks = callbacksOf(Config);
  if (typeof callbacks === "number") return callbacks;
  const list = FxChildListCreate(device, callbacks, ChildListAttributes);
  if (typeof list === "number") return list;
  ChildList.value = list.handle as WDFCHILDLIST;
  return STATUS_SUCCESS;
}

/** `WdfChildListGetDevice`: the FDO the list belongs to. */
export function WdfChildListGetDevice(ChildList: WDFCHILDLIST): WDFDEVICE | null {
  const list = listOf(ChildList);
  return irqlOk("WdfChildListGetDevice", DISPATCH_LEVEL) ? (list.device.handle as WDFDEVICE) : null;
}

/**
 * `WdfChildListAddOrUpdateChildDescriptionAsPresent`: the child is on the bus. A new one gets a
 * PDO at the next bus relations; one already there is STATUS_OBJECT_NAME_EXISTS (its address
 * description updated). The address description must be given exactly when the list has them.
 */
export function WdfChildListAddOrUpdateChildDescriptionAsPresent(ChildList: WDFCHILDLIST, IdentificationDescription: Id, AddressDescription: Addr | null): NTSTATUS {
  const list = listOf(ChildList);
  const status = FxVerifierCheckIrqlLevel("WdfChildListAddOrUpdateChildDescriptionAsPresent", DISPATCH_LEVEL);
  if (!NT_SUCCESS(status)) return status;
  return list.addChecked(IdentificationDescription, AddressDescription);
}

/** `WdfChildListUpdateChildDescriptionAsMissing`: the child left; one the list does not know is STATUS_NO_SUCH_DEVICE. */
export function WdfChildListUpdateChildDescriptionAsMissing(ChildList: WDFCHILDLIST, IdentificationDescription: Id): NTSTATUS {
  const list = listOf(ChildList);
  const status = FxVerifierCheckIrqlLevel("WdfChildListUpdateChildDescriptionAsMissing", DISPATCH_LEVEL);
  if (!NT_SUCCESS(status)) return status;
  return list.updateAsMissingChecked(IdentificationDescription);
}

/** `WdfChildListUpdateAllChildDescriptionsAsPresent`: in a scan, every known child counts as found again. */
export function WdfChildListUpdateAllChildDescriptionsAsPresent(ChildList: WDFCHILDLIST): void {
  const list = listOf(ChildList);
  if (irqlOk("WdfChildListUpdateAllChildDescriptionsAsPresent", DISPATCH_LEVEL)) list.updateAllAsPresent();
}

/** `WdfChildListBeginScan`: the driver re-reports its children; those not reported by EndScan are missing. */
export function WdfChildListBeginScan(ChildList: WDFCHILDLIST): void {
  const list = listOf(ChildList);
  if (irqlOk("WdfChildListBeginScan", DISPATCH_LEVEL)) list.beginScan();
}

/** `WdfChildListEndScan`: children not added since BeginScan are missing; the PnP manager is told. */
export function WdfChildListEndScan(ChildList: WDFCHILDLIST): void {
  const list = listOf(ChildList);
  if (irqlOk("WdfChildListEndScan", DISPATCH_LEVEL)) list.endScan();
}

/** A well-formed iterator (fxchildlistapi.cpp: Size and Flags checked). */
function iteratorOk(Iterator: WDF_CHILD_LIST_ITERATOR): boolean {
  return Iterator !== null && Iterator.Size === WDF_CHILD_LIST_ITERATOR_SIZE && (Iterator.Flags & WdfRetrieveAllChildren) !== 0 && (Iterator.Flags & ~WdfRetrieveAllChildren) === 0;
}

/** `WdfChildListBeginIteration`: changes to the list are reported to the PnP manager only after EndIteration. */
export function WdfChildListBeginIteration(ChildList: WDFCHILDLIST, Iterator: PWDF_CHILD_LIST_ITERATOR): void {
  const list = listOf(ChildList);
  if (!irqlOk("WdfChildListBeginIteration", DISPATCH_LEVEL) || !iteratorOk(Iterator)) return;
  Iterator.Reserved.fill(null);
  list.beginIteration();
}

/**
 * `WdfChildListRetrieveNextDevice`: the next child the iterator's flags select, its PDO (NULL while
 * not yet created) and, in Info, its descriptions and status; STATUS_NO_MORE_ENTRIES at the end.
 */
export function WdfChildListRetrieveNextDevice(ChildList: WDFCHILDLIST, Iterator: PWDF_CHILD_LIST_ITERATOR, Device: Box<WDFDEVICE | null>, Info: PWDF_CHILD_RETRIEVE_INFO | null): NTSTATUS {
  const list = listOf(ChildList);
  const status = FxVerifierCheckIrqlLevel("WdfChildListRetrieveNextDevice", DISPATCH_LEVEL);
  if (!NT_SUCCESS(status)) return status;
  if (Iterator === null || Iterator.Size !== WDF_CHILD_LIST_ITERATOR_SIZE) return STATUS_INFO_LENGTH_MISMATCH;
  if (!iteratorOk(Iterator)) return STATUS_INVALID_PARAMETER;
  if (Info !== null && Info.Size !== WDF_CHILD_RETRIEVE_INFO_SIZE) return STATUS_INFO_LENGTH_MISMATCH;
  Device.value = null;
  const r = list.retrieveNext(Iterator.Reserved, Iterator.Flags, Info?.IdentificationDescription ?? null, Info?.AddressDescription ?? null);
  Device.value = r.pdo === null ? null : (r.pdo.handle as WDFDEVICE);
  if (Info !== null && r.status === STATUS_SUCCESS) Info.Status = r.info;
  return r.status;
}

/** `WdfChildListEndIteration`: the last one reports the changes made meanwhile. */
export function WdfChildListEndIteration(ChildList: WDFCHILDLIST, Iterator: PWDF_CHILD_LIST_ITERATOR): void {
  const list = listOf(ChildList);
  if (!irqlOk("WdfChildListEndIteration", DISPATCH_LEVEL) || !iteratorOk(Iterator)) return;
  Iterator.Reserved.fill(null);
  list.endIteration();
}

/**
 * `WdfChildListRetrievePdo`: the PDO of the child Info's description names (found with Info's
 * compare callback, else the list's); Info.Status says Success, NotYetCreated or NoSuchDevice.
 */
export function WdfChildListRetrievePdo(ChildList: WDFCHILDLIST, RetrieveInfo: PWDF_CHILD_RETRIEVE_INFO): WDFDEVICE | null {
  const list = listOf(ChildList);
  if (!irqlOk("WdfChildListRetrievePdo", DISPATCH_LEVEL)) return null;
  if (RetrieveInfo === null || RetrieveInfo.Size !== WDF_CHILD_RETRIEVE_INFO_SIZE || !list.idOk(RetrieveInfo.IdentificationDescription)) return null;
  const r = list.retrievePdo(RetrieveInfo.IdentificationDescription, RetrieveInfo.AddressDescription, RetrieveInfo.EvtChildListIdentificationDescriptionCompare as never);
  RetrieveInfo.Status = r.info;
  return r.pdo === null ? null : (r.pdo.handle as WDFDEVICE);
}

/** `WdfChildListRetrieveAddressDescription`: the child's current address description (STATUS_NO_SUCH_DEVICE if unknown). */
export function WdfChildListRetrieveAddressDescription(ChildList: WDFCHILDLIST, IdentificationDescription: Id, AddressDescription: Addr): NTSTATUS {
  const list = listOf(ChildList);
  const status = FxVerifierCheckIrqlLevel("WdfChildListRetrieveAddressDescription", DISPATCH_LEVEL);
  if (!NT_SUCCESS(status)) return status;
  return list.retrieveAddress(IdentificationDescription, AddressDescription);
}

/** `WdfChildListRequestChildEject`: asks the PnP manager to eject the child's PDO; FALSE if it has none. */
export function WdfChildListRequestChildEject(ChildList: WDFCHILDLIST, IdentificationDescription: Id): boolean {
  const list = listOf(ChildList);
  if (!irqlOk("WdfChildListRequestChildEject", DISPATCH_LEVEL) || !list.idOk(IdentificationDescription)) return false;
  return list.requestEject(IdentificationDescription);
}

/** `WdfPdoRetrieveIdentificationDescription`: a dynamic child's description (static PDO: STATUS_INVALID_DEVICE_REQUEST). */
export function WdfPdoRetrieveIdentificationDescription(Device: WDFDEVICE, IdentificationDescription: Id): NTSTATUS {
  const device = deviceOf(Device);
  const status = FxVerifierCheckIrqlLevel("WdfPdoRetrieveIdentificationDescription", DISPATCH_LEVEL);
  if (!NT_SUCCESS(status)) return status;
  const e = FxChildListEntryOfPdo(device);
  if (e === null || !e.list.idOk(IdentificationDescription)) return STATUS_INVALID_DEVICE_REQUEST;
  e.list.copyId(IdentificationDescription, e);
  return STATUS_SUCCESS;
}

/** `WdfPdoRetrieveAddressDescription`: a dynamic child's address description. */
export function WdfPdoRetrieveAddressDescription(Device: WDFDEVICE, AddressDescription: Addr): NTSTATUS {
  const device = deviceOf(Device);
  const status = FxVerifierCheckIrqlLevel("WdfPdoRetrieveAddressDescription", DISPATCH_LEVEL);
  if (!NT_SUCCESS(status)) return status;
  const e = FxChildListEntryOfPdo(device);
  if (e === null || AddressDescription === null || !e.list.hasAddressDescriptions || !e.list.addressOk(AddressDescription)) return STATUS_INVALID_DEVICE_REQUEST;
  e.list.copyAddress(AddressDescription, e);
  return STATUS_SUCCESS;
}

/** `WdfPdoGetParent`: the bus FDO a PDO (static or dynamic) belongs to. */
export function WdfPdoGetParent(Device: WDFDEVICE): WDFDEVICE | null {
  const device = deviceOf(Device);
  if (!irqlOk("WdfPdoGetParent", DISPATCH_LEVEL) || !(device.pnp instanceof FxPkgPdo)) return null;
  return device.pnp.pdo.Parent.handle as WDFDEVICE;
}

export {
  WDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER, WDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER_INIT, WDF_CHILD_ADDRESS_DESCRIPTION_HEADER,
  WDF_CHILD_ADDRESS_DESCRIPTION_HEADER_INIT, WdfChildListRetrieveDeviceUndefined, WdfChildListRetrieveDeviceSuccess,
  WdfChildListRetrieveDeviceNotYetCreated, WdfChildListRetrieveDeviceNoSuchDevice,
  type PWDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER, type PWDF_CHILD_ADDRESS_DESCRIPTION_HEADER, type WDF_CHILD_LIST_RETRIEVE_DEVICE_STATUS,
} from "@wdfjs/framework";
