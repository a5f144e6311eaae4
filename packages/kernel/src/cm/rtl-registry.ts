import { cur } from "../context.js";
import { VF_KERNEL_API_WRONG_IRQL } from "../ke/bugcheck-codes.js";
import { KernelMode } from "../ke/dispatcher.js";
import { PASSIVE_LEVEL } from "../ke/irql.js";
import { KiSchedulingPoint } from "../ke/preempt.js";
import { POOL_FLAG_PAGED, POOL_TAG } from "../mm/pool.js";
import { ReadPointer, WritePointer } from "../mm/access.js";
import {
  STATUS_BUFFER_TOO_SMALL, STATUS_CHILD_MUST_BE_VOLATILE, STATUS_INSUFFICIENT_RESOURCES, STATUS_INVALID_PARAMETER, STATUS_OBJECT_NAME_NOT_FOUND,
  STATUS_OBJECT_TYPE_MISMATCH, STATUS_SUCCESS, NT_SUCCESS, type NTSTATUS,
} from "../ntstatus.js";
import { VfIrqlTooHigh } from "../verifier/irql-rules.js";
import {
  REG_EXPAND_SZ, REG_LINK, REG_MULTI_SZ, REG_NONE, REG_SZ, RTL_QUERY_REGISTRY_DELETE, RTL_QUERY_REGISTRY_DIRECT, RTL_QUERY_REGISTRY_NOEXPAND,
  RTL_QUERY_REGISTRY_NOVALUE, RTL_QUERY_REGISTRY_REQUIRED, RTL_QUERY_REGISTRY_SUBKEY, RTL_QUERY_REGISTRY_TOPKEY, RTL_QUERY_REGISTRY_TYPECHECK,
  RTL_QUERY_REGISTRY_TYPECHECK_SHIFT, RTL_REGISTRY_ABSOLUTE, RTL_REGISTRY_CONTROL, RTL_REGISTRY_DEVICEMAP, RTL_REGISTRY_HANDLE, RTL_REGISTRY_MAXIMUM,
  RTL_REGISTRY_OPTIONAL, RTL_REGISTRY_SERVICES, RTL_REGISTRY_USER, RTL_REGISTRY_WINDOWS_NT,
} from "./constants.js";
import { splitPath } from "./configuration-manager.js";
import type { CmKeyNode } from "./key.js";
import { CmpReferenceKeyHandle } from "./nt-key.js";
import { decodeRegistryData, encodeRegistryData, fromMultiSz, fromUtf16, isStringType, utf16, type RegistryData } from "./value-data.js";

/*
 * The Rtl registry helpers drivers use to read their parameters in one call and to write a
 * value by path. They run in kernel mode, on the same key tree as the Zw* routines.
 * https://learn.microsoft.com/windows-hardware/drivers/ddi/wdm/nf-wdm-rtlqueryregistryvalues
 */

const TAG_RTL_REGISTRY = POOL_TAG("RtlR");

/**
 * `PRTL_QUERY_REGISTRY_ROUTINE`: called for a value with its name, type, and its data at
 * an address in kernel memory (ValueLength bytes, valid during the call). A status other
 * than STATUS_SUCCESS ends RtlQueryRegistryValues with that status.
 */
export type PRTL_QUERY_REGISTRY_ROUTINE = (ValueName: string | null, ValueType: number, ValueData: number, ValueLength: number, Context: any, EntryContext: any) => NTSTATUS;

/**
 * One entry of the table RtlQueryRegistryValues walks (a terminating entry has a null
 * QueryRoutine and a null Name). With RTL_QUERY_REGISTRY_DIRECT, EntryContext is where the
 * value goes: as in C, an address (of a ULONG, of a LONG-sized buffer header for larger
 * data, of a UNICODE_STRING for strings), or, as out-parameters are here, a Box whose
 * `value` gets the value (a number, a string, strings for REG_MULTI_SZ, a bigint for
 * REG_QWORD, else bytes). DefaultData is the default as a JavaScript value of DefaultType
 * (a string, strings, a number, a bigint or bytes), or the address of DefaultLength bytes.
 */
