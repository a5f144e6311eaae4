import { DISPATCH_LEVEL, NT_SUCCESS, PASSIVE_LEVEL, STATUS_INVALID_DEVICE_REQUEST, type KWAIT_GENERATOR, type NTSTATUS } from "@wdfjs/kernel";
import {
  FxAssignS0IdleSettings, FxAssignSxWakeSettings, FxObjectHandleGetPtr, FxPowerPolicyCallbacksFrom, FxVerifierCheckIrqlLevel, FX_TYPE_DEVICE, type FxDevice,
  type PWDF_DEVICE_POWER_POLICY_IDLE_SETTINGS, type PWDF_DEVICE_POWER_POLICY_WAKE_SETTINGS, type PWDF_POWER_POLICY_EVENT_CALLBACKS, type PWDFDEVICE_INIT,
  type WDFDEVICE,
} from "@wdfjs/framework";
import { Enter, EnterInit } from "./ddi.js";

/** `WdfDeviceAssignS0IdleSettings`: the power-policy owner's idle policy, checked and set by the core's `FxAssignS0IdleSettings`. */
export function WdfDeviceAssignS0IdleSettings(Device: WDFDEVICE, Settings: PWDF_DEVICE_POWER_POLICY_IDLE_SETTINGS): NTSTATUS {
  const device = Enter<FxDevice>(Device, FX_TYPE_DEVICE, "WdfDeviceAssignS0IdleSettings");
  return device === null ? STATUS_INVALID_DEVICE_REQUEST : FxAssignS0IdleSettings(device, Settings);
}

/**
 * `WdfDeviceStopIdle` (WdfDeviceStopIdleActual): the device must stay in (or return to) D0.
 * WaitForD0 TRUE: PASSIVE_LEVEL, a waiting call (`yield*`) that returns once in D0; FALSE: at or
 * below DISPATCH_LEVEL, STATUS_PENDING while a power-up is under way.
 */
export function WdfDeviceStopIdle(Device: WDFDEVICE, WaitForD0: true): KWAIT_GENERATOR<NTSTATUS>;
export function WdfDeviceStopIdle(Device: WDFDEVICE, WaitForD0: false): NTSTATUS;
export function WdfDeviceStopIdle(Device: WDFDEVICE, WaitForD0: boolean): NTSTATUS | KWAIT_GENERATOR<NTSTATUS> {
  const device = FxObjectHandleGetPtr(Device, FX_TYPE_DEVICE) as FxDevice;
  const status = FxVerifierCheckIrqlLevel("WdfDeviceStopIdleActual", WaitForD0 ? PASSIVE_LEVEL : DISPATCH_LEVEL);
  if (!NT_SUCCESS(status)) return status;
  const pkg = device.pnp;
  if (pkg === null || !pkg.isPowerPolicyOwner) return STATUS_INVALID_DEVICE_REQUEST;
  return WaitForD0 ? pkg.owner.idle.stopIdleAndWait() : pkg.owner.idle.stopIdle();
}

/** `WdfDeviceResumeIdle` (WdfDeviceResumeIdleActual): ends one WdfDeviceStopIdle; with no I/O left the idle timer starts again. */
export function WdfDeviceResumeIdle(Device: WDFDEVICE): void {
  const pkg = Enter<FxDevice>(Device, FX_TYPE_DEVICE, "WdfDeviceResumeIdleActual")?.pnp ?? null;
  if (pkg !== null && pkg.isPowerPolicyOwner) pkg.owner.idle.ioDecrement();
}

/** `WdfDeviceAssignSxWakeSettings`: whether the power-policy owner arms the device to wake the system (the core's `FxAssignSxWakeSettings`). */
export function WdfDeviceAssignSxWakeSettings(Device: WDFDEVICE, Settings: PWDF_DEVICE_POWER_POLICY_WAKE_SETTINGS): NTSTATUS {
  const device = Enter<FxDevice>(Device, FX_TYPE_DEVICE, "WdfDeviceAssignSxWakeSettings");
  return device === null ? STATUS_INVALID_DEVICE_REQUEST : FxAssignSxWakeSettings(device, Settings);
}

/** `WdfDeviceInitSetPowerPolicyEventCallbacks`: copied by the core's `FxPowerPolicyCallbacksFrom` (a wrong Size is ignored). */
export function WdfDeviceInitSetPowerPolicyEventCallbacks(DeviceInit: PWDFDEVICE_INIT, PowerPolicyEventCallbacks: PWDF_POWER_POLICY_EVENT_CALLBACKS): void {
  const init = EnterInit(DeviceInit, "WdfDeviceInitSetPowerPolicyEventCallbacks");
  const callbacks = init === null ? null : FxPowerPolicyCallbacksFrom(PowerPolicyEventCallbacks);
  if (callbacks !== null) init!.PowerPolicyCallbacks = callbacks;
}
