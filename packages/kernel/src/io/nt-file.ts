import { cur } from "../context.js";
import type { Box } from "../box.js";
import { KeBugCheckEx } from "../ke/bugcheck.js";
import { DRIVER_VERIFIER_IOMANAGER_VIOLATION } from "../ke/bugcheck-codes.js";
import { KEVENT, KeResetEvent, KeSetEvent, UserMode, type KPROCESSOR_MODE, type KWAIT_BLOCK } from "../ke/dispatcher.js";
import { KiDeferServiceWait } from "../ke/service-wait.js";
import { formatAddress } from "../mm/layout.js";
import { SehException } from "../ke/exception.js";
import { IoAllocateMdl, MmProbeAndLockPages } from "../mm/mdl.js";
import { POOL_FLAG_NON_PAGED, POOL_FLAG_UNINITIALIZED, POOL_TAG } from "../mm/pool.js";
import { MM_USER_PROBE_ADDRESS } from "../mm/layout.js";
import {
  NtStatusName,
  NT_SUCCESS, STATUS_ACCESS_DENIED, STATUS_ACCESS_VIOLATION, STATUS_DELETE_PENDING, STATUS_INSUFFICIENT_RESOURCES,
  STATUS_INVALID_HANDLE, STATUS_INVALID_PARAMETER, STATUS_NO_SUCH_DEVICE, STATUS_NOT_FOUND, STATUS_OBJECT_NAME_INVALID,
  STATUS_OBJECT_TYPE_MISMATCH, STATUS_PENDING, STATUS_SUCCESS, type NTSTATUS,
} from "../ntstatus.js";
import { OBJECT_HEADER, ObDereferenceObject, ObReferenceObject, type ObObject } from "../ob/object.js";
import type { HandleTable } from "../ob/handle-table.js";
import { ObpCheckObjectAttributes, type OBJECT_ATTRIBUTES } from "../ob/object-attributes.js";
import type { DeferredServiceWait, KTHREAD } from "../ps/process.js";
import { IoCancelIrp } from "./cancel.js";
import { IoCallDriver } from "./complete.js";
import {
  ACCESS_FROM_CTL_CODE, DO_BUFFERED_IO, DO_DEVICE_INITIALIZING, DO_DIRECT_IO, DO_EXCLUSIVE, DOE_DELETE_PENDING, DOE_REMOVE_PENDING, DOE_REMOVE_PROCESSED, FILE_READ_ACCESS, FILE_READ_DATA,
  FILE_SYNCHRONOUS_IO_ALERT, FILE_SYNCHRONOUS_IO_NONALERT, FILE_WRITE_ACCESS, FILE_WRITE_DATA, FO_SYNCHRONOUS_IO,
  IRP_BUFFERED_IO, IRP_CLOSE_OPERATION, IRP_CREATE_OPERATION, IRP_DEALLOCATE_BUFFER, IRP_DEFER_IO_COMPLETION,
  IRP_INPUT_OPERATION, IRP_MJ_CLEANUP, IRP_MJ_CLOSE, IRP_MJ_CREATE, IRP_MJ_DEVICE_CONTROL, IRP_MJ_READ, IRP_MJ_WRITE,
  IRP_READ_OPERATION, IRP_SYNCHRONOUS_API, IRP_WRITE_OPERATION, IoReadAccess, IoWriteAccess, MapGenericFileAccess,
  METHOD_BUFFERED, METHOD_FROM_CTL_CODE, METHOD_IN_DIRECT, METHOD_NEITHER, FO_CLEANUP_COMPLETE,
} from "./constants.js";
import { DEVICE_OBJECT, IoGetAttachedDevice, IoGetRelatedDeviceObject } from "./device.js";
import { FILE_OBJECT, IopDereferenceFileObject, IopReferenceFileObject } from "./file.js";
import { IopCompleteRequest, IopFileIrpTail } from "./io-completion.js";
import { IO_STATUS_BLOCK, IoAllocateIrp, IoFreeIrp, IoGetNextIrpStackLocation, IRP_KIND_USER, type IRP, type PIO_APC_ROUTINE } from "./irp.js";
import { IoCompletionObject } from "./completion-port.js";
import { IopMountBootVolume, IopNamesBootVolume } from "../fs/ramfs-volume.js";
import { FILE_DIRECTORY_FILE, FILE_MAXIMUM_DISPOSITION, FILE_VALID_OPTION_FLAGS } from "./file-information.js";
import { FILE_CREATE, FILE_NON_DIRECTORY_FILE, FILE_OPEN, FILE_OPEN_IF } from "./constants.js";

/*
 * The I/O system services a client reaches through the Win32 layer. They run in the
 * calling thread (the machine's syscall entry sets it up), build the IRP exactly as the
 * I/O manager does for each transfer type, send it to the top of the device stack and,
 * for a synchronous handle, wait until the IRP completes even when the driver pends.
 */

const TAG_SYSTEM_BUFFER = POOL_TAG("IoSb");

function currentThread(): KTHREAD {
  return cur.cpu.thread!;
}

/** The file object behind a handle of the calling process (the I/O services' monomorphic lookup). */
export function IopReferenceFileHandle(Handle: number): { readonly object: FILE_OBJECT; readonly access: number } | NTSTATUS {
  const e = cur.cpu.process.handles.lookup(Handle);
  if (e === undefined) return STATUS_INVALID_HANDLE;
  const o = e.object;
  if (!(o instanceof FILE_OBJECT)) return STATUS_OBJECT_TYPE_MISMATCH;
  return e as unknown as { readonly object: FILE_OBJECT; readonly access: number };
}

