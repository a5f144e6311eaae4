import { NT_SUCCESS, STATUS_INVALID_PARAMETER, STATUS_SUCCESS, type NTSTATUS, type POOL_TYPE } from "@wdfjs/kernel";
import type { FxDriver } from "../driver/fx-driver.js";
import { FxValidateObjectAttributes, type PWDF_OBJECT_ATTRIBUTES } from "../object/attributes.js";
import { FxObjectTableOf, type FxObject } from "../object/fx-object.js";
import { FxObjectCommit } from "../object/object-api.js";
import { FxMemoryBufferFromPool, FxMemoryBufferPreallocated, WDFMEMORY_OFFSET, type FxMemoryObject } from "./fx-memory.js";

/** A created object that failed to commit goes without its callbacks (`DeleteFromFailedCreate`). */
function Committed<T extends FxObject>(object: T, status: NTSTATUS): T | NTSTATUS {
  if (NT_SUCCESS(status)) return object;
  object.contexts.length = 0;
  object.deleteObject();
  return status;
}

function validSize(BufferSize: number): boolean {
  return Number.isInteger(BufferSize) && BufferSize > 0;
}

/**
 * `WdfMemoryCreate` after its IRQL check (fxmemorybufferapi.cpp): a zero size is
 * STATUS_INVALID_PARAMETER; the buffer comes from pool with the tag (0: the driver's), and the
 * object is parented to the driver unless the attributes say otherwise.
 */
export function FxMemoryCreate(Attributes: PWDF_OBJECT_ATTRIBUTES, PoolType: POOL_TYPE, PoolTag: number, BufferSize: number): FxMemoryBufferFromPool | NTSTATUS {
  if (!validSize(BufferSize)) return STATUS_INVALID_PARAMETER;
  let status = FxValidateObjectAttributes(Attributes);
  if (!NT_SUCCESS(status)) return status;
  const driver = FxObjectTableOf().driver as FxDriver | null;
  const memory = new FxMemoryBufferFromPool(PoolType, PoolTag !== 0 ? PoolTag : (driver?.Tag ?? 0), BufferSize);
  status = memory.allocate();
  return Committed(memory, NT_SUCCESS(status) ? FxObjectCommit(memory, Attributes) : status);
}

/** `WdfMemoryCreatePreallocated` after its IRQL check: the driver's buffer (none, or a zero size: STATUS_INVALID_PARAMETER), never freed by the framework. */
export function FxMemoryCreatePreallocated(Attributes: PWDF_OBJECT_ATTRIBUTES, Buffer: number, BufferSize: number): FxMemoryBufferPreallocated | NTSTATUS {
  if (Buffer === 0 || !validSize(BufferSize)) return STATUS_INVALID_PARAMETER;
  const status = FxValidateObjectAttributes(Attributes);
  if (!NT_SUCCESS(status)) return status;
  const memory = new FxMemoryBufferPreallocated(Buffer, BufferSize);
  return Committed(memory, FxObjectCommit(memory, Attributes));
}

/** `WdfMemoryAssignBuffer` after its IRQL check: a preallocated WDFMEMORY takes a new buffer (none or zero size: STATUS_INVALID_PARAMETER). */
export function FxMemoryAssignBuffer(memory: FxMemoryBufferPreallocated, Buffer: number, BufferSize: number): NTSTATUS {
  if (Buffer === 0 || !validSize(BufferSize)) return STATUS_INVALID_PARAMETER;
  memory.assign(Buffer, BufferSize);
  return STATUS_SUCCESS;
}

function offsets(Offset: number, Length: number): WDFMEMORY_OFFSET {
  const o = new WDFMEMORY_OFFSET();
  o.BufferOffset = Offset;
  o.BufferLength = Length;
  return o;
}

/**
 * `WdfMemoryCopyToBuffer` after its IRQL check: Count bytes from the memory at SourceOffset into
 * Buffer. Zero bytes is STATUS_INVALID_PARAMETER; more than the memory holds past the offset,
 * STATUS_BUFFER_TOO_SMALL.
 */
export function FxMemoryCopyToBuffer(memory: FxMemoryObject, SourceOffset: number, Buffer: number, Count: number): NTSTATUS {
  if (Count === 0) return STATUS_INVALID_PARAMETER;
  return memory.copyToPtr(offsets(SourceOffset, 0), Buffer, Count, offsets(0, Count));
}

/**
 * `WdfMemoryCopyFromBuffer` after its IRQL check: Count bytes from Buffer into the memory at
 * DestinationOffset. Zero bytes is STATUS_INVALID_PARAMETER; a copy that does not fit,
 * STATUS_INVALID_BUFFER_SIZE; read-only memory (a write request's input), STATUS_ACCESS_VIOLATION.
 */
export function FxMemoryCopyFromBuffer(memory: FxMemoryObject, DestinationOffset: number, Buffer: number, Count: number): NTSTATUS {
  if (Count === 0) return STATUS_INVALID_PARAMETER;
  return memory.copyFromPtr(offsets(DestinationOffset, Count), Buffer, Count, null);
}
