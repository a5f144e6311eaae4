import { DISPATCH_LEVEL, NT_SUCCESS, Out, PagedPool, PASSIVE_LEVEL, type Box, type NTSTATUS, type POOL_TYPE } from "@wdfjs/kernel";
import {
  FxLookasideList, FxObjectHandleGetPtr, FxVerifierCheckIrqlLevel, FX_TYPE_LOOKASIDE, type FxMemoryBufferFromLookaside, type PWDF_OBJECT_ATTRIBUTES,
  type WDFHANDLE,
} from "@wdfjs/framework";
import type { WDFMEMORY } from "./memory.js";

export type WDFLOOKASIDE = WDFHANDLE<"WDFLOOKASIDE">;

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
  const status = FxVerifierCheckIrqlLevel("WdfLookasideListCreate", (PoolType & 1) === PagedPool ? PASSIVE_LEVEL : DISPATCH_LEVEL);
  if (!NT_SUCCESS(status)) return status;
  const lookaside = Out<FxLookasideList | null>(null);
  const created = FxLookasideList.create(LookasideAttributes, BufferSize, PoolType, MemoryAttributes, PoolTag, lookaside);
  if (NT_SUCCESS(created)) Lookaside.value = lookaside.value!.handle as WDFLOOKASIDE;
  return created;
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
