import { NT_SUCCESS, DISPATCH_LEVEL, PASSIVE_LEVEL, type DEVICE_OBJECT, type NTSTATUS } from "@wdfjs/kernel";
import { FxDevice, FxObjectHandleGetPtr, FxVerifierCheckIrqlLevel, FX_TYPE_DEVICE, WdfDevStatePnpInvalid, type FxPnpPowerCallbacks, type WDF_DEVICE_PNP_STATE, type WDF_POWER_DEVICE_STATE } from "@wdfjs/framework";
import { FxDeviceInitOf, type PWDFDEVICE_INIT } from "./device-init.js";
import type { WDFDEVICE } from "./device.js";

/**
 * `WDFCMRESLIST`, simplified: for now the address of the kernel's CM_RESOURCE_LIST that
 * START_DEVICE carried (read it with the kernel's `ReadCmResourceList`); the framework's resource
 * list object and `WdfCmResourceList*` come later.
 */
export type WDFCMRESLIST = number;

export type EVT_WDF_DEVICE_PREPARE_HARDWARE = (Device: WDFDEVICE, ResourcesRaw: WDFCMRESLIST, ResourcesTranslated: WDFCMRESLIST) => NTSTATUS;
export type EVT_WDF_DEVICE_RELEASE_HARDWARE = (Device: WDFDEVICE, ResourcesTranslated: WDFCMRESLIST) => NTSTATUS;
export type EVT_WDF_DEVICE_D0_ENTRY = (Device: WDFDEVICE, PreviousState: WDF_POWER_DEVICE_STATE) => NTSTATUS;
export type EVT_WDF_DEVICE_D0_EXIT = (Device: WDFDEVICE, TargetState: WDF_POWER_DEVICE_STATE) => NTSTATUS;
export type EVT_WDF_DEVICE_SELF_MANAGED_IO_INIT = (Device: WDFDEVICE) => NTSTATUS;
export type EVT_WDF_DEVICE_SELF_MANAGED_IO_FLUSH = (Device: WDFDEVICE) => void;
export type EVT_WDF_DEVICE_SELF_MANAGED_IO_CLEANUP = (Device: WDFDEVICE) => void;
export type EVT_WDF_DEVICE_SURPRISE_REMOVAL = (Device: WDFDEVICE) => void;

/** sizeof(WDF_PNPPOWER_EVENT_CALLBACKS) on x64 (Size + 16 callback pointers). */
export const WDF_PNPPOWER_EVENT_CALLBACKS_SIZE = 136;

/**
 * `WDF_PNPPOWER_EVENT_CALLBACKS`: all NULL until `WDF_PNPPOWER_EVENT_CALLBACKS_INIT`. The
 * interrupt-, suspend- and restart-related members are accepted but not called yet (no interrupts,
 * no Dx while started in this step).
 */
export class WDF_PNPPOWER_EVENT_CALLBACKS {
  Size = 0;
  EvtDeviceD0Entry: EVT_WDF_DEVICE_D0_ENTRY | null = null;
  EvtDeviceD0EntryPostInterruptsEnabled: EVT_WDF_DEVICE_D0_ENTRY | null = null;
  EvtDeviceD0Exit: EVT_WDF_DEVICE_D0_EXIT | null = null;
  EvtDeviceD0ExitPreInterruptsDisabled: EVT_WDF_DEVICE_D0_EXIT | null = null;
  EvtDevicePrepareHardware: EVT_WDF_DEVICE_PREPARE_HARDWARE | null = null;
  EvtDeviceReleaseHardware: EVT_WDF_DEVICE_RELEASE_HARDWARE | null = null;
  EvtDeviceSelfManagedIoCleanup: EVT_WDF_DEVICE_SELF_MANAGED_IO_CLEANUP | null = null;
  EvtDeviceSelfManagedIoFlush: EVT_WDF_DEVICE_SELF_MANAGED_IO_FLUSH | null = null;
  EvtDeviceSelfManagedIoInit: EVT_WDF_DEVICE_SELF_MANAGED_IO_INIT | null = null;
  EvtDeviceSelfManagedIoSuspend: ((Device: WDFDEVICE) => NTSTATUS) | null = null;
  EvtDeviceSelfManagedIoRestart: ((Device: WDFDEVICE) => NTSTATUS) | null = null;
  EvtDeviceSurpriseRemoval: EVT_WDF_DEVICE_SURPRISE_REMOVAL | null = null;
  EvtDeviceQueryRemove: ((Device: WDFDEVICE) => NTSTATUS) | null = null;
  EvtDeviceQueryStop: ((Device: WDFDEVICE) => NTSTATUS) | null = null;
  EvtDeviceUsageNotification: ((Device: WDFDEVICE, NotificationType: number, IsInNotificationPath: boolean) => void) | null = null;
  EvtDeviceRelationsQuery: ((Device: WDFDEVICE, RelationType: number) => void) | null = null;
  EvtDeviceUsageNotificationEx: ((Device: WDFDEVICE, NotificationType: number, IsInNotificationPath: boolean) => NTSTATUS) | null = null;
}
export type PWDF_PNPPOWER_EVENT_CALLBACKS = WDF_PNPPOWER_EVENT_CALLBACKS;

/** `WDF_PNPPOWER_EVENT_CALLBACKS_INIT`: zeroes and sets Size. */
export function WDF_PNPPOWER_EVENT_CALLBACKS_INIT(Callbacks: WDF_PNPPOWER_EVENT_CALLBACKS): void {
  Object.assign(Callbacks, new WDF_PNPPOWER_EVENT_CALLBACKS());
  Callbacks.Size = WDF_PNPPOWER_EVENT_CALLBACKS_SIZE;
}

