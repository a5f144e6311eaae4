import { STATUS_INVALID_DEVICE_REQUEST, STATUS_INVALID_PARAMETER, STATUS_SUCCESS, type NTSTATUS } from "@wdfjs/kernel";
import {
  FxDeviceInitAssignIoType, FxDeviceInitAssignSddl, FxDeviceInitSetReleaseHardwareOrderOnFailure, FxDeviceInitSetRemoveLockOptions, FxRegisterStateChangeCallback,
  FxStateChangeCallbacks, FxStateMachinePnp, FxStateMachinePower, FxStateMachinePowerPolicy, FxVerifierBugCheck, WDF_IO_TYPE_CONFIG_SIZE, WDF_REQUIRED_PARAMETER_IS_NULL,
  type PFN_WDF_DEVICE_PNP_STATE_CHANGE_NOTIFICATION, type PFN_WDF_DEVICE_POWER_POLICY_STATE_CHANGE_NOTIFICATION, type PFN_WDF_DEVICE_POWER_STATE_CHANGE_NOTIFICATION,
  type PWDF_IO_TYPE_CONFIG, type PWDF_REMOVE_LOCK_OPTIONS, type PWDFDEVICE_INIT, type WDF_DEVICE_PNP_STATE, type WDF_DEVICE_POWER_POLICY_STATE, type WDF_DEVICE_POWER_STATE,
  type WDF_RELEASE_HARDWARE_ORDER_ON_FAILURE,
} from "@wdfjs/framework";
import { EnterInit } from "./ddi.js";
import type { PCUNICODE_STRING } from "./string.js";

/** `WdfDeviceInitAssignSDDLString`: the device's security descriptor; NULL clears it (a control device's init must keep one: STATUS_INVALID_DEVICE_REQUEST). */
export function WdfDeviceInitAssignSDDLString(DeviceInit: PWDFDEVICE_INIT, SDDLString: PCUNICODE_STRING | null): NTSTATUS {
  const init = EnterInit(DeviceInit, "WdfDeviceInitAssignSDDLString");
  if (init === null) return STATUS_INVALID_DEVICE_REQUEST;
  if (SDDLString === null && init.IsControlDeviceInit) return STATUS_INVALID_DEVICE_REQUEST;
  if (SDDLString !== null && (SDDLString.Length & 1) !== 0) return STATUS_INVALID_PARAMETER;
  return FxDeviceInitAssignSddl(init, SDDLString === null ? null : SDDLString.Buffer.slice(0, SDDLString.Length >>> 1));
}

/** `WdfDeviceInitSetDeviceClass`: the device setup class GUID the device's security defaults come from. */
export function WdfDeviceInitSetDeviceClass(DeviceInit: PWDFDEVICE_INIT, DeviceClassGuid: string): void {
  const init = EnterInit(DeviceInit, "WdfDeviceInitSetDeviceClass");
  if (init === null) return;
  if (typeof DeviceClassGuid !== "string") FxVerifierBugCheck(WDF_REQUIRED_PARAMETER_IS_NULL, 0, 0, "WdfDeviceInitSetDeviceClass: DeviceClassGuid is NULL.");
  init.DeviceClass = DeviceClassGuid;
}

/** `WdfDeviceInitSetIoTypeEx`: a config with a wrong Size is ignored (WDF: STATUS_INFO_LENGTH_MISMATCH, traced); KMDF takes the read/write type. */
export function WdfDeviceInitSetIoTypeEx(DeviceInit: PWDFDEVICE_INIT, IoTypeConfig: PWDF_IO_TYPE_CONFIG): void {
  const init = EnterInit(DeviceInit, "WdfDeviceInitSetIoTypeEx");
  if (init !== null && IoTypeConfig.Size === WDF_IO_TYPE_CONFIG_SIZE) FxDeviceInitAssignIoType(init, IoTypeConfig);
}

/** `WdfDeviceInitSetRemoveLockOptions`: WDF_REMOVE_LOCK_OPTION_ACQUIRE_FOR_IO (refused for a control device, a wrong Size or flags). */
export function WdfDeviceInitSetRemoveLockOptions(DeviceInit: PWDFDEVICE_INIT, RemoveLockOptions: PWDF_REMOVE_LOCK_OPTIONS): void {
  const init = EnterInit(DeviceInit, "WdfDeviceInitSetRemoveLockOptions");
  if (init !== null) FxDeviceInitSetRemoveLockOptions(init, RemoveLockOptions);
}

