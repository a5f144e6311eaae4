import {
  KDPC, KeCancelTimer, KeFlushQueuedDpcs, KeInitializeDpc, KeInitializeTimerEx, KeRemoveQueueDpc, KeSetTimerEx, KTIMER, NotificationTimer, NT_SUCCESS, STATUS_INVALID_DEVICE_REQUEST, STATUS_INVALID_PARAMETER, STATUS_NOT_SUPPORTED, type NTSTATUS,
} from "@wdfjs/kernel";
import { FxObject } from "../object/fx-object.js";
import { FX_TYPE_TIMER, WdfExecutionLevelPassive, type WDFOBJECT } from "../object/types.js";
import { FxValidateObjectAttributes, FX_VALIDATE_OPTION_EXECUTION_LEVEL_ALLOWED, type WDF_OBJECT_ATTRIBUTES } from "../object/attributes.js";
import { FxCreateParentedObject } from "./fx-create.js";

const MAXLONG = 0x7fffffff;
import { FxCallbackDefer, FxCallbackRunLocked, FxGetEffectiveLock, FxSearchForCallbacksObject, type FxCallbackLock } from "./fx-callback-lock.js";

/** `WDF_TIMER_CONFIG` in framework terms: the callback gets the timer object. */
export interface FxTimerConfig {
  readonly EvtTimerFunc: (timer: FxTimer) => void;
  /** Milliseconds; 0 for a one-shot timer. */
  readonly Period: number;
  readonly AutomaticSerialization: boolean;
  readonly TolerableDelay: number;
}

/**
 * `FxTimer` (fxtimer.cpp): a KTIMER with its KDPC on the machine's clock. The callback runs in
 * the DPC (DISPATCH_LEVEL), or in a work item for a timer whose attributes ask for PASSIVE_LEVEL;
 * with AutomaticSerialization it holds the callback lock of its parent's queue or device.
 */
export class FxTimer extends FxObject {
  readonly timer = new KTIMER();
  readonly dpc = new KDPC();
  effectiveLock: FxCallbackLock | null = null;
  /** The object given as parent (`WdfTimerGetParentObject`). */
  parentObject: FxObject | null = null;
  /** Started and not stopped, or a periodic timer between ticks. */
  started = false;
  /** The driver's callback is running (`m_CallbackThread`). */
  inCallback = false;

  constructor(readonly config: FxTimerConfig, readonly passive: boolean) {
    super(FX_TYPE_TIMER);
    KeInitializeTimerEx(this.timer, NotificationTimer);
    KeInitializeDpc(this.dpc, FxTimerDpcThunk, this);
  }

  /** `FxTimer::Initialize`'s `_GetEffectiveLock`: the parent's callback lock, or a status. */
  resolveLock(parent: FxObject): NTSTATUS {
    this.parentObject = parent;
    // `FxDeviceBase::_SearchForDevice`: the object must belong to a device.
    if (FxSearchForCallbacksObject(parent) === null) return STATUS_INVALID_DEVICE_REQUEST;
    const lock = FxGetEffectiveLock(parent, this.config.AutomaticSerialization, this.passive);
    if (typeof lock === "number") return lock;
    this.effectiveLock = lock;
    return 0;
  }

  /** `FxTimer::Start`: DueTime as KeSetTimerEx takes it; TRUE if the timer was already in the timer queue. */
  start(DueTime: number): boolean {
    this.started = true;
    return KeSetTimerEx(this.timer, DueTime, this.config.Period, this.dpc);
  }

  /**
   * `FxTimer::Stop`: cancels the timer and a tick not yet run; TRUE if it was in the timer queue.
   * With Wait, the DPCs already queued run first (KeFlushQueuedDpcs), as Windows waits for them.
   */
  stop(Wait: boolean): boolean {
    if (Wait && this.inCallback) {
      // fxtimer.cpp: waiting for its own callback would deadlock; WDF traces, breaks and returns FALSE.
      this.table.machine.trace?.event("wdf.timer-stop-in-callback", null, `WdfTimerStop(0x${this.handle.toString(16)}, TRUE) called from the timer's own callback: it would deadlock`);
      return false;
    }
    this.started = false;
    const was = KeCancelTimer(this.timer);
    if (Wait) KeFlushQueuedDpcs();
    else KeRemoveQueueDpc(this.dpc);
    return was;
  }

  /** The tick: the driver's callback, under the lock, at the timer's level. */
  fire(): void {
    if (this.passive) FxCallbackDefer(this, this.effectiveLock, FxTimerRun, null, this);
    else if (this.effectiveLock !== null) FxCallbackRunLocked(this.effectiveLock, FxTimerRun, null, this);
    else FxTimerRun(this);
  }

  /** A deleted timer never fires again (`FxTimer::Dispose` stops it and flushes its DPC). */
  protected override disposeResources(): void {
    this.started = false;
    KeCancelTimer(this.timer);
    KeRemoveQueueDpc(this.dpc);
  }

  /**
   * `WdfTimerCreate`'s checks after the parent (fxtimerapi.cpp), in its order: Period or
   * TolerableDelay above MAXLONG → STATUS_INVALID_PARAMETER; the attributes (an execution level
   * allowed); a periodic passive-level timer → STATUS_NOT_SUPPORTED; then the lock of the parent.
   */
  static _create(Config: FxTimerConfig, Attributes: WDF_OBJECT_ATTRIBUTES): FxTimer | NTSTATUS {
    if (!(Config.Period >= 0 && Config.Period <= MAXLONG) || !(Config.TolerableDelay >= 0 && Config.TolerableDelay <= MAXLONG)) return STATUS_INVALID_PARAMETER;
    let status = FxValidateObjectAttributes(Attributes, FX_VALIDATE_OPTION_EXECUTION_LEVEL_ALLOWED);
    if (!NT_SUCCESS(status)) return status;
    const passive = Attributes.ExecutionLevel === WdfExecutionLevelPassive;
    if (Config.Period > 0 && passive) return STATUS_NOT_SUPPORTED;
    const timer = new FxTimer(Config, passive);
    status = FxCreateParentedObject(timer, Attributes);
    return NT_SUCCESS(status) ? timer : status;
  }

  get parentHandle(): WDFOBJECT | null {
    return this.parentObject?.handle ?? null;
  }
}

function FxTimerDpcThunk(_Dpc: KDPC, timer: FxTimer): void {
  if (timer.state !== 1) return;
  if (timer.config.Period === 0) timer.started = false;
  timer.fire();
}

function FxTimerRun(timer: FxTimer): void {
  if (timer.state !== 1) return;
  timer.inCallback = true;
  try {
    timer.config.EvtTimerFunc(timer);
  } finally {
    timer.inCallback = false;
  }
}
