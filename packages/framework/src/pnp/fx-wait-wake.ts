import {
  IoCancelIrp, IRP_MN_WAIT_WAKE, NT_SUCCESS, Out, PoRequestPowerIrp, POWER_STATE, STATUS_PENDING,
  type DEVICE_OBJECT, type IO_STATUS_BLOCK, type IRP, type KWAIT_GENERATOR,
} from "@wdfjs/kernel";
import type { FxPkgPnp } from "./fx-pkg-pnp.js";

// The power-policy events a WAIT_WAKE's completion posts (fxpowerpolicystatemachine.hpp values).
const PwrPolWakeSuccess = 0x200;
const PwrPolWakeFailed = 0x400;

/**
 * The power-policy owner's WAIT_WAKE request (`PowerPolicySendWaitWakeRequest`,
 * `PowerPolicyCancelWaitWake`, fxpowerpolicystatemachine.cpp): one IRP at a time, requested with
 * PoRequestPowerIrp for the system state being entered; its completion tells the policy machine
 * whether the device woke (PwrPolWakeSuccess) or the request ended otherwise (PwrPolWakeFailed).
 */
export class FxWaitWake {
  irp: IRP | null = null;
  /** Armed for wake from Sx (EvtDeviceArmWakeFromSx succeeded and not yet disarmed). */
  armedForSx = false;
  /** Armed for wake from S0 while idle (EvtDeviceArmWakeFromS0 succeeded and not yet disarmed). */
  armedForS0 = false;

  constructor(private readonly pkg: FxPkgPnp) {}

  send(SystemState: number): boolean {
    const pdo = this.pkg.physicalDevice();
    if (pdo === null) return false;
    const box = Out<IRP | null>(null);
    const status = PoRequestPowerIrp(pdo, IRP_MN_WAIT_WAKE, new POWER_STATE(SystemState), FxWaitWakeComplete, this, box);
    if (status !== STATUS_PENDING && !NT_SUCCESS(status)) return false;
    // PoRequestPowerIrp's callback may already have run (the stack failed the IRP at once).
    if (this.irp === null && box.value !== null && !this.completed) this.irp = box.value;
    this.completed = false;
    return true;
  }

  private completed = false;

  /** Cancels the request; FALSE if there was none left to cancel (its completion is on its way or done). */
  cancel(): boolean {
    const irp = this.irp;
    if (irp === null) return false;
    return IoCancelIrp(irp);
  }

  /** @internal the request completed. */
  onComplete(IoStatus: IO_STATUS_BLOCK): void {
    this.irp = null;
    this.completed = true;
    const event = NT_SUCCESS(IoStatus.Status) ? PwrPolWakeSuccess : PwrPolWakeFailed;
    FxRunToCompletion(this.pkg.pwrPolProcessEvent(event));
  }
}

function FxWaitWakeComplete(_DeviceObject: DEVICE_OBJECT, _MinorFunction: number, _PowerState: POWER_STATE, Context: FxWaitWake, IoStatus: IO_STATUS_BLOCK): void {
  Context.onComplete(IoStatus);
}

/**
 * Runs a machine's processing from a completion routine, which cannot wait: the states a wake
 * completion leads to only record it or ask for a D IRP, so nothing waits; one that did would be
 * a wdfjs bug.
 */
function FxRunToCompletion(g: KWAIT_GENERATOR<void>): void {
  const step = g.next();
  if (step.done !== true) throw new Error("wdfjs: a power-policy state waited inside a WAIT_WAKE completion");
}