const h = (d: FxDevice) => d.handle as WDFDEVICE;

/**
 * `WdfDeviceInitSetPnpPowerEventCallbacks`: the callbacks are copied (the driver's structure may
 * be a local). A wrong Size is ignored, as fxdeviceinitapi.cpp does after logging.
 */
export function WdfDeviceInitSetPnpPowerEventCallbacks(DeviceInit: PWDFDEVICE_INIT, PnpPowerEventCallbacks: PWDF_PNPPOWER_EVENT_CALLBACKS): void {
  const init = FxDeviceInitOf(DeviceInit);
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfDeviceInitSetPnpPowerEventCallbacks", DISPATCH_LEVEL))) return;
  if (PnpPowerEventCallbacks.Size !== WDF_PNPPOWER_EVENT_CALLBACKS_SIZE) return;
  const c = { ...PnpPowerEventCallbacks };
  const fx: FxPnpPowerCallbacks = {};
  const prepare = c.EvtDevicePrepareHardware;
  if (prepare !== null) fx.prepareHardware = (d, raw, translated) => prepare(h(d), raw, translated);
  const release = c.EvtDeviceReleaseHardware;
  if (release !== null) fx.releaseHardware = (d, translated) => release(h(d), translated);
  const d0Entry = c.EvtDeviceD0Entry;
  if (d0Entry !== null) fx.d0Entry = (d, previous) => d0Entry(h(d), previous);
  const d0Exit = c.EvtDeviceD0Exit;
  if (d0Exit !== null) fx.d0Exit = (d, target) => d0Exit(h(d), target);
  const smInit = c.EvtDeviceSelfManagedIoInit;
  if (smInit !== null) fx.selfManagedIoInit = (d) => smInit(h(d));
  const smFlush = c.EvtDeviceSelfManagedIoFlush;
  if (smFlush !== null) fx.selfManagedIoFlush = (d) => smFlush(h(d));
  const smCleanup = c.EvtDeviceSelfManagedIoCleanup;
  if (smCleanup !== null) fx.selfManagedIoCleanup = (d) => smCleanup(h(d));
  const surprise = c.EvtDeviceSurpriseRemoval;
  if (surprise !== null) fx.surpriseRemoval = (d) => surprise(h(d));
  init.PnpPowerCallbacks = fx;
}

/** `WdfFdoInitSetFilter`: the device is a filter; IRPs it has no queue for pass down the stack. */
export function WdfFdoInitSetFilter(DeviceInit: PWDFDEVICE_INIT): void {
  const init = FxDeviceInitOf(DeviceInit);
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfFdoInitSetFilter", PASSIVE_LEVEL))) return;
  if (init.IsFdoInit) init.Filter = true;
}

/** `WdfFdoInitWdmGetPhysicalDevice`: the PDO AddDevice was called with. */
export function WdfFdoInitWdmGetPhysicalDevice(DeviceInit: PWDFDEVICE_INIT): DEVICE_OBJECT | null {
  const init = FxDeviceInitOf(DeviceInit);
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfFdoInitWdmGetPhysicalDevice", DISPATCH_LEVEL))) return null;
  return init.PhysicalDevice;
}

/** `WdfDeviceWdmGetAttachedDevice`: the next-lower device object (null for a control device). */
export function WdfDeviceWdmGetAttachedDevice(Device: WDFDEVICE): DEVICE_OBJECT | null {
  const device = FxObjectHandleGetPtr(Device, FX_TYPE_DEVICE) as FxDevice;
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfDeviceWdmGetAttachedDevice", DISPATCH_LEVEL))) return null;
  return device.AttachedDevice;
}

/** `WdfDeviceWdmGetPhysicalDevice`: the stack's PDO (null for a control device). */
export function WdfDeviceWdmGetPhysicalDevice(Device: WDFDEVICE): DEVICE_OBJECT | null {
  const device = FxObjectHandleGetPtr(Device, FX_TYPE_DEVICE) as FxDevice;
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfDeviceWdmGetPhysicalDevice", DISPATCH_LEVEL))) return null;
  return device.PhysicalDevice;
}

/** `WdfDeviceGetDevicePnpState`: the PnP state (WdfDevStatePnpInvalid for a control device). */
export function WdfDeviceGetDevicePnpState(Device: WDFDEVICE): WDF_DEVICE_PNP_STATE {
  const device = FxObjectHandleGetPtr(Device, FX_TYPE_DEVICE) as FxDevice;
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfDeviceGetDevicePnpState", DISPATCH_LEVEL))) return WdfDevStatePnpInvalid;
  return device.pnp?.state ?? WdfDevStatePnpInvalid;
}

/**
 * `WdfDeviceCreateDeviceInterface`: an interface of the PDO, enabled when the device starts (or
 * now, if it has). A control device has no PDO: STATUS_INVALID_DEVICE_REQUEST.
 */
export function WdfDeviceCreateDeviceInterface(Device: WDFDEVICE, InterfaceClassGUID: string, ReferenceString: string | null): NTSTATUS {
  const device = FxObjectHandleGetPtr(Device, FX_TYPE_DEVICE) as FxDevice;
  const status = FxVerifierCheckIrqlLevel("WdfDeviceCreateDeviceInterface", PASSIVE_LEVEL);
  if (!NT_SUCCESS(status)) return status;
  return device.createDeviceInterface(InterfaceClassGUID, ReferenceString);
}
