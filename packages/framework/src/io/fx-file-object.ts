import type { FILE_OBJECT } from "@wdfjs/kernel";
import { FxObject } from "../object/fx-object.js";
import { FX_TYPE_FILEOBJECT } from "../object/types.js";
import type { PWDF_OBJECT_ATTRIBUTES } from "../object/attributes.js";
import { WdfUseDefault, type WDF_TRI_STATE } from "./queue-config.js";
import type { FxDevice } from "../device/fx-device.js";

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
