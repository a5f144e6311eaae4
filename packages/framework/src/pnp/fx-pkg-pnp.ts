import {
  IoCompleteRequest, IoGetCurrentIrpStackLocation, IoInvalidateDeviceState, IoMarkIrpPending, IO_NO_INCREMENT, IRP_MJ_POWER, IRP_MN_DEVICE_USAGE_NOTIFICATION,
  PNP_DEVICE_NOT_DISABLEABLE,
  IRP_MN_CANCEL_REMOVE_DEVICE, IRP_MN_CANCEL_STOP_DEVICE, IRP_MN_QUERY_INTERFACE, IRP_MN_QUERY_REMOVE_DEVICE, IRP_MN_QUERY_STOP_DEVICE, IRP_MN_REMOVE_DEVICE, IRP_MN_SET_POWER,
  IRP_MN_START_DEVICE, IRP_MN_STOP_DEVICE, IRP_MN_SURPRISE_REMOVAL, NT_SUCCESS, PowerDeviceD0, PowerDeviceD3,
  PoStartNextPowerIrp, PNP_DEVICE_FAILED, PowerActionNone, type POWER_ACTION, STATUS_PENDING, STATUS_SUCCESS, STATUS_UNSUCCESSFUL, SystemPowerState,
  type DEVICE_OBJECT, type IRP, type KWAIT_GENERATOR, type NTSTATUS,
} from "@wdfjs/kernel";
import type { FxDevice } from "../device/fx-device.js";
import { FxVerifierBugCheck, WDF_PNP_FATAL_ERROR, WDF_POWER_MULTIPLE_PPO } from "../verifier.js";
import { FxIoStopProcessingForPowerPurgeManaged, FxIoStopProcessingForPowerPurgeNonManaged } from "../io/power-actions.js";
import { FxSelfManagedIoMachine } from "./fx-self-managed-io.js";
import { FxBuildCmResList, type FxCmResList } from "../support/fx-cm-res-list.js";
import { FxRelatedDevices } from "./fx-device-relations.js";
import { FxSpecialFiles } from "./fx-special-files.js";
import { FxHandleQueryInterface, type FxQueryInterface } from "./fx-query-interface.js";
import { FxStateMachine } from "./fx-state-machine.js";
import { FxWatchdog } from "./fx-watchdog.js";
import { FxPowerPolicyOwner } from "./fx-power-policy-owner.js";
import { FxApplyDeviceState, type FxDeviceState, type FxPnpCapabilities, type FxPowerCapabilities } from "./fx-pnp-capabilities.js";
import { FxPnpStateTable, PnpEventCancelRemove, PnpEventCancelStop, PnpEventQueryRemove, PnpEventQueryStop, PnpEventRemove, PnpEventStartDevice, PnpEventStop, PnpEventSurpriseRemove } from "./pnp-state-table.js";
import { FxPowerStateTable, PowerD0, PowerDx } from "./power-state-table.js";
import { FxPowerPolicyStateTable, PwrPolS0, PwrPolSx } from "./power-policy-state-table.js";
import { WdfDevStatePnpFailedWaitForRemove, WdfDevStatePnpInit, WdfDevStatePnpObjectCreated, type WDF_DEVICE_PNP_STATE } from "./pnp-states.js";
import { WdfDevStatePowerObjectCreated } from "./power-states.js";
import { WdfDevStatePwrPolObjectCreated } from "./power-policy-states.js";
import { WdfPowerDeviceD0, WdfPowerDeviceD3, WdfPowerDeviceD3Final, type FxMayWait, type FxPnpPowerCallbacks, type WDF_POWER_DEVICE_STATE } from "./pnp-callbacks.js";

function isGenerator<T>(r: unknown): r is KWAIT_GENERATOR<T> {
  return typeof r === "object" && r !== null && typeof (r as Generator).next === "function" && typeof (r as Generator).throw === "function";
}

