import { NT_SUCCESS, Out, STATUS_NO_SUCH_DEVICE, type Box, type EPROCESS, type NTSTATUS } from "@wdfjs/kernel";
import { INVALID_HANDLE_VALUE, type BOOL, type HANDLE } from "./constants.js";
import {
  ERROR_INSUFFICIENT_BUFFER, ERROR_INVALID_FLAGS, ERROR_INVALID_HANDLE, ERROR_INVALID_PARAMETER, ERROR_INVALID_USER_BUFFER, ERROR_NO_MORE_ITEMS,
  ERROR_NOT_SUPPORTED, ERROR_SUCCESS, RtlNtStatusToDosError, type DWORD,
} from "./errors.js";
import { isGuid, PnpListInterfaces, win32InterfaceName, type CfgMgrCaller } from "./cfgmgr32.js";

/*
 * setupapi's device-interface enumeration (setupapi.h): a device information set is a
 * snapshot of an interface class's interfaces taken by SetupDiGetClassDevs, read with
 * SetupDiEnumDeviceInterfaces and SetupDiGetDeviceInterfaceDetail. The functions set the
 * thread's last error, as setupapi's do; none waits.
 */

/** HDEVINFO: a device information set of the process (not a kernel handle, as in Windows). */
export type HDEVINFO = HANDLE;

// SetupDiGetClassDevs flags
export const DIGCF_DEFAULT = 0x1;
export const DIGCF_PRESENT = 0x2;
export const DIGCF_ALLCLASSES = 0x4;
export const DIGCF_PROFILE = 0x8;
export const DIGCF_DEVICEINTERFACE = 0x10;

// SP_DEVICE_INTERFACE_DATA.Flags
export const SPINT_ACTIVE = 0x1;
export const SPINT_DEFAULT = 0x2;
export const SPINT_REMOVED = 0x4;

/** ERROR_NO_SUCH_DEVINST (setupapi's APPLICATION_ERROR_MASK | ERROR_SEVERITY_ERROR | 0x20B). */
export const ERROR_NO_SUCH_DEVINST: DWORD = 0xe000020b;

/** sizeof(SP_DEVICE_INTERFACE_DATA) on x64: cbSize, GUID, Flags, ULONG_PTR Reserved. */
export const SP_DEVICE_INTERFACE_DATA_SIZE = 32;
/** sizeof(SP_DEVINFO_DATA) on x64: cbSize, GUID, DevInst, ULONG_PTR Reserved. */
export const SP_DEVINFO_DATA_SIZE = 32;
/** sizeof(SP_DEVICE_INTERFACE_DETAIL_DATA_W) on x64 (a DWORD and one WCHAR, padded to 8): what cbSize must hold. */
export const SP_DEVICE_INTERFACE_DETAIL_DATA_SIZE = 8;
/** FIELD_OFFSET(SP_DEVICE_INTERFACE_DETAIL_DATA_W, DevicePath): the NUL-terminated UTF-16 path starts here. */
export const SP_DEVICE_INTERFACE_DETAIL_DATA_DEVICE_PATH = 4;

/** SP_DEVICE_INTERFACE_DATA; set cbSize to SP_DEVICE_INTERFACE_DATA_SIZE, as C sets it to sizeof. */
export class SP_DEVICE_INTERFACE_DATA {
  cbSize = 0;
  InterfaceClassGuid = "";
  /** SPINT_ACTIVE for an enabled interface. */
  Flags = 0;
  /** setupapi's own (here: which interface of the set, from 1). */
  Reserved = 0;
}

/** SP_DEVINFO_DATA; set cbSize to SP_DEVINFO_DATA_SIZE. */
export class SP_DEVINFO_DATA {
  cbSize = 0;
  /** The device's setup class; "" here (device setup classes are not enumerated yet). */
  ClassGuid = "";
  /** The device in the set (from 1); not a devnode handle of cfgmgr32 here. */
  DevInst = 0;
  Reserved = 0;
}

interface SetInterface {
  readonly guid: string;
  readonly path: string;
  readonly active: boolean;
  readonly device: number;
}

class DeviceInfoSet {
  readonly interfaces: SetInterface[] = [];
  /** Device instance paths, DevInst - 1. */
  readonly devices: string[] = [];
}

/** The device information sets of each process, and the last HDEVINFO value it was given. */
const sets = new WeakMap<EPROCESS, Map<number, DeviceInfoSet> & { last?: number }>();

/** The thread a setupapi call runs as. */
export interface SetupApiCaller extends CfgMgrCaller {
  SetLastError(dwErrCode: DWORD): void;
  WriteMemory(lpAddress: number, data: ArrayLike<number>): BOOL;
  ReadMemory(lpAddress: number, length: number): Uint8Array;
}

function setOf(c: SetupApiCaller, h: HDEVINFO): DeviceInfoSet | undefined {
  return typeof h === "number" ? sets.get(c.thread.process)?.get(h) : undefined;
}

function fail(c: SetupApiCaller, error: DWORD): false {
  c.SetLastError(error);
  return false;
}

