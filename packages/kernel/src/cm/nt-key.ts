import { cur } from "../context.js";
import type { Box } from "../box.js";
import { VF_RULE_IRQL_ZW_PASSIVE } from "../ke/bugcheck-codes.js";
import { KernelMode, UserMode, type KPROCESSOR_MODE } from "../ke/dispatcher.js";
import { SehException } from "../ke/exception.js";
import { PASSIVE_LEVEL } from "../ke/irql.js";
import { KiSchedulingPoint } from "../ke/preempt.js";
import { MM_USER_PROBE_ADDRESS } from "../mm/layout.js";
import { DELETE, GENERIC_ALL, GENERIC_EXECUTE, GENERIC_READ, GENERIC_WRITE, MAXIMUM_ALLOWED } from "../io/constants.js";
import {
  STATUS_ACCESS_DENIED, STATUS_ACCESS_VIOLATION, STATUS_BUFFER_OVERFLOW, STATUS_BUFFER_TOO_SMALL, STATUS_CANNOT_DELETE, STATUS_CHILD_MUST_BE_VOLATILE,
  STATUS_INVALID_HANDLE, STATUS_INVALID_PARAMETER, STATUS_KEY_DELETED, STATUS_NOT_SUPPORTED, STATUS_NO_MORE_ENTRIES, STATUS_OBJECT_NAME_INVALID,
  STATUS_OBJECT_NAME_NOT_FOUND, STATUS_OBJECT_PATH_SYNTAX_BAD, STATUS_OBJECT_TYPE_MISMATCH, STATUS_SUCCESS, type NTSTATUS,
} from "../ntstatus.js";
import { ObIsKernelHandle } from "../ob/handle-table.js";
import { OBJ_KERNEL_HANDLE, OBJ_VALID_ATTRIBUTES, OBJECT_ATTRIBUTES_SIZE, type OBJECT_ATTRIBUTES } from "../ob/object-attributes.js";
import { VfIrqlTooHigh } from "../verifier/irql-rules.js";
import {
  KEY_ALL_ACCESS, KEY_ENUMERATE_SUB_KEYS, KEY_EXECUTE, KEY_QUERY_VALUE, KEY_READ, KEY_SET_VALUE, KEY_WRITE, KeyBasicInformation,
  KeyFullInformation, KeyNameInformation, KeyNodeInformation, REG_CREATED_NEW_KEY, REG_LEGAL_OPTION, REG_OPENED_EXISTING_KEY,
  REG_OPTION_BACKUP_RESTORE, REG_OPTION_CREATE_LINK, REG_OPTION_OPEN_LINK, REG_OPTION_VOLATILE,
} from "./constants.js";
import { splitPath } from "./configuration-manager.js";
import { CM_KEY_BODY, type CmKeyNode, type CmValue } from "./key.js";
import { CmpKeyInformation, CmpKeyValueInformation, CmpValueInformationMinimum, CmpKeyInformationMinimum } from "./key-information.js";
import { utf16 } from "./value-data.js";

/*
 * The registry's system services. Zw* are for drivers (previous mode KernelMode); Nt* are
 * the same services as a client reaches them through the Win32 layer (previous mode
 * UserMode when called in a client process). As in Windows, a kernel-mode caller is not
 * access-checked against its handle's granted access (ObReferenceObjectByHandle with
 * KernelMode allows any access); a user-mode caller is, and gets STATUS_ACCESS_DENIED.
 * https://learn.microsoft.com/windows-hardware/drivers/ddi/wdm/nf-wdm-obreferenceobjectbyhandle
 */

/** The previous mode of an Nt* call: UserMode in a client process, KernelMode in the System process. */
function ntMode(): KPROCESSOR_MODE {
  const m = cur;
  return m.cpu.process === m.systemProcess ? KernelMode : UserMode;
}

function checkIrql(routine: string): void {
  const m = cur;
  // Registry routines run at PASSIVE_LEVEL only (their pages' IRQL; rule IrqlZwPassive).
  if (m.checked && m.cpu.Irql !== PASSIVE_LEVEL) VfIrqlTooHigh(routine, PASSIVE_LEVEL, VF_RULE_IRQL_ZW_PASSIVE);
  // Like every DDI, a scheduling point: another thread's registry call may come between two of a driver's.
  if (m.preemption !== null) KiSchedulingPoint();
}

