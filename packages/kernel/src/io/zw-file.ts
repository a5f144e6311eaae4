import { cur } from "../context.js";
import type { Box } from "../box.js";
import { KeBugCheckEx } from "../ke/bugcheck.js";
import { DRIVER_VERIFIER_IOMANAGER_VIOLATION, VF_RULE_IRQL_ZW_PASSIVE } from "../ke/bugcheck-codes.js";
import { Executive, KEVENT, KeResetEvent, KeSetEvent, KernelMode, KeWaitForSingleObject, KiCheckWait, type KWAIT, type KWAIT_BLOCK } from "../ke/dispatcher.js";
import { PASSIVE_LEVEL } from "../ke/irql.js";
import { KWAIT_CALL } from "../ke/wait-call.js";
import { SehException } from "../ke/exception.js";
import { IoAllocateMdl, MmProbeAndLockPages } from "../mm/mdl.js";
import { POOL_FLAG_NON_PAGED, POOL_TAG } from "../mm/pool.js";
import {
  NT_SUCCESS, NtStatusName, STATUS_INSUFFICIENT_RESOURCES, STATUS_INVALID_HANDLE, STATUS_INVALID_PARAMETER, STATUS_NOT_SUPPORTED, STATUS_OBJECT_NAME_INVALID,
  STATUS_OBJECT_TYPE_MISMATCH, STATUS_PENDING, STATUS_SUCCESS, type NTSTATUS,
} from "../ntstatus.js";
import { ObIsKernelHandle, type HandleTable } from "../ob/handle-table.js";
import { OBJ_KERNEL_HANDLE, ObpCheckObjectAttributes, type OBJECT_ATTRIBUTES } from "../ob/object-attributes.js";
import { ObDereferenceObject, ObReferenceObject } from "../ob/object.js";
import { VfIrqlTooHigh } from "../verifier/irql-rules.js";
import { IoCallDriver } from "./complete.js";
import {
  DELETE, DO_BUFFERED_IO, DO_DIRECT_IO, FILE_OPEN, FILE_SHARE_DELETE, FILE_SHARE_READ, FILE_SHARE_WRITE, FILE_SYNCHRONOUS_IO_ALERT,
  FILE_SYNCHRONOUS_IO_NONALERT, FO_SYNCHRONOUS_IO, IRP_BUFFERED_IO, IRP_CREATE_OPERATION, IRP_DEALLOCATE_BUFFER, IRP_DEFER_IO_COMPLETION,
  IRP_INPUT_OPERATION, IRP_MJ_CREATE, IRP_MJ_READ, IRP_MJ_WRITE, IRP_READ_OPERATION, IRP_SYNCHRONOUS_API, IRP_WRITE_OPERATION, IoReadAccess,
  IoWriteAccess,
} from "./constants.js";
import { IoGetAttachedDevice, IoGetRelatedDeviceObject, type DEVICE_OBJECT } from "./device.js";
import { FILE_OBJECT } from "./file.js";
import { FILE_DELETE_ON_CLOSE, FILE_OPEN_REPARSE_POINT, FILE_USE_FILE_POINTER_POSITION, FilePositionInformation } from "./file-information.js";
import { IopCompleteRequest } from "./io-completion.js";
import { IoGetNextIrpStackLocation, IO_STATUS_BLOCK, type IRP, type PIO_APC_ROUTINE } from "./irp.js";
import { IopBuildInformationIrp, IopCheckInformationClass, IopFilePosition } from "./nt-file-information.js";
import { IopCheckCreateParameters, IopCloseHandle, IopParseDevice, IopSetReadWriteBuffer, abandon, badLength, newUserIrp } from "./nt-file.js";

/*
 * The file services for drivers: ZwCreateFile, ZwOpenFile, ZwReadFile, ZwWriteFile,
 * ZwQueryInformationFile, ZwSetInformationFile, ZwDeleteFile. Previous mode is KernelMode:
 * buffers may be kernel addresses and a handle's granted access is not checked, as
 * ObReferenceObjectByHandle with KernelMode allows. All are PASSIVE_LEVEL only (rule
 * IrqlZwPassive) and may wait: on a synchronous file object (FILE_SYNCHRONOUS_IO_NONALERT)
 * the caller waits for the file object lock and for a request its driver pends, so each
 * is a waiting DDI: `status = yield* ZwReadFile(...)`.
 */

const TAG_SYSTEM_BUFFER = POOL_TAG("IoSb");

