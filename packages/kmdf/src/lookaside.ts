import { DISPATCH_LEVEL, NT_SUCCESS, Out, PagedPool, PASSIVE_LEVEL, STATUS_INVALID_DEVICE_REQUEST, type Box, type NTSTATUS, type POOL_TYPE } from "@wdfjs/kernel";
import {
  FxLookasideList, FxObjectHandleGetPtr, FxVerifierCheckIrqlLevel, FX_TYPE_LOOKASIDE, type FxMemoryBufferFromLookaside, type PWDF_OBJECT_ATTRIBUTES,
  type WDFLOOKASIDE, type WDFMEMORY,
} from "@wdfjs/framework";
import { Created } from "./ddi.js";
import { WdfCheckIrql } from "./irql.js";

// Also exported here, where it was defined before the core took it (wdftypes.h).
export type { WDFLOOKASIDE } from "@wdfjs/framework";

/**
 * `WdfLookasideListCreate` (fxlookasidelistapi.cpp): the core's `FxLookasideList.create`; a paged
 * list at PASSIVE_LEVEL, a nonpaged one at DISPATCH_LEVEL and below.
 */
export function WdfLookasideListCreate(LookasideAttributes: PWDF_OBJECT_ATTRIBUTES, BufferSize: number, PoolType: POOL_TYPE, MemoryAttributes: PWDF_OBJECT_ATTRIBUTES,
  PoolTag: number, Lookaside: Box<WDFLOOKASIDE | null>): NTSTATUS {
  Lookaside.value = null;
  const status = FxVerifierCheckIrqlLevel("WdfLookasideListCreate", (PoolType & 1) === PagedPool ? PASSIVE_LEVEL : DISPATCH_LEVEL);
  if (!NT_SUCCESS(status)) return status;
  const lookaside = Out<FxLookasideList | null>(null);
  const created = FxLookasideList.create(LookasideAttributes, BufferSize, PoolType, MemoryAttributes, PoolTag, lookaside);
  return NT_SUCCESS(created) ? Created(lookaside.value!, Lookaside) : created;
}

/** `WdfMemoryCreateFromLookaside`: a WDFMEMORY over a block of the list; deleting it gives the block back. */
export function WdfMemoryCreateFromLookaside(Lookaside: WDFLOOKASIDE, Memory: Box<WDFMEMORY | null>): NTSTATUS {
  const lookaside = FxObjectHandleGetPtr(Lookaside, FX_TYPE_LOOKASIDE) as FxLookasideList;
  Memory.value = null;
  if (!NT_SUCCESS(WdfCheckIrql("WdfMemoryCreateFromLookaside"))) return STATUS_INVALID_DEVICE_REQUEST;
  const memory = Out<FxMemoryBufferFromLookaside | null>(null);
  const status = lookaside.allocate(memory);
  return NT_SUCCESS(status) ? Created(memory.value!, Memory) : status;
}
