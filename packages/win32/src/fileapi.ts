import {
  DELETE, FILE_ATTRIBUTE_NORMAL as NT_FILE_ATTRIBUTE_NORMAL, FILE_CREATE, FILE_DIRECTORY_FILE, FILE_LIST_DIRECTORY, FILE_NON_DIRECTORY_FILE,
  FILE_OPEN_FOR_BACKUP_INTENT, FILE_OPEN_REPARSE_POINT, FILE_READ_ATTRIBUTES, FILE_SHARE_DELETE, FILE_SHARE_READ, FILE_SHARE_WRITE,
  FILE_SYNCHRONOUS_IO_NONALERT, FileDispositionInformation, FilePositionInformation, FileStandardInformation, IO_STATUS_BLOCK,
  InitializeObjectAttributes, NT_SUCCESS, NtAllocateVirtualMemory, NtClose, NtCreateFile, NtFreeVirtualMemory, NtOpenFile, NtQueryInformationFile,
  NtSetInformationFile, OBJ_CASE_INSENSITIVE, OBJECT_ATTRIBUTES, Out, ReadUlong64, STATUS_SUCCESS, SYNCHRONIZE, WriteUchar, WriteUlong64,
  type Box, type KTHREAD, type KWAIT_BLOCK, type Machine, type NTSTATUS,
} from "@wdfjs/kernel";
import { FILE_BEGIN, FILE_CURRENT, FILE_END, type BOOL, type HANDLE } from "./constants.js";
import { ERROR_INVALID_PARAMETER, ERROR_NEGATIVE_SEEK, ERROR_PATH_NOT_FOUND, ERROR_SUCCESS, type DWORD } from "./errors.js";

/*
 * kernel32's file functions beside CreateFile/ReadFile/WriteFile, over the kernel's file
 * services as kernelbase builds them: DOS paths become NT paths (`C:\x` is `\??\C:\x`),
 * the file pointer is FilePositionInformation, the size FileStandardInformation, a delete
 * is an open for DELETE and FileDispositionInformation. Any of them may wait (a
 * synchronous handle's lock, a driver that pends), so each is a generator the thread drives.
 */

/** What a file function needs of the thread it runs as (Win32ThreadBase gives it). */
export interface FileApiCaller {
  readonly machine: Machine;
  readonly thread: KTHREAD;
  /** A system call that may wait (Win32ThreadBase.call). */
  call(fn: () => NTSTATUS): Generator<KWAIT_BLOCK, NTSTATUS, NTSTATUS>;
  /** Fail with a status mapped by RtlNtStatusToDosError; returns false. */
  fail(status: NTSTATUS): false;
  setError(error: DWORD): void;
}

/** The process's current directory: we have no SetCurrentDirectory, so it is always the boot volume's root. */
const CURRENT_DIRECTORY = "C:\\";

/**
 * RtlDosPathNameToNtPathName_U, for the forms a program uses: `\\.\Name` and `\\?\Name`
 * (the device namespace, taken as they are), `C:\dir\file` (`/` as `\`, `.` and `..`
 * resolved), `\dir` (on the current drive), `dir\file` (in the current directory),
 * `\\server\share` (`\??\UNC\...`) and NT names already under `\??\`. An empty name is null.
 */