function IopCheckZw(routine: string): void {
  const m = cur;
  if (m.checked && m.cpu.Irql !== PASSIVE_LEVEL) VfIrqlTooHigh(routine, PASSIVE_LEVEL, VF_RULE_IRQL_ZW_PASSIVE);
  KiCheckWait(routine, null);
}

/** The table a kernel-mode caller's handle is in: the kernel handle table for a kernel handle. */
function IopKernelHandleTable(Handle: number): HandleTable {
  const m = cur;
  return ObIsKernelHandle(Handle) ? m.systemProcess.handles : m.cpu.process.handles;
}

function IopKernelFileHandle(Handle: number): FILE_OBJECT | NTSTATUS {
  const e = IopKernelHandleTable(Handle).lookup(Handle);
  if (e === undefined) return STATUS_INVALID_HANDLE;
  return e.object instanceof FILE_OBJECT ? e.object : STATUS_OBJECT_TYPE_MISMATCH;
}

/** A synchronous file object's lock, for a kernel-mode caller: it waits for another request's. */
function* IopAcquireFileLock(fo: FILE_OBJECT): Generator<KWAIT_BLOCK, void, NTSTATUS> {
  while (fo.Busy) {
    fo.Waiters++;
    yield* KeWaitForSingleObject(fo.Lock, Executive, KernelMode, false, null);
    fo.Waiters--;
  }
  fo.Busy = true;
}

function IopReleaseKernelFileLock(fo: FILE_OBJECT): void {
  fo.Busy = false;
  if (fo.Waiters > 0) KeSetEvent(fo.Lock, 0, false);
}

/**
 * Sends a kernel-mode request and finishes it (IopSynchronousServiceTail, KernelMode): one
 * the driver completed in the call is finished here; on a synchronous file object (or any
 * create) the caller waits on the file object's event for one it pended and gets the
 * final status. An asynchronous one that pended returns STATUS_PENDING.
 */
function* IopKernelServiceTail(dev: DEVICE_OBJECT, irp: IRP, fo: FILE_OBJECT, iosb: IO_STATUS_BLOCK, synchronous: boolean, locked: boolean): Generator<KWAIT_BLOCK, NTSTATUS, NTSTATUS> {
  const m = cur;
  m.cpu.thread!.IrpList.add(irp);
  iosb.Status = STATUS_PENDING;
  iosb.Information = 0;
  if (synchronous) fo.Event.SignalState = 0;
  const generation = irp.generation;
  const status = IoCallDriver(dev, irp);
  const mine = irp.generation === generation && irp.inUse;
  if (status !== STATUS_PENDING && mine && irp.completed && !irp.PendingReturned) {
    const final = irp.IoStatus.Status;
    IopCompleteRequest(irp);
    if (locked) IopReleaseKernelFileLock(fo);
    return final;
  }
  if (status !== STATUS_PENDING && mine && !irp.completed && m.checked) {
    KeBugCheckEx(DRIVER_VERIFIER_IOMANAGER_VIOLATION, 0x226, 0, irp.address, dev.address, `A dispatch routine returned ${NtStatusName(status)} without completing the IRP, passing it down, or returning STATUS_PENDING.`);
  }
  if (!synchronous) return status;
  if (fo.Event.SignalState === 0) yield* KeWaitForSingleObject(fo.Event, Executive, KernelMode, false, null);
  if (locked) IopReleaseKernelFileLock(fo);
  return fo.FinalStatus;
}

