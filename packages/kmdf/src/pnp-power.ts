import { NT_SUCCESS, DISPATCH_LEVEL, PASSIVE_LEVEL, type DEVICE_OBJECT, type NTSTATUS } from "@wdfjs/kernel";
import { FxDevice, FxObjectHandleGetPtr, FxVerifierCheckIrqlLevel, FX_TYPE_DEVICE, WdfDevStatePnpInvalid, WdfDevStatePowerInvalid, WdfDevStatePwrPolInvalid, WdfFalse, WdfTrue, type FxMayWait, type FxPnpPowerCallbacks, type WDF_DEVICE_POWER_STATE, type WDF_DEVICE_POWER_POLICY_STATE, type WDF_TRI_STATE, type WDF_DEVICE_PNP_STATE, type WDF_POWER_DEVICE_STATE } from "@wdfjs/framework";
import { FxDeviceInitOf, type PWDFDEVICE_INIT } from "./device-init.js";
import type { WDFDEVICE } from "./device.js";

/**
 * `WDFCMRESLIST`, simplified: for now the address of the kernel's CM_RESOURCE_LIST that
 * START_DEVICE carried (read it with the kernel's `ReadCmResourceList`); the framework's resource
 * list object and `WdfCmResourceList*` come later.
 */
export type WDFCMRESLIST = number;

// PASSIVE_LEVEL callbacks may wait: they return their result or a generator of it (FxMayWait).
export type EVT_WDF_DEVICE_PREPARE_HARDWARE = (Device: WDFDEVICE, ResourcesRaw: WDFCMRESLIST, ResourcesTranslated: WDFCMRESLIST) => FxMayWait<NTSTATUS>;
export type EVT_WDF_DEVICE_RELEASE_HARDWARE = (Device: WDFDEVICE, ResourcesTranslated: WDFCMRESLIST) => FxMayWait<NTSTATUS>;
export type EVT_WDF_DEVICE_D0_ENTRY = (Device: WDFDEVICE, PreviousState: WDF_POWER_DEVICE_STATE) => FxMayWait<NTSTATUS>;
export type EVT_WDF_DEVICE_D0_EXIT = (Device: WDFDEVICE, TargetState: WDF_POWER_DEVICE_STATE) => FxMayWait<NTSTATUS>;
export type EVT_WDF_DEVICE_SELF_MANAGED_IO_INIT = (Device: WDFDEVICE) => FxMayWait<NTSTATUS>;
export type EVT_WDF_DEVICE_SELF_MANAGED_IO_RESTART = (Device: WDFDEVICE) => FxMayWait<NTSTATUS>;
export type EVT_WDF_DEVICE_SELF_MANAGED_IO_SUSPEND = (Device: WDFDEVICE) => FxMayWait<NTSTATUS>;
// A VOID callback that waits returns its generator all the same (a `void` return type admits it).
export type EVT_WDF_DEVICE_SELF_MANAGED_IO_FLUSH = (Device: WDFDEVICE) => void;
export type EVT_WDF_DEVICE_SELF_MANAGED_IO_CLEANUP = (Device: WDFDEVICE) => void;
export type EVT_WDF_DEVICE_SURPRISE_REMOVAL = (Device: WDFDEVICE) => void;
export type EVT_WDF_DEVICE_QUERY_REMOVE = (Device: WDFDEVICE) => FxMayWait<NTSTATUS>;
export type EVT_WDF_DEVICE_QUERY_STOP = (Device: WDFDEVICE) => FxMayWait<NTSTATUS>;

/** sizeof(WDF_PNPPOWER_EVENT_CALLBACKS) on x64 (Size + 16 callback pointers). */
export const WDF_PNPPOWER_EVENT_CALLBACKS_SIZE = 136;

