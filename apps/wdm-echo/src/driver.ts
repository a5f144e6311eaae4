/**
 * echo.sys as a raw WDM driver: the behaviour of the WDK echo sample (general/echo)
 * written without a framework, so every rule the framework hides is visible here.
 *
 * - `\Device\Echo`, reachable as `\\.\Echo`, buffered I/O, create and close succeed.
 * - A write stores its data in nonpaged pool (replacing what was stored) and pends; a
 *   read copies min(length, stored) bytes and pends; a read before any write succeeds
 *   at once with 0 bytes. A write longer than 40 KB fails with STATUS_BUFFER_OVERFLOW.
 * - Pending requests wait in a cancel-safe queue. A one-shot KTIMER armed when the
 *   queue becomes non-empty fires every TIMER_PERIOD_MS of machine time; its DPC
 *   completes, at DISPATCH_LEVEL, every request that was waiting at that tick.
 * - Cancellation (CancelIo, process exit) completes a request with STATUS_CANCELLED;
 *   IRP_MJ_CLEANUP does the same for the requests of the file object being closed.
 * - DriverUnload cancels the timer, deletes the link and the device, frees the pool.
 */
import {
  CONTAINING_RECORD, DO_BUFFERED_IO, ExAllocatePool2, ExFreePoolWithTag, FILE_DEVICE_UNKNOWN, IO_CSQ, IO_NO_INCREMENT, IoCompleteRequest,
  IoCreateDevice, IoCreateSymbolicLink, IoCsqInitialize, IoCsqInsertIrp, IoCsqRemoveNextIrp, IoDeleteDevice,
  IoDeleteSymbolicLink, IoGetCurrentIrpStackLocation, InitializeListHead, InsertTailList, IRP, IRP_MJ_CLEANUP, IRP_MJ_CLOSE, IRP_MJ_CREATE, IRP_MJ_READ,
  IRP_MJ_WRITE, KDPC, KeAcquireSpinLock, KeCancelTimer, KeFlushQueuedDpcs, KeInitializeDpc, KeInitializeSpinLock, KeInitializeTimer,
  KeReleaseSpinLock, KeRemoveQueueDpc, KeSetTimer, KSPIN_LOCK, KTIMER, LIST_ENTRY, NT_SUCCESS, Out, POOL_FLAG_NON_PAGED, POOL_TAG,
  RemoveEntryList, RtlCopyMemory, STATUS_BUFFER_OVERFLOW, STATUS_CANCELLED, STATUS_INSUFFICIENT_RESOURCES, STATUS_PENDING,
  STATUS_SUCCESS, type Box, type DEVICE_OBJECT, type DRIVER_OBJECT, type FILE_OBJECT, type KIRQL,
  type NTSTATUS,
} from "@wdfjs/kernel";

export const NT_DEVICE_NAME = "\\Device\\Echo";
export const DOS_DEVICE_NAME = "\\DosDevices\\Echo";
/** The Win32 name a client opens. */
export const ECHO_WIN32_NAME = "\\\\.\\Echo";

/** queue.h: MAX_WRITE_LENGTH. */
export const MAX_WRITE_LENGTH = 1024 * 40;
/** How often pending requests are completed, in milliseconds of machine time. */
export const TIMER_PERIOD_MS = 100;

const ECHO_POOL_TAG = POOL_TAG("Echo");

/** The device extension: what C keeps in `DEVICE_EXTENSION`, here a typed object. */
export class ECHO_DEVICE_EXTENSION {
  /** The last write's data in nonpaged pool (0 until the first write) and its length. */
  Buffer = 0;
  Length = 0;
  /** Guards Buffer/Length, the pending list and TimerArmed; taken at DISPATCH_LEVEL by the DPC. */
  readonly Lock = new KSPIN_LOCK();
  /**
   * The pending IRPs, oldest first, linked through Irp->Tail.Overlay.ListEntry: the list
   * the cancel-safe queue's callbacks manage, as in the WDK's cancel sample.
   */
  readonly PendingIrpQueue = new LIST_ENTRY<IRP>();
  /** IRPs in PendingIrpQueue (the timer DPC completes as many as were there at its tick). */
  PendingIrpCount = 0;
  readonly CancelSafeQueue = new IO_CSQ();
  readonly Timer = new KTIMER();
  readonly Dpc = new KDPC();
  /** The timer is set and will complete what is queued (set under Lock). */
  TimerArmed = false;
  /** Requests completed by the timer DPC and timer ticks that found work (for observers). */
  CompletedByTimer = 0;
  Ticks = 0;
}

