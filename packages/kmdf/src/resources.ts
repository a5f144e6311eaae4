import { STATUS_INVALID_DEVICE_REQUEST, type CM_PARTIAL_RESOURCE_DESCRIPTOR, type NTSTATUS } from "@wdfjs/kernel";
import { FxVerifierBugCheck, FX_TYPE_CM_RES_LIST, WDF_INSERT_AT_END, WDF_REQUIRED_PARAMETER_IS_NULL, type FxCmResList, type WDFCMRESLIST } from "@wdfjs/framework";
import { Enter } from "./ddi.js";

// wdfresource.h's WDFCMRESLIST functions (fxresourceapi.cpp) over the core's FxCmResList.

function ResList(List: WDFCMRESLIST, Routine: string): FxCmResList | null {
  return Enter<FxCmResList>(List, FX_TYPE_CM_RES_LIST, Routine);
}

function NotNull(Descriptor: CM_PARTIAL_RESOURCE_DESCRIPTOR | null, Routine: string): CM_PARTIAL_RESOURCE_DESCRIPTOR {
  return Descriptor ?? FxVerifierBugCheck(WDF_REQUIRED_PARAMETER_IS_NULL, 0, 0, `${Routine}: Descriptor is NULL.`);
}

/** `WdfCmResourceListGetCount`: the number of descriptors. */
export function WdfCmResourceListGetCount(List: WDFCMRESLIST): number {
  return ResList(List, "WdfCmResourceListGetCount")?.descriptors.length ?? 0;
}

/** `WdfCmResourceListGetDescriptor`: the descriptor at Index, NULL past the end. */
export function WdfCmResourceListGetDescriptor(List: WDFCMRESLIST, Index: number): CM_PARTIAL_RESOURCE_DESCRIPTOR | null {
  return ResList(List, "WdfCmResourceListGetDescriptor")?.getDescriptor(Index) ?? null;
}

/** `WdfCmResourceListInsertDescriptor`: a copy at Index; a list without add access (EvtDevicePrepareHardware's) is STATUS_ACCESS_DENIED. */
export function WdfCmResourceListInsertDescriptor(List: WDFCMRESLIST, Descriptor: CM_PARTIAL_RESOURCE_DESCRIPTOR, Index: number): NTSTATUS {
  const list = ResList(List, "WdfCmResourceListInsertDescriptor");
  return list === null ? STATUS_INVALID_DEVICE_REQUEST : list.addAt(Index, NotNull(Descriptor, "WdfCmResourceListInsertDescriptor"));
}

/** `WdfCmResourceListAppendDescriptor`: InsertDescriptor at WDF_INSERT_AT_END. */
export function WdfCmResourceListAppendDescriptor(List: WDFCMRESLIST, Descriptor: CM_PARTIAL_RESOURCE_DESCRIPTOR): NTSTATUS {
  const list = ResList(List, "WdfCmResourceListAppendDescriptor");
  return list === null ? STATUS_INVALID_DEVICE_REQUEST : list.addAt(WDF_INSERT_AT_END, NotNull(Descriptor, "WdfCmResourceListAppendDescriptor"));
}

/** `WdfCmResourceListRemove`: removes the descriptor at Index (no remove access, or none there: a verifier break). */
export function WdfCmResourceListRemove(List: WDFCMRESLIST, Index: number): void {
  ResList(List, "WdfCmResourceListRemove")?.removeAt(Index);
}

/** `WdfCmResourceListRemoveByDescriptor`: removes the first descriptor equal to Descriptor. */
export function WdfCmResourceListRemoveByDescriptor(List: WDFCMRESLIST, Descriptor: CM_PARTIAL_RESOURCE_DESCRIPTOR): void {
  ResList(List, "WdfCmResourceListRemoveByDescriptor")?.removeByDescriptor(NotNull(Descriptor, "WdfCmResourceListRemoveByDescriptor"));
}
