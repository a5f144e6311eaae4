import { NT_SUCCESS, type Box, type DRIVER_OBJECT, type NTSTATUS } from "@wdfjs/kernel";
import {
  FxDriver, FxDriverCreate, FxDriverValidateConfig, FxObjectHandleGetPtr, FxObjectTableOf, FX_TYPE_DRIVER, STATUS_DRIVER_INTERNAL_ERROR, FxDriverErrorReportApiMissing,
  type PWDF_DRIVER_CONFIG, type PWDF_OBJECT_ATTRIBUTES, type WDFDRIVER,
} from "@wdfjs/framework";
import { Created, Enter } from "./ddi.js";
import { WdfCheckIrql } from "./irql.js";

// Also exported here, where it was defined before the core took it (wdftypes.h).
export type { WDFDRIVER } from "@wdfjs/framework";

/**
 * `WdfDriverCreate`, from DriverEntry (fxdriverapi.cpp): the config's checks, the IRQL, a second
 * call for the DRIVER_OBJECT → STATUS_DRIVER_INTERNAL_ERROR, then the core's `FxDriverCreate`.
 */
export function WdfDriverCreate(
  DriverObject: DRIVER_OBJECT, RegistryPath: string, DriverAttributes: PWDF_OBJECT_ATTRIBUTES, DriverConfig: PWDF_DRIVER_CONFIG, Driver: Box<WDFDRIVER | null> | null,
): NTSTATUS {
  let status = FxDriverValidateConfig(DriverConfig);
  if (NT_SUCCESS(status)) status = WdfCheckIrql("WdfDriverCreate");
  if (!NT_SUCCESS(status)) return status;
  if (FxDriver.fromDriverObject(DriverObject) !== undefined) return STATUS_DRIVER_INTERNAL_ERROR;
  if (Driver !== null) Driver.value = null;
  return Created(FxDriverCreate(DriverObject, RegistryPath, DriverAttributes, DriverConfig), Driver);
}

/** `WdfGetDriver`: the executing driver's WDFDRIVER (its driver globals' `Driver`), or null before WdfDriverCreate. */
export function WdfGetDriver(): WDFDRIVER | null {
  return (FxObjectTableOf().driver?.handle ?? null) as WDFDRIVER | null;
}

/** `WdfDriverWdmGetDriverObject`. */
export function WdfDriverWdmGetDriverObject(Driver: WDFDRIVER): DRIVER_OBJECT | null {
  return Enter<FxDriver>(Driver, FX_TYPE_DRIVER, "WdfDriverWdmGetDriverObject")?.DriverObject ?? null;
}

/** `WdfDriverGetRegistryPath`: the service key path DriverEntry was given. */
export function WdfDriverGetRegistryPath(Driver: WDFDRIVER): string | null {
  return Enter<FxDriver>(Driver, FX_TYPE_DRIVER, "WdfDriverGetRegistryPath")?.RegistryPath ?? null;
}

/**
 * `WdfDriverErrorReportApiMissing` (fxdriverapi.cpp): what a driver's KMDF stub calls instead of a
 * function the running framework lacks. A VOID function, or any with the verifier on, is
 * WDF_VIOLATION 0x10 (WDF_API_UNAVAILABLE); otherwise STATUS_PROCEDURE_NOT_FOUND.
 */
export function WdfDriverErrorReportApiMissing(Driver: WDFDRIVER, FrameworkExtensionName: string | null, ApiIndex: number, DoesApiReturnNtstatus: boolean): NTSTATUS {
  const driver = FxObjectHandleGetPtr(Driver, FX_TYPE_DRIVER) as FxDriver;
  return FxDriverErrorReportApiMissing(driver, FrameworkExtensionName ?? "KMDF", ApiIndex, DoesApiReturnNtstatus);
}
