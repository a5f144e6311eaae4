import {
  GUID_DEVICE_INTERFACE_ARRIVAL, NT_SUCCESS, NtAllocateVirtualMemory, NtFreeVirtualMemory, Out, ReadMultiSz, WriteBytes, NtClose, NtPlugPlayControl, PLUGPLAY_CONTROL_INTERFACE_DEVICE_LIST_DATA, PLUGPLAY_CONTROL_NOTIFICATION_DATA,
  PlugPlayControlGetInterfaceDeviceList, PlugPlayControlRegisterNotification, STATUS_ACCESS_VIOLATION, STATUS_BUFFER_TOO_SMALL, STATUS_INVALID_HANDLE,
  STATUS_NO_SUCH_DEVICE, STATUS_SUCCESS, DEVICE_INTERFACE_INCLUDE_NONACTIVE,
  type Box, type KTHREAD, type KWAIT_BLOCK, type Machine, type NTSTATUS, type PLUGPLAY_EVENT,
} from "@wdfjs/kernel";
import type { DWORD } from "./errors.js";
import { win32ThreadMain, type Win32ThreadContext } from "./process.js";

/*
 * cfgmgr32's device interface functions and notifications (cfgmgr32.h). Windows' cfgmgr32
 * asks the PnP service, which asks the kernel (NtPlugPlayControl); here the program's call
 * reaches NtPlugPlayControl itself. None waits. They return a CONFIGRET, not the last error.
 */

export type CONFIGRET = number;
/** HCMNOTIFICATION: here a handle of the process's handle table (closing it also unregisters). */
export type HCMNOTIFICATION = number;

export const CR_SUCCESS: CONFIGRET = 0x00;
export const CR_DEFAULT: CONFIGRET = 0x01;
export const CR_OUT_OF_MEMORY: CONFIGRET = 0x02;
export const CR_INVALID_POINTER: CONFIGRET = 0x03;
export const CR_INVALID_FLAG: CONFIGRET = 0x04;
export const CR_INVALID_DEVNODE: CONFIGRET = 0x05;
export const CR_INVALID_DEVINST: CONFIGRET = CR_INVALID_DEVNODE;
export const CR_NO_SUCH_DEVNODE: CONFIGRET = 0x0d;
export const CR_NO_SUCH_DEVINST: CONFIGRET = CR_NO_SUCH_DEVNODE;
export const CR_FAILURE: CONFIGRET = 0x13;
export const CR_BUFFER_SMALL: CONFIGRET = 0x1a;
export const CR_INVALID_DEVICE_ID: CONFIGRET = 0x1e;
export const CR_INVALID_DATA: CONFIGRET = 0x1f;
export const CR_CALL_NOT_IMPLEMENTED: CONFIGRET = 0x34;
export const CR_NO_SUCH_DEVICE_INTERFACE: CONFIGRET = 0x37;
export const CR_INVALID_STRUCTURE_SIZE: CONFIGRET = 0x3b;

export const CM_GET_DEVICE_INTERFACE_LIST_PRESENT = 0x0;
export const CM_GET_DEVICE_INTERFACE_LIST_ALL_DEVICES = 0x1;
export const CM_GET_DEVICE_INTERFACE_LIST_BITS = 0x1;

// CM_NOTIFY_FILTER_TYPE
export const CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE = 0;
export const CM_NOTIFY_FILTER_TYPE_DEVICEHANDLE = 1;
export const CM_NOTIFY_FILTER_TYPE_DEVICEINSTANCE = 2;
export const CM_NOTIFY_FILTER_FLAG_ALL_INTERFACE_CLASSES = 0x1;
export const CM_NOTIFY_FILTER_FLAG_ALL_DEVICE_INSTANCES = 0x2;

// CM_NOTIFY_ACTION
export const CM_NOTIFY_ACTION_DEVICEINTERFACEARRIVAL = 0;
export const CM_NOTIFY_ACTION_DEVICEINTERFACEREMOVAL = 1;
export const CM_NOTIFY_ACTION_DEVICEQUERYREMOVE = 2;
export const CM_NOTIFY_ACTION_DEVICEQUERYREMOVEFAILED = 3;
export const CM_NOTIFY_ACTION_DEVICEREMOVEPENDING = 4;
export const CM_NOTIFY_ACTION_DEVICEREMOVECOMPLETE = 5;
export const CM_NOTIFY_ACTION_DEVICECUSTOMEVENT = 6;
export const CM_NOTIFY_ACTION_DEVICEINSTANCEENUMERATED = 7;
export const CM_NOTIFY_ACTION_DEVICEINSTANCESTARTED = 8;
export const CM_NOTIFY_ACTION_DEVICEINSTANCEREMOVED = 9;

