import { cur } from "../context.js";
import type { Box } from "../box.js";
import { KeBugCheckEx } from "./bugcheck.js";
import { DRIVER_VERIFIER_DETECTED_VIOLATION } from "./bugcheck-codes.js";
import { DISPATCH_LEVEL, IrqlName, type KIRQL } from "./irql.js";
import { KeAcquireSpinLock, KeAcquireSpinLockAtDpcLevel, KeInitializeSpinLock, KeReleaseSpinLock, KeReleaseSpinLockFromDpcLevel, KSPIN_LOCK } from "./spin-lock.js";

/** Driver Verifier's DDI compliance rule IDs (parameter 1 of bug check 0xC4) for the device queue routines. */
const RULE_IRQL_DISPATCH = 0x00020003; // IrqlDispatch: the caller must be at DISPATCH_LEVEL
const RULE_IRQL_KE_DISPATCH_LTE = 0x00020011; // IrqlKeDispatchLte: the caller must be at or below DISPATCH_LEVEL

/** KOBJECTS.DeviceQueueObject, the Type of a KDEVICE_QUEUE. */
export const DeviceQueueObject = 20;

/**
 * KDEVICE_QUEUE_ENTRY: the links a request carries while it waits in a device queue
 * (the IRP's is `Irp.Tail.Overlay.DeviceQueueEntry`).
 */
export class KDEVICE_QUEUE_ENTRY {
  /** DeviceListEntry: the LIST_ENTRY links (our stand-in: the neighbouring entries). */
  Flink: KDEVICE_QUEUE_ENTRY | null = null;
  Blink: KDEVICE_QUEUE_ENTRY | null = null;
  SortKey = 0;
  /** TRUE while the entry is in a device queue. */
  Inserted = false;
  /**
   * The structure the entry is embedded in (the IRP, for Tail.Overlay.DeviceQueueEntry):
   * our stand-in for CONTAINING_RECORD, which JavaScript objects cannot do.
   */
  readonly Container: any;
  constructor(Container: any = null) {
    this.Container = Container;
  }
}
export type PKDEVICE_QUEUE_ENTRY = KDEVICE_QUEUE_ENTRY;

/**
 * KDEVICE_QUEUE: a queue of requests for one device, with the busy state that tells
 * the caller whether to start a request at once or leave it queued.
 */
export class KDEVICE_QUEUE {
  Type = DeviceQueueObject;
  /** The list head: a circular list of entries through Flink/Blink, as LIST_ENTRY is. */
  readonly DeviceListHead = new KDEVICE_QUEUE_ENTRY();
  readonly Lock = new KSPIN_LOCK();
  Busy = false;
  constructor() {
    this.DeviceListHead.Flink = this.DeviceListHead;
    this.DeviceListHead.Blink = this.DeviceListHead;
  }
}
export type PKDEVICE_QUEUE = KDEVICE_QUEUE;

function requireDispatchLevel(routine: string): void {
  const m = cur;
  const irql = m.cpu.Irql;
  if (m.checked && irql !== DISPATCH_LEVEL) {
    KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, RULE_IRQL_DISPATCH, irql, 0, 0,
      `${routine} was called at ${IrqlName(irql)}; it must be called at DISPATCH_LEVEL (rule IrqlDispatch) — in a DPC, a StartIo routine, or with a spin lock held.`);
  }
}

function requireAtMostDispatchLevel(routine: string): void {
  const m = cur;
  const irql = m.cpu.Irql;
  if (m.checked && irql > DISPATCH_LEVEL) {
    KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, RULE_IRQL_KE_DISPATCH_LTE, irql, 0, 0,
      `${routine} was called at ${IrqlName(irql)}; it must be called at or below DISPATCH_LEVEL (rule IrqlKeDispatchLte).`);
  }
}

function insertBefore(next: KDEVICE_QUEUE_ENTRY, entry: KDEVICE_QUEUE_ENTRY): void {
  const prev = next.Blink!;
  entry.Flink = next;
  entry.Blink = prev;
  prev.Flink = entry;
  next.Blink = entry;
  entry.Inserted = true;
}

function unlink(entry: KDEVICE_QUEUE_ENTRY): void {
  entry.Blink!.Flink = entry.Flink;
  entry.Flink!.Blink = entry.Blink;
  entry.Flink = null;
  entry.Blink = null;
  entry.Inserted = false;
}

/** `KeInitializeDeviceQueue`: an empty queue, not busy. */
export function KeInitializeDeviceQueue(DeviceQueue: KDEVICE_QUEUE): void {
  requireAtMostDispatchLevel("KeInitializeDeviceQueue");
  DeviceQueue.Type = DeviceQueueObject;
  const head = DeviceQueue.DeviceListHead;
  head.Flink = head;
  head.Blink = head;
  KeInitializeSpinLock(DeviceQueue.Lock);
  DeviceQueue.Busy = false;
}

