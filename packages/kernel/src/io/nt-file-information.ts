import { cur } from "../context.js";
import type { Box } from "../box.js";
import { SehException } from "../ke/exception.js";
import { POOL_FLAG_NON_PAGED, POOL_TAG } from "../mm/pool.js";
import {
  STATUS_ACCESS_DENIED, STATUS_ACCESS_VIOLATION, STATUS_INFO_LENGTH_MISMATCH, STATUS_INSUFFICIENT_RESOURCES, STATUS_INVALID_INFO_CLASS, STATUS_INVALID_PARAMETER, STATUS_PENDING,
  STATUS_SUCCESS, type NTSTATUS,
} from "../ntstatus.js";
import type { OBJECT_ATTRIBUTES } from "../ob/object-attributes.js";
import {
  DELETE, FILE_OPEN, FILE_READ_ATTRIBUTES, FILE_SHARE_DELETE, FILE_SHARE_READ, FILE_SHARE_WRITE, FILE_WRITE_ATTRIBUTES, FILE_WRITE_DATA,
  FO_SYNCHRONOUS_IO, IRP_BUFFERED_IO, IRP_DEALLOCATE_BUFFER, IRP_INPUT_OPERATION, IRP_MJ_QUERY_INFORMATION, IRP_MJ_SET_INFORMATION, IRP_SYNCHRONOUS_API,
} from "./constants.js";
import { IoGetRelatedDeviceObject } from "./device.js";
import type { FILE_OBJECT } from "./file.js";
import {
  FILE_DELETE_ON_CLOSE, FILE_OPEN_REPARSE_POINT, FileAllocationInformation, FileBasicInformation, FileDispositionInformation, FileEndOfFileInformation,
  FileMaximumInformation, FilePositionInformation, IopInformationLength,
} from "./file-information.js";
import { IO_STATUS_BLOCK, IoGetNextIrpStackLocation, type IRP } from "./irp.js";
import {
  IopReferenceFileHandle, IopSynchronousServiceTail, IopWaitForFileLock, NtClose, NtCreateFile, abandon, badLength, newUserIrp, userRangeOk,
} from "./nt-file.js";

/*
 * NtQueryInformationFile, NtSetInformationFile, NtOpenFile and NtDeleteFile: the file
 * services a client reaches beside NtCreateFile/NtReadFile/NtWriteFile, built as the I/O
 * manager builds them (a buffered IRP_MJ_QUERY_INFORMATION / IRP_MJ_SET_INFORMATION, the
 * position of a synchronous file object answered by the I/O manager itself).
 */

const TAG_SYSTEM_BUFFER = POOL_TAG("IoSb");

/** The access a query (IopQueryOperationAccess) or a set (IopSetOperationAccess) of a class needs. */
export function IopInformationAccess(FileInformationClass: number, set: boolean): number {
  if (!set) return FileInformationClass === FileBasicInformation ? FILE_READ_ATTRIBUTES : 0;
  switch (FileInformationClass) {
    case FileBasicInformation: return FILE_WRITE_ATTRIBUTES;
    case FileDispositionInformation: return DELETE;
    case FileEndOfFileInformation:
    case FileAllocationInformation: return FILE_WRITE_DATA;
    default: return 0;
  }
}

/** The class and length checks both services make before anything else. */
export function IopCheckInformationClass(Length: number, FileInformationClass: number): NTSTATUS {
  if (typeof FileInformationClass !== "number" || !(FileInformationClass > 0 && FileInformationClass < FileMaximumInformation)) return STATUS_INVALID_INFO_CLASS;
  if (badLength(Length)) return STATUS_INVALID_PARAMETER;
  if (Length < IopInformationLength(FileInformationClass)) return STATUS_INFO_LENGTH_MISMATCH;
  return STATUS_SUCCESS;
}

/**
 * The I/O manager answers a synchronous file object's position itself, without an IRP
 * (NtQueryInformationFile / NtSetInformationFile on FilePositionInformation). Returns the
 * status, or -1 when the request must go to the driver.
 */
export function IopFilePosition(fo: FILE_OBJECT, set: boolean, FileInformation: number, IoStatusBlock: IO_STATUS_BLOCK): NTSTATUS {
  const mm = cur.mm;
  try {
    if (set) {
      const offset = Number(new DataView(mm.readBytes(FileInformation, 8).buffer).getBigInt64(0, true));
      if (offset < 0) return STATUS_INVALID_PARAMETER;
      fo.CurrentByteOffset = offset;
    } else {
      const out = new Uint8Array(8);
      new DataView(out.buffer).setBigInt64(0, BigInt(fo.CurrentByteOffset), true);
      mm.writeBytes(FileInformation, out);
    }
  } catch (e) {
    if (!(e instanceof SehException)) throw e;
    return e.ExceptionCode;
  }
  IoStatusBlock.Status = STATUS_SUCCESS;
  IoStatusBlock.Information = set ? 0 : 8;
  return STATUS_SUCCESS;
}

/**
 * Builds the buffered IRP of a query or set: a system buffer of Length bytes, the caller's
 * structure copied in (set) or copied back at completion (query). A status if the
 * caller's buffer faults or pool runs out (the IRP is then freed).
 */
