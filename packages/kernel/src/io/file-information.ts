import type { IoParameters } from "./irp.js";

/*
 * The file constants a kernel-mode caller of ZwCreateFile and the information services
 * needs beyond those in constants.ts, with wdm.h / ntifs.h names and values, and the x64
 * layouts of the information classes the emulated file system answers.
 */

// CreateOptions (wdm.h).
export const FILE_DIRECTORY_FILE = 0x00000001;
export const FILE_WRITE_THROUGH = 0x00000002;
export const FILE_SEQUENTIAL_ONLY = 0x00000004;
export const FILE_NO_INTERMEDIATE_BUFFERING = 0x00000008;
export const FILE_CREATE_TREE_CONNECTION = 0x00000080;
export const FILE_COMPLETE_IF_OPLOCKED = 0x00000100;
export const FILE_NO_EA_KNOWLEDGE = 0x00000200;
export const FILE_RANDOM_ACCESS = 0x00000800;
export const FILE_DELETE_ON_CLOSE = 0x00001000;
export const FILE_OPEN_BY_FILE_ID = 0x00002000;
export const FILE_OPEN_FOR_BACKUP_INTENT = 0x00004000;
export const FILE_NO_COMPRESSION = 0x00008000;
export const FILE_OPEN_REPARSE_POINT = 0x00200000;
export const FILE_VALID_OPTION_FLAGS = 0x00ffffff;
export const FILE_MAXIMUM_DISPOSITION = 0x00000005;

// IoStatusBlock.Information of a create (wdm.h). FILE_OPENED is in constants.ts.
export const FILE_SUPERSEDED = 0x00000000;
export const FILE_CREATED = 0x00000002;
export const FILE_OVERWRITTEN = 0x00000003;
export const FILE_EXISTS = 0x00000004;
export const FILE_DOES_NOT_EXIST = 0x00000005;

// Directory access rights (the same bits as the file ones).
export const FILE_LIST_DIRECTORY = 0x0001;
export const FILE_ADD_FILE = 0x0002;
export const FILE_ADD_SUBDIRECTORY = 0x0004;
export const FILE_TRAVERSE = 0x0020;
export const FILE_DELETE_CHILD = 0x0040;

// FileAttributes (winnt.h).
export const FILE_ATTRIBUTE_READONLY = 0x00000001;
export const FILE_ATTRIBUTE_HIDDEN = 0x00000002;
export const FILE_ATTRIBUTE_SYSTEM = 0x00000004;
export const FILE_ATTRIBUTE_DIRECTORY = 0x00000010;
export const FILE_ATTRIBUTE_ARCHIVE = 0x00000020;
export const FILE_ATTRIBUTE_NORMAL = 0x00000080;
export const FILE_ATTRIBUTE_TEMPORARY = 0x00000100;
export const FILE_ATTRIBUTE_VALID_FLAGS = 0x00007fb7;

/** ByteOffset FILE_WRITE_TO_END_OF_FILE (LowPart 0xFFFFFFFF, HighPart -1): append. */
export const FILE_WRITE_TO_END_OF_FILE = -1;
/** ByteOffset FILE_USE_FILE_POINTER_POSITION (LowPart 0xFFFFFFFE, HighPart -1): the file object's position. */
export const FILE_USE_FILE_POINTER_POSITION = -2;

/** FILE_DEVICE_DISK_FILE_SYSTEM (devioctl.h): the type of a file system's volume device. */
export const FILE_DEVICE_DISK_FILE_SYSTEM = 0x00000008;

// FILE_INFORMATION_CLASS (wdm.h): the classes the emulated file system answers, and a few
// others a caller may name (answered STATUS_INVALID_INFO_CLASS or STATUS_INVALID_PARAMETER).
export const FileDirectoryInformation = 1;
export const FileBasicInformation = 4;
export const FileStandardInformation = 5;
export const FileInternalInformation = 6;
export const FileNameInformation = 9;
export const FileRenameInformation = 10;
export const FileDispositionInformation = 13;
export const FilePositionInformation = 14;
export const FileAllocationInformation = 19;
export const FileEndOfFileInformation = 20;
export const FileMaximumInformation = 76;

/** Sizes of the information structures, x64 (FILE_BASIC_INFORMATION is 36 bytes padded to 40). */
export const FILE_BASIC_INFORMATION_SIZE = 40;
export const FILE_STANDARD_INFORMATION_SIZE = 24;
export const FILE_POSITION_INFORMATION_SIZE = 8;
export const FILE_END_OF_FILE_INFORMATION_SIZE = 8;
export const FILE_DISPOSITION_INFORMATION_SIZE = 1;

/**
 * The least Length each class needs (IopQueryOperationLength / IopSetOperationLength): a
 * shorter buffer is STATUS_INFO_LENGTH_MISMATCH before any IRP is built. 0: no such class here.
 */
export function IopInformationLength(FileInformationClass: number): number {
  switch (FileInformationClass) {
    case FileBasicInformation: return FILE_BASIC_INFORMATION_SIZE;
    case FileStandardInformation: return FILE_STANDARD_INFORMATION_SIZE;
    case FilePositionInformation: return FILE_POSITION_INFORMATION_SIZE;
    case FileEndOfFileInformation: return FILE_END_OF_FILE_INFORMATION_SIZE;
    case FileAllocationInformation: return FILE_END_OF_FILE_INFORMATION_SIZE;
    case FileDispositionInformation: return FILE_DISPOSITION_INFORMATION_SIZE;
    default: return 0;
  }
}

/** IO_STACK_LOCATION Parameters.QueryFile (IRP_MJ_QUERY_INFORMATION). */
export class QueryFileParameters {
  constructor(private readonly p: IoParameters) {}
  get Length(): number { return this.p.a1; }
  set Length(v: number) { this.p.a1 = v; }
  get FileInformationClass(): number { return this.p.a2; }
  set FileInformationClass(v: number) { this.p.a2 = v; }
}

/** IO_STACK_LOCATION Parameters.SetFile (IRP_MJ_SET_INFORMATION). */
export class SetFileParameters {
  constructor(private readonly p: IoParameters) {}
  get Length(): number { return this.p.a1; }
  set Length(v: number) { this.p.a1 = v; }
  get FileInformationClass(): number { return this.p.a2; }
  set FileInformationClass(v: number) { this.p.a2 = v; }
  /** The target's file object of a rename or link; null otherwise. */
  get FileObject(): any { return this.p.a3; }
  set FileObject(v: any) { this.p.a3 = v; }
  get ReplaceIfExists(): boolean { return !!this.p.a4; }
  set ReplaceIfExists(v: boolean) { this.p.a4 = v; }
}