function* IopCreateFileKernel(
  FileHandle: Box<number>, DesiredAccess: number, ObjectAttributes: OBJECT_ATTRIBUTES | null, IoStatusBlock: IO_STATUS_BLOCK,
  FileAttributes: number, ShareAccess: number, CreateDisposition: number, CreateOptions: number, kernelHandle = false,
): Generator<KWAIT_BLOCK, NTSTATUS, NTSTATUS> {
  const m = cur;
  FileHandle.value = 0;
  if (ObjectAttributes === null || ObjectAttributes === undefined) return STATUS_OBJECT_NAME_INVALID;
  let st = ObpCheckObjectAttributes(ObjectAttributes);
  if (st !== STATUS_SUCCESS) return st;
  st = IopCheckCreateParameters(CreateDisposition, CreateOptions);
  if (st !== STATUS_SUCCESS) return st;
  const fo = IopParseDevice(ObjectAttributes.ObjectName, DesiredAccess);
  if (typeof fo === "number") return fo;
  const dev = fo.DeviceObject;
  const access = fo.GrantedAccess;
  if ((CreateOptions & (FILE_SYNCHRONOUS_IO_ALERT | FILE_SYNCHRONOUS_IO_NONALERT)) !== 0) fo.Flags |= FO_SYNCHRONOUS_IO;
  const top = IoGetAttachedDevice(dev);
  const irp = newUserIrp(top, fo, IoStatusBlock, null, null);
  irp.RequestorMode = KernelMode;
  irp.Flags |= IRP_CREATE_OPERATION | IRP_SYNCHRONOUS_API;
  const sl = IoGetNextIrpStackLocation(irp);
  sl.MajorFunction = IRP_MJ_CREATE;
  sl.FileObject = fo;
  sl.Parameters.Create.SecurityContext = { DesiredAccess: access };
  sl.Parameters.Create.Options = ((CreateDisposition & 0xff) << 24) | (CreateOptions & 0xffffff);
  sl.Parameters.Create.ShareAccess = ShareAccess;
  sl.Parameters.Create.FileAttributes = typeof FileAttributes === "number" ? FileAttributes : 0;
  dev.openCount++;
  // A create is always synchronous: the I/O manager waits for one the driver pends.
  const status = yield* IopKernelServiceTail(top, irp, fo, IoStatusBlock, true, false);
  if (!NT_SUCCESS(status)) {
    // A failed create leaves nothing behind: no cleanup or close is sent.
    dev.openCount--;
    fo.closed = true;
    ObDereferenceObject(fo);
    return status;
  }
  fo.ObHeader!.HandleCount = 1;
  ObReferenceObject(dev);
  const table = kernelHandle || (ObjectAttributes.Attributes & OBJ_KERNEL_HANDLE) !== 0 ? m.systemProcess.handles : m.cpu.process.handles;
  FileHandle.value = table.insert(fo, access);
  return status;
}

/**
 * `ZwCreateFile`: opens or creates the file or device ObjectAttributes names (through
 * `\SystemRoot`, `\??\C:` and other links) with the disposition and options of
 * NtCreateFile; IoStatusBlock.Information says what was done (FILE_CREATED, FILE_OPENED,
 * FILE_OVERWRITTEN, FILE_SUPERSEDED). With OBJ_KERNEL_HANDLE the handle is a kernel handle
 * (usable in any process, only from kernel mode), as drivers should ask for.
 * PASSIVE_LEVEL; a waiting DDI: `status = yield* ZwCreateFile(...)`.
 */
export function ZwCreateFile(
  FileHandle: Box<number>, DesiredAccess: number, ObjectAttributes: OBJECT_ATTRIBUTES | null, IoStatusBlock: IO_STATUS_BLOCK,
  AllocationSize: number | null, FileAttributes: number, ShareAccess: number, CreateDisposition: number, CreateOptions: number,
  EaBuffer: number | null, EaLength: number,
): KWAIT<NTSTATUS> {
  IopCheckZw("ZwCreateFile");
  void AllocationSize;
  void EaBuffer;
  void EaLength;
  return new KWAIT_CALL("ZwCreateFile", IopCreateFileKernel(FileHandle, DesiredAccess, ObjectAttributes, IoStatusBlock, FileAttributes, ShareAccess, CreateDisposition, CreateOptions));
}

/** `ZwOpenFile`: ZwCreateFile with FILE_OPEN. PASSIVE_LEVEL; `status = yield* ZwOpenFile(...)`. */
export function ZwOpenFile(FileHandle: Box<number>, DesiredAccess: number, ObjectAttributes: OBJECT_ATTRIBUTES | null, IoStatusBlock: IO_STATUS_BLOCK, ShareAccess: number, OpenOptions: number): KWAIT<NTSTATUS> {
  IopCheckZw("ZwOpenFile");
  return new KWAIT_CALL("ZwOpenFile", IopCreateFileKernel(FileHandle, DesiredAccess, ObjectAttributes, IoStatusBlock, 0, ShareAccess, FILE_OPEN, OpenOptions));
}

/** The event a kernel caller names by handle (null for none), reset as the I/O manager resets it. */
function IopKernelEvent(Event: number | null): KEVENT | null | NTSTATUS {
  if (Event === null || Event === undefined || Event === 0) return null;
  const e = IopKernelHandleTable(Event).lookup(Event);
  if (e === undefined) return STATUS_INVALID_HANDLE;
  const o = e.object as unknown;
  if (!(o instanceof KEVENT)) return STATUS_OBJECT_TYPE_MISMATCH;
  KeResetEvent(o);
  return o;
}