export function IopReferenceHandle<T>(Handle: number, type: abstract new (...a: any[]) => T): { readonly object: T; readonly access: number } | NTSTATUS {
  const e = cur.cpu.process.handles.lookup(Handle);
  if (e === undefined) return STATUS_INVALID_HANDLE;
  if (!(e.object instanceof type)) return STATUS_OBJECT_TYPE_MISMATCH;
  // The handle entry itself carries the object and its granted access: no allocation.
  return e as unknown as { readonly object: T; readonly access: number };
}

/**
 * Sends a freshly built IRP and finishes it: the I/O manager's synchronous service tail
 * (IopPerformSynchronousRequest). Reads, writes and creates are deferred-completion
 * requests (IRP_DEFER_IO_COMPLETION): one completed inside the call and not pended is
 * finished here, on return. A device I/O control is not: IoCompleteRequest finishes it
 * in the requesting thread, inside the call or later, whatever the driver returned. Either
 * way a synchronous caller waits for the file object's event only when the driver
 * returned STATUS_PENDING, and gets the final status the completion recorded.
 */
export function IopSynchronousServiceTail(dev: DEVICE_OBJECT, irp: IRP, fo: FILE_OBJECT, iosb: IO_STATUS_BLOCK, synchronous: boolean): NTSTATUS {
  const m = cur;
  currentThread().IrpList.add(irp);
  iosb.Status = STATUS_PENDING;
  iosb.Information = 0;
  // What a synchronous request waits on when the driver pends it: the file object's event,
  // cleared now, as the I/O manager does before it sends the request.
  if (synchronous) fo.Event.SignalState = 0;
  const deferred = (irp.Flags & IRP_DEFER_IO_COMPLETION) !== 0;
  const generation = irp.generation;
  const address = irp.address;
  const status = IoCallDriver(dev, irp);
  if (status !== STATUS_PENDING) {
    // Only while the IRP is still this request's can it be read: a request that is not
    // deferred may already be finished and freed.
    const mine = irp.generation === generation && irp.inUse;
    if (deferred && mine && irp.completed && !irp.PendingReturned) {
      // Completed inside the call and not pended: finish here (IRP_DEFER_IO_COMPLETION).
      const final = irp.IoStatus.Status;
      IopCompleteRequest(irp);
      if (synchronous) IopReleaseFileLock(fo);
      return final;
    }
    if (mine && !irp.completed && m.checked) {
      KeBugCheckEx(DRIVER_VERIFIER_IOMANAGER_VIOLATION, 0x226, 0, irp.address, dev.address, `A dispatch routine returned ${NtStatusName(status)} without completing the IRP, passing it down, or returning STATUS_PENDING.`);
    }
    if (!deferred) {
      if (synchronous) IopReleaseFileLock(fo);
      return status;
    }
  }
  if (!synchronous) return STATUS_PENDING;
  return IopWaitForSynchronousIo(fo, address);
}
/** A read or write on a synchronous file object another request holds: it runs once the lock is free. */
function IopReadWriteWhenUnlocked(
  fo: FILE_OBJECT, major: number, FileHandle: number, Event: number, ApcRoutine: PIO_APC_ROUTINE | null, ApcContext: any,
  IoStatusBlock: IO_STATUS_BLOCK, Buffer: number, Length: number, ByteOffset: number | null, Key: number,
): NTSTATUS {
  return IopWaitForFileLock(fo, () => IopReadWrite(major, FileHandle, Event, ApcRoutine, ApcContext, IoStatusBlock, Buffer, Length, ByteOffset, Key));
}

/** A device control on a synchronous file object another request holds: it runs once the lock is free. */
function IopDeviceIoControlWhenUnlocked(
  fo: FILE_OBJECT, FileHandle: number, Event: number, ApcRoutine: PIO_APC_ROUTINE | null, ApcContext: any, IoStatusBlock: IO_STATUS_BLOCK,
  IoControlCode: number, InputBuffer: number, InputBufferLength: number, OutputBuffer: number, OutputBufferLength: number,
): NTSTATUS {
  return IopWaitForFileLock(fo, () =>
    NtDeviceIoControlFile(FileHandle, Event, ApcRoutine, ApcContext, IoStatusBlock, IoControlCode, InputBuffer, InputBufferLength, OutputBuffer, OutputBufferLength),
  );
}

/**
 * A synchronous file object's lock is held by another request: the caller waits for it
 * and `retry` (the service again) runs once it is released.
 */
export function IopWaitForFileLock(fo: FILE_OBJECT, retry: () => NTSTATUS): NTSTATUS {
  fo.Waiters++;
  return KiDeferServiceWait({ objects: [fo.Lock], waitAll: false, deadline: -1, alertable: false, userMode: false }, "the file object lock (another thread's synchronous I/O on the handle)", () => {
    fo.Waiters--;
    return retry();
  });
}

export function IopReleaseFileLock(fo: FILE_OBJECT): void {
  fo.Busy = false;
  if (fo.Waiters > 0) KeSetEvent(fo.Lock, 0, false);
}

/**
 * A synchronous request the driver pended: the caller waits, once, for the file object's
 * event, then returns the final status its completion recorded (FileObject->FinalStatus).
 */
