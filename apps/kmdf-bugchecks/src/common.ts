/**
 * What every broken KMDF driver here shares and gets right: a non-PnP driver (WdfDriverCreate with
 * WdfDriverInitNonPnpDriver, as the WDK's nonpnp sample) with one control device `\Device\<name>`,
 * its `\DosDevices\<name>` link, buffered I/O, and a sequential default queue whose
 * EvtIoDeviceControl answers IOCTL_BUG_PING itself and hands everything else to the driver's own
 * handler, where its bug is (on IOCTL_BUG_TRIGGER, and IOCTL_BUG_TRIGGER_2 where a driver shows
 * two ways to the same rule).
 */
import { CTL_CODE, FILE_ANY_ACCESS, FILE_DEVICE_UNKNOWN, METHOD_BUFFERED, NT_SUCCESS, Out, STATUS_SUCCESS, type Box, type DRIVER_OBJECT, type NTSTATUS } from "@wdfjs/kernel";
import {
  WDF_DECLARE_CONTEXT_TYPE_WITH_NAME, WDF_DRIVER_CONFIG, WDF_DRIVER_CONFIG_INIT, WDF_IO_QUEUE_CONFIG, WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE,
  WDF_OBJECT_ATTRIBUTES, WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE, WdfControlDeviceInitAllocate, WdfControlFinishInitializing, WdfDeviceCreate,
  WdfDeviceCreateSymbolicLink, WdfDeviceInitAssignName, WdfDeviceInitFree, WdfDeviceInitSetIoType, WdfDeviceIoBuffered, WdfDriverCreate,
  WdfDriverInitNonPnpDriver, WdfIoQueueCreate, WdfIoQueueDispatchSequential, WdfIoQueueGetDevice, WdfRequestComplete, type PWDFDEVICE_INIT,
  type WDFDEVICE, type WDFDRIVER, type WDFQUEUE, type WDFREQUEST,
} from "@wdfjs/kmdf";
import type { WDF_SYNCHRONIZATION_SCOPE } from "@wdfjs/framework";

/** Completes with STATUS_SUCCESS and no data: the request that always works. */
export const IOCTL_BUG_PING = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS);
/** Walks into the driver's bug. */
export const IOCTL_BUG_TRIGGER = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS);
/** A second way into the same rule, where a driver has one. */
export const IOCTL_BUG_TRIGGER_2 = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x802, METHOD_BUFFERED, FILE_ANY_ACCESS);

/** The device context every driver here keeps: what its last trigger touched, for the tests to compare with the bug check. */
export class BUG_DEVICE_CONTEXT {
  /** The WDFREQUEST the last trigger handled. */
  LastRequest = 0;
  /** The framework object the last trigger created or deleted. */
  LastObject = 0;
}
export const BugGetContext = WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(BUG_DEVICE_CONTEXT, "BugGetContext");

/** A driver's own EvtIoDeviceControl for everything but IOCTL_BUG_PING. */
export type BugControl = (Device: WDFDEVICE, Request: WDFREQUEST, OutputBufferLength: number, InputBufferLength: number, IoControlCode: number) => void;

/**
 * The DriverEntry every driver here has: the driver, the control device with its context, link
 * and default queue. `onControl` gets every device control but IOCTL_BUG_PING. `Device` receives the
 * WDFDEVICE; `DeviceInit` the variable that held the init (WdfDeviceCreate sets it to NULL);
 * `SynchronizationScope` the device's (and so its default queue's), when not the driver's default.
 */
export function BugDriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string, name: string, onControl: BugControl, Device: Box<WDFDEVICE | null> | null = null,
  DeviceInit: Box<Box<PWDFDEVICE_INIT> | null> | null = null, SynchronizationScope: WDF_SYNCHRONIZATION_SCOPE | null = null): NTSTATUS {
  const config = new WDF_DRIVER_CONFIG();
  WDF_DRIVER_CONFIG_INIT(config, null);
  config.DriverInitFlags |= WdfDriverInitNonPnpDriver;
  config.EvtDriverUnload = (_Driver: WDFDRIVER) => {};
  const driver = Out<WDFDRIVER | null>(null);
  let status = WdfDriverCreate(DriverObject, RegistryPath, null, config, driver);
  if (!NT_SUCCESS(status)) return status;

  const init = Out<PWDFDEVICE_INIT>(WdfControlDeviceInitAllocate(driver.value!, "D:P(A;;GA;;;SY)(A;;GA;;;BA)(A;;GA;;;WD)"));
  if (DeviceInit !== null) DeviceInit.value = init;
  status = WdfDeviceInitAssignName(init.value, `\\Device\\${name}`);
  if (!NT_SUCCESS(status)) {
    WdfDeviceInitFree(init.value);
    return status;
  }
  WdfDeviceInitSetIoType(init.value, WdfDeviceIoBuffered);
  const attributes = new WDF_OBJECT_ATTRIBUTES();
  WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(attributes, BUG_DEVICE_CONTEXT);
  if (SynchronizationScope !== null) attributes.SynchronizationScope = SynchronizationScope;
  const device = Out<WDFDEVICE | null>(null);
  status = WdfDeviceCreate(init, attributes, device);
  if (!NT_SUCCESS(status)) {
    WdfDeviceInitFree(init.value);
    return status;
  }
  status = WdfDeviceCreateSymbolicLink(device.value!, `\\DosDevices\\${name}`);
  if (!NT_SUCCESS(status)) return status;

  const queueConfig = new WDF_IO_QUEUE_CONFIG();
  WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(queueConfig, WdfIoQueueDispatchSequential);
  queueConfig.EvtIoDeviceControl = (Queue: WDFQUEUE, Request: WDFREQUEST, OutputBufferLength: number, InputBufferLength: number, IoControlCode: number) => {
    if (IoControlCode === IOCTL_BUG_PING) {
      WdfRequestComplete(Request, STATUS_SUCCESS);
      return;
    }
    onControl(WdfIoQueueGetDevice(Queue)!, Request, OutputBufferLength, InputBufferLength, IoControlCode);
  };
  status = WdfIoQueueCreate(device.value!, queueConfig, null, null);
  if (!NT_SUCCESS(status)) return status;
  WdfControlFinishInitializing(device.value!);
  if (Device !== null) Device.value = device.value;
  return STATUS_SUCCESS;
}
