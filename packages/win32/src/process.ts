import {
  BugCheck, IO_STATUS_BLOCK, MachineDeadlock, MachineUsageError, NT_ERROR, NT_SUCCESS, NtAllocateVirtualMemory, NtCancelIoFile, NtCancelIoFileEx,
  NtClose, NtCreateEvent, NtCreateFile, NtCreateIoCompletion, NtDeviceIoControlFile, NtFreeVirtualMemory, NtProtectVirtualMemory, NtReadFile,
  NtRemoveIoCompletion, NtResetEvent, NtSetEvent, NtSetInformationFileCompletion, NtSetIoCompletion, NtWaitForMultipleObjects,
  NtWaitForSingleObject, NtWriteFile, OBJ_CASE_INSENSITIVE, OBJECT_ATTRIBUTES, Out, STATUS_END_OF_FILE, STATUS_PENDING, STATUS_TIMEOUT,
  InitializeObjectAttributes, NtDelayExecution, NtCreateThreadEx, NtQueueApcThread, PsGetThreadExitStatus, KTHREAD as KTHREAD_CLASS,
  STATUS_INVALID_HANDLE, STATUS_SUCCESS, STATUS_USER_APC,
  type Box, type EPROCESS, type KTHREAD, type KWAIT_BLOCK, type Machine, type NTSTATUS,
} from "@wdfjs/kernel";
// The system call loop needs the kernel's service-wait machinery (not public API).
import { isRoutineGenerator, KiAbandonServiceWaits, KiNextServiceWait } from "@wdfjs/kernel/internal";
import {
  CREATE_ALWAYS, CREATE_NEW, FILE_FLAG_BACKUP_SEMANTICS, FILE_FLAG_DELETE_ON_CLOSE, FILE_FLAG_NO_BUFFERING, FILE_FLAG_OVERLAPPED, FILE_FLAG_RANDOM_ACCESS,
  FILE_FLAG_SEQUENTIAL_SCAN, FILE_FLAG_WRITE_THROUGH, INVALID_HANDLE_VALUE, OPEN_ALWAYS, OPEN_EXISTING, TRUNCATE_EXISTING, MEM_RELEASE, type BOOL,
  type HANDLE,
} from "./constants.js";
import {
  CreateDirectory, DeleteFile, GetFileSize, GetFileSizeEx, RemoveDirectory, RtlDosPathNameToNtPathName, SetFilePointer, SetFilePointerEx, type FileApiCaller,
} from "./fileapi.js";
import {
  ERROR_ALREADY_EXISTS, ERROR_FILE_EXISTS, ERROR_PATH_NOT_FOUND, ERROR_INVALID_PARAMETER, ERROR_NOACCESS, ERROR_IO_INCOMPLETE, ERROR_IO_PENDING, ERROR_NOT_ENOUGH_MEMORY, ERROR_SUCCESS,
  INFINITE, RtlNtStatusToDosError, WAIT_FAILED, WAIT_IO_COMPLETION, WAIT_TIMEOUT, type DWORD,
} from "./errors.js";
import { OVERLAPPED } from "./overlapped.js";
import {
  CM_Get_Device_Interface_List, CM_Get_Device_Interface_List_Size, CM_Register_Notification, CM_Unregister_Notification, type CM_NOTIFY_FILTER,
  type CONFIGRET, type HCMNOTIFICATION, type PCM_NOTIFY_CALLBACK,
} from "./cfgmgr32.js";
import {
  SetupDiDestroyDeviceInfoList, SetupDiEnumDeviceInterfaces, SetupDiGetClassDevs, SetupDiGetDeviceInterfaceDetail, type HDEVINFO,
  type SP_DEVICE_INTERFACE_DATA, type SP_DEVINFO_DATA,
} from "./setupapi.js";
import {
  RegCloseKey, RegCreateKeyEx, RegDeleteKey, RegDeleteValue, RegEnumKeyEx, RegEnumValue, RegOpenKeyEx, RegQueryValueEx, RegSetValueEx, type HKEY, type LSTATUS,
} from "./registry.js";

// NtCreateFile dispositions and options (ntifs.h) the CreateFile mapping produces.
const FILE_SUPERSEDE = 0;
const FILE_OPEN = 1;
const FILE_CREATE = 2;
const FILE_OPEN_IF = 3;
const FILE_OVERWRITE = 4;
const FILE_OVERWRITE_IF = 5;
const FILE_WRITE_THROUGH = 0x2;
const FILE_SEQUENTIAL_ONLY = 0x4;
const FILE_NO_INTERMEDIATE_BUFFERING = 0x8;
const FILE_SYNCHRONOUS_IO_NONALERT = 0x20;
const FILE_NON_DIRECTORY_FILE = 0x40;
const FILE_RANDOM_ACCESS = 0x800;
const FILE_DELETE_ON_CLOSE = 0x1000;
const FILE_OPEN_FOR_BACKUP_INTENT = 0x4000;
const DELETE = 0x00010000;
const FILE_OPENED = 1;
const FILE_OVERWRITTEN = 3;
const STATUS_OBJECT_NAME_COLLISION = 0xc0000035 | 0;
const SYNCHRONIZE = 0x00100000;
const FILE_READ_ATTRIBUTES = 0x80;
// FILE_ATTRIBUTE_VALID_FLAGS without FILE_ATTRIBUTE_DIRECTORY: what CreateFile passes on.
const CREATE_FILE_ATTRIBUTES = 0x7fb7 & ~0x10;
void FILE_SUPERSEDE;

/** Milliseconds (INFINITE or a count) to an NT timeout: negative 100 ns units, or null. */
function ntTimeout(ms: DWORD): number | null {
  if (ms === INFINITE || ms === -1) return null;
  if (typeof ms !== "number" || !(ms >= 0)) return 0;
  return -ms * 10_000;
}

function isNumber(v: unknown): v is number {
  return typeof v === "number" && v === v;
}

/*
 * What the program passes goes through these before it reaches the kernel, so that no
 * value of the wrong JavaScript type (a string, a Symbol, a BigInt, an object) can throw:
 * a non-number becomes NaN, which every system service refuses with the error Windows
 * gives for a bad value; a box or OVERLAPPED that is not one is ERROR_INVALID_PARAMETER.
 */
function n(v: unknown): number {
  return typeof v === "number" ? v : Number.NaN;
}

function isBox(b: unknown): boolean {
  return typeof b === "object" && b !== null;
}

/** null, an OVERLAPPED, or `false` for anything else. */
function overlappedOf(o: unknown): OVERLAPPED | null | false {
  if (o === null || o === undefined) return null;
  return o instanceof OVERLAPPED ? o : false;
}

/** A wait a blocking call hands to whoever drives the thread (see Win32ThreadBase.call). */
export type Win32Wait = Generator<KWAIT_BLOCK, DWORD | BOOL | HANDLE, NTSTATUS>;

/**
 * What every thread of a Win32 program shares: its kernel thread, its own last-error
 * value, and the kernel32 calls that never block. Calls that may block are written once
 * as generators (`g*` here) that yield the thread's wait; the two kinds of thread drive
 * them: plain host code (Win32Thread, Win32Process) blocks at the machine's outermost
 * entry while the machine runs, and a thread made with CreateThread (Win32ThreadContext)
 * yields the wait to the scheduler, so only that thread is suspended.
 */
export class Win32ThreadBase {
  protected lastError: DWORD = ERROR_SUCCESS;
  /** The I/O status block of synchronous calls, reused so a call allocates nothing. */
  protected readonly iosb = new IO_STATUS_BLOCK();
  /** What the thread's current wait is for (deadlock reports). */
  protected waitingFor = "";

  constructor(
    readonly machine: Machine,
    readonly thread: KTHREAD,
  ) {}

  get process(): EPROCESS {
    return this.thread.process;
  }

  GetLastError(): DWORD {
    return this.lastError;
  }

  SetLastError(dwErrCode: DWORD): void {
    this.lastError = dwErrCode;
  }

  /** Fail a call the way kernel32 does: map the status, remember it, return FALSE. */
  protected fail(status: NTSTATUS): false {
    this.lastError = RtlNtStatusToDosError(status);
    return false;
  }

