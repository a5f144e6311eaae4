import { cur } from "../context.js";
import type { Box } from "../box.js";
import type { DEVICE_OBJECT } from "../io/device.js";
import type { DRIVER_OBJECT } from "../io/driver.js";
import { FILE_OBJECT } from "../io/file.js";
import type { DEVICE_NODE } from "./device-node.js";
import type { KWAIT_GENERATOR } from "../ke/dispatcher.js";
import { isRoutineGenerator } from "../ke/routine.js";
import { KeBugCheckEx } from "../ke/bugcheck.js";
import { PNP_DETECTED_FATAL_ERROR } from "../ke/bugcheck-codes.js";
import { PASSIVE_LEVEL } from "../ke/irql.js";
import { VfIrqlTooHigh } from "../verifier/irql-rules.js";
import {
  STATUS_INVALID_DEVICE_REQUEST, STATUS_INVALID_PARAMETER, STATUS_OBJECT_NAME_NOT_FOUND, STATUS_SUCCESS, STATUS_INSUFFICIENT_RESOURCES,
  type NTSTATUS,
} from "../ntstatus.js";
import { SymbolicLink } from "../ob/namespace.js";
import { startSystemThread } from "../ps/system-thread.js";
import { EventCategoryTargetDeviceChange, EventCategoryDeviceInterfaceChange, GUID_DEVICE_INTERFACE_ARRIVAL, GUID_DEVICE_INTERFACE_REMOVAL, PNPNOTIFY_DEVICE_INTERFACE_INCLUDE_EXISTING_INTERFACES } from "./pnp-constants.js";
import { IoAllocateWideStrings } from "./wide-string.js";
import type { PnpManager } from "./pnp-manager.js";


/** DEVICE_INTERFACE_CHANGE_NOTIFICATION: what a device-interface callback receives. */
export interface DEVICE_INTERFACE_CHANGE_NOTIFICATION {
  Version: number;
  Size: number;
  /** GUID_DEVICE_INTERFACE_ARRIVAL or GUID_DEVICE_INTERFACE_REMOVAL. */
  Event: string;
  InterfaceClassGuid: string;
  SymbolicLinkName: string;
}

/** DRIVER_NOTIFICATION_CALLBACK_ROUTINE: runs at PASSIVE_LEVEL in a system worker thread; may wait. */
export type DRIVER_NOTIFICATION_CALLBACK_ROUTINE = (NotificationStructure: any, Context: any) => NTSTATUS | KWAIT_GENERATOR<NTSTATUS>;

/** DEVICE_INTERFACE_INCLUDE_NONACTIVE for IoGetDeviceInterfaces. */
export const DEVICE_INTERFACE_INCLUDE_NONACTIVE = 0x1;

/** One registered interface instance. */
class DeviceInterface {
  enabled = false;
  /** The reference string is not part of the link: it reaches the driver as the rest of the opened name. */
  constructor(readonly pdo: DEVICE_OBJECT, readonly guid: string, readonly name: string, readonly link: string) {}
}

/** TARGET_DEVICE_REMOVAL_NOTIFICATION: what a target-device callback receives. */
export interface TARGET_DEVICE_REMOVAL_NOTIFICATION {
  Version: number;
  Size: number;
  /** GUID_TARGET_DEVICE_QUERY_REMOVE, GUID_TARGET_DEVICE_REMOVE_CANCELLED or GUID_TARGET_DEVICE_REMOVE_COMPLETE. */
  Event: string;
  FileObject: FILE_OBJECT;
}

/** The notification entry IoRegisterPlugPlayNotification hands back. */
export class PNP_NOTIFICATION_ENTRY {
  active = true;
  /** EventCategoryTargetDeviceChange: the file object watched and the device node it is open on. */
  fileObject: FILE_OBJECT | null = null;
  node: DEVICE_NODE | null = null;
  constructor(
    readonly guid: string,
    readonly driver: DRIVER_OBJECT,
    readonly callback: DRIVER_NOTIFICATION_CALLBACK_ROUTINE,
    readonly context: any,
  ) {}
}

