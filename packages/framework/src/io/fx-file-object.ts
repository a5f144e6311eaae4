import { NT_SUCCESS, type FILE_OBJECT } from "@wdfjs/kernel";
import { FxObject } from "../object/fx-object.js";
import { FX_TYPE_FILEOBJECT } from "../object/types.js";
import {
  FxValidateObjectAttributes, FX_VALIDATE_OPTION_EXECUTION_LEVEL_ALLOWED, FX_VALIDATE_OPTION_PARENT_NOT_ALLOWED, FX_VALIDATE_OPTION_SYNCHRONIZATION_SCOPE_ALLOWED,
  type PWDF_OBJECT_ATTRIBUTES,
} from "../object/attributes.js";
import { WdfFalse, WdfTrue, WdfUseDefault, type WDF_TRI_STATE } from "./queue-config.js";
import type { FxDevice } from "../device/fx-device.js";
import type { FxDeviceInit } from "../device/fx-device-init.js";

/** `WDF_FILEOBJECT_CLASS` (wdfdevice.h): where the framework keeps a WDFFILEOBJECT, or none. */
export const WdfFileObjectInvalid = 0;
export const WdfFileObjectNotRequired = 1;
export const WdfFileObjectWdfCanUseFsContext = 2;
export const WdfFileObjectWdfCanUseFsContext2 = 3;
export const WdfFileObjectWdfCannotUseFsContexts = 4;
export const WdfFileObjectCanBeOptional = 0x80000000 | 0;
export type WDF_FILEOBJECT_CLASS = number;

/** `FxFileObjectClassNormalize`: the class without the WdfFileObjectCanBeOptional flag. */
export function FxFileObjectClassNormalize(FileObjectClass: WDF_FILEOBJECT_CLASS): WDF_FILEOBJECT_CLASS {
  return FileObjectClass & ~WdfFileObjectCanBeOptional;
}

// The callbacks take handles (WDFDEVICE, WDFREQUEST, WDFFILEOBJECT), as numbers in the core.
export type EVT_WDF_DEVICE_FILE_CREATE = (Device: any, Request: any, FileObject: any) => void;
export type EVT_WDF_FILE_CLOSE = (FileObject: any) => void;
export type EVT_WDF_FILE_CLEANUP = (FileObject: any) => void;

/** `WDF_FILEOBJECT_CONFIG` (wdfdevice.h). */
export class WDF_FILEOBJECT_CONFIG {
  Size = 0;
  EvtDeviceFileCreate: EVT_WDF_DEVICE_FILE_CREATE | null = null;
  EvtFileClose: EVT_WDF_FILE_CLOSE | null = null;
  EvtFileCleanup: EVT_WDF_FILE_CLEANUP | null = null;
  AutoForwardCleanupClose: WDF_TRI_STATE = WdfUseDefault;
  FileObjectClass: WDF_FILEOBJECT_CLASS = WdfFileObjectInvalid;
}
export type PWDF_FILEOBJECT_CONFIG = WDF_FILEOBJECT_CONFIG;
/** The structure's size in the 1.33 headers (x64). */
export const WDF_FILEOBJECT_CONFIG_SIZE = 0x28;

/** `WDF_FILEOBJECT_CONFIG_INIT`: the callbacks, WdfFileObjectWdfCannotUseFsContexts, AutoForwardCleanupClose WdfUseDefault. */
export function WDF_FILEOBJECT_CONFIG_INIT(FileEventCallbacks: WDF_FILEOBJECT_CONFIG, EvtDeviceFileCreate: EVT_WDF_DEVICE_FILE_CREATE | null,
  EvtFileClose: EVT_WDF_FILE_CLOSE | null, EvtFileCleanup: EVT_WDF_FILE_CLEANUP | null): void {
  FileEventCallbacks.Size = WDF_FILEOBJECT_CONFIG_SIZE;
  FileEventCallbacks.EvtDeviceFileCreate = EvtDeviceFileCreate;
  FileEventCallbacks.EvtFileClose = EvtFileClose;
  FileEventCallbacks.EvtFileCleanup = EvtFileCleanup;
  FileEventCallbacks.FileObjectClass = WdfFileObjectWdfCannotUseFsContexts;
  FileEventCallbacks.AutoForwardCleanupClose = WdfUseDefault;
}

/** What WdfDeviceInitSetFileObjectConfig recorded (`DeviceInit->FileObject`). */
export interface FxFileObjectInfo {
  readonly Config: WDF_FILEOBJECT_CONFIG;
  readonly Attributes: PWDF_OBJECT_ATTRIBUTES;
}

/**
 * `FxFileObject` (fxfileobject.cpp): a WDFFILEOBJECT for one open of the device (one WDM file
 * object), made at IRP_MJ_CREATE with the file object attributes (a context per open), parented
 * to the device, deleted at IRP_MJ_CLOSE or when the create fails.
 */
export class FxFileObject extends FxObject {
  constructor(readonly device: FxDevice, readonly FileObject: FILE_OBJECT | null) {
    super(FX_TYPE_FILEOBJECT);
  }
}

/**
 * `WdfDeviceInitSetFileObjectConfig`'s checks (fxdeviceinitapi.cpp): Size, the attributes (no
 * parent), the tri-state and the class (WdfFileObjectCanBeOptional only with a class that keeps a
 * file object). A refused config is traced and ignored (FxVerifierDbgBreakPoint in WDF).
 */
export function FxDeviceInitSetFileObjectConfig(init: FxDeviceInit, Config: WDF_FILEOBJECT_CONFIG, Attributes: PWDF_OBJECT_ATTRIBUTES): void {
  let problem: string | null = null;
  const auto = Config.AutoForwardCleanupClose;
  const normalized = FxFileObjectClassNormalize(Config.FileObjectClass);
  if (Config.Size !== WDF_FILEOBJECT_CONFIG_SIZE) problem = `Size ${Config.Size}`;
  else if (!NT_SUCCESS(FxValidateObjectAttributes(Attributes, FX_VALIDATE_OPTION_PARENT_NOT_ALLOWED | FX_VALIDATE_OPTION_EXECUTION_LEVEL_ALLOWED |
    FX_VALIDATE_OPTION_SYNCHRONIZATION_SCOPE_ALLOWED))) problem = "invalid attributes";
  else if (auto !== WdfTrue && auto !== WdfFalse && auto !== WdfUseDefault) problem = `AutoForwardCleanupClose ${auto}`;
  else if (normalized === WdfFileObjectInvalid || normalized > WdfFileObjectWdfCannotUseFsContexts ||
    ((Config.FileObjectClass & WdfFileObjectCanBeOptional) !== 0 && normalized === WdfFileObjectNotRequired)) problem = `FileObjectClass ${Config.FileObjectClass}`;
  if (problem !== null) {
    init.Driver.table.machine.trace?.event("wdf.file-object-config", null, `WdfDeviceInitSetFileObjectConfig: ${problem}; ignored`);
    return;
  }
  init.FileObject = { Config: { ...Config }, Attributes };
}
