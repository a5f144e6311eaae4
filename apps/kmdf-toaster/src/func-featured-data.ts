/**
 * func/shared/toaster.h and inc/driver.h for the featured toaster: the device context, the bus's
 * direct-call interface and the per-device recorder log (WppPrintDevice).
 */
import { WDF_DECLARE_CONTEXT_TYPE_WITH_NAME, type WDFDEVICE } from "@wdfjs/kmdf";
import { TOASTER_INTERFACE_STANDARD } from "./bus-interface.js";
import type { KmdfToasterLog } from "./log.js";

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

