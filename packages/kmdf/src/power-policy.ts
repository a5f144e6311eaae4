import {
  DISPATCH_LEVEL, NT_SUCCESS, PASSIVE_LEVEL, PowerDeviceD1, PowerDeviceD3, PowerDeviceMaximum, STATUS_INFO_LENGTH_MISMATCH, STATUS_INVALID_DEVICE_REQUEST,
  STATUS_INVALID_PARAMETER, STATUS_SUCCESS, type KWAIT_GENERATOR, type NTSTATUS,
} from "@wdfjs/kernel";
import {
  FxObjectHandleGetPtr, FxVerifierCheckIrqlLevel, FX_TYPE_DEVICE, WdfFalse, WdfTrue, WdfUseDefault, type FxDevice, type FxPowerPolicyCallbacks, type WDF_TRI_STATE,
} from "@wdfjs/framework";
import type { WDFDEVICE } from "./device.js";
import { FxDeviceInitOf, type PWDFDEVICE_INIT } from "./device-init.js";

/** `WDF_POWER_POLICY_S0_IDLE_CAPABILITIES` (wdfdevice.h). */
export const IdleCapsInvalid = 0;
export const IdleCannotWakeFromS0 = 1;
export const IdleCanWakeFromS0 = 2;
export const IdleUsbSelectiveSuspend = 3;
export type WDF_POWER_POLICY_S0_IDLE_CAPABILITIES = number;

/** `WDF_POWER_POLICY_S0_IDLE_USER_CONTROL` (wdfdevice.h). */
export const IdleUserControlInvalid = 0;
export const IdleDoNotAllowUserControl = 1;
export const IdleAllowUserControl = 2;
export type WDF_POWER_POLICY_S0_IDLE_USER_CONTROL = number;

/** `WDF_POWER_POLICY_IDLE_TIMEOUT_TYPE` (wdfdevice.h). */
export const DriverManagedIdleTimeout = 0;
export const SystemManagedIdleTimeout = 1;
export const SystemManagedIdleTimeoutWithHint = 2;
export type WDF_POWER_POLICY_IDLE_TIMEOUT_TYPE = number;

/** `IdleTimeoutDefaultValue`: 0, the framework's default (five seconds). */
export const IdleTimeoutDefaultValue = 0;

/** sizeof(WDF_DEVICE_POWER_POLICY_IDLE_SETTINGS) on x64 (KMDF 1.33). */
export const WDF_DEVICE_POWER_POLICY_IDLE_SETTINGS_SIZE = 40;

/** `WDF_DEVICE_POWER_POLICY_IDLE_SETTINGS` (wdfdevice.h): zeroed until its _INIT. */
export class WDF_DEVICE_POWER_POLICY_IDLE_SETTINGS {
  Size = 0;
  IdleCaps: WDF_POWER_POLICY_S0_IDLE_CAPABILITIES = 0;
  DxState = 0;
  /** Milliseconds; IdleTimeoutDefaultValue for the framework's default. */
  IdleTimeout = 0;
  UserControlOfIdleSettings: WDF_POWER_POLICY_S0_IDLE_USER_CONTROL = 0;
  Enabled: WDF_TRI_STATE = 0;
  PowerUpIdleDeviceOnSystemWake: WDF_TRI_STATE = 0;
  IdleTimeoutType: WDF_POWER_POLICY_IDLE_TIMEOUT_TYPE = 0;
  ExcludeD3Cold: WDF_TRI_STATE = 0;
}
export type PWDF_DEVICE_POWER_POLICY_IDLE_SETTINGS = WDF_DEVICE_POWER_POLICY_IDLE_SETTINGS;

/** `WDF_DEVICE_POWER_POLICY_IDLE_SETTINGS_INIT`: the defaults of wdfdevice.h; DxState D3 unless the device can wake from S0. */
export function WDF_DEVICE_POWER_POLICY_IDLE_SETTINGS_INIT(Settings: WDF_DEVICE_POWER_POLICY_IDLE_SETTINGS, IdleCaps: WDF_POWER_POLICY_S0_IDLE_CAPABILITIES): void {
  Object.assign(Settings, new WDF_DEVICE_POWER_POLICY_IDLE_SETTINGS(), {
    Size: WDF_DEVICE_POWER_POLICY_IDLE_SETTINGS_SIZE, IdleTimeout: IdleTimeoutDefaultValue, UserControlOfIdleSettings: IdleAllowUserControl,
    Enabled: WdfUseDefault, PowerUpIdleDeviceOnSystemWake: WdfUseDefault, IdleTimeoutType: DriverManagedIdleTimeout, ExcludeD3Cold: WdfUseDefault, IdleCaps,
    DxState: IdleCaps === IdleCannotWakeFromS0 ? PowerDeviceD3 : IdleCaps === IdleCanWakeFromS0 || IdleCaps === IdleUsbSelectiveSuspend ? PowerDeviceMaximum : 0,
  });
}