  /** A system call that never waits. */
  protected sys(fn: () => NTSTATUS): NTSTATUS {
    return this.machine.syscall(this.thread, fn);
  }

  /**
   * A system call that may wait: the service runs; if it left a wait on the thread (the
   * driver pended synchronous I/O, a wait on handles), the wait is yielded to whoever drives
   * this thread, and the service finishes with its outcome.
   */
  protected *call(fn: () => NTSTATUS): Generator<KWAIT_BLOCK, NTSTATUS, NTSTATUS> {
    const m = this.machine;
    const t = this.thread;
    let st = m.enter(t, fn);
    for (let d = KiNextServiceWait(t); d !== null; d = KiNextServiceWait(t)) {
      this.waitingFor = d.what;
      let ws: NTSTATUS;
      try {
        ws = yield d.block;
      } finally {
        // A wait given up on (the host caught a MachineDeadlock): the thread starts clean.
        if (ws! === undefined) m.enter(t, () => KiAbandonServiceWaits(t, d));
      }
      const so = st;
      st = m.enter(t, () => d.finish(ws, so));
    }
    return st;
  }

  /** Run the user APCs queued to this thread (an alertable wait ended with STATUS_USER_APC). */
  protected runUserApcs(): void {
    const q = this.thread.userApcQueue;
    for (let i = 0; i < q.length; i++) q[i]!();
    q.length = 0;
  }

  // ---- the registry (advapi32; none of these waits) ----

  RegOpenKeyEx(hKey: HKEY, lpSubKey: string | null, ulOptions: DWORD, samDesired: DWORD, phkResult: Box<HKEY>): LSTATUS {
    return RegOpenKeyEx(this, hKey, lpSubKey, ulOptions, samDesired, phkResult);
  }

  RegCreateKeyEx(
    hKey: HKEY, lpSubKey: string, Reserved: DWORD, lpClass: string | null, dwOptions: DWORD, samDesired: DWORD, lpSecurityAttributes: null,
    phkResult: Box<HKEY>, lpdwDisposition: Box<DWORD> | null,
  ): LSTATUS {
    return RegCreateKeyEx(this, hKey, lpSubKey, Reserved, lpClass, dwOptions, samDesired, lpSecurityAttributes, phkResult, lpdwDisposition);
  }

  RegQueryValueEx(hKey: HKEY, lpValueName: string | null, lpReserved: null, lpType: Box<DWORD> | null, lpData: number | null, lpcbData: Box<DWORD> | null): LSTATUS {
    return RegQueryValueEx(this, hKey, lpValueName, lpReserved, lpType, lpData, lpcbData);
  }

  RegSetValueEx(hKey: HKEY, lpValueName: string | null, Reserved: DWORD, dwType: DWORD, lpData: number | ArrayLike<number> | string | null, cbData: DWORD): LSTATUS {
    return RegSetValueEx(this, hKey, lpValueName, Reserved, dwType, lpData, cbData);
  }

  RegEnumKeyEx(
    hKey: HKEY, dwIndex: DWORD, lpName: Box<string>, lpcchName: Box<DWORD>, lpReserved: null, lpClass: null, lpcchClass: null, lpftLastWriteTime: Box<number> | null,
  ): LSTATUS {
    return RegEnumKeyEx(this, hKey, dwIndex, lpName, lpcchName, lpReserved, lpClass, lpcchClass, lpftLastWriteTime);
  }

  RegEnumValue(
    hKey: HKEY, dwIndex: DWORD, lpValueName: Box<string>, lpcchValueName: Box<DWORD>, lpReserved: null, lpType: Box<DWORD> | null, lpData: number | null,
    lpcbData: Box<DWORD> | null,
  ): LSTATUS {
    return RegEnumValue(this, hKey, dwIndex, lpValueName, lpcchValueName, lpReserved, lpType, lpData, lpcbData);
  }

  RegCloseKey(hKey: HKEY): LSTATUS {
    return RegCloseKey(this, hKey);
  }

  RegDeleteKey(hKey: HKEY, lpSubKey: string): LSTATUS {
    return RegDeleteKey(this, hKey, lpSubKey);
  }

  RegDeleteValue(hKey: HKEY, lpValueName: string | null): LSTATUS {
    return RegDeleteValue(this, hKey, lpValueName);
  }

  // ---- device interfaces (setupapi, cfgmgr32; none of these waits) ----

  SetupDiGetClassDevs(ClassGuid: string | null, Enumerator: string | null, hwndParent: number | null, Flags: DWORD): HDEVINFO {
    return SetupDiGetClassDevs(this, ClassGuid, Enumerator, hwndParent, Flags);
  }

  SetupDiEnumDeviceInterfaces(DeviceInfoSet: HDEVINFO, DeviceInfoData: SP_DEVINFO_DATA | null, InterfaceClassGuid: string, MemberIndex: DWORD, DeviceInterfaceData: SP_DEVICE_INTERFACE_DATA): BOOL {
    return SetupDiEnumDeviceInterfaces(this, DeviceInfoSet, DeviceInfoData, InterfaceClassGuid, MemberIndex, DeviceInterfaceData);
  }

  SetupDiGetDeviceInterfaceDetail(
    DeviceInfoSet: HDEVINFO, DeviceInterfaceData: SP_DEVICE_INTERFACE_DATA, DeviceInterfaceDetailData: number | null, DeviceInterfaceDetailDataSize: DWORD,
    RequiredSize: Box<DWORD> | null, DeviceInfoData: SP_DEVINFO_DATA | null,
  ): BOOL {
    return SetupDiGetDeviceInterfaceDetail(this, DeviceInfoSet, DeviceInterfaceData, DeviceInterfaceDetailData, DeviceInterfaceDetailDataSize, RequiredSize, DeviceInfoData);
  }

  SetupDiDestroyDeviceInfoList(DeviceInfoSet: HDEVINFO): BOOL {
    return SetupDiDestroyDeviceInfoList(this, DeviceInfoSet);
  }

  CM_Get_Device_Interface_List_Size(pulLen: Box<number> | null, InterfaceClassGuid: string | null, pDeviceID: string | null, ulFlags: number): CONFIGRET {
    return CM_Get_Device_Interface_List_Size(this, pulLen, InterfaceClassGuid, pDeviceID, ulFlags);
  }

  CM_Get_Device_Interface_List(InterfaceClassGuid: string | null, pDeviceID: string | null, Buffer: number, BufferLen: number, ulFlags: number): CONFIGRET {
    return CM_Get_Device_Interface_List(this, InterfaceClassGuid, pDeviceID, Buffer, BufferLen, ulFlags);
  }

  CM_Register_Notification(pFilter: CM_NOTIFY_FILTER | null, pContext: any, pCallback: PCM_NOTIFY_CALLBACK | null, pNotifyContext: Box<HCMNOTIFICATION> | null): CONFIGRET {
    return CM_Register_Notification(this, pFilter, pContext, pCallback, pNotifyContext);
  }

  CM_Unregister_Notification(NotifyContext: HCMNOTIFICATION): CONFIGRET {
    return CM_Unregister_Notification(this, NotifyContext);
  }

  // ---- files ----

  private fileCaller: FileApiCaller | null = null;
  /** What fileapi.ts's functions need of this thread (made once). */
  protected get files(): FileApiCaller {
    if (this.fileCaller === null) {
      const self = this;
      this.fileCaller = {
        machine: this.machine,
        thread: this.thread,
        call: (fn) => self.call(fn),
        fail: (status) => self.fail(status),
        setError: (error) => {
          self.lastError = error;
        },
      };
    }
    return this.fileCaller;
  }

