import { NT_SUCCESS, type KWAIT_GENERATOR } from "@wdfjs/kernel";
import type { FxStateTable, FxStateTableEntry } from "./fx-state-machine.js";
import type { FxPkgPnp } from "./fx-pkg-pnp.js";
import { FxIoStopProcessingForPowerHold } from "../io/power-actions.js";
import { WdfPowerDeviceD3Final } from "./pnp-callbacks.js";
import {
  WdfDevStatePowerCheckDeviceType, WdfDevStatePowerCheckParentState, WdfDevStatePowerD0, WdfDevStatePowerD0Starting,
  WdfDevStatePowerD0StartingConnectInterrupt, WdfDevStatePowerD0StartingDmaEnable, WdfDevStatePowerD0StartingPostHardwareEnabled,
  WdfDevStatePowerD0StartingStartSelfManagedIo, WdfDevStatePowerDecideD0State, WdfDevStatePowerDx, WdfDevStatePowerGotoD3Stopped, WdfDevStatePowerGotoDx,
  WdfDevStatePowerGotoDxIoStopped, WdfDevStatePowerGotoStopped, WdfDevStatePowerInitialPowerUpFailed, WdfDevStatePowerInitialPowerUpFailedDerefParent,
  WdfDevStatePowerInitialPowerUpFailedPowerDown, WdfDevStatePowerNames, WdfDevStatePowerNotifyingD0EntryToWakeInterrupts,
  WdfDevStatePowerNotifyingD0ExitToWakeInterrupts, WdfDevStatePowerNull, WdfDevStatePowerObjectCreated, WdfDevStatePowerStartingCheckDeviceType,
  WdfDevStatePowerStartSelfManagedIo, WdfDevStatePowerStopped, WdfDevStatePowerStoppedCompleteDx, WdfDevStatePowerDxStopped, WdfDevStatePowerGotoDxStopped,
  WdfDevStatePowerGotoDxStoppedDisableInterrupt, WdfDevStatePowerDxStoppedDecideDxState, WdfDevStatePowerUpFailed, WdfDevStatePowerUpFailedDerefParent,
  WdfDevStatePowerUpFailedPowerDown, WdfDevStatePowerWaking, WdfDevStatePowerWakingConnectInterrupt, WdfDevStatePowerWakingDmaEnable,
  WdfDevStatePowerWakingPostHardwareEnabled, WdfDevStatePowerFinal, WdfDevStatePowerStartingChild, WdfDevStatePowerReportPowerUpFailed,
  WdfDevStatePowerPowerFailedPowerDown,
} from "./power-states.js";

/** `FxPowerEvent` (fxpowerstatemachine.hpp). */
export const PowerD0 = 0x0001;
export const PowerDx = 0x0002;
export const PowerWakeArrival = 0x0004;
export const PowerWakeSucceeded = 0x0008;
export const PowerWakeFailed = 0x0010;
export const PowerWakeCanceled = 0x0020;
export const PowerImplicitD0 = 0x0040;
export const PowerImplicitD3 = 0x0080;
export const PowerParentToD0 = 0x0100;
export const PowerMarkPageable = 0x0200;
export const PowerMarkNonpageable = 0x0400;
export const PowerCompleteD0 = 0x0800;
export const PowerCompleteDx = 0x1000;
export const PowerWakeInterruptCompleteTransition = 0x2000;

const eventNames = new Map<number, string>(Object.entries({
  PowerD0, PowerDx, PowerWakeArrival, PowerWakeSucceeded, PowerWakeFailed, PowerWakeCanceled, PowerImplicitD0, PowerImplicitD3, PowerParentToD0,
  PowerMarkPageable, PowerMarkNonpageable, PowerCompleteD0, PowerCompleteDx, PowerWakeInterruptCompleteTransition,
}).map(([k, v]) => [v, k]));

// What the power machine tells the power-policy machine (fxpowerpolicystatemachine.hpp values).
const PwrPolPowerDown = 0x10;
const PwrPolPowerUp = 0x20;
const PwrPolPowerDownIoStopped = 0x40;
const PwrPolPowerUpHwStarted = 0x80;
const PwrPolPowerUpFailed = 0x40000;

type P = FxPkgPnp;
const wait = WdfDevStatePowerNull;
const row = (entry: FxStateTableEntry<P>["entry"], ...events: [number, number][]): FxStateTableEntry<P> => ({ entry, events });

// Entry functions named for WDF's (`FxPkgPnp::Power...`, powerstatemachine.cpp).

function PowerStartingCheckDeviceType(p: P): number {
  return p.isPdo ? WdfDevStatePowerStartingChild : WdfDevStatePowerD0Starting;
}