const deviceOf = (Device: WDFDEVICE): FxDevice => FxObjectHandleGetPtr(Device, FX_TYPE_DEVICE) as FxDevice;

/**
 * `WdfDeviceAssignS0IdleSettings`: the power-policy owner's idle policy, checked as
 * fxdeviceapi.cpp checks it (owner, Size, DxState D1..D3 or PowerDeviceMaximum, tri-states,
 * timeout type). Enabled WdfUseDefault means enabled; IdleTimeout 0 means five seconds.
 */
export function WdfDeviceAssignS0IdleSettings(Device: WDFDEVICE, Settings: PWDF_DEVICE_POWER_POLICY_IDLE_SETTINGS): NTSTATUS {
  const device = deviceOf(Device);
  const status = FxVerifierCheckIrqlLevel("WdfDeviceAssignS0IdleSettings", DISPATCH_LEVEL);
  if (!NT_SUCCESS(status)) return status;
  const pkg = device.pnp;
  if (pkg === null || !pkg.isPowerPolicyOwner) return STATUS_INVALID_DEVICE_REQUEST;
  if (Settings.Size !== WDF_DEVICE_POWER_POLICY_IDLE_SETTINGS_SIZE) return STATUS_INFO_LENGTH_MISMATCH;
  if (Settings.IdleCaps < IdleCannotWakeFromS0 || Settings.IdleCaps > IdleUsbSelectiveSuspend) return STATUS_INVALID_PARAMETER;
  if ((Settings.DxState < PowerDeviceD1 || Settings.DxState > PowerDeviceD3) && Settings.DxState !== PowerDeviceMaximum) return STATUS_INVALID_PARAMETER;
  if (Settings.PowerUpIdleDeviceOnSystemWake < WdfFalse || Settings.PowerUpIdleDeviceOnSystemWake > WdfUseDefault) return STATUS_INVALID_PARAMETER;
  if (Settings.IdleTimeoutType > SystemManagedIdleTimeoutWithHint) return STATUS_INVALID_PARAMETER;
  const dx = Settings.DxState === PowerDeviceMaximum ? PowerDeviceD3 : Settings.DxState;
  pkg.owner.setS0IdleSettings(Settings.Enabled !== WdfFalse, dx, Settings.IdleTimeout === IdleTimeoutDefaultValue ? 5000 : Settings.IdleTimeout,
    Settings.IdleCaps !== IdleCannotWakeFromS0, Settings.PowerUpIdleDeviceOnSystemWake === WdfTrue);
  return STATUS_SUCCESS;
}

/**
 * `WdfDeviceStopIdle` (WdfDeviceStopIdleActual): the device must stay in (or return to) D0.
 * WaitForD0 TRUE: PASSIVE_LEVEL, a waiting call (`yield*`) that returns once in D0; FALSE: at or
 * below DISPATCH_LEVEL, STATUS_PENDING while a power-up is under way.
 */
export function WdfDeviceStopIdle(Device: WDFDEVICE, WaitForD0: true): KWAIT_GENERATOR<NTSTATUS>;
export function WdfDeviceStopIdle(Device: WDFDEVICE, WaitForD0: false): NTSTATUS;
export function WdfDeviceStopIdle(Device: WDFDEVICE, WaitForD0: boolean): NTSTATUS | KWAIT_GENERATOR<NTSTATUS> {
  const device = deviceOf(Device);
  const status = FxVerifierCheckIrqlLevel("WdfDeviceStopIdleActual", WaitForD0 ? PASSIVE_LEVEL : DISPATCH_LEVEL);
  if (!NT_SUCCESS(status)) return status;
  const pkg = device.pnp;
  if (pkg === null || !pkg.isPowerPolicyOwner) return STATUS_INVALID_DEVICE_REQUEST;
  return WaitForD0 ? pkg.owner.idle.stopIdleAndWait() : pkg.owner.idle.stopIdle();
}

/** `WdfDeviceResumeIdle` (WdfDeviceResumeIdleActual): ends one WdfDeviceStopIdle; with no I/O left the idle timer starts again. */
export function WdfDeviceResumeIdle(Device: WDFDEVICE): void {
  const device = deviceOf(Device);
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfDeviceResumeIdleActual", DISPATCH_LEVEL))) return;
  const pkg = device.pnp;
  if (pkg !== null && pkg.isPowerPolicyOwner) pkg.owner.idle.ioDecrement();
}