/** sizeof(CM_NOTIFY_FILTER) on x64: four ULONGs and a 400-byte union (InstanceId[200]). */
export const CM_NOTIFY_FILTER_SIZE = 416;

/** CM_NOTIFY_FILTER; set cbSize to CM_NOTIFY_FILTER_SIZE, as C sets it to sizeof. */
export class CM_NOTIFY_FILTER {
  cbSize = 0;
  Flags = 0;
  FilterType = 0;
  Reserved = 0;
  readonly u = {
    DeviceInterface: { ClassGuid: "" },
    DeviceHandle: { hTarget: 0 },
    DeviceInstance: { InstanceId: "" },
  };
}

/** CM_NOTIFY_EVENT_DATA for the interface actions (the only ones emulated). */
export interface CM_NOTIFY_EVENT_DATA {
  FilterType: number;
  Reserved: number;
  u: { DeviceInterface: { ClassGuid: string; SymbolicLink: string } };
}

/**
 * PCM_NOTIFY_CALLBACK. It runs on a thread of the process of its own (a thread-pool thread
 * in Windows), given as the last argument as CreateThread's routines are; it may wait
 * (a generator, `yield* thread.CreateFile(...)`). The return value is ignored for the
 * interface actions, as in Windows.
 */
export type PCM_NOTIFY_CALLBACK = (
  hNotify: HCMNOTIFICATION,
  Context: any,
  Action: number,
  EventData: CM_NOTIFY_EVENT_DATA,
  EventDataSize: DWORD,
  thread: Win32ThreadContext,
) => DWORD | void | Generator<KWAIT_BLOCK, DWORD | void, NTSTATUS>;

/** The thread a cfgmgr32 call runs as. */
export interface CfgMgrCaller {
  readonly machine: Machine;
  readonly thread: KTHREAD;
}

const MEM_COMMIT = 0x1000;
const MEM_RELEASE = 0x8000;
const PAGE_READWRITE = 0x04;

const GUID_PATTERN = /^\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}$/;

export function isGuid(g: unknown): g is string {
  return typeof g === "string" && GUID_PATTERN.test(g);
}

/** The kernel's `\??\` names are `\\?\` names in user mode, as Windows gives them to programs. */
export function win32InterfaceName(ntName: string): string {
  return ntName.startsWith("\\??\\") ? "\\\\?\\" + ntName.slice(4) : ntName;
}

function configret(st: NTSTATUS): CONFIGRET {
  if (NT_SUCCESS(st)) return CR_SUCCESS;
  switch (st) {
    case STATUS_BUFFER_TOO_SMALL: return CR_BUFFER_SMALL;
    case STATUS_ACCESS_VIOLATION: return CR_INVALID_POINTER;
    case STATUS_NO_SUCH_DEVICE: return CR_NO_SUCH_DEVNODE;
    default: return CR_FAILURE;
  }
}

/**
 * Inside a system call: an interface class's names as the kernel gives them, through a
 * scratch buffer of the process (setupapi reads the list as cfgmgr32 hands it out).
 */
export function PnpListInterfaces(guid: string, deviceId: string | null, includeNonActive: boolean, names: Box<string[]>): NTSTATUS {
  names.value = [];
  const d = new PLUGPLAY_CONTROL_INTERFACE_DEVICE_LIST_DATA();
  d.FilterGuid = guid;
  d.DeviceInstance = deviceId;
  d.Flags = includeNonActive ? DEVICE_INTERFACE_INCLUDE_NONACTIVE : 0;
  for (;;) {
    d.Buffer = 0;
    let st = NtPlugPlayControl(PlugPlayControlGetInterfaceDeviceList, d, 0);
    if (!NT_SUCCESS(st)) return st;
    const base = Out(0);
    const size = Out(d.BufferSize);
    st = NtAllocateVirtualMemory(-1, base, 0, size, MEM_COMMIT, PAGE_READWRITE);
    if (!NT_SUCCESS(st)) return st;
    try {
      d.Buffer = base.value;
      st = NtPlugPlayControl(PlugPlayControlGetInterfaceDeviceList, d, 0);
      // The list grew between the two calls: ask again.
      if (st === STATUS_BUFFER_TOO_SMALL) continue;
      if (!NT_SUCCESS(st)) return st;
      names.value = ReadMultiSz(base.value, d.BufferSize >>> 1);
      return STATUS_SUCCESS;
    } finally {
      NtFreeVirtualMemory(-1, base, Out(0), MEM_RELEASE);
    }
  }
}