/**
 * `KeInsertDeviceQueue`: if the queue is busy, queues the entry at the tail and returns
 * TRUE; otherwise marks the queue busy, leaves the entry out and returns FALSE — the
 * caller must start the request itself.
 */
export function KeInsertDeviceQueue(DeviceQueue: KDEVICE_QUEUE, DeviceQueueEntry: KDEVICE_QUEUE_ENTRY): boolean {
  requireDispatchLevel("KeInsertDeviceQueue");
  KeAcquireSpinLockAtDpcLevel(DeviceQueue.Lock);
  let inserted = false;
  if (DeviceQueue.Busy) {
    insertBefore(DeviceQueue.DeviceListHead, DeviceQueueEntry);
    inserted = true;
  } else {
    DeviceQueue.Busy = true;
    DeviceQueueEntry.Inserted = false;
  }
  KeReleaseSpinLockFromDpcLevel(DeviceQueue.Lock);
  return inserted;
}

/**
 * `KeInsertByKeyDeviceQueue`: as KeInsertDeviceQueue, but a queued entry goes after every
 * entry whose SortKey is less than or equal to its own and before the first greater one.
 */
export function KeInsertByKeyDeviceQueue(DeviceQueue: KDEVICE_QUEUE, DeviceQueueEntry: KDEVICE_QUEUE_ENTRY, SortKey: number): boolean {
  requireDispatchLevel("KeInsertByKeyDeviceQueue");
  KeAcquireSpinLockAtDpcLevel(DeviceQueue.Lock);
  DeviceQueueEntry.SortKey = SortKey >>> 0;
  let inserted = false;
  if (DeviceQueue.Busy) {
    const head = DeviceQueue.DeviceListHead;
    const key = DeviceQueueEntry.SortKey;
    let next = head.Flink!;
    while (next !== head && next.SortKey <= key) next = next.Flink!;
    insertBefore(next, DeviceQueueEntry);
    inserted = true;
  } else {
    DeviceQueue.Busy = true;
    DeviceQueueEntry.Inserted = false;
  }
  KeReleaseSpinLockFromDpcLevel(DeviceQueue.Lock);
  return inserted;
}

/**
 * `KeRemoveDeviceQueue`: takes the entry at the head. On an empty queue, marks the
 * queue not busy and returns NULL.
 */
export function KeRemoveDeviceQueue(DeviceQueue: KDEVICE_QUEUE): KDEVICE_QUEUE_ENTRY | null {
  requireDispatchLevel("KeRemoveDeviceQueue");
  KeAcquireSpinLockAtDpcLevel(DeviceQueue.Lock);
  const head = DeviceQueue.DeviceListHead;
  let entry: KDEVICE_QUEUE_ENTRY | null = head.Flink!;
  if (entry === head) {
    DeviceQueue.Busy = false;
    entry = null;
  } else {
    unlink(entry);
  }
  KeReleaseSpinLockFromDpcLevel(DeviceQueue.Lock);
  return entry;
}

/**
 * `KeRemoveByKeyDeviceQueue`: takes the first entry whose SortKey is greater than or
 * equal to SortKey, or the head if there is none. On an empty queue, marks the queue
 * not busy and returns NULL.
 */
export function KeRemoveByKeyDeviceQueue(DeviceQueue: KDEVICE_QUEUE, SortKey: number): KDEVICE_QUEUE_ENTRY | null {
  requireDispatchLevel("KeRemoveByKeyDeviceQueue");
  KeAcquireSpinLockAtDpcLevel(DeviceQueue.Lock);
  const head = DeviceQueue.DeviceListHead;
  let entry: KDEVICE_QUEUE_ENTRY | null = head.Flink!;
  if (entry === head) {
    DeviceQueue.Busy = false;
    entry = null;
  } else {
    const key = SortKey >>> 0;
    let e = entry;
    while (e !== head && e.SortKey < key) e = e.Flink!;
    if (e !== head) entry = e;
    unlink(entry);
  }
  KeReleaseSpinLockFromDpcLevel(DeviceQueue.Lock);
  return entry;
}

/**
 * `KeRemoveEntryDeviceQueue`: takes one particular entry out, if it is queued (TRUE);
 * FALSE if it is not (being processed already, or cancelled). The busy state does not
 * change. Raises to DISPATCH_LEVEL for the queue's lock itself.
 */
export function KeRemoveEntryDeviceQueue(DeviceQueue: KDEVICE_QUEUE, DeviceQueueEntry: KDEVICE_QUEUE_ENTRY): boolean {
  requireAtMostDispatchLevel("KeRemoveEntryDeviceQueue");
  const irql: Box<KIRQL> = { value: 0 };
  KeAcquireSpinLock(DeviceQueue.Lock, irql);
  const was = DeviceQueueEntry.Inserted;
  if (was) unlink(DeviceQueueEntry);
  KeReleaseSpinLock(DeviceQueue.Lock, irql.value);
  return was;
}