/** A host-side record of interface arrivals and removals (for a future Win32 listener). */
export interface DeviceInterfaceEvent {
  Event: string;
  InterfaceClassGuid: string;
  SymbolicLinkName: string;
}

/** The machine's device interfaces and their listeners. */
export class DeviceInterfaces {
  private readonly byName = new Map<string, DeviceInterface>();
  private readonly listeners: PNP_NOTIFICATION_ENTRY[] = [];
  /** EventCategoryTargetDeviceChange registrations. */
  readonly targetListeners: PNP_NOTIFICATION_ENTRY[] = [];
  /** Notification callbacks started and not yet returned. */
  pending = 0;
  /** Every arrival and removal, in order (hosts read and clear it). */
  readonly events: DeviceInterfaceEvent[] = [];
  /** User-mode listeners (NtPlugPlayControl's registrations): told of each change as it happens, in the kernel. */
  readonly watchers: ((e: DeviceInterfaceEvent) => void)[] = [];
  constructor(readonly pnp: PnpManager) {}

  register(pdo: DEVICE_OBJECT, guid: string, ref: string | null): string {
    const node = pdo.DeviceNode!;
    const g = guid.toLowerCase();
    const link = `\\??\\${node.InstancePath.replace(/\\/g, "#")}#${g}`;
    const name = ref ? `${link}\\${ref}` : link;
    const key = name.toUpperCase();
    if (!this.byName.has(key)) {
      this.byName.set(key, new DeviceInterface(pdo, g, name, link));
      (node.Interfaces ??= []).push(name);
    }
    return this.byName.get(key)!.name;
  }

  lookup(name: string): DeviceInterface | undefined {
    return this.byName.get(name.toUpperCase());
  }

  setState(i: DeviceInterface, enable: boolean): NTSTATUS {
    if (i.enabled === enable) return STATUS_SUCCESS;
    const ns = cur.ob.namespace;
    const link = i.link;
    if (enable) {
      const target = i.pdo.DeviceName;
      if (target === null) return STATUS_INVALID_DEVICE_REQUEST;
      const st = ns.insert(link, new SymbolicLink(target));
      if (st < 0) return st;
    } else {
      ns.remove(link);
    }
    i.enabled = enable;
    this.notify(enable ? GUID_DEVICE_INTERFACE_ARRIVAL : GUID_DEVICE_INTERFACE_REMOVAL, i.guid, i.name);
    return STATUS_SUCCESS;
  }

  /** Disable every interface of a device being removed (IopDisableDeviceInterfaces). */
  disableAll(pdo: DEVICE_OBJECT): void {
    const names = pdo.DeviceNode?.Interfaces;
    if (!names) return;
    for (const n of names) {
      const i = this.byName.get(n.toUpperCase());
      if (i !== undefined && i.enabled) this.setState(i, false);
    }
  }

  /** A deleted device's interfaces go (Windows keeps them in the registry, inactive; TODO(registry)). */
  forget(pdo: DEVICE_OBJECT): void {
    const names = pdo.DeviceNode?.Interfaces;
    if (!names) return;
    for (const n of names) this.byName.delete(n.toUpperCase());
  }

  list(guid: string, pdo: DEVICE_OBJECT | null, includeNonActive: boolean): string[] {
    const g = guid.toLowerCase();
    const out: string[] = [];
    for (const i of this.byName.values()) if (i.guid === g && (pdo === null || i.pdo === pdo) && (i.enabled || includeNonActive)) out.push(i.name);
    return out;
  }

  addListener(e: PNP_NOTIFICATION_ENTRY, includeExisting: boolean): void {
    this.listeners.push(e);
    if (includeExisting) for (const i of this.byName.values()) if (i.enabled && i.guid === e.guid) this.deliver(e, GUID_DEVICE_INTERFACE_ARRIVAL, i.guid, i.name);
  }

  removeListener(e: PNP_NOTIFICATION_ENTRY): boolean {
    const list = e.fileObject !== null ? this.targetListeners : this.listeners;
    const k = list.indexOf(e);
    if (k < 0) return false;
    list.splice(k, 1);
    e.active = false;
    return true;
  }