function listData(InterfaceClassGuid: string, pDeviceID: string | null, ulFlags: number): PLUGPLAY_CONTROL_INTERFACE_DEVICE_LIST_DATA {
  const d = new PLUGPLAY_CONTROL_INTERFACE_DEVICE_LIST_DATA();
  d.FilterGuid = InterfaceClassGuid;
  d.DeviceInstance = pDeviceID || null;
  d.Flags = (ulFlags & CM_GET_DEVICE_INTERFACE_LIST_ALL_DEVICES) !== 0 ? DEVICE_INTERFACE_INCLUDE_NONACTIVE : 0;
  return d;
}

/** The checks both list functions make; CR_SUCCESS when the arguments are good. */
function checkListArguments(InterfaceClassGuid: string | null, pDeviceID: string | null, ulFlags: number): CONFIGRET {
  if (InterfaceClassGuid === null || InterfaceClassGuid === undefined) return CR_INVALID_POINTER;
  if (typeof ulFlags !== "number" || (ulFlags & ~CM_GET_DEVICE_INTERFACE_LIST_BITS) !== 0) return CR_INVALID_FLAG;
  if (!isGuid(InterfaceClassGuid)) return CR_INVALID_DATA;
  if (pDeviceID !== null && pDeviceID !== undefined && typeof pDeviceID !== "string") return CR_INVALID_POINTER;
  return CR_SUCCESS;
}

/**
 * `CM_Get_Device_Interface_List_Size`: *pulLen is the length in WCHARs of the list
 * CM_Get_Device_Interface_List would return (each name and its NUL, then the final NUL:
 * 1 for an empty list).
 */
export function CM_Get_Device_Interface_List_Size(c: CfgMgrCaller, pulLen: Box<number> | null, InterfaceClassGuid: string | null, pDeviceID: string | null, ulFlags: number): CONFIGRET {
  if (typeof pulLen !== "object" || pulLen === null) return CR_INVALID_POINTER;
  pulLen.value = 0;
  const bad = checkListArguments(InterfaceClassGuid, pDeviceID, ulFlags);
  if (bad !== CR_SUCCESS) return bad;
  const d = listData(InterfaceClassGuid!, pDeviceID, ulFlags);
  const st = c.machine.syscall(c.thread, () => NtPlugPlayControl(PlugPlayControlGetInterfaceDeviceList, d, 0));
  if (!NT_SUCCESS(st)) return configret(st);
  pulLen.value = d.BufferSize >>> 1;
  return CR_SUCCESS;
}

/**
 * `CM_Get_Device_Interface_List`: the names (`\\?\ROOT#SAMPLE#0000#{guid}`) of the
 * interface class's interfaces — enabled ones with CM_GET_DEVICE_INTERFACE_LIST_PRESENT,
 * all with CM_GET_DEVICE_INTERFACE_LIST_ALL_DEVICES — written to Buffer (an address in the
 * process) as a MULTI_SZ of UTF-16 strings; BufferLen is its room in WCHARs.
 * CR_BUFFER_SMALL if the list does not fit (ask CM_Get_Device_Interface_List_Size again:
 * the list may have grown).
 */
export function CM_Get_Device_Interface_List(c: CfgMgrCaller, InterfaceClassGuid: string | null, pDeviceID: string | null, Buffer: number, BufferLen: number, ulFlags: number): CONFIGRET {
  if (typeof Buffer !== "number" || Buffer === 0 || typeof BufferLen !== "number" || !(BufferLen > 0)) return CR_INVALID_POINTER;
  const bad = checkListArguments(InterfaceClassGuid, pDeviceID, ulFlags);
  if (bad !== CR_SUCCESS) return bad;
  const d = listData(InterfaceClassGuid!, pDeviceID, ulFlags);
  d.Buffer = Buffer;
  d.BufferSize = 2 * Math.min(BufferLen >>> 0, 0x7fffffff);
  return configret(c.machine.syscall(c.thread, () => {
    const st = NtPlugPlayControl(PlugPlayControlGetInterfaceDeviceList, d, 0);
    if (!NT_SUCCESS(st)) return st;
    // User mode sees `\\?\` where the kernel wrote `\??\`: the second character of each name.
    let at = Buffer;
    for (const name of ReadMultiSz(Buffer, d.BufferSize >>> 1)) {
      if (name.startsWith("\\??\\")) WriteBytes(at + 2, [0x5c, 0]);
      at += 2 * (name.length + 1);
    }
    return STATUS_SUCCESS;
  }));
}

