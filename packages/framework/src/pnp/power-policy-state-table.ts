import { NT_SUCCESS, PowerDeviceD0, PowerDeviceD3, STATUS_SUCCESS, type KWAIT_GENERATOR } from "@wdfjs/kernel";
import type { FxStateTable, FxStateTableEntry } from "./fx-state-machine.js";
import type { FxPkgPnp } from "./fx-pkg-pnp.js";
import { PowerCompleteD0, PowerCompleteDx, PowerImplicitD0, PowerImplicitD3 } from "./power-state-table.js";
import { PnpEventPowerUpFailed, PnpEventPwrPolRemoved, PnpEventPwrPolStarted, PnpEventPwrPolStartFailed, PnpEventPwrPolStopped } from "./pnp-state-table.js";
import {
  WdfDevStatePwrPolNames, WdfDevStatePwrPolNull, WdfDevStatePwrPolObjectCreated, WdfDevStatePwrPolRemoved, WdfDevStatePwrPolRestarting,
  WdfDevStatePwrPolSleeping, WdfDevStatePwrPolSleepingNoWakeCompletePowerDown, WdfDevStatePwrPolSleepingNoWakePowerDown,
  WdfDevStatePwrPolStartedIdleCapable, WdfDevStatePwrPolStartedIdleCapableCancelTimerForSleep, WdfDevStatePwrPolStartedIdleCapableTimerCanceledForSleep,
  WdfDevStatePwrPolStarting, WdfDevStatePwrPolStartingDecideS0Wake, WdfDevStatePwrPolStartingFailed, WdfDevStatePwrPolStartingPoweredUp,
  WdfDevStatePwrPolStartingSucceeded, WdfDevStatePwrPolStopped, WdfDevStatePwrPolStoppedRemoving, WdfDevStatePwrPolStopping,
  WdfDevStatePwrPolStoppingCancelTimer, WdfDevStatePwrPolStoppingSendStatus, WdfDevStatePwrPolSystemAsleepNoWake, WdfDevStatePwrPolSystemWakeDeviceToD0,
  WdfDevStatePwrPolSystemWakeDeviceToD0CompletePowerUp, WdfDevStatePwrPolSystemWakeDeviceWakeDisabled, WdfDevStatePwrPolSystemWakeQueryIdle,
  WdfDevStatePwrPolSleepingNoWakeDxRequestFailed, WdfDevStatePwrPolDeviceD0PowerRequestFailed, WdfDevStatePwrPolStarted, WdfDevStatePwrPolStartedCancelTimer,
  WdfDevStatePwrPolIdleCapableDeviceIdle, WdfDevStatePwrPolTimerExpiredNoWake, WdfDevStatePwrPolTimerExpiredNoWakeCompletePowerDown,
  WdfDevStatePwrPolWaitingUnarmedQueryIdle, WdfDevStatePwrPolWaitingUnarmed, WdfDevStatePwrPolS0NoWakePowerUp, WdfDevStatePwrPolS0NoWakeCompletePowerUp,
  WdfDevStatePwrPolSystemSleepFromDeviceWaitingUnarmed, WdfDevStatePwrPolStoppingResetDevice, WdfDevStatePwrPolStoppingResetDeviceCompletePowerUp,
  WdfDevStatePwrPolDevicePowerRequestFailed, WdfDevStatePwrPolSleepingWakePowerDown, WdfDevStatePwrPolSleepingSendWake, WdfDevStatePwrPolCheckPowerPageable,
  WdfDevStatePwrPolSleepingWakeWakeArrived, WdfDevStatePwrPolSleepingWakeRevertArmWake, WdfDevStatePwrPolSystemAsleepWakeArmed,
  WdfDevStatePwrPolSystemWakeDeviceWakeEnabled, WdfDevStatePwrPolSystemWakeDeviceWakeEnabledWakeCanceled, WdfDevStatePwrPolSystemWakeDeviceWakeDisarm,
  WdfDevStatePwrPolSystemWakeDeviceWakeTriggered, WdfDevStatePwrPolSystemWakeDeviceWakeTriggeredS0, WdfDevStatePwrPolSystemWakeDeviceWokeDisarm,
  WdfDevStatePwrPolSystemWakeDeviceWakeCompletePowerUp, WdfDevStatePwrPolStartedWakeCapable, WdfDevStatePwrPolStartedWakeCapableCancelTimerForSleep,
  WdfDevStatePwrPolStartedWakeCapableTimerCanceledForSleep, WdfDevStatePwrPolWakeCapableDeviceIdle, WdfDevStatePwrPolTimerExpiredDecideUsbSS,
  WdfDevStatePwrPolTimerExpiredWakeCapablePowerDown, WdfDevStatePwrPolTimerExpiredWakeCapableSendWake, WdfDevStatePwrPolTimerExpiredWakeCapableWakeArrived,
  WdfDevStatePwrPolWaitingArmedUsbSS, WdfDevStatePwrPolWaitingArmed, WdfDevStatePwrPolWaitingArmedQueryIdle, WdfDevStatePwrPolWaitingArmedIoPresentCancelUsbSS,
  WdfDevStatePwrPolWaitingArmedWakeSucceededCancelUsbSS, WdfDevStatePwrPolWaitingArmedWakeFailedCancelUsbSS, WdfDevStatePwrPolIoPresentArmed,
  WdfDevStatePwrPolIoPresentArmedWakeCanceled, WdfDevStatePwrPolWokeFromS0, WdfDevStatePwrPolWokeFromS0NotifyDriver, WdfDevStatePwrPolS0WakeDisarm,
  WdfDevStatePwrPolS0WakeCompletePowerUp, WdfDevStatePwrPolStoppingD0CancelUsbSS, WdfDevStatePwrPolStoppingD0, WdfDevStatePwrPolStoppingDisarmWake,
} from "./power-policy-states.js";

