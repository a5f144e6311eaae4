/**
 * filter.c of WDK general/toaster/toastDrv/kmdf/filter/sideband: the generic filter's shape (a
 * filter device per toaster that passes everything down) plus one control device,
 * `\Device\ToasterFilter` with the link `\DosDevices\ToasterFilter`, through which an application
 * talks to the filter "sideband" without going through the toaster's stack. The control device is
 * created with the first filter instance and deleted with the last; the filter devices are kept
 * in a WDFCOLLECTION guarded by a WDFWAITLOCK. The sample's globals (the collection, its lock and
 * the control device) are per driver instance here: each machine loads its own.
 *
 * One difference: EvtDriverDeviceAdd and EvtCleanupCallback cannot wait in wdfjs (they return a
 * status or nothing, and run inside the framework's AddDevice and delete), so they touch the
 * collection without the wait lock. Both run on the PnP manager's one worker thread, so they never
 * race each other; the control device's EvtIoDeviceControl, which may wait, takes the lock.
 */
import {
  DevicePropertyUINumber, ExAllocatePool2, ExFreePoolWithTag, IoGetDeviceProperty, NT_SUCCESS, Out, POOL_FLAG_NON_PAGED, POOL_TAG, ReadBytes,
  STATUS_INSUFFICIENT_RESOURCES, STATUS_SUCCESS, type Box, type DRIVER_OBJECT, type KWAIT_GENERATOR, type NTSTATUS,
} from "@wdfjs/kernel";
import {
  WDF_DECLARE_CONTEXT_TYPE_WITH_NAME, WDF_DRIVER_CONFIG, WDF_DRIVER_CONFIG_INIT, WDF_IO_QUEUE_CONFIG, WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE, WDF_OBJECT_ATTRIBUTES,
  WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE, WdfCollectionAdd, WdfCollectionCreate, WdfCollectionGetCount, WdfCollectionGetItem, WdfCollectionRemove,
  WdfControlDeviceInitAllocate, WdfControlFinishInitializing, WdfDeviceCreate, WdfDeviceCreateSymbolicLink, WdfDeviceInitAssignName, WdfDeviceInitFree,
  WdfDeviceInitSetExclusive, WdfDriverCreate, WdfFdoInitSetFilter, WdfFdoInitWdmGetPhysicalDevice, WdfGetDriver, WdfIoQueueCreate, WdfIoQueueDispatchSequential,
  WdfObjectDelete, WdfRequestCompleteWithInformation, WdfWaitLockAcquire, WdfWaitLockCreate, WdfWaitLockRelease, type PWDFDEVICE_INIT, type WDFCOLLECTION,
  type WDFDEVICE, type WDFDRIVER, type WDFOBJECT, type WDFQUEUE, type WDFREQUEST, type WDFWAITLOCK,
} from "@wdfjs/kmdf";
import type { KmdfToasterLog } from "./log.js";

/** filter.h: the control device's name and link. */
export const NTDEVICE_NAME_STRING = "\\Device\\ToasterFilter";
export const SYMBOLIC_NAME_STRING = "\\DosDevices\\ToasterFilter";
/** wdmsec.h's SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_RW_RES_R. */
const SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_RW_RES_R = "D:P(A;;GA;;;SY)(A;;GRGWGX;;;BA)(A;;GRGW;;;WD)(A;;GR;;;RC)";

/** filter.h's FILTER_EXTENSION (sideband): the toaster's serial number, as its bus reports the UI number. */
export class SIDEBAND_FILTER_EXTENSION {
  SerialNo = 0;
}
export const SidebandFilterGetData = WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(SIDEBAND_FILTER_EXTENSION, "FilterGetData");

/** filter.h's CONTROL_DEVICE_EXTENSION. */
export class CONTROL_DEVICE_EXTENSION {
  ControlData: unknown = null;
}
export const ControlGetData = WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(CONTROL_DEVICE_EXTENSION, "ControlGetData");

/**
 * `WdfFdoInitQueryProperty` for a ULONG property, which @wdfjs/kmdf does not have yet: the
 * PnP manager's IoGetDeviceProperty on the PDO under the device being added.
 */