export class RTL_QUERY_REGISTRY_TABLE {
  QueryRoutine: PRTL_QUERY_REGISTRY_ROUTINE | null = null;
  Flags = 0;
  Name: string | null = null;
  EntryContext: any = null;
  DefaultType = REG_NONE;
  DefaultData: RegistryData | null = null;
  DefaultLength = 0;
  constructor(init?: Partial<RTL_QUERY_REGISTRY_TABLE>) {
    if (init !== undefined) Object.assign(this, init);
  }
}
export type PRTL_QUERY_REGISTRY_TABLE = RTL_QUERY_REGISTRY_TABLE[];

function checkIrql(routine: string): void {
  const m = cur;
  if (m.checked && m.cpu.Irql !== PASSIVE_LEVEL) VfIrqlTooHigh(routine, PASSIVE_LEVEL, VF_KERNEL_API_WRONG_IRQL);
  if (m.preemption !== null) KiSchedulingPoint();
}

/** The absolute path RelativeTo names (RTL_REGISTRY_USER is \Registry\User\.Default: the caller is the System process). */
function CmpRelativeBase(relative: number): string | null {
  switch (relative) {
    case RTL_REGISTRY_ABSOLUTE:
      return "";
    case RTL_REGISTRY_SERVICES:
      return "\\Registry\\Machine\\System\\CurrentControlSet\\Services";
    case RTL_REGISTRY_CONTROL:
      return "\\Registry\\Machine\\System\\CurrentControlSet\\Control";
    case RTL_REGISTRY_WINDOWS_NT:
      return "\\Registry\\Machine\\Software\\Microsoft\\Windows NT\\CurrentVersion";
    case RTL_REGISTRY_DEVICEMAP:
      return "\\Registry\\Machine\\Hardware\\DeviceMap";
    case RTL_REGISTRY_USER:
      return "\\Registry\\User\\.Default";
    default:
      return null;
  }
}

/** The components of the key RelativeTo and Path name, or a status. */
function CmpRtlPath(RelativeTo: number, Path: string | null): string[] | NTSTATUS {
  const base = CmpRelativeBase(RelativeTo & ~(RTL_REGISTRY_OPTIONAL | RTL_REGISTRY_HANDLE));
  if (base === null || (RelativeTo & ~(RTL_REGISTRY_OPTIONAL | RTL_REGISTRY_HANDLE)) >= RTL_REGISTRY_MAXIMUM) return STATUS_INVALID_PARAMETER;
  const p = Path ?? "";
  if (typeof p !== "string") return STATUS_INVALID_PARAMETER;
  const full = base === "" ? p : p === "" ? base : p.startsWith("\\") ? base + p : `${base}\\${p}`;
  return splitPath(full) ?? STATUS_OBJECT_NAME_NOT_FOUND;
}

/** The key RelativeTo and Path name (Path a handle with RTL_REGISTRY_HANDLE), undefined if it does not exist, or a status. */
function CmpRtlKey(RelativeTo: number, Path: string | number | null): CmKeyNode | undefined | NTSTATUS {
  if (typeof RelativeTo !== "number") return STATUS_INVALID_PARAMETER;
  if ((RelativeTo & RTL_REGISTRY_HANDLE) !== 0) return CmpReferenceKeyHandle(Path as number, 0, KernelMode);
  if (typeof Path === "number") return STATUS_INVALID_PARAMETER;
  const c = CmpRtlPath(RelativeTo, Path);
  if (typeof c === "number") return c;
  return cur.registry.lookup(c);
}

/** REG_EXPAND_SZ expansion: %NAME% from Environment (an object of strings); unknown names stay as written. */
function expand(s: string, Environment: unknown): string {
  if (Environment === null || typeof Environment !== "object") return s;
  const env = Environment as Record<string, unknown>;
  return s.replace(/%([^%]+)%/g, (all, name: string) => {
    const key = Object.keys(env).find((k) => k.toUpperCase() === name.toUpperCase());
    return key !== undefined && typeof env[key] === "string" ? (env[key] as string) : all;
  });
}

/**
 * `RtlQueryRegistryValues`: walks QueryTable against the key RelativeTo and Path name.
 * A missing value with RTL_QUERY_REGISTRY_REQUIRED is STATUS_OBJECT_NAME_NOT_FOUND; one
 * with a DefaultType other than REG_NONE is reported with its default; otherwise it is
 * skipped. A missing key is STATUS_OBJECT_NAME_NOT_FOUND (with RTL_REGISTRY_OPTIONAL the
 * table is walked as for an empty key). REG_EXPAND_SZ values are expanded and each string
 * of a REG_MULTI_SZ reported on its own (as REG_SZ), unless RTL_QUERY_REGISTRY_NOEXPAND.
 */
