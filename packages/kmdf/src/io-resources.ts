import { STATUS_INVALID_DEVICE_REQUEST, type Box, type IO_RESOURCE_DESCRIPTOR, type NTSTATUS } from "@wdfjs/kernel";
import {
  FxObjectHandleGetPtr, FxVerifierBugCheck, FX_TYPE_IO_RES_LIST, FX_TYPE_IO_RES_REQ_LIST, WDF_INSERT_AT_END, WDF_REQUIRED_PARAMETER_IS_NULL,
  type FxIoResList, type FxIoResReqList, type PWDF_OBJECT_ATTRIBUTES, type WDFIORESLIST, type WDFIORESREQLIST,
} from "@wdfjs/framework";
import { Created, Enter } from "./ddi.js";

// wdfresource.h's WDFIORESREQLIST and WDFIORESLIST functions (fxresourceapi.cpp) over the core's lists.

const Req = (List: WDFIORESREQLIST, Routine: string) => Enter<FxIoResReqList>(List, FX_TYPE_IO_RES_REQ_LIST, Routine);
const Res = (List: WDFIORESLIST, Routine: string) => Enter<FxIoResList>(List, FX_TYPE_IO_RES_LIST, Routine);

function NotNull<T>(Value: T | null, Routine: string): T {
  return Value ?? FxVerifierBugCheck(WDF_REQUIRED_PARAMETER_IS_NULL, 0, 0, `${Routine}: a required parameter is NULL.`);
}

/** `WdfIoResourceRequirementsListSetSlotNumber`. */
export function WdfIoResourceRequirementsListSetSlotNumber(RequirementsList: WDFIORESREQLIST, SlotNumber: number): void {
  Req(RequirementsList, "WdfIoResourceRequirementsListSetSlotNumber")?.setSlotNumber(SlotNumber);
}

/** `WdfIoResourceRequirementsListSetInterfaceType`. */
export function WdfIoResourceRequirementsListSetInterfaceType(RequirementsList: WDFIORESREQLIST, InterfaceType: number): void {
  Req(RequirementsList, "WdfIoResourceRequirementsListSetInterfaceType")?.setInterfaceType(InterfaceType);
}

function InsertIoResList(RequirementsList: WDFIORESREQLIST, IoResList: WDFIORESLIST, Index: number, Routine: string): NTSTATUS {
  const req = Req(RequirementsList, Routine);
  const list = FxObjectHandleGetPtr(IoResList, FX_TYPE_IO_RES_LIST) as FxIoResList;
  return req === null ? STATUS_INVALID_DEVICE_REQUEST : req.insertAt(Index, list);
}

/** `WdfIoResourceRequirementsListAppendIoResList`: only a list WdfIoResourceListCreate made for this one (else STATUS_INVALID_DEVICE_REQUEST). */
export function WdfIoResourceRequirementsListAppendIoResList(RequirementsList: WDFIORESREQLIST, IoResList: WDFIORESLIST): NTSTATUS {
  return InsertIoResList(RequirementsList, IoResList, WDF_INSERT_AT_END, "WdfIoResourceRequirementsListAppendIoResList");
}

/** `WdfIoResourceRequirementsListInsertIoResList`: past the end is STATUS_ARRAY_BOUNDS_EXCEEDED. */
export function WdfIoResourceRequirementsListInsertIoResList(RequirementsList: WDFIORESREQLIST, IoResList: WDFIORESLIST, Index: number): NTSTATUS {
  return InsertIoResList(RequirementsList, IoResList, Index, "WdfIoResourceRequirementsListInsertIoResList");
}

/** `WdfIoResourceRequirementsListGetCount`: the number of alternative lists. */
export function WdfIoResourceRequirementsListGetCount(RequirementsList: WDFIORESREQLIST): number {
  return Req(RequirementsList, "WdfIoResourceRequirementsListGetCount")?.lists.length ?? 0;
}

/** `WdfIoResourceRequirementsListGetIoResList`: NULL past the end. */
export function WdfIoResourceRequirementsListGetIoResList(RequirementsList: WDFIORESREQLIST, Index: number): WDFIORESLIST | null {
  return (Req(RequirementsList, "WdfIoResourceRequirementsListGetIoResList")?.getList(Index)?.handle ?? null) as WDFIORESLIST | null;
}

/** `WdfIoResourceRequirementsListRemove`: the list at Index is removed and deleted (none there: a verifier break). */
export function WdfIoResourceRequirementsListRemove(RequirementsList: WDFIORESREQLIST, Index: number): void {
  Req(RequirementsList, "WdfIoResourceRequirementsListRemove")?.removeAt(Index);
}