/** The PnP IRPs that move the PnP machine (`FxPkgPnp::m_PnpIrpTable` entries that post an event). */
function pnpEventOf(minor: number): number {
  switch (minor) {
    case IRP_MN_START_DEVICE: return PnpEventStartDevice;
    case IRP_MN_QUERY_REMOVE_DEVICE: return PnpEventQueryRemove;
    case IRP_MN_REMOVE_DEVICE: return PnpEventRemove;
    case IRP_MN_CANCEL_REMOVE_DEVICE: return PnpEventCancelRemove;
    case IRP_MN_STOP_DEVICE: return PnpEventStop;
    case IRP_MN_QUERY_STOP_DEVICE: return PnpEventQueryStop;
    case IRP_MN_CANCEL_STOP_DEVICE: return PnpEventCancelStop;
    case IRP_MN_SURPRISE_REMOVAL: return PnpEventSurpriseRemove;
    default: return 0;
  }
}


/**
 * `FxPkgPnp` (fxpkgpnp.cpp): a PnP device's three table-driven machines — PnP, power and power
 * policy — and the work their entry functions share: running the driver's callbacks (which may
 * wait, so the machines run as generators), preparing and releasing hardware, self-managed I/O,
 * the pending PnP, system and device power IRPs. `FxPkgFdo` and `FxPkgPdo` say what happens to
 * the IRPs themselves (sent down the stack, or completed by the bus driver).
 */
export abstract class FxPkgPnp {
  readonly pnp: FxStateMachine<FxPkgPnp>;
  readonly power: FxStateMachine<FxPkgPnp>;
  readonly pwrPol: FxStateMachine<FxPkgPnp>;
  /** `WdfDeviceInitSetPowerPolicyOwnership`; an FDO owns power policy by default, a filter or PDO does not. */
  isPowerPolicyOwner: boolean;
  abstract readonly isPdo: boolean;
  /** The device's interfaces are enabled (PnP EnableInterfaces ... cleanup for remove). */
  interfacesEnabled = false;
  /** Whether the power machine last reached D0 (WdfDevStatePowerD0) or Dx: the previous state D0Entry is told. */
  devicePowerState = 0;
  private wdfDeviceState: WDF_POWER_DEVICE_STATE = WdfPowerDeviceD3Final;
  private targetDeviceState: WDF_POWER_DEVICE_STATE = WdfPowerDeviceD3;
  private hardwarePrepared = false;
  private readonly selfManagedIo = new FxSelfManagedIoMachine(this);
  private resourcesRaw = 0;
  private resourcesTranslated = 0;
  private lastFailure: NTSTATUS = STATUS_SUCCESS;
  /** `m_PendingPnPIrp`, and what the machine decided for it. */
  protected pendingPnpIrp: IRP | null = null;
  protected pnpIrpStatus: NTSTATUS = STATUS_SUCCESS;
  protected pnpIrpFinished = false;
  protected pnpIrpDone = false;
  /** The system and device power IRPs the machines hold (`m_PendingSystemPowerIrp`, `m_PendingDevicePowerIrp`). */
  protected pendingSystemIrp: IRP | null = null;
  protected pendingDeviceIrp: IRP | null = null;
  protected releasedStatus: NTSTATUS = STATUS_SUCCESS;
  /** `WdfDeviceSetPnpCapabilities`, `WdfDeviceSetPowerCapabilities`, `WdfDeviceSetDeviceState` (null: never set). */
  pnpCapabilities: FxPnpCapabilities | null = null;
  powerCapabilities: FxPowerCapabilities | null = null;
  deviceState: FxDeviceState | null = null;
  /** The PNP_DEVICE_STATE bits last reported (`m_PnpStateAndCaps`). */
  pnpDeviceStateBits = 0;
  /** The power-policy owner's part (`m_PowerPolicyMachine.m_Owner`): idle and wake settings, the idle machine, WAIT_WAKE. */
  readonly owner: FxPowerPolicyOwner;
  /** The system state of the last S IRP (`m_SystemPowerState`). */
  systemPowerState = 1;
  /** `m_QueryInterfaceHead`: WdfDeviceAddQueryInterface registrations, answered for IRP_MN_QUERY_INTERFACE. */
  readonly queryInterfaces: FxQueryInterface[] = [];
  private transitionHook: ((from: number, to: number, machine: string) => void) | null = null;
  /** `m_DeviceStopCount`: WdfDeviceSetStaticStopRemove(FALSE) calls not yet undone; non-zero fails QUERY_STOP and QUERY_REMOVE. */
  deviceStopCount = 0;
  /** `m_Failed` / `m_FailedAction`: WdfDeviceSetFailed was called (reported as PNP_DEVICE_FAILED). */
  deviceFailed = false;
  failedAction = 0;
  /** `m_RemovalDeviceList`: WdfDeviceAddRemovalRelationsPhysicalDevice's PDOs, reported as RemovalRelations. */
  readonly removalRelations = new FxRelatedDevices();
  /** `m_SystemPowerAction`: the POWER_ACTION of the Sx transition powering the device down (WdfDeviceGetSystemPowerAction). */
  systemPowerAction: POWER_ACTION = PowerActionNone;
  /** The ShutdownType of the last S IRP the power-policy owner saw. */
  systemIrpAction: POWER_ACTION = PowerActionNone;
  /** WdfDeviceSetSpecialFileSupport, the special files the device holds, its dependent usage devices. */
  readonly specialFiles = new FxSpecialFiles(this);

