/**
 * toaster.c of WDK general/toaster/toastDrv/kmdf/func/featured: the featured KMDF toaster
 * function driver. Beside what the simple driver does it registers PnP and power callbacks
 * (power.c: func-featured-power.ts), power-policy wake callbacks, file create and close
 * callbacks, an idle policy (IdleCannotWakeFromS0, 60 s) and Sx wake settings; in
 * SelfManagedIoInit it asks the bus for its direct-call interface; the hide IOCTL marks the
 * device "don't display in UI". The sample's WMI (ToasterWmiRegistration, the arrival event)
 * is not ported: wdfjs has no WMI yet. Its WPP recorder log is the KmdfToasterLog.
 */
import { NT_SUCCESS, Out, STATUS_INVALID_DEVICE_REQUEST, STATUS_SUCCESS, type DRIVER_OBJECT, type KWAIT_GENERATOR, type NTSTATUS } from "@wdfjs/kernel";
import {
  IdleCannotWakeFromS0, WDF_DEVICE_POWER_POLICY_IDLE_SETTINGS, WDF_DEVICE_POWER_POLICY_IDLE_SETTINGS_INIT,
  WDF_DEVICE_POWER_POLICY_WAKE_SETTINGS, WDF_DEVICE_POWER_POLICY_WAKE_SETTINGS_INIT, WDF_DEVICE_STATE, WDF_DEVICE_STATE_INIT, WDF_DRIVER_CONFIG,
  WDF_DRIVER_CONFIG_INIT, WDF_FILEOBJECT_CONFIG, WDF_FILEOBJECT_CONFIG_INIT, WDF_IO_QUEUE_CONFIG, WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE, WDF_OBJECT_ATTRIBUTES,
  WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE, WDF_PNPPOWER_EVENT_CALLBACKS, WDF_PNPPOWER_EVENT_CALLBACKS_INIT, WDF_POWER_POLICY_EVENT_CALLBACKS,
  WDF_POWER_POLICY_EVENT_CALLBACKS_INIT, WdfDeviceAssignS0IdleSettings, WdfDeviceAssignSxWakeSettings, WdfDeviceCreate, WdfDeviceCreateDeviceInterface,
  WdfDeviceInitSetFileObjectConfig, WdfDeviceInitSetPnpPowerEventCallbacks, WdfDeviceInitSetPowerPolicyEventCallbacks, WdfDeviceSetDeviceState, WdfDriverCreate,
  WdfFileObjectGetDevice, WdfIoQueueCreate, WdfIoQueueDispatchParallel, WdfIoQueueGetDevice, WdfRequestComplete, WdfRequestCompleteWithInformation,
  WdfRequestRetrieveInputMemory, WdfRequestRetrieveOutputMemory, WdfTrue, type PWDFDEVICE_INIT, type WDFCMRESLIST, type WDFDEVICE, type WDFDRIVER,
  type WDFFILEOBJECT, type WDFMEMORY, type WDFOBJECT, type WDFQUEUE, type WDFREQUEST,
  WdfFdoQueryForInterface,
} from "@wdfjs/kmdf";
import { GUID_DEVINTERFACE_TOASTER, IOCTL_TOASTER_DONT_DISPLAY_IN_UI_DEVICE } from "@wdfjs/sample-wdm-toaster";
import { FDO_DATA, ToasterFdoGetData, WppPrintDevice } from "./func-featured-data.js";
import { GUID_TOASTER_INTERFACE_STANDARD, TOASTER_INTERFACE_STANDARD_SIZE } from "./bus-interface.js";
import {
  ToasterEvtDeviceArmWakeFromS0, ToasterEvtDeviceArmWakeFromSx, ToasterEvtDeviceD0Entry, ToasterEvtDeviceD0Exit, ToasterEvtDeviceDisarmWakeFromS0,
  ToasterEvtDeviceDisarmWakeFromSx, ToasterEvtDeviceWakeFromS0Triggered, ToasterEvtDeviceWakeFromSxTriggered,
} from "./func-featured-power.js";
import type { KmdfToasterLog } from "./log.js";