/** `\\?\ROOT#SAMPLE#0000#{guid}` → `ROOT\SAMPLE\0000`. */
function instanceOf(path: string): string {
  const body = path.slice(4);
  return body.slice(0, body.lastIndexOf("#")).replace(/#/g, "\\");
}

/**
 * `SetupDiGetClassDevs` for interfaces (DIGCF_DEVICEINTERFACE): a snapshot of ClassGuid's
 * interfaces — enabled ones with DIGCF_PRESENT, all without — optionally of one device
 * (Enumerator a device instance ID, `ROOT\SAMPLE\0000`) or one enumerator (`ROOT`).
 * Device setup class sets (no DIGCF_DEVICEINTERFACE) and DIGCF_ALLCLASSES are not emulated
 * (ERROR_NOT_SUPPORTED). INVALID_HANDLE_VALUE and the last error on failure.
 */
export function SetupDiGetClassDevs(c: SetupApiCaller, ClassGuid: string | null, Enumerator: string | null, hwndParent: number | null, Flags: DWORD): HDEVINFO {
  void hwndParent;
  if (typeof Flags !== "number" || (Flags & ~0x1f) !== 0) {
    c.SetLastError(ERROR_INVALID_FLAGS);
    return INVALID_HANDLE_VALUE;
  }
  if ((Flags & DIGCF_DEVICEINTERFACE) === 0 || (Flags & DIGCF_ALLCLASSES) !== 0) {
    c.SetLastError(ERROR_NOT_SUPPORTED);
    return INVALID_HANDLE_VALUE;
  }
  if (!isGuid(ClassGuid) || (Enumerator !== null && Enumerator !== undefined && typeof Enumerator !== "string")) {
    c.SetLastError(ERROR_INVALID_PARAMETER);
    return INVALID_HANDLE_VALUE;
  }
  const present = (Flags & DIGCF_PRESENT) !== 0;
  // An enumerator name has no backslash; a device instance ID has.
  const device = Enumerator && Enumerator.includes("\\") ? Enumerator : null;
  const prefix = Enumerator && !Enumerator.includes("\\") ? `\\\\?\\${Enumerator.toUpperCase()}#` : null;
  const active = Out<string[]>([]);
  const all = Out<string[]>([]);
  const st: NTSTATUS = c.machine.syscall(c.thread, () => {
    const s = PnpListInterfaces(ClassGuid, device, false, active);
    return NT_SUCCESS(s) && !present ? PnpListInterfaces(ClassGuid, device, true, all) : s;
  });
  if (!NT_SUCCESS(st)) {
    c.SetLastError(st === STATUS_NO_SUCH_DEVICE ? ERROR_NO_SUCH_DEVINST : RtlNtStatusToDosError(st));
    return INVALID_HANDLE_VALUE;
  }
  const set = new DeviceInfoSet();
  const enabled = new Set(active.value);
  for (const ntName of present ? active.value : all.value) {
    const path = win32InterfaceName(ntName);
    if (prefix !== null && !path.toUpperCase().startsWith(prefix)) continue;
    const inst = instanceOf(path);
    let dev = set.devices.findIndex((d) => d.toUpperCase() === inst.toUpperCase());
    if (dev < 0) dev = set.devices.push(inst) - 1;
    set.interfaces.push({ guid: ClassGuid.toLowerCase(), path, active: enabled.has(ntName), device: dev + 1 });
  }
  let table = sets.get(c.thread.process);
  if (table === undefined) sets.set(c.thread.process, (table = new Map()));
  // Like the heap address Windows gives: the program's own, never a kernel handle it has.
  const h = (table.last = (table.last ?? 0x10000) + 8);
  table.set(h, set);
  c.SetLastError(ERROR_SUCCESS);
  return h;
}

/**
 * `SetupDiEnumDeviceInterfaces`: the MemberIndex-th interface of InterfaceClassGuid in the
 * set (of one device if DeviceInfoData is given) into DeviceInterfaceData; FALSE with
 * ERROR_NO_MORE_ITEMS past the last.
 */
export function SetupDiEnumDeviceInterfaces(
  c: SetupApiCaller, DeviceInfoSet: HDEVINFO, DeviceInfoData: SP_DEVINFO_DATA | null, InterfaceClassGuid: string, MemberIndex: DWORD,
  DeviceInterfaceData: SP_DEVICE_INTERFACE_DATA,
): BOOL {
  const set = setOf(c, DeviceInfoSet);
  if (set === undefined) return fail(c, ERROR_INVALID_HANDLE);
  if (DeviceInfoData !== null && DeviceInfoData !== undefined && (!(DeviceInfoData instanceof SP_DEVINFO_DATA) || DeviceInfoData.cbSize !== SP_DEVINFO_DATA_SIZE)) {
    return fail(c, ERROR_INVALID_PARAMETER);
  }
  if (!(DeviceInterfaceData instanceof SP_DEVICE_INTERFACE_DATA) || DeviceInterfaceData.cbSize !== SP_DEVICE_INTERFACE_DATA_SIZE) return fail(c, ERROR_INVALID_PARAMETER);
  if (!isGuid(InterfaceClassGuid) || typeof MemberIndex !== "number") return fail(c, ERROR_INVALID_PARAMETER);
  const g = InterfaceClassGuid.toLowerCase();
  let k = 0;
  for (let i = 0; i < set.interfaces.length; i++) {
    const f = set.interfaces[i]!;
    if (f.guid !== g || (DeviceInfoData && DeviceInfoData.DevInst !== f.device)) continue;
    if (k++ !== MemberIndex) continue;
    DeviceInterfaceData.InterfaceClassGuid = InterfaceClassGuid;
    DeviceInterfaceData.Flags = f.active ? SPINT_ACTIVE : 0;
    DeviceInterfaceData.Reserved = i + 1;
    c.SetLastError(ERROR_SUCCESS);
    return true;
  }
  return fail(c, ERROR_NO_MORE_ITEMS);
}

/**
 * `SetupDiGetDeviceInterfaceDetail`: the interface's path, for CreateFile. The detail data
 * is a buffer of the process (an address, as C's malloc'd SP_DEVICE_INTERFACE_DETAIL_DATA):
 * cbSize (a DWORD at offset 0) must be SP_DEVICE_INTERFACE_DETAIL_DATA_SIZE, and DevicePath
 * is written at SP_DEVICE_INTERFACE_DETAIL_DATA_DEVICE_PATH. The classic two calls: first with
 * null and 0, FALSE with ERROR_INSUFFICIENT_BUFFER and *RequiredSize the bytes needed; then
 * with a buffer that large. DeviceInfoData, if given, receives the interface's device.
 */
export function SetupDiGetDeviceInterfaceDetail(
  c: SetupApiCaller, DeviceInfoSet: HDEVINFO, DeviceInterfaceData: SP_DEVICE_INTERFACE_DATA, DeviceInterfaceDetailData: number | null,
  DeviceInterfaceDetailDataSize: DWORD, RequiredSize: Box<DWORD> | null, DeviceInfoData: SP_DEVINFO_DATA | null,
): BOOL {
  const set = setOf(c, DeviceInfoSet);
  if (set === undefined) return fail(c, ERROR_INVALID_HANDLE);
  if (!(DeviceInterfaceData instanceof SP_DEVICE_INTERFACE_DATA) || DeviceInterfaceData.cbSize !== SP_DEVICE_INTERFACE_DATA_SIZE) return fail(c, ERROR_INVALID_PARAMETER);
  const f = set.interfaces[DeviceInterfaceData.Reserved - 1];
  if (f === undefined) return fail(c, ERROR_INVALID_PARAMETER);
  const size = typeof DeviceInterfaceDetailDataSize === "number" ? DeviceInterfaceDetailDataSize >>> 0 : 0;
  const buffer = DeviceInterfaceDetailData ?? 0;
  if (buffer === 0) {
    if (size !== 0) return fail(c, ERROR_INVALID_USER_BUFFER);
  } else {
    const cb = c.ReadMemory(buffer, 4);
    if (cb.length !== 4) return false; // ERROR_NOACCESS
    if ((cb[0]! | (cb[1]! << 8) | (cb[2]! << 16) | (cb[3]! << 24)) !== SP_DEVICE_INTERFACE_DETAIL_DATA_SIZE) return fail(c, ERROR_INVALID_USER_BUFFER);
  }
  if (DeviceInfoData instanceof SP_DEVINFO_DATA && DeviceInfoData.cbSize === SP_DEVINFO_DATA_SIZE) {
    DeviceInfoData.DevInst = f.device;
    DeviceInfoData.ClassGuid = "";
  }
  const needed = SP_DEVICE_INTERFACE_DETAIL_DATA_DEVICE_PATH + 2 * (f.path.length + 1);
  if (typeof RequiredSize === "object" && RequiredSize !== null) RequiredSize.value = needed;
  if (buffer === 0 || size < needed) return fail(c, ERROR_INSUFFICIENT_BUFFER);
  const b = new Uint8Array(2 * (f.path.length + 1));
  for (let i = 0; i < f.path.length; i++) {
    const ch = f.path.charCodeAt(i);
    b[2 * i] = ch & 0xff;
    b[2 * i + 1] = ch >>> 8;
  }
  if (!c.WriteMemory(buffer + SP_DEVICE_INTERFACE_DETAIL_DATA_DEVICE_PATH, b)) return false;
  c.SetLastError(ERROR_SUCCESS);
  return true;
}

/** `SetupDiDestroyDeviceInfoList`. */
export function SetupDiDestroyDeviceInfoList(c: SetupApiCaller, DeviceInfoSet: HDEVINFO): BOOL {
  const table = sets.get(c.thread.process);
  if (typeof DeviceInfoSet !== "number" || !table?.delete(DeviceInfoSet)) return fail(c, ERROR_INVALID_HANDLE);
  c.SetLastError(ERROR_SUCCESS);
  return true;
}