/** `WDF_POWER_POLICY_SX_WAKE_USER_CONTROL` (wdfdevice.h). */
export const WakeUserControlInvalid = 0;
export const WakeDoNotAllowUserControl = 1;
export const WakeAllowUserControl = 2;
export type WDF_POWER_POLICY_SX_WAKE_USER_CONTROL = number;

/** sizeof(WDF_DEVICE_POWER_POLICY_WAKE_SETTINGS) on x64 (KMDF 1.33). */
export const WDF_DEVICE_POWER_POLICY_WAKE_SETTINGS_SIZE = 20;

/** `WDF_DEVICE_POWER_POLICY_WAKE_SETTINGS` (wdfdevice.h): zeroed until its _INIT. */
export class WDF_DEVICE_POWER_POLICY_WAKE_SETTINGS {
  Size = 0;
  DxState = 0;
  UserControlOfWakeSettings: WDF_POWER_POLICY_SX_WAKE_USER_CONTROL = 0;
  Enabled: WDF_TRI_STATE = 0;
  ArmForWakeIfChildrenAreArmedForWake = false;
  IndicateChildWakeOnParentWake = false;
}
export type PWDF_DEVICE_POWER_POLICY_WAKE_SETTINGS = WDF_DEVICE_POWER_POLICY_WAKE_SETTINGS;

/** `WDF_DEVICE_POWER_POLICY_WAKE_SETTINGS_INIT`: enabled by default, DxState PowerDeviceMaximum (the deepest the device can wake from). */
export function WDF_DEVICE_POWER_POLICY_WAKE_SETTINGS_INIT(Settings: WDF_DEVICE_POWER_POLICY_WAKE_SETTINGS): void {
  Object.assign(Settings, new WDF_DEVICE_POWER_POLICY_WAKE_SETTINGS(), {
    Size: WDF_DEVICE_POWER_POLICY_WAKE_SETTINGS_SIZE, Enabled: WdfUseDefault, DxState: PowerDeviceMaximum, UserControlOfWakeSettings: WakeAllowUserControl,
  });
}

/**
 * `WdfDeviceAssignSxWakeSettings`: whether the power-policy owner arms the device to wake the
 * system from Sx (a WAIT_WAKE to the bus driver, EvtDeviceArmWakeFromSx, then on the way back
 * EvtDeviceWakeFromSxTriggered if it woke the system, and EvtDeviceDisarmWakeFromSx).
 */
export function WdfDeviceAssignSxWakeSettings(Device: WDFDEVICE, Settings: PWDF_DEVICE_POWER_POLICY_WAKE_SETTINGS): NTSTATUS {
  const device = deviceOf(Device);
  const status = FxVerifierCheckIrqlLevel("WdfDeviceAssignSxWakeSettings", DISPATCH_LEVEL);
  if (!NT_SUCCESS(status)) return status;
  const pkg = device.pnp;
  if (pkg === null || !pkg.isPowerPolicyOwner) return STATUS_INVALID_DEVICE_REQUEST;
  if (Settings.Size !== WDF_DEVICE_POWER_POLICY_WAKE_SETTINGS_SIZE) return STATUS_INFO_LENGTH_MISMATCH;
  if ((Settings.DxState < PowerDeviceD1 || Settings.DxState > PowerDeviceD3) && Settings.DxState !== PowerDeviceMaximum) return STATUS_INVALID_PARAMETER;
  pkg.owner.sxWakeSettings.Enabled = Settings.Enabled !== WdfFalse;
  pkg.owner.sxWakeSettings.DxState = Settings.DxState === PowerDeviceMaximum ? PowerDeviceD3 : Settings.DxState;
  return STATUS_SUCCESS;
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

/**
 * `WdfDeviceInitSetPowerPolicyEventCallbacks`: copied; EvtDeviceArmWakeFromSxWithReason, if set,
 * is called instead of EvtDeviceArmWakeFromSx (fxdeviceinitapi.cpp), told wake is enabled and
 * no children are armed.
 */
export function WdfDeviceInitSetPowerPolicyEventCallbacks(DeviceInit: PWDFDEVICE_INIT, PowerPolicyEventCallbacks: PWDF_POWER_POLICY_EVENT_CALLBACKS): void {
  const init = FxDeviceInitOf(DeviceInit);
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfDeviceInitSetPowerPolicyEventCallbacks", DISPATCH_LEVEL))) return;
  if (PowerPolicyEventCallbacks.Size !== WDF_POWER_POLICY_EVENT_CALLBACKS_SIZE) return;
  const c = { ...PowerPolicyEventCallbacks };
  const h = (d: FxDevice) => d.handle as WDFDEVICE;
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
  init.PowerPolicyCallbacks = fx;
}