/** The featured toaster driver's DriverEntry; `log` plays the sample's WPP recorder log. */
export function ToasterFeaturedDriverEntry(log: KmdfToasterLog) {
  function ToasterEvtDeviceAdd(_Driver: WDFDRIVER, DeviceInit: PWDFDEVICE_INIT): NTSTATUS {
    log.add("featured ToasterEvtDeviceAdd called");
    const pnpPowerCallbacks = new WDF_PNPPOWER_EVENT_CALLBACKS();
    WDF_PNPPOWER_EVENT_CALLBACKS_INIT(pnpPowerCallbacks);
    pnpPowerCallbacks.EvtDevicePrepareHardware = ToasterEvtDevicePrepareHardware;
    pnpPowerCallbacks.EvtDeviceReleaseHardware = ToasterEvtDeviceReleaseHardware;
    pnpPowerCallbacks.EvtDeviceSelfManagedIoInit = ToasterEvtDeviceSelfManagedIoInit;
    pnpPowerCallbacks.EvtDeviceD0Entry = ToasterEvtDeviceD0Entry;
    pnpPowerCallbacks.EvtDeviceD0Exit = ToasterEvtDeviceD0Exit;
    WdfDeviceInitSetPnpPowerEventCallbacks(DeviceInit, pnpPowerCallbacks);

    // Arm and disarm for wake from S0 and Sx alike, and hear when the wake signal fired.
    const powerPolicyCallbacks = new WDF_POWER_POLICY_EVENT_CALLBACKS();
    WDF_POWER_POLICY_EVENT_CALLBACKS_INIT(powerPolicyCallbacks);
    powerPolicyCallbacks.EvtDeviceArmWakeFromS0 = ToasterEvtDeviceArmWakeFromS0;
    powerPolicyCallbacks.EvtDeviceDisarmWakeFromS0 = ToasterEvtDeviceDisarmWakeFromS0;
    powerPolicyCallbacks.EvtDeviceWakeFromS0Triggered = ToasterEvtDeviceWakeFromS0Triggered;
    powerPolicyCallbacks.EvtDeviceArmWakeFromSx = ToasterEvtDeviceArmWakeFromSx;
    powerPolicyCallbacks.EvtDeviceDisarmWakeFromSx = ToasterEvtDeviceDisarmWakeFromSx;
    powerPolicyCallbacks.EvtDeviceWakeFromSxTriggered = ToasterEvtDeviceWakeFromSxTriggered;
    WdfDeviceInitSetPowerPolicyEventCallbacks(DeviceInit, powerPolicyCallbacks);

    // Create and close of every handle; cleanup is not interesting to this driver.
    const fileConfig = new WDF_FILEOBJECT_CONFIG();
    WDF_FILEOBJECT_CONFIG_INIT(fileConfig, ToasterEvtDeviceFileCreate, ToasterEvtFileClose, null);
    WdfDeviceInitSetFileObjectConfig(DeviceInit, fileConfig, null);

    const fdoAttributes = new WDF_OBJECT_ATTRIBUTES();
    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(fdoAttributes, FDO_DATA);
    // Runs when the framework deletes the device at IRP_MN_REMOVE_DEVICE.
    fdoAttributes.EvtCleanupCallback = ToasterEvtDeviceContextCleanup;
    const hDevice = Out<WDFDEVICE | null>(null);
    let status = WdfDeviceCreate(Out(DeviceInit), fdoAttributes, hDevice);
    if (!NT_SUCCESS(status)) return status;
    const device = hDevice.value!;
    // WppRecorderLogCreate: this device's lines go to the driver's log.
    ToasterFdoGetData(device)!.WppRecorderLog = log;

    status = WdfDeviceCreateDeviceInterface(device, GUID_DEVINTERFACE_TOASTER, null);
    if (!NT_SUCCESS(status)) {
      WppPrintDevice(device, `WdfDeviceCreateDeviceInterface failed 0x${(status >>> 0).toString(16)}`);
      return status;
    }

    // A parallel default queue; not a filter, so it is power-managed: no request reaches the
    // driver outside D0, and one arriving while idle in D3 powers the device up.
    const queueConfig = new WDF_IO_QUEUE_CONFIG();
    WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(queueConfig, WdfIoQueueDispatchParallel);
    queueConfig.EvtIoRead = ToasterEvtIoRead;
    queueConfig.EvtIoWrite = ToasterEvtIoWrite;
    queueConfig.EvtIoDeviceControl = ToasterEvtIoDeviceControl;
    const queue = Out<WDFQUEUE | null>(null);
    status = WdfIoQueueCreate(device, queueConfig, null, queue);
    if (!NT_SUCCESS(status)) {
      WppPrintDevice(device, `WdfIoQueueCreate failed 0x${(status >>> 0).toString(16)}`);
      return status;
    }

    // A virtual device cannot wake itself from S0: after 60 s without I/O it goes to D3 and only
    // new I/O brings it back.
    const idleSettings = new WDF_DEVICE_POWER_POLICY_IDLE_SETTINGS();
    WDF_DEVICE_POWER_POLICY_IDLE_SETTINGS_INIT(idleSettings, IdleCannotWakeFromS0);
    idleSettings.IdleTimeout = 60000;
    status = WdfDeviceAssignS0IdleSettings(device, idleSettings);
    if (!NT_SUCCESS(status)) {
      WppPrintDevice(device, `WdfDeviceAssignS0IdleSettings failed 0x${(status >>> 0).toString(16)}`);
      return status;
    }

    const wakeSettings = new WDF_DEVICE_POWER_POLICY_WAKE_SETTINGS();
    WDF_DEVICE_POWER_POLICY_WAKE_SETTINGS_INIT(wakeSettings);
    status = WdfDeviceAssignSxWakeSettings(device, wakeSettings);
    if (!NT_SUCCESS(status)) {
      // Probably a bus without Sx wake: not a reason to fail the device.
      WppPrintDevice(device, `WdfDeviceAssignSxWakeSettings failed 0x${(status >>> 0).toString(16)}`);
      status = STATUS_SUCCESS;
    }
    // ToasterWmiRegistration(device): WMI is not ported.
    return status;
  }

  return function DriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
    log.add("featured DriverEntry: WDF Toaster Function Driver Sample - Featured version");
    const config = new WDF_DRIVER_CONFIG();
    WDF_DRIVER_CONFIG_INIT(config, ToasterEvtDeviceAdd);
    config.EvtDriverUnload = ToasterEvtDriverUnload;
    return WdfDriverCreate(DriverObject, RegistryPath, null, config, null);
  };

  /** ToasterEvtDriverUnload: the sample cleans up WPP here. */
  function ToasterEvtDriverUnload(_Driver: WDFDRIVER): void {
    log.add("featured ToasterEvtDriverUnload called");
  }
}

