import { APC_LEVEL, DISPATCH_LEVEL, NT_SUCCESS, PagedPool, STATUS_INVALID_PARAMETER, STATUS_SUCCESS, type Box, type NTSTATUS, type POOL_TYPE } from "@wdfjs/kernel";
import {
  FxMemoryBufferFromPool, FxMemoryBufferPreallocated, FxObjectCommit, FxObjectTableOf, FxObjectHandleGetPtr, FxValidateObjectAttributes, FxVerifierCheckIrqlLevel,
  FX_TYPE_MEMORY_PREALLOCATED, IFX_TYPE_MEMORY, WDFMEMORY_OFFSET, type FxDriver, type FxMemoryObject, type FxObject, type PWDF_OBJECT_ATTRIBUTES, type WDFHANDLE,
} from "@wdfjs/framework";

export type WDFMEMORY = WDFHANDLE<"WDFMEMORY">;

function MemoryOf(Memory: WDFMEMORY): FxMemoryObject {
  return FxObjectHandleGetPtr(Memory, IFX_TYPE_MEMORY) as FxMemoryObject;
}

/** A created object that failed to commit goes without its callbacks. */
function Abandon(object: FxObject): void {
  object.contexts.length = 0;
  object.deleteObject();
}

/**
 * `WdfMemoryCreate` (fxmemorybufferapi.cpp): a buffer from pool (tag 0: the driver's tag), parented
 * to the driver unless the attributes say otherwise. A zero size is STATUS_INVALID_PARAMETER. Paged
 * pool is for APC_LEVEL and below, nonpaged for DISPATCH_LEVEL and below.
 */
export function WdfMemoryCreate(Attributes: PWDF_OBJECT_ATTRIBUTES, PoolType: POOL_TYPE, PoolTag: number, BufferSize: number, Memory: Box<WDFMEMORY | null>, Buffer: Box<number> | null): NTSTATUS {
  Memory.value = null;
  if (Buffer !== null) Buffer.value = 0;
  let status = FxVerifierCheckIrqlLevel("WdfMemoryCreate", (PoolType & 1) === PagedPool ? APC_LEVEL : DISPATCH_LEVEL);
  if (!NT_SUCCESS(status)) return status;
  if (!Number.isInteger(BufferSize) || BufferSize <= 0) return STATUS_INVALID_PARAMETER;
  status = FxValidateObjectAttributes(Attributes);
  if (!NT_SUCCESS(status)) return status;
  const driver = FxObjectTableOf().driver as FxDriver | null;
  const tag = PoolTag !== 0 ? PoolTag : (driver?.Tag ?? 0);
  const memory = new FxMemoryBufferFromPool(PoolType, tag, BufferSize);
  status = memory.allocate();
  if (NT_SUCCESS(status)) status = FxObjectCommit(memory, Attributes);
  if (!NT_SUCCESS(status)) {
    Abandon(memory);
    return status;
  }
  Memory.value = memory.handle as WDFMEMORY;
  if (Buffer !== null) Buffer.value = memory.Buffer;
  return STATUS_SUCCESS;
}

/** `WdfMemoryCreatePreallocated`: a WDFMEMORY over the driver's buffer, which the framework never frees. */
export function WdfMemoryCreatePreallocated(Attributes: PWDF_OBJECT_ATTRIBUTES, Buffer: number, BufferSize: number, Memory: Box<WDFMEMORY | null>): NTSTATUS {
  Memory.value = null;
  let status = FxVerifierCheckIrqlLevel("WdfMemoryCreatePreallocated", DISPATCH_LEVEL);
  if (!NT_SUCCESS(status)) return status;
  if (Buffer === 0 || !Number.isInteger(BufferSize) || BufferSize <= 0) return STATUS_INVALID_PARAMETER;
  status = FxValidateObjectAttributes(Attributes);
  if (!NT_SUCCESS(status)) return status;
  const memory = new FxMemoryBufferPreallocated(Buffer, BufferSize);
  status = FxObjectCommit(memory, Attributes);
  if (!NT_SUCCESS(status)) {
    Abandon(memory);
    return status;
  }
  Memory.value = memory.handle as WDFMEMORY;
  return STATUS_SUCCESS;
}