export function RtlQueryRegistryValues(RelativeTo: number, Path: string | number | null, QueryTable: PRTL_QUERY_REGISTRY_TABLE, Context: any, Environment: any): NTSTATUS {
  checkIrql("RtlQueryRegistryValues");
  if (!Array.isArray(QueryTable)) return STATUS_INVALID_PARAMETER;
  const top = CmpRtlKey(RelativeTo, Path);
  if (typeof top === "number") return top;
  if (top === undefined && (RelativeTo & RTL_REGISTRY_OPTIONAL) === 0) return STATUS_OBJECT_NAME_NOT_FOUND;
  const registry = cur.registry;
  let key: CmKeyNode | undefined = top;
  for (const entry of QueryTable) {
    if (entry === null || typeof entry !== "object") return STATUS_INVALID_PARAMETER;
    if (entry.QueryRoutine === null && entry.Name === null) break;
    const flags = entry.Flags >>> 0;
    if ((flags & RTL_QUERY_REGISTRY_TOPKEY) !== 0) key = top;
    if ((flags & RTL_QUERY_REGISTRY_SUBKEY) !== 0) {
      // The entries that follow are about this subkey (until a TOPKEY entry).
      const sub: CmKeyNode | undefined = key !== undefined && typeof entry.Name === "string" ? registry.lookup(entry.Name.split("\\"), key) : undefined;
      if (sub === undefined && (flags & RTL_QUERY_REGISTRY_REQUIRED) !== 0) return STATUS_OBJECT_NAME_NOT_FOUND;
      key = sub;
      if (entry.QueryRoutine === null) continue;
    }
    const direct = (flags & RTL_QUERY_REGISTRY_DIRECT) !== 0;
    if (direct && (entry.Name === null || entry.EntryContext === null || entry.EntryContext === undefined)) return STATUS_INVALID_PARAMETER;
    if (!direct && typeof entry.QueryRoutine !== "function") return STATUS_INVALID_PARAMETER;
    if (entry.Name === null || (flags & RTL_QUERY_REGISTRY_SUBKEY) !== 0) {
      // No name: the routine is called for every value of the key.
      const values = key === undefined ? [] : [...key.values.values()];
      if (values.length === 0 && (flags & RTL_QUERY_REGISTRY_NOVALUE) !== 0) {
        const st = entry.QueryRoutine!(null, REG_NONE, 0, 0, Context, entry.EntryContext);
        if (!NT_SUCCESS(st)) return st;
      }
      for (const v of values) {
        const st = CmpReportValue(entry, flags, v.name, v.type, v.data, Context, Environment);
        if (st !== STATUS_SUCCESS) return st;
      }
      continue;
    }
    const v = key?.values.get(entry.Name.toUpperCase());
    let st: NTSTATUS;
    if (v === undefined) {
      if ((flags & RTL_QUERY_REGISTRY_REQUIRED) !== 0) return STATUS_OBJECT_NAME_NOT_FOUND;
      if (entry.DefaultType === REG_NONE) continue;
      const d = CmpDefaultData(entry);
      if (typeof d === "number") return d;
      st = CmpReportValue(entry, flags, entry.Name, entry.DefaultType, d, Context, Environment);
    } else {
      if ((flags & RTL_QUERY_REGISTRY_TYPECHECK) !== 0 && v.type !== entry.DefaultType >>> RTL_QUERY_REGISTRY_TYPECHECK_SHIFT) return STATUS_OBJECT_TYPE_MISMATCH;
      st = CmpReportValue(entry, flags, v.name, v.type, v.data, Context, Environment);
      if (st === STATUS_SUCCESS && (flags & RTL_QUERY_REGISTRY_DELETE) !== 0) key!.values.delete(entry.Name.toUpperCase());
    }
    if (st !== STATUS_SUCCESS) return st;
  }
  return STATUS_SUCCESS;
}

function CmpDefaultData(entry: RTL_QUERY_REGISTRY_TABLE): Uint8Array | NTSTATUS {
  // With TYPECHECK, DefaultType's high byte is the expected type, not part of the default's type.
  const type = entry.DefaultType & 0x00ffffff;
  const d = entry.DefaultData;
  if (typeof d === "number" && !(type === 4 || type === 5 || type === 11)) {
    // The address of DefaultLength bytes, as in C (a string's length 0 means up to its NUL).
    let n = entry.DefaultLength;
    if (n === 0 && isStringType(type)) {
      while (cur.mm.read16(d + n) !== 0) n += 2;
      n += 2;
    }
    return cur.mm.readBytes(d, n).slice();
  }
  if (d === null || d === undefined) return STATUS_INVALID_PARAMETER;
  const b = encodeRegistryData(type, d);
  return typeof b === "string" ? STATUS_INVALID_PARAMETER : b;
}

