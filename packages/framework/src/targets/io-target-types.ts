import { STATUS_SUCCESS, type DEVICE_OBJECT, type FILE_OBJECT, type KWAIT_GENERATOR, type NTSTATUS } from "@wdfjs/kernel";
import type { WDF_REQUEST_TYPE } from "../io/queue-config.js";

/*
 * The structures and enumerations of wdfiotarget.h and the sending half of wdfrequest.h, with
 * their `_INIT` helpers. Sizes are the x64 `sizeof` values the INIT macros store.
 */

/** `WDF_IO_TARGET_STATE`. */
export const WdfIoTargetStateUndefined = 0;
export const WdfIoTargetStarted = 1;
export const WdfIoTargetStopped = 2;
export const WdfIoTargetClosedForQueryRemove = 3;
export const WdfIoTargetClosed = 4;
export const WdfIoTargetDeleted = 5;
export const WdfIoTargetPurged = 6;
export type WDF_IO_TARGET_STATE = 0 | 1 | 2 | 3 | 4 | 5 | 6;

/** `WDF_IO_TARGET_OPEN_TYPE`. */
export const WdfIoTargetOpenUndefined = 0;
export const WdfIoTargetOpenUseExistingDevice = 1;
export const WdfIoTargetOpenByName = 2;
export const WdfIoTargetOpenReopen = 3;
export const WdfIoTargetOpenLocalTargetByFile = 4;
export type WDF_IO_TARGET_OPEN_TYPE = 0 | 1 | 2 | 3 | 4;

/** `WDF_IO_TARGET_SENT_IO_ACTION`. */
export const WdfIoTargetSentIoUndefined = 0;
export const WdfIoTargetCancelSentIo = 1;
export const WdfIoTargetWaitForSentIoToComplete = 2;
export const WdfIoTargetLeaveSentIoPending = 3;
export type WDF_IO_TARGET_SENT_IO_ACTION = 0 | 1 | 2 | 3;

/** `WDF_IO_TARGET_PURGE_IO_ACTION`. */
export const WdfIoTargetPurgeIoUndefined = 0;
export const WdfIoTargetPurgeIoAndWait = 1;
export const WdfIoTargetPurgeIo = 2;
export type WDF_IO_TARGET_PURGE_IO_ACTION = 0 | 1 | 2;

/**
 * `EVT_WDF_IO_TARGET_QUERY_REMOVE` / `..._REMOVE_CANCELED` / `..._REMOVE_COMPLETE`: PASSIVE_LEVEL
 * callbacks, which may wait (be generators: `yield* WdfIoTargetCloseForQueryRemove(Target)`).
 */
export type EVT_WDF_IO_TARGET_QUERY_REMOVE = (IoTarget: any) => NTSTATUS | KWAIT_GENERATOR<NTSTATUS>;
export type EVT_WDF_IO_TARGET_REMOVE_CANCELED = (IoTarget: any) => void | KWAIT_GENERATOR<void>;
export type EVT_WDF_IO_TARGET_REMOVE_COMPLETE = (IoTarget: any) => void | KWAIT_GENERATOR<void>;

/** `WDF_IO_TARGET_OPEN_PARAMS`. A UNICODE_STRING name is a string here. */
export class WDF_IO_TARGET_OPEN_PARAMS {
  Size = 0;
  Type: WDF_IO_TARGET_OPEN_TYPE = WdfIoTargetOpenUndefined;
  EvtIoTargetQueryRemove: EVT_WDF_IO_TARGET_QUERY_REMOVE | null = null;
  EvtIoTargetRemoveCanceled: EVT_WDF_IO_TARGET_REMOVE_CANCELED | null = null;
  EvtIoTargetRemoveComplete: EVT_WDF_IO_TARGET_REMOVE_COMPLETE | null = null;
  TargetDeviceObject: DEVICE_OBJECT | null = null;
  TargetFileObject: FILE_OBJECT | null = null;
  TargetDeviceName = "";
  DesiredAccess = 0;
  ShareAccess = 0;
  FileAttributes = 0;
  CreateDisposition = 0;
  CreateOptions = 0;
  EaBuffer = 0;
  EaBufferLength = 0;
  AllocationSize: number | null = null;
  FileInformation = 0;
  FileName = "";
}
export type PWDF_IO_TARGET_OPEN_PARAMS = WDF_IO_TARGET_OPEN_PARAMS;
export const WDF_IO_TARGET_OPEN_PARAMS_SIZE = 0x70;

