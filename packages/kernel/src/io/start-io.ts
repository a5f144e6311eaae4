import { cur } from "../context.js";
import type { Box } from "../box.js";
import { KeBugCheckEx } from "../ke/bugcheck.js";
import { DRIVER_IRQL_NOT_LESS_OR_EQUAL, DRIVER_VERIFIER_DETECTED_VIOLATION } from "../ke/bugcheck-codes.js";
import { KeInsertByKeyDeviceQueue, KeInsertDeviceQueue, KeRemoveByKeyDeviceQueue, KeRemoveDeviceQueue } from "../ke/device-queue.js";
import { DISPATCH_LEVEL, IrqlName, type KIRQL } from "../ke/irql.js";
import { KeLowerIrql, KeRaiseIrql } from "../ke/irql-ddi.js";
import { IoAcquireCancelSpinLock, IoReleaseCancelSpinLock } from "./cancel.js";
import type { DEVICE_OBJECT } from "./device.js";
import type { DRIVER_CANCEL, IRP } from "./irp.js";

/*
 * The I/O manager's StartIo machinery: IoStartPacket queues an IRP in the device's
 * KDEVICE_QUEUE while the device is busy, or makes it DeviceObject->CurrentIrp and calls
 * the driver's StartIo at DISPATCH_LEVEL; IoStartNextPacket takes the next one when the
 * driver is done with the current one. So a driver's StartIo sees one request at a time.
 *
 * Recursion. IoStartNextPacket calls StartIo itself, so a StartIo routine that finishes
 * its request at once and calls IoStartNextPacket re-enters StartIo, one level deeper per
 * queued IRP. Windows sets no limit (the kernel stack overflows: the StartIoRecursion rule
 * tells such drivers to call IoSetStartIoAttributes(DeferredStartIo = TRUE)). We keep what
 * a driver can observe of both modes and still bound the JavaScript stack:
 * - DeferredStartIo, as Windows: IoStartNextPacket called while StartIo runs only records
 *   the request; when StartIo returns, the I/O manager routine that called it starts the
 *   next packet, in a loop. StartIo is never re-entered.
 * - Default, as Windows for the first MAX_NESTED_START_IO levels (the next StartIo runs
 *   inside IoStartNextPacket, before the caller's IoCompleteRequest), then deferred the
 *   same way instead of nesting deeper. Emulating the stack overflow instead would stop
 *   a driver that drains thousands of requests synchronously with a JavaScript
 *   RangeError, which is neither Windows' bug check nor anything a reader can act on.
 */

/** DEVOBJ_EXTENSION.StartIoFlags (the values of ntoskrnl). */
const DOE_SIO_NO_KEY = 0x20;
const DOE_SIO_WITH_KEY = 0x40;
const DOE_SIO_CANCELABLE = 0x80;
const DOE_SIO_DEFERRED = 0x100;
const DOE_SIO_NO_CANCEL = 0x200;
/** A deferred IoStartNextPacket(ByKey) waiting for StartIo to return. */
const DOE_SIO_REQUESTED = DOE_SIO_NO_KEY | DOE_SIO_WITH_KEY;

/** How deep StartIo may nest inside IoStartNextPacket without DeferredStartIo (see above). */
export const MAX_NESTED_START_IO = 8;

/** Scratch for IRQLs the lock and raise calls hand back; each is read at once into a local. */
const scratch: Box<KIRQL> = { value: 0 };

/**
 * `IoSetStartIoAttributes`: DeferredStartIo — never re-enter StartIo (an IoStartNextPacket
 * from inside it waits until it returns); NonCancelable — an IRP made current by
 * IoStartPacket or IoStartNextPacket(Cancelable = TRUE) loses its cancel routine.
 */
export function IoSetStartIoAttributes(DeviceObject: DEVICE_OBJECT, DeferredStartIo: boolean, NonCancelable: boolean): void {
  let f = DeviceObject.StartIoFlags & ~(DOE_SIO_DEFERRED | DOE_SIO_NO_CANCEL);
  if (DeferredStartIo) f |= DOE_SIO_DEFERRED;
  if (NonCancelable) f |= DOE_SIO_NO_CANCEL;
  DeviceObject.StartIoFlags = f;
}

