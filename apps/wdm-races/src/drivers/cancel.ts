/**
 * racecancel.sys: the cancel race. A read waits in the driver's own list (a "notification"
 * read) until a write arrives, the request is cancelled, or its handle is closed. The read
 * must be made cancelable while it waits, and the window between "the IRP is in my list"
 * and "the IRP has my cancel routine" is where a CancelIoEx from another thread lands.
 *
 * - `check-before-set`: looks at `Irp->Cancel` first, queues the IRP, and only then calls
 *   IoSetCancelRoutine. A cancel in between finds no cancel routine: IoCancelIrp sets
 *   `Cancel` and returns FALSE, and nobody looks at `Cancel` again. The IRP is stranded: the
 *   client waits for it forever (the machine reports MachineDeadlock).
 * - `ignore-return`: sets the cancel routine first (right), then takes its lock and, if
 *   `Irp->Cancel` is set, completes the IRP itself, without asking IoSetCancelRoutine(Irp,
 *   NULL) whether the cancel routine is already running. If IoCancelIrp got in between the
 *   two lines, the cancel routine completes the IRP and so does the dispatch routine:
 *   MULTIPLE_IRP_COMPLETE_REQUESTS (0x44).
 * - `fixed`: the documented pattern. Under the list's lock: insert, set the cancel routine,
 *   then if `Cancel` is set, clear the routine again; IoSetCancelRoutine's return value says
 *   who owns the IRP: non-NULL, the cancel routine will never run and we complete it; NULL,
 *   the cancel routine is running (waiting for our lock) and completes it. (IoCsqInsertIrp
 *   does exactly this for a driver with a cancel-safe queue.)
 *
 * The cancel routine and everything else (write, cleanup) are the same, and right, in all
 * three: whoever takes an IRP out of the list first clears its cancel routine and goes on only
 * if the routine was still there.
 */
import {
  IoGetCurrentIrpStackLocation, IoMarkIrpPending, IoReleaseCancelSpinLock, IoSetCancelRoutine, IRP_MJ_CLEANUP,
  IRP_MJ_READ, IRP_MJ_WRITE, KeAcquireSpinLock, KeInitializeSpinLock, KeReleaseSpinLock, KSPIN_LOCK, NT_SUCCESS, Out,
  STATUS_CANCELLED, STATUS_PENDING, STATUS_SUCCESS, type DEVICE_OBJECT, type DRIVER_INITIALIZE, type DRIVER_OBJECT, type FILE_OBJECT,
  type IRP, type KIRQL, type NTSTATUS,
} from "@wdfjs/kernel";
import { CompleteIrp, CreateRaceDevice, DeleteRaceDevice } from "./common.js";

/** Two ways to get the cancel window wrong, and the fixed twin. */
export type CancelVariant = "check-before-set" | "ignore-return" | "fixed";

export const CANCEL_NAME = "RaceCancel";
/** The Win32 name a client opens. */
export const CANCEL_WIN32_NAME = `\\\\.\\${CANCEL_NAME}`;

export class CANCEL_DEVICE_EXTENSION {
  constructor(readonly Variant: CancelVariant) {}
  /** Guards WaitingReads. */
  readonly Lock = new KSPIN_LOCK();
  /** Reads waiting for a write, oldest first (a Set keeps insertion order and removes in O(1), like a LIST_ENTRY). */
  readonly WaitingReads = new Set<IRP>();
  /** Reads the cancel routine completed (for observers). */
  Cancelled = 0;
}

function remove(list: Set<IRP>, Irp: IRP): boolean {
  return list.delete(Irp);
}

/**
 * The cancel routine: called by IoCancelIrp with the cancel spin lock held. Takes the IRP
 * out of the list under the driver's own lock and completes it as cancelled.
 */
export function CancelReadCancelRoutine(DeviceObject: DEVICE_OBJECT, Irp: IRP): void {
  const ext = DeviceObject.DeviceExtension as CANCEL_DEVICE_EXTENSION;
  IoReleaseCancelSpinLock(Irp.CancelIrql);
  const irql = Out<KIRQL>(0);
  KeAcquireSpinLock(ext.Lock, irql);
  remove(ext.WaitingReads, Irp);
  ext.Cancelled++;
  KeReleaseSpinLock(ext.Lock, irql.value);
  CompleteIrp(Irp, STATUS_CANCELLED);
}

/** IRP_MJ_READ, `check-before-set`. */
function ReadCheckBeforeSet(ext: CANCEL_DEVICE_EXTENSION, Irp: IRP): NTSTATUS {
  if (Irp.Cancel) return CompleteIrp(Irp, STATUS_CANCELLED);
  IoMarkIrpPending(Irp);
  const irql = Out<KIRQL>(0);
  KeAcquireSpinLock(ext.Lock, irql);
  ext.WaitingReads.add(Irp);
  KeReleaseSpinLock(ext.Lock, irql.value);
  // BUG: a cancel since the check above set Cancel, found no routine, and is gone.
  IoSetCancelRoutine(Irp, CancelReadCancelRoutine);
  return STATUS_PENDING;
}

