import type { KWAIT_GENERATOR } from "@wdfjs/kernel";
import type { WDFDPC, WDFTIMER, WDFWORKITEM } from "../object/handles.js";

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

/** `EVT_WDF_DPC` (DISPATCH_LEVEL). */
export type EVT_WDF_DPC = (Dpc: WDFDPC) => void;
export type PFN_WDF_DPC = EVT_WDF_DPC | null;

/** sizeof(WDF_DPC_CONFIG) on x64. */
export const WDF_DPC_CONFIG_SIZE = 24;

/** `WDF_DPC_CONFIG`: zeros until `WDF_DPC_CONFIG_INIT`. */
export class WDF_DPC_CONFIG {
  Size = 0;
  EvtDpcFunc: PFN_WDF_DPC = null;
  AutomaticSerialization = false;
}
export type PWDF_DPC_CONFIG = WDF_DPC_CONFIG;

/** `WDF_DPC_CONFIG_INIT`: AutomaticSerialization TRUE. */
export function WDF_DPC_CONFIG_INIT(Config: WDF_DPC_CONFIG, EvtDpcFunc: PFN_WDF_DPC): void {
  Config.Size = WDF_DPC_CONFIG_SIZE;
  Config.EvtDpcFunc = EvtDpcFunc;
  Config.AutomaticSerialization = true;
}

/** `EVT_WDF_WORKITEM` (PASSIVE_LEVEL): a routine that waits is a generator. */
export type EVT_WDF_WORKITEM = (WorkItem: WDFWORKITEM) => void | KWAIT_GENERATOR<void>;
export type PFN_WDF_WORKITEM = EVT_WDF_WORKITEM | null;

/** sizeof(WDF_WORKITEM_CONFIG) on x64. */
export const WDF_WORKITEM_CONFIG_SIZE = 24;

/** `WDF_WORKITEM_CONFIG`: zeros until `WDF_WORKITEM_CONFIG_INIT`. */
export class WDF_WORKITEM_CONFIG {
  Size = 0;
  EvtWorkItemFunc: PFN_WDF_WORKITEM = null;
  AutomaticSerialization = false;
}
export type PWDF_WORKITEM_CONFIG = WDF_WORKITEM_CONFIG;

/** `WDF_WORKITEM_CONFIG_INIT`: AutomaticSerialization TRUE. */
export function WDF_WORKITEM_CONFIG_INIT(Config: WDF_WORKITEM_CONFIG, EvtWorkItemFunc: PFN_WDF_WORKITEM): void {
  Config.Size = WDF_WORKITEM_CONFIG_SIZE;
  Config.EvtWorkItemFunc = EvtWorkItemFunc;
  Config.AutomaticSerialization = true;
}