function* IopReadWriteKernel(
  major: number, FileHandle: number, Event: number | null, ApcRoutine: unknown, IoStatusBlock: IO_STATUS_BLOCK, Buffer: number, Length: number,
  ByteOffset: number | null, Key: number,
): Generator<KWAIT_BLOCK, NTSTATUS, NTSTATUS> {
  const m = cur;
  const fo = IopKernelFileHandle(FileHandle);
  if (typeof fo === "number") return fo;
  if (badLength(Length)) return STATUS_INVALID_PARAMETER;
  // Kernel-mode completion APCs (PIO_APC_ROUTINE from a driver) are not emulated.
  if (ApcRoutine !== null && ApcRoutine !== undefined) return STATUS_NOT_SUPPORTED;
  const ev = IopKernelEvent(Event);
  if (typeof ev === "number") return ev;
  const synchronous = (fo.Flags & FO_SYNCHRONOUS_IO) !== 0;
  // An asynchronous file object has no position: the caller must say where.
  if (!synchronous && (ByteOffset === null || ByteOffset === undefined || ByteOffset === FILE_USE_FILE_POINTER_POSITION)) return STATUS_INVALID_PARAMETER;
  if (synchronous) yield* IopAcquireFileLock(fo);
  const dev = IoGetRelatedDeviceObject(fo);
  const irp = newUserIrp(dev, fo, IoStatusBlock, ev, null);
  irp.RequestorMode = KernelMode;
  irp.Flags |= major === IRP_MJ_READ ? IRP_READ_OPERATION : IRP_WRITE_OPERATION;
  if (synchronous) irp.Flags |= IRP_SYNCHRONOUS_API;
  const sl = IoGetNextIrpStackLocation(irp);
  sl.MajorFunction = major;
  sl.FileObject = fo;
  sl.Parameters.Read.Length = Length;
  sl.Parameters.Read.Key = Key;
  sl.Parameters.Read.ByteOffset = ByteOffset === null || ByteOffset === undefined || ByteOffset === FILE_USE_FILE_POINTER_POSITION ? fo.CurrentByteOffset : ByteOffset;
  if (Length > 0) {
    const st = IopSetReadWriteBuffer(m, irp, dev, major, Buffer, Length, KernelMode);
    if (st !== STATUS_SUCCESS) return abandon(irp, fo, st);
  }
  irp.Flags |= IRP_DEFER_IO_COMPLETION;
  return yield* IopKernelServiceTail(dev, irp, fo, IoStatusBlock, synchronous, synchronous);
}

/**
 * `ZwReadFile`: reads Length bytes into Buffer (a kernel address) from ByteOffset, or, on
 * a synchronous file object, from its current position when ByteOffset is null, which
 * then moves past what was read. IoStatusBlock.Information is the bytes read; reading at
 * or past the end of a file is STATUS_END_OF_FILE. On an asynchronous file object a
 * request the driver pends returns STATUS_PENDING and Event (a handle, or null) is set when
 * it completes; a kernel-mode ApcRoutine is STATUS_NOT_SUPPORTED here.
 * PASSIVE_LEVEL; `status = yield* ZwReadFile(...)`.
 */
export function ZwReadFile(
  FileHandle: number, Event: number | null, ApcRoutine: PIO_APC_ROUTINE | null, ApcContext: unknown, IoStatusBlock: IO_STATUS_BLOCK, Buffer: number, Length: number,
  ByteOffset: number | null, Key: number | null,
): KWAIT<NTSTATUS> {
  IopCheckZw("ZwReadFile");
  void ApcContext;
  return new KWAIT_CALL("ZwReadFile", IopReadWriteKernel(IRP_MJ_READ, FileHandle, Event, ApcRoutine, IoStatusBlock, Buffer, Length, ByteOffset, Key ?? 0));
}

/**
 * `ZwWriteFile`: writes Length bytes from Buffer at ByteOffset (or a synchronous file
 * object's position when null; FILE_WRITE_TO_END_OF_FILE appends), extending the file.
 * PASSIVE_LEVEL; `status = yield* ZwWriteFile(...)`.
 */
