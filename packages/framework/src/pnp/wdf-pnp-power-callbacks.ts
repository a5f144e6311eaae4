import type { NTSTATUS } from "@wdfjs/kernel";
import type { WDFDEVICE } from "../object/handles.js";
import type { WDFHANDLE } from "../object/types.js";
import type { FxMayWait, WDF_POWER_DEVICE_STATE } from "./pnp-callbacks.js";

/** `WDFCMRESLIST`: a framework resource list (`FxCmResList`), read with `WdfCmResourceList*`. */
export type WDFCMRESLIST = WDFHANDLE<"WDFCMRESLIST">;

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
export type EVT_WDF_DEVICE_USAGE_NOTIFICATION = (Device: WDFDEVICE, NotificationType: WDF_SPECIAL_FILE_TYPE, IsInNotificationPath: boolean) => void;
export type EVT_WDF_DEVICE_USAGE_NOTIFICATION_EX = (Device: WDFDEVICE, NotificationType: WDF_SPECIAL_FILE_TYPE, IsInNotificationPath: boolean) => FxMayWait<NTSTATUS>;
export type PFN_WDF_DEVICE_USAGE_NOTIFICATION = EVT_WDF_DEVICE_USAGE_NOTIFICATION;
export type PFN_WDF_DEVICE_USAGE_NOTIFICATION_EX = EVT_WDF_DEVICE_USAGE_NOTIFICATION_EX;

/**
 * `WDF_SPECIAL_FILE_TYPE` (wdfdevice.h): the special files of WdfDeviceSetSpecialFileSupport and
 * the usage notification callbacks; each has the value of its DEVICE_USAGE_NOTIFICATION_TYPE.
 */
export const WdfSpecialFileUndefined = 0;
export const WdfSpecialFilePaging = 1;
export const WdfSpecialFileHibernation = 2;
export const WdfSpecialFileDump = 3;
export const WdfSpecialFileBoot = 4;
export const WdfSpecialFilePostDisplay = 5;
export const WdfSpecialFileGuestAssigned = 6;
export const WdfSpecialFileMax = 7;
export type WDF_SPECIAL_FILE_TYPE = number;

/** sizeof(WDF_PNPPOWER_EVENT_CALLBACKS) on x64 (Size + 16 callback pointers). */
export const WDF_PNPPOWER_EVENT_CALLBACKS_SIZE = 136;

/**
 * `WDF_PNPPOWER_EVENT_CALLBACKS`: all NULL until `WDF_PNPPOWER_EVENT_CALLBACKS_INIT`. The
 * framework's PnP and power machines call them in the reference's orders (§1.6), the usage
 * notification ones for IRP_MN_DEVICE_USAGE_NOTIFICATION (one of the two, not both); the
 * relations-query member is accepted but not called yet.
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
  EvtDeviceUsageNotification: EVT_WDF_DEVICE_USAGE_NOTIFICATION | null = null;
  EvtDeviceRelationsQuery: ((Device: WDFDEVICE, RelationType: number) => void) | null = null;
  EvtDeviceUsageNotificationEx: EVT_WDF_DEVICE_USAGE_NOTIFICATION_EX | null = null;
}
export type PWDF_PNPPOWER_EVENT_CALLBACKS = WDF_PNPPOWER_EVENT_CALLBACKS;

/** `WDF_PNPPOWER_EVENT_CALLBACKS_INIT`: zeroes and sets Size. */
export function WDF_PNPPOWER_EVENT_CALLBACKS_INIT(Callbacks: WDF_PNPPOWER_EVENT_CALLBACKS): void {
  Object.assign(Callbacks, new WDF_PNPPOWER_EVENT_CALLBACKS());
  Callbacks.Size = WDF_PNPPOWER_EVENT_CALLBACKS_SIZE;
}

export type EVT_WDF_DEVICE_ARM_WAKE_FROM_S0 = (Device: WDFDEVICE) => NTSTATUS;
export type EVT_WDF_DEVICE_DISARM_WAKE_FROM_S0 = (Device: WDFDEVICE) => void;
export type EVT_WDF_DEVICE_WAKE_FROM_S0_TRIGGERED = (Device: WDFDEVICE) => void;
export type EVT_WDF_DEVICE_ARM_WAKE_FROM_SX = (Device: WDFDEVICE) => NTSTATUS;
export type EVT_WDF_DEVICE_ARM_WAKE_FROM_SX_WITH_REASON = (Device: WDFDEVICE, DeviceWakeEnabled: boolean, ChildrenArmedForWake: boolean) => NTSTATUS;
export type EVT_WDF_DEVICE_DISARM_WAKE_FROM_SX = (Device: WDFDEVICE) => void;
export type EVT_WDF_DEVICE_WAKE_FROM_SX_TRIGGERED = (Device: WDFDEVICE) => void;

/** sizeof(WDF_POWER_POLICY_EVENT_CALLBACKS) on x64. */
export const WDF_POWER_POLICY_EVENT_CALLBACKS_SIZE = 64;

/** `WDF_POWER_POLICY_EVENT_CALLBACKS` (wdfdevice.h): all NULL until its _INIT. */
export class WDF_POWER_POLICY_EVENT_CALLBACKS {
  Size = 0;
  EvtDeviceArmWakeFromS0: EVT_WDF_DEVICE_ARM_WAKE_FROM_S0 | null = null;
  EvtDeviceDisarmWakeFromS0: EVT_WDF_DEVICE_DISARM_WAKE_FROM_S0 | null = null;
  EvtDeviceWakeFromS0Triggered: EVT_WDF_DEVICE_WAKE_FROM_S0_TRIGGERED | null = null;
  EvtDeviceArmWakeFromSx: EVT_WDF_DEVICE_ARM_WAKE_FROM_SX | null = null;
  EvtDeviceDisarmWakeFromSx: EVT_WDF_DEVICE_DISARM_WAKE_FROM_SX | null = null;
  EvtDeviceWakeFromSxTriggered: EVT_WDF_DEVICE_WAKE_FROM_SX_TRIGGERED | null = null;
  EvtDeviceArmWakeFromSxWithReason: EVT_WDF_DEVICE_ARM_WAKE_FROM_SX_WITH_REASON | null = null;
}
export type PWDF_POWER_POLICY_EVENT_CALLBACKS = WDF_POWER_POLICY_EVENT_CALLBACKS;

/** `WDF_POWER_POLICY_EVENT_CALLBACKS_INIT`: zeroes and sets Size. */
export function WDF_POWER_POLICY_EVENT_CALLBACKS_INIT(Callbacks: WDF_POWER_POLICY_EVENT_CALLBACKS): void {
  Object.assign(Callbacks, new WDF_POWER_POLICY_EVENT_CALLBACKS());
  Callbacks.Size = WDF_POWER_POLICY_EVENT_CALLBACKS_SIZE;
}