function IopWaitForSynchronousIo(fo: FILE_OBJECT, address: number): NTSTATUS {
  // The file object lock makes this the only request of the file object in flight, so its
  // event is this request's.
  if (fo.Event.SignalState !== 0) {
    IopReleaseFileLock(fo);
    return fo.FinalStatus;
  }
  const block: KWAIT_BLOCK = { objects: [fo.Event], waitAll: false, deadline: -1, alertable: false, userMode: false };
  const what = `the IRP at ${formatAddress(address)} (synchronous I/O on a handle whose driver pended it)`;
  return KiDeferServiceWait(block, what, () => {
    IopReleaseFileLock(fo);
    return fo.FinalStatus;
  }, () => IopReleaseFileLock(fo));
}

export function newUserIrp(dev: DEVICE_OBJECT, fo: FILE_OBJECT, iosb: IO_STATUS_BLOCK, event: KEVENT | null, overlapped: any): IRP {
  const irp = IoAllocateIrp(dev.StackSize, false)!;
  irp.kind = IRP_KIND_USER;
  irp.RequestorMode = UserMode;
  irp.Tail.Overlay.Thread = currentThread();
  irp.Tail.Overlay.OriginalFileObject = fo;
  IopReferenceFileObject(fo);
  irp.UserIosb = iosb;
  irp.UserEvent = event;
  irp.request = overlapped;
  irp.Flags = IRP_DEFER_IO_COMPLETION;
  return irp;
}

/**
 * An APC routine is for overlapped I/O on a handle not bound to a completion port (the
 * port gets the completion instead): else STATUS_INVALID_PARAMETER, as Windows.
 */
function IopCheckApcRoutine(fo: FILE_OBJECT, ApcRoutine: PIO_APC_ROUTINE | null): PIO_APC_ROUTINE | null | false {
  if (ApcRoutine === null || ApcRoutine === undefined) return null;
  if (typeof ApcRoutine !== "function" || fo.CompletionContext !== null) return false;
  return ApcRoutine;
}

/** Undo a request that failed before it reached a driver. */
export function abandon(irp: IRP, fo: FILE_OBJECT, status: NTSTATUS): NTSTATUS {
  const m = cur;
  if (irp.AssociatedIrp.SystemBuffer !== 0 && (irp.Flags & IRP_DEALLOCATE_BUFFER) !== 0) m.mm.pool.free_(irp.AssociatedIrp.SystemBuffer, null);
  irp.AssociatedIrp.SystemBuffer = 0;
  irp.MdlAddress = null;
  IopDereferenceFileObject(fo);
  IoFreeIrp(irp);
  if ((fo.Flags & FO_SYNCHRONOUS_IO) !== 0 && fo.Busy) IopReleaseFileLock(fo);
  return status;
}

/** A ULONG length: an integer in [0, 2^32). (`n >>> 0 === n` holds for nothing else, strings included.) */
export function badLength(n: number): boolean {
  return typeof n !== "number" || n >>> 0 !== n;
}

/** A user range the caller says it owns must lie in user space (the probe every service does). */
export function userRangeOk(address: number, length: number): boolean {
  if (length === 0) return true;
  return typeof address === "number" && address >= 0 && address + length <= MM_USER_PROBE_ADDRESS;
}

export function resolveEvent(Event: number): KEVENT | null | NTSTATUS {
  if (!Event) return null;
  const r = IopReferenceHandle(Event, KEVENT);
  if (typeof r === "number") return r;
  KeResetEvent(r.object);
  return r.object;
}

// ---- create, cleanup, close ----

/**
 * `NtCreateFile` for a device: resolves ObjectAttributes->ObjectName through the object
 * namespace and its symbolic links, refuses a second open of an exclusive device, builds
 * the file object and sends IRP_MJ_CREATE to the top of the device stack. Without a name
 * it is STATUS_OBJECT_NAME_INVALID, as in Windows.
 */
export function NtCreateFile(
  FileHandle: Box<number>,
  DesiredAccess: number,
  ObjectAttributes: OBJECT_ATTRIBUTES | null,
  IoStatusBlock: IO_STATUS_BLOCK,
  AllocationSize: number | null,
  FileAttributes: number,
  ShareAccess: number,
  CreateDisposition: number,
  CreateOptions: number,
  EaBuffer: number | null,
  EaLength: number,
): NTSTATUS {
  // No allocation size or extended attributes are emulated; the attributes go to the driver (a file system's new file gets them).
  void AllocationSize;
  void EaBuffer;
  void EaLength;
  const m = cur;
  FileHandle.value = 0;
  if (ObjectAttributes === null || ObjectAttributes === undefined) return STATUS_OBJECT_NAME_INVALID;
  const oa = ObpCheckObjectAttributes(ObjectAttributes);
  if (oa !== STATUS_SUCCESS) return oa;
  const bad = IopCheckCreateParameters(CreateDisposition, CreateOptions);
  if (bad !== STATUS_SUCCESS) return bad;
  const fo = IopParseDevice(ObjectAttributes.ObjectName, DesiredAccess);
  if (typeof fo === "number") return fo;
  const dev = fo.DeviceObject;
  const access = fo.GrantedAccess;
  fo.SharedRead = (ShareAccess & 1) !== 0;
  fo.SharedWrite = (ShareAccess & 2) !== 0;
  fo.SharedDelete = (ShareAccess & 4) !== 0;
  if ((CreateOptions & (FILE_SYNCHRONOUS_IO_ALERT | FILE_SYNCHRONOUS_IO_NONALERT)) !== 0) fo.Flags |= FO_SYNCHRONOUS_IO;
  const top = IoGetAttachedDevice(dev);
  const irp = newUserIrp(top, fo, IoStatusBlock, null, null);
  irp.Flags |= IRP_CREATE_OPERATION | IRP_SYNCHRONOUS_API;
  const sl = IoGetNextIrpStackLocation(irp);
  sl.MajorFunction = IRP_MJ_CREATE;
  sl.FileObject = fo;
  sl.Parameters.Create.SecurityContext = { DesiredAccess: access };
  sl.Parameters.Create.Options = ((CreateDisposition & 0xff) << 24) | (CreateOptions & 0xffffff);
  sl.Parameters.Create.ShareAccess = ShareAccess;
  sl.Parameters.Create.FileAttributes = typeof FileAttributes === "number" ? FileAttributes : 0;
  dev.openCount++;
  const status = IopSynchronousServiceTail(top, irp, fo, IoStatusBlock, true);
  if (status === STATUS_PENDING) {
    // The driver pended the create and the caller waits for it (a service wait queued on its
    // thread): the handle is made, or the open undone, with the create's final status.
    const last = IopLastServiceWait();
    if (last !== null) {
      const finish = last.finish;
      const process = m.cpu.process;
      last.finish = (WaitStatus, ServiceStatus) => IopCreateFileDone(finish(WaitStatus, ServiceStatus), fo, dev, access, FileHandle, process.handles);
      return STATUS_PENDING;
    }
  }
  return IopCreateFileDone(status, fo, dev, access, FileHandle, m.cpu.process.handles);
}

