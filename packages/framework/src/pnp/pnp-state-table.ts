import { NT_SUCCESS, STATUS_INVALID_DEVICE_STATE, STATUS_SUCCESS, type KWAIT_GENERATOR } from "@wdfjs/kernel";
import type { FxStateTable, FxStateTableEntry } from "./fx-state-machine.js";
import type { FxPkgPnp } from "./fx-pkg-pnp.js";
import {
  WdfDevStatePnpEnableInterfaces, WdfDevStatePnpFailed, WdfDevStatePnpFailedInit, WdfDevStatePnpFailedIoStarting, WdfDevStatePnpFailedOwnHardware,
  WdfDevStatePnpFailedPowerDown, WdfDevStatePnpFailedPowerPolicyRemoved, WdfDevStatePnpFailedSurpriseRemoved, WdfDevStatePnpFailedWaitForRemove, WdfDevStatePnpFdoRemoved, WdfDevStatePnpFinal,
  WdfDevStatePnpHardwareAvailable, WdfDevStatePnpHardwareAvailablePowerPolicyFailed, WdfDevStatePnpInit, WdfDevStatePnpInitQueryRemove,
  WdfDevStatePnpInitQueryRemoveCanceled, WdfDevStatePnpInitStarting, WdfDevStatePnpInitSurpriseRemoved, WdfDevStatePnpNames, WdfDevStatePnpNull,
  WdfDevStatePnpObjectCreated, WdfDevStatePnpPdoRemoved, WdfDevStatePnpQueriedRemoving, WdfDevStatePnpQueriedSurpriseRemove, WdfDevStatePnpQueryCanceled,
  WdfDevStatePnpQueryRemoveAskDriver, WdfDevStatePnpQueryRemoveEnsureDeviceAwake, WdfDevStatePnpQueryRemovePending, WdfDevStatePnpQueryRemoveStaticCheck,
  WdfDevStatePnpQueryStopAskDriver, WdfDevStatePnpQueryStopEnsureDeviceAwake, WdfDevStatePnpQueryStopPending, WdfDevStatePnpQueryStopStaticCheck,
  WdfDevStatePnpRemoved, WdfDevStatePnpRemovedChildrenRemoved, WdfDevStatePnpRemovingDisableInterfaces, WdfDevStatePnpRestarting, WdfDevStatePnpStarted,
  WdfDevStatePnpStartedCancelRemove, WdfDevStatePnpStartedCancelStop, WdfDevStatePnpStartedRemoving, WdfDevStatePnpStartedStopping,
  WdfDevStatePnpStartingFromStopped, WdfDevStatePnpStopped, WdfDevStatePnpStoppedWaitForStartCompletion, WdfDevStatePnpSurpriseRemove,
  WdfDevStatePnpSurpriseRemoveIoStarted, WdfDevStatePnpRemovedPdoWait, WdfDevStatePnpCheckForDevicePresence, WdfDevStatePnpRemovedPdoSurpriseRemoved,
  WdfDevStatePnpPdoRestart,
} from "./pnp-states.js";

/** `FxPnpEvent` (fxpnpstatemachine.hpp): what the PnP machine is told, by IRPs and by the other machines. */
export const PnpEventAddDevice = 0x000001;
export const PnpEventStartDevice = 0x000002;
export const PnpEventStartDeviceComplete = 0x000004;
export const PnpEventStartDeviceFailed = 0x000008;
export const PnpEventQueryRemove = 0x000010;
export const PnpEventQueryStop = 0x000020;
export const PnpEventCancelRemove = 0x000040;
export const PnpEventCancelStop = 0x000080;
export const PnpEventStop = 0x000100;
export const PnpEventRemove = 0x000200;
export const PnpEventSurpriseRemove = 0x000400;
export const PnpEventEject = 0x000800;
export const PnpEventPwrPolStopped = 0x001000;
export const PnpEventPwrPolStopFailed = 0x002000;
export const PnpEventPowerUpFailed = 0x004000;
export const PnpEventPowerDownFailed = 0x008000;
export const PnpEventParentRemoved = 0x010000;
export const PnpEventChildrenRemovalComplete = 0x020000;
export const PnpEventPwrPolStarted = 0x040000;
export const PnpEventPwrPolStartFailed = 0x080000;
export const PnpEventDeviceInD0 = 0x100000;
export const PnpEventPwrPolRemoved = 0x200000;

