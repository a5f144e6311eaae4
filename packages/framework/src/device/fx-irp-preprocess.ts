import {
  IoCompleteRequest, IoGetCurrentIrpStackLocation, IoMarkIrpPending, IoSetNextIrpStackLocation, IO_NO_INCREMENT, IRP_MJ_MAXIMUM_FUNCTION, STATUS_INVALID_DEVICE_REQUEST,
  STATUS_INVALID_PARAMETER, STATUS_PENDING, STATUS_SUCCESS, type IRP, type KWAIT_GENERATOR, type NTSTATUS,
} from "@wdfjs/kernel";
import type { WDFDEVICE } from "../object/handles.js";
import type { FxDeviceInit } from "./fx-device-init.js";
import type { FxDevice } from "./fx-device.js";
import { FxRequest } from "../io/fx-request.js";
import type { FxIoQueue } from "../io/fx-io-queue.js";

/** `EVT_WDFDEVICE_WDM_IRP_PREPROCESS`: sees the IRP before the framework; returns what the dispatch routine returns. */
export type EVT_WDFDEVICE_WDM_IRP_PREPROCESS = (Device: WDFDEVICE, Irp: IRP) => NTSTATUS | KWAIT_GENERATOR<NTSTATUS>;
export type PFN_WDFDEVICE_WDM_IRP_PREPROCESS = EVT_WDFDEVICE_WDM_IRP_PREPROCESS;

/** `WDF_DISPATCH_IRP_TO_IO_QUEUE_FLAGS` (wdfdevice.h). */
export const WDF_DISPATCH_IRP_TO_IO_QUEUE_NO_FLAGS = 0x0;
export const WDF_DISPATCH_IRP_TO_IO_QUEUE_INVOKE_INCALLERCTX_CALLBACK = 0x1;
export const WDF_DISPATCH_IRP_TO_IO_QUEUE_PREPROCESSED_IRP = 0x2;

/** `FxIrpPreprocessInfo`: per major function, the driver's preprocess callback and the minor functions it wants (none listed: all). */
export class FxIrpPreprocessInfo {
  readonly Dispatch: ({ EvtDevicePreprocess: EVT_WDFDEVICE_WDM_IRP_PREPROCESS; MinorFunctions: number[] } | undefined)[] = [];
}

/**
 * `WdfDeviceInitAssignWdmIrpPreprocessCallback` (fxdeviceinitapi.cpp): a major function beyond
 * IRP_MJ_MAXIMUM_FUNCTION is STATUS_INVALID_PARAMETER; minor functions for a major that has some
 * already, STATUS_INVALID_DEVICE_REQUEST; the callback replaces an earlier one.
 */
export function FxDeviceInitAssignWdmIrpPreprocessCallback(
  Init: FxDeviceInit, Callback: EVT_WDFDEVICE_WDM_IRP_PREPROCESS, MajorFunction: number, MinorFunctions: readonly number[],
): NTSTATUS {
  if (MajorFunction > IRP_MJ_MAXIMUM_FUNCTION) return STATUS_INVALID_PARAMETER;
  const info = (Init.PreprocessInfo ??= new FxIrpPreprocessInfo());
  const entry = (info.Dispatch[MajorFunction] ??= { EvtDevicePreprocess: Callback, MinorFunctions: [] });
  if (MinorFunctions.length > 0) {
    if (entry.MinorFunctions.length !== 0) return STATUS_INVALID_DEVICE_REQUEST;
    entry.MinorFunctions.push(...MinorFunctions);
  }
  entry.EvtDevicePreprocess = Callback;
  return STATUS_SUCCESS;
}

/** `FxDevice::DispatchWorker`'s first step: the preprocess callback for the IRP's major (and minor) function, or null to go on. */
export function FxDevicePreprocess(Device: FxDevice, Irp: IRP): NTSTATUS | KWAIT_GENERATOR<NTSTATUS> | null {
  const sl = IoGetCurrentIrpStackLocation(Irp);
  const entry = Device.Init.PreprocessInfo?.Dispatch[sl.MajorFunction];
  if (entry === undefined || (entry.MinorFunctions.length > 0 && !entry.MinorFunctions.includes(sl.MinorFunction))) return null;
  const cb = entry.EvtDevicePreprocess;
  return Device.callDriver(() => cb(Device.handle as WDFDEVICE, Irp));
}

/**
 * `FxDevice::DispatchPreprocessedIrp`: as IoCallDriver, the caller skipped or copied its stack
 * location, so the framework steps back to it (IoSetNextIrpStackLocation) and handles the IRP.
 */
export function FxDeviceDispatchPreprocessedIrp(Device: FxDevice, Irp: IRP): NTSTATUS | KWAIT_GENERATOR<NTSTATUS> {
  IoSetNextIrpStackLocation(Irp);
  return Device.dispatchWorker(Irp);
}

/**
 * `WdfDeviceWdmDispatchIrpToIoQueue` (km/fxdeviceapikm.cpp): the IRP (from a preprocess routine:
 * the PREPROCESSED_IRP flag steps back its stack location) made a request and queued to Queue, as
 * `FxPkgIo::DispatchStep2` does. A queue of another device fails the IRP with STATUS_INVALID_DEVICE_REQUEST.
 */
export function FxDeviceDispatchIrpToIoQueue(Device: FxDevice, Irp: IRP, Queue: FxIoQueue, Flags: number): NTSTATUS {
  if ((Flags & WDF_DISPATCH_IRP_TO_IO_QUEUE_PREPROCESSED_IRP) !== 0) IoSetNextIrpStackLocation(Irp);
  if (Queue.device !== Device) {
    Irp.IoStatus.Status = STATUS_INVALID_DEVICE_REQUEST;
    Irp.IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_INVALID_DEVICE_REQUEST;
  }
  const request = FxRequest.forIrp(Irp);
  Queue.queueRequest(request);
  if (request.completed && !request.irpMarkedPending) return request.status;
  if (!request.irpMarkedPending) IoMarkIrpPending(Irp);
  return STATUS_PENDING;
}