/**
 * `IoStartPacket`: at DISPATCH_LEVEL, and under the cancel spin lock with the cancel
 * routine set when CancelFunction is given, inserts the IRP in the device queue (by *Key
 * if Key is given). If the device was not busy, the IRP becomes CurrentIrp and StartIo
 * runs now — with an IRP already cancelled too: StartIo must check Irp->Cancel, as on
 * Windows. If it was queued and is already cancelled, CancelFunction is called at once
 * (with the cancel spin lock held, for it to release).
 */
export function IoStartPacket(DeviceObject: DEVICE_OBJECT, Irp: IRP, Key: Box<number> | null, CancelFunction: DRIVER_CANCEL | null): void {
  KeRaiseIrql(DISPATCH_LEVEL, scratch);
  const oldIrql = scratch.value;
  let cancelIrql = 0;
  if (CancelFunction !== null) {
    IoAcquireCancelSpinLock(scratch);
    cancelIrql = scratch.value;
    Irp.CancelRoutine = CancelFunction;
  }
  const entry = Irp.Tail.Overlay.DeviceQueueEntry;
  const queued = Key !== null ? KeInsertByKeyDeviceQueue(DeviceObject.DeviceQueue, entry, Key.value) : KeInsertDeviceQueue(DeviceObject.DeviceQueue, entry);
  if (!queued) {
    DeviceObject.CurrentIrp = Irp;
    if (CancelFunction !== null) {
      if ((DeviceObject.StartIoFlags & DOE_SIO_NO_CANCEL) !== 0) Irp.CancelRoutine = null;
      IoReleaseCancelSpinLock(cancelIrql);
    }
    IopCallStartIo(DeviceObject, Irp);
    IopRunDeferredStarts(DeviceObject);
  } else if (CancelFunction !== null) {
    // Cancelled before it got its cancel routine: IoCancelIrp found none to call, so we do.
    if (Irp.Cancel) {
      Irp.CancelIrql = cancelIrql;
      Irp.CancelRoutine = null;
      CancelFunction(DeviceObject, Irp);
    } else {
      IoReleaseCancelSpinLock(cancelIrql);
    }
  }
  KeLowerIrql(oldIrql);
}

/**
 * `IoStartNextPacket`: the device is done with CurrentIrp. Takes the IRP at the head of
 * the device queue, makes it CurrentIrp and calls StartIo with it; with an empty queue,
 * clears CurrentIrp and the queue's busy state. Cancelable: the queue and CurrentIrp are
 * handled under the cancel spin lock (pass TRUE if IoStartPacket was given a cancel routine).
 */
export function IoStartNextPacket(DeviceObject: DEVICE_OBJECT, Cancelable: boolean): void {
  requireDispatchLevel("IoStartNextPacket");
  IopStartNextPacketEx(DeviceObject, DOE_SIO_NO_KEY | (Cancelable ? DOE_SIO_CANCELABLE : 0), 0);
}

/** `IoStartNextPacketByKey`: as IoStartNextPacket, taking the first IRP whose key is >= Key (else the head). */
export function IoStartNextPacketByKey(DeviceObject: DEVICE_OBJECT, Cancelable: boolean, Key: number): void {
  requireDispatchLevel("IoStartNextPacketByKey");
  IopStartNextPacketEx(DeviceObject, DOE_SIO_WITH_KEY | (Cancelable ? DOE_SIO_CANCELABLE : 0), Key >>> 0);
}

function requireDispatchLevel(routine: string): void {
  const m = cur;
  const irql = m.cpu.Irql;
  if (m.checked && irql !== DISPATCH_LEVEL) {
    KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, 0x00020003, irql, 0, 0,
      `${routine} was called at ${IrqlName(irql)}; it must be called at DISPATCH_LEVEL (rule IrqlDispatch), usually from a DpcForIsr or CustomDpc routine or from StartIo.`);
  }
}

