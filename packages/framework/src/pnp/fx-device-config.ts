import {
  PowerDeviceD1, PowerDeviceD3, PowerDeviceMaximum, STATUS_INFO_LENGTH_MISMATCH, STATUS_INVALID_DEVICE_REQUEST, STATUS_INVALID_PARAMETER, STATUS_SUCCESS,
  type NTSTATUS,
} from "@wdfjs/kernel";
import type { FxDevice } from "../device/fx-device.js";
import { WdfFalse, WdfTrue, WdfUseDefault } from "../io/queue-config.js";
import type { WDFDEVICE } from "../object/handles.js";
import type { WDFCMRESLIST } from "./wdf-pnp-power-callbacks.js";
import type { FxPnpPowerCallbacks, FxPowerPolicyCallbacks } from "./pnp-callbacks.js";
import {
  WDF_PNPPOWER_EVENT_CALLBACKS_SIZE, WDF_POWER_POLICY_EVENT_CALLBACKS_SIZE, type WDF_PNPPOWER_EVENT_CALLBACKS, type WDF_POWER_POLICY_EVENT_CALLBACKS,
} from "./wdf-pnp-power-callbacks.js";
import {
  IdleCannotWakeFromS0, IdleTimeoutDefaultValue, IdleUsbSelectiveSuspend, SystemManagedIdleTimeoutWithHint, WDF_DEVICE_POWER_POLICY_IDLE_SETTINGS_SIZE,
  WDF_DEVICE_POWER_POLICY_WAKE_SETTINGS_SIZE, type WDF_DEVICE_POWER_POLICY_IDLE_SETTINGS, type WDF_DEVICE_POWER_POLICY_WAKE_SETTINGS,
} from "./wdf-power-policy-settings.js";

const h = (d: FxDevice) => d.handle as WDFDEVICE;

/**
 * `WdfDeviceInitSetPnpPowerEventCallbacks`'s copy (fxdeviceinitapi.cpp): the driver's callbacks,
 * read once (its structure may be a local), called with the device's handle. A wrong Size: null,
 * the call is ignored, as WDF does after logging.
 */
export function FxPnpPowerCallbacksFrom(c: WDF_PNPPOWER_EVENT_CALLBACKS): FxPnpPowerCallbacks | null {
  if (c.Size !== WDF_PNPPOWER_EVENT_CALLBACKS_SIZE) return null;
  // fxdeviceinitapi.cpp: EvtDeviceUsageNotification or ...Ex, not both (the call is ignored, as for a wrong Size).
  if (c.EvtDeviceUsageNotification !== null && c.EvtDeviceUsageNotificationEx !== null) return null;
  const fx: FxPnpPowerCallbacks = {};
  const prepare = c.EvtDevicePrepareHardware;
  if (prepare !== null) fx.prepareHardware = (d, raw, translated) => prepare(h(d), raw as WDFCMRESLIST, translated as WDFCMRESLIST);
  const release = c.EvtDeviceReleaseHardware;
  if (release !== null) fx.releaseHardware = (d, translated) => release(h(d), translated as WDFCMRESLIST);
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
  const usage = c.EvtDeviceUsageNotification;
  if (usage !== null) fx.usageNotification = (d, type, inPath) => usage(h(d), type, inPath);
  const usageEx = c.EvtDeviceUsageNotificationEx;
  if (usageEx !== null) fx.usageNotificationEx = (d, type, inPath) => usageEx(h(d), type, inPath);
  return fx;
}

/**
 * `WdfDeviceInitSetPowerPolicyEventCallbacks`'s copy: as the PnP/power one; a set
 * EvtDeviceArmWakeFromSxWithReason is called instead of EvtDeviceArmWakeFromSx
 * (fxdeviceinitapi.cpp), told wake is enabled and no children are armed.
 */