function IopLastServiceWait(): DeferredServiceWait | null {
  let d = cur.cpu.thread?.deferred ?? null;
  while (d !== null && d.next !== null) d = d.next;
  return d;
}

/** The end of a create: a handle for the opened file object, or, failed, nothing left behind. */
function IopCreateFileDone(status: NTSTATUS, fo: FILE_OBJECT, dev: DEVICE_OBJECT, access: number, FileHandle: Box<number>, handles: HandleTable): NTSTATUS {
  if (!NT_SUCCESS(status)) {
    // A failed create leaves nothing behind: no cleanup or close is sent.
    dev.openCount--;
    fo.closed = true;
    ObDereferenceObject(fo); // frees the file object (and its address); being closed, it sends no IRP_MJ_CLOSE
    return status;
  }
  fo.ObHeader!.HandleCount = 1;
  // The file object holds the device object until it is closed.
  ObReferenceObject(dev);
  FileHandle.value = handles.insert(fo, access);
  return status;
}

/**
 * IoCreateFile's checks of what it is asked to do, before any name is looked up: a known
 * disposition, only valid option bits, not both FILE_DIRECTORY_FILE and
 * FILE_NON_DIRECTORY_FILE, and a directory only opened or created (FILE_CREATE, FILE_OPEN,
 * FILE_OPEN_IF). Anything else is STATUS_INVALID_PARAMETER.
 */
export function IopCheckCreateParameters(CreateDisposition: number, CreateOptions: number): NTSTATUS {
  if (typeof CreateDisposition !== "number" || !(CreateDisposition >= 0 && CreateDisposition <= FILE_MAXIMUM_DISPOSITION) || (CreateDisposition | 0) !== CreateDisposition) return STATUS_INVALID_PARAMETER;
  if (typeof CreateOptions !== "number" || (CreateOptions & ~FILE_VALID_OPTION_FLAGS) !== 0) return STATUS_INVALID_PARAMETER;
  if ((CreateOptions & FILE_DIRECTORY_FILE) !== 0) {
    if ((CreateOptions & FILE_NON_DIRECTORY_FILE) !== 0) return STATUS_INVALID_PARAMETER;
    if (CreateDisposition !== FILE_CREATE && CreateDisposition !== FILE_OPEN && CreateDisposition !== FILE_OPEN_IF) return STATUS_INVALID_PARAMETER;
  }
  return STATUS_SUCCESS;
}

/**
 * The open's first half (IopParseDevice): resolve the name through the namespace and its
 * links to a device that can be opened now, and make the file object for it with the
 * access asked for (one reference, the creator's). A status if it cannot be opened.
 */
export function IopParseDevice(ObjectName: unknown, DesiredAccess: number): FILE_OBJECT | NTSTATUS {
  if (typeof ObjectName !== "string" || ObjectName.length === 0) return STATUS_OBJECT_NAME_INVALID;
  // The boot volume is mounted the first time a name on it is opened (a machine that never opens a file pays nothing).
  if (!cur.io.bootVolumeMounted && IopNamesBootVolume(ObjectName)) IopMountBootVolume();
  const r = cur.ob.namespace.resolve(ObjectName);
  if (typeof r === "number") return r;
  const dev = r.object;
  if (!(dev instanceof DEVICE_OBJECT)) return STATUS_OBJECT_TYPE_MISMATCH;
  if (dev.deletePending || dev.DriverObject.unloadPending) return STATUS_DELETE_PENDING;
  // IopCheckDeviceAndDriver: a stack the PnP manager is removing (or surprise-removed) takes no new opens.
  if ((dev.ExtensionFlags & (DOE_DELETE_PENDING | DOE_REMOVE_PENDING | DOE_REMOVE_PROCESSED)) !== 0) return STATUS_DELETE_PENDING;
  if ((dev.Flags & DO_DEVICE_INITIALIZING) !== 0) return STATUS_NO_SUCH_DEVICE;
  if ((dev.Flags & DO_EXCLUSIVE) !== 0 && dev.openCount > 0) return STATUS_ACCESS_DENIED;
  const access = MapGenericFileAccess(DesiredAccess);
  const fo = new FILE_OBJECT(dev, r.remainder);
  fo.ObHeader = new OBJECT_HEADER("File", IopDeleteFile);
  fo.ObHeader.PointerCount = 1;
  fo.GrantedAccess = access;
  fo.ReadAccess = (access & FILE_READ_DATA) !== 0;
  fo.WriteAccess = (access & FILE_WRITE_DATA) !== 0;
  return fo;
}

