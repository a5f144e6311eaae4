/**
 * racequeue.sys: completion racing cleanup on handle close. A read (at least 4 bytes) waits
 * in the driver's list until the device answers: a DPC on another processor than the
 * requester's (the device's interrupt is routed there), which takes the reads off the list
 * one at a time under the list's spin lock and completes each with the next 4-byte
 * sequence number. Closing the last handle of a file object sends IRP_MJ_CLEANUP, which
 * must complete that file object's waiting reads as cancelled.
 *
 * - `unlocked-cleanup`: the cleanup routine walks the list without the lock, the way C
 *   walks a LIST_ENTRY saving each entry's Flink, and completes the reads it found. The DPC,
 *   running on its processor meanwhile, takes and completes reads the walk has already
 *   counted: the same IRP is completed by both, MULTIPLE_IRP_COMPLETE_REQUESTS (0x44).
 * - `locked-cleanup`: the fixed twin takes the lock, moves the file object's reads off the
 *   list, releases it and completes them; an IRP leaves the list once, under the lock, so
 *   exactly one of the two completes it. (A cancel-safe queue, IoCsqRemoveNextIrp with the
 *   file object as peek context, does the same and makes the reads cancelable too.)
 *
 * The reads here have no cancel routine: the device answers them within one DPC.
 */
import {
  IoGetCurrentIrpStackLocation, IoMarkIrpPending, IRP_MJ_CLEANUP, IRP_MJ_READ, KDPC, KeAcquireSpinLock, KeAcquireSpinLockAtDpcLevel,
  KeFlushQueuedDpcs, KeGetCurrentProcessorNumber, KeInitializeDpc, KeInitializeSpinLock, KeInsertQueueDpc, KeQueryActiveProcessorCount,
  KeReleaseSpinLock, KeReleaseSpinLockFromDpcLevel, KeRemoveQueueDpc, KeSetTargetProcessorDpc, KSPIN_LOCK, NT_SUCCESS, Out,
  STATUS_BUFFER_TOO_SMALL, STATUS_CANCELLED, STATUS_PENDING, STATUS_SUCCESS, WriteUlong, type DEVICE_OBJECT, type DRIVER_INITIALIZE,
  type DRIVER_OBJECT, type FILE_OBJECT, type IRP, type KIRQL, type NTSTATUS,
} from "@wdfjs/kernel";
import { CompleteIrp, CreateRaceDevice, DeleteRaceDevice } from "./common.js";

/** `unlocked-cleanup`: cleanup walks the list without its lock; `locked-cleanup`: the fixed twin. */
export type QueueVariant = "unlocked-cleanup" | "locked-cleanup";

export const QUEUE_NAME = "RaceQueue";
/** The Win32 name a client opens. */
export const QUEUE_WIN32_NAME = `\\\\.\\${QUEUE_NAME}`;

export class QUEUE_DEVICE_EXTENSION {
  constructor(readonly Variant: QueueVariant) {}
  /** Guards PendingReads, DpcQueued and Sequence; the DPC takes it at DISPATCH_LEVEL. */
  readonly Lock = new KSPIN_LOCK();
  /** Reads waiting for the device, oldest first. */
  /** Waiting reads, oldest first (a Set keeps insertion order and removes in O(1), like a LIST_ENTRY). */
  readonly PendingReads = new Set<IRP>();
  readonly Dpc = new KDPC();
  /** The DPC is queued and has not yet started (so its target may not change). */
  DpcQueued = false;
  /** The last sequence number handed out. */
  Sequence = 0;
  /** Reads completed by the DPC and by cleanup (for observers). */
  Answered = 0;
  CleanedUp = 0;
}

/** The device's DPC: answers every waiting read, one at a time, each taken off the list under the lock. */
function QueueDpcRoutine(Dpc: KDPC, DeferredContext: QUEUE_DEVICE_EXTENSION, SystemArgument1: unknown, SystemArgument2: unknown): void {
  void Dpc;
  void SystemArgument1;
  void SystemArgument2;
  const ext = DeferredContext;
  KeAcquireSpinLockAtDpcLevel(ext.Lock);
  ext.DpcQueued = false;
  KeReleaseSpinLockFromDpcLevel(ext.Lock);
  for (;;) {
    KeAcquireSpinLockAtDpcLevel(ext.Lock);
    const irp = ext.PendingReads.values().next().value ?? null;
    if (irp !== null) ext.PendingReads.delete(irp);
    const sequence = irp === null ? 0 : ++ext.Sequence;
    if (irp !== null) ext.Answered++;
    KeReleaseSpinLockFromDpcLevel(ext.Lock);
    if (irp === null) return;
    // Buffered I/O: the system buffer is nonpaged, fine at DISPATCH_LEVEL.
    WriteUlong(irp.AssociatedIrp.SystemBuffer, sequence);
    CompleteIrp(irp, STATUS_SUCCESS, 4);
  }
}