const FILE_OPEN = 1;
const FILE_NON_DIRECTORY_FILE = 0x40;

function openParamsReset(Params: WDF_IO_TARGET_OPEN_PARAMS, Type: WDF_IO_TARGET_OPEN_TYPE): void {
  Object.assign(Params, new WDF_IO_TARGET_OPEN_PARAMS());
  Params.Size = WDF_IO_TARGET_OPEN_PARAMS_SIZE;
  Params.Type = Type;
}

/** `WDF_IO_TARGET_OPEN_PARAMS_INIT_EXISTING_DEVICE`: a device object the driver already has. */
export function WDF_IO_TARGET_OPEN_PARAMS_INIT_EXISTING_DEVICE(Params: WDF_IO_TARGET_OPEN_PARAMS, DeviceObject: DEVICE_OBJECT): void {
  openParamsReset(Params, WdfIoTargetOpenUseExistingDevice);
  Params.TargetDeviceObject = DeviceObject;
}

/** `WDF_IO_TARGET_OPEN_PARAMS_INIT_CREATE_BY_NAME`: a name to open as ZwCreateFile would (a non-directory file). */
export function WDF_IO_TARGET_OPEN_PARAMS_INIT_CREATE_BY_NAME(Params: WDF_IO_TARGET_OPEN_PARAMS, TargetDeviceName: string, DesiredAccess: number): void {
  openParamsReset(Params, WdfIoTargetOpenByName);
  Params.TargetDeviceName = TargetDeviceName;
  Params.DesiredAccess = DesiredAccess;
  Params.CreateOptions = FILE_NON_DIRECTORY_FILE;
}

/** `WDF_IO_TARGET_OPEN_PARAMS_INIT_OPEN_BY_NAME`: as CREATE_BY_NAME, with CreateDisposition FILE_OPEN. */
export function WDF_IO_TARGET_OPEN_PARAMS_INIT_OPEN_BY_NAME(Params: WDF_IO_TARGET_OPEN_PARAMS, TargetDeviceName: string, DesiredAccess: number): void {
  WDF_IO_TARGET_OPEN_PARAMS_INIT_CREATE_BY_NAME(Params, TargetDeviceName, DesiredAccess);
  Params.CreateDisposition = FILE_OPEN;
}

/** `WDF_IO_TARGET_OPEN_PARAMS_INIT_REOPEN`: open again with the parameters of the last open (after a cancelled query-remove). */
export function WDF_IO_TARGET_OPEN_PARAMS_INIT_REOPEN(Params: WDF_IO_TARGET_OPEN_PARAMS): void {
  openParamsReset(Params, WdfIoTargetOpenReopen);
}

/** `WDF_REQUEST_SEND_OPTIONS_FLAGS`. */
export const WDF_REQUEST_SEND_OPTION_TIMEOUT = 0x00000001;
export const WDF_REQUEST_SEND_OPTION_SYNCHRONOUS = 0x00000002;
export const WDF_REQUEST_SEND_OPTION_IGNORE_TARGET_STATE = 0x00000004;
export const WDF_REQUEST_SEND_OPTION_SEND_AND_FORGET = 0x00000008;
export const WDF_REQUEST_SEND_OPTION_IMPERSONATE_CLIENT = 0x00010000;
export const WDF_REQUEST_SEND_OPTION_IMPERSONATION_IGNORE_FAILURE = 0x00020000;

/** `WDF_REQUEST_SEND_OPTIONS`: Timeout in 100 ns units, negative for relative (WDF_REL_TIMEOUT_IN_MS). */
export class WDF_REQUEST_SEND_OPTIONS {
  Size = 0;
  Flags = 0;
  Timeout = 0;
}
export type PWDF_REQUEST_SEND_OPTIONS = WDF_REQUEST_SEND_OPTIONS | null;
export const WDF_REQUEST_SEND_OPTIONS_SIZE = 0x10;

