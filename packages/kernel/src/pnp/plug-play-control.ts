import { cur } from "../context.js";
import type { KWAIT_BLOCK } from "../ke/dispatcher.js";
import { SehException } from "../ke/exception.js";
import { isRoutineGenerator } from "../ke/routine.js";
import { MM_USER_PROBE_ADDRESS } from "../mm/layout.js";
import {
  STATUS_ACCESS_VIOLATION, STATUS_BUFFER_TOO_SMALL, STATUS_INVALID_PARAMETER, STATUS_INVALID_PARAMETER_2, STATUS_NO_SUCH_DEVICE,
  STATUS_NOT_IMPLEMENTED, STATUS_SUCCESS, type NTSTATUS,
} from "../ntstatus.js";
import { OBJECT_HEADER } from "../ob/object.js";
import type { EPROCESS } from "../ps/process.js";
import { DEVICE_INTERFACE_INCLUDE_NONACTIVE, type DeviceInterfaceEvent, type DeviceInterfaces } from "./device-interface.js";

/*
 * NtPlugPlayControl: how user-mode Plug and Play (cfgmgr32, setupapi) reaches the PnP
 * manager. Windows' cfgmgr32 asks the PnP service (umpnpmgr) over RPC, and the service
 * calls NtPlugPlayControl; the service is folded in here, so a program's cfgmgr32 calls
 * this service itself. The control classes keep Windows' numbering (ReactOS's
 * PLUGPLAY_CONTROL_CLASS) where Windows has one; notification registration is ours, in
 * place of umpnpmgr's PNP_RegisterNotification fed by NtGetPlugPlayEvent.
 */

/** Lists the symbolic links of an interface class (Windows' class 9). */
export const PlugPlayControlGetInterfaceDeviceList = 9;
/** Ours: registers the calling process for interface arrivals and removals; the handle returned ends it (NtClose). */
export const PlugPlayControlRegisterNotification = 0x100;

/** PLUGPLAY_CONTROL_INTERFACE_DEVICE_LIST_DATA. */
export class PLUGPLAY_CONTROL_INTERFACE_DEVICE_LIST_DATA {
  /** A device instance path ("ROOT\\SAMPLE\\0000") to list only its interfaces, or null for every device. */
  DeviceInstance: string | null = null;
  /** The interface class, "{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}". */
  FilterGuid = "";
  /** 0 (enabled interfaces only) or DEVICE_INTERFACE_INCLUDE_NONACTIVE. */
  Flags = 0;
  /** A buffer in the caller's address space for the MULTI_SZ of `\??\` names (UTF-16), or 0 to ask the size. */
  Buffer = 0;
  /** The buffer's size in bytes; on return the size the list takes (also with STATUS_BUFFER_TOO_SMALL). */
  BufferSize = 0;
}

/** What a registration's routine receives for each change (ours). */
export interface PLUGPLAY_EVENT {
  /** GUID_DEVICE_INTERFACE_ARRIVAL or GUID_DEVICE_INTERFACE_REMOVAL. */
  Event: string;
  InterfaceClassGuid: string;
  /** The kernel's name, `\??\ROOT#SAMPLE#0000#{guid}`. */
  SymbolicLinkName: string;
}

/** The user-mode routine a notification thread of the process runs for one event; it may wait (a generator). */
export type PPLUGPLAY_NOTIFICATION_ROUTINE = (Event: PLUGPLAY_EVENT) => number | void | Generator<KWAIT_BLOCK, number | void, NTSTATUS>;

/** PlugPlayControlRegisterNotification's data (ours). */
export class PLUGPLAY_CONTROL_NOTIFICATION_DATA {
  /** The interface class to hear of, or null for every class. */
  FilterGuid: string | null = null;
  Routine: PPLUGPLAY_NOTIFICATION_ROUTINE | null = null;
  /** Out: a handle of the calling process; closing it ends the registration. */
  Handle = 0;
}

/**
 * One registration. Its events queue here; a user thread of the process (a thread-pool
 * thread in Windows) runs the routine for each, one at a time and in order, and ends when
 * the queue is empty. Closing the handle stops it: no routine starts after that.
 */
class PlugPlayNotification {
  ObHeader: OBJECT_HEADER | null = new OBJECT_HEADER("PlugPlayNotification", (o: PlugPlayNotification) => o.close());
  active = true;
  delivering = false;
  /** Events not yet delivered: queue[head..] (a head index, not shift(): the queue may grow). */
  queue: PLUGPLAY_EVENT[] = [];
  head = 0;
  constructor(
    readonly interfaces: DeviceInterfaces,
    readonly process: EPROCESS,
    readonly guid: string | null,
    readonly routine: PPLUGPLAY_NOTIFICATION_ROUTINE,
  ) {}

  readonly watch = (e: DeviceInterfaceEvent): void => {
    if (!this.active || this.process.terminated || (this.guid !== null && this.guid !== e.InterfaceClassGuid)) return;
    this.queue.push({ Event: e.Event, InterfaceClassGuid: e.InterfaceClassGuid, SymbolicLinkName: e.SymbolicLinkName });
    if (!this.delivering) this.startThread();
  };

