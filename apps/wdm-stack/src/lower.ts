/**
 * stacklower.sys: the bottom of the stack (where a bus driver's PDO would be). It
 * creates `\Device\StackLower` and the `\DosDevices\StackSample` link, completes
 * create/close/cleanup, and pends the two requests that reach it: IOCTL_STACK_PEND from
 * a client (forwarded by the function driver) and IOCTL_STACK_LOWER_QUERY on the
 * function driver's own IRP. Pended IRPs wait in a cancel-safe queue; a one-shot timer
 * PEND_DELAY_MS later runs a DPC that completes them at DISPATCH_LEVEL.
 */
import {
  CONTAINING_RECORD, DO_BUFFERED_IO, FILE_DEVICE_UNKNOWN, InitializeListHead, InsertTailList, IO_CSQ, IO_NO_INCREMENT, IoCompleteRequest,
  IoCreateDevice, IoCreateSymbolicLink, IoCsqInitialize, IoCsqInsertIrp, IoCsqRemoveNextIrp, IoDeleteDevice, IoDeleteSymbolicLink,
  IoGetCurrentIrpStackLocation, IRP, IRP_MJ_CLEANUP, IRP_MJ_CLOSE, IRP_MJ_CREATE, IRP_MJ_DEVICE_CONTROL, IRP_MJ_INTERNAL_DEVICE_CONTROL, KDPC,
  KeAcquireSpinLock, KeCancelTimer, KeFlushQueuedDpcs, KeInitializeDpc, KeInitializeTimer, KeReleaseSpinLock, KeSetTimer, KSPIN_LOCK, KTIMER,
  LIST_ENTRY, NT_SUCCESS, Out, ReadUlong, RemoveEntryList, STATUS_BUFFER_TOO_SMALL, STATUS_CANCELLED, STATUS_INVALID_DEVICE_REQUEST,
  STATUS_PENDING, STATUS_SUCCESS, WriteUlong, type Box, type DEVICE_OBJECT, type DRIVER_OBJECT, type KIRQL, type NTSTATUS,
} from "@wdfjs/kernel";
import {
  IOCTL_STACK_LOWER_QUERY, IOCTL_STACK_PEND, PEND_DELAY_MS, STACK_DOS_DEVICE_NAME, STACK_LOWER_DEVICE_NAME, StackIoctlName,
} from "./ioctl.js";
import { logOf, type StackLog } from "./log.js";

export class LOWER_DEVICE_EXTENSION {
  readonly Lock = new KSPIN_LOCK();
  /** Pended IRPs, oldest first, linked through Irp->Tail.Overlay.ListEntry. */
  readonly PendingQueue = new LIST_ENTRY<IRP>();
  readonly Queue = new IO_CSQ();
  readonly Timer = new KTIMER();
  readonly Dpc = new KDPC();
  TimerArmed = false;
  Log: StackLog | null = null;
}

function ext(Csq: IO_CSQ): LOWER_DEVICE_EXTENSION {
  return Csq.Context as LOWER_DEVICE_EXTENSION;
}

function LowerCsqInsertIrp(Csq: IO_CSQ, Irp: IRP): void {
  const e = ext(Csq);
  InsertTailList(e.PendingQueue, Irp.Tail.Overlay.ListEntry);
  if (!e.TimerArmed) {
    e.TimerArmed = true;
    KeSetTimer(e.Timer, -PEND_DELAY_MS * 10_000, e.Dpc);
  }
}

function LowerCsqRemoveIrp(Csq: IO_CSQ, Irp: IRP): void {
  void Csq;
  RemoveEntryList(Irp.Tail.Overlay.ListEntry);
}

/** The next queued IRP after `Irp`; with a file object as PeekContext, only that file's IRPs. */
function LowerCsqPeekNextIrp(Csq: IO_CSQ, Irp: IRP | null, PeekContext: any): IRP | null {
  const ListHead = ext(Csq).PendingQueue;
  for (let next = Irp === null ? ListHead.Flink : Irp.Tail.Overlay.ListEntry.Flink; next !== ListHead; next = next.Flink) {
    const candidate = CONTAINING_RECORD(next, IRP, "Tail.Overlay.ListEntry");
    if (PeekContext === null || PeekContext === undefined || IoGetCurrentIrpStackLocation(candidate).FileObject === PeekContext) return candidate;
  }
  return null;
}