const eventNames = new Map<number, string>(Object.entries({
  PnpEventAddDevice, PnpEventStartDevice, PnpEventStartDeviceComplete, PnpEventStartDeviceFailed, PnpEventQueryRemove, PnpEventQueryStop,
  PnpEventCancelRemove, PnpEventCancelStop, PnpEventStop, PnpEventRemove, PnpEventSurpriseRemove, PnpEventEject, PnpEventPwrPolStopped,
  PnpEventPwrPolStopFailed, PnpEventPowerUpFailed, PnpEventPowerDownFailed, PnpEventParentRemoved, PnpEventChildrenRemovalComplete,
  PnpEventPwrPolStarted, PnpEventPwrPolStartFailed, PnpEventDeviceInD0, PnpEventPwrPolRemoved,
}).map(([k, v]) => [v, k]));

type P = FxPkgPnp;
const wait = WdfDevStatePnpNull;
const row = (entry: FxStateTableEntry<P>["entry"], ...events: [number, number][]): FxStateTableEntry<P> => ({ entry, events });

// The entry functions, each named for WDF's (`FxPkgPnp::PnpEvent...`, pnpstatemachine.cpp).

function* PnpEventInitStarting(p: P): KWAIT_GENERATOR<number> {
  // FDO: the start goes down the stack first; PDO: nothing below.
  const ok = yield* p.sendStartDeviceDownTheStack();
  p.pnp.post(ok ? PnpEventStartDeviceComplete : PnpEventStartDeviceFailed);
  return wait;
}

function* PnpEventHardwareAvailable(p: P): KWAIT_GENERATOR<number> {
  const status = yield* p.prepareHardware();
  // The driver's own EvtDevicePrepareHardware failed: back to Init (no ReleaseHardware).
  if (!NT_SUCCESS(status)) return WdfDevStatePnpFailedInit;
  yield* p.pwrPolProcessEvent(PwrPolStartEvent);
  return wait;
}

function PnpEventEnableInterfaces(p: P): number {
  p.device.setInterfacesState(true);
  return WdfDevStatePnpStarted;
}

/**
 * `PnpEventQueryRemoveStaticCheck` / `PnpEventQueryStopStaticCheck`: a driver that called
 * WdfDeviceSetStaticStopRemove(FALSE) fails the query with STATUS_INVALID_DEVICE_STATE (back to Started).
 */
function PnpEventStaticCheck(p: P, next: number): number {
  if (p.deviceStopCount === 0) return next;
  p.finishPnpIrp(STATUS_INVALID_DEVICE_STATE);
  return WdfDevStatePnpStarted;
}

function* PnpEventQueryRemoveAskDriver(p: P): KWAIT_GENERATOR<number> {
  const status = yield* p.invoke(p.callbacks.queryRemove, STATUS_SUCCESS);
  if (NT_SUCCESS(status)) return WdfDevStatePnpQueryRemoveEnsureDeviceAwake;
  p.finishPnpIrp(status);
  return WdfDevStatePnpStarted;
}

function* PnpEventQueryStopAskDriver(p: P): KWAIT_GENERATOR<number> {
  const status = yield* p.invoke(p.callbacks.queryStop, STATUS_SUCCESS);
  if (NT_SUCCESS(status)) return WdfDevStatePnpQueryStopEnsureDeviceAwake;
  p.finishPnpIrp(status);
  return WdfDevStatePnpStarted;
}

function PnpEventEnsureDeviceAwake(p: P): number {
  // Powered up already unless idle (the idle machine is not here yet): D0 is confirmed at once.
  p.pnp.post(PnpEventDeviceInD0);
  return wait;
}

function PnpEventQueryPending(p: P): number {
  p.finishPnpIrp(STATUS_SUCCESS);
  return wait;
}