export function IopBuildInformationIrp(fo: FILE_OBJECT, set: boolean, IoStatusBlock: IO_STATUS_BLOCK, FileInformation: number, Length: number, FileInformationClass: number): IRP | NTSTATUS {
  const m = cur;
  const dev = IoGetRelatedDeviceObject(fo);
  const irp = newUserIrp(dev, fo, IoStatusBlock, null, null);
  irp.Flags |= IRP_SYNCHRONOUS_API;
  const sl = IoGetNextIrpStackLocation(irp);
  sl.MajorFunction = set ? IRP_MJ_SET_INFORMATION : IRP_MJ_QUERY_INFORMATION;
  sl.FileObject = fo;
  sl.Parameters.a1 = Length;
  sl.Parameters.a2 = FileInformationClass;
  sl.Parameters.a3 = null;
  sl.Parameters.a4 = 0;
  const sb = m.mm.pool.allocate(POOL_FLAG_NON_PAGED, Length > 0 ? Length : 1, TAG_SYSTEM_BUFFER);
  if (sb === 0) return abandon(irp, fo, STATUS_INSUFFICIENT_RESOURCES);
  irp.AssociatedIrp.SystemBuffer = sb;
  irp.Flags |= IRP_BUFFERED_IO | IRP_DEALLOCATE_BUFFER;
  try {
    if (set) {
      if (Length > 0) m.mm.copy(sb, FileInformation, Length);
    } else {
      // The I/O manager probes the output buffer for write before it sends the request.
      m.mm.touch(FileInformation, Length, true);
      irp.Flags |= IRP_INPUT_OPERATION;
      irp.UserBuffer = FileInformation;
      irp.userOutputLength = Length;
    }
  } catch (e) {
    if (!(e instanceof SehException)) throw e;
    return abandon(irp, fo, e.ExceptionCode);
  }
  return irp;
}

function IopInformationFile(set: boolean, FileHandle: number, IoStatusBlock: IO_STATUS_BLOCK, FileInformation: number, Length: number, FileInformationClass: number): NTSTATUS {
  const r = IopReferenceFileHandle(FileHandle);
  if (typeof r === "number") return r;
  const fo = r.object;
  const st = IopCheckInformationClass(Length, FileInformationClass);
  if (st !== STATUS_SUCCESS) return st;
  const access = IopInformationAccess(FileInformationClass, set);
  if ((r.access & access) !== access) return STATUS_ACCESS_DENIED;
  // The probe of the caller's buffer.
  if (!userRangeOk(FileInformation, Length)) return STATUS_ACCESS_VIOLATION;
  const synchronous = (fo.Flags & FO_SYNCHRONOUS_IO) !== 0;
  if (synchronous && FileInformationClass === FilePositionInformation) return IopFilePosition(fo, set, FileInformation, IoStatusBlock);
  if (synchronous) {
    // The file object lock: one request at a time; this one runs once it is released.
    if (fo.Busy) return IopWaitForFileLock(fo, () => IopInformationFile(set, FileHandle, IoStatusBlock, FileInformation, Length, FileInformationClass));
    fo.Busy = true;
  }
  const irp = IopBuildInformationIrp(fo, set, IoStatusBlock, FileInformation, Length, FileInformationClass);
  if (typeof irp === "number") return irp;
  return IopSynchronousServiceTail(IoGetRelatedDeviceObject(fo), irp, fo, IoStatusBlock, synchronous);
}

/**
 * `NtQueryInformationFile`: FileBasicInformation, FileStandardInformation,
 * FilePositionInformation... written at FileInformation with wdm.h's layout;
 * IoStatusBlock.Information is the bytes written. A Length shorter than the class's
 * structure is STATUS_INFO_LENGTH_MISMATCH, an unknown class STATUS_INVALID_INFO_CLASS.
 */
export function NtQueryInformationFile(FileHandle: number, IoStatusBlock: IO_STATUS_BLOCK, FileInformation: number, Length: number, FileInformationClass: number): NTSTATUS {
  return IopInformationFile(false, FileHandle, IoStatusBlock, FileInformation, Length, FileInformationClass);
}

/**
 * `NtSetInformationFile`: FilePositionInformation, FileEndOfFileInformation,
 * FileDispositionInformation, FileBasicInformation... read from FileInformation. The
 * handle must grant what the class needs (DELETE for a disposition, FILE_WRITE_DATA for
 * the end of file, FILE_WRITE_ATTRIBUTES for basic information).
 */
export function NtSetInformationFile(FileHandle: number, IoStatusBlock: IO_STATUS_BLOCK, FileInformation: number, Length: number, FileInformationClass: number): NTSTATUS {
  return IopInformationFile(true, FileHandle, IoStatusBlock, FileInformation, Length, FileInformationClass);
}

/** `NtOpenFile`: NtCreateFile with FILE_OPEN, no attributes and no extended attributes. */
export function NtOpenFile(FileHandle: Box<number>, DesiredAccess: number, ObjectAttributes: OBJECT_ATTRIBUTES | null, IoStatusBlock: IO_STATUS_BLOCK, ShareAccess: number, OpenOptions: number): NTSTATUS {
  return NtCreateFile(FileHandle, DesiredAccess, ObjectAttributes, IoStatusBlock, null, 0, ShareAccess, FILE_OPEN, OpenOptions, null, 0);
}

/**
 * `NtDeleteFile`: opens the name for DELETE with FILE_DELETE_ON_CLOSE and closes it, so the
 * file goes when its last open is cleaned up (at once if nobody else has it open).
 */
export function NtDeleteFile(ObjectAttributes: OBJECT_ATTRIBUTES | null): NTSTATUS {
  const h = { value: 0 };
  const iosb = new IO_STATUS_BLOCK();
  const st = NtCreateFile(h, DELETE, ObjectAttributes, iosb, null, 0, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, FILE_OPEN, FILE_DELETE_ON_CLOSE | FILE_OPEN_REPARSE_POINT, null, 0);
  if (st === STATUS_PENDING || h.value === 0) return st;
  NtClose(h.value);
  return st;
}