/** `WdfMemoryAssignBuffer`: only a preallocated WDFMEMORY takes a new buffer. */
export function WdfMemoryAssignBuffer(Memory: WDFMEMORY, Buffer: number, BufferSize: number): NTSTATUS {
  const memory = FxObjectHandleGetPtr(Memory, FX_TYPE_MEMORY_PREALLOCATED) as FxMemoryBufferPreallocated;
  const status = FxVerifierCheckIrqlLevel("WdfMemoryAssignBuffer", DISPATCH_LEVEL);
  if (!NT_SUCCESS(status)) return status;
  if (Buffer === 0 || !Number.isInteger(BufferSize) || BufferSize <= 0) return STATUS_INVALID_PARAMETER;
  memory.assign(Buffer, BufferSize);
  return STATUS_SUCCESS;
}

/** `WdfMemoryGetBuffer`: the buffer's address, and its size. */
export function WdfMemoryGetBuffer(Memory: WDFMEMORY, BufferSize: Box<number> | null): number {
  const memory = MemoryOf(Memory);
  // The checked flavor traces a call above DISPATCH_LEVEL; the buffer is still returned.
  FxVerifierCheckIrqlLevel("WdfMemoryGetBuffer", DISPATCH_LEVEL);
  if (BufferSize !== null) BufferSize.value = memory.BufferSize;
  return memory.Buffer;
}

function offsets(Offset: number): WDFMEMORY_OFFSET {
  const o = new WDFMEMORY_OFFSET();
  o.BufferOffset = Offset;
  return o;
}

/**
 * `WdfMemoryCopyToBuffer`: NumBytesToCopyTo bytes from the memory at SourceOffset into Buffer. Zero
 * bytes is STATUS_INVALID_PARAMETER; more than the memory holds past the offset is
 * STATUS_BUFFER_TOO_SMALL.
 */
export function WdfMemoryCopyToBuffer(SourceMemory: WDFMEMORY, SourceOffset: number, Buffer: number, NumBytesToCopyTo: number): NTSTATUS {
  const memory = MemoryOf(SourceMemory);
  const status = FxVerifierCheckIrqlLevel("WdfMemoryCopyToBuffer", DISPATCH_LEVEL);
  if (!NT_SUCCESS(status)) return status;
  if (NumBytesToCopyTo === 0) return STATUS_INVALID_PARAMETER;
  const dst = new WDFMEMORY_OFFSET();
  dst.BufferLength = NumBytesToCopyTo;
  return memory.copyToPtr(offsets(SourceOffset), Buffer, NumBytesToCopyTo, dst);
}

/**
 * `WdfMemoryCopyFromBuffer`: NumBytesToCopyFrom bytes from Buffer into the memory at
 * DestinationOffset. Zero bytes is STATUS_INVALID_PARAMETER; a copy that does not fit the memory is
 * STATUS_INVALID_BUFFER_SIZE; read-only memory (a write request's input) is STATUS_ACCESS_VIOLATION.
 */
export function WdfMemoryCopyFromBuffer(DestinationMemory: WDFMEMORY, DestinationOffset: number, Buffer: number, NumBytesToCopyFrom: number): NTSTATUS {
  const memory = MemoryOf(DestinationMemory);
  const status = FxVerifierCheckIrqlLevel("WdfMemoryCopyFromBuffer", DISPATCH_LEVEL);
  if (!NT_SUCCESS(status)) return status;
  if (NumBytesToCopyFrom === 0) return STATUS_INVALID_PARAMETER;
  const dst = offsets(DestinationOffset);
  dst.BufferLength = NumBytesToCopyFrom;
  return memory.copyFromPtr(dst, Buffer, NumBytesToCopyFrom, null);
}