/**
 * ToasterEvtDevicePrepareHardware: IRP_MN_START_DEVICE. The sample prints each translated
 * resource (a toaster on the toaster bus has none) and fires its WMI arrival event (not ported).
 */
function ToasterEvtDevicePrepareHardware(Device: WDFDEVICE, _ResourcesRaw: WDFCMRESLIST, _ResourcesTranslated: WDFCMRESLIST): NTSTATUS {
  WppPrintDevice(Device, "ToasterEvtDevicePrepareHardware called");
  return STATUS_SUCCESS;
}

/** ToasterEvtDeviceReleaseHardware: stop or remove; nothing was mapped, so nothing to unmap. */
function ToasterEvtDeviceReleaseHardware(Device: WDFDEVICE, _ResourcesTranslated: WDFCMRESLIST): NTSTATUS {
  WppPrintDevice(Device, "ToasterEvtDeviceReleaseHardware called");
  return STATUS_SUCCESS;
}

/**
 * ToasterEvtDeviceSelfManagedIoInit: once per start, after the first D0Entry. Asks the bus for
 * GUID_TOASTER_INTERFACE_STANDARD and uses it; a bus without it does not fail the start.
 */
function* ToasterEvtDeviceSelfManagedIoInit(Device: WDFDEVICE): KWAIT_GENERATOR<NTSTATUS> {
  const fdoData = ToasterFdoGetData(Device)!;
  WppPrintDevice(Device, "ToasterEvtDeviceSelfManagedIoInit called");
  const bus = fdoData.BusInterface;
  let status: NTSTATUS = yield* WdfFdoQueryForInterface(Device, GUID_TOASTER_INTERFACE_STANDARD, bus, TOASTER_INTERFACE_STANDARD_SIZE, 1, null);
  if (NT_SUCCESS(status)) {
    const context = bus.Context;
    const powerlevel = Out(0);
    bus.GetCrispinessLevel?.(context, powerlevel);
    bus.SetCrispinessLevel?.(context, 8);
    bus.IsSafetyLockEnabled?.(context);
    // The provider referenced the interface for us: release it as soon as we are done.
    bus.InterfaceDereference?.(context);
    WppPrintDevice(Device, `bus interface: crispiness ${powerlevel.value}, set to 8`);
  } else {
    // Loaded over a bus that is not the toaster bus (or one without the interface): go on.
    WppPrintDevice(Device, `no bus interface (0x${(status >>> 0).toString(16)})`);
    status = STATUS_SUCCESS;
  }
  return status;
}