/** Hands one value to its table entry: prepared (expanded, split) and stored directly or passed to the routine. */
function CmpReportValue(entry: RTL_QUERY_REGISTRY_TABLE, flags: number, name: string, type: number, data: Uint8Array, Context: any, Environment: any): NTSTATUS {
  type &= 0x00ffffff;
  const noexpand = (flags & RTL_QUERY_REGISTRY_NOEXPAND) !== 0;
  if (type === REG_EXPAND_SZ && !noexpand) {
    data = utf16(expand(fromUtf16(data), Environment), true);
    type = REG_SZ;
  }
  if ((flags & RTL_QUERY_REGISTRY_DIRECT) !== 0) return CmpStoreDirect(entry.EntryContext, type, data);
  if (type === REG_MULTI_SZ && !noexpand) {
    for (const s of fromMultiSz(data)) {
      const st = CmpCallQueryRoutine(entry, name, REG_SZ, utf16(s, true), Context);
      if (st !== STATUS_SUCCESS) return st;
    }
    return STATUS_SUCCESS;
  }
  return CmpCallQueryRoutine(entry, name, type, data, Context);
}

/** Calls the QueryRoutine with the data in paged pool, freed when it returns. */
function CmpCallQueryRoutine(entry: RTL_QUERY_REGISTRY_TABLE, name: string, type: number, data: Uint8Array, Context: any): NTSTATUS {
  const pool = cur.mm.pool;
  const p = pool.allocate(POOL_FLAG_PAGED, Math.max(1, data.length), TAG_RTL_REGISTRY);
  if (p === 0) return STATUS_INSUFFICIENT_RESOURCES;
  try {
    if (data.length > 0) cur.mm.writeBytes(p, data);
    const st = entry.QueryRoutine!(name, type, p, data.length, Context, entry.EntryContext);
    return NT_SUCCESS(st) ? STATUS_SUCCESS : st;
  } finally {
    pool.free_(p, TAG_RTL_REGISTRY);
  }
}

/** RTL_QUERY_REGISTRY_DIRECT: the value goes where EntryContext says (see RTL_QUERY_REGISTRY_TABLE). */
function CmpStoreDirect(EntryContext: any, type: number, data: Uint8Array): NTSTATUS {
  if (typeof EntryContext === "object" && EntryContext !== null && "value" in EntryContext) {
    EntryContext.value = decodeRegistryData(type, data);
    return STATUS_SUCCESS;
  }
  if (typeof EntryContext !== "number") return STATUS_INVALID_PARAMETER;
  const mm = cur.mm;
  if (isStringType(type) || type === REG_MULTI_SZ) {
    // A UNICODE_STRING (Length, MaximumLength, Buffer at 8): filled in, its Buffer allocated if NULL.
    const chars = type === REG_LINK ? data.length : Math.max(0, data.length - 2);
    const buffer = ReadPointer(EntryContext + 8);
    if (buffer === 0) {
      const p = mm.pool.allocate(POOL_FLAG_PAGED, Math.max(2, data.length), TAG_RTL_REGISTRY);
      if (p === 0) return STATUS_INSUFFICIENT_RESOURCES;
      mm.writeBytes(p, data);
      mm.write16(EntryContext, chars);
      mm.write16(EntryContext + 2, Math.max(2, data.length));
      WritePointer(EntryContext + 8, p);
      return STATUS_SUCCESS;
    }
    if (mm.read16(EntryContext + 2) < data.length) return STATUS_BUFFER_TOO_SMALL;
    mm.writeBytes(buffer, data);
    mm.write16(EntryContext, chars);
    return STATUS_SUCCESS;
  }
  if (data.length <= 4) {
    mm.writeBytes(EntryContext, data);
    return STATUS_SUCCESS;
  }
  // Larger data: the buffer starts with its size as a LONG. Negative: the data alone goes in;
  // positive: its length and type first, then the data.
  const size = mm.read32(EntryContext) | 0;
  if (size < 0) {
    if (data.length > -size) return STATUS_BUFFER_TOO_SMALL;
    mm.writeBytes(EntryContext, data);
    return STATUS_SUCCESS;
  }
  if (data.length + 8 > size) return STATUS_BUFFER_TOO_SMALL;
  mm.write32(EntryContext, data.length);
  mm.write32(EntryContext + 4, type);
  mm.writeBytes(EntryContext + 8, data);
  return STATUS_SUCCESS;
}