  constructor(readonly device: FxDevice, readonly callbacks: FxPnpPowerCallbacks, powerPolicyOwner: boolean) {
    this.isPowerPolicyOwner = powerPolicyOwner;
    const label = (): string => `WDFDEVICE 0x${device.handle.toString(16)}`;
    this.pnp = new FxStateMachine<FxPkgPnp>(this, FxPnpStateTable, WdfDevStatePnpObjectCreated, label);
    this.power = new FxStateMachine<FxPkgPnp>(this, FxPowerStateTable, WdfDevStatePowerObjectCreated, label);
    this.power.watchdog = new FxWatchdog(this);
    this.pwrPol = new FxStateMachine<FxPkgPnp>(this, FxPowerPolicyStateTable, WdfDevStatePwrPolObjectCreated, label);
    this.owner = new FxPowerPolicyOwner(this);
    device.powerIdleHook = this.owner.idle;
  }

  /** The tracing hook: called on every transition of the three machines (the PnP one first among equals). */
  get onTransition(): ((from: number, to: number, machine: string) => void) | null {
    return this.transitionHook;
  }
  set onTransition(hook: ((from: number, to: number, machine: string) => void) | null) {
    this.transitionHook = hook;
    this.pnp.onTransition = hook === null ? null : (f, t) => hook(f, t, "pnp");
    this.power.onTransition = hook === null ? null : (f, t) => hook(f, t, "power");
    this.pwrPol.onTransition = hook === null ? null : (f, t) => hook(f, t, "power-policy");
  }

  /** The current `WDF_DEVICE_PNP_STATE`. */
  get state(): WDF_DEVICE_PNP_STATE {
    return this.pnp.state;
  }
  /** The last PnP states, oldest first. */
  get history(): WDF_DEVICE_PNP_STATE[] {
    return this.pnp.history();
  }
  /** The device was started and its interfaces are on. */
  get started(): boolean {
    return this.interfacesEnabled;
  }

  /** `PnpEventAddDevice`: the device joined its stack (ObjectCreated → Init). */
  addDevice(): void {
    this.pnp.post(1);
    const g = this.pnp.run();
    while (!g.next().done);
    if (this.pnp.state !== WdfDevStatePnpInit) throw new Error("wdfjs: PnP machine did not reach Init");
  }