/** The generic mapping of the Key object type. */
export function CmpMapKeyAccess(DesiredAccess: number): number {
  let a = DesiredAccess >>> 0;
  if ((a & MAXIMUM_ALLOWED) !== 0) a = (a & ~MAXIMUM_ALLOWED) | KEY_ALL_ACCESS;
  if ((a & GENERIC_READ) !== 0) a = (a & ~GENERIC_READ) | KEY_READ;
  if ((a & GENERIC_WRITE) !== 0) a = (a & ~GENERIC_WRITE) | KEY_WRITE;
  if ((a & GENERIC_EXECUTE) !== 0) a = (a & ~GENERIC_EXECUTE) | KEY_EXECUTE;
  if ((a & GENERIC_ALL) !== 0) a = (a & ~GENERIC_ALL) | KEY_ALL_ACCESS;
  return a >>> 0;
}

/**
 * The key a handle refers to, if it is a key handle the caller may use for `access`; a
 * status otherwise. A deleted key is STATUS_KEY_DELETED unless `deletedOk`.
 */
export function CmpReferenceKeyHandle(Handle: number, access: number, mode: KPROCESSOR_MODE, deletedOk = false): CmKeyNode | NTSTATUS {
  const m = cur;
  let e;
  if (ObIsKernelHandle(Handle)) {
    if (mode !== KernelMode) return STATUS_INVALID_HANDLE;
    e = m.systemProcess.handles.lookup(Handle);
  } else {
    e = m.cpu.process.handles.lookup(Handle);
  }
  if (e === undefined) return STATUS_INVALID_HANDLE;
  const o = e.object as unknown;
  if (!(o instanceof CM_KEY_BODY)) return STATUS_OBJECT_TYPE_MISMATCH;
  if (mode !== KernelMode && ((e.GrantedAccess & access) >>> 0) !== access >>> 0) return STATUS_ACCESS_DENIED;
  const k = o.KeyControlBlock;
  if (k.deleted && !deletedOk) return STATUS_KEY_DELETED;
  return k;
}

/** Where OBJECT_ATTRIBUTES name a key: the key it starts from and the components after it. */
function CmpParseName(ObjectAttributes: OBJECT_ATTRIBUTES | null, mode: KPROCESSOR_MODE): { from: CmKeyNode; components: string[] } | NTSTATUS {
  if (ObjectAttributes === null || typeof ObjectAttributes !== "object") return STATUS_INVALID_PARAMETER;
  if (ObjectAttributes.Length !== OBJECT_ATTRIBUTES_SIZE) return STATUS_INVALID_PARAMETER;
  const a = ObjectAttributes.Attributes;
  if (typeof a !== "number" || (a & ~OBJ_VALID_ATTRIBUTES) !== 0) return STATUS_INVALID_PARAMETER;
  const name = ObjectAttributes.ObjectName ?? "";
  if (typeof name !== "string") return STATUS_INVALID_PARAMETER;
  const root = ObjectAttributes.RootDirectory;
  if (root !== null && root !== undefined && root !== 0) {
    // A name relative to an open key (IoOpenDeviceRegistryKey's handle, a Parameters subkey).
    const k = CmpReferenceKeyHandle(root, 0, mode);
    if (typeof k === "number") return k;
    if (name === "") return { from: k, components: [] };
    if (name.startsWith("\\")) return STATUS_OBJECT_PATH_SYNTAX_BAD;
    const components = name.split("\\");
    for (const c of components) if (c === "") return STATUS_OBJECT_NAME_INVALID;
    return { from: k, components };
  }
  if (!name.startsWith("\\")) return STATUS_OBJECT_PATH_SYNTAX_BAD;
  const components = splitPath(name);
  if (components === null) return name.split("\\").slice(1).includes("") ? STATUS_OBJECT_NAME_INVALID : STATUS_OBJECT_NAME_NOT_FOUND;
  return { from: cur.registry.root, components };
}

/** A new handle for an open of `k` (a kernel handle with OBJ_KERNEL_HANDLE from kernel mode). */
function CmpInsertKeyHandle(k: CmKeyNode, access: number, Attributes: number, mode: KPROCESSOR_MODE): number {
  const m = cur;
  const body = new CM_KEY_BODY(k);
  body.ObHeader!.HandleCount = 1;
  const table = mode === KernelMode && (Attributes & OBJ_KERNEL_HANDLE) !== 0 ? m.systemProcess.handles : m.cpu.process.handles;
  return table.insert(body, access);
}

