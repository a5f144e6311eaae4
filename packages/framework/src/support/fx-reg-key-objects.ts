import { NT_SUCCESS, ReadBytes, REG_EXPAND_SZ, REG_SZ, STATUS_OBJECT_TYPE_MISMATCH, STATUS_SUCCESS, WriteBytes, type Box, type NTSTATUS, type POOL_TYPE } from "@wdfjs/kernel";
import { STATUS_RESOURCE_DATA_NOT_FOUND } from "../wdfstatus.js";
import type { PWDF_OBJECT_ATTRIBUTES } from "../object/attributes.js";
import { FxRequestBufferFromMemory } from "../targets/fx-request-send.js";
import { FxMemoryCreate } from "./fx-memory-create.js";
import type { FxMemoryObject, PWDFMEMORY_OFFSET } from "./fx-memory.js";
import { FxRegString, FxRegSz, type FxRegKey } from "./fx-reg-key.js";
import type { FxString } from "./fx-string.js";

/**
 * `WdfRegistryQueryMemory` (fxregistryapi.cpp): the value's data in a new WDFMEMORY of its size
 * from the pool type (parented to the driver unless the attributes say otherwise), and its type.
 * A value with no data is STATUS_RESOURCE_DATA_NOT_FOUND; a missing one the query's status.
 */
export function FxRegKeyQueryMemory(key: FxRegKey, ValueName: string, PoolType: POOL_TYPE, MemoryAttributes: PWDF_OBJECT_ATTRIBUTES, ValueType: Box<number> | null): FxMemoryObject | NTSTATUS {
  const v = key.queryValue(ValueName);
  if (!NT_SUCCESS(v.status)) return v.status;
  if (v.Data.length === 0) return STATUS_RESOURCE_DATA_NOT_FOUND;
  const memory = FxMemoryCreate(MemoryAttributes, PoolType, 0, v.Data.length);
  if (typeof memory === "number") return memory;
  WriteBytes(memory.Buffer, v.Data);
  if (ValueType !== null) ValueType.value = v.Type;
  return memory;
}

/**
 * `WdfRegistryQueryString`: a REG_SZ or REG_EXPAND_SZ (else STATUS_OBJECT_TYPE_MISMATCH) into the
 * WDFSTRING, without its terminating NUL; no data: STATUS_RESOURCE_DATA_NOT_FOUND.
 */
export function FxRegKeyQueryString(key: FxRegKey, ValueName: string, string: FxString): NTSTATUS {
  const v = key.queryValue(ValueName);
  if (!NT_SUCCESS(v.status)) return v.status;
  if (v.Type !== REG_SZ && v.Type !== REG_EXPAND_SZ) return STATUS_OBJECT_TYPE_MISMATCH;
  if (v.Data.length === 0) return STATUS_RESOURCE_DATA_NOT_FOUND;
  const text = FxRegString(v.Data);
  string.Buffer = text.endsWith("\u0000") ? text.slice(0, -1) : text;
  return STATUS_SUCCESS;
}

/**
 * `WdfRegistryAssignMemory`: the WDFMEMORY's bytes (or the window MemoryOffsets gives; a zero
 * length is "to the end", a window past the end STATUS_INTEGER_OVERFLOW) as a value of ValueType.
 */
export function FxRegKeyAssignMemory(key: FxRegKey, ValueName: string, ValueType: number, memory: FxMemoryObject, MemoryOffsets: PWDFMEMORY_OFFSET | null): NTSTATUS {
  const window = FxRequestBufferFromMemory(memory, MemoryOffsets?.BufferOffset ?? 0, MemoryOffsets?.BufferLength ?? 0);
  if (typeof window === "number") return window;
  return key.setValue(ValueName, ValueType, ReadBytes(window.Address, window.Length));
}

/** `WdfRegistryAssignString`: the WDFSTRING as a REG_SZ with its NUL. */
export function FxRegKeyAssignString(key: FxRegKey, ValueName: string, string: FxString): NTSTATUS {
  return key.setValue(ValueName, REG_SZ, FxRegSz(string.Buffer));
}