function* PnpEventPolicyStop(p: P): KWAIT_GENERATOR<number> {
  yield* p.pwrPolProcessEvent(PwrPolStopEvent);
  return wait;
}

function* PnpEventRemovingDisableInterfaces(p: P): KWAIT_GENERATOR<number> {
  // pnpstatemachine.cpp: hardware first, then interfaces and self-managed I/O flush, as the surprise path does.
  yield* p.releaseHardware();
  yield* p.cleanupForRemove();
  yield* p.pwrPolProcessEvent(PwrPolRemoveEvent);
  return wait;
}

function PnpEventStarted(p: P): number {
  p.finishPnpIrp(STATUS_SUCCESS);
  return wait;
}

function* PnpEventStopped(p: P): KWAIT_GENERATOR<number> {
  yield* p.releaseHardware();
  p.finishPnpIrp(STATUS_SUCCESS);
  return wait;
}

function* PnpEventStoppedWaitForStartCompletion(p: P): KWAIT_GENERATOR<number> {
  const ok = yield* p.sendStartDeviceDownTheStack();
  if (!ok) return WdfDevStatePnpFailed;
  return WdfDevStatePnpStartingFromStopped;
}

function* PnpEventStartingFromStopped(p: P): KWAIT_GENERATOR<number> {
  const status = yield* p.prepareHardware();
  if (!NT_SUCCESS(status)) return WdfDevStatePnpFailedOwnHardware;
  return WdfDevStatePnpRestarting;
}

function* PnpEventRestarting(p: P): KWAIT_GENERATOR<number> {
  yield* p.pwrPolProcessEvent(PwrPolStartEvent);
  return wait;
}

function* PnpEventSurpriseRemoveIoStarted(p: P): KWAIT_GENERATOR<number> {
  yield* p.invoke(p.callbacks.surpriseRemoval, undefined);
  return WdfDevStatePnpFailedIoStarting;
}

function* PnpEventSurpriseRemoved(p: P): KWAIT_GENERATOR<number> {
  yield* p.invoke(p.callbacks.surpriseRemoval, undefined);
  return WdfDevStatePnpFailed;
}

function* PnpEventFailedIoStarting(p: P): KWAIT_GENERATOR<number> {
  yield* p.pwrPolProcessEvent(PwrPolSurpriseRemoveEvent);
  return wait;
}

function* PnpEventFailedOwnHardware(p: P): KWAIT_GENERATOR<number> {
  yield* p.releaseHardware();
  return WdfDevStatePnpFailed;
}

function* PnpEventFailed(p: P): KWAIT_GENERATOR<number> {
  yield* p.cleanupForRemove();
  yield* p.pwrPolProcessEvent(PwrPolRemoveEvent);
  return wait;
}

function PnpEventFailedPowerPolicyRemoved(p: P): number {
  // A failed start or a surprise removal: the IRP is finished, and a started device asks the
  // PnP manager to query its state (IoInvalidateDeviceState) so it is removed.
  p.finishPnpIrp(p.failureStatus());
  p.invalidateDeviceState();
  return WdfDevStatePnpFailedWaitForRemove;
}

function PnpEventFailedInit(p: P): number {
  p.finishPnpIrp(p.failureStatus());
  return WdfDevStatePnpInit;
}

function PnpEventInitSurpriseRemoved(p: P): number {
  p.finishPnpIrp(STATUS_SUCCESS);
  return WdfDevStatePnpInit;
}

function* PnpEventRemoved(p: P): KWAIT_GENERATOR<number> {
  yield* p.removedCommonCode();
  return WdfDevStatePnpRemovedChildrenRemoved;
}

function PnpEventRemovedChildrenRemoved(p: P): number {
  // PnpGetPostRemoveState: a PDO still present waits to be started again; one reported missing goes.
  if (!p.isPdo) return WdfDevStatePnpFdoRemoved;
  return p.pdoReportedMissing() ? WdfDevStatePnpPdoRemoved : WdfDevStatePnpRemovedPdoWait;
}

