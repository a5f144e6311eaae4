import { DISPATCH_LEVEL, IoGetCurrentIrpStackLocation, NT_SUCCESS, PASSIVE_LEVEL, type FILE_OBJECT } from "@wdfjs/kernel";
import {
  FxDeviceInitSetFileObjectConfig, FxObjectHandleGetPtr, FxVerifierCheckIrqlLevel, FX_TYPE_FILEOBJECT, FX_TYPE_REQUEST, type FxDevice, type FxFileObject, type FxRequest, type PWDF_FILEOBJECT_CONFIG, type PWDF_OBJECT_ATTRIBUTES, type WDFHANDLE,
} from "@wdfjs/framework";
import { FxDeviceInitOf, type PWDFDEVICE_INIT } from "./device-init.js";
import type { WDFDEVICE } from "./device.js";
import type { WDFREQUEST } from "./request.js";

export type WDFFILEOBJECT = WDFHANDLE<"WDFFILEOBJECT">;

/**
 * `WdfDeviceInitSetFileObjectConfig` (fxdeviceinitapi.cpp): the create, close and cleanup
 * callbacks, AutoForwardCleanupClose and the file object class, with the attributes every
 * WDFFILEOBJECT gets (its context per open; no parent may be given). A wrong Size, attributes,
 * tri-state or class is ignored (traced, FxVerifierDbgBreakPoint), as WDF does.
 */
export function WdfDeviceInitSetFileObjectConfig(DeviceInit: PWDFDEVICE_INIT, FileObjectConfig: PWDF_FILEOBJECT_CONFIG, FileObjectAttributes: PWDF_OBJECT_ATTRIBUTES): void {
  const init = FxDeviceInitOf(DeviceInit);
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfDeviceInitSetFileObjectConfig", DISPATCH_LEVEL))) return;
  FxDeviceInitSetFileObjectConfig(init, FileObjectConfig, FileObjectAttributes);
}

function FileObjectOf(FileObject: WDFFILEOBJECT): FxFileObject {
  return FxObjectHandleGetPtr(FileObject, FX_TYPE_FILEOBJECT) as FxFileObject;
}

/** `WdfFileObjectGetDevice`: the device the file was opened on. */
export function WdfFileObjectGetDevice(FileObject: WDFFILEOBJECT): WDFDEVICE | null {
  const fo = FileObjectOf(FileObject);
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfFileObjectGetDevice", DISPATCH_LEVEL))) return null;
  return fo.device.handle as WDFDEVICE;
}

/** `WdfFileObjectWdmGetFileObject`: the I/O manager's FILE_OBJECT. */
export function WdfFileObjectWdmGetFileObject(FileObject: WDFFILEOBJECT): FILE_OBJECT | null {
  const fo = FileObjectOf(FileObject);
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfFileObjectWdmGetFileObject", DISPATCH_LEVEL))) return null;
  return fo.FileObject;
}

/**
 * `WdfFileObjectGetFileName` (PASSIVE_LEVEL): what followed the device's name in the open path
 * (`\\.\NONPNP\x` → `\x`); the kernel's UNICODE_STRING is a string. None (no WDM file object or
 * an empty name): NULL.
 */
export function WdfFileObjectGetFileName(FileObject: WDFFILEOBJECT): string | null {
  const fo = FileObjectOf(FileObject);
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfFileObjectGetFileName", PASSIVE_LEVEL))) return null;
  const name = fo.FileObject?.FileName ?? "";
  return name.length === 0 ? null : name;
}

/** `WdfFileObjectGetFlags`: the FILE_OBJECT's FO_* flags. */
export function WdfFileObjectGetFlags(FileObject: WDFFILEOBJECT): number {
  const fo = FileObjectOf(FileObject);
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfFileObjectGetFlags", DISPATCH_LEVEL))) return 0;
  return fo.FileObject?.Flags ?? 0;
}

/**
 * `WdfRequestGetFileObject`: the WDFFILEOBJECT of the file the request was sent on; NULL when
 * the device keeps none (WdfFileObjectNotRequired, the default without a file object config).
 */
export function WdfRequestGetFileObject(Request: WDFREQUEST): WDFFILEOBJECT | null {
  const request = FxObjectHandleGetPtr(Request, FX_TYPE_REQUEST) as FxRequest;
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfRequestGetFileObject", DISPATCH_LEVEL))) return null;
  if (request.Irp === null) return null;
  const stack = IoGetCurrentIrpStackLocation(request.Irp);
  const device = stack.DeviceObject?.DeviceExtension as FxDevice | null | undefined;
  const fo = device?.pkgGeneral.getFileObject(stack.FileObject) ?? null;
  return fo === null ? null : (fo.handle as WDFFILEOBJECT);
}