/** `FxPowerPolicyEvent` (fxpowerpolicystatemachine.hpp). */
export const PwrPolStart = 0x00000001;
export const PwrPolStop = 0x00000002;
export const PwrPolSx = 0x00000004;
export const PwrPolS0 = 0x00000008;
export const PwrPolPowerDown = 0x00000010;
export const PwrPolPowerUp = 0x00000020;
export const PwrPolPowerDownIoStopped = 0x00000040;
export const PwrPolPowerUpHwStarted = 0x00000080;
export const PwrPolWakeArrived = 0x00000100;
export const PwrPolWakeSuccess = 0x00000200;
export const PwrPolWakeFailed = 0x00000400;
export const PwrPolIoPresent = 0x00000800;
export const PwrPolPowerTimeoutExpired = 0x00001000;
export const PwrPolS0IdlePolicyChanged = 0x00002000;
export const PwrPolSurpriseRemove = 0x00004000;
export const PwrPolPowerDownFailed = 0x00020000;
export const PwrPolPowerUpFailed = 0x00040000;
export const PwrPolRemove = 0x01000000;

const eventNames = new Map<number, string>(Object.entries({
  PwrPolStart, PwrPolStop, PwrPolSx, PwrPolS0, PwrPolPowerDown, PwrPolPowerUp, PwrPolPowerDownIoStopped, PwrPolPowerUpHwStarted, PwrPolWakeArrived,
  PwrPolWakeSuccess, PwrPolWakeFailed, PwrPolIoPresent, PwrPolPowerTimeoutExpired, PwrPolS0IdlePolicyChanged, PwrPolSurpriseRemove,
  PwrPolPowerDownFailed, PwrPolPowerUpFailed, PwrPolRemove,
}).map(([k, v]) => [v, k]));

type P = FxPkgPnp;
const wait = WdfDevStatePwrPolNull;
const row = (entry: FxStateTableEntry<P>["entry"], ...events: [number, number][]): FxStateTableEntry<P> => ({ entry, events });

// Entry functions named for WDF's (`FxPkgPnp::PowerPol...`, powerpolicystatemachine.cpp).

function* PowerPolStarting(p: P): KWAIT_GENERATOR<number> {
  p.owner.idle.started = true;
  yield* p.power.processEvent(PowerImplicitD0);
  return wait;
}

function* PowerPolStartingSucceeded(p: P): KWAIT_GENERATOR<number> {
  yield* p.pnp.processEvent(PnpEventPwrPolStarted);
  return WdfDevStatePwrPolStartingDecideS0Wake;
}

function* PowerPolStartingFailed(p: P): KWAIT_GENERATOR<number> {
  yield* p.pnp.processEvent(PnpEventPwrPolStartFailed);
  return WdfDevStatePwrPolStopped;
}

function PowerPolSleeping(p: P): number {
  // PowerPolicyCanWakeFromSystemState: the owner armed for wake from Sx goes down armed.
  return p.owner.sxWakeSettings.Enabled ? WdfDevStatePwrPolSleepingWakePowerDown : WdfDevStatePwrPolSleepingNoWakePowerDown;
}

function PowerPolSleepingWakePowerDown(p: P): number {
  return p.owner.requestDevicePower(p.owner.sxWakeSettings.DxState) ? wait : WdfDevStatePwrPolSleepingNoWakePowerDown;
}

function PowerPolSleepingSendWake(p: P): number {
  // The queues are stopped, the hardware not yet off: the WAIT_WAKE goes to the bus driver now.
  return p.owner.waitWake.send(p.systemPowerState) ? wait : WdfDevStatePwrPolSleepingNoWakeCompletePowerDown;
}

