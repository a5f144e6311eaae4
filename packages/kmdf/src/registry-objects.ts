import { NT_SUCCESS, STATUS_INVALID_DEVICE_REQUEST, type Box, type NTSTATUS, type POOL_TYPE } from "@wdfjs/kernel";
import {
  FxObjectHandleGetPtr, FxRegKeyAssignMemory, FxRegKeyAssignString, FxRegKeyQueryMemory, FxRegKeyQueryString, FxValidateObjectAttributes, FX_TYPE_REG_KEY,
  FX_TYPE_STRING, IFX_TYPE_MEMORY, type FxMemoryObject, type FxRegKey, type FxString, type PWDF_OBJECT_ATTRIBUTES, type PWDFMEMORY_OFFSET, type WDFKEY,
  type WDFMEMORY, type WDFSTRING,
} from "@wdfjs/framework";
import { Created, Enter } from "./ddi.js";
import type { PCUNICODE_STRING } from "./string.js";

// The wdfregistry.h functions that move values through WDFMEMORY and WDFSTRING objects.

function KeyOf(Key: WDFKEY, Routine: string): FxRegKey | NTSTATUS {
  return Enter<FxRegKey>(Key, FX_TYPE_REG_KEY, Routine) ?? STATUS_INVALID_DEVICE_REQUEST;
}

/** `WdfRegistryQueryMemory` (PASSIVE_LEVEL): the core's `FxRegKeyQueryMemory` (the value in a new WDFMEMORY, and its type). */
export function WdfRegistryQueryMemory(
  Key: WDFKEY, ValueName: PCUNICODE_STRING, PoolType: POOL_TYPE, MemoryAttributes: PWDF_OBJECT_ATTRIBUTES, Memory: Box<WDFMEMORY | null>, ValueType: Box<number> | null,
): NTSTATUS {
  Memory.value = null;
  const key = KeyOf(Key, "WdfRegistryQueryMemory");
  if (typeof key === "number") return key;
  const status = FxValidateObjectAttributes(MemoryAttributes);
  return NT_SUCCESS(status) ? Created(FxRegKeyQueryMemory(key, ValueName.Buffer, PoolType, MemoryAttributes, ValueType), Memory) : status;
}

/** `WdfRegistryQueryString` (PASSIVE_LEVEL): a REG_SZ / REG_EXPAND_SZ into the WDFSTRING (the core's `FxRegKeyQueryString`). */
export function WdfRegistryQueryString(Key: WDFKEY, ValueName: PCUNICODE_STRING, String: WDFSTRING): NTSTATUS {
  const key = KeyOf(Key, "WdfRegistryQueryString");
  const string = FxObjectHandleGetPtr(String, FX_TYPE_STRING) as FxString;
  return typeof key === "number" ? key : FxRegKeyQueryString(key, ValueName.Buffer, string);
}

/** `WdfRegistryAssignMemory` (PASSIVE_LEVEL): the WDFMEMORY's bytes, or a window of them, as a value of ValueType. */
export function WdfRegistryAssignMemory(Key: WDFKEY, ValueName: PCUNICODE_STRING, ValueType: number, Memory: WDFMEMORY, MemoryOffsets: PWDFMEMORY_OFFSET): NTSTATUS {
  const key = KeyOf(Key, "WdfRegistryAssignMemory");
  const memory = FxObjectHandleGetPtr(Memory, IFX_TYPE_MEMORY) as FxMemoryObject;
  return typeof key === "number" ? key : FxRegKeyAssignMemory(key, ValueName.Buffer, ValueType, memory, MemoryOffsets);
}

/** `WdfRegistryAssignString` (PASSIVE_LEVEL): the WDFSTRING as a REG_SZ. */
export function WdfRegistryAssignString(Key: WDFKEY, ValueName: PCUNICODE_STRING, String: WDFSTRING): NTSTATUS {
  const key = KeyOf(Key, "WdfRegistryAssignString");
  const string = FxObjectHandleGetPtr(String, FX_TYPE_STRING) as FxString;
  return typeof key === "number" ? key : FxRegKeyAssignString(key, ValueName.Buffer, string);
}