function IopStartNextPacketEx(DeviceObject: DEVICE_OBJECT, request: number, key: number): void {
  const limit = (DeviceObject.StartIoFlags & DOE_SIO_DEFERRED) !== 0 ? 1 : MAX_NESTED_START_IO;
  if (DeviceObject.StartIoCount >= limit) {
    // Inside StartIo, as deep as it may go: the routine that called StartIo starts it on return.
    DeviceObject.StartIoFlags = (DeviceObject.StartIoFlags & ~(DOE_SIO_REQUESTED | DOE_SIO_CANCELABLE)) | request;
    DeviceObject.StartIoKey = key;
    return;
  }
  IopStartNextPacket(DeviceObject, request, key);
  IopRunDeferredStarts(DeviceObject);
}

/** Start the packets IoStartNextPacket deferred while the StartIo this routine called was running. */
function IopRunDeferredStarts(DeviceObject: DEVICE_OBJECT): void {
  const limit = (DeviceObject.StartIoFlags & DOE_SIO_DEFERRED) !== 0 ? 1 : MAX_NESTED_START_IO;
  let flags: number;
  while (((flags = DeviceObject.StartIoFlags) & DOE_SIO_REQUESTED) !== 0 && DeviceObject.StartIoCount < limit) {
    const key = DeviceObject.StartIoKey;
    DeviceObject.StartIoFlags = flags & ~(DOE_SIO_REQUESTED | DOE_SIO_CANCELABLE);
    DeviceObject.StartIoKey = 0;
    IopStartNextPacket(DeviceObject, flags & (DOE_SIO_REQUESTED | DOE_SIO_CANCELABLE), key);
  }
}

function IopStartNextPacket(DeviceObject: DEVICE_OBJECT, request: number, key: number): void {
  const cancelable = (request & DOE_SIO_CANCELABLE) !== 0;
  let cancelIrql = 0;
  if (cancelable) {
    IoAcquireCancelSpinLock(scratch);
    cancelIrql = scratch.value;
  }
  DeviceObject.CurrentIrp = null;
  const entry = (request & DOE_SIO_WITH_KEY) !== 0 ? KeRemoveByKeyDeviceQueue(DeviceObject.DeviceQueue, key) : KeRemoveDeviceQueue(DeviceObject.DeviceQueue);
  if (entry === null) {
    if (cancelable) IoReleaseCancelSpinLock(cancelIrql);
    return;
  }
  const irp = entry.Container as IRP;
  DeviceObject.CurrentIrp = irp;
  if (cancelable) {
    if ((DeviceObject.StartIoFlags & DOE_SIO_NO_CANCEL) !== 0) irp.CancelRoutine = null;
    IoReleaseCancelSpinLock(cancelIrql);
  }
  IopCallStartIo(DeviceObject, irp);
}

/** Calls the driver's StartIo with its new current IRP, counting the nesting per device. */
function IopCallStartIo(DeviceObject: DEVICE_OBJECT, Irp: IRP): void {
  const m = cur;
  const cpu = m.cpu;
  const driver = DeviceObject.DriverObject;
  const startIo = driver.DriverStartIo;
  if (startIo === null) {
    // Windows calls through the NULL pointer: a fault on address 0 at DISPATCH_LEVEL.
    KeBugCheckEx(DRIVER_IRQL_NOT_LESS_OR_EQUAL, 0, cpu.Irql, 8, 0,
      `${driver.DriverName} used IoStartPacket/IoStartNextPacket but has no StartIo routine (DriverObject->DriverStartIo is NULL): the I/O manager called address 0.`, driver);
  }
  const prevDriver = cpu.driver;
  cpu.driver = driver;
  DeviceObject.StartIoCount++;
  if (m.trace !== null) m.trace.event("start-io", driver, null);
  startIo(DeviceObject, Irp);
  DeviceObject.StartIoCount--;
  cpu.driver = prevDriver;
}
