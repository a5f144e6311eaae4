import {
  InitializeObjectAttributes, KEY_CREATE_SUB_KEY, KEY_ENUMERATE_SUB_KEYS, KEY_QUERY_VALUE, KEY_SET_VALUE, KeyBasicInformation,
  KeyValueFullInformation, KeyValuePartialInformation, NT_SUCCESS, NtEnumerateValueKey, NtClose, NtCreateKey, NtDeleteKey, NtDeleteValueKey, NtEnumerateKey, NtOpenKey, NtQueryValueKey,
  NtSetValueKey, NtAllocateVirtualMemory, NtFreeVirtualMemory, OBJ_CASE_INSENSITIVE, OBJECT_ATTRIBUTES, Out, ReadBytes, ReadUlong, RtlCopyMemory,
  STATUS_BUFFER_OVERFLOW, STATUS_BUFFER_TOO_SMALL, STATUS_INVALID_PARAMETER, STATUS_SUCCESS,
  type Box, type KTHREAD, type Machine, type NTSTATUS,
} from "@wdfjs/kernel";
import { ERROR_INVALID_PARAMETER, ERROR_MORE_DATA, ERROR_SUCCESS, RtlNtStatusToDosError, type DWORD } from "./errors.js";

/*
 * advapi32's registry functions over the kernel's Nt*Key services. They return the error
 * code (LSTATUS) rather than setting the thread's last error, as Windows' do. None waits,
 * so both kinds of thread call them directly.
 */

export type HKEY = number;
export type LSTATUS = DWORD;

// The predefined keys (winreg.h): not handles of any table, so no real handle is ever one.
export const HKEY_CLASSES_ROOT: HKEY = 0x80000000;
export const HKEY_CURRENT_USER: HKEY = 0x80000001;
export const HKEY_LOCAL_MACHINE: HKEY = 0x80000002;
export const HKEY_USERS: HKEY = 0x80000003;

export {
  REG_NONE, REG_SZ, REG_EXPAND_SZ, REG_BINARY, REG_DWORD, REG_DWORD_LITTLE_ENDIAN, REG_DWORD_BIG_ENDIAN, REG_LINK, REG_MULTI_SZ, REG_QWORD,
  REG_QWORD_LITTLE_ENDIAN, REG_OPTION_NON_VOLATILE, REG_OPTION_VOLATILE, REG_CREATED_NEW_KEY, REG_OPENED_EXISTING_KEY, KEY_QUERY_VALUE,
  KEY_SET_VALUE, KEY_CREATE_SUB_KEY, KEY_ENUMERATE_SUB_KEYS, KEY_NOTIFY, KEY_CREATE_LINK, KEY_READ, KEY_WRITE, KEY_EXECUTE, KEY_ALL_ACCESS,
} from "@wdfjs/kernel";

const MEM_COMMIT = 0x1000;
const MEM_RELEASE = 0x8000;
const PAGE_READWRITE = 0x04;
const DELETE = 0x00010000;

/** Where a predefined key is in the kernel's namespace (HKEY_CURRENT_USER is the default user's: there are no logons). */
function predefinedPath(hKey: HKEY): string | null {
  switch (hKey) {
    case HKEY_LOCAL_MACHINE:
      return "\\Registry\\Machine";
    case HKEY_USERS:
      return "\\Registry\\User";
    case HKEY_CURRENT_USER:
      return "\\Registry\\User\\.Default";
    case HKEY_CLASSES_ROOT:
      return "\\Registry\\Machine\\SOFTWARE\\Classes";
    default:
      return null;
  }
}

/** The thread a registry call runs as. */
export interface RegistryCaller {
  readonly machine: Machine;
  readonly thread: KTHREAD;
}

function lstatus(st: NTSTATUS): LSTATUS {
  return NT_SUCCESS(st) ? ERROR_SUCCESS : RtlNtStatusToDosError(st);
}

