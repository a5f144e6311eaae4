import { cur } from "../context.js";
import type { Box } from "../box.js";
import { STATUS_CANNOT_DELETE, STATUS_INVALID_PARAMETER, STATUS_OBJECT_NAME_INVALID, STATUS_OBJECT_NAME_NOT_FOUND, STATUS_SUCCESS, type NTSTATUS } from "../ntstatus.js";
import { InitializeObjectAttributes, OBJ_CASE_INSENSITIVE, OBJ_KERNEL_HANDLE, OBJECT_ATTRIBUTES } from "../ob/object-attributes.js";
import { REG_OPTION_NON_VOLATILE, REG_OPTION_VOLATILE } from "./constants.js";
import { splitPath } from "./configuration-manager.js";
import type { CmKeyNode } from "./key.js";
import { ZwCreateKey, ZwOpenKey } from "./nt-key.js";
import { decodeRegistryData, encodeRegistryData, type RegistryData } from "./value-data.js";

/*
 * The configuration manager's API for the rest of the kernel (the PnP manager's device and
 * driver keys, service keys, class keys): keys by absolute path (`\Registry\Machine\...`),
 * values as JavaScript data. Called inside the machine, at PASSIVE_LEVEL, like the Zw*
 * routines they stand beside.
 */

function components(Path: string): string[] | null {
  return typeof Path === "string" ? splitPath(Path) : null;
}

/** Creates the key at Path and every missing key above it (volatile ones if Volatile). */
export function CmCreateKeyPath(Path: string, Volatile = false): NTSTATUS {
  const c = components(Path);
  if (c === null) return STATUS_OBJECT_NAME_INVALID;
  cur.registry.createPath(c, Volatile);
  return STATUS_SUCCESS;
}

export function CmKeyExists(Path: string): boolean {
  const c = components(Path);
  return c !== null && cur.registry.lookup(c) !== undefined;
}

/**
 * A kernel handle to the key at Path (IoOpenDeviceRegistryKey's answer), opened with
 * DesiredAccess; with Create, the key and any missing keys above it are created first.
 */
export function CmOpenKeyPath(KeyHandle: Box<number>, Path: string, DesiredAccess: number, Create: boolean, Volatile = false): NTSTATUS {
  KeyHandle.value = 0;
  const c = components(Path);
  if (c === null) return STATUS_OBJECT_NAME_INVALID;
  const oa = new OBJECT_ATTRIBUTES();
  InitializeObjectAttributes(oa, Path, OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE, null, null);
  if (!Create) return ZwOpenKey(KeyHandle, DesiredAccess, oa);
  if (c.length > 0) cur.registry.createPath(c.slice(0, -1), Volatile);
  return ZwCreateKey(KeyHandle, DesiredAccess, oa, 0, null, Volatile ? REG_OPTION_VOLATILE : REG_OPTION_NON_VOLATILE, null);
}

/** Sets a value (Data as for machine.registry.setValue), creating the key path if missing. */
export function CmSetValue(Path: string, ValueName: string, Type: number, Data: RegistryData): NTSTATUS {
  const c = components(Path);
  if (c === null) return STATUS_OBJECT_NAME_INVALID;
  const bytes = encodeRegistryData(Type, Data);
  if (typeof bytes === "string") return STATUS_INVALID_PARAMETER;
  const registry = cur.registry;
  registry.setNodeValue(registry.createPath(c, false), ValueName ?? "", Type, bytes);
  return STATUS_SUCCESS;
}

/** A value's type and raw bytes, or null if the key or the value does not exist. */
export function CmQueryValue(Path: string, ValueName: string): { Type: number; Data: Uint8Array } | null {
  const v = CmLookup(Path)?.values.get((ValueName ?? "").toUpperCase());
  return v === undefined ? null : { Type: v.type, Data: v.data.slice() };
}

/** A value decoded (a string, strings, a number, a bigint or bytes), or null. */
export function CmQueryValueData(Path: string, ValueName: string): RegistryData | null {
  const v = CmLookup(Path)?.values.get((ValueName ?? "").toUpperCase());
  return v === undefined ? null : decodeRegistryData(v.type, v.data);
}

/** The names of a key's subkeys in enumeration order, or null if it does not exist. */
export function CmEnumerateSubkeys(Path: string): string[] | null {
  const k = CmLookup(Path);
  if (k === undefined) return null;
  const out: string[] = [];
  for (let i = 0; i < k.subkeys.size; i++) out.push(k.subkeyAt(i)!.name);
  return out;
}

/** Deletes a key and everything under it (a device's keys when it is uninstalled). */
export function CmDeleteKeyTree(Path: string): NTSTATUS {
  const k = CmLookup(Path);
  if (k === undefined) return STATUS_OBJECT_NAME_NOT_FOUND;
  if (k.predefined) return STATUS_CANNOT_DELETE;
  const registry = cur.registry;
  const drop = (n: CmKeyNode): void => {
    for (const child of [...n.subkeys.values()]) drop(child);
    registry.deleteNode(n);
  };
  drop(k);
  return STATUS_SUCCESS;
}

function CmLookup(Path: string): CmKeyNode | undefined {
  const c = components(Path);
  return c === null ? undefined : cur.registry.lookup(c);
}