export function RtlDosPathNameToNtPathName(DosName: string): string | null {
  if (typeof DosName !== "string" || DosName.length === 0) return null;
  if (DosName.startsWith("\\\\.\\") || DosName.startsWith("\\\\?\\")) return "\\??\\" + DosName.slice(4);
  if (DosName.startsWith("\\??\\")) return DosName;
  let p = DosName.replace(/\//g, "\\");
  if (p.startsWith("\\\\")) return "\\??\\UNC\\" + normalize(p.slice(2));
  if (/^[A-Za-z]:/.test(p)) {
    const drive = p.slice(0, 2).toUpperCase();
    const rest = p.slice(2);
    p = drive + "\\" + (rest.startsWith("\\") ? rest.slice(1) : rest);
  } else if (p.startsWith("\\")) {
    p = CURRENT_DIRECTORY.slice(0, 2) + p;
  } else {
    p = CURRENT_DIRECTORY + p;
  }
  return "\\??\\" + p.slice(0, 2) + "\\" + normalize(p.slice(3));
}

/** Drops empty and `.` components, resolves `..` (never above the root); keeps a trailing `\`. */
function normalize(path: string): string {
  const out: string[] = [];
  const parts = path.split("\\");
  for (const c of parts) {
    if (c === "" || c === ".") continue;
    if (c === "..") out.pop();
    else out.push(c);
  }
  return out.join("\\") + (path.endsWith("\\") && out.length > 0 ? "\\" : "");
}

function objectAttributes(ntName: string): OBJECT_ATTRIBUTES {
  const oa = new OBJECT_ATTRIBUTES();
  // Win32 names are case-insensitive.
  InitializeObjectAttributes(oa, ntName, OBJ_CASE_INSENSITIVE, null, null);
  return oa;
}

/** A user buffer for an information structure, for as long as `body` runs (it may wait). */
function* withScratch<T>(c: FileApiCaller, body: (p: number) => Generator<KWAIT_BLOCK, T, NTSTATUS>): Generator<KWAIT_BLOCK, T | NTSTATUS, NTSTATUS> {
  const base = Out(0);
  const st = c.machine.syscall(c.thread, () => NtAllocateVirtualMemory(-1, base, 0, Out(4096), 0x1000, 0x04));
  if (!NT_SUCCESS(st)) return st;
  try {
    return yield* body(base.value);
  } finally {
    c.machine.syscall(c.thread, () => NtFreeVirtualMemory(-1, base, Out(0), 0x8000));
  }
}

/** The current position and the end of file of a handle, or the status that failed. */
function* query(c: FileApiCaller, hFile: HANDLE, p: number, FileInformationClass: number): Generator<KWAIT_BLOCK, NTSTATUS, NTSTATUS> {
  const iosb = new IO_STATUS_BLOCK();
  return yield* c.call(() => NtQueryInformationFile(hFile, iosb, p, 24, FileInformationClass));
}

/**
 * `SetFilePointerEx`: moves the file pointer by liDistanceToMove from the start
 * (FILE_BEGIN), the current position (FILE_CURRENT) or the end (FILE_END); a position
 * before the start is ERROR_NEGATIVE_SEEK. The new position goes to lpNewFilePointer.
 */
export function* SetFilePointerEx(c: FileApiCaller, hFile: HANDLE, liDistanceToMove: number, lpNewFilePointer: Box<number> | null, dwMoveMethod: DWORD): Generator<KWAIT_BLOCK, BOOL, NTSTATUS> {
  if (typeof liDistanceToMove !== "number" || !Number.isSafeInteger(liDistanceToMove) || (dwMoveMethod !== FILE_BEGIN && dwMoveMethod !== FILE_CURRENT && dwMoveMethod !== FILE_END)) {
    c.setError(ERROR_INVALID_PARAMETER);
    return false;
  }
  let position = -1;
  const st = yield* withScratch(c, function* (p) {
    let base = 0;
    if (dwMoveMethod !== FILE_BEGIN) {
      const s = yield* query(c, hFile, p, dwMoveMethod === FILE_CURRENT ? FilePositionInformation : FileStandardInformation);
      if (!NT_SUCCESS(s)) return s;
      base = dwMoveMethod === FILE_CURRENT ? ReadAt(c, p) : ReadAt(c, p + 8);
    }
    position = base + liDistanceToMove;
    if (position < 0) return STATUS_SUCCESS;
    c.machine.syscall(c.thread, () => (WriteUlong64(p, position), STATUS_SUCCESS));
    const iosb = new IO_STATUS_BLOCK();
    return yield* c.call(() => NtSetInformationFile(hFile, iosb, p, 8, FilePositionInformation));
  });
  if (!NT_SUCCESS(st)) return c.fail(st);
  if (position < 0) {
    c.setError(ERROR_NEGATIVE_SEEK);
    return false;
  }
  if (lpNewFilePointer !== null && lpNewFilePointer !== undefined) lpNewFilePointer.value = position;
  c.setError(ERROR_SUCCESS);
  return true;
}

function ReadAt(c: FileApiCaller, p: number): number {
  let v = 0;
  c.machine.syscall(c.thread, () => ((v = ReadUlong64(p)), STATUS_SUCCESS));
  return v;
}

/**
 * `SetFilePointer`: the 32-bit form. lDistanceToMove is signed; with lpDistanceToMoveHigh
 * it is the low half of a 64-bit distance and the new position's high half comes back
 * there. Returns the new position's low DWORD, or INVALID_SET_FILE_POINTER with the error
 * (and ERROR_SUCCESS when a position's low half really is 0xFFFFFFFF).
 */
export function* SetFilePointer(c: FileApiCaller, hFile: HANDLE, lDistanceToMove: number, lpDistanceToMoveHigh: Box<number> | null, dwMoveMethod: DWORD): Generator<KWAIT_BLOCK, DWORD, NTSTATUS> {
  const high = lpDistanceToMoveHigh !== null && lpDistanceToMoveHigh !== undefined;
  const distance = high ? (lpDistanceToMoveHigh.value | 0) * 2 ** 32 + (lDistanceToMove >>> 0) : lDistanceToMove | 0;
  const pos = Out(0);
  if (!(yield* SetFilePointerEx(c, hFile, distance, pos, dwMoveMethod))) return 0xffffffff;
  if (high) lpDistanceToMoveHigh.value = Math.floor(pos.value / 2 ** 32) | 0;
  return pos.value >>> 0;
}

/** `GetFileSizeEx`: the file's end of file (FileStandardInformation.EndOfFile). */
export function* GetFileSizeEx(c: FileApiCaller, hFile: HANDLE, lpFileSize: Box<number>): Generator<KWAIT_BLOCK, BOOL, NTSTATUS> {
  let size = 0;
  const st = yield* withScratch(c, function* (p) {
    const s = yield* query(c, hFile, p, FileStandardInformation);
    if (NT_SUCCESS(s)) size = ReadAt(c, p + 8);
    return s;
  });
  if (!NT_SUCCESS(st)) return c.fail(st);
  if (lpFileSize !== null && typeof lpFileSize === "object") lpFileSize.value = size;
  c.setError(ERROR_SUCCESS);
  return true;
}

/**
 * `GetFileSize`: the size's low DWORD, its high DWORD in lpFileSizeHigh;
 * INVALID_FILE_SIZE (0xFFFFFFFF) with the error if it fails.
 */
export function* GetFileSize(c: FileApiCaller, hFile: HANDLE, lpFileSizeHigh: Box<number> | null): Generator<KWAIT_BLOCK, DWORD, NTSTATUS> {
  const size = Out(0);
  if (!(yield* GetFileSizeEx(c, hFile, size))) return 0xffffffff;
  if (lpFileSizeHigh !== null && lpFileSizeHigh !== undefined) lpFileSizeHigh.value = Math.floor(size.value / 2 ** 32);
  return size.value >>> 0;
}

/**
 * Opens `lpName` for DELETE and marks it for deletion (kernelbase's DeleteFileW and
 * RemoveDirectoryW): it goes when its last handle is closed.
 */
function* deleteName(c: FileApiCaller, lpName: string, directory: boolean): Generator<KWAIT_BLOCK, BOOL, NTSTATUS> {
  const ntName = RtlDosPathNameToNtPathName(lpName);
  if (ntName === null) {
    c.setError(ERROR_PATH_NOT_FOUND);
    return false;
  }
  const h = Out(0);
  const iosb = new IO_STATUS_BLOCK();
  const options = (directory ? FILE_DIRECTORY_FILE : FILE_NON_DIRECTORY_FILE) | FILE_SYNCHRONOUS_IO_NONALERT | FILE_OPEN_FOR_BACKUP_INTENT | FILE_OPEN_REPARSE_POINT;
  let st = yield* c.call(() => NtOpenFile(h, DELETE | SYNCHRONIZE | FILE_READ_ATTRIBUTES, objectAttributes(ntName), iosb, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, options));
  if (!NT_SUCCESS(st)) return c.fail(st);
  st = yield* withScratch(c, function* (p) {
    c.machine.syscall(c.thread, () => (WriteUchar(p, 1), STATUS_SUCCESS));
    return yield* c.call(() => NtSetInformationFile(h.value, iosb, p, 1, FileDispositionInformation));
  });
  yield* c.call(() => NtClose(h.value));
  if (!NT_SUCCESS(st)) return c.fail(st);
  c.setError(ERROR_SUCCESS);
  return true;
}

/** `DeleteFile`: deletes a file (a directory is ERROR_ACCESS_DENIED, a missing file ERROR_FILE_NOT_FOUND). */
export function DeleteFile(c: FileApiCaller, lpFileName: string): Generator<KWAIT_BLOCK, BOOL, NTSTATUS> {
  return deleteName(c, lpFileName, false);
}

/** `RemoveDirectory`: deletes an empty directory (one with entries is ERROR_DIR_NOT_EMPTY). */
export function RemoveDirectory(c: FileApiCaller, lpPathName: string): Generator<KWAIT_BLOCK, BOOL, NTSTATUS> {
  return deleteName(c, lpPathName, true);
}

/**
 * `CreateDirectory`: NtCreateFile with FILE_CREATE and FILE_DIRECTORY_FILE. An existing
 * name is ERROR_ALREADY_EXISTS, a missing parent ERROR_PATH_NOT_FOUND.
 */
export function* CreateDirectory(c: FileApiCaller, lpPathName: string, lpSecurityAttributes: null): Generator<KWAIT_BLOCK, BOOL, NTSTATUS> {
  void lpSecurityAttributes;
  const ntName = RtlDosPathNameToNtPathName(lpPathName);
  if (ntName === null) {
    c.setError(ERROR_PATH_NOT_FOUND);
    return false;
  }
  const h = Out(0);
  const iosb = new IO_STATUS_BLOCK();
  const st = yield* c.call(() =>
    NtCreateFile(h, FILE_LIST_DIRECTORY | SYNCHRONIZE, objectAttributes(ntName), iosb, null, NT_FILE_ATTRIBUTE_NORMAL, FILE_SHARE_READ | FILE_SHARE_WRITE, FILE_CREATE,
      FILE_DIRECTORY_FILE | FILE_SYNCHRONOUS_IO_NONALERT | FILE_OPEN_FOR_BACKUP_INTENT, null, 0),
  );
  if (!NT_SUCCESS(st)) return c.fail(st);
  yield* c.call(() => NtClose(h.value));
  c.setError(ERROR_SUCCESS);
  return true;
}

