import { DISPATCH_LEVEL, NT_SUCCESS, Out, PagedPool, PASSIVE_LEVEL, STATUS_INVALID_PARAMETER, STATUS_SUCCESS, type Box, type NTSTATUS, type POOL_TYPE } from "@wdfjs/kernel";
import {
  FxLookasideList, FxObjectCommit, FxObjectHandleGetPtr, FxObjectTableOf, FxValidateObjectAttributes, FxVerifierCheckIrqlLevel, FX_TYPE_DEVICE, FX_TYPE_LOOKASIDE,
  FX_TYPE_OBJECT, type FxDriver, type FxMemoryBufferFromLookaside, type FxObject, type PWDF_OBJECT_ATTRIBUTES, type WDFHANDLE,
} from "@wdfjs/framework";
import type { WDFMEMORY } from "./memory.js";

export type WDFLOOKASIDE = WDFHANDLE<"WDFLOOKASIDE">;

/** `FxDeviceBase::_SearchForDevice`: the device the attributes' parent belongs to, if any. */
function DeviceAncestor(Attributes: PWDF_OBJECT_ATTRIBUTES): FxObject | null {
  if (Attributes === null || Attributes.ParentObject === null) return null;
  for (let o: FxObject | null = FxObjectHandleGetPtr(Attributes.ParentObject, FX_TYPE_OBJECT); o !== null; o = o.parent) {
    if (o.type === FX_TYPE_DEVICE) return o;
  }
  return null;
}

/**
 * `WdfLookasideListCreate` (fxlookasidelistapi.cpp): a WDFLOOKASIDE of BufferSize blocks (zero:
 * STATUS_INVALID_PARAMETER) from the pool type, with the tag (0: the driver's), whose memory
 * objects get MemoryAttributes. Parented to the driver unless LookasideAttributes names a parent.
 * A paged list is created at PASSIVE_LEVEL, and its two sets of attributes may not name parents
 * under different devices (STATUS_INVALID_PARAMETER).
 */
export function WdfLookasideListCreate(LookasideAttributes: PWDF_OBJECT_ATTRIBUTES, BufferSize: number, PoolType: POOL_TYPE, MemoryAttributes: PWDF_OBJECT_ATTRIBUTES,
  PoolTag: number, Lookaside: Box<WDFLOOKASIDE | null>): NTSTATUS {
  Lookaside.value = null;
  if (!Number.isInteger(BufferSize) || BufferSize <= 0) return STATUS_INVALID_PARAMETER;
  let status = FxValidateObjectAttributes(LookasideAttributes);
  if (!NT_SUCCESS(status)) return status;
  status = FxValidateObjectAttributes(MemoryAttributes);
  if (!NT_SUCCESS(status)) return status;
  const paged = (PoolType & 1) === PagedPool;
  status = FxVerifierCheckIrqlLevel("WdfLookasideListCreate", paged ? PASSIVE_LEVEL : DISPATCH_LEVEL);
  if (!NT_SUCCESS(status)) return status;
  if (paged) {
    const a = DeviceAncestor(LookasideAttributes);
    const b = DeviceAncestor(MemoryAttributes);
    if (a !== null && b !== null && a !== b) return STATUS_INVALID_PARAMETER;
  }
  const driver = FxObjectTableOf().driver as FxDriver | null;
  const tag = PoolTag !== 0 ? PoolTag : (driver?.Tag ?? 0);
  const lookaside = new FxLookasideList(BufferSize, PoolType, tag, MemoryAttributes);
  status = FxObjectCommit(lookaside, LookasideAttributes);
  if (!NT_SUCCESS(status)) {
    lookaside.contexts.length = 0;
    lookaside.deleteObject();
    return status;
  }
  Lookaside.value = lookaside.handle as WDFLOOKASIDE;
  return STATUS_SUCCESS;
}

/**
 * `WdfMemoryCreateFromLookaside`: a WDFMEMORY whose buffer is a block of the list; deleting it
 * (or its parent) gives the block back to the list.
 */
export function WdfMemoryCreateFromLookaside(Lookaside: WDFLOOKASIDE, Memory: Box<WDFMEMORY | null>): NTSTATUS {
  const lookaside = FxObjectHandleGetPtr(Lookaside, FX_TYPE_LOOKASIDE) as FxLookasideList;
  Memory.value = null;
  let status = FxVerifierCheckIrqlLevel("WdfMemoryCreateFromLookaside", DISPATCH_LEVEL);
  if (!NT_SUCCESS(status)) return status;
  const memory = Out<FxMemoryBufferFromLookaside | null>(null);
  status = lookaside.allocate(memory);
  if (NT_SUCCESS(status)) Memory.value = memory.value!.handle as WDFMEMORY;
  return status;
}