  /**
   * Runs a driver callback as its driver: a missing one gives `missing`; one that returns a
   * generator (a PASSIVE_LEVEL callback that waits) is stepped with the driver current each time.
   */
  *invoke<T>(fn: ((d: FxDevice) => FxMayWait<T>) | undefined, missing: T): KWAIT_GENERATOR<T> {
    if (fn === undefined) return missing;
    const d = this.device;
    const r = d.callDriver(() => fn(d));
    if (!isGenerator<T>(r)) return r;
    let step = d.callDriver(() => r.next());
    while (step.done !== true) {
      const v: NTSTATUS = yield step.value;
      step = d.callDriver(() => r.next(v));
    }
    return step.value;
  }

  /** `PowerDmaEnableAndScan`: a bus FDO's child lists scan for children (EvtChildListScanForChildren). */
  *scanForChildren(): KWAIT_GENERATOR<void> {}

  *pwrPolProcessEvent(event: number): KWAIT_GENERATOR<void> {
    yield* this.pwrPol.processEvent(event);
  }

  /** `m_ResourcesRaw` / `m_Resources`: the WDFCMRESLISTs of the last START, children of the device (made at the first). */
  cmResourcesRaw: FxCmResList | null = null;
  cmResources: FxCmResList | null = null;

  /** `PnpPrepareHardware`: EvtDevicePrepareHardware with the START IRP's resource lists, as read-only WDFCMRESLISTs. */
  *prepareHardware(): KWAIT_GENERATOR<NTSTATUS> {
    const raw = FxBuildCmResList(this, false, this.resourcesRaw).handle;
    const translated = FxBuildCmResList(this, true, this.resourcesTranslated).handle;
    const cb = this.callbacks.prepareHardware;
    const status = yield* this.invoke(cb ? (d) => cb(d, raw, translated) : undefined, STATUS_SUCCESS);
    if (NT_SUCCESS(status)) this.hardwarePrepared = true;
    else this.lastFailure = status;
    return status;
  }

  /** `PnpReleaseHardware`: EvtDeviceReleaseHardware, once per successful prepare. */
  *releaseHardware(): KWAIT_GENERATOR<void> {
    if (!this.hardwarePrepared) return;
    this.hardwarePrepared = false;
    const translated = this.cmResources?.handle ?? 0;
    const cb = this.callbacks.releaseHardware;
    yield* this.invoke(cb ? (d) => cb(d, translated) : undefined, STATUS_SUCCESS);
  }

  /** Self-managed I/O start (Init, or Restart after a suspend); a failure is the start's failure. */
  *selfManagedIoStart(): KWAIT_GENERATOR<NTSTATUS> {
    const status = yield* this.selfManagedIo.start();
    if (!NT_SUCCESS(status)) this.lastFailure = status;
    return status;
  }

  *selfManagedIoSuspend(): KWAIT_GENERATOR<void> {
    yield* this.selfManagedIo.suspend();
  }

  /** `PowerGotoDxIoStoppedCommon`: EvtDeviceD0ExitPreInterruptsDisabled, then EvtDeviceD0Exit, with the target state. */
  *powerDown(target: WDF_POWER_DEVICE_STATE): KWAIT_GENERATOR<void> {
    const pre = this.callbacks.d0ExitPreInterruptsDisabled;
    yield* this.invoke(pre ? (d) => pre(d, target) : undefined, STATUS_SUCCESS);
    const exit = this.callbacks.d0Exit;
    yield* this.invoke(exit ? (d) => exit(d, target) : undefined, STATUS_SUCCESS);
    this.wdfDeviceState = target;
  }

  /** The WDF_POWER_DEVICE_STATE a D IRP takes the device to. */
  targetWdfPowerState(): WDF_POWER_DEVICE_STATE {
    return this.targetDeviceState;
  }
  /** The state the device was in before a D0Entry. */
  previousWdfPowerState(): WDF_POWER_DEVICE_STATE {
    return this.wdfDeviceState;
  }

  /**
   * `PnpCleanupForRemove`: interfaces disabled, the power-managed queues purged, then
   * EvtDeviceSelfManagedIoFlush if self-managed I/O ever ran.
   */
  *cleanupForRemove(): KWAIT_GENERATOR<void> {
    this.setInterfaces(false);
    yield* this.device.pkgIo.stopProcessingForPower(FxIoStopProcessingForPowerPurgeManaged);
    yield* this.selfManagedIo.flush();
  }