export function ZwWriteFile(
  FileHandle: number, Event: number | null, ApcRoutine: PIO_APC_ROUTINE | null, ApcContext: unknown, IoStatusBlock: IO_STATUS_BLOCK, Buffer: number, Length: number,
  ByteOffset: number | null, Key: number | null,
): KWAIT<NTSTATUS> {
  IopCheckZw("ZwWriteFile");
  void ApcContext;
  return new KWAIT_CALL("ZwWriteFile", IopReadWriteKernel(IRP_MJ_WRITE, FileHandle, Event, ApcRoutine, IoStatusBlock, Buffer, Length, ByteOffset, Key ?? 0));
}

function* IopInformationKernel(set: boolean, FileHandle: number, IoStatusBlock: IO_STATUS_BLOCK, FileInformation: number, Length: number, FileInformationClass: number): Generator<KWAIT_BLOCK, NTSTATUS, NTSTATUS> {
  const fo = IopKernelFileHandle(FileHandle);
  if (typeof fo === "number") return fo;
  const st = IopCheckInformationClass(Length, FileInformationClass);
  if (st !== STATUS_SUCCESS) return st;
  const synchronous = (fo.Flags & FO_SYNCHRONOUS_IO) !== 0;
  if (synchronous && FileInformationClass === FilePositionInformation) return IopFilePosition(fo, set, FileInformation, IoStatusBlock);
  if (synchronous) yield* IopAcquireFileLock(fo);
  const irp = IopBuildInformationIrp(fo, set, IoStatusBlock, FileInformation, Length, FileInformationClass);
  if (typeof irp === "number") return irp;
  irp.RequestorMode = KernelMode;
  return yield* IopKernelServiceTail(IoGetRelatedDeviceObject(fo), irp, fo, IoStatusBlock, synchronous, synchronous);
}

/**
 * `ZwQueryInformationFile`: the FILE_INFORMATION_CLASS structure (FileStandardInformation,
 * FilePositionInformation, FileBasicInformation...) written at FileInformation.
 * PASSIVE_LEVEL; `status = yield* ZwQueryInformationFile(...)`.
 */
export function ZwQueryInformationFile(FileHandle: number, IoStatusBlock: IO_STATUS_BLOCK, FileInformation: number, Length: number, FileInformationClass: number): KWAIT<NTSTATUS> {
  IopCheckZw("ZwQueryInformationFile");
  return new KWAIT_CALL("ZwQueryInformationFile", IopInformationKernel(false, FileHandle, IoStatusBlock, FileInformation, Length, FileInformationClass));
}

/**
 * `ZwSetInformationFile`: FilePositionInformation (the nonpnp sample's rewind),
 * FileEndOfFileInformation, FileDispositionInformation (delete when the last handle
 * closes), FileBasicInformation, read from FileInformation.
 * PASSIVE_LEVEL; `status = yield* ZwSetInformationFile(...)`.
 */
export function ZwSetInformationFile(FileHandle: number, IoStatusBlock: IO_STATUS_BLOCK, FileInformation: number, Length: number, FileInformationClass: number): KWAIT<NTSTATUS> {
  IopCheckZw("ZwSetInformationFile");
  return new KWAIT_CALL("ZwSetInformationFile", IopInformationKernel(true, FileHandle, IoStatusBlock, FileInformation, Length, FileInformationClass));
}

function* IopDeleteFileKernel(ObjectAttributes: OBJECT_ATTRIBUTES | null): Generator<KWAIT_BLOCK, NTSTATUS, NTSTATUS> {
  const h = { value: 0 };
  // The open's handle is the kernel's own, whatever the caller's attributes say: nobody else sees it.
  const st = yield* IopCreateFileKernel(h, DELETE, ObjectAttributes, new IO_STATUS_BLOCK(), 0, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, FILE_OPEN, FILE_DELETE_ON_CLOSE | FILE_OPEN_REPARSE_POINT, true);
  if (!NT_SUCCESS(st)) return st;
  IopCloseHandle(cur.systemProcess.handles, h.value, false);
  return STATUS_SUCCESS;
}

/**
 * `ZwDeleteFile`: deletes the named file or empty directory; it goes when its last open is
 * closed (at once if nobody has it open). PASSIVE_LEVEL; `status = yield* ZwDeleteFile(oa)`.
 */
export function ZwDeleteFile(ObjectAttributes: OBJECT_ATTRIBUTES | null): KWAIT<NTSTATUS> {
  IopCheckZw("ZwDeleteFile");
  return new KWAIT_CALL("ZwDeleteFile", IopDeleteFileKernel(ObjectAttributes));
}