/**
 * Sends IRP_MJ_CLEANUP or IRP_MJ_CLOSE for a file object. `after` runs once it has
 * completed: now if the driver completed it in the call, else when it completes. With
 * `wait`, a client caller then waits for it (see KiDeferServiceWait).
 */
function IopSendFileIrp(fo: FILE_OBJECT, major: number, after: () => void, wait: boolean): NTSTATUS {
  const m = cur;
  const dev = IoGetRelatedDeviceObject(fo);
  const iosb = new IO_STATUS_BLOCK();
  const irp = IoAllocateIrp(dev.StackSize, false)!;
  irp.kind = IRP_KIND_USER;
  irp.Tail.Overlay.Thread = m.cpu.thread;
  irp.Tail.Overlay.OriginalFileObject = null;
  irp.UserIosb = iosb;
  irp.Flags = IRP_DEFER_IO_COMPLETION | IRP_SYNCHRONOUS_API | (major === IRP_MJ_CLOSE ? IRP_CLOSE_OPERATION : 0);
  const tail = new IopFileIrpTail(after);
  irp.request = tail;
  const sl = IoGetNextIrpStackLocation(irp);
  sl.MajorFunction = major;
  sl.FileObject = fo;
  iosb.Status = STATUS_PENDING;
  const status = IoCallDriver(dev, irp);
  if (status !== STATUS_PENDING && irp.completed && !irp.PendingReturned) {
    const final = irp.IoStatus.Status;
    IopCompleteRequest(irp);
    return final;
  }
  if (!wait || iosb.Status !== STATUS_PENDING) return iosb.Status;
  return KiDeferServiceWait({ objects: [tail.event], waitAll: false, deadline: -1, alertable: false, userMode: false },
    major === IRP_MJ_CLOSE ? "IRP_MJ_CLOSE" : "IRP_MJ_CLEANUP", () => STATUS_SUCCESS);
}

/**
 * The file object type's delete procedure: the last reference is gone, send IRP_MJ_CLOSE.
 * The device is released once the close has completed (a driver may pend it).
 */
function IopDeleteFile(fo: FILE_OBJECT): void {
  if (fo.closed) return;
  fo.closed = true;
  const m = cur;
  const savedThread = m.cpu.thread;
  IopSendFileIrp(fo, IRP_MJ_CLOSE, () => IopCloseComplete(fo), false);
  m.cpu.thread = savedThread;
}

function IopCloseComplete(fo: FILE_OBJECT): void {
  const m = cur;
  const dev = fo.DeviceObject;
  dev.openCount--;
  // A surprise-removed stack waits for its last handle before IRP_MN_REMOVE_DEVICE.
  if (dev.openCount === 0 && (dev.ExtensionFlags & DOE_REMOVE_PENDING) !== 0) m.pnp.IopDeviceClosed(dev);
  ObDereferenceObject(dev);
  // The last open of a driver whose unload was asked for: now it unloads.
  const drv = dev.DriverObject;
  if (drv.unloadPending) {
    let open = false;
    for (let d = drv.DeviceObject; d !== null; d = d.NextDevice) if (d.openCount > 0) open = true;
    if (!open) m.IopCompleteUnload(drv);
  }
}

/**
 * `NtClose`. Closing the last handle of a file object sends IRP_MJ_CLEANUP, in which the
 * driver must complete that file object's pending IRPs; IRP_MJ_CLOSE follows once the
 * last reference (pending IRPs hold one each) is gone.
 */
export function NtClose(Handle: number): NTSTATUS {
  return IopCloseHandle(cur.cpu.process.handles, Handle, true);
}

/**
 * Closes a handle of a table (NtClose, ZwClose): drops the handle's count and its
 * reference. With `wait`, a client caller waits for a pended IRP_MJ_CLEANUP.
 */
export function IopCloseHandle(Table: HandleTable, Handle: number, wait: boolean): NTSTATUS {
  const e = Table.remove(Handle);
  if (e === undefined) return STATUS_INVALID_HANDLE;
  const o = e.object as ObObject;
  const h = o.ObHeader;
  if (h !== null && h.HandleCount > 0) h.HandleCount--;
  if (o instanceof FILE_OBJECT && h !== null && h.HandleCount === 0 && !o.cleanupDone) {
    o.cleanupDone = true;
    // The handle's reference goes once the cleanup is done, so IRP_MJ_CLOSE follows it.
    const st = IopSendFileIrp(o, IRP_MJ_CLEANUP, () => {
      o.Flags |= FO_CLEANUP_COMPLETE;
      ObDereferenceObject(o);
    }, wait);
    // Pending only for a client caller that now waits for the cleanup (KiDeferServiceWait).
    return st === STATUS_PENDING && cur.cpu.thread !== null && cur.cpu.thread.deferred !== null ? STATUS_PENDING : STATUS_SUCCESS;
  }
  ObDereferenceObject(o);
  return STATUS_SUCCESS;
}

// ---- read, write, device control ----