function attributes(name: string, root: number | null): OBJECT_ATTRIBUTES {
  const oa = new OBJECT_ATTRIBUTES();
  InitializeObjectAttributes(oa, name, OBJ_CASE_INSENSITIVE, root, null);
  return oa;
}

/** Opens hKey\lpSubKey (inside the system call): the status and the handle. */
function openKey(hKey: HKEY, lpSubKey: string | null, access: number, Handle: Box<number>): NTSTATUS {
  const sub = lpSubKey ?? "";
  if (typeof sub !== "string") return STATUS_INVALID_PARAMETER;
  const root = predefinedPath(hKey);
  if (root !== null) return NtOpenKey(Handle, access, attributes(sub === "" ? root : `${root}\\${sub}`, null));
  return NtOpenKey(Handle, access, attributes(sub, hKey));
}

/** Runs `fn` with a handle to hKey itself (a predefined key is opened for the call and closed after). */
function withKey(hKey: HKEY, access: number, fn: (h: number) => NTSTATUS): NTSTATUS {
  if (predefinedPath(hKey) === null) return fn(hKey);
  const h = Out(0);
  const st = openKey(hKey, null, access, h);
  if (!NT_SUCCESS(st)) return st;
  try {
    return fn(h.value);
  } finally {
    NtClose(h.value);
  }
}

/** A user buffer for the Nt services' information structures, for the length of `fn`. */
function withScratch(size: number, fn: (p: number) => NTSTATUS): NTSTATUS {
  const base = Out(0);
  const len = Out(Math.max(size, 16));
  const st = NtAllocateVirtualMemory(-1, base, 0, len, MEM_COMMIT, PAGE_READWRITE);
  if (!NT_SUCCESS(st)) return st;
  try {
    return fn(base.value);
  } finally {
    NtFreeVirtualMemory(-1, base, Out(0), MEM_RELEASE);
  }
}

export function RegOpenKeyEx(c: RegistryCaller, hKey: HKEY, lpSubKey: string | null, ulOptions: DWORD, samDesired: DWORD, phkResult: Box<HKEY>): LSTATUS {
  void ulOptions;
  return lstatus(c.machine.syscall(c.thread, () => openKey(hKey, lpSubKey, samDesired, phkResult)));
}

/**
 * RegCreateKeyEx creates every missing key of lpSubKey, one below the other, and reports
 * whether the last was created or opened.
 */
export function RegCreateKeyEx(
  c: RegistryCaller, hKey: HKEY, lpSubKey: string, Reserved: DWORD, lpClass: string | null, dwOptions: DWORD, samDesired: DWORD,
  lpSecurityAttributes: null, phkResult: Box<HKEY>, lpdwDisposition: Box<DWORD> | null,
): LSTATUS {
  void Reserved;
  void lpSecurityAttributes;
  if (typeof lpSubKey !== "string" || lpSubKey.startsWith("\\")) return ERROR_INVALID_PARAMETER;
  const parts = lpSubKey.split("\\").filter((p) => p !== "");
  return lstatus(c.machine.syscall(c.thread, () => {
    const h = Out(0);
    let st = openKey(hKey, null, parts.length === 0 ? samDesired : KEY_CREATE_SUB_KEY, h);
    if (!NT_SUCCESS(st) || parts.length === 0) {
      phkResult.value = h.value;
      if (lpdwDisposition) lpdwDisposition.value = 2;
      return st;
    }
    for (let i = 0; i < parts.length; i++) {
      const last = i === parts.length - 1;
      const next = Out(0);
      st = NtCreateKey(next, last ? samDesired : KEY_CREATE_SUB_KEY, attributes(parts[i]!, h.value), 0, last ? lpClass : null, dwOptions, last ? lpdwDisposition : null);
      NtClose(h.value);
      if (!NT_SUCCESS(st)) return st;
      h.value = next.value;
    }
    phkResult.value = h.value;
    return STATUS_SUCCESS;
  }));
}