  private notify(event: string, guid: string, name: string): void {
    const ev: DeviceInterfaceEvent = { Event: event, InterfaceClassGuid: guid, SymbolicLinkName: name };
    this.events.push(ev);
    for (const w of this.watchers) w(ev);
    for (const e of this.listeners) if (e.guid === guid) this.deliver(e, event, guid, name);
  }

  /** Callbacks run at PASSIVE_LEVEL on a system worker thread, never in the caller's context. */
  private deliver(e: PNP_NOTIFICATION_ENTRY, event: string, guid: string, name: string): void {
    const n: DEVICE_INTERFACE_CHANGE_NOTIFICATION = { Version: 1, Size: 0, Event: event, InterfaceClassGuid: guid, SymbolicLinkName: name };
    const body = (function* (): KWAIT_GENERATOR<void> {
      if (!e.active) return;
      const r = e.callback(n, e.context);
      if (isRoutineGenerator(r)) yield* r as KWAIT_GENERATOR<NTSTATUS>;
    })();
    this.pending++;
    startSystemThread("PnP notification", e.driver, body, () => void this.pending--);
  }
}

function requirePdo(DeviceObject: DEVICE_OBJECT, ddi: string): void {
  if (DeviceObject?.DeviceNode == null) {
    KeBugCheckEx(PNP_DETECTED_FATAL_ERROR, 0x2, DeviceObject?.address ?? 0, 0, 0,
      `${ddi} needs a PDO the PnP manager has enumerated (returned in BusRelations); it was given ${DeviceObject?.DeviceName ?? "an unnamed device object"} of ${DeviceObject?.DriverObject?.DriverName ?? "?"}.`);
  }
}

/**
 * `IoRegisterDeviceInterface`: registers an interface instance of `InterfaceClassGuid` for
 * the device and returns its symbolic link name (`\??\ROOT#SAMPLE#0000#{guid}`), disabled
 * until IoSetDeviceInterfaceState enables it.
 */
export function IoRegisterDeviceInterface(PhysicalDeviceObject: DEVICE_OBJECT, InterfaceClassGuid: string, ReferenceString: string | null, SymbolicLinkName: Box<string>): NTSTATUS {
  const m = cur;
  if (m.checked && m.cpu.Irql !== PASSIVE_LEVEL) VfIrqlTooHigh("IoRegisterDeviceInterface", PASSIVE_LEVEL);
  requirePdo(PhysicalDeviceObject, "IoRegisterDeviceInterface");
  if (typeof InterfaceClassGuid !== "string" || !/^\{[0-9a-fA-F-]{36}\}$/.test(InterfaceClassGuid)) return STATUS_INVALID_PARAMETER;
  SymbolicLinkName.value = m.pnp.interfaces.register(PhysicalDeviceObject, InterfaceClassGuid, ReferenceString);
  return STATUS_SUCCESS;
}

/** `IoSetDeviceInterfaceState`: enabling creates the symbolic link (so CreateFile on it reaches the stack) and announces arrival; disabling removes it. */
export function IoSetDeviceInterfaceState(SymbolicLinkName: string, Enable: boolean): NTSTATUS {
  const m = cur;
  if (m.checked && m.cpu.Irql !== PASSIVE_LEVEL) VfIrqlTooHigh("IoSetDeviceInterfaceState", PASSIVE_LEVEL);
  const i = typeof SymbolicLinkName === "string" ? m.pnp.interfaces.lookup(SymbolicLinkName) : undefined;
  if (i === undefined) return STATUS_OBJECT_NAME_NOT_FOUND;
  return m.pnp.interfaces.setState(i, Enable);
}

/**
 * `IoGetDeviceInterfaces`: the enabled instances of an interface class (all, with
 * DEVICE_INTERFACE_INCLUDE_NONACTIVE) as a MULTI_SZ in paged pool the caller frees.
 */
