/** `WDF_IO_QUEUE_DISPATCH_TYPE` (wdfio.h). */
export const WdfIoQueueDispatchInvalid = 0;
export const WdfIoQueueDispatchSequential = 1;
export const WdfIoQueueDispatchParallel = 2;
export const WdfIoQueueDispatchManual = 3;
export const WdfIoQueueDispatchMax = 4;
export type WDF_IO_QUEUE_DISPATCH_TYPE = number;

/** `WDF_IO_QUEUE_STATE` (wdfio.h): bits WdfIoQueueGetState returns. */
export const WdfIoQueueAcceptRequests = 0x01;
export const WdfIoQueueDispatchRequests = 0x02;
export const WdfIoQueueNoRequests = 0x04;
export const WdfIoQueueDriverNoRequests = 0x08;
export const WdfIoQueuePnpHeld = 0x10;
export type WDF_IO_QUEUE_STATE = number;

/** `EVT_WDF_IO_QUEUE_STATE`: StopComplete, PurgeComplete, DrainComplete. */
export type EVT_WDF_IO_QUEUE_STATE = (Queue: any, Context: unknown) => void;

/** `WDF_TRI_STATE` (wdftypes.h). */
export const WdfFalse = 0;
export const WdfTrue = 1;
export const WdfUseDefault = 2;
export type WDF_TRI_STATE = number;

/** `WDF_REQUEST_TYPE` (wdfrequest.h): the values the I/O package uses. */
export const WdfRequestTypeCreate = 0x0;
export const WdfRequestTypeRead = 0x3;
export const WdfRequestTypeWrite = 0x4;
export const WdfRequestTypeDeviceControl = 0xe;
export const WdfRequestTypeDeviceControlInternal = 0xf;
export const WdfRequestTypeOther = 0x1c;
export type WDF_REQUEST_TYPE = number;

// The callbacks take handles; the core passes the framework objects' handles as numbers.
export type EVT_WDF_IO_QUEUE_IO_DEFAULT = (Queue: any, Request: any) => void;
export type EVT_WDF_IO_QUEUE_IO_READ = (Queue: any, Request: any, Length: number) => void;
export type EVT_WDF_IO_QUEUE_IO_WRITE = (Queue: any, Request: any, Length: number) => void;
export type EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL = (Queue: any, Request: any, OutputBufferLength: number, InputBufferLength: number, IoControlCode: number) => void;
export type EVT_WDF_IO_QUEUE_IO_INTERNAL_DEVICE_CONTROL = EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL;
export type EVT_WDF_IO_QUEUE_IO_CANCELED_ON_QUEUE = (Queue: any, Request: any) => void;
export type EVT_WDF_IO_QUEUE_IO_STOP = (Queue: any, Request: any, ActionFlags: number) => void;
export type EVT_WDF_IO_QUEUE_IO_RESUME = (Queue: any, Request: any) => void;

/** `WDF_REQUEST_STOP_ACTION_FLAGS` (wdfrequest.h): what EvtIoStop is told. */
export const WdfRequestStopActionInvalid = 0;
export const WdfRequestStopActionSuspend = 0x1;
export const WdfRequestStopActionPurge = 0x2;
export const WdfRequestStopRequestCancelable = 0x10000000;
export type WDF_REQUEST_STOP_ACTION_FLAGS = number;

/** `WDF_IO_QUEUE_CONFIG` (wdfio.h), shared by KMDF and UMDF 2. */
export class WDF_IO_QUEUE_CONFIG {
  Size = 0;
  DispatchType: WDF_IO_QUEUE_DISPATCH_TYPE = WdfIoQueueDispatchInvalid;
  PowerManaged: WDF_TRI_STATE = WdfUseDefault;
  AllowZeroLengthRequests = false;
  DefaultQueue = false;
  EvtIoDefault: EVT_WDF_IO_QUEUE_IO_DEFAULT | null = null;
  EvtIoRead: EVT_WDF_IO_QUEUE_IO_READ | null = null;
  EvtIoWrite: EVT_WDF_IO_QUEUE_IO_WRITE | null = null;
  EvtIoDeviceControl: EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL | null = null;
  EvtIoInternalDeviceControl: EVT_WDF_IO_QUEUE_IO_INTERNAL_DEVICE_CONTROL | null = null;
  EvtIoStop: EVT_WDF_IO_QUEUE_IO_STOP | null = null;
  EvtIoResume: EVT_WDF_IO_QUEUE_IO_RESUME | null = null;
  EvtIoCanceledOnQueue: EVT_WDF_IO_QUEUE_IO_CANCELED_ON_QUEUE | null = null;
  readonly Settings = { Parallel: { NumberOfPresentedRequests: 0 } };
}
export type PWDF_IO_QUEUE_CONFIG = WDF_IO_QUEUE_CONFIG;

/** The structure's size in the 1.33 headers (x64), which the DDI checks as WDF does. */
export const WDF_IO_QUEUE_CONFIG_SIZE = 0x50;

/** `WDF_IO_QUEUE_CONFIG_INIT`: a non-default queue; a parallel one presents any number of requests (ULONG -1). */
export function WDF_IO_QUEUE_CONFIG_INIT(Config: WDF_IO_QUEUE_CONFIG, DispatchType: WDF_IO_QUEUE_DISPATCH_TYPE): void {
  Object.assign(Config, new WDF_IO_QUEUE_CONFIG());
  Config.Settings.Parallel.NumberOfPresentedRequests = DispatchType === WdfIoQueueDispatchParallel ? 0xffffffff : 0;
  Config.Size = WDF_IO_QUEUE_CONFIG_SIZE;
  Config.PowerManaged = WdfUseDefault;
  Config.DispatchType = DispatchType;
}

/** `WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE`: as WDF_IO_QUEUE_CONFIG_INIT, and the device's default queue. */
export function WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(Config: WDF_IO_QUEUE_CONFIG, DispatchType: WDF_IO_QUEUE_DISPATCH_TYPE): void {
  WDF_IO_QUEUE_CONFIG_INIT(Config, DispatchType);
  Config.DefaultQueue = true;
}
