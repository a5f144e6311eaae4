import type { WDFHANDLE } from "./types.js";

/** The handle types of wdftypes.h, one brand each (see `WDFHANDLE`); the same in every style. */
export type WDFDRIVER = WDFHANDLE<"WDFDRIVER">;
export type WDFDEVICE = WDFHANDLE<"WDFDEVICE">;
export type WDFQUEUE = WDFHANDLE<"WDFQUEUE">;
export type WDFREQUEST = WDFHANDLE<"WDFREQUEST">;
export type WDFMEMORY = WDFHANDLE<"WDFMEMORY">;
export type WDFLOOKASIDE = WDFHANDLE<"WDFLOOKASIDE">;
export type WDFIOTARGET = WDFHANDLE<"WDFIOTARGET">;
export type WDFFILEOBJECT = WDFHANDLE<"WDFFILEOBJECT">;
export type WDFTIMER = WDFHANDLE<"WDFTIMER">;
export type WDFDPC = WDFHANDLE<"WDFDPC">;
export type WDFWORKITEM = WDFHANDLE<"WDFWORKITEM">;
export type WDFSPINLOCK = WDFHANDLE<"WDFSPINLOCK">;
export type WDFWAITLOCK = WDFHANDLE<"WDFWAITLOCK">;
export type WDFSTRING = WDFHANDLE<"WDFSTRING">;
export type WDFCOLLECTION = WDFHANDLE<"WDFCOLLECTION">;
export type WDFKEY = WDFHANDLE<"WDFKEY">;

/**
 * `WDFDEVICE_INIT`: opaque to the driver, as in C (a pointer to a framework structure); only the
 * `WdfDeviceInit*` functions read or change it.
 */
declare const deviceInitBrand: unique symbol;
export interface WDFDEVICE_INIT {
  readonly [deviceInitBrand]: "WDFDEVICE_INIT";
}
export type PWDFDEVICE_INIT = WDFDEVICE_INIT | null;