function* PowerPolSleepingWakeWakeArrived(p: P): KWAIT_GENERATOR<number> {
  const arm = p.owner.callbacks.armWakeFromSx;
  const status = yield* p.invoke(arm, STATUS_SUCCESS);
  if (!NT_SUCCESS(status)) return WdfDevStatePwrPolSleepingWakeRevertArmWake;
  p.owner.waitWake.armedForSx = true;
  yield* p.power.processEvent(PowerCompleteDx);
  return wait;
}

function PowerPolSleepingWakeRevertArmWake(p: P): number {
  // EvtDeviceArmWakeFromSx failed: the WAIT_WAKE is cancelled and the device sleeps unarmed.
  p.owner.waitWake.cancel();
  return WdfDevStatePwrPolSleepingNoWakeCompletePowerDown;
}

function PowerPolSystemWakeDeviceWakeEnabled(p: P): number {
  // Back in S0 without a wake from this device: its WAIT_WAKE is cancelled (its completion says so).
  if (!p.owner.waitWake.cancel() && p.owner.waitWake.irp === null) return WdfDevStatePwrPolSystemWakeDeviceWakeEnabledWakeCanceled;
  return wait;
}

function* PowerPolDisarmWakeFromSx(p: P, triggered: boolean): KWAIT_GENERATOR<number> {
  if (triggered) yield* p.invoke(p.owner.callbacks.wakeFromSxTriggered, undefined);
  if (p.owner.waitWake.armedForSx) {
    p.owner.waitWake.armedForSx = false;
    yield* p.invoke(p.owner.callbacks.disarmWakeFromSx, undefined);
  }
  return WdfDevStatePwrPolSystemWakeDeviceWakeCompletePowerUp;
}

function PowerPolSleepingNoWakePowerDown(p: P): number {
  // The owner asks for the D IRP of the sleep state (PoRequestPowerIrp); the machine waits for it.
  return p.owner.requestDevicePower(PowerDeviceD3) ? wait : WdfDevStatePwrPolSleepingNoWakeDxRequestFailed;
}

function* PowerPolSleepingNoWakeCompletePowerDown(p: P): KWAIT_GENERATOR<number> {
  yield* p.power.processEvent(PowerCompleteDx);
  return wait;
}

function PowerPolSystemAsleepNoWake(p: P): number {
  p.completeSystemPowerIrp();
  return wait;
}

function PowerPolSleepingNoWakeDxRequestFailed(p: P): number {
  p.completeSystemPowerIrp();
  return WdfDevStatePwrPolDeviceD0PowerRequestFailed;
}

function PowerPolSystemWakeDeviceToD0(p: P): number {
  return p.owner.requestDevicePower(PowerDeviceD0) ? wait : WdfDevStatePwrPolDeviceD0PowerRequestFailed;
}

function* PowerPolSystemWakeDeviceToD0CompletePowerUp(p: P): KWAIT_GENERATOR<number> {
  yield* p.power.processEvent(PowerCompleteD0);
  return wait;
}

function* PowerPolStopping(p: P): KWAIT_GENERATOR<number> {
  yield* p.power.processEvent(PowerImplicitD3);
  return wait;
}

function PowerPolStartingDecideS0Wake(p: P): number {
  // Without idle settings (or with idling disabled) the device just stays in D0.
  const s = p.owner.idleSettings;
  if (!s.Enabled) return WdfDevStatePwrPolStarted;
  return s.WakeFromS0Capable ? WdfDevStatePwrPolStartedWakeCapable : WdfDevStatePwrPolStartedIdleCapable;
}

// Idle armed for wake from S0 (IdleCanWakeFromS0): the Dx goes with a WAIT_WAKE and EvtDeviceArmWakeFromS0.

function PowerPolTimerExpiredWakeCapablePowerDown(p: P): number {
  p.owner.idle.poweredDownForIdle = true;
  return p.owner.requestDevicePower(p.owner.idleSettings.DxState) ? wait : WdfDevStatePwrPolDevicePowerRequestFailed;
}

function PowerPolTimerExpiredWakeCapableSendWake(p: P): number {
  return p.owner.waitWake.send(PowerSystemWorkingState) ? wait : WdfDevStatePwrPolTimerExpiredNoWakeCompletePowerDown;
}