function CmpCreateKey(
  mode: KPROCESSOR_MODE, KeyHandle: Box<number>, DesiredAccess: number, ObjectAttributes: OBJECT_ATTRIBUTES, TitleIndex: number,
  Class: string | null, CreateOptions: number, Disposition: Box<number> | null,
): NTSTATUS {
  void TitleIndex;
  KeyHandle.value = 0;
  if (typeof CreateOptions !== "number" || (CreateOptions & ~REG_LEGAL_OPTION) !== 0) return STATUS_INVALID_PARAMETER;
  // Symbolic link keys are not emulated: better a clear failure than a plain key the caller takes for a link.
  if ((CreateOptions & REG_OPTION_CREATE_LINK) !== 0) return STATUS_NOT_SUPPORTED;
  const p = CmpParseName(ObjectAttributes, mode);
  if (typeof p === "number") return p;
  const access = CmpMapKeyAccess(DesiredAccess);
  const registry = cur.registry;
  let parent = p.from;
  const last = p.components.length - 1;
  for (let i = 0; i < last; i++) {
    const next = parent.subkey(p.components[i]!);
    // ZwCreateKey creates one key: every key above it must exist.
    if (next === undefined) return STATUS_OBJECT_NAME_NOT_FOUND;
    parent = next;
  }
  let k = last >= 0 ? parent.subkey(p.components[last]!) : parent;
  let disposition = REG_OPENED_EXISTING_KEY;
  if (k === undefined) {
    const volatile = (CreateOptions & REG_OPTION_VOLATILE) !== 0;
    // A volatile key lives only in memory, so nothing under it can be saved.
    if (parent.volatile && !volatile) return STATUS_CHILD_MUST_BE_VOLATILE;
    k = registry.createPath([p.components[last]!], volatile, parent);
    if (typeof Class === "string" && Class !== "") k.className = Class;
    disposition = REG_CREATED_NEW_KEY;
  }
  KeyHandle.value = CmpInsertKeyHandle(k, access, ObjectAttributes.Attributes, mode);
  if (Disposition !== null && Disposition !== undefined) Disposition.value = disposition;
  return STATUS_SUCCESS;
}

function CmpOpenKey(mode: KPROCESSOR_MODE, KeyHandle: Box<number>, DesiredAccess: number, ObjectAttributes: OBJECT_ATTRIBUTES, OpenOptions: number): NTSTATUS {
  KeyHandle.value = 0;
  if (typeof OpenOptions !== "number" || (OpenOptions & ~(REG_OPTION_BACKUP_RESTORE | REG_OPTION_OPEN_LINK)) !== 0) return STATUS_INVALID_PARAMETER;
  const p = CmpParseName(ObjectAttributes, mode);
  if (typeof p === "number") return p;
  const k = cur.registry.lookup(p.components, p.from);
  if (k === undefined) return STATUS_OBJECT_NAME_NOT_FOUND;
  KeyHandle.value = CmpInsertKeyHandle(k, CmpMapKeyAccess(DesiredAccess), ObjectAttributes.Attributes, mode);
  return STATUS_SUCCESS;
}

function CmpDeleteKey(mode: KPROCESSOR_MODE, KeyHandle: number): NTSTATUS {
  const k = CmpReferenceKeyHandle(KeyHandle, DELETE, mode);
  if (typeof k === "number") return k;
  // A key with subkeys, or a hive root, cannot be deleted (ZwDeleteKey deletes one key).
  if (k.subkeys.size > 0 || k.predefined) return STATUS_CANNOT_DELETE;
  cur.registry.deleteNode(k);
  return STATUS_SUCCESS;
}