function PnpEventRemovedPdoWait(p: P): number {
  p.finishPnpIrp(STATUS_SUCCESS);
  return wait;
}

function PnpEventCheckForDevicePresence(p: P): number {
  return p.pdoReportedMissing() ? WdfDevStatePnpPdoRemoved : WdfDevStatePnpRemovedPdoWait;
}

function* PnpEventRemovedPdoSurpriseRemoved(p: P): KWAIT_GENERATOR<number> {
  yield* p.invoke(p.callbacks.surpriseRemoval, undefined);
  p.finishPnpIrp(STATUS_SUCCESS);
  return WdfDevStatePnpRemovedPdoWait;
}

function PnpEventPdoRestart(): number {
  return WdfDevStatePnpHardwareAvailable;
}

function PnpEventDeviceRemoved(p: P): number {
  p.finishRemove();
  return WdfDevStatePnpFinal;
}

function PnpEventBackToStarted(): number {
  return WdfDevStatePnpStarted;
}

function* PnpEventFailedSurpriseRemoved(p: P): KWAIT_GENERATOR<number> {
  yield* p.invoke(p.callbacks.surpriseRemoval, undefined);
  p.finishPnpIrp(STATUS_SUCCESS);
  return WdfDevStatePnpFailedWaitForRemove;
}

function PnpEventInitQueryRemove(p: P): number {
  p.finishPnpIrp(STATUS_SUCCESS);
  return wait;
}

function PnpEventInitQueryRemoveCanceled(p: P): number {
  p.finishPnpIrp(STATUS_SUCCESS);
  return WdfDevStatePnpInit;
}

function PnpEventHardwareAvailablePowerPolicyFailed(): number {
  return WdfDevStatePnpFailedOwnHardware;
}

function PnpEventQueriedSurpriseRemove(): number {
  return WdfDevStatePnpSurpriseRemoveIoStarted;
}

function PnpEventFinal(): number {
  return wait;
}

// The power-policy events PnP sends (fxpowerpolicystatemachine.hpp values, kept here to avoid an import cycle).
const PwrPolStartEvent = 0x1;
const PwrPolStopEvent = 0x2;
const PwrPolSurpriseRemoveEvent = 0x4000;
const PwrPolRemoveEvent = 0x1000000;

/**
 * `FxPkgPnp::m_WdfPnpStates` (pnpstatemachine.cpp): the rows of the paths this framework runs —
 * start and its failures, query-stop / stop / restart and cancel, query-remove / remove / cancel,
 * surprise removal started and not, final removal. Other states keep their enum values only.
 */