function* PowerPolTimerExpiredWakeCapableWakeArrived(p: P): KWAIT_GENERATOR<number> {
  const status = yield* p.invoke(p.owner.callbacks.armWakeFromS0, STATUS_SUCCESS);
  if (!NT_SUCCESS(status)) {
    // Arming failed: the WAIT_WAKE goes, the device idles unarmed.
    p.owner.waitWake.cancel();
    return WdfDevStatePwrPolTimerExpiredNoWakeCompletePowerDown;
  }
  p.owner.waitWake.armedForS0 = true;
  yield* p.power.processEvent(PowerCompleteDx);
  return wait;
}

function PowerPolWaitingArmedQueryIdle(p: P): number {
  return p.owner.idle.queryReturnToIdle() ? WdfDevStatePwrPolWaitingArmed : WdfDevStatePwrPolIoPresentArmed;
}

function PowerPolIoPresentArmed(p: P): number {
  // I/O while armed: the WAIT_WAKE is cancelled first; its completion moves the machine on.
  if (!p.owner.waitWake.cancel() && p.owner.waitWake.irp === null) return WdfDevStatePwrPolIoPresentArmedWakeCanceled;
  return wait;
}

function* PowerPolWokeFromS0NotifyDriver(p: P): KWAIT_GENERATOR<number> {
  yield* p.invoke(p.owner.callbacks.wakeFromS0Triggered, undefined);
  return WdfDevStatePwrPolS0WakeDisarm;
}

function* PowerPolS0WakeDisarm(p: P): KWAIT_GENERATOR<number> {
  if (p.owner.waitWake.armedForS0) {
    p.owner.waitWake.armedForS0 = false;
    yield* p.invoke(p.owner.callbacks.disarmWakeFromS0, undefined);
  }
  return WdfDevStatePwrPolS0WakeCompletePowerUp;
}

function PowerPolStoppingD0(p: P): number {
  // Stopped while idle and armed: the WAIT_WAKE goes and the device comes back to D0 to stop from there.
  p.owner.waitWake.cancel();
  return p.owner.requestDevicePower(PowerDeviceD0) ? wait : WdfDevStatePwrPolDeviceD0PowerRequestFailed;
}

function* PowerPolStoppingDisarmWake(p: P): KWAIT_GENERATOR<number> {
  yield* PowerPolS0WakeDisarm(p);
  yield* PowerPolCompletePowerUp(p);
  return wait;
}

const PowerSystemWorkingState = 1;

function* PowerPolDevicePowerRequestFailed(p: P): KWAIT_GENERATOR<number> {
  // The device could not return to D0: PnP fails it (PnpEventPowerUpFailed), which stops the policy.
  p.owner.idle.disableTimer();
  yield* p.pnp.processEvent(PnpEventPowerUpFailed);
  return wait;
}

function PowerPolStarted(p: P): number {
  p.owner.idle.disableTimer();
  return wait;
}

function PowerPolStartedIdleCapable(p: P): number {
  p.owner.idle.enableTimer();
  return wait;
}

function PowerPolCancelTimer(next: number): (p: P) => number {
  return (p) => {
    p.owner.idle.disableTimer();
    return next;
  };
}

function PowerPolIdleCapableDeviceIdle(p: P): number {
  // Driver-managed idle timeout: power down at once, unless I/O arrived since the timer fired.
  return p.owner.idle.queryReturnToIdle() ? WdfDevStatePwrPolTimerExpiredNoWake : WdfDevStatePwrPolStartedIdleCapable;
}

function PowerPolTimerExpiredNoWake(p: P): number {
  p.owner.idle.poweredDownForIdle = true;
  return p.owner.requestDevicePower(p.owner.idleSettings.DxState) ? wait : WdfDevStatePwrPolDevicePowerRequestFailed;
}

function PowerPolWaitingUnarmedQueryIdle(p: P): number {
  return p.owner.idle.queryReturnToIdle() ? WdfDevStatePwrPolWaitingUnarmed : WdfDevStatePwrPolS0NoWakePowerUp;
}

function PowerPolWaitingInDx(p: P): number {
  p.owner.idle.poweredDownForIdle = true;
  return wait;
}

function PowerPolRequestD0(p: P): number {
  return p.owner.requestDevicePower(PowerDeviceD0) ? wait : WdfDevStatePwrPolDeviceD0PowerRequestFailed;
}

function* PowerPolCompletePowerUp(p: P): KWAIT_GENERATOR<number> {
  p.owner.idle.poweredDownForIdle = false;
  yield* p.power.processEvent(PowerCompleteD0);
  return wait;
}

function PowerPolSystemWakeQueryIdle(p: P): number {
  // Back from Sx: an idle device that need not power up on system wake stays in Dx.
  const s = p.owner.idleSettings;
  return s.Enabled && !s.PowerUpIdleDeviceOnSystemWake && p.owner.idle.queryReturnToIdle() ? WdfDevStatePwrPolWaitingUnarmed : WdfDevStatePwrPolSystemWakeDeviceToD0;
}