/** `WDF_REQUEST_SEND_OPTIONS_INIT`. */
export function WDF_REQUEST_SEND_OPTIONS_INIT(Options: WDF_REQUEST_SEND_OPTIONS, Flags: number): void {
  Options.Size = WDF_REQUEST_SEND_OPTIONS_SIZE;
  Options.Flags = Flags;
  Options.Timeout = 0;
}

/** `WDF_REQUEST_SEND_OPTIONS_SET_TIMEOUT`: sets the timeout and the TIMEOUT flag. */
export function WDF_REQUEST_SEND_OPTIONS_SET_TIMEOUT(Options: WDF_REQUEST_SEND_OPTIONS, Timeout: number): void {
  Options.Flags |= WDF_REQUEST_SEND_OPTION_TIMEOUT;
  Options.Timeout = Timeout;
}

/** `WdfRequestTypeNoFormat`: the completion parameters of a request sent without a framework format. */
export const WdfRequestTypeNoFormat = 0xff;

/**
 * `WDF_REQUEST_COMPLETION_PARAMS`: what a sent request came back with. The C union's arms are
 * separate views here (`Read`, `Write`, `Ioctl`); WDFMEMORY handles are numbers (0 for none).
 */
export class WDF_REQUEST_COMPLETION_PARAMS {
  Size = 0;
  Type: WDF_REQUEST_TYPE = WdfRequestTypeNoFormat;
  readonly IoStatus = { Status: STATUS_SUCCESS as NTSTATUS, Information: 0 };
  readonly Parameters = {
    Write: { Buffer: 0, Length: 0, Offset: 0 },
    Read: { Buffer: 0, Length: 0, Offset: 0 },
    Ioctl: { IoControlCode: 0, Input: { Buffer: 0, Offset: 0 }, Output: { Buffer: 0, Offset: 0, Length: 0 } },
    Others: { Argument1: 0 as unknown, Argument2: 0 as unknown, Argument3: 0 as unknown, Argument4: 0 as unknown },
  };
}
export type PWDF_REQUEST_COMPLETION_PARAMS = WDF_REQUEST_COMPLETION_PARAMS;
export const WDF_REQUEST_COMPLETION_PARAMS_SIZE = 0x50;

/** `WDF_REQUEST_COMPLETION_PARAMS_INIT`. */
export function WDF_REQUEST_COMPLETION_PARAMS_INIT(Params: WDF_REQUEST_COMPLETION_PARAMS): void {
  Object.assign(Params.IoStatus, { Status: STATUS_SUCCESS, Information: 0 });
  Params.Size = WDF_REQUEST_COMPLETION_PARAMS_SIZE;
  Params.Type = WdfRequestTypeNoFormat;
}

/** `EVT_WDF_REQUEST_COMPLETION_ROUTINE`: a sent request came back (at or below DISPATCH_LEVEL). */
export type EVT_WDF_REQUEST_COMPLETION_ROUTINE = (Request: any, Target: any, Params: WDF_REQUEST_COMPLETION_PARAMS, Context: unknown) => void;
export type PFN_WDF_REQUEST_COMPLETION_ROUTINE = EVT_WDF_REQUEST_COMPLETION_ROUTINE | null;

/** `WDF_REQUEST_REUSE_FLAGS`. */
export const WDF_REQUEST_REUSE_NO_FLAGS = 0x00000000;
export const WDF_REQUEST_REUSE_SET_NEW_IRP = 0x00000001;

/** `WDF_REQUEST_REUSE_PARAMS`. */
export class WDF_REQUEST_REUSE_PARAMS {
  Size = 0;
  Flags = 0;
  Status: NTSTATUS = STATUS_SUCCESS;
  NewIrp: unknown = null;
}
export type PWDF_REQUEST_REUSE_PARAMS = WDF_REQUEST_REUSE_PARAMS;
export const WDF_REQUEST_REUSE_PARAMS_SIZE = 0x18;

/** `WDF_REQUEST_REUSE_PARAMS_INIT`. */
export function WDF_REQUEST_REUSE_PARAMS_INIT(Params: WDF_REQUEST_REUSE_PARAMS, Flags: number, Status: NTSTATUS): void {
  Params.Size = WDF_REQUEST_REUSE_PARAMS_SIZE;
  Params.Flags = Flags;
  Params.Status = Status;
  Params.NewIrp = null;
}