/** IRP_MJ_READ: the read waits for the device; the first one queued wakes its DPC. */
export function QueueRead(DeviceObject: DEVICE_OBJECT, Irp: IRP): NTSTATUS {
  const ext = DeviceObject.DeviceExtension as QUEUE_DEVICE_EXTENSION;
  if (IoGetCurrentIrpStackLocation(Irp).Parameters.Read.Length < 4) return CompleteIrp(Irp, STATUS_BUFFER_TOO_SMALL);
  const irql = Out<KIRQL>(0);
  KeAcquireSpinLock(ext.Lock, irql);
  ext.PendingReads.add(Irp);
  IoMarkIrpPending(Irp);
  const kick = !ext.DpcQueued;
  ext.DpcQueued = true;
  KeReleaseSpinLock(ext.Lock, irql.value);
  if (kick) {
    // The device answers on another processor than this one.
    KeSetTargetProcessorDpc(ext.Dpc, (KeGetCurrentProcessorNumber() + 1) % KeQueryActiveProcessorCount());
    KeInsertQueueDpc(ext.Dpc, null, null);
  }
  return STATUS_PENDING;
}

function readsOf(list: Set<IRP>, fo: FILE_OBJECT | null): IRP[] {
  const mine: IRP[] = [];
  for (const irp of list) if (IoGetCurrentIrpStackLocation(irp).FileObject === fo) mine.push(irp);
  return mine;
}

/** IRP_MJ_CLEANUP: the file object's waiting reads complete as cancelled before the close goes on. */
export function QueueCleanup(DeviceObject: DEVICE_OBJECT, Irp: IRP): NTSTATUS {
  const ext = DeviceObject.DeviceExtension as QUEUE_DEVICE_EXTENSION;
  const fo = IoGetCurrentIrpStackLocation(Irp).FileObject;
  const list = ext.PendingReads;
  let mine: IRP[];
  if (ext.Variant === "unlocked-cleanup") {
    // BUG: no lock. In C this is the LIST_ENTRY walk with each Flink saved before the entry
    // is completed; the DPC takes entries off the same list meanwhile.
    mine = readsOf(list, fo);
    for (const irp of mine) {
      list.delete(irp);
      ext.CleanedUp++;
      CompleteIrp(irp, STATUS_CANCELLED);
    }
    return CompleteIrp(Irp, STATUS_SUCCESS);
  }
  const irql = Out<KIRQL>(0);
  KeAcquireSpinLock(ext.Lock, irql);
  mine = readsOf(list, fo);
  for (const irp of mine) list.delete(irp);
  ext.CleanedUp += mine.length;
  KeReleaseSpinLock(ext.Lock, irql.value);
  // Completed outside the lock: completion may call back into drivers above.
  for (const irp of mine) CompleteIrp(irp, STATUS_CANCELLED);
  return CompleteIrp(Irp, STATUS_SUCCESS);
}

export function QueueUnload(DriverObject: DRIVER_OBJECT): void {
  const dev = DriverObject.DeviceObject;
  if (dev !== null) {
    const ext = dev.DeviceExtension as QUEUE_DEVICE_EXTENSION;
    KeRemoveQueueDpc(ext.Dpc);
    KeFlushQueuedDpcs();
  }
  DeleteRaceDevice(DriverObject, QUEUE_NAME);
}

/** racequeue.sys's DriverEntry, built as the variant says. */
export function QueueDriverEntry(variant: QueueVariant): DRIVER_INITIALIZE {
  return (DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS => {
    void RegistryPath;
    const device = Out<DEVICE_OBJECT | null>(null);
    const status = CreateRaceDevice(DriverObject, QUEUE_NAME, () => new QUEUE_DEVICE_EXTENSION(variant), device);
    if (!NT_SUCCESS(status)) return status;
    const ext = device.value!.DeviceExtension as QUEUE_DEVICE_EXTENSION;
    KeInitializeSpinLock(ext.Lock);
    KeInitializeDpc(ext.Dpc, QueueDpcRoutine, ext);
    DriverObject.MajorFunction[IRP_MJ_READ] = QueueRead;
    DriverObject.MajorFunction[IRP_MJ_CLEANUP] = QueueCleanup;
    DriverObject.DriverUnload = QueueUnload;
    return STATUS_SUCCESS;
  };
}