export function IoGetDeviceInterfaces(InterfaceClassGuid: string, PhysicalDeviceObject: DEVICE_OBJECT | null, Flags: number, SymbolicLinkList: Box<number>): NTSTATUS {
  const m = cur;
  SymbolicLinkList.value = 0;
  if (typeof InterfaceClassGuid !== "string") return STATUS_INVALID_PARAMETER;
  const names = m.pnp.interfaces.list(InterfaceClassGuid, PhysicalDeviceObject, (Flags & DEVICE_INTERFACE_INCLUDE_NONACTIVE) !== 0);
  const p = IoAllocateWideStrings(names, true);
  if (p === 0) return STATUS_INSUFFICIENT_RESOURCES;
  SymbolicLinkList.value = p;
  return STATUS_SUCCESS;
}

/**
 * `IoRegisterPlugPlayNotification(EventCategoryDeviceInterfaceChange, ...)`: the callback
 * learns of each arrival and removal of the interface class (and, with
 * PNPNOTIFY_DEVICE_INTERFACE_INCLUDE_EXISTING_INTERFACES, of those already enabled).
 * Other categories are not emulated yet: STATUS_NOT_SUPPORTED... as STATUS_INVALID_PARAMETER.
 */
export function IoRegisterPlugPlayNotification(
  EventCategory: number,
  EventCategoryFlags: number,
  EventCategoryData: string | FILE_OBJECT,
  DriverObject: DRIVER_OBJECT,
  CallbackRoutine: DRIVER_NOTIFICATION_CALLBACK_ROUTINE,
  Context: any,
  NotificationEntry: Box<PNP_NOTIFICATION_ENTRY | null>,
): NTSTATUS {
  const m = cur;
  if (m.checked && m.cpu.Irql !== PASSIVE_LEVEL) VfIrqlTooHigh("IoRegisterPlugPlayNotification", PASSIVE_LEVEL);
  NotificationEntry.value = null;
  if (typeof CallbackRoutine !== "function") return STATUS_INVALID_PARAMETER;
  if (EventCategory === EventCategoryTargetDeviceChange) {
    // EventCategoryData is a file object open on the device; the callbacks come synchronously from the PnP manager.
    const fo = EventCategoryData as unknown as FILE_OBJECT;
    if (!(fo instanceof FILE_OBJECT)) return STATUS_INVALID_PARAMETER;
    let pdo = fo.DeviceObject;
    while (pdo.AttachedTo !== null) pdo = pdo.AttachedTo;
    if (pdo.DeviceNode === null) return STATUS_INVALID_PARAMETER;
    const e = new PNP_NOTIFICATION_ENTRY("", DriverObject, CallbackRoutine, Context);
    e.fileObject = fo;
    e.node = pdo.DeviceNode;
    m.pnp.interfaces.targetListeners.push(e);
    NotificationEntry.value = e;
    return STATUS_SUCCESS;
  }
  if (EventCategory !== EventCategoryDeviceInterfaceChange || typeof EventCategoryData !== "string") return STATUS_INVALID_PARAMETER;
  const e = new PNP_NOTIFICATION_ENTRY(EventCategoryData.toLowerCase(), DriverObject, CallbackRoutine, Context);
  m.pnp.interfaces.addListener(e, (EventCategoryFlags & PNPNOTIFY_DEVICE_INTERFACE_INCLUDE_EXISTING_INTERFACES) !== 0);
  NotificationEntry.value = e;
  return STATUS_SUCCESS;
}

/** `IoUnregisterPlugPlayNotificationEx`: no callback starts after it returns. */
export function IoUnregisterPlugPlayNotificationEx(NotificationEntry: PNP_NOTIFICATION_ENTRY): NTSTATUS {
  const m = cur;
  if (!(NotificationEntry instanceof PNP_NOTIFICATION_ENTRY)) return STATUS_INVALID_PARAMETER;
  return m.pnp.interfaces.removeListener(NotificationEntry) ? STATUS_SUCCESS : STATUS_INVALID_PARAMETER;
}

/** `IoUnregisterPlugPlayNotification` (the older form). */
export function IoUnregisterPlugPlayNotification(NotificationEntry: PNP_NOTIFICATION_ENTRY): NTSTATUS {
  return IoUnregisterPlugPlayNotificationEx(NotificationEntry);
}

export { requirePdo as PipRequirePdo };
