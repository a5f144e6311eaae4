import { NT_SUCCESS, PASSIVE_LEVEL, DISPATCH_LEVEL, STATUS_INFO_LENGTH_MISMATCH, STATUS_INVALID_PARAMETER, STATUS_SUCCESS, type Box, type DRIVER_OBJECT, type NTSTATUS } from "@wdfjs/kernel";
import {
  FxDriver, FxObjectCommit, FxObjectHandleGetPtr, FxObjectTableOf, FxValidateObjectAttributes, FxVerifierCheckIrqlLevel,
  FX_TYPE_DRIVER, FX_VALIDATE_OPTION_EXECUTION_LEVEL_ALLOWED, FX_VALIDATE_OPTION_PARENT_NOT_ALLOWED, FX_VALIDATE_OPTION_SYNCHRONIZATION_SCOPE_ALLOWED,
  STATUS_DRIVER_INTERNAL_ERROR, FxDriverErrorReportApiMissing, WdfExecutionLevelInheritFromParent, WdfSynchronizationScopeInheritFromParent, type PWDF_OBJECT_ATTRIBUTES, type WDFHANDLE,
} from "@wdfjs/framework";
import type { PWDFDEVICE_INIT, WDFDEVICE_INIT } from "./device-init.js";

export type WDFDRIVER = WDFHANDLE<"WDFDRIVER">;

/** `EVT_WDF_DRIVER_DEVICE_ADD` / `EVT_WDF_DRIVER_UNLOAD` (PASSIVE_LEVEL). */
export type EVT_WDF_DRIVER_DEVICE_ADD = (Driver: WDFDRIVER, DeviceInit: PWDFDEVICE_INIT) => NTSTATUS;
export type EVT_WDF_DRIVER_UNLOAD = (Driver: WDFDRIVER) => void;
export type PFN_WDF_DRIVER_DEVICE_ADD = EVT_WDF_DRIVER_DEVICE_ADD | null;
export type PFN_WDF_DRIVER_UNLOAD = EVT_WDF_DRIVER_UNLOAD | null;

/** `WDF_DRIVER_INIT_FLAGS` (wdfdriver.h). */
export const WdfDriverInitNonPnpDriver = 0x1;
export const WdfDriverInitNoDispatchOverride = 0x2;
export const WdfVerifyOn = 0x4;
export const WdfVerifierOn = 0x8;
export const WdfDriverInitCompanion = 0x10;

/** sizeof(WDF_DRIVER_CONFIG) on x64. */
export const WDF_DRIVER_CONFIG_SIZE = 32;

/** `WDF_DRIVER_CONFIG`: all zeros until `WDF_DRIVER_CONFIG_INIT`. */
export class WDF_DRIVER_CONFIG {
  Size = 0;
  EvtDriverDeviceAdd: PFN_WDF_DRIVER_DEVICE_ADD = null;
  EvtDriverUnload: PFN_WDF_DRIVER_UNLOAD = null;
  DriverInitFlags = 0;
  DriverPoolTag = 0;
}
export type PWDF_DRIVER_CONFIG = WDF_DRIVER_CONFIG;

/** `WDF_DRIVER_CONFIG_INIT`: zeroes, sets Size and the add-device callback. */
export function WDF_DRIVER_CONFIG_INIT(Config: WDF_DRIVER_CONFIG, EvtDriverDeviceAdd: PFN_WDF_DRIVER_DEVICE_ADD): void {
  Config.Size = WDF_DRIVER_CONFIG_SIZE;
  Config.EvtDriverDeviceAdd = EvtDriverDeviceAdd;
  Config.EvtDriverUnload = null;
  Config.DriverInitFlags = 0;
  Config.DriverPoolTag = 0;
}

// fxdriverapi.cpp: the only flags a driver may pass (WdfVerifyOn / WdfVerifierOn are registry settings).
const validFlags = WdfDriverInitNonPnpDriver | WdfDriverInitNoDispatchOverride | WdfDriverInitCompanion;

/**
 * `WdfDriverCreate`, from DriverEntry: the checks in the source's order (flags, IRQL, a second
 * call for the same DRIVER_OBJECT → STATUS_DRIVER_INTERNAL_ERROR, a non-PnP driver with an
 * add-device callback → STATUS_INVALID_PARAMETER, the attributes: no parent), then the FxDriver
 * takes over the dispatch table and DriverUnload. Not for companions (no companion host yet).
 */