/** `WdfIoResourceRequirementsListRemoveByIoResList`. */
export function WdfIoResourceRequirementsListRemoveByIoResList(RequirementsList: WDFIORESREQLIST, IoResList: WDFIORESLIST): void {
  const req = Req(RequirementsList, "WdfIoResourceRequirementsListRemoveByIoResList");
  req?.removeList(FxObjectHandleGetPtr(IoResList, FX_TYPE_IO_RES_LIST) as FxIoResList);
}

/** `WdfIoResourceListCreate`: an empty WDFIORESLIST, child of the requirements list, to append or insert there. */
export function WdfIoResourceListCreate(RequirementsList: WDFIORESREQLIST, Attributes: PWDF_OBJECT_ATTRIBUTES, ResourceList: Box<WDFIORESLIST | null>): NTSTATUS {
  const req = Req(RequirementsList, "WdfIoResourceListCreate");
  NotNull(ResourceList, "WdfIoResourceListCreate").value = null;
  return req === null ? STATUS_INVALID_DEVICE_REQUEST : Created(req.createList(Attributes), ResourceList);
}

/** `WdfIoResourceListInsertDescriptor`: a copy at Index; no add access is STATUS_ACCESS_DENIED, past the end STATUS_ARRAY_BOUNDS_EXCEEDED. */
export function WdfIoResourceListInsertDescriptor(ResourceList: WDFIORESLIST, Descriptor: IO_RESOURCE_DESCRIPTOR, Index: number): NTSTATUS {
  const list = Res(ResourceList, "WdfIoResourceListInsertDescriptor");
  const d = NotNull(Descriptor, "WdfIoResourceListInsertDescriptor");
  return list === null ? STATUS_INVALID_DEVICE_REQUEST : list.insertAt(Index, d);
}

/** `WdfIoResourceListAppendDescriptor`: InsertDescriptor at WDF_INSERT_AT_END. */
export function WdfIoResourceListAppendDescriptor(ResourceList: WDFIORESLIST, Descriptor: IO_RESOURCE_DESCRIPTOR): NTSTATUS {
  const list = Res(ResourceList, "WdfIoResourceListAppendDescriptor");
  const d = NotNull(Descriptor, "WdfIoResourceListAppendDescriptor");
  return list === null ? STATUS_INVALID_DEVICE_REQUEST : list.insertAt(WDF_INSERT_AT_END, d);
}

/** `WdfIoResourceListUpdateDescriptor`: the descriptor at Index replaced by a copy (none there: a verifier break). */
export function WdfIoResourceListUpdateDescriptor(ResourceList: WDFIORESLIST, Descriptor: IO_RESOURCE_DESCRIPTOR, Index: number): void {
  const list = Res(ResourceList, "WdfIoResourceListUpdateDescriptor");
  list?.update(Index, NotNull(Descriptor, "WdfIoResourceListUpdateDescriptor"));
}

/** `WdfIoResourceListGetCount`: the number of descriptors. */
export function WdfIoResourceListGetCount(ResourceList: WDFIORESLIST): number {
  return Res(ResourceList, "WdfIoResourceListGetCount")?.descriptors.length ?? 0;
}

/** `WdfIoResourceListGetDescriptor`: a copy of the descriptor at Index (changing it changes nothing), NULL past the end. */
export function WdfIoResourceListGetDescriptor(ResourceList: WDFIORESLIST, Index: number): IO_RESOURCE_DESCRIPTOR | null {
  return Res(ResourceList, "WdfIoResourceListGetDescriptor")?.getDescriptor(Index) ?? null;
}

/** `WdfIoResourceListRemove`: the descriptor at Index goes (none there, or no remove access: a verifier break). */
export function WdfIoResourceListRemove(ResourceList: WDFIORESLIST, Index: number): void {
  Res(ResourceList, "WdfIoResourceListRemove")?.removeAt(Index);
}

/** `WdfIoResourceListRemoveByDescriptor`: the first descriptor equal in every field goes. */
export function WdfIoResourceListRemoveByDescriptor(ResourceList: WDFIORESLIST, Descriptor: IO_RESOURCE_DESCRIPTOR): void {
  const list = Res(ResourceList, "WdfIoResourceListRemoveByDescriptor");
  list?.removeByDescriptor(NotNull(Descriptor, "WdfIoResourceListRemoveByDescriptor"));
}