  protected *gCreateFile(
    lpFileName: string,
    dwDesiredAccess: DWORD,
    dwShareMode: DWORD,
    lpSecurityAttributes: null,
    dwCreationDisposition: DWORD,
    dwFlagsAndAttributes: DWORD,
    hTemplateFile: HANDLE,
  ): Generator<KWAIT_BLOCK, HANDLE, NTSTATUS> {
    void lpSecurityAttributes;
    void hTemplateFile;
    let disposition: number;
    switch (dwCreationDisposition) {
      case CREATE_NEW: disposition = FILE_CREATE; break;
      case CREATE_ALWAYS: disposition = FILE_OVERWRITE_IF; break;
      case OPEN_EXISTING: disposition = FILE_OPEN; break;
      case OPEN_ALWAYS: disposition = FILE_OPEN_IF; break;
      case TRUNCATE_EXISTING: disposition = FILE_OVERWRITE; break;
      default:
        this.lastError = ERROR_INVALID_PARAMETER;
        return INVALID_HANDLE_VALUE;
    }
    if (typeof lpFileName !== "string" || !isNumber(dwDesiredAccess) || !isNumber(dwShareMode) || (dwShareMode >>> 0) > 7) {
      this.lastError = ERROR_INVALID_PARAMETER;
      return INVALID_HANDLE_VALUE;
    }
    // `\\.\Name` is the Win32 device namespace (`\??\Name`); `C:\dir\file` is `\??\C:\dir\file`.
    const ntName = RtlDosPathNameToNtPathName(lpFileName);
    if (ntName === null) {
      this.lastError = ERROR_PATH_NOT_FOUND;
      return INVALID_HANDLE_VALUE;
    }
    const flags = isNumber(dwFlagsAndAttributes) ? dwFlagsAndAttributes : 0;
    // kernelbase's flag mapping: backup semantics may open a directory, the rest are options.
    let options = ((flags & FILE_FLAG_BACKUP_SEMANTICS) !== 0 ? FILE_OPEN_FOR_BACKUP_INTENT : FILE_NON_DIRECTORY_FILE) | ((flags & FILE_FLAG_OVERLAPPED) !== 0 ? 0 : FILE_SYNCHRONOUS_IO_NONALERT);
    if ((flags & FILE_FLAG_WRITE_THROUGH) !== 0) options |= FILE_WRITE_THROUGH;
    if ((flags & FILE_FLAG_NO_BUFFERING) !== 0) options |= FILE_NO_INTERMEDIATE_BUFFERING;
    if ((flags & FILE_FLAG_SEQUENTIAL_SCAN) !== 0) options |= FILE_SEQUENTIAL_ONLY;
    if ((flags & FILE_FLAG_RANDOM_ACCESS) !== 0) options |= FILE_RANDOM_ACCESS;
    let access = (dwDesiredAccess >>> 0) | SYNCHRONIZE | FILE_READ_ATTRIBUTES;
    if ((flags & FILE_FLAG_DELETE_ON_CLOSE) !== 0) {
      options |= FILE_DELETE_ON_CLOSE;
      access |= DELETE;
    }
    const h = Out(0);
    const iosb = new IO_STATUS_BLOCK();
    // Win32 names are case-insensitive.
    const oa = new OBJECT_ATTRIBUTES();
    InitializeObjectAttributes(oa, ntName, OBJ_CASE_INSENSITIVE, null, null);
    const status = yield* this.call(() => NtCreateFile(h, access, oa, iosb, null, flags & CREATE_FILE_ATTRIBUTES, dwShareMode, disposition, options, null, 0));
    if (!NT_SUCCESS(status)) {
      // CREATE_NEW on an existing name is ERROR_FILE_EXISTS, not the ERROR_ALREADY_EXISTS the status maps to.
      if (status === STATUS_OBJECT_NAME_COLLISION && disposition === FILE_CREATE) this.lastError = ERROR_FILE_EXISTS;
      else this.fail(status);
      return INVALID_HANDLE_VALUE;
    }
    // Success that found the file there already: CREATE_ALWAYS and OPEN_ALWAYS say so.
    const existed = (dwCreationDisposition === CREATE_ALWAYS && iosb.Information === FILE_OVERWRITTEN) || (dwCreationDisposition === OPEN_ALWAYS && iosb.Information === FILE_OPENED);
    this.lastError = existed ? ERROR_ALREADY_EXISTS : ERROR_SUCCESS;
    return h.value;
  }

  protected *gCloseHandle(hObject: HANDLE): Generator<KWAIT_BLOCK, BOOL, NTSTATUS> {
    const h = n(hObject);
    const status = yield* this.call(() => NtClose(h));
    return NT_SUCCESS(status) ? true : this.fail(status);
  }

  /**
   * Finish a read/write/ioctl the way kernel32 does: on a synchronous handle the call
   * already waited; on an overlapped one STATUS_PENDING is ERROR_IO_PENDING.
   */
  protected finishIo(status: NTSTATUS, iosb: IO_STATUS_BLOCK, bytes: Box<number> | null, overlapped: OVERLAPPED | null, read: boolean): BOOL {
    if (status === STATUS_PENDING) {
      this.lastError = ERROR_IO_PENDING;
      return false;
    }
    if (bytes !== null) bytes.value = NT_ERROR(status) ? 0 : iosb.Information;
    if (read && status === STATUS_END_OF_FILE && overlapped === null) return true;
    if (!NT_SUCCESS(status)) return this.fail(status);
    return true;
  }

  protected *gReadWrite(read: boolean, hFile: HANDLE, lpBuffer: number, length: DWORD, lpBytes: Box<number> | null, lpOverlapped: OVERLAPPED | null): Generator<KWAIT_BLOCK, BOOL, NTSTATUS> {
    const ov = overlappedOf(lpOverlapped);
    if (ov === false || (lpBytes !== null && lpBytes !== undefined && !isBox(lpBytes))) {
      this.lastError = ERROR_INVALID_PARAMETER;
      return false;
    }
    const bytes = lpBytes ?? null;
    if (bytes !== null) bytes.value = 0;
    const h = n(hFile);
    const buffer = n(lpBuffer);
    const count = n(length);
    const iosb = ov ?? this.iosb;
    const offset = ov ? n(ov.Offset) + n(ov.OffsetHigh) * 2 ** 32 : null;
    const event = ov ? n(ov.hEvent) : 0;
    if (ov) {
      ov.Internal = STATUS_PENDING;
      ov.InternalHigh = 0;
    }
    const status = yield* this.call(() =>
      read
        ? NtReadFile(h, event, null, ov, iosb, buffer, count, offset, 0)
        : NtWriteFile(h, event, null, ov, iosb, buffer, count, offset, 0),
    );
    return this.finishIo(status, iosb, bytes, ov, read);
  }

  /**
   * `ReadFileEx` / `WriteFileEx`: overlapped I/O whose completion routine runs as a user APC
   * in this thread's next alertable wait (SleepEx, WaitForSingleObjectEx with bAlertable).
   */
  protected *gReadWriteEx(read: boolean, hFile: HANDLE, lpBuffer: number, length: DWORD, lpOverlapped: OVERLAPPED, lpCompletionRoutine: LPOVERLAPPED_COMPLETION_ROUTINE): Generator<KWAIT_BLOCK, BOOL, NTSTATUS> {
    if (!(lpOverlapped instanceof OVERLAPPED) || typeof lpCompletionRoutine !== "function") {
      this.lastError = ERROR_INVALID_PARAMETER;
      return false;
    }
    const ov = lpOverlapped;
    ov.Internal = STATUS_PENDING;
    ov.InternalHigh = 0;
    const h = n(hFile);
    const buffer = n(lpBuffer);
    const count = n(length);
    const offset = n(ov.Offset) + n(ov.OffsetHigh) * 2 ** 32;
    // The I/O manager queues this as a user APC to the issuing thread when the request completes.
    const apc = (ctx: OVERLAPPED, iosb: IO_STATUS_BLOCK): void => {
      lpCompletionRoutine(NT_SUCCESS(iosb.Status) ? ERROR_SUCCESS : RtlNtStatusToDosError(iosb.Status), iosb.Information, ctx);
    };
    const status = yield* this.call(() =>
      read ? NtReadFile(h, 0, apc, ov, ov, buffer, count, offset, 0) : NtWriteFile(h, 0, apc, ov, ov, buffer, count, offset, 0),
    );
    if (NT_ERROR(status)) return this.fail(status);
    this.lastError = ERROR_SUCCESS;
    return true;
  }

