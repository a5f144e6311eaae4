import { APC_LEVEL, DISPATCH_LEVEL, NT_SUCCESS, PagedPool, STATUS_INVALID_DEVICE_REQUEST, type Box, type NTSTATUS, type POOL_TYPE } from "@wdfjs/kernel";
import {
  FxMemoryAssignBuffer, FxMemoryCopyFromBuffer, FxMemoryCopyToBuffer, FxMemoryCreate, FxMemoryCreatePreallocated, FxObjectHandleGetPtr, FxVerifierCheckIrqlLevel,
  FX_TYPE_MEMORY_PREALLOCATED, IFX_TYPE_MEMORY, type FxMemoryBufferPreallocated, type FxMemoryObject, type PWDF_OBJECT_ATTRIBUTES, type WDFMEMORY,
} from "@wdfjs/framework";
import { Created, Enter } from "./ddi.js";
import { WdfCheckIrql } from "./irql.js";

// Also exported here, where it was defined before the core took it (wdftypes.h).
export type { WDFMEMORY } from "@wdfjs/framework";

/** `WdfMemoryCreate`: the core's `FxMemoryCreate`; paged pool at APC_LEVEL and below, nonpaged at DISPATCH_LEVEL and below. */
export function WdfMemoryCreate(Attributes: PWDF_OBJECT_ATTRIBUTES, PoolType: POOL_TYPE, PoolTag: number, BufferSize: number, Memory: Box<WDFMEMORY | null>, Buffer: Box<number> | null): NTSTATUS {
  Memory.value = null;
  if (Buffer !== null) Buffer.value = 0;
  const status = FxVerifierCheckIrqlLevel("WdfMemoryCreate", (PoolType & 1) === PagedPool ? APC_LEVEL : DISPATCH_LEVEL);
  if (!NT_SUCCESS(status)) return status;
  const memory = FxMemoryCreate(Attributes, PoolType, PoolTag, BufferSize);
  if (Buffer !== null && typeof memory !== "number") Buffer.value = memory.Buffer;
  return Created(memory, Memory);
}

/** `WdfMemoryCreatePreallocated`: the core's `FxMemoryCreatePreallocated` over the driver's buffer. */
export function WdfMemoryCreatePreallocated(Attributes: PWDF_OBJECT_ATTRIBUTES, Buffer: number, BufferSize: number, Memory: Box<WDFMEMORY | null>): NTSTATUS {
  Memory.value = null;
  const status = WdfCheckIrql("WdfMemoryCreatePreallocated");
  return NT_SUCCESS(status) ? Created(FxMemoryCreatePreallocated(Attributes, Buffer, BufferSize), Memory) : status;
}

/** `WdfMemoryAssignBuffer`: only a preallocated WDFMEMORY takes a new buffer. */
export function WdfMemoryAssignBuffer(Memory: WDFMEMORY, Buffer: number, BufferSize: number): NTSTATUS {
  const memory = Enter<FxMemoryBufferPreallocated>(Memory, FX_TYPE_MEMORY_PREALLOCATED, "WdfMemoryAssignBuffer");
  return memory === null ? STATUS_INVALID_DEVICE_REQUEST : FxMemoryAssignBuffer(memory, Buffer, BufferSize);
}

/** `WdfMemoryGetBuffer`: the buffer's address, and its size (above DISPATCH_LEVEL traced, still returned). */
export function WdfMemoryGetBuffer(Memory: WDFMEMORY, BufferSize: Box<number> | null): number {
  const memory = FxObjectHandleGetPtr(Memory, IFX_TYPE_MEMORY) as FxMemoryObject;
  WdfCheckIrql("WdfMemoryGetBuffer");
  if (BufferSize !== null) BufferSize.value = memory.BufferSize;
  return memory.Buffer;
}

/** `WdfMemoryCopyToBuffer`: the core's `FxMemoryCopyToBuffer`. */
export function WdfMemoryCopyToBuffer(SourceMemory: WDFMEMORY, SourceOffset: number, Buffer: number, NumBytesToCopyTo: number): NTSTATUS {
  const memory = Enter<FxMemoryObject>(SourceMemory, IFX_TYPE_MEMORY, "WdfMemoryCopyToBuffer");
  return memory === null ? STATUS_INVALID_DEVICE_REQUEST : FxMemoryCopyToBuffer(memory, SourceOffset, Buffer, NumBytesToCopyTo);
}

/** `WdfMemoryCopyFromBuffer`: the core's `FxMemoryCopyFromBuffer`. */
export function WdfMemoryCopyFromBuffer(DestinationMemory: WDFMEMORY, DestinationOffset: number, Buffer: number, NumBytesToCopyFrom: number): NTSTATUS {
  const memory = Enter<FxMemoryObject>(DestinationMemory, IFX_TYPE_MEMORY, "WdfMemoryCopyFromBuffer");
  return memory === null ? STATUS_INVALID_DEVICE_REQUEST : FxMemoryCopyFromBuffer(memory, DestinationOffset, Buffer, NumBytesToCopyFrom);
}