export function FxPowerPolicyCallbacksFrom(c: WDF_POWER_POLICY_EVENT_CALLBACKS): FxPowerPolicyCallbacks | null {
  if (c.Size !== WDF_POWER_POLICY_EVENT_CALLBACKS_SIZE) return null;
  const fx: FxPowerPolicyCallbacks = {};
  const armS0 = c.EvtDeviceArmWakeFromS0;
  if (armS0 !== null) fx.armWakeFromS0 = (d) => armS0(h(d));
  const disarmS0 = c.EvtDeviceDisarmWakeFromS0;
  if (disarmS0 !== null) fx.disarmWakeFromS0 = (d) => disarmS0(h(d));
  const s0Triggered = c.EvtDeviceWakeFromS0Triggered;
  if (s0Triggered !== null) fx.wakeFromS0Triggered = (d) => s0Triggered(h(d));
  const armSx = c.EvtDeviceArmWakeFromSx;
  const armSxReason = c.EvtDeviceArmWakeFromSxWithReason;
  if (armSxReason !== null) fx.armWakeFromSx = (d) => armSxReason(h(d), true, false);
  else if (armSx !== null) fx.armWakeFromSx = (d) => armSx(h(d));
  const disarmSx = c.EvtDeviceDisarmWakeFromSx;
  if (disarmSx !== null) fx.disarmWakeFromSx = (d) => disarmSx(h(d));
  const sxTriggered = c.EvtDeviceWakeFromSxTriggered;
  if (sxTriggered !== null) fx.wakeFromSxTriggered = (d) => sxTriggered(h(d));
  return fx;
}

/** DxState D1..D3, or PowerDeviceMaximum (the deepest the device allows, D3 here). */
function validDx(DxState: number): boolean {
  return (DxState >= PowerDeviceD1 && DxState <= PowerDeviceD3) || DxState === PowerDeviceMaximum;
}

/**
 * `WdfDeviceAssignS0IdleSettings` after its IRQL check, as fxdeviceapi.cpp checks it: the device
 * must own power policy (STATUS_INVALID_DEVICE_REQUEST), then Size (STATUS_INFO_LENGTH_MISMATCH),
 * IdleCaps, DxState, the tri-state and the timeout type (STATUS_INVALID_PARAMETER). Enabled
 * WdfUseDefault means enabled; IdleTimeout 0 (IdleTimeoutDefaultValue) means five seconds.
 */
export function FxAssignS0IdleSettings(device: FxDevice, Settings: WDF_DEVICE_POWER_POLICY_IDLE_SETTINGS): NTSTATUS {
  const pkg = device.pnp;
  if (pkg === null || !pkg.isPowerPolicyOwner) return STATUS_INVALID_DEVICE_REQUEST;
  if (Settings.Size !== WDF_DEVICE_POWER_POLICY_IDLE_SETTINGS_SIZE) return STATUS_INFO_LENGTH_MISMATCH;
  if (Settings.IdleCaps < IdleCannotWakeFromS0 || Settings.IdleCaps > IdleUsbSelectiveSuspend || !validDx(Settings.DxState)) return STATUS_INVALID_PARAMETER;
  if (Settings.PowerUpIdleDeviceOnSystemWake < WdfFalse || Settings.PowerUpIdleDeviceOnSystemWake > WdfUseDefault) return STATUS_INVALID_PARAMETER;
  if (Settings.IdleTimeoutType > SystemManagedIdleTimeoutWithHint) return STATUS_INVALID_PARAMETER;
  const dx = Settings.DxState === PowerDeviceMaximum ? PowerDeviceD3 : Settings.DxState;
  pkg.owner.setS0IdleSettings(Settings.Enabled !== WdfFalse, dx, Settings.IdleTimeout === IdleTimeoutDefaultValue ? 5000 : Settings.IdleTimeout,
    Settings.IdleCaps !== IdleCannotWakeFromS0, Settings.PowerUpIdleDeviceOnSystemWake === WdfTrue);
  return STATUS_SUCCESS;
}

/**
 * `WdfDeviceAssignSxWakeSettings` after its IRQL check: the power-policy owner (else
 * STATUS_INVALID_DEVICE_REQUEST), Size, DxState; whether the device is armed to wake the system
 * from Sx (Enabled WdfUseDefault: yes), and from which Dx.
 */
export function FxAssignSxWakeSettings(device: FxDevice, Settings: WDF_DEVICE_POWER_POLICY_WAKE_SETTINGS): NTSTATUS {
  const pkg = device.pnp;
  if (pkg === null || !pkg.isPowerPolicyOwner) return STATUS_INVALID_DEVICE_REQUEST;
  if (Settings.Size !== WDF_DEVICE_POWER_POLICY_WAKE_SETTINGS_SIZE) return STATUS_INFO_LENGTH_MISMATCH;
  if (!validDx(Settings.DxState)) return STATUS_INVALID_PARAMETER;
  pkg.owner.sxWakeSettings.Enabled = Settings.Enabled !== WdfFalse;
  pkg.owner.sxWakeSettings.DxState = Settings.DxState === PowerDeviceMaximum ? PowerDeviceD3 : Settings.DxState;
  return STATUS_SUCCESS;
}