/** The bytes of `Data`: DataSize bytes at an address, or bytes or a string the caller holds. */
function CmpCaptureData(Type: number, Data: number | ArrayLike<number> | string | null, DataSize: number, mode: KPROCESSOR_MODE): Uint8Array | NTSTATUS {
  if (typeof DataSize !== "number" || DataSize >>> 0 !== DataSize) return STATUS_INVALID_PARAMETER;
  void Type;
  if (DataSize === 0) return new Uint8Array(0);
  if (typeof Data === "number") {
    if (mode !== KernelMode && !(Data >= 0 && Data + DataSize <= MM_USER_PROBE_ADDRESS)) return STATUS_ACCESS_VIOLATION;
    try {
      return cur.mm.readBytes(Data, DataSize).slice();
    } catch (e) {
      if (mode !== KernelMode && e instanceof SehException) return e.ExceptionCode;
      throw e;
    }
  }
  if (typeof Data === "string") {
    const b = utf16(Data, true);
    return b.length >= DataSize ? b.slice(0, DataSize) : STATUS_INVALID_PARAMETER;
  }
  if (Data === null || typeof Data !== "object" || typeof Data.length !== "number" || Data.length < DataSize) return STATUS_INVALID_PARAMETER;
  const b = new Uint8Array(DataSize);
  for (let i = 0; i < DataSize; i++) b[i] = Data[i]! & 0xff;
  return b;
}

function CmpSetValueKey(mode: KPROCESSOR_MODE, KeyHandle: number, ValueName: string | null, TitleIndex: number, Type: number, Data: number | ArrayLike<number> | string | null, DataSize: number): NTSTATUS {
  void TitleIndex;
  const k = CmpReferenceKeyHandle(KeyHandle, KEY_SET_VALUE, mode);
  if (typeof k === "number") return k;
  if (ValueName !== null && ValueName !== undefined && typeof ValueName !== "string") return STATUS_INVALID_PARAMETER;
  if (typeof Type !== "number" || Type >>> 0 !== Type) return STATUS_INVALID_PARAMETER;
  const bytes = CmpCaptureData(Type, Data, DataSize, mode);
  if (typeof bytes === "number") return bytes;
  cur.registry.setNodeValue(k, ValueName ?? "", Type, bytes);
  return STATUS_SUCCESS;
}

/**
 * Copies an information structure to the caller's buffer as the registry services do: if
 * not even its fixed part fits, nothing is written and the status is STATUS_BUFFER_TOO_SMALL;
 * if the fixed part fits and the rest does not, as much as fits is written and the status is
 * STATUS_BUFFER_OVERFLOW; ResultLength is the full size either way.
 * https://learn.microsoft.com/windows-hardware/drivers/ddi/wdm/nf-wdm-zwqueryvaluekey (Return value)
 */
function CmpReturnInformation(image: Uint8Array, minimum: number, Buffer: number, Length: number, ResultLength: Box<number>, mode: KPROCESSOR_MODE): NTSTATUS {
  if (typeof Length !== "number" || Length >>> 0 !== Length) return STATUS_INVALID_PARAMETER;
  ResultLength.value = image.length;
  if (Length < minimum) return STATUS_BUFFER_TOO_SMALL;
  const n = Math.min(Length, image.length);
  if (mode !== KernelMode && !(typeof Buffer === "number" && Buffer >= 0 && Buffer + n <= MM_USER_PROBE_ADDRESS)) return STATUS_ACCESS_VIOLATION;
  try {
    cur.mm.writeBytes(Buffer, n === image.length ? image : image.subarray(0, n));
  } catch (e) {
    if (mode !== KernelMode && e instanceof SehException) return e.ExceptionCode;
    throw e;
  }
  return n < image.length ? STATUS_BUFFER_OVERFLOW : STATUS_SUCCESS;
}

function CmpQueryValueKey(mode: KPROCESSOR_MODE, KeyHandle: number, ValueName: string | null, KeyValueInformationClass: number, KeyValueInformation: number, Length: number, ResultLength: Box<number>): NTSTATUS {
  const k = CmpReferenceKeyHandle(KeyHandle, KEY_QUERY_VALUE, mode);
  if (typeof k === "number") return k;
  const minimum = CmpValueInformationMinimum(KeyValueInformationClass);
  if (minimum < 0) return STATUS_INVALID_PARAMETER;
  const v = k.values.get((ValueName ?? "").toUpperCase());
  if (v === undefined) return STATUS_OBJECT_NAME_NOT_FOUND;
  return CmpReturnInformation(CmpKeyValueInformation(v, KeyValueInformationClass), minimum, KeyValueInformation, Length, ResultLength, mode);
}

