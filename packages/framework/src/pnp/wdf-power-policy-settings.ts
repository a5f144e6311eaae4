import { PowerDeviceD3, PowerDeviceMaximum } from "@wdfjs/kernel";
import { WdfUseDefault, type WDF_TRI_STATE } from "../io/queue-config.js";

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