function IopReadWrite(
  major: number,
  FileHandle: number,
  Event: number,
  ApcRoutine: PIO_APC_ROUTINE | null,
  ApcContext: any,
  IoStatusBlock: IO_STATUS_BLOCK,
  Buffer: number,
  Length: number,
  ByteOffset: number | null,
  Key: number,
): NTSTATUS {
  const m = cur;
  const r = IopReferenceFileHandle(FileHandle);
  if (typeof r === "number") return r;
  const fo = r.object;
  if ((r.access & (major === IRP_MJ_READ ? FILE_READ_DATA : FILE_WRITE_DATA)) === 0) return STATUS_ACCESS_DENIED;
  if (badLength(Length)) return STATUS_INVALID_PARAMETER;
  if (!userRangeOk(Buffer, Length)) return STATUS_ACCESS_VIOLATION;
  const ev = resolveEvent(Event);
  if (typeof ev === "number") return ev;
  const synchronous = (fo.Flags & FO_SYNCHRONOUS_IO) !== 0;
  const apc = IopCheckApcRoutine(fo, ApcRoutine);
  if (apc === false) return STATUS_INVALID_PARAMETER;
  if (synchronous) {
    if (fo.Busy) return IopReadWriteWhenUnlocked(fo, major, FileHandle, Event, ApcRoutine, ApcContext, IoStatusBlock, Buffer, Length, ByteOffset, Key);
    fo.Busy = true;
  }
  const dev = IoGetRelatedDeviceObject(fo);
  const irp = newUserIrp(dev, fo, IoStatusBlock, ev, synchronous ? null : ApcContext);
  irp.UserApcRoutine = apc;
  irp.Flags |= major === IRP_MJ_READ ? IRP_READ_OPERATION : IRP_WRITE_OPERATION;
  if (synchronous) irp.Flags |= IRP_SYNCHRONOUS_API;
  const sl = IoGetNextIrpStackLocation(irp);
  sl.MajorFunction = major;
  sl.FileObject = fo;
  sl.Parameters.Read.Length = Length;
  sl.Parameters.Read.Key = Key;
  sl.Parameters.Read.ByteOffset = ByteOffset ?? fo.CurrentByteOffset;
  if (Length > 0) {
    const st = IopSetReadWriteBuffer(m, irp, dev, major, Buffer, Length, UserMode);
    if (st !== STATUS_SUCCESS) return abandon(irp, fo, st);
  }
  // A synchronous file object's position moves when the request completes (IopCompleteRequest).
  return IopSynchronousServiceTail(dev, irp, fo, IoStatusBlock, synchronous);
}

/** `NtReadFile`. ApcContext is the OVERLAPPED of an overlapped call (posted to the completion port). */
export function NtReadFile(FileHandle: number, Event: number, ApcRoutine: PIO_APC_ROUTINE | null, ApcContext: any, IoStatusBlock: IO_STATUS_BLOCK, Buffer: number, Length: number, ByteOffset: number | null, Key: number): NTSTATUS {
  return IopReadWrite(IRP_MJ_READ, FileHandle, Event, ApcRoutine, ApcContext, IoStatusBlock, Buffer, Length, ByteOffset, Key);
}

export function NtWriteFile(FileHandle: number, Event: number, ApcRoutine: PIO_APC_ROUTINE | null, ApcContext: any, IoStatusBlock: IO_STATUS_BLOCK, Buffer: number, Length: number, ByteOffset: number | null, Key: number): NTSTATUS {
  return IopReadWrite(IRP_MJ_WRITE, FileHandle, Event, ApcRoutine, ApcContext, IoStatusBlock, Buffer, Length, ByteOffset, Key);
}

/**
 * `NtDeviceIoControlFile`. Checks the access the control code requires against the
 * handle first; then sets the buffers up by the code's transfer method: BUFFERED (one
 * system buffer, copied in and out), IN/OUT_DIRECT (input buffered, output described by
 * a locked MDL), NEITHER (raw user addresses, for the driver to probe).
 */
export function NtDeviceIoControlFile(
  FileHandle: number,
  Event: number,
  ApcRoutine: PIO_APC_ROUTINE | null,
  ApcContext: any,
  IoStatusBlock: IO_STATUS_BLOCK,
  IoControlCode: number,
  InputBuffer: number,
  InputBufferLength: number,
  OutputBuffer: number,
  OutputBufferLength: number,
): NTSTATUS {
  const r = IopReferenceFileHandle(FileHandle);
  if (typeof r === "number") return r;
  const fo = r.object;
  const required = ACCESS_FROM_CTL_CODE(IoControlCode);
  if (((required & FILE_READ_ACCESS) !== 0 && (r.access & FILE_READ_DATA) === 0) || ((required & FILE_WRITE_ACCESS) !== 0 && (r.access & FILE_WRITE_DATA) === 0)) {
    return STATUS_ACCESS_DENIED;
  }
  if (badLength(InputBufferLength) || badLength(OutputBufferLength)) return STATUS_INVALID_PARAMETER;
  const method = METHOD_FROM_CTL_CODE(IoControlCode);
  if (method !== METHOD_NEITHER && (!userRangeOk(InputBuffer, InputBufferLength) || !userRangeOk(OutputBuffer, OutputBufferLength))) {
    return STATUS_ACCESS_VIOLATION;
  }
  const ev = resolveEvent(Event);
  if (typeof ev === "number") return ev;
  const synchronous = (fo.Flags & FO_SYNCHRONOUS_IO) !== 0;
  if (synchronous) {
    // The file object lock. (The retry is made in another function: a closure here would
    // put this function's parameters in a context allocated on every call.)
    if (fo.Busy) return IopDeviceIoControlWhenUnlocked(fo, FileHandle, Event, ApcRoutine, ApcContext, IoStatusBlock, IoControlCode, InputBuffer, InputBufferLength, OutputBuffer, OutputBufferLength);
    fo.Busy = true;
  }
  const dev = IoGetRelatedDeviceObject(fo);
  const irp = newUserIrp(dev, fo, IoStatusBlock, ev, synchronous ? null : ApcContext);
  if (ApcRoutine !== null && ApcRoutine !== undefined) {
    const apc = IopCheckApcRoutine(fo, ApcRoutine);
    if (apc === false) return abandon(irp, fo, STATUS_INVALID_PARAMETER);
    irp.UserApcRoutine = apc;
  }
  // A device I/O control is not a deferred-completion request (only reads, writes and file
  // system controls are): IoCompleteRequest finishes it in the requesting thread.
  irp.Flags = synchronous ? IRP_SYNCHRONOUS_API : 0;
  const sl = IoGetNextIrpStackLocation(irp);
  sl.MajorFunction = IRP_MJ_DEVICE_CONTROL;
  sl.FileObject = fo;
  const p = sl.Parameters;
  p.a1 = OutputBufferLength;
  p.a2 = InputBufferLength;
  p.a3 = IoControlCode >>> 0;
  p.a4 = 0;
  const st =
    method === METHOD_BUFFERED
      ? IopBufferedIoctl(irp, InputBuffer, InputBufferLength, OutputBuffer, OutputBufferLength)
      : method === METHOD_NEITHER
        ? IopNeitherIoctl(irp, InputBuffer, OutputBuffer)
        : IopDirectIoctl(irp, method, InputBuffer, InputBufferLength, OutputBuffer, OutputBufferLength);
  if (st !== STATUS_SUCCESS) return abandon(irp, fo, st);
  return IopSynchronousServiceTail(dev, irp, fo, IoStatusBlock, synchronous);
}

