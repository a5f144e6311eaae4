/**
 * inc/driver.h of the WDK toaster family: the direct-call interface the toaster bus's PDOs hand
 * out through IRP_MN_QUERY_INTERFACE (a function driver gets it with WdfFdoQueryForInterface).
 * Each routine takes the interface's Context first; the KMDF bus puts the child's WDFDEVICE there.
 */
import { INTERFACE, type Box } from "@wdfjs/kernel";

export const GUID_TOASTER_INTERFACE_STANDARD = "{e0b27630-5434-11d3-b890-00c04fad5171}";

export type PTOASTER_GET_CRISPINESS_LEVEL = (Context: any, Level: Box<number>) => boolean;
export type PTOASTER_SET_CRISPINESS_LEVEL = (Context: any, Level: number) => boolean;
export type PTOASTER_IS_CHILD_PROTECTED = (Context: any) => boolean;

/** `TOASTER_INTERFACE_STANDARD`: the INTERFACE header (its members first), then the toaster's routines. */
export class TOASTER_INTERFACE_STANDARD extends INTERFACE {
  GetCrispinessLevel: PTOASTER_GET_CRISPINESS_LEVEL | null = null;
  SetCrispinessLevel: PTOASTER_SET_CRISPINESS_LEVEL | null = null;
  IsSafetyLockEnabled: PTOASTER_IS_CHILD_PROTECTED | null = null;
}
/** sizeof(TOASTER_INTERFACE_STANDARD) on x64: INTERFACE (32) and three pointers. */
export const TOASTER_INTERFACE_STANDARD_SIZE = 56;

/** busenum.h: MAX_STATICALLY_ENUMERATED_TOASTERS and DEF_STATICALLY_ENUMERATED_TOASTERS. */
export const MAX_STATICALLY_ENUMERATED_TOASTERS = 10;
export const DEF_STATICALLY_ENUMERATED_TOASTERS = 0;
/** winnt.h STANDARD_RIGHTS_ALL, the access Bus_DoStaticEnumeration opens the device key with. */
export const STANDARD_RIGHTS_ALL = 0x001f0000;
