import { NT_SUCCESS, STATUS_INFO_LENGTH_MISMATCH, STATUS_INVALID_PARAMETER, STATUS_SUCCESS, type DRIVER_OBJECT, type NTSTATUS } from "@wdfjs/kernel";
import {
  FxValidateObjectAttributes, FX_VALIDATE_OPTION_EXECUTION_LEVEL_ALLOWED, FX_VALIDATE_OPTION_PARENT_NOT_ALLOWED, FX_VALIDATE_OPTION_SYNCHRONIZATION_SCOPE_ALLOWED,
  type PWDF_OBJECT_ATTRIBUTES,
} from "../object/attributes.js";
import type { WDFDEVICE_INIT, WDFDRIVER } from "../object/handles.js";
import { FxObjectCommit } from "../object/object-api.js";
import { WdfExecutionLevelInheritFromParent, WdfSynchronizationScopeInheritFromParent } from "../object/types.js";
import { FxDriver } from "./fx-driver.js";
import {
  WdfDriverInitCompanion, WdfDriverInitNoDispatchOverride, WdfDriverInitNonPnpDriver, WDF_DRIVER_CONFIG_SIZE, type WDF_DRIVER_CONFIG,
} from "./wdf-driver-config.js";

// fxdriverapi.cpp: the only flags a driver may pass (WdfVerifyOn / WdfVerifierOn are registry settings).
const validFlags = WdfDriverInitNonPnpDriver | WdfDriverInitNoDispatchOverride | WdfDriverInitCompanion;

/**
 * `WdfDriverCreate`'s first checks, before its IRQL check (fxdriverapi.cpp): the config's Size
 * (STATUS_INFO_LENGTH_MISMATCH) and flags (unknown ones, or a companion, which has no host here:
 * STATUS_INVALID_PARAMETER).
 */
export function FxDriverValidateConfig(Config: WDF_DRIVER_CONFIG): NTSTATUS {
  if (Config.Size !== WDF_DRIVER_CONFIG_SIZE) return STATUS_INFO_LENGTH_MISMATCH;
  const flags = Config.DriverInitFlags;
  return (flags & ~validFlags) !== 0 || (flags & WdfDriverInitCompanion) !== 0 ? STATUS_INVALID_PARAMETER : STATUS_SUCCESS;
}

/**
 * The rest of `WdfDriverCreate`, for a DRIVER_OBJECT without one: a non-PnP driver with an
 * add-device callback → STATUS_INVALID_PARAMETER; the attributes (no parent allowed); then the
 * FxDriver with the config's pool tag and callbacks takes over the dispatch table and DriverUnload
 * (a non-PnP driver only with EvtDriverUnload), unless WdfDriverInitNoDispatchOverride: then it
 * touches neither and ignores both callbacks (a miniport: WdfDeviceMiniportCreate, WdfDriverMiniportUnload).
 */
export function FxDriverCreate(DriverObject: DRIVER_OBJECT, RegistryPath: string, Attributes: PWDF_OBJECT_ATTRIBUTES, Config: WDF_DRIVER_CONFIG): FxDriver | NTSTATUS {
  const nonPnp = (Config.DriverInitFlags & WdfDriverInitNonPnpDriver) !== 0;
  const override = (Config.DriverInitFlags & WdfDriverInitNoDispatchOverride) === 0;
  if (override && nonPnp && Config.EvtDriverDeviceAdd !== null) return STATUS_INVALID_PARAMETER;
  const status = FxValidateObjectAttributes(Attributes, FX_VALIDATE_OPTION_PARENT_NOT_ALLOWED | FX_VALIDATE_OPTION_EXECUTION_LEVEL_ALLOWED | FX_VALIDATE_OPTION_SYNCHRONIZATION_SCOPE_ALLOWED);
  if (!NT_SUCCESS(status)) return status;

  const driver = new FxDriver(DriverObject, RegistryPath);
  // fxdriverapi.cpp: a pool tag other than 0 and 'Ddk ' becomes the driver's tag.
  if (Config.DriverPoolTag !== 0 && Config.DriverPoolTag !== 0x206b6444) driver.Tag = Config.DriverPoolTag >>> 0;
  const levels = { executionLevel: driver.executionLevel, synchronizationScope: driver.synchronizationScope };
  FxObjectCommit(driver, Attributes, null);
  // Inherit means the driver defaults (dispatch level, no serialization).
  if (Attributes === null || Attributes.ExecutionLevel === WdfExecutionLevelInheritFromParent) driver.executionLevel = levels.executionLevel;
  if (Attributes === null || Attributes.SynchronizationScope === WdfSynchronizationScopeInheritFromParent) driver.synchronizationScope = levels.synchronizationScope;
  // fxdriver.cpp Initialize: a driver that keeps its dispatch table keeps neither callback (its
  // port decides when devices come and go, and WdfDriverMiniportUnload runs no EvtDriverUnload).
  const unload = override ? Config.EvtDriverUnload : null;
  if (unload !== null) driver.unloadCallback = (d) => unload(d.handle as WDFDRIVER);
  const add = override ? Config.EvtDriverDeviceAdd : null;
  if (add !== null) driver.deviceAddCallback = (d, init) => add(d.handle as WDFDRIVER, init as unknown as WDFDEVICE_INIT);
  driver.register(override, !nonPnp || unload !== null, override && !nonPnp);
  return driver;
}