function* PowerD0Starting(p: P): KWAIT_GENERATOR<number> {
  // Implicit D0 at start: the device comes from D3Final.
  const status = yield* p.invoke(p.callbacks.d0Entry ? (d) => p.callbacks.d0Entry!(d, WdfPowerDeviceD3Final) : undefined, 0);
  if (!NT_SUCCESS(status)) return WdfDevStatePowerInitialPowerUpFailedDerefParent;
  return WdfDevStatePowerD0StartingConnectInterrupt;
}

function* PowerD0StartingConnectInterrupt(p: P): KWAIT_GENERATOR<number> {
  const cb = p.callbacks.d0EntryPostInterruptsEnabled;
  const status = yield* p.invoke(cb ? (d) => cb(d, WdfPowerDeviceD3Final) : undefined, 0);
  if (!NT_SUCCESS(status)) return WdfDevStatePowerInitialPowerUpFailedPowerDown;
  return WdfDevStatePowerD0StartingDmaEnable;
}

/** `PowerDmaEnableAndScan` (no DMA here): the child lists scan for children. */
function* PowerD0StartingDmaEnable(p: P): KWAIT_GENERATOR<number> {
  yield* p.scanForChildren();
  return WdfDevStatePowerD0StartingPostHardwareEnabled;
}

function* PowerWakingDmaEnable(p: P): KWAIT_GENERATOR<number> {
  yield* p.scanForChildren();
  return WdfDevStatePowerWakingPostHardwareEnabled;
}

function* PowerD0StartingStartSelfManagedIo(p: P): KWAIT_GENERATOR<number> {
  p.device.pkgIo.resumeProcessingForPower();
  const status = yield* p.selfManagedIoStart();
  if (!NT_SUCCESS(status)) return WdfDevStatePowerInitialPowerUpFailedPowerDown;
  p.devicePowerState = WdfDevStatePowerD0;
  p.owner.idle.setInD0(true);
  yield* p.pwrPolProcessEvent(PwrPolPowerUp);
  return WdfDevStatePowerDecideD0State;
}

function* PowerInitialPowerUpFailedPowerDown(p: P): KWAIT_GENERATOR<number> {
  // D0Entry succeeded, a later start step failed: the device leaves D0 again before the failure is reported.
  yield* p.powerDown(WdfPowerDeviceD3Final);
  return WdfDevStatePowerInitialPowerUpFailed;
}

function* PowerInitialPowerUpFailed(p: P): KWAIT_GENERATOR<number> {
  yield* p.pwrPolProcessEvent(PwrPolPowerUpFailed);
  return WdfDevStatePowerStopped;
}

function* PowerGotoD3Stopped(p: P): KWAIT_GENERATOR<number> {
  // Implicit D3 (stop, remove, surprise removal): self-managed I/O suspended, queues held, then D0Exit(D3Final).
  p.owner.idle.setInD0(false);
  yield* p.selfManagedIoSuspend();
  yield* p.device.pkgIo.stopProcessingForPower(FxIoStopProcessingForPowerHold);
  yield* p.powerDown(WdfPowerDeviceD3Final);
  yield* p.pwrPolProcessEvent(PwrPolPowerDown);
  return WdfDevStatePowerStopped;
}

function* PowerGotoDNotZero(p: P): KWAIT_GENERATOR<number> {
  p.owner.idle.setInD0(false);
  yield* p.selfManagedIoSuspend();
  yield* p.device.pkgIo.stopProcessingForPower(FxIoStopProcessingForPowerHold);
  // The policy owner arms wake (if it will) before the hardware goes; a device that is not the owner goes on at once.
  if (p.isPowerPolicyOwner) yield* p.pwrPolProcessEvent(PwrPolPowerDownIoStopped);
  else p.power.post(PowerCompleteDx);
  return wait;
}

function PowerNotifyingD0ExitToWakeInterrupts(p: P): number {
  // No wake interrupts: the transition goes on.
  p.power.post(PowerWakeInterruptCompleteTransition);
  return wait;
}

function* PowerGotoDNotZeroIoStopped(p: P): KWAIT_GENERATOR<number> {
  yield* p.powerDown(p.targetWdfPowerState());
  p.devicePowerState = WdfDevStatePowerDx;
  if (p.isPowerPolicyOwner) yield* p.pwrPolProcessEvent(PwrPolPowerDown);
  p.releasePendingDeviceIrp();
  return WdfDevStatePowerDx;
}

function PowerCheckDeviceType(p: P): number {
  return p.isPdo ? WdfDevStatePowerCheckParentState : WdfDevStatePowerWaking;
}