  private startThread(): void {
    const m = cur;
    this.delivering = true;
    const t = m.createThread(this.process, "PnP notification");
    const s = m.scheduler.newStrand(t, this.deliver(), null, t.name);
    t.mainStrand = s;
    t.state = "ready";
    m.scheduler.makeReady(s);
  }

  private *deliver(): Generator<KWAIT_BLOCK, void, NTSTATUS> {
    try {
      while (this.active && !this.process.terminated && this.head < this.queue.length) {
        const ev = this.queue[this.head]!;
        this.queue[this.head++] = undefined!;
        if (this.head === this.queue.length) {
          this.queue = [];
          this.head = 0;
        }
        const r = this.routine(ev);
        if (isRoutineGenerator(r)) yield* r as Generator<KWAIT_BLOCK, unknown, NTSTATUS>;
      }
    } finally {
      this.delivering = false;
    }
  }

  close(): void {
    this.active = false;
    this.queue = [];
    this.head = 0;
    const w = this.interfaces.watchers;
    const k = w.indexOf(this.watch);
    if (k >= 0) w.splice(k, 1);
  }
}

function userBufferOk(Buffer: number, Length: number): boolean {
  const m = cur;
  if (m.cpu.process === m.systemProcess) return true;
  return typeof Buffer === "number" && Number.isInteger(Buffer) && Buffer > 0 && Buffer + Length <= MM_USER_PROBE_ADDRESS;
}

function getInterfaceDeviceList(d: PLUGPLAY_CONTROL_INTERFACE_DEVICE_LIST_DATA): NTSTATUS {
  const m = cur;
  if (typeof d.FilterGuid !== "string" || !/^\{[0-9a-fA-F-]{36}\}$/.test(d.FilterGuid)) return STATUS_INVALID_PARAMETER;
  let pdo = null;
  if (d.DeviceInstance !== null) {
    const node = typeof d.DeviceInstance === "string" ? m.pnp.node(d.DeviceInstance) : null;
    if (node === null) return STATUS_NO_SUCH_DEVICE;
    pdo = node.PhysicalDeviceObject;
  }
  const names = m.pnp.interfaces.list(d.FilterGuid, pdo, (d.Flags & DEVICE_INTERFACE_INCLUDE_NONACTIVE) !== 0);
  let chars = 1;
  for (const n of names) chars += n.length + 1;
  const size = 2 * chars;
  const room = d.BufferSize;
  d.BufferSize = size;
  if (d.Buffer === 0) return STATUS_SUCCESS;
  if (typeof room !== "number" || !(room >= size)) return STATUS_BUFFER_TOO_SMALL;
  if (!userBufferOk(d.Buffer, size)) return STATUS_ACCESS_VIOLATION;
  const b = new Uint8Array(size);
  let at = 0;
  for (const n of names) {
    for (let i = 0; i < n.length; i++) {
      const c = n.charCodeAt(i);
      b[at++] = c & 0xff;
      b[at++] = c >>> 8;
    }
    at += 2;
  }
  try {
    m.mm.writeBytes(d.Buffer, b);
  } catch (e) {
    if (e instanceof SehException) return e.ExceptionCode;
    throw e;
  }
  return STATUS_SUCCESS;
}

function registerNotification(d: PLUGPLAY_CONTROL_NOTIFICATION_DATA): NTSTATUS {
  const m = cur;
  d.Handle = 0;
  if (d.FilterGuid !== null && (typeof d.FilterGuid !== "string" || !/^\{[0-9a-fA-F-]{36}\}$/.test(d.FilterGuid))) return STATUS_INVALID_PARAMETER;
  if (typeof d.Routine !== "function") return STATUS_INVALID_PARAMETER;
  const process = m.cpu.process;
  const r = new PlugPlayNotification(m.pnp.interfaces, process, d.FilterGuid === null ? null : d.FilterGuid.toLowerCase(), d.Routine);
  r.ObHeader!.HandleCount = 1;
  m.pnp.interfaces.watchers.push(r.watch);
  d.Handle = process.handles.insert(r, 0x1f0001);
  return STATUS_SUCCESS;
}

/**
 * `NtPlugPlayControl`: user-mode PnP's way into the PnP manager. `Buffer` is the control
 * class's data structure (an object here; `BufferLength` is not checked). Classes:
 * PlugPlayControlGetInterfaceDeviceList and (ours) PlugPlayControlRegisterNotification;
 * any other is STATUS_NOT_IMPLEMENTED.
 */
export function NtPlugPlayControl(PlugPlayControlClass: number, Buffer: unknown, BufferLength: number): NTSTATUS {
  void BufferLength;
  switch (PlugPlayControlClass) {
    case PlugPlayControlGetInterfaceDeviceList:
      return Buffer instanceof PLUGPLAY_CONTROL_INTERFACE_DEVICE_LIST_DATA ? getInterfaceDeviceList(Buffer) : STATUS_INVALID_PARAMETER_2;
    case PlugPlayControlRegisterNotification:
      return Buffer instanceof PLUGPLAY_CONTROL_NOTIFICATION_DATA ? registerNotification(Buffer) : STATUS_INVALID_PARAMETER_2;
    default:
      return STATUS_NOT_IMPLEMENTED;
  }
}