function* PowerPolStoppingSendStatus(p: P): KWAIT_GENERATOR<number> {
  p.owner.idle.stop();
  yield* p.pnp.processEvent(PnpEventPwrPolStopped);
  return WdfDevStatePwrPolStopped;
}

function* PowerPolRemoved(p: P): KWAIT_GENERATOR<number> {
  yield* p.pnp.processEvent(PnpEventPwrPolRemoved);
  return wait;
}

/**
 * `FxPkgPnp::m_WdfPowerPolicyStates` (powerpolicystatemachine.cpp), the rows of a power-policy
 * owner that does not arm for wake: start (implicit D0), idle power-down after the idle timeout
 * and power-up when I/O arrives, system sleep (the owner requests Dx, the S IRP completes when
 * the device is in Dx), system wake (D0 requested, or staying idle in Dx), stop and removal.
 */
export const FxPowerPolicyStateTable: FxStateTable<P> = {
  nullState: WdfDevStatePwrPolNull,
  names: WdfDevStatePwrPolNames,
  eventNames,
  traceKind: "wdf.power-policy-state",
  states: new Map<number, FxStateTableEntry<P>>([
    [WdfDevStatePwrPolObjectCreated, row(null, [PwrPolStart, WdfDevStatePwrPolStarting], [PwrPolRemove, WdfDevStatePwrPolRemoved])],
    [WdfDevStatePwrPolStarting, row(PowerPolStarting, [PwrPolPowerUp, WdfDevStatePwrPolStartingPoweredUp], [PwrPolPowerUpFailed, WdfDevStatePwrPolStartingFailed])],
    [WdfDevStatePwrPolStartingPoweredUp, row(() => WdfDevStatePwrPolStartingSucceeded)],
    [WdfDevStatePwrPolStartingSucceeded, row(PowerPolStartingSucceeded)],
    [WdfDevStatePwrPolStartingFailed, row(PowerPolStartingFailed)],
    [WdfDevStatePwrPolStartingDecideS0Wake, row(PowerPolStartingDecideS0Wake)],
    [WdfDevStatePwrPolStarted, row(PowerPolStarted, [PwrPolSx, WdfDevStatePwrPolSleeping], [PwrPolStop, WdfDevStatePwrPolStopping],
      [PwrPolSurpriseRemove, WdfDevStatePwrPolStopping], [PwrPolS0IdlePolicyChanged, WdfDevStatePwrPolStartingDecideS0Wake])],
    [WdfDevStatePwrPolStartedIdleCapable, row(PowerPolStartedIdleCapable, [PwrPolPowerTimeoutExpired, WdfDevStatePwrPolIdleCapableDeviceIdle],
      [PwrPolSx, WdfDevStatePwrPolStartedIdleCapableCancelTimerForSleep], [PwrPolStop, WdfDevStatePwrPolStoppingCancelTimer],
      [PwrPolSurpriseRemove, WdfDevStatePwrPolStoppingCancelTimer], [PwrPolS0IdlePolicyChanged, WdfDevStatePwrPolStartedCancelTimer])],
    [WdfDevStatePwrPolStartedCancelTimer, row(PowerPolCancelTimer(WdfDevStatePwrPolStartingDecideS0Wake))],
    [WdfDevStatePwrPolStartedWakeCapable, row(PowerPolStartedIdleCapable, [PwrPolPowerTimeoutExpired, WdfDevStatePwrPolWakeCapableDeviceIdle],
      [PwrPolSx, WdfDevStatePwrPolStartedWakeCapableCancelTimerForSleep], [PwrPolStop, WdfDevStatePwrPolStoppingCancelTimer],
      [PwrPolSurpriseRemove, WdfDevStatePwrPolStoppingCancelTimer], [PwrPolS0IdlePolicyChanged, WdfDevStatePwrPolStartedCancelTimer])],
    [WdfDevStatePwrPolStartedWakeCapableCancelTimerForSleep, row(PowerPolCancelTimer(WdfDevStatePwrPolStartedWakeCapableTimerCanceledForSleep))],
    [WdfDevStatePwrPolStartedWakeCapableTimerCanceledForSleep, row(() => WdfDevStatePwrPolSleeping)],
    [WdfDevStatePwrPolWakeCapableDeviceIdle, row((p) => (p.owner.idle.queryReturnToIdle() ? WdfDevStatePwrPolTimerExpiredDecideUsbSS : WdfDevStatePwrPolStartedWakeCapable))],
    [WdfDevStatePwrPolTimerExpiredDecideUsbSS, row(() => WdfDevStatePwrPolTimerExpiredWakeCapablePowerDown)],
    [WdfDevStatePwrPolTimerExpiredWakeCapablePowerDown, row(PowerPolTimerExpiredWakeCapablePowerDown, [PwrPolPowerDownIoStopped, WdfDevStatePwrPolTimerExpiredWakeCapableSendWake])],
    [WdfDevStatePwrPolTimerExpiredWakeCapableSendWake, row(PowerPolTimerExpiredWakeCapableSendWake, [PwrPolWakeArrived, WdfDevStatePwrPolTimerExpiredWakeCapableWakeArrived],
      [PwrPolWakeFailed, WdfDevStatePwrPolTimerExpiredNoWakeCompletePowerDown], [PwrPolWakeSuccess, WdfDevStatePwrPolTimerExpiredNoWakeCompletePowerDown])],
    [WdfDevStatePwrPolTimerExpiredWakeCapableWakeArrived, row(PowerPolTimerExpiredWakeCapableWakeArrived, [PwrPolPowerDown, WdfDevStatePwrPolWaitingArmedUsbSS])],
    [WdfDevStatePwrPolWaitingArmedUsbSS, row(() => WdfDevStatePwrPolWaitingArmed)],
    [WdfDevStatePwrPolWaitingArmed, row(PowerPolWaitingInDx, [PwrPolIoPresent, WdfDevStatePwrPolWaitingArmedQueryIdle],
      [PwrPolWakeSuccess, WdfDevStatePwrPolWaitingArmedWakeSucceededCancelUsbSS], [PwrPolWakeFailed, WdfDevStatePwrPolWaitingArmedWakeFailedCancelUsbSS],
      [PwrPolStop, WdfDevStatePwrPolStoppingD0CancelUsbSS], [PwrPolSurpriseRemove, WdfDevStatePwrPolStoppingD0CancelUsbSS],
      [PwrPolS0IdlePolicyChanged, WdfDevStatePwrPolWaitingArmedIoPresentCancelUsbSS])],
    [WdfDevStatePwrPolWaitingArmedQueryIdle, row(PowerPolWaitingArmedQueryIdle)],
    [WdfDevStatePwrPolWaitingArmedIoPresentCancelUsbSS, row(() => WdfDevStatePwrPolIoPresentArmed)],
    [WdfDevStatePwrPolWaitingArmedWakeSucceededCancelUsbSS, row(() => WdfDevStatePwrPolWokeFromS0)],
    [WdfDevStatePwrPolWaitingArmedWakeFailedCancelUsbSS, row(() => WdfDevStatePwrPolIoPresentArmedWakeCanceled)],
    [WdfDevStatePwrPolIoPresentArmed, row(PowerPolIoPresentArmed, [PwrPolWakeFailed, WdfDevStatePwrPolIoPresentArmedWakeCanceled],
      [PwrPolWakeSuccess, WdfDevStatePwrPolIoPresentArmedWakeCanceled])],
    [WdfDevStatePwrPolIoPresentArmedWakeCanceled, row(PowerPolRequestD0, [PwrPolPowerUpHwStarted, WdfDevStatePwrPolS0WakeDisarm], [PwrPolPowerUpFailed, WdfDevStatePwrPolDevicePowerRequestFailed])],
    [WdfDevStatePwrPolWokeFromS0, row(PowerPolRequestD0, [PwrPolPowerUpHwStarted, WdfDevStatePwrPolWokeFromS0NotifyDriver], [PwrPolPowerUpFailed, WdfDevStatePwrPolDevicePowerRequestFailed])],
    [WdfDevStatePwrPolWokeFromS0NotifyDriver, row(PowerPolWokeFromS0NotifyDriver)],
    [WdfDevStatePwrPolS0WakeDisarm, row(PowerPolS0WakeDisarm)],
    [WdfDevStatePwrPolS0WakeCompletePowerUp, row(PowerPolCompletePowerUp, [PwrPolPowerUp, WdfDevStatePwrPolStartingDecideS0Wake])],
    [WdfDevStatePwrPolStoppingD0CancelUsbSS, row(() => WdfDevStatePwrPolStoppingD0)],
    [WdfDevStatePwrPolStoppingD0, row(PowerPolStoppingD0, [PwrPolPowerUpHwStarted, WdfDevStatePwrPolStoppingDisarmWake])],
    [WdfDevStatePwrPolStoppingDisarmWake, row(PowerPolStoppingDisarmWake, [PwrPolPowerUp, WdfDevStatePwrPolStopping])],
    [WdfDevStatePwrPolIdleCapableDeviceIdle, row(PowerPolIdleCapableDeviceIdle)],
    [WdfDevStatePwrPolTimerExpiredNoWake, row(PowerPolTimerExpiredNoWake, [PwrPolPowerDownIoStopped, WdfDevStatePwrPolTimerExpiredNoWakeCompletePowerDown])],
    [WdfDevStatePwrPolTimerExpiredNoWakeCompletePowerDown, row(PowerPolSleepingNoWakeCompletePowerDown, [PwrPolPowerDown, WdfDevStatePwrPolWaitingUnarmedQueryIdle])],
    [WdfDevStatePwrPolWaitingUnarmedQueryIdle, row(PowerPolWaitingUnarmedQueryIdle)],
    [WdfDevStatePwrPolWaitingUnarmed, row(PowerPolWaitingInDx, [PwrPolIoPresent, WdfDevStatePwrPolWaitingUnarmedQueryIdle],
      [PwrPolSx, WdfDevStatePwrPolSystemSleepFromDeviceWaitingUnarmed], [PwrPolStop, WdfDevStatePwrPolStoppingResetDevice],
      [PwrPolSurpriseRemove, WdfDevStatePwrPolStoppingCancelTimer], [PwrPolS0IdlePolicyChanged, WdfDevStatePwrPolS0NoWakePowerUp])],
    [WdfDevStatePwrPolS0NoWakePowerUp, row(PowerPolRequestD0, [PwrPolPowerUpHwStarted, WdfDevStatePwrPolS0NoWakeCompletePowerUp], [PwrPolPowerUpFailed, WdfDevStatePwrPolDevicePowerRequestFailed])],
    [WdfDevStatePwrPolS0NoWakeCompletePowerUp, row(PowerPolCompletePowerUp, [PwrPolPowerUp, WdfDevStatePwrPolStartingDecideS0Wake])],
    [WdfDevStatePwrPolSystemSleepFromDeviceWaitingUnarmed, row(() => WdfDevStatePwrPolSystemAsleepNoWake)],
    [WdfDevStatePwrPolStoppingResetDevice, row(PowerPolRequestD0, [PwrPolPowerUpHwStarted, WdfDevStatePwrPolStoppingResetDeviceCompletePowerUp])],
    [WdfDevStatePwrPolStoppingResetDeviceCompletePowerUp, row(PowerPolCompletePowerUp, [PwrPolPowerUp, WdfDevStatePwrPolStopping])],
    [WdfDevStatePwrPolDevicePowerRequestFailed, row(PowerPolDevicePowerRequestFailed, [PwrPolStop, WdfDevStatePwrPolStoppingCancelTimer],
      [PwrPolSurpriseRemove, WdfDevStatePwrPolStopping])],
    [WdfDevStatePwrPolStartedIdleCapableCancelTimerForSleep, row(PowerPolCancelTimer(WdfDevStatePwrPolStartedIdleCapableTimerCanceledForSleep))],
    [WdfDevStatePwrPolStartedIdleCapableTimerCanceledForSleep, row(() => WdfDevStatePwrPolSleeping)],
    [WdfDevStatePwrPolSleeping, row(PowerPolSleeping)],
    [WdfDevStatePwrPolSleepingWakePowerDown, row(PowerPolSleepingWakePowerDown, [PwrPolPowerDownIoStopped, WdfDevStatePwrPolSleepingSendWake])],
    [WdfDevStatePwrPolSleepingSendWake, row(PowerPolSleepingSendWake, [PwrPolWakeArrived, WdfDevStatePwrPolCheckPowerPageable],
      [PwrPolWakeSuccess, WdfDevStatePwrPolSleepingNoWakeCompletePowerDown], [PwrPolWakeFailed, WdfDevStatePwrPolSleepingNoWakeCompletePowerDown])],
    [WdfDevStatePwrPolCheckPowerPageable, row(() => WdfDevStatePwrPolSleepingWakeWakeArrived)],
    [WdfDevStatePwrPolSleepingWakeWakeArrived, row(PowerPolSleepingWakeWakeArrived, [PwrPolPowerDown, WdfDevStatePwrPolSystemAsleepWakeArmed])],
    [WdfDevStatePwrPolSleepingWakeRevertArmWake, row(PowerPolSleepingWakeRevertArmWake)],
    [WdfDevStatePwrPolSystemAsleepWakeArmed, row(PowerPolSystemAsleepNoWake, [PwrPolS0, WdfDevStatePwrPolSystemWakeDeviceWakeEnabled],
      [PwrPolWakeSuccess, WdfDevStatePwrPolSystemWakeDeviceWakeTriggered])],
    [WdfDevStatePwrPolSystemWakeDeviceWakeEnabled, row(PowerPolSystemWakeDeviceWakeEnabled, [PwrPolWakeFailed, WdfDevStatePwrPolSystemWakeDeviceWakeEnabledWakeCanceled],
      [PwrPolWakeSuccess, WdfDevStatePwrPolSystemWakeDeviceWakeEnabledWakeCanceled])],
    [WdfDevStatePwrPolSystemWakeDeviceWakeEnabledWakeCanceled, row(PowerPolRequestD0, [PwrPolPowerUpHwStarted, WdfDevStatePwrPolSystemWakeDeviceWakeDisarm], [PwrPolPowerUpFailed, WdfDevStatePwrPolDevicePowerRequestFailed])],
    [WdfDevStatePwrPolSystemWakeDeviceWakeDisarm, row((p) => PowerPolDisarmWakeFromSx(p, false))],
    [WdfDevStatePwrPolSystemWakeDeviceWakeTriggered, row(null, [PwrPolS0, WdfDevStatePwrPolSystemWakeDeviceWakeTriggeredS0])],
    [WdfDevStatePwrPolSystemWakeDeviceWakeTriggeredS0, row(PowerPolRequestD0, [PwrPolPowerUpHwStarted, WdfDevStatePwrPolSystemWakeDeviceWokeDisarm], [PwrPolPowerUpFailed, WdfDevStatePwrPolDevicePowerRequestFailed])],
    [WdfDevStatePwrPolSystemWakeDeviceWokeDisarm, row((p) => PowerPolDisarmWakeFromSx(p, true))],
    [WdfDevStatePwrPolSystemWakeDeviceWakeCompletePowerUp, row(PowerPolCompletePowerUp, [PwrPolPowerUp, WdfDevStatePwrPolStartingDecideS0Wake])],
    [WdfDevStatePwrPolSleepingNoWakePowerDown, row(PowerPolSleepingNoWakePowerDown, [PwrPolPowerDownIoStopped, WdfDevStatePwrPolSleepingNoWakeCompletePowerDown])],
    [WdfDevStatePwrPolSleepingNoWakeDxRequestFailed, row(PowerPolSleepingNoWakeDxRequestFailed)],
    [WdfDevStatePwrPolSleepingNoWakeCompletePowerDown, row(PowerPolSleepingNoWakeCompletePowerDown, [PwrPolPowerDown, WdfDevStatePwrPolSystemAsleepNoWake])],
    [WdfDevStatePwrPolSystemAsleepNoWake, row(PowerPolSystemAsleepNoWake, [PwrPolS0, WdfDevStatePwrPolSystemWakeDeviceWakeDisabled])],
    [WdfDevStatePwrPolSystemWakeDeviceWakeDisabled, row(() => WdfDevStatePwrPolSystemWakeQueryIdle)],
    [WdfDevStatePwrPolSystemWakeQueryIdle, row(PowerPolSystemWakeQueryIdle)],
    [WdfDevStatePwrPolSystemWakeDeviceToD0, row(PowerPolSystemWakeDeviceToD0, [PwrPolPowerUpHwStarted, WdfDevStatePwrPolSystemWakeDeviceToD0CompletePowerUp], [PwrPolPowerUpFailed, WdfDevStatePwrPolDevicePowerRequestFailed])],
    [WdfDevStatePwrPolSystemWakeDeviceToD0CompletePowerUp, row(PowerPolSystemWakeDeviceToD0CompletePowerUp, [PwrPolPowerUp, WdfDevStatePwrPolStartingDecideS0Wake])],
    [WdfDevStatePwrPolStoppingCancelTimer, row(PowerPolCancelTimer(WdfDevStatePwrPolStopping))],
    [WdfDevStatePwrPolStopping, row(PowerPolStopping, [PwrPolPowerDown, WdfDevStatePwrPolStoppingSendStatus])],
    [WdfDevStatePwrPolStoppingSendStatus, row(PowerPolStoppingSendStatus)],
    [WdfDevStatePwrPolStopped, row(null, [PwrPolStart, WdfDevStatePwrPolRestarting], [PwrPolRemove, WdfDevStatePwrPolStoppedRemoving])],
    [WdfDevStatePwrPolRestarting, row(PowerPolStarting, [PwrPolPowerUp, WdfDevStatePwrPolStartingSucceeded], [PwrPolPowerUpFailed, WdfDevStatePwrPolStartingFailed])],
    [WdfDevStatePwrPolStoppedRemoving, row(() => WdfDevStatePwrPolRemoved)],
    [WdfDevStatePwrPolRemoved, row(PowerPolRemoved, [PwrPolStart, WdfDevStatePwrPolStarting])],
    [WdfDevStatePwrPolDeviceD0PowerRequestFailed, row(() => wait, [PwrPolStop, WdfDevStatePwrPolStopping], [PwrPolSurpriseRemove, WdfDevStatePwrPolStopping])],
  ]),
};