/**
 * `CM_Register_Notification`: with a CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE filter,
 * pCallback learns of each arrival (CM_NOTIFY_ACTION_DEVICEINTERFACEARRIVAL) and removal
 * (..._DEVICEINTERFACEREMOVAL) of the class's interfaces (every class with
 * CM_NOTIFY_FILTER_FLAG_ALL_INTERFACE_CLASSES), from now on. The callback runs on a thread
 * of the process of its own, when the machine runs, one event at a time in order.
 * Device-handle and device-instance filters are not emulated (CR_CALL_NOT_IMPLEMENTED).
 */
export function CM_Register_Notification(
  c: CfgMgrCaller, pFilter: CM_NOTIFY_FILTER | null, pContext: any, pCallback: PCM_NOTIFY_CALLBACK | null, pNotifyContext: Box<HCMNOTIFICATION> | null,
): CONFIGRET {
  if (!(pFilter instanceof CM_NOTIFY_FILTER) || typeof pCallback !== "function" || typeof pNotifyContext !== "object" || pNotifyContext === null) return CR_INVALID_POINTER;
  pNotifyContext.value = 0;
  if (pFilter.cbSize !== CM_NOTIFY_FILTER_SIZE) return CR_INVALID_STRUCTURE_SIZE;
  if (pFilter.FilterType !== CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE) {
    return pFilter.FilterType === CM_NOTIFY_FILTER_TYPE_DEVICEHANDLE || pFilter.FilterType === CM_NOTIFY_FILTER_TYPE_DEVICEINSTANCE ? CR_CALL_NOT_IMPLEMENTED : CR_INVALID_DATA;
  }
  if (typeof pFilter.Flags !== "number" || (pFilter.Flags & ~CM_NOTIFY_FILTER_FLAG_ALL_INTERFACE_CLASSES) !== 0) return CR_INVALID_FLAG;
  if (pFilter.Reserved !== 0) return CR_INVALID_DATA;
  const all = (pFilter.Flags & CM_NOTIFY_FILTER_FLAG_ALL_INTERFACE_CLASSES) !== 0;
  const guid = pFilter.u?.DeviceInterface?.ClassGuid;
  if (!all && !isGuid(guid)) return CR_INVALID_DATA;
  const m = c.machine;
  const d = new PLUGPLAY_CONTROL_NOTIFICATION_DATA();
  d.FilterGuid = all ? null : guid!;
  // The kernel starts a thread of the process for the events; this is what it runs for one.
  d.Routine = (e: PLUGPLAY_EVENT) => win32ThreadMain(m, deliver, e);
  const deliver = (e: PLUGPLAY_EVENT, t: Win32ThreadContext): DWORD | void | Generator<KWAIT_BLOCK, DWORD | void, NTSTATUS> => {
    const SymbolicLink = win32InterfaceName(e.SymbolicLinkName);
    const data: CM_NOTIFY_EVENT_DATA = {
      FilterType: CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE,
      Reserved: 0,
      u: { DeviceInterface: { ClassGuid: e.InterfaceClassGuid, SymbolicLink } },
    };
    const action = e.Event === GUID_DEVICE_INTERFACE_ARRIVAL ? CM_NOTIFY_ACTION_DEVICEINTERFACEARRIVAL : CM_NOTIFY_ACTION_DEVICEINTERFACEREMOVAL;
    // offsetof(CM_NOTIFY_EVENT_DATA, u.DeviceInterface.SymbolicLink) + the name and its NUL.
    return pCallback(d.Handle, pContext, action, data, 24 + 2 * (SymbolicLink.length + 1), t);
  };
  const st = m.syscall(c.thread, () => NtPlugPlayControl(PlugPlayControlRegisterNotification, d, 0));
  if (!NT_SUCCESS(st)) return st === (0xc0000017 | 0) ? CR_OUT_OF_MEMORY : CR_FAILURE;
  pNotifyContext.value = d.Handle;
  return CR_SUCCESS;
}

/**
 * `CM_Unregister_Notification`: no callback of the registration starts after it returns
 * (one already running finishes). Windows waits for a running callback, so calling it from
 * the callback deadlocks there; here it does not wait.
 */
export function CM_Unregister_Notification(c: CfgMgrCaller, NotifyContext: HCMNOTIFICATION): CONFIGRET {
  const e = typeof NotifyContext === "number" ? c.thread.process.handles.lookup(NotifyContext) : undefined;
  if (e === undefined || e.object.ObHeader?.TypeName !== "PlugPlayNotification") return CR_INVALID_DATA;
  const st = c.machine.syscall(c.thread, () => NtClose(NotifyContext));
  return st === STATUS_INVALID_HANDLE ? CR_INVALID_DATA : configret(st);
}