function FilterQueryULongProperty(DeviceInit: PWDFDEVICE_INIT, DeviceProperty: number, Value: Box<number>): NTSTATUS {
  const tag = POOL_TAG("SBnd");
  const buffer = ExAllocatePool2(POOL_FLAG_NON_PAGED, 4, tag);
  if (buffer === 0) return STATUS_INSUFFICIENT_RESOURCES;
  const returnSize = Out(0);
  const status = IoGetDeviceProperty(WdfFdoInitWdmGetPhysicalDevice(DeviceInit)!, DeviceProperty, 4, buffer, returnSize);
  if (NT_SUCCESS(status)) {
    const b = ReadBytes(buffer, 4);
    Value.value = (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
  }
  ExFreePoolWithTag(buffer, tag);
  return status;
}

/** The sideband filter's DriverEntry; `log` collects its KdPrint lines. */
export function SidebandFilterDriverEntry(log: KmdfToasterLog) {
  // The sample's globals, one set per loaded driver.
  let FilterDeviceCollection: WDFCOLLECTION | null = null;
  let FilterDeviceCollectionLock: WDFWAITLOCK | null = null;
  let ControlDevice: WDFDEVICE | null = null;

  /** FilterEvtDeviceAdd: a filter device, remembered in the collection; the first one creates the control device. */
  function FilterEvtDeviceAdd(_Driver: WDFDRIVER, DeviceInit: PWDFDEVICE_INIT): NTSTATUS {
    const serialNo = Out(0);
    let status = FilterQueryULongProperty(DeviceInit, DevicePropertyUINumber, serialNo);
    if (!NT_SUCCESS(status)) log.add("sideband Failed to get the property of PDO");
    WdfFdoInitSetFilter(DeviceInit);
    const deviceAttributes = new WDF_OBJECT_ATTRIBUTES();
    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(deviceAttributes, SIDEBAND_FILTER_EXTENSION);
    // The last instance to go deletes the control device, or the driver could never unload.
    deviceAttributes.EvtCleanupCallback = FilterEvtDeviceContextCleanup;
    const hDevice = Out<WDFDEVICE | null>(null);
    status = WdfDeviceCreate(Out(DeviceInit), deviceAttributes, hDevice);
    if (!NT_SUCCESS(status)) return status;
    const device = hDevice.value!;
    SidebandFilterGetData(device)!.SerialNo = serialNo.value;
    // WdfCollectionAdd references the device until WdfCollectionRemove (see the note above about the lock).
    status = WdfCollectionAdd(FilterDeviceCollection!, device);
    if (!NT_SUCCESS(status)) log.add(`sideband WdfCollectionAdd failed with status code 0x${(status >>> 0).toString(16)}`);
    status = FilterCreateControlDevice(device);
    if (!NT_SUCCESS(status)) {
      // No control device is no reason to fail the toaster's AddDevice.
      log.add(`sideband FilterCreateControlDevice failed with status 0x${(status >>> 0).toString(16)}`);
    }
    return STATUS_SUCCESS;
  }

  /** FilterEvtDeviceContextCleanup: the filter device is deleted; the last one deletes the control device too. */
  function FilterEvtDeviceContextCleanup(Device: WDFOBJECT): void {
    log.add("sideband Entered FilterEvtDeviceContextCleanup");
    if (WdfCollectionGetCount(FilterDeviceCollection!) === 1) FilterDeleteControlDevice(Device as WDFDEVICE);
    WdfCollectionRemove(FilterDeviceCollection!, Device);
  }

  /** FilterCreateControlDevice: only when this is the first filter device: the control device, its link and a sequential queue. */
  function FilterCreateControlDevice(_Device: WDFDEVICE): NTSTATUS {
    if (WdfCollectionGetCount(FilterDeviceCollection!) !== 1) return STATUS_SUCCESS;
    log.add("sideband Creating Control Device");
    const pInit = Out<PWDFDEVICE_INIT>(WdfControlDeviceInitAllocate(WdfGetDriver()!, SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_RW_RES_R));
    if (pInit.value === null) return STATUS_INSUFFICIENT_RESOURCES;
    let controlDevice: WDFDEVICE | null = null;
    const fail = (status: NTSTATUS): NTSTATUS => {
      if (pInit.value !== null) WdfDeviceInitFree(pInit.value);
      if (controlDevice !== null) WdfObjectDelete(controlDevice);
      return status;
    };
    // Not exclusive: several applications may talk to the control device at once.
    WdfDeviceInitSetExclusive(pInit.value, false);
    let status = WdfDeviceInitAssignName(pInit.value, NTDEVICE_NAME_STRING);
    if (!NT_SUCCESS(status)) return fail(status);
    const controlAttributes = new WDF_OBJECT_ATTRIBUTES();
    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(controlAttributes, CONTROL_DEVICE_EXTENSION);
    const hControl = Out<WDFDEVICE | null>(null);
    status = WdfDeviceCreate(pInit, controlAttributes, hControl);
    if (!NT_SUCCESS(status)) return fail(status);
    pInit.value = null;
    controlDevice = hControl.value;
    status = WdfDeviceCreateSymbolicLink(controlDevice!, SYMBOLIC_NAME_STRING);
    if (!NT_SUCCESS(status)) return fail(status);
    // Sequential: the control device's IOCTLs come one at a time.
    const ioQueueConfig = new WDF_IO_QUEUE_CONFIG();
    WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(ioQueueConfig, WdfIoQueueDispatchSequential);
    ioQueueConfig.EvtIoDeviceControl = FilterEvtIoDeviceControl;
    const queue = Out<WDFQUEUE | null>(null);
    status = WdfIoQueueCreate(controlDevice!, ioQueueConfig, null, queue);
    if (!NT_SUCCESS(status)) return fail(status);
    // A control device takes no I/O until it says it is ready.
    WdfControlFinishInitializing(controlDevice!);
    ControlDevice = controlDevice;
    return STATUS_SUCCESS;
  }

  /** FilterDeleteControlDevice: a control device is the driver's to delete. */
  function FilterDeleteControlDevice(_Device: WDFDEVICE): void {
    log.add("sideband Deleting Control Device");
    if (ControlDevice !== null) {
      WdfObjectDelete(ControlDevice);
      ControlDevice = null;
    }
  }

  /** FilterEvtIoDeviceControl (the control device's, PASSIVE_LEVEL): walk the filter devices under the lock; every IOCTL succeeds. */
  function* FilterEvtIoDeviceControl(_Queue: WDFQUEUE, Request: WDFREQUEST, _OutputBufferLength: number, _InputBufferLength: number, _IoControlCode: number): KWAIT_GENERATOR<void> {
    log.add("sideband Ioctl received into filter control object.");
    yield* WdfWaitLockAcquire(FilterDeviceCollectionLock!, null);
    const noItems = WdfCollectionGetCount(FilterDeviceCollection!);
    for (let i = 0; i < noItems; i++) {
      const hFilterDevice = WdfCollectionGetItem(FilterDeviceCollection!, i) as WDFDEVICE;
      log.add(`sideband Serial No: ${SidebandFilterGetData(hFilterDevice)!.SerialNo}`);
    }
    WdfWaitLockRelease(FilterDeviceCollectionLock!);
    WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, 0);
  }

  return function DriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
    log.add("sideband DriverEntry: Toaster SideBand Filter Driver Sample - Driver Framework Edition.");
    const config = new WDF_DRIVER_CONFIG();
    WDF_DRIVER_CONFIG_INIT(config, FilterEvtDeviceAdd);
    let status = WdfDriverCreate(DriverObject, RegistryPath, null, config, null);
    if (!NT_SUCCESS(status)) return status;
    // One collection for all instances, so the control device's callbacks can reach each; the driver is its parent.
    const collection = Out<WDFCOLLECTION | null>(null);
    status = WdfCollectionCreate(null, collection);
    if (!NT_SUCCESS(status)) return status;
    FilterDeviceCollection = collection.value;
    const lock = Out<WDFWAITLOCK | null>(null);
    status = WdfWaitLockCreate(null, lock);
    if (!NT_SUCCESS(status)) return status;
    FilterDeviceCollectionLock = lock.value;
    return status;
  };
}