/**
 * RegQueryValueEx: the type, and the data copied to lpData (an address in the process)
 * if *lpcbData bytes hold it; else ERROR_MORE_DATA with *lpcbData the size needed. A
 * missing value is ERROR_FILE_NOT_FOUND.
 */
export function RegQueryValueEx(c: RegistryCaller, hKey: HKEY, lpValueName: string | null, lpReserved: null, lpType: Box<DWORD> | null, lpData: number | null, lpcbData: Box<DWORD> | null): LSTATUS {
  void lpReserved;
  if (lpData && !lpcbData) return ERROR_INVALID_PARAMETER;
  let more = false;
  const st = c.machine.syscall(c.thread, () =>
    withKey(hKey, KEY_QUERY_VALUE, (h) => {
      const need = Out(0);
      let s = NtQueryValueKey(h, lpValueName, KeyValuePartialInformation, 0, 0, need);
      if (s !== STATUS_BUFFER_TOO_SMALL && s !== STATUS_BUFFER_OVERFLOW) return s;
      return withScratch(need.value, (p) => {
        s = NtQueryValueKey(h, lpValueName, KeyValuePartialInformation, p, need.value, need);
        if (!NT_SUCCESS(s)) return s;
        const type = ReadUlong(p + 4);
        const length = ReadUlong(p + 8);
        if (lpType) lpType.value = type;
        if (lpData) {
          if (lpcbData!.value < length) more = true;
          else RtlCopyMemory(lpData, p + 12, length);
        }
        if (lpcbData) lpcbData.value = length;
        return STATUS_SUCCESS;
      });
    }),
  );
  return more && NT_SUCCESS(st) ? ERROR_MORE_DATA : lstatus(st);
}

/** RegSetValueEx: lpData is an address in the process, or the bytes (or a string for string types). */
export function RegSetValueEx(c: RegistryCaller, hKey: HKEY, lpValueName: string | null, Reserved: DWORD, dwType: DWORD, lpData: number | ArrayLike<number> | string | null, cbData: DWORD): LSTATUS {
  void Reserved;
  return lstatus(c.machine.syscall(c.thread, () => withKey(hKey, KEY_SET_VALUE, (h) => NtSetValueKey(h, lpValueName, 0, dwType, lpData, cbData))));
}

/**
 * RegEnumKeyEx: subkey number dwIndex. lpName receives the name; *lpcchName is its room
 * in characters with the NUL (ERROR_MORE_DATA if it does not fit) and comes back as the
 * name's length without it. ERROR_NO_MORE_ITEMS past the last.
 */
export function RegEnumKeyEx(
  c: RegistryCaller, hKey: HKEY, dwIndex: DWORD, lpName: Box<string>, lpcchName: Box<DWORD>, lpReserved: null, lpClass: null, lpcchClass: null,
  lpftLastWriteTime: Box<number> | null,
): LSTATUS {
  void lpReserved;
  void lpClass;
  void lpcchClass;
  let more = false;
  const st = c.machine.syscall(c.thread, () =>
    withKey(hKey, KEY_ENUMERATE_SUB_KEYS, (h) => {
      const need = Out(0);
      const s = NtEnumerateKey(h, dwIndex, KeyBasicInformation, 0, 0, need);
      if (s !== STATUS_BUFFER_TOO_SMALL) return s;
      return withScratch(need.value, (p) => {
        const s2 = NtEnumerateKey(h, dwIndex, KeyBasicInformation, p, need.value, need);
        if (!NT_SUCCESS(s2)) return s2;
        const bytes = ReadBytes(p + 16, ReadUlong(p + 12));
        let name = "";
        for (let i = 0; i + 1 < bytes.length; i += 2) name += String.fromCharCode(bytes[i]! | (bytes[i + 1]! << 8));
        if (lpcchName.value < name.length + 1) {
          more = true;
          return STATUS_SUCCESS;
        }
        lpName.value = name;
        lpcchName.value = name.length;
        if (lpftLastWriteTime) lpftLastWriteTime.value = ReadUlong(p) + ReadUlong(p + 4) * 2 ** 32;
        return STATUS_SUCCESS;
      });
    }),
  );
  return more && NT_SUCCESS(st) ? ERROR_MORE_DATA : lstatus(st);
}

