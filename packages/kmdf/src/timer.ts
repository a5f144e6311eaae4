import { DISPATCH_LEVEL, NT_SUCCESS, PASSIVE_LEVEL, STATUS_INFO_LENGTH_MISMATCH, STATUS_SUCCESS, type Box, type NTSTATUS } from "@wdfjs/kernel";
import {
  FxObjectHandleGetPtr, FxTimer, FxValidateObjectAttributesForParentHandle, FxVerifierCheckIrqlLevel, FX_TYPE_TIMER, type PWDF_OBJECT_ATTRIBUTES, type WDFHANDLE,
  type WDFOBJECT,
} from "@wdfjs/framework";

export type WDFTIMER = WDFHANDLE<"WDFTIMER">;
/** `EVT_WDF_TIMER`: DISPATCH_LEVEL unless the timer's attributes ask for PASSIVE_LEVEL. */
export type EVT_WDF_TIMER = (Timer: WDFTIMER) => void;
export type PFN_WDF_TIMER = EVT_WDF_TIMER | null;

/** sizeof(WDF_TIMER_CONFIG) on x64. */
export const WDF_TIMER_CONFIG_SIZE = 32;

/** `WDF_TIMER_CONFIG`: all zeros until `WDF_TIMER_CONFIG_INIT`. */
export class WDF_TIMER_CONFIG {
  Size = 0;
  EvtTimerFunc: PFN_WDF_TIMER = null;
  Period = 0;
  AutomaticSerialization = false;
  TolerableDelay = 0;
  UseHighResolutionTimer = 0;
}
export type PWDF_TIMER_CONFIG = WDF_TIMER_CONFIG;

/** `WDF_TIMER_CONFIG_INIT`: a one-shot timer, AutomaticSerialization TRUE. */
export function WDF_TIMER_CONFIG_INIT(Config: WDF_TIMER_CONFIG, EvtTimerFunc: PFN_WDF_TIMER): void {
  Config.Size = WDF_TIMER_CONFIG_SIZE;
  Config.EvtTimerFunc = EvtTimerFunc;
  Config.Period = 0;
  Config.AutomaticSerialization = true;
  Config.TolerableDelay = 0;
  Config.UseHighResolutionTimer = 0;
}

/** `WDF_TIMER_CONFIG_INIT_PERIODIC`: fires every Period ms once started. */
export function WDF_TIMER_CONFIG_INIT_PERIODIC(Config: WDF_TIMER_CONFIG, EvtTimerFunc: PFN_WDF_TIMER, Period: number): void {
  WDF_TIMER_CONFIG_INIT(Config, EvtTimerFunc);
  Config.Period = Period;
}

/**
 * `WdfTimerCreate` (fxtimerapi.cpp): a parent is required (STATUS_WDF_PARENT_NOT_SPECIFIED), under
 * a device (STATUS_INVALID_DEVICE_REQUEST); Config Size; Period > MAXLONG → STATUS_INVALID_PARAMETER;
 * periodic and passive → STATUS_NOT_SUPPORTED; a parent lock of the other level →
 * STATUS_WDF_INCOMPATIBLE_EXECUTION_LEVEL.
 */
export function WdfTimerCreate(Config: PWDF_TIMER_CONFIG, Attributes: PWDF_OBJECT_ATTRIBUTES, Timer: Box<WDFTIMER | null>): NTSTATUS {
  let status = FxVerifierCheckIrqlLevel("WdfTimerCreate", DISPATCH_LEVEL);
  if (!NT_SUCCESS(status)) return status;
  Timer.value = null;
  status = FxValidateObjectAttributesForParentHandle(Attributes);
  if (!NT_SUCCESS(status)) return status;
  if (Config.Size !== WDF_TIMER_CONFIG_SIZE) return STATUS_INFO_LENGTH_MISMATCH;
  const fn = Config.EvtTimerFunc;
  const { Period, AutomaticSerialization, TolerableDelay } = Config;
  const timer = FxTimer._create({ EvtTimerFunc: (t) => fn?.(t.handle as WDFTIMER), Period, AutomaticSerialization, TolerableDelay }, Attributes!);
  if (typeof timer === "number") return timer;
  Timer.value = timer.handle as WDFTIMER;
  return STATUS_SUCCESS;
}

/** `WdfTimerStart`: DueTime in 100 ns units, negative relative, positive absolute; TRUE if the timer was already set. */
export function WdfTimerStart(Timer: WDFTIMER, DueTime: number): boolean {
  const timer = FxObjectHandleGetPtr(Timer, FX_TYPE_TIMER) as FxTimer;
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfTimerStart", DISPATCH_LEVEL))) return false;
  return timer.start(DueTime);
}

/**
 * `WdfTimerStop`: TRUE if the timer was set. Wait (PASSIVE_LEVEL only; the checked flavor
 * refuses it above, as fxtimerapi.cpp does) lets the callbacks already queued finish first.
 */
export function WdfTimerStop(Timer: WDFTIMER, Wait: boolean): boolean {
  const timer = FxObjectHandleGetPtr(Timer, FX_TYPE_TIMER) as FxTimer;
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfTimerStop", Wait ? PASSIVE_LEVEL : DISPATCH_LEVEL))) return false;
  return timer.stop(Wait);
}

/** `WdfTimerGetParentObject`: the parent given at creation. */
export function WdfTimerGetParentObject(Timer: WDFTIMER): WDFOBJECT | null {
  const timer = FxObjectHandleGetPtr(Timer, FX_TYPE_TIMER) as FxTimer;
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfTimerGetParentObject", DISPATCH_LEVEL))) return null;
  return timer.parentHandle;
}
