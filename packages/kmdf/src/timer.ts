import { DISPATCH_LEVEL, NT_SUCCESS, PASSIVE_LEVEL, type Box, type NTSTATUS } from "@wdfjs/kernel";
import {
  FxObjectHandleGetPtr, FxTimerCreate, FxVerifierCheckIrqlLevel, FX_TYPE_TIMER, type FxTimer, type PWDF_OBJECT_ATTRIBUTES, type PWDF_TIMER_CONFIG,
  type WDFOBJECT, type WDFTIMER,
} from "@wdfjs/framework";
import { Created, Enter } from "./ddi.js";
import { WdfCheckIrql } from "./irql.js";

// Also exported here, where it was defined before the core took it (wdftypes.h).
export type { WDFTIMER } from "@wdfjs/framework";

/** `WdfTimerCreate` (fxtimerapi.cpp): the core's `FxTimerCreate` (a parent under a device is required). */
export function WdfTimerCreate(Config: PWDF_TIMER_CONFIG, Attributes: PWDF_OBJECT_ATTRIBUTES, Timer: Box<WDFTIMER | null>): NTSTATUS {
  const status = WdfCheckIrql("WdfTimerCreate");
  if (!NT_SUCCESS(status)) return status;
  Timer.value = null;
  return Created(FxTimerCreate(Config, Attributes), Timer);
}

/** `WdfTimerStart`: DueTime in 100 ns units, negative relative, positive absolute; TRUE if the timer was already set. */
export function WdfTimerStart(Timer: WDFTIMER, DueTime: number): boolean {
  return Enter<FxTimer>(Timer, FX_TYPE_TIMER, "WdfTimerStart")?.start(DueTime) ?? false;
}

/** `WdfTimerStop`: TRUE if the timer was set; Wait (PASSIVE_LEVEL only, as fxtimerapi.cpp checks) lets queued callbacks finish first. */
export function WdfTimerStop(Timer: WDFTIMER, Wait: boolean): boolean {
  const timer = FxObjectHandleGetPtr(Timer, FX_TYPE_TIMER) as FxTimer;
  return NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfTimerStop", Wait ? PASSIVE_LEVEL : DISPATCH_LEVEL)) && timer.stop(Wait);
}

/** `WdfTimerGetParentObject`: the parent given at creation. */
export function WdfTimerGetParentObject(Timer: WDFTIMER): WDFOBJECT | null {
  return Enter<FxTimer>(Timer, FX_TYPE_TIMER, "WdfTimerGetParentObject")?.parentHandle ?? null;
}
