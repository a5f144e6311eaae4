import type { FxDevice } from "../device/fx-device.js";
import type { FxStateMachine } from "./fx-state-machine.js";
import { WdfDevStatePnpNull, WdfDevStatePnpObjectCreated, type WDF_DEVICE_PNP_STATE } from "./pnp-states.js";
import { WdfDevStatePowerNull, WdfDevStatePowerObjectCreated, type WDF_DEVICE_POWER_STATE } from "./power-states.js";
import { WdfDevStatePwrPolNull, WdfDevStatePwrPolObjectCreated, type WDF_DEVICE_POWER_POLICY_STATE } from "./power-policy-states.js";
import type { WDFDEVICE } from "../object/handles.js";

/** `WDF_STATE_NOTIFICATION_TYPE` (wdfdevice.h): when a state change callback runs, as a bit of CallbackTypes. */
export const StateNotificationInvalid = 0x0000;
export const StateNotificationEnterState = 0x0001;
export const StateNotificationPostProcessState = 0x0002;
export const StateNotificationLeaveState = 0x0004;
export const StateNotificationAllStates = StateNotificationEnterState | StateNotificationPostProcessState | StateNotificationLeaveState;
export type WDF_STATE_NOTIFICATION_TYPE = number;

/**
 * `WDF_DEVICE_PNP_NOTIFICATION_DATA` (and its power and power-policy twins): the notification's
 * Type and the union's members (`Data.EnterState`, `Data.PostProcessState`, `Data.LeaveState`).
 */
export interface WDF_DEVICE_STATE_NOTIFICATION_DATA<S extends number> {
  Type: WDF_STATE_NOTIFICATION_TYPE;
  Data: {
    EnterState: { CurrentState: S; NewState: S };
    PostProcessState: { CurrentState: S };
    LeaveState: { CurrentState: S; NewState: S };
  };
}
export type WDF_DEVICE_PNP_NOTIFICATION_DATA = WDF_DEVICE_STATE_NOTIFICATION_DATA<WDF_DEVICE_PNP_STATE>;
export type WDF_DEVICE_POWER_NOTIFICATION_DATA = WDF_DEVICE_STATE_NOTIFICATION_DATA<WDF_DEVICE_POWER_STATE>;
export type WDF_DEVICE_POWER_POLICY_NOTIFICATION_DATA = WDF_DEVICE_STATE_NOTIFICATION_DATA<WDF_DEVICE_POWER_POLICY_STATE>;
export type PCWDF_DEVICE_PNP_NOTIFICATION_DATA = WDF_DEVICE_PNP_NOTIFICATION_DATA;
export type PCWDF_DEVICE_POWER_NOTIFICATION_DATA = WDF_DEVICE_POWER_NOTIFICATION_DATA;
export type PCWDF_DEVICE_POWER_POLICY_NOTIFICATION_DATA = WDF_DEVICE_POWER_POLICY_NOTIFICATION_DATA;

export type EVT_WDF_DEVICE_PNP_STATE_CHANGE_NOTIFICATION = (Device: WDFDEVICE, NotificationData: PCWDF_DEVICE_PNP_NOTIFICATION_DATA) => void;
export type EVT_WDF_DEVICE_POWER_STATE_CHANGE_NOTIFICATION = (Device: WDFDEVICE, NotificationData: PCWDF_DEVICE_POWER_NOTIFICATION_DATA) => void;
export type EVT_WDF_DEVICE_POWER_POLICY_STATE_CHANGE_NOTIFICATION = (Device: WDFDEVICE, NotificationData: PCWDF_DEVICE_POWER_POLICY_NOTIFICATION_DATA) => void;
export type PFN_WDF_DEVICE_PNP_STATE_CHANGE_NOTIFICATION = EVT_WDF_DEVICE_PNP_STATE_CHANGE_NOTIFICATION;
export type PFN_WDF_DEVICE_POWER_STATE_CHANGE_NOTIFICATION = EVT_WDF_DEVICE_POWER_STATE_CHANGE_NOTIFICATION;
export type PFN_WDF_DEVICE_POWER_POLICY_STATE_CHANGE_NOTIFICATION = EVT_WDF_DEVICE_POWER_POLICY_STATE_CHANGE_NOTIFICATION;

type Notify = (Device: WDFDEVICE, Data: WDF_DEVICE_STATE_NOTIFICATION_DATA<number>) => void;

/** The machines a driver can watch, with their state ranges (`WdfDevStateNormalize` then ObjectCreated..Null). */
export const FxStateMachinePnp = 0;
export const FxStateMachinePower = 1;
export const FxStateMachinePowerPolicy = 2;
const RANGES: readonly (readonly [number, number])[] = [
  [WdfDevStatePnpObjectCreated, WdfDevStatePnpNull],
  [WdfDevStatePowerObjectCreated, WdfDevStatePowerNull],
  [WdfDevStatePwrPolObjectCreated, WdfDevStatePwrPolNull],
];

/**
 * `FxPnpStateCallback` / `FxPowerStateCallback` / `FxPowerPolicyStateCallback` (fxpnpcallbacks.hpp):
 * one slot a state, the driver's callback and the notification types it asked for, for each machine.
 */
export class FxStateChangeCallbacks {
  readonly slots: (Map<number, { Callback: Notify; Types: number }>)[] = [new Map(), new Map(), new Map()];
}

/**
 * `WdfDeviceInitRegister{Pnp,Power,PowerPolicy}StateChangeCallback` (fxdeviceinitapi.cpp): a state
 * outside its machine's range, or CallbackTypes zero or with bits beyond StateNotificationAllStates,
 * is STATUS_INVALID_PARAMETER; otherwise the state's slot is (re)set.
 */
export function FxRegisterStateChangeCallback(
  Callbacks: FxStateChangeCallbacks, Machine: number, State: number, Callback: Notify, CallbackTypes: number,
): "invalid-state" | "invalid-types" | null {
  const [low, high] = RANGES[Machine]!;
  if (State < low || State >= high) return "invalid-state";
  if ((CallbackTypes & ~StateNotificationAllStates) !== 0 || CallbackTypes === 0) return "invalid-types";
  Callbacks.slots[Machine]!.set(State, { Callback, Types: CallbackTypes });
  return null;
}

/**
 * Wires a device's registrations into its three machines (`PnpEnterNewState` and its twins): the
 * old state's LeaveState, the new state's EnterState before its entry function, its
 * PostProcessState after; each at the device's driver, with the WDF_*_NOTIFICATION_DATA the source fills.
 */
export function FxAttachStateChangeCallbacks(device: FxDevice, Callbacks: FxStateChangeCallbacks, machines: readonly Pick<FxStateMachine<unknown>, "notify">[]): void {
  machines.forEach((machine, index) => {
    const slots = Callbacks.slots[index]!;
    if (slots.size === 0) return;
    machine.notify = (state: number, Type: number, CurrentState: number, NewState: number): void => {
      const slot = slots.get(state);
      if (slot === undefined || (slot.Types & Type) === 0) return;
      const data: WDF_DEVICE_STATE_NOTIFICATION_DATA<number> = {
        Type,
        Data: { EnterState: { CurrentState, NewState }, PostProcessState: { CurrentState }, LeaveState: { CurrentState, NewState } },
      };
      device.callDriver(() => slot.Callback(device.handle as WDFDEVICE, data));
    };
  });
}