/**
 * RegEnumValue: value number dwIndex, its name (room in *lpcchValueName characters with the
 * NUL), type and data (as RegQueryValueEx); ERROR_MORE_DATA if either does not fit,
 * ERROR_NO_MORE_ITEMS past the last.
 */
export function RegEnumValue(
  c: RegistryCaller, hKey: HKEY, dwIndex: DWORD, lpValueName: Box<string>, lpcchValueName: Box<DWORD>, lpReserved: null, lpType: Box<DWORD> | null,
  lpData: number | null, lpcbData: Box<DWORD> | null,
): LSTATUS {
  void lpReserved;
  if (lpData && !lpcbData) return ERROR_INVALID_PARAMETER;
  let more = false;
  const st = c.machine.syscall(c.thread, () =>
    withKey(hKey, KEY_QUERY_VALUE, (h) => {
      const need = Out(0);
      const s = NtEnumerateValueKey(h, dwIndex, KeyValueFullInformation, 0, 0, need);
      if (s !== STATUS_BUFFER_TOO_SMALL) return s;
      return withScratch(need.value, (p) => {
        const s2 = NtEnumerateValueKey(h, dwIndex, KeyValueFullInformation, p, need.value, need);
        if (!NT_SUCCESS(s2)) return s2;
        const type = ReadUlong(p + 4);
        const dataOffset = ReadUlong(p + 8);
        const length = ReadUlong(p + 12);
        const bytes = ReadBytes(p + 20, ReadUlong(p + 16));
        let name = "";
        for (let i = 0; i + 1 < bytes.length; i += 2) name += String.fromCharCode(bytes[i]! | (bytes[i + 1]! << 8));
        if (lpcchValueName.value < name.length + 1 || (lpData && lpcbData!.value < length)) {
          more = true;
          if (lpcbData) lpcbData.value = length;
          return STATUS_SUCCESS;
        }
        lpValueName.value = name;
        lpcchValueName.value = name.length;
        if (lpType) lpType.value = type;
        if (lpData) RtlCopyMemory(lpData, p + dataOffset, length);
        if (lpcbData) lpcbData.value = length;
        return STATUS_SUCCESS;
      });
    }),
  );
  return more && NT_SUCCESS(st) ? ERROR_MORE_DATA : lstatus(st);
}

export function RegCloseKey(c: RegistryCaller, hKey: HKEY): LSTATUS {
  if (predefinedPath(hKey) !== null) return ERROR_SUCCESS;
  return lstatus(c.machine.syscall(c.thread, () => NtClose(hKey)));
}

/** RegDeleteKey: deletes hKey\lpSubKey, which must have no subkeys (else ERROR_ACCESS_DENIED). */
export function RegDeleteKey(c: RegistryCaller, hKey: HKEY, lpSubKey: string): LSTATUS {
  return lstatus(c.machine.syscall(c.thread, () => {
    const h = Out(0);
    const st = openKey(hKey, lpSubKey, DELETE, h);
    if (!NT_SUCCESS(st)) return st;
    const d = NtDeleteKey(h.value);
    NtClose(h.value);
    return d;
  }));
}

export function RegDeleteValue(c: RegistryCaller, hKey: HKEY, lpValueName: string | null): LSTATUS {
  return lstatus(c.machine.syscall(c.thread, () => withKey(hKey, KEY_SET_VALUE, (h) => NtDeleteValueKey(h, lpValueName))));
}
