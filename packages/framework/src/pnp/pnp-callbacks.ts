import type { KWAIT_GENERATOR, NTSTATUS } from "@wdfjs/kernel";
import type { FxDevice } from "../device/fx-device.js";

/** `WDF_POWER_DEVICE_STATE` (wdfdevice.h): what EvtDeviceD0Entry / D0Exit are told. */
export const WdfPowerDeviceInvalid = 0;
export const WdfPowerDeviceD0 = 1;
export const WdfPowerDeviceD1 = 2;
export const WdfPowerDeviceD2 = 3;
export const WdfPowerDeviceD3 = 4;
export const WdfPowerDeviceD3Final = 5;
export const WdfPowerDevicePrepareForHibernation = 6;
export const WdfPowerDeviceMaximum = 7;
export type WDF_POWER_DEVICE_STATE = number;

/** A callback Windows runs at PASSIVE_LEVEL may wait: it returns its result or a generator of it. */
export type FxMayWait<T> = T | KWAIT_GENERATOR<T>;

/**
 * The PnP/power callbacks of a device in framework terms (the style layer wraps the driver's
 * `EvtDevice*` functions, which take handles). A missing callback counts as success.
 */
export interface FxPnpPowerCallbacks {
  prepareHardware?: ((Device: FxDevice, ResourcesRaw: number, ResourcesTranslated: number) => FxMayWait<NTSTATUS>) | undefined;
  releaseHardware?: ((Device: FxDevice, ResourcesTranslated: number) => FxMayWait<NTSTATUS>) | undefined;
  d0Entry?: ((Device: FxDevice, PreviousState: WDF_POWER_DEVICE_STATE) => FxMayWait<NTSTATUS>) | undefined;
  d0EntryPostInterruptsEnabled?: ((Device: FxDevice, PreviousState: WDF_POWER_DEVICE_STATE) => FxMayWait<NTSTATUS>) | undefined;
  d0ExitPreInterruptsDisabled?: ((Device: FxDevice, TargetState: WDF_POWER_DEVICE_STATE) => FxMayWait<NTSTATUS>) | undefined;
  d0Exit?: ((Device: FxDevice, TargetState: WDF_POWER_DEVICE_STATE) => FxMayWait<NTSTATUS>) | undefined;
  selfManagedIoInit?: ((Device: FxDevice) => FxMayWait<NTSTATUS>) | undefined;
  selfManagedIoRestart?: ((Device: FxDevice) => FxMayWait<NTSTATUS>) | undefined;
  selfManagedIoSuspend?: ((Device: FxDevice) => FxMayWait<NTSTATUS>) | undefined;
  selfManagedIoFlush?: ((Device: FxDevice) => FxMayWait<void>) | undefined;
  selfManagedIoCleanup?: ((Device: FxDevice) => FxMayWait<void>) | undefined;
  surpriseRemoval?: ((Device: FxDevice) => FxMayWait<void>) | undefined;
  queryRemove?: ((Device: FxDevice) => FxMayWait<NTSTATUS>) | undefined;
  queryStop?: ((Device: FxDevice) => FxMayWait<NTSTATUS>) | undefined;
  /** EvtDeviceUsageNotification / ...Ex: told (Ex: asked) once the stack below agreed to a special file. */
  usageNotification?: ((Device: FxDevice, NotificationType: number, IsInNotificationPath: boolean) => FxMayWait<void>) | undefined;
  usageNotificationEx?: ((Device: FxDevice, NotificationType: number, IsInNotificationPath: boolean) => FxMayWait<NTSTATUS>) | undefined;
}

/** How many states `FxPkgPnp` history keeps per machine (WDF's `m_States.History` has 8). */
export const FxPnpHistorySize = 8;

/** The power-policy owner's wake callbacks (`WDF_POWER_POLICY_EVENT_CALLBACKS`), in framework terms. */
export interface FxPowerPolicyCallbacks {
  armWakeFromS0?: ((Device: FxDevice) => FxMayWait<NTSTATUS>) | undefined;
  disarmWakeFromS0?: ((Device: FxDevice) => FxMayWait<void>) | undefined;
  wakeFromS0Triggered?: ((Device: FxDevice) => FxMayWait<void>) | undefined;
  armWakeFromSx?: ((Device: FxDevice) => FxMayWait<NTSTATUS>) | undefined;
  disarmWakeFromSx?: ((Device: FxDevice) => FxMayWait<void>) | undefined;
  wakeFromSxTriggered?: ((Device: FxDevice) => FxMayWait<void>) | undefined;
}