  protected *gDeviceIoControl(
    hDevice: HANDLE,
    dwIoControlCode: DWORD,
    lpInBuffer: number,
    nInBufferSize: DWORD,
    lpOutBuffer: number,
    nOutBufferSize: DWORD,
    lpBytesReturned: Box<number> | null,
    lpOverlapped: OVERLAPPED | null,
  ): Generator<KWAIT_BLOCK, BOOL, NTSTATUS> {
    const ov = overlappedOf(lpOverlapped);
    if (ov === false || (lpBytesReturned !== null && lpBytesReturned !== undefined && !isBox(lpBytesReturned))) {
      this.lastError = ERROR_INVALID_PARAMETER;
      return false;
    }
    if (lpBytesReturned) lpBytesReturned.value = 0;
    const iosb = ov ?? this.iosb;
    if (ov) {
      ov.Internal = STATUS_PENDING;
      ov.InternalHigh = 0;
    }
    let status = yield* this.call(() =>
      NtDeviceIoControlFile(n(hDevice), ov ? n(ov.hEvent) : 0, null, ov, iosb, n(dwIoControlCode), n(lpInBuffer), n(nInBufferSize), n(lpOutBuffer), n(nOutBufferSize)),
    );
    if (status === STATUS_PENDING && !ov) status = yield* this.gWaitPendingIoctl(hDevice, iosb);
    return this.finishIoctl(status, iosb, lpBytesReturned);
  }

  /**
   * A DeviceIoControl without an OVERLAPPED that the kernel answered with STATUS_PENDING
   * (a handle opened for overlapped I/O, or a driver that completed with STATUS_PENDING):
   * kernel32 waits on the device handle itself, then takes the IO_STATUS_BLOCK's status.
   */
  protected *gWaitPendingIoctl(hDevice: HANDLE, iosb: IO_STATUS_BLOCK): Generator<KWAIT_BLOCK, NTSTATUS, NTSTATUS> {
    const r = yield* this.gWaitForSingleObjectEx(hDevice, INFINITE, false);
    if (r === WAIT_FAILED) return STATUS_INVALID_HANDLE;
    // STATUS_PENDING left in the block (completed "with" it) is not an error: TRUE.
    return iosb.Status === STATUS_PENDING ? STATUS_SUCCESS : iosb.Status;
  }

  protected finishIoctl(status: NTSTATUS, iosb: IO_STATUS_BLOCK, lpBytesReturned: Box<number> | null): BOOL {
    if (status === STATUS_PENDING) {
      this.lastError = ERROR_IO_PENDING;
      return false;
    }
    // Warnings (STATUS_BUFFER_OVERFLOW) still report the bytes returned, and fail.
    if (lpBytesReturned) lpBytesReturned.value = NT_ERROR(status) ? 0 : iosb.Information;
    if (status < 0) return this.fail(status);
    this.lastError = ERROR_SUCCESS;
    return true;
  }

  /**
   * `GetOverlappedResult`: the outcome of an overlapped request; with bWait, runs the
   * machine until it completes (waiting on hEvent, or on the file handle without one).
   */
  protected *gGetOverlappedResult(hFile: HANDLE, lpOverlapped: OVERLAPPED, lpNumberOfBytesTransferred: Box<number>, bWait: BOOL): Generator<KWAIT_BLOCK, BOOL, NTSTATUS> {
    if (!(lpOverlapped instanceof OVERLAPPED) || !isBox(lpNumberOfBytesTransferred)) {
      this.lastError = ERROR_INVALID_PARAMETER;
      return false;
    }
    if (lpOverlapped.Internal === STATUS_PENDING) {
      if (!bWait) {
        this.lastError = ERROR_IO_INCOMPLETE;
        return false;
      }
      // As kernel32: wait once on the request's event, or on the file handle without one.
      // An event another request also sets can end the wait early: then the request is
      // still incomplete (ERROR_IO_INCOMPLETE), as in Windows.
      const ov = lpOverlapped;
      const waitOn = n(ov.hEvent) || n(hFile);
      const st = yield* this.call(() => NtWaitForSingleObject(waitOn, false, null));
      if (!NT_SUCCESS(st)) return this.fail(st);
      if (ov.Internal === STATUS_PENDING) {
        this.lastError = ERROR_IO_INCOMPLETE;
        return false;
      }
    }
    const status = lpOverlapped.Internal;
    lpNumberOfBytesTransferred.value = lpOverlapped.InternalHigh;
    if (!NT_SUCCESS(status)) return this.fail(status);
    return true;
  }

  CancelIo(hFile: HANDLE): BOOL {
    const iosb = new IO_STATUS_BLOCK();
    const h = n(hFile);
    const status = this.sys(() => NtCancelIoFile(h, iosb));
    return NT_SUCCESS(status) ? true : this.fail(status);
  }

  CancelIoEx(hFile: HANDLE, lpOverlapped: OVERLAPPED | null): BOOL {
    const iosb = new IO_STATUS_BLOCK();
    const h = n(hFile);
    const ov = overlappedOf(lpOverlapped);
    if (ov === false) {
      this.lastError = ERROR_INVALID_PARAMETER;
      return false;
    }
    const status = this.sys(() => NtCancelIoFileEx(h, ov, iosb));
    return NT_SUCCESS(status) ? true : this.fail(status);
  }

  // ---- events and waits ----

  CreateEvent(lpEventAttributes: null, bManualReset: BOOL, bInitialState: BOOL, lpName: string | null): HANDLE {
    void lpEventAttributes;
    void lpName;
    const h = Out(0);
    const status = this.sys(() => NtCreateEvent(h, 0x1f0003, null, bManualReset ? 0 : 1, !!bInitialState));
    if (!NT_SUCCESS(status)) {
      this.fail(status);
      return 0;
    }
    return h.value;
  }

  SetEvent(hEvent: HANDLE): BOOL {
    const h = n(hEvent);
    const status = this.sys(() => NtSetEvent(h, null));
    return NT_SUCCESS(status) ? true : this.fail(status);
  }

  ResetEvent(hEvent: HANDLE): BOOL {
    const h = n(hEvent);
    const status = this.sys(() => NtResetEvent(h, null));
    return NT_SUCCESS(status) ? true : this.fail(status);
  }

  /**
   * The end of a wait: WAIT_OBJECT_0 + i, WAIT_ABANDONED_0 + i, WAIT_TIMEOUT,
   * WAIT_IO_COMPLETION after running the thread's user APCs, or WAIT_FAILED.
   */
  private waitResult(status: NTSTATUS): DWORD {
    if (status === STATUS_TIMEOUT) return WAIT_TIMEOUT;
    if (status === STATUS_USER_APC) {
      this.runUserApcs();
      return WAIT_IO_COMPLETION;
    }
    if (!NT_SUCCESS(status)) {
      this.fail(status);
      return WAIT_FAILED;
    }
    return status;
  }

  protected *gWaitForSingleObjectEx(hHandle: HANDLE, dwMilliseconds: DWORD, bAlertable: BOOL): Generator<KWAIT_BLOCK, DWORD, NTSTATUS> {
    const h = n(hHandle);
    return this.waitResult(yield* this.call(() => NtWaitForSingleObject(h, !!bAlertable, ntTimeout(dwMilliseconds))));
  }

  protected *gWaitForMultipleObjectsEx(nCount: DWORD, lpHandles: HANDLE[], bWaitAll: BOOL, dwMilliseconds: DWORD, bAlertable: BOOL): Generator<KWAIT_BLOCK, DWORD, NTSTATUS> {
    const handles = Array.isArray(lpHandles) ? lpHandles.map(n) : [];
    const count = n(nCount);
    return this.waitResult(yield* this.call(() => NtWaitForMultipleObjects(count, handles, bWaitAll ? 0 : 1, !!bAlertable, ntTimeout(dwMilliseconds))));
  }

  /** `SleepEx`: 0, or WAIT_IO_COMPLETION if an alertable sleep ran user APCs. */
  protected *gSleepEx(dwMilliseconds: DWORD, bAlertable: BOOL): Generator<KWAIT_BLOCK, DWORD, NTSTATUS> {
    const st = yield* this.call(() => NtDelayExecution(!!bAlertable, ntTimeout(dwMilliseconds)));
    if (st === STATUS_USER_APC) {
      this.runUserApcs();
      return WAIT_IO_COMPLETION;
    }
    return 0;
  }

  // ---- completion ports ----