  /** `PnpEventRemovedCommonCode`: the queues purged for good, EvtDeviceSelfManagedIoCleanup once. */
  *removedCommonCode(): KWAIT_GENERATOR<void> {
    yield* this.device.pkgIo.stopProcessingForPower(FxIoStopProcessingForPowerPurgeNonManaged);
    yield* this.selfManagedIo.cleanup();
  }

  setInterfaces(enable: boolean): void {
    if (this.interfacesEnabled === enable) return;
    this.interfacesEnabled = enable;
    this.device.setInterfacesState(enable);
  }

  /** `PnpFinishProcessingIrp`: the machine is done with the pending PnP IRP; the package sends or completes it. */
  finishPnpIrp(status: NTSTATUS): void {
    if (this.pendingPnpIrp === null || this.pnpIrpFinished) return;
    this.pnpIrpFinished = true;
    this.pnpIrpStatus = status;
  }

  /** IRP_MN_QUERY_PNP_DEVICE_STATE on its way up: the driver's WdfDeviceSetDeviceState bits over the lower drivers'. */
  protected answerPnpDeviceState(Irp: IRP): void {
    const below = NT_SUCCESS(Irp.IoStatus.Status) ? Irp.IoStatus.Information : 0;
    // A device its machines failed while started says so (PNP_DEVICE_FAILED), so the PnP manager removes it.
    const failed = this.pnp.state === WdfDevStatePnpFailedWaitForRemove || this.deviceFailed ? PNP_DEVICE_FAILED : 0;
    // A device holding a paging, hibernation, dump or boot file must not be disabled.
    const special = this.specialFiles.isInSpecialUse() ? PNP_DEVICE_NOT_DISABLEABLE : 0;
    const bits = FxApplyDeviceState(below | failed, this.deviceState) | special;
    this.pnpDeviceStateBits = bits;
    if (this.deviceState !== null || failed !== 0 || special !== 0 || NT_SUCCESS(Irp.IoStatus.Status)) {
      Irp.IoStatus.Information = bits;
      Irp.IoStatus.Status = STATUS_SUCCESS;
    }
  }

  /** The status a failed start or a failed device reports. */
  failureStatus(): NTSTATUS {
    const irp = this.pendingPnpIrp;
    if (irp !== null && IoGetCurrentIrpStackLocation(irp).MinorFunction === IRP_MN_START_DEVICE) return NT_SUCCESS(this.lastFailure) ? STATUS_UNSUCCESSFUL : this.lastFailure;
    return STATUS_SUCCESS;
  }

  /** A device that failed while started asks the PnP manager to look at it again (IoInvalidateDeviceState). */
  invalidateDeviceState(): void {
    const irp = this.pendingPnpIrp;
    if (irp !== null) return;
    const pdo = this.physicalDevice();
    if (pdo !== null) IoInvalidateDeviceState(pdo);
  }

