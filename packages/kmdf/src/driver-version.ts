import { STATUS_INVALID_DEVICE_REQUEST, STATUS_NOT_SUPPORTED, STATUS_SUCCESS, type DRIVER_OBJECT, type NTSTATUS } from "@wdfjs/kernel";
import {
  FxDriver, FxDriverIsVersionAvailable, FxDriverVersionString, FxVerifierBugCheck, FX_TYPE_DRIVER, FX_TYPE_STRING, WDF_REQUIRED_PARAMETER_IS_NULL, type FxString,
  type PWDF_DRIVER_VERSION_AVAILABLE_PARAMS, type WDFDRIVER, type WDFSTRING,
} from "@wdfjs/framework";
import { Enter } from "./ddi.js";
import { WdfCheckIrql } from "./irql.js";

/** `WdfWdmDriverGetWdfDriverHandle`: the WDFDRIVER WdfDriverCreate made for a DRIVER_OBJECT, else NULL. */
export function WdfWdmDriverGetWdfDriverHandle(DriverObject: DRIVER_OBJECT): WDFDRIVER | null {
  WdfCheckIrql("WdfWdmDriverGetWdfDriverHandle");
  return (FxDriver.fromDriverObject(DriverObject)?.handle ?? null) as WDFDRIVER | null;
}

/**
 * `WdfDriverRetrieveVersionString` (fxdriverapi.cpp): "Kernel Mode Driver Framework version 1.33.0"
 * into the WDFSTRING ("Framework (verifier on) version" with the verifier on, the checked flavor).
 */
export function WdfDriverRetrieveVersionString(Driver: WDFDRIVER, String: WDFSTRING): NTSTATUS {
  const driver = Enter<FxDriver>(Driver, FX_TYPE_DRIVER, "WdfDriverRetrieveVersionString");
  if (driver === null) return STATUS_INVALID_DEVICE_REQUEST;
  const string = Enter<FxString>(String, FX_TYPE_STRING, "WdfDriverRetrieveVersionString")!;
  string.Buffer = FxDriverVersionString("Kernel Mode");
  return STATUS_SUCCESS;
}

/** `WdfDriverIsVersionAvailable`: TRUE for major version 1 and a minor version up to 33 (a wrong Size, or above PASSIVE_LEVEL: FALSE). */
export function WdfDriverIsVersionAvailable(Driver: WDFDRIVER, VersionAvailableParams: PWDF_DRIVER_VERSION_AVAILABLE_PARAMS): boolean {
  const driver = Enter<FxDriver>(Driver, FX_TYPE_DRIVER, "WdfDriverIsVersionAvailable");
  if (VersionAvailableParams === null || VersionAvailableParams === undefined) {
    FxVerifierBugCheck(WDF_REQUIRED_PARAMETER_IS_NULL, 0, 0, "WdfDriverIsVersionAvailable: VersionAvailableParams is NULL.");
  }
  return driver !== null && FxDriverIsVersionAvailable(VersionAvailableParams);
}

/** `WdfDriverRegisterTraceInfo` (fxdriverapi.cpp): obsolete; always STATUS_NOT_SUPPORTED (after the IRQL check). */
export function WdfDriverRegisterTraceInfo(_DriverObject: DRIVER_OBJECT, _EvtTraceCallback: unknown, _ControlBlock: unknown): NTSTATUS {
  const status = WdfCheckIrql("WdfDriverRegisterTraceInfo");
  return status === STATUS_SUCCESS ? STATUS_NOT_SUPPORTED : status;
}