  CreateIoCompletionPort(FileHandle: HANDLE, ExistingCompletionPort: HANDLE, CompletionKey: number, NumberOfConcurrentThreads: DWORD): HANDLE {
    FileHandle = n(FileHandle);
    ExistingCompletionPort = n(ExistingCompletionPort);
    CompletionKey = n(CompletionKey);
    NumberOfConcurrentThreads = n(NumberOfConcurrentThreads);
    if (ExistingCompletionPort !== ExistingCompletionPort) {
      this.lastError = ERROR_INVALID_PARAMETER;
      return 0;
    }
    let port = ExistingCompletionPort;
    if (!port) {
      const h = Out(0);
      const st = this.sys(() => NtCreateIoCompletion(h, 0x1f0003, null, NumberOfConcurrentThreads));
      if (!NT_SUCCESS(st)) {
        this.fail(st);
        return 0;
      }
      port = h.value;
    }
    if (FileHandle !== INVALID_HANDLE_VALUE) {
      const st = this.sys(() => NtSetInformationFileCompletion(FileHandle, port, CompletionKey));
      if (!NT_SUCCESS(st)) {
        if (!ExistingCompletionPort) this.sys(() => NtClose(port));
        this.fail(st);
        return 0;
      }
    }
    return port;
  }

  protected *gGetQueuedCompletionStatus(
    CompletionPort: HANDLE,
    lpNumberOfBytesTransferred: Box<number>,
    lpCompletionKey: Box<number>,
    lpOverlapped: Box<OVERLAPPED | null>,
    dwMilliseconds: DWORD,
  ): Generator<KWAIT_BLOCK, BOOL, NTSTATUS> {
    if (!isBox(lpNumberOfBytesTransferred) || !isBox(lpCompletionKey) || !isBox(lpOverlapped)) {
      this.lastError = ERROR_INVALID_PARAMETER;
      return false;
    }
    const iosb = new IO_STATUS_BLOCK();
    const apc = Out<any>(null);
    const port = n(CompletionPort);
    const status = yield* this.call(() => NtRemoveIoCompletion(port, lpCompletionKey, apc, iosb, ntTimeout(dwMilliseconds)));
    if (status === STATUS_TIMEOUT) {
      lpOverlapped.value = null;
      this.lastError = WAIT_TIMEOUT;
      return false;
    }
    if (!NT_SUCCESS(status)) {
      lpOverlapped.value = null;
      return this.fail(status);
    }
    lpOverlapped.value = apc.value;
    lpNumberOfBytesTransferred.value = iosb.Information;
    if (!NT_SUCCESS(iosb.Status)) return this.fail(iosb.Status);
    return true;
  }

  PostQueuedCompletionStatus(CompletionPort: HANDLE, dwNumberOfBytesTransferred: DWORD, dwCompletionKey: number, lpOverlapped: OVERLAPPED | null): BOOL {
    const port = n(CompletionPort);
    const st = this.sys(() => NtSetIoCompletion(port, n(dwCompletionKey), lpOverlapped, 0, n(dwNumberOfBytesTransferred)));
    return NT_SUCCESS(st) ? true : this.fail(st);
  }

  // ---- memory ----

  /** `VirtualAlloc` in this process: the base address, or 0 (NULL) with GetLastError set. */
  VirtualAlloc(lpAddress: number, dwSize: number, flAllocationType: DWORD, flProtect: DWORD): number {
    void lpAddress;
    const base = Out(0);
    const size = Out(n(dwSize));
    const st = this.sys(() => NtAllocateVirtualMemory(-1, base, 0, size, n(flAllocationType), n(flProtect)));
    if (!NT_SUCCESS(st)) {
      this.lastError = st === (0xc0000017 | 0) ? ERROR_NOT_ENOUGH_MEMORY : RtlNtStatusToDosError(st);
      return 0;
    }
    return base.value;
  }

  /** `VirtualProtect`: changes the protection of committed pages of this process; the old one in lpflOldProtect. */
  VirtualProtect(lpAddress: number, dwSize: number, flNewProtect: DWORD, lpflOldProtect: Box<number>): BOOL {
    if (!isBox(lpflOldProtect)) {
      this.lastError = ERROR_NOACCESS;
      return false;
    }
    const base = Out(n(lpAddress));
    const size = Out(n(dwSize));
    const st = this.sys(() => NtProtectVirtualMemory(-1, base, size, n(flNewProtect), lpflOldProtect));
    return NT_SUCCESS(st) ? true : this.fail(st);
  }

  VirtualFree(lpAddress: number, dwSize: number, dwFreeType: DWORD): BOOL {
    const base = Out(n(lpAddress));
    const size = Out(n(dwSize));
    const st = this.sys(() => NtFreeVirtualMemory(-1, base, size, n(dwFreeType) || MEM_RELEASE));
    return NT_SUCCESS(st) ? true : this.fail(st);
  }

  /**
   * The program writing its own memory (in C, a plain store through a pointer). Ours:
   * a bad address fails with ERROR_NOACCESS instead of an access violation.
   */
  WriteMemory(lpAddress: number, data: ArrayLike<number>): BOOL {
    if (typeof data !== "object" || data === null || typeof data.length !== "number") {
      this.lastError = ERROR_INVALID_PARAMETER;
      return false;
    }
    return this.touch(lpAddress, data.length, () => this.machine.mm.writeBytes(lpAddress, data));
  }

  /** The program reading its own memory; an empty array and ERROR_NOACCESS on a bad address. */
  ReadMemory(lpAddress: number, length: number): Uint8Array {
    let out: Uint8Array = new Uint8Array(0);
    this.touch(lpAddress, length, () => {
      out = this.machine.mm.readBytes(lpAddress, length);
    });
    return out;
  }

  /**
   * The program reading a NUL-terminated UTF-16 string of its own memory (at most cchMax
   * characters): a DevicePath, a name of a CM_Get_Device_Interface_List list. Ours, like ReadMemory.
   */
  ReadWideString(lpAddress: number, cchMax = 32767): string {
    let s = "";
    if (!isNumber(lpAddress)) {
      this.lastError = ERROR_NOACCESS;
      return s;
    }
    const max = isNumber(cchMax) && cchMax > 0 ? cchMax : 0;
    for (let at = lpAddress; s.length < max; at += 2) {
      const b = this.ReadMemory(at, 2);
      if (b.length !== 2) break;
      const ch = b[0]! | (b[1]! << 8);
      if (ch === 0) break;
      s += String.fromCharCode(ch);
    }
    return s;
  }

  /** The program reading a MULTI_SZ of its own memory (cchMax WCHARs at most): its strings. Ours. */
  ReadMultiSz(lpAddress: number, cchMax = 65536): string[] {
    const out: string[] = [];
    if (!isNumber(lpAddress)) {
      this.lastError = ERROR_NOACCESS;
      return out;
    }
    let at = lpAddress;
    const end = lpAddress + 2 * (isNumber(cchMax) && cchMax > 0 ? cchMax : 0);
    while (at < end) {
      const s = this.ReadWideString(at, (end - at) >> 1);
      if (s === "") break;
      out.push(s);
      at += 2 * (s.length + 1);
    }
    return out;
  }

  private touch(address: number, length: number, fn: () => void): BOOL {
    return this.machine.enter(this.thread, () => {
      try {
        // User mode reaches only user space; anything else is an access violation.
        if (!isNumber(address) || !isNumber(length) || address < 0 || length < 0 || address + length > 0x7fff_ffff_0000) {
          this.lastError = 998;
          return false;
        }
        fn();
        return true;
      } catch (e) {
        if (e instanceof BugCheck || e instanceof MachineDeadlock) throw e;
        this.lastError = 998;
        return false;
      }
    });
  }

  // ---- threads and processes ----

  /** Terminates the whole process (ExitProcess): pending I/O is cancelled, handles closed. */
  ExitProcess(uExitCode: DWORD): void {
    this.machine.terminateProcess(this.thread.process, uExitCode);
  }