  abstract physicalDevice(): DEVICE_OBJECT | null;
  /** The device whose stack a PDO's usage notifications go to first (its parent); null for an FDO. */
  usageParentDevice(): DEVICE_OBJECT | null {
    return null;
  }
  /** A PDO its parent reported missing (an FDO never is). */
  pdoReportedMissing(): boolean {
    return false;
  }
  /** FDO: START goes down first (bottom-up); PDO: nothing below. TRUE if the lower drivers started. */
  abstract sendStartDeviceDownTheStack(): KWAIT_GENERATOR<boolean>;
  /** FdoRemoved / PdoRemoved: the REMOVE IRP goes its way and the device is deleted. */
  abstract finishRemove(): void;
  /** What happens to a PnP IRP once the machine finished it (`FxPkgFdo`: down the stack; `FxPkgPdo`: completed). */
  protected abstract completePnpIrp(Irp: IRP, status: NTSTATUS): NTSTATUS;
  /** The D IRP the power machine held goes on (`PowerReleasePendingDeviceIrp`). */
  abstract releasePendingDeviceIrp(): void;
  /** A PnP IRP no machine event belongs to (QUERY_ID, QUERY_CAPABILITIES, ...). */
  protected abstract dispatchOtherPnp(Irp: IRP): NTSTATUS | KWAIT_GENERATOR<NTSTATUS>;
  /** A power IRP other than a device's own SET_POWER path. */
  protected abstract dispatchOtherPower(Irp: IRP): NTSTATUS | KWAIT_GENERATOR<NTSTATUS>;
  /** An S IRP: what the package does before and after the power-policy machine sees it. */
  protected abstract dispatchSystemSetPower(Irp: IRP): KWAIT_GENERATOR<NTSTATUS>;
  /** The lower half of a D0 IRP (FDO: the stack below powers up first). FALSE: it failed, already completed. */
  protected abstract lowerDevicePowerUp(Irp: IRP): KWAIT_GENERATOR<boolean>;

  /**
   * IRP_MJ_PNP (`FxPkgPnp::Dispatch`): a state-changing IRP becomes the machine's pending IRP
   * and its event; a second one while the first is pending is the driver stack's bug
   * (WDF_PNP_FATAL_ERROR). The others are answered by the package.
   */
  *dispatchPnp(Irp: IRP): KWAIT_GENERATOR<NTSTATUS> {
    const sl = IoGetCurrentIrpStackLocation(Irp);
    const event = pnpEventOf(sl.MinorFunction);
    if (event === 0) {
      if (sl.MinorFunction === IRP_MN_DEVICE_USAGE_NOTIFICATION) return yield* this.specialFiles.dispatch(Irp);
      if (sl.MinorFunction === IRP_MN_QUERY_INTERFACE && this.queryInterfaces.length > 0) {
        const qi = FxHandleQueryInterface(this.device, this.queryInterfaces, Irp);
        if (qi !== null) return yield* qi;
      }
      const r = this.dispatchOtherPnp(Irp);
      return typeof r === "number" ? r : yield* r;
    }
    if (this.pendingPnpIrp !== null) {
      return FxVerifierBugCheck(WDF_PNP_FATAL_ERROR, this.device.handle, Irp.address,
        `A state-changing PnP IRP (minor 0x${sl.MinorFunction.toString(16)}) arrived while another is pending on WDFDEVICE 0x${this.device.handle.toString(16)}.`);
    }
    if (event === PnpEventStartDevice) {
      this.resourcesRaw = sl.Parameters.StartDevice.AllocatedResources;
      this.resourcesTranslated = sl.Parameters.StartDevice.AllocatedResourcesTranslated;
    }
    this.pendingPnpIrp = Irp;
    this.pnpIrpFinished = false;
    this.pnpIrpDone = false;
    try {
      yield* this.pnp.processEvent(event);
    } finally {
      this.pendingPnpIrp = null;
    }
    if (this.pnpIrpDone) return this.pnpIrpStatus;
    if (!this.pnpIrpFinished) {
      // No state took the IRP (an event the current state does not accept): a cancel always
      // succeeds; anything else keeps the status it has (a failed START from below).
      const m = sl.MinorFunction;
      this.pnpIrpStatus = m === IRP_MN_CANCEL_REMOVE_DEVICE || m === IRP_MN_CANCEL_STOP_DEVICE || m === IRP_MN_SURPRISE_REMOVAL ? STATUS_SUCCESS : Irp.IoStatus.Status;
    }
    return this.completePnpIrp(Irp, this.pnpIrpStatus);
  }