function CmpEnumerateValueKey(mode: KPROCESSOR_MODE, KeyHandle: number, Index: number, KeyValueInformationClass: number, KeyValueInformation: number, Length: number, ResultLength: Box<number>): NTSTATUS {
  const k = CmpReferenceKeyHandle(KeyHandle, KEY_QUERY_VALUE, mode);
  if (typeof k === "number") return k;
  const minimum = CmpValueInformationMinimum(KeyValueInformationClass);
  if (minimum < 0) return STATUS_INVALID_PARAMETER;
  const v: CmValue | undefined = k.valueAt(Index);
  if (v === undefined) return STATUS_NO_MORE_ENTRIES;
  return CmpReturnInformation(CmpKeyValueInformation(v, KeyValueInformationClass), minimum, KeyValueInformation, Length, ResultLength, mode);
}

function CmpDeleteValueKey(mode: KPROCESSOR_MODE, KeyHandle: number, ValueName: string | null): NTSTATUS {
  const k = CmpReferenceKeyHandle(KeyHandle, KEY_SET_VALUE, mode);
  if (typeof k === "number") return k;
  if (!k.values.delete((ValueName ?? "").toUpperCase())) return STATUS_OBJECT_NAME_NOT_FOUND;
  k.lastWriteTime = cur.registry.now();
  return STATUS_SUCCESS;
}

function CmpEnumerateKey(mode: KPROCESSOR_MODE, KeyHandle: number, Index: number, KeyInformationClass: number, KeyInformation: number, Length: number, ResultLength: Box<number>): NTSTATUS {
  const k = CmpReferenceKeyHandle(KeyHandle, KEY_ENUMERATE_SUB_KEYS, mode);
  if (typeof k === "number") return k;
  if (KeyInformationClass !== KeyBasicInformation && KeyInformationClass !== KeyNodeInformation && KeyInformationClass !== KeyFullInformation) return STATUS_INVALID_PARAMETER;
  const c = typeof Index === "number" && Index >= 0 ? k.subkeyAt(Index) : undefined;
  if (c === undefined) return STATUS_NO_MORE_ENTRIES;
  return CmpReturnInformation(CmpKeyInformation(c, KeyInformationClass), CmpKeyInformationMinimum(KeyInformationClass), KeyInformation, Length, ResultLength, mode);
}

function CmpQueryKey(mode: KPROCESSOR_MODE, KeyHandle: number, KeyInformationClass: number, KeyInformation: number, Length: number, ResultLength: Box<number>): NTSTATUS {
  // KeyNameInformation needs no access right; the others need KEY_QUERY_VALUE.
  const k = CmpReferenceKeyHandle(KeyHandle, KeyInformationClass === KeyNameInformation ? 0 : KEY_QUERY_VALUE, mode);
  if (typeof k === "number") return k;
  const minimum = CmpKeyInformationMinimum(KeyInformationClass);
  if (minimum < 0) return STATUS_INVALID_PARAMETER;
  return CmpReturnInformation(CmpKeyInformation(k, KeyInformationClass), minimum, KeyInformation, Length, ResultLength, mode);
}

function CmpFlushKey(mode: KPROCESSOR_MODE, KeyHandle: number): NTSTATUS {
  // The registry lives in memory: a flush has nothing to write, only a handle to check.
  const k = CmpReferenceKeyHandle(KeyHandle, 0, mode);
  return typeof k === "number" ? k : STATUS_SUCCESS;
}

// ---- the kernel-mode routines drivers call ----

/**
 * `ZwCreateKey`: opens a key, or creates it if it does not exist (every key above it must).
 * `Disposition` (may be null) says which: REG_CREATED_NEW_KEY or REG_OPENED_EXISTING_KEY.
 * A non-volatile key under a volatile one is STATUS_CHILD_MUST_BE_VOLATILE.
 * https://learn.microsoft.com/windows-hardware/drivers/ddi/wdm/nf-wdm-zwcreatekey
 */
export function ZwCreateKey(
  KeyHandle: Box<number>, DesiredAccess: number, ObjectAttributes: OBJECT_ATTRIBUTES, TitleIndex: number, Class: string | null,
  CreateOptions: number, Disposition: Box<number> | null,
): NTSTATUS {
  checkIrql("ZwCreateKey");
  return CmpCreateKey(KernelMode, KeyHandle, DesiredAccess, ObjectAttributes, TitleIndex, Class, CreateOptions, Disposition);
}