  /**
   * `CreateThread`: a new thread of this process running `lpStartAddress(lpParameter, thread)`
   * when the machine next runs. Its blocking calls suspend only itself, so it is written as a
   * generator that waits with yield* (`const ok = yield* thread.ReadFile(...)`); its return
   * value is the exit code. The handle is signalled when it ends. `lpThreadId` receives its id.
   */
  CreateThread(
    lpThreadAttributes: null,
    dwStackSize: number,
    lpStartAddress: LPTHREAD_START_ROUTINE,
    lpParameter: any,
    dwCreationFlags: DWORD,
    lpThreadId: Box<number> | null,
  ): HANDLE {
    void lpThreadAttributes;
    void dwStackSize;
    if (typeof lpStartAddress !== "function" || n(dwCreationFlags) !== 0 || (lpThreadId !== null && lpThreadId !== undefined && !isBox(lpThreadId))) {
      this.lastError = ERROR_INVALID_PARAMETER;
      return 0;
    }
    const m = this.machine;
    const h = Out(0);
    const routine = (arg: any): Generator<KWAIT_BLOCK, number, NTSTATUS> => win32ThreadMain(m, lpStartAddress, arg);
    Object.defineProperty(routine, "name", { value: lpStartAddress.name || "thread" });
    const status = this.sys(() => NtCreateThreadEx(h, 0x1fffff, null, -1, routine, lpParameter, 0, 0, 0, 0, null));
    if (!NT_SUCCESS(status)) {
      this.fail(status);
      return 0;
    }
    if (lpThreadId) {
      const e = this.thread.process.handles.lookup(h.value);
      lpThreadId.value = e ? (e.object as unknown as KTHREAD).UniqueThreadId : 0;
    }
    this.lastError = ERROR_SUCCESS;
    return h.value;
  }

  /** `GetExitCodeThread`: the exit code, or STILL_ACTIVE (259) while it runs. */
  GetExitCodeThread(hThread: HANDLE, lpExitCode: Box<number>): BOOL {
    if (!isBox(lpExitCode)) {
      this.lastError = ERROR_INVALID_PARAMETER;
      return false;
    }
    const e = this.thread.process.handles.lookup(n(hThread));
    if (e === undefined || !(e.object instanceof KTHREAD_CLASS)) return this.fail(STATUS_INVALID_HANDLE);
    lpExitCode.value = PsGetThreadExitStatus(e.object as unknown as KTHREAD) >>> 0;
    return true;
  }

  /** `QueueUserAPC`: `pfnAPC(dwData)` runs in that thread's next alertable wait. Nonzero on success. */
  QueueUserAPC(pfnAPC: (dwData: any) => void, hThread: HANDLE, dwData: any): DWORD {
    if (typeof pfnAPC !== "function") {
      this.lastError = ERROR_INVALID_PARAMETER;
      return 0;
    }
    const h = n(hThread);
    const st = this.sys(() => NtQueueApcThread(h, (a) => pfnAPC(a), dwData, null, null));
    if (!NT_SUCCESS(st)) {
      this.fail(st);
      return 0;
    }
    return 1;
  }

  /** The calling thread's id (GetCurrentThreadId). */
  GetCurrentThreadId(): DWORD {
    return this.thread.UniqueThreadId;
  }
}

/**
 * A thread of a Win32 program driven by plain host code: every call is a system call into
 * the machine; a call that must wait blocks the host here, at the machine's outermost
 * entry, while the machine runs (other threads, DPCs, timers) until it can go on. Each
 * thread has its own last-error value, as in Windows.
 */
export class Win32Thread extends Win32ThreadBase {
  /** Drive a blocking call from plain host code: each wait blocks here while the machine runs. */
  private host<T>(g: Generator<KWAIT_BLOCK, T, NTSTATUS>): T {
    let r = g.next();
    while (!r.done) {
      let ws: NTSTATUS;
      try {
        ws = this.machine.hostWait(this.thread, r.value, this.waitingFor);
      } catch (e) {
        g.return(undefined as T);
        throw e;
      }
      r = g.next(ws);
    }
    return r.value;
  }

  /**
   * Run a thread routine on this thread, as a C main calls its ThreadProc directly
   * (echoapp's main runs `AsyncIo((PVOID)WRITER_TYPE)` itself). Ours: the routine's waits
   * block the host here while the machine runs its other threads.
   */
  CallThreadProc(lpStartAddress: LPTHREAD_START_ROUTINE, lpParameter: any): DWORD {
    const r = lpStartAddress(lpParameter, new Win32ThreadContext(this.machine, this.thread));
    const code = isRoutineGenerator(r) ? this.host(r as Generator<KWAIT_BLOCK, DWORD | void, NTSTATUS>) : r;
    return typeof code === "number" ? code : 0;
  }

  CreateFile(lpFileName: string, dwDesiredAccess: DWORD, dwShareMode: DWORD, lpSecurityAttributes: null, dwCreationDisposition: DWORD, dwFlagsAndAttributes: DWORD, hTemplateFile: HANDLE): HANDLE {
    return this.host(this.gCreateFile(lpFileName, dwDesiredAccess, dwShareMode, lpSecurityAttributes, dwCreationDisposition, dwFlagsAndAttributes, hTemplateFile));
  }

  CloseHandle(hObject: HANDLE): BOOL {
    return this.host(this.gCloseHandle(hObject));
  }

  ReadFile(hFile: HANDLE, lpBuffer: number, nNumberOfBytesToRead: DWORD, lpNumberOfBytesRead: Box<number> | null, lpOverlapped: OVERLAPPED | null): BOOL {
    return this.host(this.gReadWrite(true, hFile, lpBuffer, nNumberOfBytesToRead, lpNumberOfBytesRead, lpOverlapped));
  }

  WriteFile(hFile: HANDLE, lpBuffer: number, nNumberOfBytesToWrite: DWORD, lpNumberOfBytesWritten: Box<number> | null, lpOverlapped: OVERLAPPED | null): BOOL {
    return this.host(this.gReadWrite(false, hFile, lpBuffer, nNumberOfBytesToWrite, lpNumberOfBytesWritten, lpOverlapped));
  }

  /** `SetFilePointer` (fileapi.ts): the new position's low DWORD, or INVALID_SET_FILE_POINTER. */
  SetFilePointer(hFile: HANDLE, lDistanceToMove: number, lpDistanceToMoveHigh: Box<number> | null, dwMoveMethod: DWORD): DWORD {
    return this.host(SetFilePointer(this.files, hFile, lDistanceToMove, lpDistanceToMoveHigh, dwMoveMethod));
  }

  /** `SetFilePointerEx` (fileapi.ts). */
  SetFilePointerEx(hFile: HANDLE, liDistanceToMove: number, lpNewFilePointer: Box<number> | null, dwMoveMethod: DWORD): BOOL {
    return this.host(SetFilePointerEx(this.files, hFile, liDistanceToMove, lpNewFilePointer, dwMoveMethod));
  }

  /** `GetFileSize` (fileapi.ts): the low DWORD, or INVALID_FILE_SIZE. */
  GetFileSize(hFile: HANDLE, lpFileSizeHigh: Box<number> | null): DWORD {
    return this.host(GetFileSize(this.files, hFile, lpFileSizeHigh));
  }

  /** `GetFileSizeEx` (fileapi.ts). */
  GetFileSizeEx(hFile: HANDLE, lpFileSize: Box<number>): BOOL {
    return this.host(GetFileSizeEx(this.files, hFile, lpFileSize));
  }

  /** `DeleteFile` (fileapi.ts). */
  DeleteFile(lpFileName: string): BOOL {
    return this.host(DeleteFile(this.files, lpFileName));
  }

  /** `CreateDirectory` (fileapi.ts). */
  CreateDirectory(lpPathName: string, lpSecurityAttributes: null): BOOL {
    return this.host(CreateDirectory(this.files, lpPathName, lpSecurityAttributes));
  }

  /** `RemoveDirectory` (fileapi.ts). */
  RemoveDirectory(lpPathName: string): BOOL {
    return this.host(RemoveDirectory(this.files, lpPathName));
  }

  /**
   * `ReadFileEx` / `WriteFileEx`: overlapped I/O whose completion routine runs as a user APC
   * in this thread's next alertable wait (SleepEx, WaitForSingleObjectEx with bAlertable).
   */
  ReadFileEx(hFile: HANDLE, lpBuffer: number, nNumberOfBytesToRead: DWORD, lpOverlapped: OVERLAPPED, lpCompletionRoutine: LPOVERLAPPED_COMPLETION_ROUTINE): BOOL {
    return this.host(this.gReadWriteEx(true, hFile, lpBuffer, nNumberOfBytesToRead, lpOverlapped, lpCompletionRoutine));
  }

