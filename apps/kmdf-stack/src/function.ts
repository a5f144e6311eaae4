/**
 * kstackfunc.sys: the KMDF function driver of the three-deep KMDF stack, answering the WDM stack
 * sample's IOCTLs as stackfunction.sys does (`@wdfjs/sample-wdm-stack`): IOCTL_STACK_COPY (the
 * buffered input is the output: Information = min(in, out)) and IOCTL_STACK_ECHO (the input
 * reversed). Everything else is STATUS_INVALID_DEVICE_REQUEST. A default parallel queue, the
 * framework's PnP and power defaults, a device interface for the client to open.
 */
import { NT_SUCCESS, Out, ReadBytes, STATUS_INVALID_DEVICE_REQUEST, STATUS_SUCCESS, WriteBytes, type DRIVER_OBJECT, type NTSTATUS } from "@wdfjs/kernel";
import {
  WDF_DRIVER_CONFIG, WDF_DRIVER_CONFIG_INIT, WDF_IO_QUEUE_CONFIG, WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE, WdfDeviceCreate, WdfDeviceCreateDeviceInterface,
  WdfDriverCreate, WdfIoQueueCreate, WdfIoQueueDispatchParallel, WdfRequestComplete, WdfRequestCompleteWithInformation, WdfRequestRetrieveInputBuffer,
  WdfRequestRetrieveOutputBuffer, type PWDFDEVICE_INIT, type WDFDEVICE, type WDFDRIVER, type WDFQUEUE, type WDFREQUEST,
} from "@wdfjs/kmdf";
import { IOCTL_STACK_COPY, IOCTL_STACK_ECHO } from "@wdfjs/sample-wdm-stack";

/** The KMDF stack's device interface: what the client opens. */
export const GUID_DEVINTERFACE_KSTACK = "{5c1d0f8e-2b3a-4c77-9e61-0a9d2f4b7c10}";

function KStackEvtIoDeviceControl(_Queue: WDFQUEUE, Request: WDFREQUEST, OutputBufferLength: number, InputBufferLength: number, IoControlCode: number): void {
  if (IoControlCode === IOCTL_STACK_COPY) {
    // METHOD_BUFFERED: the input already lies in the buffer the output is copied from.
    WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, InputBufferLength < OutputBufferLength ? InputBufferLength : OutputBufferLength);
    return;
  }
  if (IoControlCode === IOCTL_STACK_ECHO) {
    const input = Out(0);
    const output = Out(0);
    let status = WdfRequestRetrieveInputBuffer(Request, 1, input, null);
    if (NT_SUCCESS(status)) status = WdfRequestRetrieveOutputBuffer(Request, 1, output, null);
    if (!NT_SUCCESS(status)) {
      WdfRequestComplete(Request, status);
      return;
    }
    const n = InputBufferLength < OutputBufferLength ? InputBufferLength : OutputBufferLength;
    WriteBytes(output.value, ReadBytes(input.value, n).reverse());
    WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, n);
    return;
  }
  WdfRequestComplete(Request, STATUS_INVALID_DEVICE_REQUEST);
}

function KStackEvtDeviceAdd(_Driver: WDFDRIVER, DeviceInit: PWDFDEVICE_INIT): NTSTATUS {
  const device = Out<WDFDEVICE | null>(null);
  let status = WdfDeviceCreate(Out(DeviceInit), null, device);
  if (!NT_SUCCESS(status)) return status;
  status = WdfDeviceCreateDeviceInterface(device.value!, GUID_DEVINTERFACE_KSTACK, null);
  if (!NT_SUCCESS(status)) return status;
  const queueConfig = new WDF_IO_QUEUE_CONFIG();
  WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(queueConfig, WdfIoQueueDispatchParallel);
  queueConfig.EvtIoDeviceControl = KStackEvtIoDeviceControl;
  return WdfIoQueueCreate(device.value!, queueConfig, null, null);
}

/** kstackfunc.sys's DriverEntry. */
export function KStackFunctionDriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
  const config = new WDF_DRIVER_CONFIG();
  WDF_DRIVER_CONFIG_INIT(config, KStackEvtDeviceAdd);
  return WdfDriverCreate(DriverObject, RegistryPath, null, config, null);
}