function LowerCsqAcquireLock(Csq: IO_CSQ, Irql: Box<KIRQL>): void {
  KeAcquireSpinLock(ext(Csq).Lock, Irql);
}

function LowerCsqReleaseLock(Csq: IO_CSQ, Irql: KIRQL): void {
  KeReleaseSpinLock(ext(Csq).Lock, Irql);
}

function LowerCsqCompleteCanceledIrp(Csq: IO_CSQ, Irp: IRP): void {
  ext(Csq).Log?.add("lower", "cancelled", StackIoctlName(IoGetCurrentIrpStackLocation(Irp).Parameters.DeviceIoControl.IoControlCode), Irp);
  Irp.IoStatus.Status = STATUS_CANCELLED;
  Irp.IoStatus.Information = 0;
  IoCompleteRequest(Irp, IO_NO_INCREMENT);
}

/** The timer's DPC, at DISPATCH_LEVEL: answers and completes every IRP that waited. */
function LowerTimerDpc(Dpc: KDPC, DeferredContext: any, SystemArgument1: any, SystemArgument2: any): void {
  void Dpc;
  void SystemArgument1;
  void SystemArgument2;
  const e = DeferredContext as LOWER_DEVICE_EXTENSION;
  const irql = Out<KIRQL>(0);
  KeAcquireSpinLock(e.Lock, irql);
  e.TimerArmed = false;
  KeReleaseSpinLock(e.Lock, irql.value);
  let Irp: IRP | null;
  while ((Irp = IoCsqRemoveNextIrp(e.Queue, null)) !== null) {
    const code = IoGetCurrentIrpStackLocation(Irp).Parameters.DeviceIoControl.IoControlCode;
    const buf = Irp.AssociatedIrp.SystemBuffer;
    const v = ReadUlong(buf);
    // PEND answers value + 1; the function driver's own query, value * 2.
    WriteUlong(buf, code === IOCTL_STACK_PEND ? v + 1 : v * 2);
    Irp.IoStatus.Status = STATUS_SUCCESS;
    Irp.IoStatus.Information = 4;
    e.Log?.add("lower", "complete", StackIoctlName(code), Irp, `from the timer DPC, answer ${ReadUlong(buf)}`);
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
  }
}

function LowerCreateClose(DeviceObject: DEVICE_OBJECT, Irp: IRP): NTSTATUS {
  const major = IoGetCurrentIrpStackLocation(Irp).MajorFunction;
  logOf(DeviceObject.DriverObject).add("lower", "dispatch", major === IRP_MJ_CREATE ? "CREATE" : major === IRP_MJ_CLOSE ? "CLOSE" : "CLEANUP", Irp);
  Irp.IoStatus.Status = STATUS_SUCCESS;
  Irp.IoStatus.Information = 0;
  IoCompleteRequest(Irp, IO_NO_INCREMENT);
  return STATUS_SUCCESS;
}

/** IRP_MJ_CLEANUP: the file object's last handle is closed; its queued requests end cancelled. */
function LowerCleanup(DeviceObject: DEVICE_OBJECT, Irp: IRP): NTSTATUS {
  const e = DeviceObject.DeviceExtension as LOWER_DEVICE_EXTENSION;
  const fo = IoGetCurrentIrpStackLocation(Irp).FileObject;
  logOf(DeviceObject.DriverObject).add("lower", "dispatch", "CLEANUP", Irp);
  let queued: IRP | null;
  while ((queued = IoCsqRemoveNextIrp(e.Queue, fo)) !== null) LowerCsqCompleteCanceledIrp(e.Queue, queued);
  Irp.IoStatus.Status = STATUS_SUCCESS;
  Irp.IoStatus.Information = 0;
  IoCompleteRequest(Irp, IO_NO_INCREMENT);
  return STATUS_SUCCESS;
}