/** `WdfDeviceInitSetReleaseHardwareOrderOnFailure`: when EvtDeviceReleaseHardware runs after a failed start. */
export function WdfDeviceInitSetReleaseHardwareOrderOnFailure(DeviceInit: PWDFDEVICE_INIT, ReleaseHardwareOrderOnFailure: WDF_RELEASE_HARDWARE_ORDER_ON_FAILURE): void {
  const init = EnterInit(DeviceInit, "WdfDeviceInitSetReleaseHardwareOrderOnFailure");
  if (init !== null) FxDeviceInitSetReleaseHardwareOrderOnFailure(init, ReleaseHardwareOrderOnFailure);
}

/** `WdfDeviceInitSetPowerInrush`: DO_POWER_INRUSH on the device object, which is then not power pageable. */
export function WdfDeviceInitSetPowerInrush(DeviceInit: PWDFDEVICE_INIT): void {
  const init = EnterInit(DeviceInit, "WdfDeviceInitSetPowerInrush");
  if (init === null) return;
  init.Inrush = true;
  init.PowerPageable = false;
}

function Register(DeviceInit: PWDFDEVICE_INIT, Routine: string, Machine: number, State: number, Callback: unknown, CallbackTypes: number): NTSTATUS {
  const init = EnterInit(DeviceInit, Routine);
  if (typeof Callback !== "function") FxVerifierBugCheck(WDF_REQUIRED_PARAMETER_IS_NULL, 0, 0, `${Routine}: the callback is NULL.`);
  if (init === null) return STATUS_INVALID_DEVICE_REQUEST;
  init.StateCallbacks ??= new FxStateChangeCallbacks();
  const refused = FxRegisterStateChangeCallback(init.StateCallbacks, Machine, State, Callback as never, CallbackTypes);
  return refused === null ? STATUS_SUCCESS : STATUS_INVALID_PARAMETER;
}

/**
 * `WdfDeviceInitRegisterPnpStateChangeCallback` (fxdeviceinitapi.cpp): the callback runs when the
 * PnP machine enters, post-processes or leaves PnpState, as CallbackTypes asks (StateNotification*
 * bits; none or others: STATUS_INVALID_PARAMETER, as is a state outside WDF_DEVICE_PNP_STATE).
 */
export function WdfDeviceInitRegisterPnpStateChangeCallback(
  DeviceInit: PWDFDEVICE_INIT, PnpState: WDF_DEVICE_PNP_STATE, EvtDevicePnpStateChange: PFN_WDF_DEVICE_PNP_STATE_CHANGE_NOTIFICATION, CallbackTypes: number,
): NTSTATUS {
  return Register(DeviceInit, "WdfDeviceInitRegisterPnpStateChangeCallback", FxStateMachinePnp, PnpState, EvtDevicePnpStateChange, CallbackTypes);
}

/** `WdfDeviceInitRegisterPowerStateChangeCallback`: as the PnP one, for the power machine's WDF_DEVICE_POWER_STATE. */
export function WdfDeviceInitRegisterPowerStateChangeCallback(
  DeviceInit: PWDFDEVICE_INIT, PowerState: WDF_DEVICE_POWER_STATE, EvtDevicePowerStateChange: PFN_WDF_DEVICE_POWER_STATE_CHANGE_NOTIFICATION, CallbackTypes: number,
): NTSTATUS {
  return Register(DeviceInit, "WdfDeviceInitRegisterPowerStateChangeCallback", FxStateMachinePower, PowerState, EvtDevicePowerStateChange, CallbackTypes);
}

/** `WdfDeviceInitRegisterPowerPolicyStateChangeCallback`: as the PnP one, for the power-policy machine's states. */
export function WdfDeviceInitRegisterPowerPolicyStateChangeCallback(
  DeviceInit: PWDFDEVICE_INIT, PowerPolicyState: WDF_DEVICE_POWER_POLICY_STATE, EvtDevicePowerPolicyStateChange: PFN_WDF_DEVICE_POWER_POLICY_STATE_CHANGE_NOTIFICATION,
  CallbackTypes: number,
): NTSTATUS {
  return Register(DeviceInit, "WdfDeviceInitRegisterPowerPolicyStateChangeCallback", FxStateMachinePowerPolicy, PowerPolicyState, EvtDevicePowerPolicyStateChange, CallbackTypes);
}