// The transfer methods, each its own small function so the common one stays on the JIT's
// inlined fast path. Each returns STATUS_SUCCESS or the status that fails the request.

/** METHOD_BUFFERED: one system buffer of max(in, out), the input copied in; the output copied back at completion. */
function IopBufferedIoctl(irp: IRP, InputBuffer: number, InputBufferLength: number, OutputBuffer: number, OutputBufferLength: number): NTSTATUS {
  const mm = cur.mm;
  try {
    // The I/O manager probes a buffered output buffer for write before anything else
    // (ProbeForWrite touches each page), so a bad one fails the call, not the copy-back.
    if (OutputBufferLength > 0) mm.touch(OutputBuffer, OutputBufferLength, true);
    const len = InputBufferLength > OutputBufferLength ? InputBufferLength : OutputBufferLength;
    if (len === 0) return STATUS_SUCCESS;
    const sb = mm.pool.allocate(POOL_FLAG_NON_PAGED | POOL_FLAG_UNINITIALIZED, len, TAG_SYSTEM_BUFFER);
    if (sb === 0) return STATUS_INSUFFICIENT_RESOURCES;
    irp.AssociatedIrp.SystemBuffer = sb;
    irp.Flags |= IRP_BUFFERED_IO | IRP_DEALLOCATE_BUFFER;
    if (InputBufferLength > 0) mm.copy(sb, InputBuffer, InputBufferLength);
    if (OutputBufferLength > 0) {
      irp.Flags |= IRP_INPUT_OPERATION;
      irp.UserBuffer = OutputBuffer;
      irp.userOutputLength = OutputBufferLength;
    }
    return STATUS_SUCCESS;
  } catch (e) {
    if (!(e instanceof SehException)) throw e;
    return e.ExceptionCode;
  }
}

/** METHOD_NEITHER: the raw user addresses, for the driver to probe in the caller's context. */
function IopNeitherIoctl(irp: IRP, InputBuffer: number, OutputBuffer: number): NTSTATUS {
  IoGetNextIrpStackLocation(irp).Parameters.DeviceIoControl.Type3InputBuffer = InputBuffer;
  irp.UserBuffer = OutputBuffer;
  return STATUS_SUCCESS;
}

/** METHOD_IN_DIRECT / METHOD_OUT_DIRECT: the input buffered, the output described by a locked MDL. */
function IopDirectIoctl(irp: IRP, method: number, InputBuffer: number, InputBufferLength: number, OutputBuffer: number, OutputBufferLength: number): NTSTATUS {
  const mm = cur.mm;
  try {
    if (InputBufferLength > 0) {
      const sb = mm.pool.allocate(POOL_FLAG_NON_PAGED | POOL_FLAG_UNINITIALIZED, InputBufferLength, TAG_SYSTEM_BUFFER);
      if (sb === 0) return STATUS_INSUFFICIENT_RESOURCES;
      irp.AssociatedIrp.SystemBuffer = sb;
      irp.Flags |= IRP_BUFFERED_IO | IRP_DEALLOCATE_BUFFER;
      mm.copy(sb, InputBuffer, InputBufferLength);
    }
    if (OutputBufferLength > 0) {
      // Longer than an MDL can describe: IoAllocateMdl refuses it, the I/O manager fails the call.
      const mdl = IoAllocateMdl(OutputBuffer, OutputBufferLength, false, false, irp);
      if (mdl === null) return STATUS_INSUFFICIENT_RESOURCES;
      MmProbeAndLockPages(mdl, UserMode, method === METHOD_IN_DIRECT ? IoReadAccess : IoWriteAccess);
    }
    return STATUS_SUCCESS;
  } catch (e) {
    if (!(e instanceof SehException)) throw e;
    return e.ExceptionCode;
  }
}