function extensionOf(Csq: IO_CSQ): ECHO_DEVICE_EXTENSION {
  return Csq.Context as ECHO_DEVICE_EXTENSION;
}

// ---- the cancel-safe queue's callbacks (all called with the lock held, except the last) ----

function EchoCsqInsertIrp(Csq: IO_CSQ, Irp: IRP): void {
  const ext = extensionOf(Csq);
  InsertTailList(ext.PendingIrpQueue, Irp.Tail.Overlay.ListEntry);
  ext.PendingIrpCount++;
  if (!ext.TimerArmed) {
    // One-shot: an idle device leaves no timer set, so the machine can become idle.
    ext.TimerArmed = true;
    KeSetTimer(ext.Timer, -TIMER_PERIOD_MS * 10_000, ext.Dpc);
  }
}

function EchoCsqRemoveIrp(Csq: IO_CSQ, Irp: IRP): void {
  RemoveEntryList(Irp.Tail.Overlay.ListEntry);
  extensionOf(Csq).PendingIrpCount--;
}

/**
 * PeekContext null: the oldest IRP; a FILE_OBJECT: the oldest IRP of that open (cleanup).
 * The walk starts after `Irp` (its own links say where it is), or at the head.
 */
function EchoCsqPeekNextIrp(Csq: IO_CSQ, Irp: IRP | null, PeekContext: FILE_OBJECT | null): IRP | null {
  const ListHead = extensionOf(Csq).PendingIrpQueue;
  for (let next = Irp === null ? ListHead.Flink : Irp.Tail.Overlay.ListEntry.Flink; next !== ListHead; next = next.Flink) {
    const nextIrp = CONTAINING_RECORD(next, IRP, "Tail.Overlay.ListEntry");
    if (PeekContext === null || IoGetCurrentIrpStackLocation(nextIrp).FileObject === PeekContext) return nextIrp;
  }
  return null;
}

function EchoCsqAcquireLock(Csq: IO_CSQ, Irql: Box<KIRQL>): void {
  KeAcquireSpinLock(extensionOf(Csq).Lock, Irql);
}

function EchoCsqReleaseLock(Csq: IO_CSQ, Irql: KIRQL): void {
  KeReleaseSpinLock(extensionOf(Csq).Lock, Irql);
}

function EchoCsqCompleteCanceledIrp(Csq: IO_CSQ, Irp: IRP): void {
  void Csq;
  Irp.IoStatus.Status = STATUS_CANCELLED;
  Irp.IoStatus.Information = 0;
  IoCompleteRequest(Irp, IO_NO_INCREMENT);
}

// ---- the timer DPC ----

/**
 * Runs at DISPATCH_LEVEL when the timer expires: completes every request queued at
 * this tick with the status and byte count its dispatch routine recorded. Requests a
 * cancel routine took out of the queue are not seen here (the CSQ arbitrates).
 */
function EchoTimerDpc(Dpc: KDPC, DeferredContext: ECHO_DEVICE_EXTENSION, SystemArgument1: unknown, SystemArgument2: unknown): void {
  void Dpc;
  void SystemArgument1;
  void SystemArgument2;
  const ext = DeferredContext;
  const irql = Out<KIRQL>(0);
  KeAcquireSpinLock(ext.Lock, irql);
  ext.TimerArmed = false;
  let count = ext.PendingIrpCount;
  KeReleaseSpinLock(ext.Lock, irql.value);
  if (count > 0) ext.Ticks++;
  // Only the requests present now: a request queued while we complete waits for the next tick.
  for (; count > 0; count--) {
    const irp = IoCsqRemoveNextIrp(ext.CancelSafeQueue, null);
    if (irp === null) break;
    irp.IoStatus.Status = STATUS_SUCCESS;
    ext.CompletedByTimer++;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
  }
}