/** `ZwOpenKey`: STATUS_OBJECT_NAME_NOT_FOUND if the key does not exist. */
export function ZwOpenKey(KeyHandle: Box<number>, DesiredAccess: number, ObjectAttributes: OBJECT_ATTRIBUTES): NTSTATUS {
  checkIrql("ZwOpenKey");
  return CmpOpenKey(KernelMode, KeyHandle, DesiredAccess, ObjectAttributes, 0);
}

/** `ZwOpenKeyEx`: ZwOpenKey with OpenOptions (REG_OPTION_BACKUP_RESTORE, REG_OPTION_OPEN_LINK). */
export function ZwOpenKeyEx(KeyHandle: Box<number>, DesiredAccess: number, ObjectAttributes: OBJECT_ATTRIBUTES, OpenOptions: number): NTSTATUS {
  checkIrql("ZwOpenKeyEx");
  return CmpOpenKey(KernelMode, KeyHandle, DesiredAccess, ObjectAttributes, OpenOptions);
}

/**
 * `ZwDeleteKey`: deletes the key (it must have no subkeys: STATUS_CANNOT_DELETE). The
 * handle stays open; anything but ZwClose on it is then STATUS_KEY_DELETED.
 */
export function ZwDeleteKey(KeyHandle: number): NTSTATUS {
  checkIrql("ZwDeleteKey");
  return CmpDeleteKey(KernelMode, KeyHandle);
}

/**
 * `ZwSetValueKey`: creates or replaces a value (a null or empty ValueName is the key's
 * default value). `Data` is an address, as in C, or the bytes (or, for a string type, the
 * string) a driver holds in JavaScript; DataSize bytes of it are stored.
 */
export function ZwSetValueKey(KeyHandle: number, ValueName: string | null, TitleIndex: number, Type: number, Data: number | ArrayLike<number> | string | null, DataSize: number): NTSTATUS {
  checkIrql("ZwSetValueKey");
  return CmpSetValueKey(KernelMode, KeyHandle, ValueName, TitleIndex, Type, Data, DataSize);
}

/**
 * `ZwQueryValueKey`: writes a KEY_VALUE_BASIC/FULL/PARTIAL_INFORMATION structure at
 * KeyValueInformation. STATUS_OBJECT_NAME_NOT_FOUND if there is no such value;
 * STATUS_BUFFER_TOO_SMALL or STATUS_BUFFER_OVERFLOW (with the size needed in ResultLength)
 * if the buffer is too small.
 * https://learn.microsoft.com/windows-hardware/drivers/ddi/wdm/nf-wdm-zwqueryvaluekey
 */
export function ZwQueryValueKey(KeyHandle: number, ValueName: string | null, KeyValueInformationClass: number, KeyValueInformation: number, Length: number, ResultLength: Box<number>): NTSTATUS {
  checkIrql("ZwQueryValueKey");
  return CmpQueryValueKey(KernelMode, KeyHandle, ValueName, KeyValueInformationClass, KeyValueInformation, Length, ResultLength);
}

/** `ZwDeleteValueKey`: STATUS_OBJECT_NAME_NOT_FOUND if there is no such value. */
export function ZwDeleteValueKey(KeyHandle: number, ValueName: string | null): NTSTATUS {
  checkIrql("ZwDeleteValueKey");
  return CmpDeleteValueKey(KernelMode, KeyHandle, ValueName);
}

/**
 * `ZwEnumerateKey`: subkey number Index (in the hive's order: by name, without case) as a
 * KEY_BASIC/NODE/FULL_INFORMATION; STATUS_NO_MORE_ENTRIES past the last.
 * https://learn.microsoft.com/windows-hardware/drivers/ddi/wdm/nf-wdm-zwenumeratekey
 */
export function ZwEnumerateKey(KeyHandle: number, Index: number, KeyInformationClass: number, KeyInformation: number, Length: number, ResultLength: Box<number>): NTSTATUS {
  checkIrql("ZwEnumerateKey");
  return CmpEnumerateKey(KernelMode, KeyHandle, Index, KeyInformationClass, KeyInformation, Length, ResultLength);
}