/** The key RelativeTo and Path name, created if it is missing (the key itself; the keys above it must exist). */
function CmpRtlCreateKey(RelativeTo: number, Path: string | number | null): CmKeyNode | NTSTATUS {
  if (typeof RelativeTo === "number" && (RelativeTo & RTL_REGISTRY_HANDLE) !== 0) return CmpReferenceKeyHandle(Path as number, 0, KernelMode);
  if (typeof Path === "number") return STATUS_INVALID_PARAMETER;
  const c = CmpRtlPath(RelativeTo, Path);
  if (typeof c === "number") return c;
  const registry = cur.registry;
  const existing = registry.lookup(c);
  if (existing !== undefined) return existing;
  const parent = registry.lookup(c.slice(0, -1));
  if (parent === undefined || c.length === 0) return STATUS_OBJECT_NAME_NOT_FOUND;
  if (parent.volatile) return STATUS_CHILD_MUST_BE_VOLATILE;
  return registry.createPath(c.slice(-1), false, parent);
}

/**
 * `RtlWriteRegistryValue`: sets a value of the key RelativeTo and Path name, creating the key
 * if it is missing. ValueData is an address, as in C, or bytes, or a string for string types.
 */
export function RtlWriteRegistryValue(RelativeTo: number, Path: string | number | null, ValueName: string, ValueType: number, ValueData: number | ArrayLike<number> | string | null, ValueLength: number): NTSTATUS {
  checkIrql("RtlWriteRegistryValue");
  const k = CmpRtlCreateKey(RelativeTo, Path);
  if (typeof k === "number") return k;
  let data: Uint8Array;
  if (typeof ValueData === "number") data = cur.mm.readBytes(ValueData, ValueLength).slice();
  else if (typeof ValueData === "string") data = utf16(ValueData, ValueType !== REG_LINK).slice(0, ValueLength > 0 ? ValueLength : undefined);
  else if (ValueData !== null && typeof ValueData === "object" && typeof ValueData.length === "number") data = Uint8Array.from(Array.prototype.slice.call(ValueData, 0, ValueLength) as number[]);
  else if (ValueLength === 0) data = new Uint8Array(0);
  else return STATUS_INVALID_PARAMETER;
  cur.registry.setNodeValue(k, ValueName ?? "", ValueType >>> 0, data);
  return STATUS_SUCCESS;
}

/** `RtlCheckRegistryKey`: STATUS_SUCCESS if the key exists, else STATUS_OBJECT_NAME_NOT_FOUND. */
export function RtlCheckRegistryKey(RelativeTo: number, Path: string | null): NTSTATUS {
  checkIrql("RtlCheckRegistryKey");
  const k = CmpRtlKey(RelativeTo, Path);
  if (typeof k === "number") return k;
  return k === undefined ? STATUS_OBJECT_NAME_NOT_FOUND : STATUS_SUCCESS;
}

/** `RtlCreateRegistryKey`: creates the key RelativeTo and Path name (the keys above it must exist). */
export function RtlCreateRegistryKey(RelativeTo: number, Path: string | null): NTSTATUS {
  checkIrql("RtlCreateRegistryKey");
  const k = CmpRtlCreateKey(RelativeTo, Path);
  return typeof k === "number" ? k : STATUS_SUCCESS;
}

/** `RtlDeleteRegistryValue`: STATUS_OBJECT_NAME_NOT_FOUND if the key or the value does not exist. */
export function RtlDeleteRegistryValue(RelativeTo: number, Path: string | number | null, ValueName: string): NTSTATUS {
  checkIrql("RtlDeleteRegistryValue");
  const k = CmpRtlKey(RelativeTo, Path);
  if (typeof k === "number") return k;
  if (k === undefined || !k.values.delete((ValueName ?? "").toUpperCase())) return STATUS_OBJECT_NAME_NOT_FOUND;
  k.lastWriteTime = cur.registry.now();
  return STATUS_SUCCESS;
}