  WriteFileEx(hFile: HANDLE, lpBuffer: number, nNumberOfBytesToWrite: DWORD, lpOverlapped: OVERLAPPED, lpCompletionRoutine: LPOVERLAPPED_COMPLETION_ROUTINE): BOOL {
    return this.host(this.gReadWriteEx(false, hFile, lpBuffer, nNumberOfBytesToWrite, lpOverlapped, lpCompletionRoutine));
  }

  DeviceIoControl(
    hDevice: HANDLE,
    dwIoControlCode: DWORD,
    lpInBuffer: number,
    nInBufferSize: DWORD,
    lpOutBuffer: number,
    nOutBufferSize: DWORD,
    lpBytesReturned: Box<number> | null,
    lpOverlapped: OVERLAPPED | null,
  ): BOOL {
    const ov = overlappedOf(lpOverlapped);
    if (ov === false || (lpBytesReturned !== null && lpBytesReturned !== undefined && !isBox(lpBytesReturned))) {
      this.lastError = ERROR_INVALID_PARAMETER;
      return false;
    }
    if (lpBytesReturned) lpBytesReturned.value = 0;
    const iosb = ov ?? this.iosb;
    if (ov) {
      ov.Internal = STATUS_PENDING;
      ov.InternalHigh = 0;
    }
    // The hot path of every client: a system call without a closure.
    const m = this.machine;
    let status: NTSTATUS;
    m.beginSystemCall(this.thread);
    try {
      status = NtDeviceIoControlFile(n(hDevice), ov ? n(ov.hEvent) : 0, null, ov, iosb, n(dwIoControlCode), n(lpInBuffer), n(nInBufferSize), n(lpOutBuffer), n(nOutBufferSize));
      // A driver that pended the request on a synchronous handle: wait here, at the outermost entry.
      if (this.thread.deferred !== null) status = m.completeDeferredWait(this.thread, status);
      m.checkReturnIrql();
    } catch (e) {
      throw m.crashed(e);
    } finally {
      m.endSystemCall();
    }
    if (status === STATUS_PENDING && !ov) status = this.host(this.gWaitPendingIoctl(hDevice, iosb));
    // finishIoctl, written out: this is every client's hot path.
    if (status === STATUS_PENDING) {
      this.lastError = ERROR_IO_PENDING;
      return false;
    }
    if (lpBytesReturned) lpBytesReturned.value = NT_ERROR(status) ? 0 : iosb.Information;
    if (status < 0) return this.fail(status);
    return true;
  }

  /** `GetOverlappedResult`: with bWait, waits on hEvent (or the file handle without one) until the request is done. */
  GetOverlappedResult(hFile: HANDLE, lpOverlapped: OVERLAPPED, lpNumberOfBytesTransferred: Box<number>, bWait: BOOL): BOOL {
    return this.host(this.gGetOverlappedResult(hFile, lpOverlapped, lpNumberOfBytesTransferred, bWait));
  }

  /** WAIT_OBJECT_0, WAIT_TIMEOUT, or WAIT_FAILED (GetLastError says why). */
  WaitForSingleObject(hHandle: HANDLE, dwMilliseconds: DWORD): DWORD {
    return this.host(this.gWaitForSingleObjectEx(hHandle, dwMilliseconds, false));
  }

  WaitForSingleObjectEx(hHandle: HANDLE, dwMilliseconds: DWORD, bAlertable: BOOL): DWORD {
    return this.host(this.gWaitForSingleObjectEx(hHandle, dwMilliseconds, bAlertable));
  }

  WaitForMultipleObjects(nCount: DWORD, lpHandles: HANDLE[], bWaitAll: BOOL, dwMilliseconds: DWORD): DWORD {
    return this.host(this.gWaitForMultipleObjectsEx(nCount, lpHandles, bWaitAll, dwMilliseconds, false));
  }

  WaitForMultipleObjectsEx(nCount: DWORD, lpHandles: HANDLE[], bWaitAll: BOOL, dwMilliseconds: DWORD, bAlertable: BOOL): DWORD {
    return this.host(this.gWaitForMultipleObjectsEx(nCount, lpHandles, bWaitAll, dwMilliseconds, bAlertable));
  }

  /** `Sleep`: lets `dwMilliseconds` of machine time pass, the machine running meanwhile. */
  Sleep(dwMilliseconds: DWORD): void {
    this.host(this.gSleepEx(dwMilliseconds, false));
  }

  SleepEx(dwMilliseconds: DWORD, bAlertable: BOOL): DWORD {
    return this.host(this.gSleepEx(dwMilliseconds, bAlertable));
  }

  GetQueuedCompletionStatus(CompletionPort: HANDLE, lpNumberOfBytesTransferred: Box<number>, lpCompletionKey: Box<number>, lpOverlapped: Box<OVERLAPPED | null>, dwMilliseconds: DWORD): BOOL {
    return this.host(this.gGetQueuedCompletionStatus(CompletionPort, lpNumberOfBytesTransferred, lpCompletionKey, lpOverlapped, dwMilliseconds));
  }
}

/**
 * A thread made with CreateThread, as its start routine sees it: the same kernel32 calls,
 * and the ones that may block are generators to `yield*`, so that only this thread waits
 * while the machine runs the others:
 *
 * ```ts
 * function* Reader(hDevice: HANDLE, t: Win32ThreadContext) {
 *   const read = Out(0);
 *   if (!(yield* t.ReadFile(hDevice, buffer, 512, read, null))) return t.GetLastError();
 *   return 0;
 * }
 * const hThread = app.CreateThread(null, 0, Reader, hDevice, 0, null);
 * app.WaitForSingleObject(hThread, INFINITE);
 * ```
 */
export class Win32ThreadContext extends Win32ThreadBase {
  CreateFile(lpFileName: string, dwDesiredAccess: DWORD, dwShareMode: DWORD, lpSecurityAttributes: null, dwCreationDisposition: DWORD, dwFlagsAndAttributes: DWORD, hTemplateFile: HANDLE): Generator<KWAIT_BLOCK, HANDLE, NTSTATUS> {
    return this.gCreateFile(lpFileName, dwDesiredAccess, dwShareMode, lpSecurityAttributes, dwCreationDisposition, dwFlagsAndAttributes, hTemplateFile);
  }

  CloseHandle(hObject: HANDLE): Generator<KWAIT_BLOCK, BOOL, NTSTATUS> {
    return this.gCloseHandle(hObject);
  }

  ReadFile(hFile: HANDLE, lpBuffer: number, nNumberOfBytesToRead: DWORD, lpNumberOfBytesRead: Box<number> | null, lpOverlapped: OVERLAPPED | null): Generator<KWAIT_BLOCK, BOOL, NTSTATUS> {
    return this.gReadWrite(true, hFile, lpBuffer, nNumberOfBytesToRead, lpNumberOfBytesRead, lpOverlapped);
  }

  WriteFile(hFile: HANDLE, lpBuffer: number, nNumberOfBytesToWrite: DWORD, lpNumberOfBytesWritten: Box<number> | null, lpOverlapped: OVERLAPPED | null): Generator<KWAIT_BLOCK, BOOL, NTSTATUS> {
    return this.gReadWrite(false, hFile, lpBuffer, nNumberOfBytesToWrite, lpNumberOfBytesWritten, lpOverlapped);
  }

  SetFilePointer(hFile: HANDLE, lDistanceToMove: number, lpDistanceToMoveHigh: Box<number> | null, dwMoveMethod: DWORD): Generator<KWAIT_BLOCK, DWORD, NTSTATUS> {
    return SetFilePointer(this.files, hFile, lDistanceToMove, lpDistanceToMoveHigh, dwMoveMethod);
  }

  SetFilePointerEx(hFile: HANDLE, liDistanceToMove: number, lpNewFilePointer: Box<number> | null, dwMoveMethod: DWORD): Generator<KWAIT_BLOCK, BOOL, NTSTATUS> {
    return SetFilePointerEx(this.files, hFile, liDistanceToMove, lpNewFilePointer, dwMoveMethod);
  }

  GetFileSize(hFile: HANDLE, lpFileSizeHigh: Box<number> | null): Generator<KWAIT_BLOCK, DWORD, NTSTATUS> {
    return GetFileSize(this.files, hFile, lpFileSizeHigh);
  }