export function WdfDriverCreate(
  DriverObject: DRIVER_OBJECT, RegistryPath: string, DriverAttributes: PWDF_OBJECT_ATTRIBUTES, DriverConfig: PWDF_DRIVER_CONFIG, Driver: Box<WDFDRIVER | null> | null,
): NTSTATUS {
  if (DriverConfig.Size !== WDF_DRIVER_CONFIG_SIZE) return STATUS_INFO_LENGTH_MISMATCH;
  const flags = DriverConfig.DriverInitFlags;
  if ((flags & ~validFlags) !== 0 || (flags & WdfDriverInitCompanion) !== 0) return STATUS_INVALID_PARAMETER;
  let status = FxVerifierCheckIrqlLevel("WdfDriverCreate", PASSIVE_LEVEL);
  if (!NT_SUCCESS(status)) return status;
  if (FxDriver.fromDriverObject(DriverObject) !== undefined) return STATUS_DRIVER_INTERNAL_ERROR;
  if (Driver !== null) Driver.value = null;
  const nonPnp = (flags & WdfDriverInitNonPnpDriver) !== 0;
  const override = (flags & WdfDriverInitNoDispatchOverride) === 0;
  if (override && nonPnp && DriverConfig.EvtDriverDeviceAdd !== null) return STATUS_INVALID_PARAMETER;
  status = FxValidateObjectAttributes(DriverAttributes, FX_VALIDATE_OPTION_PARENT_NOT_ALLOWED | FX_VALIDATE_OPTION_EXECUTION_LEVEL_ALLOWED | FX_VALIDATE_OPTION_SYNCHRONIZATION_SCOPE_ALLOWED);
  if (!NT_SUCCESS(status)) return status;

  const driver = new FxDriver(DriverObject, RegistryPath);
  // fxdriverapi.cpp: a pool tag other than 0 and 'Ddk ' becomes the driver's tag.
  if (DriverConfig.DriverPoolTag !== 0 && DriverConfig.DriverPoolTag !== 0x206b6444) driver.Tag = DriverConfig.DriverPoolTag >>> 0;
  const levels = { executionLevel: driver.executionLevel, synchronizationScope: driver.synchronizationScope };
  FxObjectCommit(driver, DriverAttributes, null);
  // Inherit means the driver defaults (dispatch level, no serialization).
  if (DriverAttributes === null || DriverAttributes.ExecutionLevel === WdfExecutionLevelInheritFromParent) driver.executionLevel = levels.executionLevel;
  if (DriverAttributes === null || DriverAttributes.SynchronizationScope === WdfSynchronizationScopeInheritFromParent) driver.synchronizationScope = levels.synchronizationScope;
  const unload = DriverConfig.EvtDriverUnload;
  if (unload !== null) driver.unloadCallback = (d) => unload(d.handle as WDFDRIVER);
  const add = DriverConfig.EvtDriverDeviceAdd;
  if (add !== null) driver.deviceAddCallback = (d, init) => add(d.handle as WDFDRIVER, init as unknown as WDFDEVICE_INIT);
  driver.register(override, !nonPnp || unload !== null, override && !nonPnp);
  if (Driver !== null) Driver.value = driver.handle as WDFDRIVER;
  return STATUS_SUCCESS;
}

/** `WdfGetDriver`: the executing driver's WDFDRIVER (its driver globals' `Driver`), or null before WdfDriverCreate. */
export function WdfGetDriver(): WDFDRIVER | null {
  const driver = FxObjectTableOf().driver;
  return driver === null ? null : (driver.handle as WDFDRIVER);
}

/** `WdfDriverWdmGetDriverObject` (≤ DISPATCH_LEVEL; null if called above it in the checked flavor). */
export function WdfDriverWdmGetDriverObject(Driver: WDFDRIVER): DRIVER_OBJECT | null {
  const driver = FxObjectHandleGetPtr(Driver, FX_TYPE_DRIVER) as FxDriver;
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfDriverWdmGetDriverObject", DISPATCH_LEVEL))) return null;
  return driver.DriverObject;
}

/** `WdfDriverGetRegistryPath`: the service key path DriverEntry was given (PASSIVE_LEVEL). */
export function WdfDriverGetRegistryPath(Driver: WDFDRIVER): string | null {
  const driver = FxObjectHandleGetPtr(Driver, FX_TYPE_DRIVER) as FxDriver;
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfDriverGetRegistryPath", PASSIVE_LEVEL))) return null;
  return driver.RegistryPath;
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
