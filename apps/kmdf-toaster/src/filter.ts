/**
 * filter.c of WDK general/toaster/toastDrv/kmdf/filter/generic: a KMDF upper filter. It creates a
 * filter device (WdfFdoInitSetFilter) with a default parallel queue that takes only device I/O
 * controls and forwards each to the device below: by default with send-and-forget
 * (FilterForwardRequest), or, when the sample is built with FORWARD_REQUEST_WITH_COMPLETION, after
 * formatting it for the next location with a completion routine that completes it with the lower
 * driver's status (FilterForwardRequestWithCompletionRoutine). Every other request type goes down
 * untouched: a filter's framework passes on what it has no queue for.
 */
import { NT_SUCCESS, Out, STATUS_SUCCESS, type DRIVER_OBJECT, type NTSTATUS } from "@wdfjs/kernel";
import {
  WDF_DECLARE_CONTEXT_TYPE_WITH_NAME, WDF_DRIVER_CONFIG, WDF_DRIVER_CONFIG_INIT, WDF_IO_QUEUE_CONFIG, WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE,
  WDF_OBJECT_ATTRIBUTES, WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE, WDF_REQUEST_SEND_OPTIONS, WDF_REQUEST_SEND_OPTIONS_INIT,
  WDF_REQUEST_SEND_OPTION_SEND_AND_FORGET, WdfDeviceCreate, WdfDeviceGetIoTarget, WdfDriverCreate, WdfFdoInitSetFilter, WdfIoQueueCreate,
  WdfIoQueueDispatchParallel, WdfIoQueueGetDevice, WdfRequestComplete, WdfRequestFormatRequestUsingCurrentType, WdfRequestGetStatus, WdfRequestSend,
  WdfRequestSetCompletionRoutine, type PWDF_REQUEST_COMPLETION_PARAMS, type PWDFDEVICE_INIT, type WDFDEVICE, type WDFDRIVER, type WDFIOTARGET,
  type WDFQUEUE, type WDFREQUEST,
} from "@wdfjs/kmdf";

/** filter.h's FILTER_EXTENSION: the filter device's context. */
export class FILTER_EXTENSION {
  /** Requests this instance forwarded (a count the sample's WMI would show; here for tests). */
  Forwarded = 0;
}
export const FilterGetData = WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(FILTER_EXTENSION, "FilterGetData");

export interface FilterOptions {
  /** Build the sample with `FORWARD_REQUEST_WITH_COMPLETION` (default: send-and-forget). */
  readonly FORWARD_REQUEST_WITH_COMPLETION?: boolean;
}

/** The generic KMDF filter's DriverEntry. */
export function FilterDriverEntry(options: FilterOptions = {}) {
  const FORWARD_REQUEST_WITH_COMPLETION = options.FORWARD_REQUEST_WITH_COMPLETION ?? false;

  function FilterEvtDeviceAdd(_Driver: WDFDRIVER, DeviceInit: PWDFDEVICE_INIT): NTSTATUS {
    // Tell the framework this is a filter: what it has no queue for goes down untouched.
    WdfFdoInitSetFilter(DeviceInit);
    const deviceAttributes = new WDF_OBJECT_ATTRIBUTES();
    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(deviceAttributes, FILTER_EXTENSION);
    const device = Out<WDFDEVICE | null>(null);
    let status = WdfDeviceCreate(Out(DeviceInit), deviceAttributes, device);
    if (!NT_SUCCESS(status)) return status;
    const ioQueueConfig = new WDF_IO_QUEUE_CONFIG();
    WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(ioQueueConfig, WdfIoQueueDispatchParallel);
    ioQueueConfig.EvtIoDeviceControl = FilterEvtIoDeviceControl;
    status = WdfIoQueueCreate(device.value!, ioQueueConfig, null, null);
    return status;
  }

  function FilterEvtIoDeviceControl(Queue: WDFQUEUE, Request: WDFREQUEST, _OutputBufferLength: number, _InputBufferLength: number, _IoControlCode: number): void {
    const device = WdfIoQueueGetDevice(Queue)!;
    FilterGetData(device)!.Forwarded++;
    if (FORWARD_REQUEST_WITH_COMPLETION) FilterForwardRequestWithCompletionRoutine(Request, WdfDeviceGetIoTarget(device)!);
    else FilterForwardRequest(Request, WdfDeviceGetIoTarget(device)!);
  }

  return function DriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
    const config = new WDF_DRIVER_CONFIG();
    WDF_DRIVER_CONFIG_INIT(config, FilterEvtDeviceAdd);
    const status = WdfDriverCreate(DriverObject, RegistryPath, null, config, null);
    return NT_SUCCESS(status) ? STATUS_SUCCESS : status;
  };
}

/** Passes a request on to the lower driver and forgets it. */
function FilterForwardRequest(Request: WDFREQUEST, Target: WDFIOTARGET): void {
  const options = new WDF_REQUEST_SEND_OPTIONS();
  WDF_REQUEST_SEND_OPTIONS_INIT(options, WDF_REQUEST_SEND_OPTION_SEND_AND_FORGET);
  const ret = WdfRequestSend(Request, Target, options);
  if (ret === false) {
    const status = WdfRequestGetStatus(Request);
    WdfRequestComplete(Request, status);
  }
}

/** Forwards a request so that the filter regains control when the lower driver completes it. */
function FilterForwardRequestWithCompletionRoutine(Request: WDFREQUEST, Target: WDFIOTARGET): void {
  WdfRequestFormatRequestUsingCurrentType(Request);
  WdfRequestSetCompletionRoutine(Request, FilterRequestCompletionRoutine, null);
  const ret = WdfRequestSend(Request, Target, null);
  if (ret === false) {
    const status = WdfRequestGetStatus(Request);
    WdfRequestComplete(Request, status);
  }
}

function FilterRequestCompletionRoutine(Request: WDFREQUEST, _Target: WDFIOTARGET, CompletionParams: PWDF_REQUEST_COMPLETION_PARAMS, _Context: unknown): void {
  WdfRequestComplete(Request, CompletionParams!.IoStatus.Status);
}
