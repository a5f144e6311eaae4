/**
 * toaster.c of WDK general/toaster/toastDrv/kmdf/func/simple: the simplest KMDF function
 * driver for a toaster. It handles no PnP or power event itself (the framework's defaults do);
 * it registers the toaster interface and a default parallel queue for reads, writes and
 * IOCTLs, enough for toast.exe to open the device and read.
 */
import { NT_SUCCESS, Out, STATUS_INVALID_DEVICE_REQUEST, STATUS_SUCCESS, type DRIVER_OBJECT, type NTSTATUS } from "@wdfjs/kernel";
import {
  WDF_DECLARE_CONTEXT_TYPE_WITH_NAME, WDF_DRIVER_CONFIG, WDF_DRIVER_CONFIG_INIT, WDF_IO_QUEUE_CONFIG, WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE,
  WDF_OBJECT_ATTRIBUTES, WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE, WdfDeviceCreate, WdfDeviceCreateDeviceInterface, WdfDriverCreate, WdfIoQueueCreate,
  WdfIoQueueDispatchParallel, WdfRequestCompleteWithInformation, WdfRequestRetrieveInputMemory, WdfRequestRetrieveOutputMemory, type PWDFDEVICE_INIT,
  type WDFDEVICE, type WDFDRIVER, type WDFMEMORY, type WDFQUEUE, type WDFREQUEST,
} from "@wdfjs/kmdf";
import { GUID_DEVINTERFACE_TOASTER } from "@wdfjs/sample-wdm-toaster";
import type { KmdfToasterLog } from "./log.js";

/** toaster.h's FDO_DATA: the device context of the simple driver (its WMI fields are not ported). */
export class FDO_DATA {
  WdfDevice: WDFDEVICE | null = null;
}
export const ToasterFdoGetData = WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(FDO_DATA, "ToasterFdoGetData");

/** The simple toaster driver's DriverEntry, with a log of what it sees (the sample's KdPrint lines). */
export function ToasterSimpleDriverEntry(log: KmdfToasterLog) {
  function ToasterEvtDeviceAdd(_Driver: WDFDRIVER, DeviceInit: PWDFDEVICE_INIT): NTSTATUS {
    log.add("toaster ToasterEvtDeviceAdd");
    const fdoAttributes = new WDF_OBJECT_ATTRIBUTES();
    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(fdoAttributes, FDO_DATA);
    const hDevice = Out<WDFDEVICE | null>(null);
    let status = WdfDeviceCreate(Out(DeviceInit), fdoAttributes, hDevice);
    if (!NT_SUCCESS(status)) return status;
    ToasterFdoGetData(hDevice.value!)!.WdfDevice = hDevice.value;
    // Tell the framework the device implements the toaster interface, so toast.exe can find it.
    status = WdfDeviceCreateDeviceInterface(hDevice.value!, GUID_DEVINTERFACE_TOASTER, null);
    if (!NT_SUCCESS(status)) return status;
    const queueConfig = new WDF_IO_QUEUE_CONFIG();
    WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(queueConfig, WdfIoQueueDispatchParallel);
    queueConfig.EvtIoRead = ToasterEvtIoRead;
    queueConfig.EvtIoWrite = ToasterEvtIoWrite;
    queueConfig.EvtIoDeviceControl = ToasterEvtIoDeviceControl;
    const queue = Out<WDFQUEUE | null>(null);
    return WdfIoQueueCreate(hDevice.value!, queueConfig, null, queue);
  }

  /** Reads succeed with no data: the framework already completed zero-length ones. */
  function ToasterEvtIoRead(_Queue: WDFQUEUE, Request: WDFREQUEST, Length: number): void {
    log.add(`toaster ToasterEvtIoRead ${Length}`);
    const memory = Out<WDFMEMORY | null>(null);
    const status = WdfRequestRetrieveOutputMemory(Request, memory);
    WdfRequestCompleteWithInformation(Request, status, 0);
  }

  /** Writes succeed with every byte taken. */
  function ToasterEvtIoWrite(_Queue: WDFQUEUE, Request: WDFREQUEST, Length: number): void {
    log.add(`toaster ToasterEvtIoWrite ${Length}`);
    const memory = Out<WDFMEMORY | null>(null);
    const status = WdfRequestRetrieveInputMemory(Request, memory);
    WdfRequestCompleteWithInformation(Request, status, NT_SUCCESS(status) ? Length : 0);
  }

  /** The simple driver supports no IOCTL. */
  function ToasterEvtIoDeviceControl(_Queue: WDFQUEUE, Request: WDFREQUEST, _OutputBufferLength: number, _InputBufferLength: number, IoControlCode: number): void {
    log.add(`toaster ToasterEvtIoDeviceControl 0x${(IoControlCode >>> 0).toString(16)}`);
    WdfRequestCompleteWithInformation(Request, STATUS_INVALID_DEVICE_REQUEST, 0);
  }

  return function DriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
    log.add("toaster DriverEntry");
    const config = new WDF_DRIVER_CONFIG();
    WDF_DRIVER_CONFIG_INIT(config, ToasterEvtDeviceAdd);
    const status = WdfDriverCreate(DriverObject, RegistryPath, null, config, null);
    return NT_SUCCESS(status) ? STATUS_SUCCESS : status;
  };
}