/** ToasterEvtDeviceContextCleanup: the device is being deleted (IRP_MN_REMOVE_DEVICE). */
function ToasterEvtDeviceContextCleanup(Device: WDFOBJECT): void {
  const fdoData = ToasterFdoGetData(Device as WDFDEVICE)!;
  WppPrintDevice(Device as WDFDEVICE, "ToasterEvtDeviceContextCleanup called");
  // WppRecorderLogDelete.
  fdoData.WppRecorderLog = null;
}

/** ToasterEvtDeviceFileCreate: IRP_MJ_CREATE, in the opener's thread; every open succeeds. */
function ToasterEvtDeviceFileCreate(Device: WDFDEVICE, Request: WDFREQUEST, _FileObject: WDFFILEOBJECT): void {
  WppPrintDevice(Device, "ToasterEvtDeviceFileCreate");
  WdfRequestComplete(Request, STATUS_SUCCESS);
}

/** ToasterEvtFileClose: the last handle and reference of a file object are gone. */
function ToasterEvtFileClose(FileObject: WDFFILEOBJECT): void {
  WppPrintDevice(WdfFileObjectGetDevice(FileObject)!, "ToasterEvtFileClose");
}

/** ToasterEvtIoRead: a toaster has nothing to read: success, 0 bytes (zero-length reads never get here). */
function ToasterEvtIoRead(Queue: WDFQUEUE, Request: WDFREQUEST, Length: number): void {
  WppPrintDevice(WdfIoQueueGetDevice(Queue)!, `ToasterEvtIoRead ${Length}`);
  const memory = Out<WDFMEMORY | null>(null);
  const status = WdfRequestRetrieveOutputMemory(Request, memory);
  WdfRequestCompleteWithInformation(Request, status, 0);
}

/** ToasterEvtIoWrite: every byte is taken (Information = Length). */
function ToasterEvtIoWrite(Queue: WDFQUEUE, Request: WDFREQUEST, Length: number): void {
  WppPrintDevice(WdfIoQueueGetDevice(Queue)!, `ToasterEvtIoWrite ${Length}`);
  const memory = Out<WDFMEMORY | null>(null);
  const status = WdfRequestRetrieveInputMemory(Request, memory);
  WdfRequestCompleteWithInformation(Request, status, Length);
}

/** ToasterEvtIoDeviceControl: the hide IOCTL hides the device from Device Manager; any other fails. */
function ToasterEvtIoDeviceControl(Queue: WDFQUEUE, Request: WDFREQUEST, _OutputBufferLength: number, _InputBufferLength: number, IoControlCode: number): void {
  const hDevice = WdfIoQueueGetDevice(Queue)!;
  WppPrintDevice(hDevice, `ToasterEvtIoDeviceControl 0x${(IoControlCode >>> 0).toString(16)}`);
  let status: NTSTATUS = STATUS_SUCCESS;
  switch (IoControlCode) {
    case IOCTL_TOASTER_DONT_DISPLAY_IN_UI_DEVICE: {
      const deviceState = new WDF_DEVICE_STATE();
      WDF_DEVICE_STATE_INIT(deviceState);
      deviceState.DontDisplayInUI = WdfTrue;
      WdfDeviceSetDeviceState(hDevice, deviceState);
      break;
    }
    default:
      status = STATUS_INVALID_DEVICE_REQUEST;
  }
  WdfRequestCompleteWithInformation(Request, status, 0);
}