/** Both device controls (from a client, forwarded) and internal ones (the function driver's own IRP) come here. */
function LowerDeviceControl(DeviceObject: DEVICE_OBJECT, Irp: IRP): NTSTATUS {
  const e = DeviceObject.DeviceExtension as LOWER_DEVICE_EXTENSION;
  const p = IoGetCurrentIrpStackLocation(Irp).Parameters.DeviceIoControl;
  const code = p.IoControlCode;
  const log = logOf(DeviceObject.DriverObject);
  log.add("lower", "dispatch", StackIoctlName(code), Irp);
  let status: NTSTATUS;
  if (code === IOCTL_STACK_PEND || code === IOCTL_STACK_LOWER_QUERY) {
    if (p.InputBufferLength >= 4 && p.OutputBufferLength >= 4) {
      // IoCsqInsertIrp marks the IRP pending; the DPC completes it later.
      IoCsqInsertIrp(e.Queue, Irp, null);
      log.add("lower", "pend", StackIoctlName(code), Irp);
      return STATUS_PENDING;
    }
    status = STATUS_BUFFER_TOO_SMALL;
  } else {
    status = STATUS_INVALID_DEVICE_REQUEST;
  }
  Irp.IoStatus.Status = status;
  Irp.IoStatus.Information = 0;
  IoCompleteRequest(Irp, IO_NO_INCREMENT);
  return status;
}

function LowerUnload(DriverObject: DRIVER_OBJECT): void {
  IoDeleteSymbolicLink(STACK_DOS_DEVICE_NAME);
  const dev = DriverObject.DeviceObject;
  if (dev !== null) {
    const e = dev.DeviceExtension as LOWER_DEVICE_EXTENSION;
    KeCancelTimer(e.Timer);
    // A DPC already queued (the timer fired an instant ago) must finish before the code goes.
    KeFlushQueuedDpcs();
    let Irp: IRP | null;
    while ((Irp = IoCsqRemoveNextIrp(e.Queue, null)) !== null) LowerCsqCompleteCanceledIrp(e.Queue, Irp);
    IoDeleteDevice(dev);
  }
}

export function StackLowerDriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
  void RegistryPath;
  const log = logOf(DriverObject);
  const dev = Out<DEVICE_OBJECT | null>(null);
  let status = IoCreateDevice(DriverObject, () => new LOWER_DEVICE_EXTENSION(), STACK_LOWER_DEVICE_NAME, FILE_DEVICE_UNKNOWN, 0, false, dev);
  if (!NT_SUCCESS(status)) return status;
  const d = dev.value!;
  d.Flags |= DO_BUFFERED_IO;
  const e = d.DeviceExtension as LOWER_DEVICE_EXTENSION;
  e.Log = log;
  e.Queue.Context = e;
  InitializeListHead(e.PendingQueue);
  IoCsqInitialize(e.Queue, LowerCsqInsertIrp, LowerCsqRemoveIrp, LowerCsqPeekNextIrp, LowerCsqAcquireLock, LowerCsqReleaseLock, LowerCsqCompleteCanceledIrp);
  KeInitializeTimer(e.Timer);
  KeInitializeDpc(e.Dpc, LowerTimerDpc, e);
  status = IoCreateSymbolicLink(STACK_DOS_DEVICE_NAME, STACK_LOWER_DEVICE_NAME);
  if (!NT_SUCCESS(status)) {
    IoDeleteDevice(d);
    return status;
  }
  DriverObject.MajorFunction[IRP_MJ_CREATE] = LowerCreateClose;
  DriverObject.MajorFunction[IRP_MJ_CLOSE] = LowerCreateClose;
  DriverObject.MajorFunction[IRP_MJ_CLEANUP] = LowerCleanup;
  DriverObject.MajorFunction[IRP_MJ_DEVICE_CONTROL] = LowerDeviceControl;
  DriverObject.MajorFunction[IRP_MJ_INTERNAL_DEVICE_CONTROL] = LowerDeviceControl;
  DriverObject.DriverUnload = LowerUnload;
  return STATUS_SUCCESS;
}