// ---- dispatch routines ----

function EchoCompleteNow(Irp: IRP, Status: NTSTATUS, Information: number): NTSTATUS {
  Irp.IoStatus.Status = Status;
  Irp.IoStatus.Information = Information;
  IoCompleteRequest(Irp, IO_NO_INCREMENT);
  return Status;
}

/** Queues the IRP to be completed at the next tick; the IRP is marked pending by the CSQ. */
function EchoPend(ext: ECHO_DEVICE_EXTENSION, Irp: IRP, Information: number): NTSTATUS {
  Irp.IoStatus.Status = STATUS_SUCCESS;
  Irp.IoStatus.Information = Information;
  IoCsqInsertIrp(ext.CancelSafeQueue, Irp, null);
  return STATUS_PENDING;
}

export function EchoCreateClose(DeviceObject: DEVICE_OBJECT, Irp: IRP): NTSTATUS {
  void DeviceObject;
  return EchoCompleteNow(Irp, STATUS_SUCCESS, 0);
}

/**
 * IRP_MJ_WRITE: too long → STATUS_BUFFER_OVERFLOW; zero bytes → success at once;
 * otherwise the data replaces the stored buffer and the request pends.
 */
export function EchoWrite(DeviceObject: DEVICE_OBJECT, Irp: IRP): NTSTATUS {
  const ext = DeviceObject.DeviceExtension as ECHO_DEVICE_EXTENSION;
  const Length = IoGetCurrentIrpStackLocation(Irp).Parameters.Write.Length;
  if (Length > MAX_WRITE_LENGTH) return EchoCompleteNow(Irp, STATUS_BUFFER_OVERFLOW, 0);
  if (Length === 0) return EchoCompleteNow(Irp, STATUS_SUCCESS, 0);
  // Allocate and fill outside the lock; only the swap happens at DISPATCH_LEVEL.
  const buffer = ExAllocatePool2(POOL_FLAG_NON_PAGED, Length, ECHO_POOL_TAG);
  if (buffer === 0) return EchoCompleteNow(Irp, STATUS_INSUFFICIENT_RESOURCES, 0);
  RtlCopyMemory(buffer, Irp.AssociatedIrp.SystemBuffer, Length);
  const irql = Out<KIRQL>(0);
  KeAcquireSpinLock(ext.Lock, irql);
  const old = ext.Buffer;
  ext.Buffer = buffer;
  ext.Length = Length;
  KeReleaseSpinLock(ext.Lock, irql.value);
  if (old !== 0) ExFreePoolWithTag(old, ECHO_POOL_TAG);
  return EchoPend(ext, Irp, Length);
}

/**
 * IRP_MJ_READ: nothing written yet (or a zero-length read) → success, 0 bytes, at once;
 * otherwise min(length, stored) bytes are copied now and the request pends. Reads do
 * not consume the data.
 */
export function EchoRead(DeviceObject: DEVICE_OBJECT, Irp: IRP): NTSTATUS {
  const ext = DeviceObject.DeviceExtension as ECHO_DEVICE_EXTENSION;
  const Length = IoGetCurrentIrpStackLocation(Irp).Parameters.Read.Length;
  if (Length === 0) return EchoCompleteNow(Irp, STATUS_SUCCESS, 0);
  const irql = Out<KIRQL>(0);
  KeAcquireSpinLock(ext.Lock, irql);
  const n = ext.Buffer === 0 ? 0 : Math.min(Length, ext.Length);
  // Both buffers are nonpaged pool, so the copy is legal at DISPATCH_LEVEL.
  if (n > 0) RtlCopyMemory(Irp.AssociatedIrp.SystemBuffer, ext.Buffer, n);
  KeReleaseSpinLock(ext.Lock, irql.value);
  if (n === 0) return EchoCompleteNow(Irp, STATUS_SUCCESS, 0);
  return EchoPend(ext, Irp, n);
}