// ---- cancellation ----

/** `NtCancelIoFile`: cancels the calling thread's I/O on the handle. */
export function NtCancelIoFile(FileHandle: number, IoStatusBlock: IO_STATUS_BLOCK): NTSTATUS {
  const r = IopReferenceFileHandle(FileHandle);
  if (typeof r === "number") return r;
  for (const irp of [...currentThread().IrpList]) if (irp.Tail.Overlay.OriginalFileObject === r.object) IoCancelIrp(irp);
  IoStatusBlock.Status = STATUS_SUCCESS;
  IoStatusBlock.Information = 0;
  return STATUS_SUCCESS;
}

/**
 * `NtCancelIoFileEx`: cancels I/O on the handle issued by any thread of the process,
 * or only the request with that OVERLAPPED. STATUS_NOT_FOUND if there is none.
 */
export function NtCancelIoFileEx(FileHandle: number, IoRequestToCancel: any, IoStatusBlock: IO_STATUS_BLOCK): NTSTATUS {
  const m = cur;
  const r = IopReferenceFileHandle(FileHandle);
  if (typeof r === "number") return r;
  let found = 0;
  for (const t of m.cpu.process.threads) {
    for (const irp of [...t.IrpList]) {
      if (irp.Tail.Overlay.OriginalFileObject !== r.object) continue;
      if (IoRequestToCancel !== null && IoRequestToCancel !== undefined && irp.request !== IoRequestToCancel) continue;
      found++;
      IoCancelIrp(irp);
    }
  }
  IoStatusBlock.Status = found ? STATUS_SUCCESS : STATUS_NOT_FOUND;
  IoStatusBlock.Information = 0;
  return found ? STATUS_SUCCESS : STATUS_NOT_FOUND;
}

// ---- completion ports ----

export const FileCompletionInformation = 30;

/** `NtCreateIoCompletion`. ObjectAttributes may be null; a name is accepted and ignored (ports are unnamed). */
export function NtCreateIoCompletion(IoCompletionHandle: Box<number>, DesiredAccess: number, ObjectAttributes: OBJECT_ATTRIBUTES | null, Count: number): NTSTATUS {
  if (ObjectAttributes !== null && ObjectAttributes !== undefined) {
    const st = ObpCheckObjectAttributes(ObjectAttributes);
    if (st !== STATUS_SUCCESS) return st;
  }
  const port = new IoCompletionObject(Count);
  port.ObHeader = new OBJECT_HEADER("IoCompletion", null);
  port.ObHeader.HandleCount = 1;
  IoCompletionHandle.value = cur.cpu.process.handles.insert(port, DesiredAccess || 0x1f0003);
  return STATUS_SUCCESS;
}

/** Binds a file to a completion port (NtSetInformationFile with FileCompletionInformation). */
export function NtSetInformationFileCompletion(FileHandle: number, Port: number, Key: number): NTSTATUS {
  const f = IopReferenceFileHandle(FileHandle);
  if (typeof f === "number") return f;
  const p = IopReferenceHandle(Port, IoCompletionObject);
  if (typeof p === "number") return p;
  if (f.object.CompletionContext !== null || (f.object.Flags & FO_SYNCHRONOUS_IO) !== 0) return STATUS_INVALID_PARAMETER;
  ObReferenceObject(p.object);
  f.object.CompletionContext = { Port: p.object, Key };
  return STATUS_SUCCESS;
}

export { IopSendFileIrp, IopDeleteFile };

/**
 * A read or write IRP's buffer as the target device's I/O type wants it (NtReadFile/NtWriteFile and
 * the kernel-mode Zw* forms): a system buffer for DO_BUFFERED_IO (a user caller's buffer probed for
 * write first, so a bad buffer fails the call without costing pool), a probed and locked MDL for
 * DO_DIRECT_IO, else the caller's address. Returns STATUS_SUCCESS or the status to fail the call with.
 */
export function IopSetReadWriteBuffer(m: typeof cur, irp: IRP, dev: DEVICE_OBJECT, major: number, Buffer: number, Length: number, Mode: KPROCESSOR_MODE): NTSTATUS {
  try {
    if ((dev.Flags & DO_BUFFERED_IO) !== 0) {
      if (Mode === UserMode && major === IRP_MJ_READ) m.mm.touch(Buffer, Length, true);
      const sb = m.mm.pool.allocate(POOL_FLAG_NON_PAGED, Length, TAG_SYSTEM_BUFFER);
      if (sb === 0) return STATUS_INSUFFICIENT_RESOURCES;
      irp.AssociatedIrp.SystemBuffer = sb;
      irp.Flags |= IRP_BUFFERED_IO | IRP_DEALLOCATE_BUFFER;
      irp.UserBuffer = Buffer;
      if (major === IRP_MJ_READ) {
        irp.Flags |= IRP_INPUT_OPERATION;
        irp.userOutputLength = Length;
      } else {
        m.mm.copy(sb, Buffer, Length);
      }
    } else if ((dev.Flags & DO_DIRECT_IO) !== 0) {
      const mdl = IoAllocateMdl(Buffer, Length, false, false, irp);
      if (mdl === null) return STATUS_INSUFFICIENT_RESOURCES;
      MmProbeAndLockPages(mdl, Mode, major === IRP_MJ_READ ? IoWriteAccess : IoReadAccess);
    } else {
      irp.UserBuffer = Buffer;
    }
  } catch (e) {
    if (!(e instanceof SehException)) throw e;
    return e.ExceptionCode;
  }
  return STATUS_SUCCESS;
}