/**
 * `WDF_PNPPOWER_EVENT_CALLBACKS`: all NULL until `WDF_PNPPOWER_EVENT_CALLBACKS_INIT`. The
 * framework's PnP and power machines call them in the reference's orders (§1.6); the usage
 * notification and relations-query members are accepted but not called yet.
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
  EvtDeviceSelfManagedIoSuspend: EVT_WDF_DEVICE_SELF_MANAGED_IO_SUSPEND | null = null;
  EvtDeviceSelfManagedIoRestart: EVT_WDF_DEVICE_SELF_MANAGED_IO_RESTART | null = null;
  EvtDeviceSurpriseRemoval: EVT_WDF_DEVICE_SURPRISE_REMOVAL | null = null;
  EvtDeviceQueryRemove: EVT_WDF_DEVICE_QUERY_REMOVE | null = null;
  EvtDeviceQueryStop: EVT_WDF_DEVICE_QUERY_STOP | null = null;
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
  const d0EntryPost = c.EvtDeviceD0EntryPostInterruptsEnabled;
  if (d0EntryPost !== null) fx.d0EntryPostInterruptsEnabled = (d, previous) => d0EntryPost(h(d), previous);
  const d0ExitPre = c.EvtDeviceD0ExitPreInterruptsDisabled;
  if (d0ExitPre !== null) fx.d0ExitPreInterruptsDisabled = (d, target) => d0ExitPre(h(d), target);
  const d0Exit = c.EvtDeviceD0Exit;
  if (d0Exit !== null) fx.d0Exit = (d, target) => d0Exit(h(d), target);
  const smInit = c.EvtDeviceSelfManagedIoInit;
  if (smInit !== null) fx.selfManagedIoInit = (d) => smInit(h(d));
  const smRestart = c.EvtDeviceSelfManagedIoRestart;
  if (smRestart !== null) fx.selfManagedIoRestart = (d) => smRestart(h(d));
  const smSuspend = c.EvtDeviceSelfManagedIoSuspend;
  if (smSuspend !== null) fx.selfManagedIoSuspend = (d) => smSuspend(h(d));
  const smFlush = c.EvtDeviceSelfManagedIoFlush;
  if (smFlush !== null) fx.selfManagedIoFlush = (d) => smFlush(h(d));
  const smCleanup = c.EvtDeviceSelfManagedIoCleanup;
  if (smCleanup !== null) fx.selfManagedIoCleanup = (d) => smCleanup(h(d));
  const surprise = c.EvtDeviceSurpriseRemoval;
  if (surprise !== null) fx.surpriseRemoval = (d) => surprise(h(d));
  const queryRemove = c.EvtDeviceQueryRemove;
  if (queryRemove !== null) fx.queryRemove = (d) => queryRemove(h(d));
  const queryStop = c.EvtDeviceQueryStop;
  if (queryStop !== null) fx.queryStop = (d) => queryStop(h(d));
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

/** `WdfDeviceGetDevicePowerState`: the power machine's state (WdfDevStatePowerInvalid for a control device). */
export function WdfDeviceGetDevicePowerState(Device: WDFDEVICE): WDF_DEVICE_POWER_STATE {
  const device = FxObjectHandleGetPtr(Device, FX_TYPE_DEVICE) as FxDevice;
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfDeviceGetDevicePowerState", DISPATCH_LEVEL))) return WdfDevStatePowerInvalid;
  return device.pnp?.power.state ?? WdfDevStatePowerInvalid;
}

/** `WdfDeviceGetDevicePowerPolicyState`: the power-policy machine's state (WdfDevStatePwrPolInvalid for a control device). */
export function WdfDeviceGetDevicePowerPolicyState(Device: WDFDEVICE): WDF_DEVICE_POWER_POLICY_STATE {
  const device = FxObjectHandleGetPtr(Device, FX_TYPE_DEVICE) as FxDevice;
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfDeviceGetDevicePowerPolicyState", DISPATCH_LEVEL))) return WdfDevStatePwrPolInvalid;
  return device.pnp?.pwrPol.state ?? WdfDevStatePwrPolInvalid;
}

/**
 * `WdfDeviceInitSetPowerPolicyOwnership`: whether the device owns its stack's power policy
 * (requests the D IRPs for S IRPs and idle). One device per stack may; two is the
 * WDF_POWER_MULTIPLE_PPO bug check when the second receives a D IRP it did not ask for.
 */
export function WdfDeviceInitSetPowerPolicyOwnership(DeviceInit: PWDFDEVICE_INIT, IsPowerPolicyOwner: boolean): void {
  const init = FxDeviceInitOf(DeviceInit);
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfDeviceInitSetPowerPolicyOwnership", DISPATCH_LEVEL))) return;
  init.PowerPolicyOwnership = (IsPowerPolicyOwner ? WdfTrue : WdfFalse) as WDF_TRI_STATE;
}

/**
 * `WdfDeviceInitSetPowerPageable` / `WdfDeviceInitSetPowerNotPageable`: whether the device object
 * gets DO_POWER_PAGABLE (the default). A device in the paging or hibernation path must not page
 * during power changes; WDF then watches its power callbacks (FxWatchdog: 10 minutes, then
 * WDF_VIOLATION 0x1, WDF_POWER_ROUTINE_TIMED_OUT).
 */
export function WdfDeviceInitSetPowerPageable(DeviceInit: PWDFDEVICE_INIT): void {
  const init = FxDeviceInitOf(DeviceInit);
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfDeviceInitSetPowerPageable", DISPATCH_LEVEL))) return;
  init.PowerPageable = true;
}
export function WdfDeviceInitSetPowerNotPageable(DeviceInit: PWDFDEVICE_INIT): void {
  const init = FxDeviceInitOf(DeviceInit);
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfDeviceInitSetPowerNotPageable", DISPATCH_LEVEL))) return;
  init.PowerPageable = false;
}