export const FxPnpStateTable: FxStateTable<P> = {
  nullState: WdfDevStatePnpNull,
  names: WdfDevStatePnpNames,
  eventNames,
  traceKind: "wdf.pnp-state",
  states: new Map<number, FxStateTableEntry<P>>([
    [WdfDevStatePnpObjectCreated, row(null, [PnpEventAddDevice, WdfDevStatePnpInit])],
    [WdfDevStatePnpInit, row(null, [PnpEventStartDevice, WdfDevStatePnpInitStarting], [PnpEventQueryRemove, WdfDevStatePnpInitQueryRemove],
      [PnpEventRemove, WdfDevStatePnpRemoved], [PnpEventParentRemoved, WdfDevStatePnpRemoved], [PnpEventSurpriseRemove, WdfDevStatePnpInitSurpriseRemoved])],
    [WdfDevStatePnpInitStarting, row(PnpEventInitStarting, [PnpEventStartDeviceComplete, WdfDevStatePnpHardwareAvailable], [PnpEventStartDeviceFailed, WdfDevStatePnpInit])],
    [WdfDevStatePnpInitSurpriseRemoved, row(PnpEventInitSurpriseRemoved)],
    [WdfDevStatePnpHardwareAvailable, row(PnpEventHardwareAvailable, [PnpEventPwrPolStarted, WdfDevStatePnpEnableInterfaces],
      [PnpEventPwrPolStartFailed, WdfDevStatePnpHardwareAvailablePowerPolicyFailed])],
    [WdfDevStatePnpEnableInterfaces, row(PnpEventEnableInterfaces)],
    [WdfDevStatePnpHardwareAvailablePowerPolicyFailed, row(PnpEventHardwareAvailablePowerPolicyFailed)],
    [WdfDevStatePnpQueryRemoveStaticCheck, row((p) => PnpEventStaticCheck(p, WdfDevStatePnpQueryRemoveAskDriver))],
    [WdfDevStatePnpQueryRemoveAskDriver, row(PnpEventQueryRemoveAskDriver)],
    [WdfDevStatePnpQueryRemoveEnsureDeviceAwake, row(PnpEventEnsureDeviceAwake, [PnpEventDeviceInD0, WdfDevStatePnpQueryRemovePending])],
    [WdfDevStatePnpQueryRemovePending, row(PnpEventQueryPending, [PnpEventRemove, WdfDevStatePnpQueriedRemoving],
      [PnpEventCancelRemove, WdfDevStatePnpQueryCanceled], [PnpEventSurpriseRemove, WdfDevStatePnpQueriedSurpriseRemove])],
    [WdfDevStatePnpQueriedRemoving, row(PnpEventPolicyStop, [PnpEventPwrPolStopped, WdfDevStatePnpRemovingDisableInterfaces],
      [PnpEventPwrPolStopFailed, WdfDevStatePnpRemovingDisableInterfaces])],
    [WdfDevStatePnpQueryStopStaticCheck, row((p) => PnpEventStaticCheck(p, WdfDevStatePnpQueryStopAskDriver))],
    [WdfDevStatePnpQueryStopAskDriver, row(PnpEventQueryStopAskDriver)],
    [WdfDevStatePnpQueryStopEnsureDeviceAwake, row(PnpEventEnsureDeviceAwake, [PnpEventDeviceInD0, WdfDevStatePnpQueryStopPending])],
    [WdfDevStatePnpQueryStopPending, row(PnpEventQueryPending, [PnpEventStop, WdfDevStatePnpStartedStopping],
      [PnpEventCancelStop, WdfDevStatePnpQueryCanceled], [PnpEventSurpriseRemove, WdfDevStatePnpQueriedSurpriseRemove])],
    [WdfDevStatePnpQueryCanceled, row(PnpEventBackToStarted)],
    [WdfDevStatePnpRemoved, row(PnpEventRemoved)],
    [WdfDevStatePnpRemovedChildrenRemoved, row(PnpEventRemovedChildrenRemoved)],
    [WdfDevStatePnpFdoRemoved, row(PnpEventDeviceRemoved)],
    [WdfDevStatePnpPdoRemoved, row(PnpEventDeviceRemoved)],
    [WdfDevStatePnpRemovedPdoWait, row(PnpEventRemovedPdoWait, [PnpEventStartDevice, WdfDevStatePnpPdoRestart], [PnpEventRemove, WdfDevStatePnpCheckForDevicePresence],
      [PnpEventParentRemoved, WdfDevStatePnpPdoRemoved], [PnpEventSurpriseRemove, WdfDevStatePnpRemovedPdoSurpriseRemoved])],
    [WdfDevStatePnpCheckForDevicePresence, row(PnpEventCheckForDevicePresence)],
    [WdfDevStatePnpRemovedPdoSurpriseRemoved, row(PnpEventRemovedPdoSurpriseRemoved)],
    [WdfDevStatePnpPdoRestart, row(PnpEventPdoRestart)],
    [WdfDevStatePnpRemovingDisableInterfaces, row(PnpEventRemovingDisableInterfaces, [PnpEventPwrPolRemoved, WdfDevStatePnpRemoved])],
    [WdfDevStatePnpRestarting, row(PnpEventRestarting, [PnpEventPwrPolStarted, WdfDevStatePnpStarted], [PnpEventPwrPolStartFailed, WdfDevStatePnpHardwareAvailablePowerPolicyFailed])],
    [WdfDevStatePnpStarted, row(PnpEventStarted, [PnpEventQueryRemove, WdfDevStatePnpQueryRemoveStaticCheck], [PnpEventQueryStop, WdfDevStatePnpQueryStopStaticCheck],
      [PnpEventCancelStop, WdfDevStatePnpStartedCancelStop], [PnpEventCancelRemove, WdfDevStatePnpStartedCancelRemove], [PnpEventRemove, WdfDevStatePnpStartedRemoving],
      [PnpEventSurpriseRemove, WdfDevStatePnpSurpriseRemoveIoStarted], [PnpEventPowerUpFailed, WdfDevStatePnpFailedIoStarting],
      [PnpEventPowerDownFailed, WdfDevStatePnpFailedPowerDown])],
    [WdfDevStatePnpStartedCancelStop, row(PnpEventBackToStarted)],
    [WdfDevStatePnpStartedCancelRemove, row(PnpEventBackToStarted)],
    [WdfDevStatePnpStartedRemoving, row(PnpEventPolicyStop, [PnpEventPwrPolStopped, WdfDevStatePnpRemovingDisableInterfaces],
      [PnpEventPwrPolStopFailed, WdfDevStatePnpRemovingDisableInterfaces])],
    [WdfDevStatePnpStartingFromStopped, row(PnpEventStartingFromStopped)],
    [WdfDevStatePnpStopped, row(PnpEventStopped, [PnpEventStartDevice, WdfDevStatePnpStoppedWaitForStartCompletion], [PnpEventSurpriseRemove, WdfDevStatePnpSurpriseRemove])],
    [WdfDevStatePnpStoppedWaitForStartCompletion, row(PnpEventStoppedWaitForStartCompletion)],
    [WdfDevStatePnpStartedStopping, row(PnpEventPolicyStop, [PnpEventPwrPolStopped, WdfDevStatePnpStopped], [PnpEventPwrPolStopFailed, WdfDevStatePnpFailedOwnHardware])],
    [WdfDevStatePnpSurpriseRemove, row(PnpEventSurpriseRemoved)],
    [WdfDevStatePnpInitQueryRemove, row(PnpEventInitQueryRemove, [PnpEventRemove, WdfDevStatePnpRemoved], [PnpEventCancelRemove, WdfDevStatePnpInitQueryRemoveCanceled])],
    [WdfDevStatePnpInitQueryRemoveCanceled, row(PnpEventInitQueryRemoveCanceled)],
    [WdfDevStatePnpQueriedSurpriseRemove, row(PnpEventQueriedSurpriseRemove)],
    [WdfDevStatePnpSurpriseRemoveIoStarted, row(PnpEventSurpriseRemoveIoStarted)],
    [WdfDevStatePnpFailedPowerDown, row(PnpEventPolicyStop, [PnpEventPwrPolStopped, WdfDevStatePnpFailedOwnHardware], [PnpEventPwrPolStopFailed, WdfDevStatePnpFailedOwnHardware])],
    [WdfDevStatePnpFailedIoStarting, row(PnpEventFailedIoStarting, [PnpEventPwrPolStopped, WdfDevStatePnpFailedOwnHardware], [PnpEventPwrPolStopFailed, WdfDevStatePnpFailedOwnHardware])],
    [WdfDevStatePnpFailedOwnHardware, row(PnpEventFailedOwnHardware)],
    [WdfDevStatePnpFailed, row(PnpEventFailed, [PnpEventPwrPolRemoved, WdfDevStatePnpFailedPowerPolicyRemoved])],
    [WdfDevStatePnpFailedPowerPolicyRemoved, row(PnpEventFailedPowerPolicyRemoved)],
    [WdfDevStatePnpFailedWaitForRemove, row(null, [PnpEventRemove, WdfDevStatePnpRemoved], [PnpEventSurpriseRemove, WdfDevStatePnpFailedSurpriseRemoved])],
    [WdfDevStatePnpFailedSurpriseRemoved, row(PnpEventFailedSurpriseRemoved)],
    [WdfDevStatePnpFailedInit, row(PnpEventFailedInit)],
    [WdfDevStatePnpFinal, row(PnpEventFinal)],
  ]),
};