  GetFileSizeEx(hFile: HANDLE, lpFileSize: Box<number>): Generator<KWAIT_BLOCK, BOOL, NTSTATUS> {
    return GetFileSizeEx(this.files, hFile, lpFileSize);
  }

  DeleteFile(lpFileName: string): Generator<KWAIT_BLOCK, BOOL, NTSTATUS> {
    return DeleteFile(this.files, lpFileName);
  }

  CreateDirectory(lpPathName: string, lpSecurityAttributes: null): Generator<KWAIT_BLOCK, BOOL, NTSTATUS> {
    return CreateDirectory(this.files, lpPathName, lpSecurityAttributes);
  }

  RemoveDirectory(lpPathName: string): Generator<KWAIT_BLOCK, BOOL, NTSTATUS> {
    return RemoveDirectory(this.files, lpPathName);
  }

  ReadFileEx(hFile: HANDLE, lpBuffer: number, nNumberOfBytesToRead: DWORD, lpOverlapped: OVERLAPPED, lpCompletionRoutine: LPOVERLAPPED_COMPLETION_ROUTINE): Generator<KWAIT_BLOCK, BOOL, NTSTATUS> {
    return this.gReadWriteEx(true, hFile, lpBuffer, nNumberOfBytesToRead, lpOverlapped, lpCompletionRoutine);
  }

  WriteFileEx(hFile: HANDLE, lpBuffer: number, nNumberOfBytesToWrite: DWORD, lpOverlapped: OVERLAPPED, lpCompletionRoutine: LPOVERLAPPED_COMPLETION_ROUTINE): Generator<KWAIT_BLOCK, BOOL, NTSTATUS> {
    return this.gReadWriteEx(false, hFile, lpBuffer, nNumberOfBytesToWrite, lpOverlapped, lpCompletionRoutine);
  }

  DeviceIoControl(hDevice: HANDLE, dwIoControlCode: DWORD, lpInBuffer: number, nInBufferSize: DWORD, lpOutBuffer: number, nOutBufferSize: DWORD, lpBytesReturned: Box<number> | null, lpOverlapped: OVERLAPPED | null): Generator<KWAIT_BLOCK, BOOL, NTSTATUS> {
    return this.gDeviceIoControl(hDevice, dwIoControlCode, lpInBuffer, nInBufferSize, lpOutBuffer, nOutBufferSize, lpBytesReturned, lpOverlapped);
  }

  GetOverlappedResult(hFile: HANDLE, lpOverlapped: OVERLAPPED, lpNumberOfBytesTransferred: Box<number>, bWait: BOOL): Generator<KWAIT_BLOCK, BOOL, NTSTATUS> {
    return this.gGetOverlappedResult(hFile, lpOverlapped, lpNumberOfBytesTransferred, bWait);
  }

  WaitForSingleObject(hHandle: HANDLE, dwMilliseconds: DWORD): Generator<KWAIT_BLOCK, DWORD, NTSTATUS> {
    return this.gWaitForSingleObjectEx(hHandle, dwMilliseconds, false);
  }

  WaitForSingleObjectEx(hHandle: HANDLE, dwMilliseconds: DWORD, bAlertable: BOOL): Generator<KWAIT_BLOCK, DWORD, NTSTATUS> {
    return this.gWaitForSingleObjectEx(hHandle, dwMilliseconds, bAlertable);
  }

  WaitForMultipleObjects(nCount: DWORD, lpHandles: HANDLE[], bWaitAll: BOOL, dwMilliseconds: DWORD): Generator<KWAIT_BLOCK, DWORD, NTSTATUS> {
    return this.gWaitForMultipleObjectsEx(nCount, lpHandles, bWaitAll, dwMilliseconds, false);
  }

  WaitForMultipleObjectsEx(nCount: DWORD, lpHandles: HANDLE[], bWaitAll: BOOL, dwMilliseconds: DWORD, bAlertable: BOOL): Generator<KWAIT_BLOCK, DWORD, NTSTATUS> {
    return this.gWaitForMultipleObjectsEx(nCount, lpHandles, bWaitAll, dwMilliseconds, bAlertable);
  }

  *Sleep(dwMilliseconds: DWORD): Generator<KWAIT_BLOCK, void, NTSTATUS> {
    yield* this.gSleepEx(dwMilliseconds, false);
  }

  SleepEx(dwMilliseconds: DWORD, bAlertable: BOOL): Generator<KWAIT_BLOCK, DWORD, NTSTATUS> {
    return this.gSleepEx(dwMilliseconds, bAlertable);
  }

  GetQueuedCompletionStatus(CompletionPort: HANDLE, lpNumberOfBytesTransferred: Box<number>, lpCompletionKey: Box<number>, lpOverlapped: Box<OVERLAPPED | null>, dwMilliseconds: DWORD): Generator<KWAIT_BLOCK, BOOL, NTSTATUS> {
    return this.gGetQueuedCompletionStatus(CompletionPort, lpNumberOfBytesTransferred, lpCompletionKey, lpOverlapped, dwMilliseconds);
  }
}

/** LPTHREAD_START_ROUTINE: the exit code, or a generator (a thread that waits) returning it. */
export type LPTHREAD_START_ROUTINE = (lpParameter: any, thread: Win32ThreadContext) => DWORD | void | Generator<KWAIT_BLOCK, DWORD | void, NTSTATUS>;

/** LPOVERLAPPED_COMPLETION_ROUTINE: what ReadFileEx/WriteFileEx call in an alertable wait. */
export type LPOVERLAPPED_COMPLETION_ROUTINE = (dwErrorCode: DWORD, dwNumberOfBytesTransfered: DWORD, lpOverlapped: OVERLAPPED) => void;

/**
 * A Win32 thread's life: the start routine runs as the thread (its calls are system calls
 * on it). An exception the routine does not catch ends the process, as an unhandled
 * exception does in Windows (exit code 0xE06D7363, a C++-style exception); the machine goes on.
 */
export function* win32ThreadMain(m: Machine, start: LPTHREAD_START_ROUTINE, arg: any): Generator<KWAIT_BLOCK, number, NTSTATUS> {
  const kthread = m.cpu.thread!;
  const t = new Win32ThreadContext(m, kthread);
  try {
    const r = start(arg, t);
    const code = isRoutineGenerator(r) ? yield* r : r;
    return typeof code === "number" ? code : 0;
  } catch (e) {
    if (e instanceof BugCheck || e instanceof MachineDeadlock) throw e;
    kthread.process.unhandledException = e;
    m.terminateProcess(kthread.process, 0xe06d7363);
    return 0xe06d7363;
  }
}

/** A Win32 program: a process with its address space and handle table, and its main thread. */
export class Win32Process extends Win32Thread {
  private constructor(machine: Machine, process: EPROCESS) {
    super(machine, process.threads[0]!);
  }

  /** Start a program in the machine (its process and main thread). */
  static create(machine: Machine, imageName: string): Win32Process {
    // Checked by shape, not instanceof: a host may hold a Machine of another copy of the kernel package.
    if (typeof machine !== "object" || machine === null || typeof (machine as Partial<Machine>).createProcess !== "function" || typeof (machine as Partial<Machine>).syscall !== "function") {
      throw new MachineUsageError(
        `wdfjs: Win32Process.create(machine, imageName): the first argument must be a machine from boot() (import { boot } from "@wdfjs/kernel"); got ${machine === undefined ? "undefined" : machine === null ? "null" : typeof machine}.`,
      );
    }
    return new Win32Process(machine, machine.createProcess(imageName));
  }

  /**
   * Another thread of the same process driven by plain host code, like the main thread
   * (ours: for host code that wants a second thread identity, e.g. for CancelIo, which
   * cancels only the calling thread's I/O). Threads that run on their own are CreateThread's.
   */
  CreateHostThread(name = "thread"): Win32Thread {
    return new Win32Thread(this.machine, this.machine.createThread(this.process, name));
  }

  /** Allocate `size` bytes of user memory, optionally filled (our helper around VirtualAlloc). */
  alloc(size: number, fill?: ArrayLike<number>): number {
    const va = this.VirtualAlloc(0, size, 0x3000, 0x04);
    if (va && fill) this.WriteMemory(va, fill);
    return va;
  }
}

