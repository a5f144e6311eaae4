import {
  DelayedWorkQueue, IoAllocateWorkItem, IoQueueWorkItem, KDPC, KeCancelTimer, KeClearEvent, KeInitializeDpc, KeInitializeEvent, KeInitializeTimer,
  KernelMode, KeSetEvent, KeSetTimer, KeWaitForSingleObject, KEVENT, KTIMER, NotificationEvent, Executive, IO_NO_INCREMENT, STATUS_PENDING,
  STATUS_POWER_STATE_INVALID, STATUS_SUCCESS, type DEVICE_OBJECT, type IO_WORKITEM, type KWAIT_GENERATOR, type NTSTATUS,
} from "@wdfjs/kernel";
import type { FxPowerIdleHook } from "../io/power-idle-hook.js";
import type { FxPkgPnp } from "./fx-pkg-pnp.js";

/** `IdleTimeoutDefaultValue` (wdfdevice.h): 0 means the framework's default, five seconds. */
const FxIdleDefaultTimeoutMs = 5000;

// The power-policy events the idle machine posts (fxpowerpolicystatemachine.hpp values).
const PwrPolIoPresent = 0x800;
const PwrPolPowerTimeoutExpired = 0x1000;

/**
 * `FxPowerIdleMachine` (fxpoweridlestatemachine.cpp), reduced to what it decides: a count of
 * the I/O that keeps the device busy (power-managed queues' requests, WdfDeviceStopIdle), an
 * idle timer on machine time started when the count drops to zero while the policy allows
 * idling, and the events it sends the power-policy machine — the timeout, and I/O arriving
 * while the device is powered down for idle. The policy machine runs from a work item, at
 * PASSIVE_LEVEL, as WDF runs it for a pageable device when the timer's DPC fires.
 */
export class FxPowerIdleMachine implements FxPowerIdleHook {
  ioCount = 0;
  /** The policy is in a state that idles (StartedIdleCapable): the timer may run. */
  private timerEnabled = false;
  /** The device went to Dx for idle (WaitingUnarmed ...): the next I/O must power it up. */
  poweredDownForIdle = false;
  timeoutMs = FxIdleDefaultTimeoutMs;
  private readonly timer = new KTIMER();
  private readonly dpc = new KDPC();
  private workItem: IO_WORKITEM | null = null;
  private pendingEvent = 0;
  /** `FxPowerIdleIsStarted`: between the policy's start and stop; a power reference fails outside it. */
  started = false;
  /** Signalled while the device is in D0 (WdfDeviceStopIdle(WaitForD0) waits on it). */
  readonly inD0 = new KEVENT();

  constructor(private readonly pkg: FxPkgPnp) {
    KeInitializeTimer(this.timer);
    KeInitializeDpc(this.dpc, FxPowerIdleTimerDpc, this);
    KeInitializeEvent(this.inD0, NotificationEvent, false);
  }

  /** `EnableTimer`: the policy idles from now; with no I/O the countdown starts. */
  enableTimer(): void {
    this.timerEnabled = true;
    if (this.ioCount === 0) this.startTimer();
  }

  /** `DisableTimer`: no idling (stop, sleep, settings changed). TRUE: no timeout is on its way. */
  disableTimer(): boolean {
    this.timerEnabled = false;
    KeCancelTimer(this.timer);
    return true;
  }

  /** `QueryReturnToIdle`: nothing keeps the device busy. */
  queryReturnToIdle(): boolean {
    return this.ioCount === 0;
  }

  ioIncrement(): void {
    this.ioCount++;
    if (this.ioCount !== 1) return;
    if (this.timerEnabled) KeCancelTimer(this.timer);
    // I/O for a device powered down for idle: the policy powers it up.
    if (this.poweredDownForIdle) this.post(PwrPolIoPresent);
  }

  ioDecrement(): void {
    if (this.ioCount === 0) return;
    this.ioCount--;
    if (this.ioCount === 0 && this.timerEnabled) this.startTimer();
  }

  /**
   * `WdfDeviceStopIdle`: busy from now. With WaitForD0 the caller waits (PASSIVE_LEVEL) until
   * the device is in D0; without, STATUS_PENDING says a power-up is under way.
   */
  *stopIdleAndWait(): KWAIT_GENERATOR<NTSTATUS> {
    this.ioIncrement();
    yield* KeWaitForSingleObject(this.inD0, Executive, KernelMode, false, null);
    return STATUS_SUCCESS;
  }

  stopIdle(): NTSTATUS {
    this.ioIncrement();
    return this.poweredDownForIdle ? STATUS_PENDING : STATUS_SUCCESS;
  }

  /** The power machine reached D0 or left it. */
  setInD0(inD0: boolean): void {
    if (inD0) KeSetEvent(this.inD0, IO_NO_INCREMENT, false);
    else KeClearEvent(this.inD0);
  }

  private startTimer(): void {
    KeSetTimer(this.timer, -this.timeoutMs * 10_000, this.dpc);
  }

  /** Sends the policy machine an event from a work item (the caller may be at DISPATCH_LEVEL). */
  post(event: number): void {
    const d: DEVICE_OBJECT | null = this.pkg.device.DeviceObject;
    if (d === null) return;
    this.pendingEvent |= event;
    this.workItem ??= IoAllocateWorkItem(d);
    if (!this.workItem.queued) IoQueueWorkItem(this.workItem, FxPowerIdleWorkItem, DelayedWorkQueue, this);
  }

  /** @internal the work item's body. */
  *runPending(): KWAIT_GENERATOR<void> {
    while (this.pendingEvent !== 0) {
      const event = this.pendingEvent & -this.pendingEvent;
      this.pendingEvent &= ~event;
      yield* this.pkg.pwrPolProcessEvent(event);
    }
  }

  /** `PowerReference(TRUE)` as the PnP package takes one: STATUS_POWER_STATE_INVALID unless started, else busy once in D0. */
  *powerReference(): KWAIT_GENERATOR<NTSTATUS> {
    if (!this.started) return STATUS_POWER_STATE_INVALID;
    return yield* this.stopIdleAndWait();
  }

  /** The device goes away: no timer, no work left behind. */
  stop(): void {
    this.started = false;
    this.disableTimer();
    this.pendingEvent = 0;
  }
}

function FxPowerIdleTimerDpc(_Dpc: KDPC, machine: FxPowerIdleMachine): void {
  machine.post(PwrPolPowerTimeoutExpired);
}

function FxPowerIdleWorkItem(_DeviceObject: DEVICE_OBJECT, machine: FxPowerIdleMachine): KWAIT_GENERATOR<void> {
  return machine.runPending();
}