function* PowerWaking(p: P): KWAIT_GENERATOR<number> {
  const previous = p.previousWdfPowerState();
  const status = yield* p.invoke(p.callbacks.d0Entry ? (d) => p.callbacks.d0Entry!(d, previous) : undefined, 0);
  if (!NT_SUCCESS(status)) return WdfDevStatePowerUpFailedDerefParent;
  return WdfDevStatePowerNotifyingD0EntryToWakeInterrupts;
}

function PowerNotifyingD0EntryToWakeInterrupts(p: P): number {
  p.power.post(PowerWakeInterruptCompleteTransition);
  return wait;
}

function* PowerWakingConnectInterrupt(p: P): KWAIT_GENERATOR<number> {
  const cb = p.callbacks.d0EntryPostInterruptsEnabled;
  const previous = p.previousWdfPowerState();
  const status = yield* p.invoke(cb ? (d) => cb(d, previous) : undefined, 0);
  if (!NT_SUCCESS(status)) return WdfDevStatePowerUpFailedPowerDown;
  return WdfDevStatePowerWakingDmaEnable;
}

function* PowerWakingPostHardwareEnabled(p: P): KWAIT_GENERATOR<number> {
  // The hardware is back; the policy owner disarms wake and then lets the power-up complete.
  if (p.isPowerPolicyOwner) yield* p.pwrPolProcessEvent(PwrPolPowerUpHwStarted);
  else p.power.post(PowerCompleteD0);
  return wait;
}

function* PowerStartSelfManagedIo(p: P): KWAIT_GENERATOR<number> {
  p.device.pkgIo.resumeProcessingForPower();
  yield* p.selfManagedIoStart();
  p.devicePowerState = WdfDevStatePowerD0;
  p.owner.idle.setInD0(true);
  if (p.isPowerPolicyOwner) yield* p.pwrPolProcessEvent(PwrPolPowerUp);
  p.releasePendingDeviceIrp();
  return WdfDevStatePowerD0;
}

function* PowerUpFailed(p: P): KWAIT_GENERATOR<number> {
  // A return to D0 failed: the D IRP goes back, the policy hears of it and fails the device;
  // the machine waits for the implicit D3 of that teardown (ReportPowerUpFailed).
  p.releasePendingDeviceIrp();
  yield* p.pwrPolProcessEvent(PwrPolPowerUpFailed);
  return WdfDevStatePowerReportPowerUpFailed;
}

function* PowerPowerFailedPowerDown(p: P): KWAIT_GENERATOR<number> {
  yield* p.pwrPolProcessEvent(PwrPolPowerDown);
  return WdfDevStatePowerStopped;
}

function* PowerUpFailedPowerDown(p: P): KWAIT_GENERATOR<number> {
  yield* p.powerDown(WdfPowerDeviceD3Final);
  return WdfDevStatePowerUpFailed;
}

function* PowerGotoDxStopped(p: P): KWAIT_GENERATOR<number> {
  // Implicit D3 while already in Dx: no callbacks, the machine just records the stop.
  yield* p.pwrPolProcessEvent(PwrPolPowerDown);
  return WdfDevStatePowerStopped;
}

function PowerGotoStopped(p: P): number {
  p.releasePendingDeviceIrp();
  return WdfDevStatePowerStopped;
}

function PowerStoppedCompleteDx(p: P): number {
  p.releasePendingDeviceIrp();
  return WdfDevStatePowerDxStopped;
}

/**
 * `FxPkgPnp::m_WdfPowerStates` (powerstatemachine.cpp), the pageable rows: implicit D0 at start,
 * D0 → Dx → D0 for device power IRPs, implicit D3 at stop and removal, and the start failures.
 */