/**
 * IRP_MJ_CLEANUP: the last handle of a file object is being closed; every request of
 * that file object still queued is completed with STATUS_CANCELLED before we return.
 */
export function EchoCleanup(DeviceObject: DEVICE_OBJECT, Irp: IRP): NTSTATUS {
  const ext = DeviceObject.DeviceExtension as ECHO_DEVICE_EXTENSION;
  const fo = IoGetCurrentIrpStackLocation(Irp).FileObject;
  for (let pending = IoCsqRemoveNextIrp(ext.CancelSafeQueue, fo); pending !== null; pending = IoCsqRemoveNextIrp(ext.CancelSafeQueue, fo)) {
    EchoCsqCompleteCanceledIrp(ext.CancelSafeQueue, pending);
  }
  return EchoCompleteNow(Irp, STATUS_SUCCESS, 0);
}

export function EchoUnload(DriverObject: DRIVER_OBJECT): void {
  const dev = DriverObject.DeviceObject;
  if (dev !== null) {
    const ext = dev.DeviceExtension as ECHO_DEVICE_EXTENSION;
    // A timer or DPC left behind would fire into unloaded code (bug check 0xCE).
    KeCancelTimer(ext.Timer);
    KeRemoveQueueDpc(ext.Dpc);
    // A DPC already running elsewhere must finish before the code goes.
    KeFlushQueuedDpcs();
    if (ext.Buffer !== 0) ExFreePoolWithTag(ext.Buffer, ECHO_POOL_TAG);
    ext.Buffer = 0;
    ext.Length = 0;
  }
  IoDeleteSymbolicLink(DOS_DEVICE_NAME);
  if (dev !== null) IoDeleteDevice(dev);
}

export function DriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
  void RegistryPath;
  const device = Out<DEVICE_OBJECT | null>(null);
  let status = IoCreateDevice(DriverObject, () => new ECHO_DEVICE_EXTENSION(), NT_DEVICE_NAME, FILE_DEVICE_UNKNOWN, 0, false, device);
  if (!NT_SUCCESS(status)) return status;
  const dev = device.value!;
  dev.Flags |= DO_BUFFERED_IO;
  const ext = dev.DeviceExtension as ECHO_DEVICE_EXTENSION;
  KeInitializeSpinLock(ext.Lock);
  InitializeListHead(ext.PendingIrpQueue);
  KeInitializeTimer(ext.Timer);
  KeInitializeDpc(ext.Dpc, EchoTimerDpc, ext);
  IoCsqInitialize(ext.CancelSafeQueue, EchoCsqInsertIrp, EchoCsqRemoveIrp, EchoCsqPeekNextIrp, EchoCsqAcquireLock, EchoCsqReleaseLock, EchoCsqCompleteCanceledIrp);
  ext.CancelSafeQueue.Context = ext;

  status = IoCreateSymbolicLink(DOS_DEVICE_NAME, NT_DEVICE_NAME);
  if (!NT_SUCCESS(status)) {
    IoDeleteDevice(dev);
    return status;
  }
  DriverObject.MajorFunction[IRP_MJ_CREATE] = EchoCreateClose;
  DriverObject.MajorFunction[IRP_MJ_CLOSE] = EchoCreateClose;
  DriverObject.MajorFunction[IRP_MJ_CLEANUP] = EchoCleanup;
  DriverObject.MajorFunction[IRP_MJ_READ] = EchoRead;
  DriverObject.MajorFunction[IRP_MJ_WRITE] = EchoWrite;
  DriverObject.DriverUnload = EchoUnload;
  return STATUS_SUCCESS;
}