/** `ZwEnumerateValueKey`: value number Index (in the order they were first set); STATUS_NO_MORE_ENTRIES past the last. */
export function ZwEnumerateValueKey(KeyHandle: number, Index: number, KeyValueInformationClass: number, KeyValueInformation: number, Length: number, ResultLength: Box<number>): NTSTATUS {
  checkIrql("ZwEnumerateValueKey");
  return CmpEnumerateValueKey(KernelMode, KeyHandle, Index, KeyValueInformationClass, KeyValueInformation, Length, ResultLength);
}

/** `ZwQueryKey`: KEY_BASIC/NODE/FULL/NAME_INFORMATION about the key itself. */
export function ZwQueryKey(KeyHandle: number, KeyInformationClass: number, KeyInformation: number, Length: number, ResultLength: Box<number>): NTSTATUS {
  checkIrql("ZwQueryKey");
  return CmpQueryKey(KernelMode, KeyHandle, KeyInformationClass, KeyInformation, Length, ResultLength);
}

/** `ZwFlushKey`: the registry is in memory, so there is nothing to write; the handle is checked. */
export function ZwFlushKey(KeyHandle: number): NTSTATUS {
  checkIrql("ZwFlushKey");
  return CmpFlushKey(KernelMode, KeyHandle);
}

// ---- the same services for clients (Win32's Reg* functions call these) ----

export function NtCreateKey(
  KeyHandle: Box<number>, DesiredAccess: number, ObjectAttributes: OBJECT_ATTRIBUTES, TitleIndex: number, Class: string | null,
  CreateOptions: number, Disposition: Box<number> | null,
): NTSTATUS {
  return CmpCreateKey(ntMode(), KeyHandle, DesiredAccess, ObjectAttributes, TitleIndex, Class, CreateOptions, Disposition);
}
export function NtOpenKey(KeyHandle: Box<number>, DesiredAccess: number, ObjectAttributes: OBJECT_ATTRIBUTES): NTSTATUS {
  return CmpOpenKey(ntMode(), KeyHandle, DesiredAccess, ObjectAttributes, 0);
}
export function NtOpenKeyEx(KeyHandle: Box<number>, DesiredAccess: number, ObjectAttributes: OBJECT_ATTRIBUTES, OpenOptions: number): NTSTATUS {
  return CmpOpenKey(ntMode(), KeyHandle, DesiredAccess, ObjectAttributes, OpenOptions);
}
export function NtDeleteKey(KeyHandle: number): NTSTATUS {
  return CmpDeleteKey(ntMode(), KeyHandle);
}
export function NtSetValueKey(KeyHandle: number, ValueName: string | null, TitleIndex: number, Type: number, Data: number | ArrayLike<number> | string | null, DataSize: number): NTSTATUS {
  return CmpSetValueKey(ntMode(), KeyHandle, ValueName, TitleIndex, Type, Data, DataSize);
}
export function NtQueryValueKey(KeyHandle: number, ValueName: string | null, KeyValueInformationClass: number, KeyValueInformation: number, Length: number, ResultLength: Box<number>): NTSTATUS {
  return CmpQueryValueKey(ntMode(), KeyHandle, ValueName, KeyValueInformationClass, KeyValueInformation, Length, ResultLength);
}
export function NtDeleteValueKey(KeyHandle: number, ValueName: string | null): NTSTATUS {
  return CmpDeleteValueKey(ntMode(), KeyHandle, ValueName);
}
export function NtEnumerateKey(KeyHandle: number, Index: number, KeyInformationClass: number, KeyInformation: number, Length: number, ResultLength: Box<number>): NTSTATUS {
  return CmpEnumerateKey(ntMode(), KeyHandle, Index, KeyInformationClass, KeyInformation, Length, ResultLength);
}
export function NtEnumerateValueKey(KeyHandle: number, Index: number, KeyValueInformationClass: number, KeyValueInformation: number, Length: number, ResultLength: Box<number>): NTSTATUS {
  return CmpEnumerateValueKey(ntMode(), KeyHandle, Index, KeyValueInformationClass, KeyValueInformation, Length, ResultLength);
}
export function NtQueryKey(KeyHandle: number, KeyInformationClass: number, KeyInformation: number, Length: number, ResultLength: Box<number>): NTSTATUS {
  return CmpQueryKey(ntMode(), KeyHandle, KeyInformationClass, KeyInformation, Length, ResultLength);
}
export function NtFlushKey(KeyHandle: number): NTSTATUS {
  return CmpFlushKey(ntMode(), KeyHandle);
}