export const FxPowerStateTable: FxStateTable<P> = {
  nullState: WdfDevStatePowerNull,
  names: WdfDevStatePowerNames,
  eventNames,
  traceKind: "wdf.power-state",
  states: new Map<number, FxStateTableEntry<P>>([
    [WdfDevStatePowerObjectCreated, row(null, [PowerImplicitD0, WdfDevStatePowerStartingCheckDeviceType])],
    [WdfDevStatePowerStartingCheckDeviceType, row(PowerStartingCheckDeviceType)],
    [WdfDevStatePowerStartingChild, row(() => WdfDevStatePowerD0Starting)],
    [WdfDevStatePowerD0Starting, row(PowerD0Starting)],
    [WdfDevStatePowerD0StartingConnectInterrupt, row(PowerD0StartingConnectInterrupt)],
    [WdfDevStatePowerD0StartingDmaEnable, row(PowerD0StartingDmaEnable)],
    [WdfDevStatePowerD0StartingPostHardwareEnabled, row(() => WdfDevStatePowerD0StartingStartSelfManagedIo)],
    [WdfDevStatePowerD0StartingStartSelfManagedIo, row(PowerD0StartingStartSelfManagedIo)],
    [WdfDevStatePowerDecideD0State, row(() => WdfDevStatePowerD0)],
    // A special file made the device (non-)pageable: DecideD0State picks the D0 row again (the NP twin is the same row here).
    [WdfDevStatePowerD0, row(null, [PowerDx, WdfDevStatePowerGotoDx], [PowerImplicitD3, WdfDevStatePowerGotoD3Stopped],
      [PowerMarkNonpageable, WdfDevStatePowerDecideD0State], [PowerMarkPageable, WdfDevStatePowerDecideD0State])],
    [WdfDevStatePowerGotoD3Stopped, row(PowerGotoD3Stopped)],
    [WdfDevStatePowerStopped, row(null, [PowerImplicitD0, WdfDevStatePowerStartingCheckDeviceType], [PowerDx, WdfDevStatePowerStoppedCompleteDx], [PowerD0, WdfDevStatePowerGotoStopped])],
    [WdfDevStatePowerGotoStopped, row(PowerGotoStopped)],
    [WdfDevStatePowerStoppedCompleteDx, row(PowerStoppedCompleteDx)],
    [WdfDevStatePowerDxStopped, row(null, [PowerImplicitD0, WdfDevStatePowerDxStoppedDecideDxState], [PowerD0, WdfDevStatePowerGotoStopped])],
    [WdfDevStatePowerDxStoppedDecideDxState, row(() => WdfDevStatePowerDx)],
    [WdfDevStatePowerGotoDx, row(PowerGotoDNotZero, [PowerCompleteDx, WdfDevStatePowerNotifyingD0ExitToWakeInterrupts])],
    [WdfDevStatePowerNotifyingD0ExitToWakeInterrupts, row(PowerNotifyingD0ExitToWakeInterrupts, [PowerWakeInterruptCompleteTransition, WdfDevStatePowerGotoDxIoStopped])],
    [WdfDevStatePowerGotoDxIoStopped, row(PowerGotoDNotZeroIoStopped)],
    [WdfDevStatePowerDx, row(null, [PowerD0, WdfDevStatePowerCheckDeviceType], [PowerImplicitD3, WdfDevStatePowerGotoDxStoppedDisableInterrupt])],
    [WdfDevStatePowerGotoDxStoppedDisableInterrupt, row(() => WdfDevStatePowerGotoDxStopped)],
    [WdfDevStatePowerGotoDxStopped, row(PowerGotoDxStopped)],
    [WdfDevStatePowerCheckDeviceType, row(PowerCheckDeviceType)],
    [WdfDevStatePowerCheckParentState, row(() => WdfDevStatePowerWaking)],
    [WdfDevStatePowerWaking, row(PowerWaking)],
    [WdfDevStatePowerNotifyingD0EntryToWakeInterrupts, row(PowerNotifyingD0EntryToWakeInterrupts, [PowerWakeInterruptCompleteTransition, WdfDevStatePowerWakingConnectInterrupt])],
    [WdfDevStatePowerWakingConnectInterrupt, row(PowerWakingConnectInterrupt)],
    [WdfDevStatePowerWakingDmaEnable, row(PowerWakingDmaEnable)],
    [WdfDevStatePowerWakingPostHardwareEnabled, row(PowerWakingPostHardwareEnabled, [PowerCompleteD0, WdfDevStatePowerStartSelfManagedIo])],
    [WdfDevStatePowerStartSelfManagedIo, row(PowerStartSelfManagedIo)],
    [WdfDevStatePowerInitialPowerUpFailedDerefParent, row(() => WdfDevStatePowerInitialPowerUpFailed)],
    [WdfDevStatePowerInitialPowerUpFailedPowerDown, row(PowerInitialPowerUpFailedPowerDown)],
    [WdfDevStatePowerInitialPowerUpFailed, row(PowerInitialPowerUpFailed)],
    [WdfDevStatePowerUpFailedDerefParent, row(() => WdfDevStatePowerUpFailed)],
    [WdfDevStatePowerUpFailedPowerDown, row(PowerUpFailedPowerDown)],
    [WdfDevStatePowerUpFailed, row(PowerUpFailed)],
    [WdfDevStatePowerReportPowerUpFailed, row(null, [PowerImplicitD3, WdfDevStatePowerPowerFailedPowerDown])],
    [WdfDevStatePowerPowerFailedPowerDown, row(PowerPowerFailedPowerDown)],
    [WdfDevStatePowerFinal, row(null)],
  ]),
};