/** IRP_MJ_READ, `ignore-return`. */
function ReadIgnoreReturn(ext: CANCEL_DEVICE_EXTENSION, Irp: IRP): NTSTATUS {
  IoMarkIrpPending(Irp);
  IoSetCancelRoutine(Irp, CancelReadCancelRoutine);
  const irql = Out<KIRQL>(0);
  KeAcquireSpinLock(ext.Lock, irql);
  if (Irp.Cancel) {
    // BUG: the return value says whether the cancel routine already has the IRP; ignored.
    IoSetCancelRoutine(Irp, null);
    KeReleaseSpinLock(ext.Lock, irql.value);
    CompleteIrp(Irp, STATUS_CANCELLED);
    return STATUS_PENDING;
  }
  ext.WaitingReads.add(Irp);
  KeReleaseSpinLock(ext.Lock, irql.value);
  return STATUS_PENDING;
}

/** IRP_MJ_READ, `fixed`: the pattern IoSetCancelRoutine's return value exists for. */
function ReadFixed(ext: CANCEL_DEVICE_EXTENSION, Irp: IRP): NTSTATUS {
  const irql = Out<KIRQL>(0);
  KeAcquireSpinLock(ext.Lock, irql);
  ext.WaitingReads.add(Irp);
  IoSetCancelRoutine(Irp, CancelReadCancelRoutine);
  if (Irp.Cancel && IoSetCancelRoutine(Irp, null) !== null) {
    // Cancelled before the routine was set: IoCancelIrp found none, so the IRP is ours.
    remove(ext.WaitingReads, Irp);
    KeReleaseSpinLock(ext.Lock, irql.value);
    return CompleteIrp(Irp, STATUS_CANCELLED);
  }
  // Otherwise it waits, or the cancel routine has it and is waiting for our lock.
  IoMarkIrpPending(Irp);
  KeReleaseSpinLock(ext.Lock, irql.value);
  return STATUS_PENDING;
}

export function CancelRead(DeviceObject: DEVICE_OBJECT, Irp: IRP): NTSTATUS {
  const ext = DeviceObject.DeviceExtension as CANCEL_DEVICE_EXTENSION;
  switch (ext.Variant) {
    case "check-before-set":
      return ReadCheckBeforeSet(ext, Irp);
    case "ignore-return":
      return ReadIgnoreReturn(ext, Irp);
    default:
      return ReadFixed(ext, Irp);
  }
}

/**
 * Takes out of the list, under the lock, the waiting reads `which` selects whose cancel
 * routine it could clear (a read whose routine is already NULL belongs to its cancel routine).
 */
function TakeWaitingReads(ext: CANCEL_DEVICE_EXTENSION, which: (Irp: IRP) => boolean): IRP[] {
  const taken: IRP[] = [];
  const irql = Out<KIRQL>(0);
  KeAcquireSpinLock(ext.Lock, irql);
  const list = ext.WaitingReads;
  // Deleting the entry being visited is safe in a Set's iteration.
  for (const irp of list) {
    if (which(irp) && IoSetCancelRoutine(irp, null) !== null) {
      list.delete(irp);
      taken.push(irp);
    }
  }
  KeReleaseSpinLock(ext.Lock, irql.value);
  return taken;
}

/** IRP_MJ_WRITE: the notification; every waiting read completes with success and no data. */
export function CancelWrite(DeviceObject: DEVICE_OBJECT, Irp: IRP): NTSTATUS {
  const ext = DeviceObject.DeviceExtension as CANCEL_DEVICE_EXTENSION;
  for (const read of TakeWaitingReads(ext, () => true)) CompleteIrp(read, STATUS_SUCCESS);
  return CompleteIrp(Irp, STATUS_SUCCESS, IoGetCurrentIrpStackLocation(Irp).Parameters.Write.Length);
}

/** IRP_MJ_CLEANUP: the last handle of a file object is closing; its waiting reads are cancelled. */
export function CancelCleanup(DeviceObject: DEVICE_OBJECT, Irp: IRP): NTSTATUS {
  const ext = DeviceObject.DeviceExtension as CANCEL_DEVICE_EXTENSION;
  const fo: FILE_OBJECT | null = IoGetCurrentIrpStackLocation(Irp).FileObject;
  for (const read of TakeWaitingReads(ext, (r) => IoGetCurrentIrpStackLocation(r).FileObject === fo)) CompleteIrp(read, STATUS_CANCELLED);
  return CompleteIrp(Irp, STATUS_SUCCESS);
}

export function CancelUnload(DriverObject: DRIVER_OBJECT): void {
  DeleteRaceDevice(DriverObject, CANCEL_NAME);
}

/** racecancel.sys's DriverEntry, built as the variant says. */
export function CancelDriverEntry(variant: CancelVariant): DRIVER_INITIALIZE {
  return (DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS => {
    void RegistryPath;
    const device = Out<DEVICE_OBJECT | null>(null);
    const status = CreateRaceDevice(DriverObject, CANCEL_NAME, () => new CANCEL_DEVICE_EXTENSION(variant), device);
    if (!NT_SUCCESS(status)) return status;
    KeInitializeSpinLock((device.value!.DeviceExtension as CANCEL_DEVICE_EXTENSION).Lock);
    DriverObject.MajorFunction[IRP_MJ_READ] = CancelRead;
    DriverObject.MajorFunction[IRP_MJ_WRITE] = CancelWrite;
    DriverObject.MajorFunction[IRP_MJ_CLEANUP] = CancelCleanup;
    DriverObject.DriverUnload = CancelUnload;
    return STATUS_SUCCESS;
  };
}