  /** IRP_MJ_POWER: S IRPs to the power-policy owner's machine, D IRPs to the power machine. */
  *dispatchPower(Irp: IRP): KWAIT_GENERATOR<NTSTATUS> {
    const sl = IoGetCurrentIrpStackLocation(Irp);
    if (sl.MajorFunction !== IRP_MJ_POWER || sl.MinorFunction !== IRP_MN_SET_POWER) {
      const r = this.dispatchOtherPower(Irp);
      return typeof r === "number" ? r : yield* r;
    }
    const p = sl.Parameters.Power;
    if (p.Type === SystemPowerState) return yield* this.dispatchSystemSetPower(Irp);
    if (this.isPowerPolicyOwner) {
      // fdopower.cpp DispatchDeviceSetPower: the owner gets only the D IRPs it asked for; another
      // device in the stack that also thinks it owns power policy sent this one.
      if (!this.owner.requestedPowerIrp) {
        const d = this.device.DeviceObject;
        return FxVerifierBugCheck(WDF_POWER_MULTIPLE_PPO, d?.address ?? 0, Irp.address,
          `WDFDEVICE 0x${this.device.handle.toString(16)} is the power policy owner and received a device power IRP it did not request: two devices in the stack claim power policy ownership.`);
      }
      this.owner.requestedPowerIrp = false;
    }
    const state = p.State.DeviceState;
    if (state === PowerDeviceD0) {
      if (!(yield* this.lowerDevicePowerUp(Irp))) return Irp.IoStatus.Status;
      this.pendingDeviceIrp = Irp;
      // Powered up (WDF: once D0 is reported): no system power action any more.
      this.systemPowerAction = PowerActionNone;
      yield* this.power.processEvent(PowerD0);
    } else {
      this.targetDeviceState = state === PowerDeviceD3 ? WdfPowerDeviceD3 : state - PowerDeviceD0 + WdfPowerDeviceD0;
      this.pendingDeviceIrp = Irp;
      // SetPendingDevicePowerIrp: powering down, the system power action that caused it.
      // (The emulated power manager's D IRPs carry PowerActionNone; the S IRP that caused them says why.)
      this.systemPowerAction = p.ShutdownType !== PowerActionNone ? p.ShutdownType : this.systemIrpAction;
      yield* this.power.processEvent(PowerDx);
    }
    if (this.pendingDeviceIrp === Irp) {
      // The machine waits for the power policy (or a callback waits): the IRP stays pending.
      IoMarkIrpPending(Irp);
      return STATUS_PENDING;
    }
    return this.releasedStatus;
  }

  /** The S IRP the power-policy machine held is done (`PowerPolicyCompleteSystemPowerIrp`). */
  completeSystemPowerIrp(): void {
    const irp = this.pendingSystemIrp;
    if (irp === null) return;
    this.pendingSystemIrp = null;
    PoStartNextPowerIrp(irp);
    IoCompleteRequest(irp, IO_NO_INCREMENT);
  }

  /** Runs the power-policy machine for an S IRP held by the package (Sx) or passed (S0). */
  protected *systemPowerEvent(Irp: IRP, toS0: boolean): KWAIT_GENERATOR<void> {
    if (toS0) {
      // fdopower.cpp _SystemPowerS0Completion: S0 is handed to the policy machine's own thread
      // (a work item here), so the S IRP goes on up and a device's wake completes first.
      this.owner.idle.post(PwrPolS0);
      return;
    }
    this.pendingSystemIrp = Irp;
    yield* this.pwrPol.processEvent(PwrPolSx);
    // A policy machine that did not take the Sx (the device is not started) lets the S IRP go.
    if (this.pendingSystemIrp === Irp) this.completeSystemPowerIrp();
  }

  /** For FxPkgFdo / FxPkgPdo: the D IRP's status after it was released. */
  protected takePendingDeviceIrp(): IRP | null {
    const irp = this.pendingDeviceIrp;
    this.pendingDeviceIrp = null;
    return irp;
  }

  protected setReleasedStatus(status: NTSTATUS): void {
    this.releasedStatus = status;
  }

  protected markPnpIrpDone(status: NTSTATUS): void {
    this.pnpIrpDone = true;
    this.pnpIrpStatus = status;
  }
}
