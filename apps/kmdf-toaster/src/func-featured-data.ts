/**
 * func/shared/toaster.h and inc/driver.h for the featured toaster: the device context, the bus's
 * direct-call interface and the per-device recorder log (WppPrintDevice).
 * TODO: once merged with the KMDF buses, take GUID_TOASTER_INTERFACE_STANDARD,
 * TOASTER_INTERFACE_STANDARD(_SIZE) from ./bus-interface.js and INTERFACE from @wdfjs/kernel.
 */
import { WDF_DECLARE_CONTEXT_TYPE_WITH_NAME, type WDFDEVICE } from "@wdfjs/kmdf";
import { INTERFACE } from "./fdo-query-interface.js";
import type { KmdfToasterLog } from "./log.js";

/** driver.h's GUID_TOASTER_INTERFACE_STANDARD: the bus's direct-call interface for toasters. */
export const GUID_TOASTER_INTERFACE_STANDARD = "{E0B27630-5434-11d3-B890-00C04FAD5171}";

/** driver.h's TOASTER_INTERFACE_STANDARD: the INTERFACE header (its members first), then three direct calls. */
export class TOASTER_INTERFACE_STANDARD extends INTERFACE {
  GetCrispinessLevel: ((Context: unknown, Level: { value: number }) => boolean) | null = null;
  SetCrispinessLevel: ((Context: unknown, Level: number) => boolean) | null = null;
  IsSafetyLockEnabled: ((Context: unknown) => boolean) | null = null;
}
/** sizeof(TOASTER_INTERFACE_STANDARD) on x64: INTERFACE (32) + three pointers. */
export const TOASTER_INTERFACE_STANDARD_SIZE = 56;

/** toaster.h's FDO_DATA (featured build): the WMI members are not ported; the WPP recorder log is the driver's log. */
export class FDO_DATA {
  readonly BusInterface = new TOASTER_INTERFACE_STANDARD();
  WppRecorderLog: KmdfToasterLog | null = null;
}
export const ToasterFdoGetData = WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(FDO_DATA, "ToasterFdoGetData");

/** WppPrintDevice: a line in the device's recorder log, prefixed with the driver's name. */
export function WppPrintDevice(Device: WDFDEVICE, line: string): void {
  ToasterFdoGetData(Device)?.WppRecorderLog?.add(`featured ${line}`);
}

