import { IoGetCurrentIrpStackLocation, type FILE_OBJECT } from "@wdfjs/kernel";
import {
  FxDeviceInitSetFileObjectConfig, FxFileObjectGetInitiatorProcessId, FX_TYPE_FILEOBJECT, FX_TYPE_REQUEST, type FxDevice, type FxFileObject, type FxRequest, type PWDF_FILEOBJECT_CONFIG,
  type PWDF_OBJECT_ATTRIBUTES, type PWDFDEVICE_INIT, type WDFDEVICE, type WDFFILEOBJECT, type WDFREQUEST,
} from "@wdfjs/framework";
import { Enter, EnterInit } from "./ddi.js";

// Also exported here, where it was defined before the core took it (wdftypes.h).
export type { WDFFILEOBJECT } from "@wdfjs/framework";

const FileObjectAt = (FileObject: WDFFILEOBJECT, Routine: string) => Enter<FxFileObject>(FileObject, FX_TYPE_FILEOBJECT, Routine);

/** `WdfDeviceInitSetFileObjectConfig` (fxdeviceinitapi.cpp): the core's `FxDeviceInitSetFileObjectConfig` (a bad config is ignored, traced). */
export function WdfDeviceInitSetFileObjectConfig(DeviceInit: PWDFDEVICE_INIT, FileObjectConfig: PWDF_FILEOBJECT_CONFIG, FileObjectAttributes: PWDF_OBJECT_ATTRIBUTES): void {
  const init = EnterInit(DeviceInit, "WdfDeviceInitSetFileObjectConfig");
  if (init !== null) FxDeviceInitSetFileObjectConfig(init, FileObjectConfig, FileObjectAttributes);
}

/** `WdfFileObjectGetDevice`: the device the file was opened on. */
export function WdfFileObjectGetDevice(FileObject: WDFFILEOBJECT): WDFDEVICE | null {
  return (FileObjectAt(FileObject, "WdfFileObjectGetDevice")?.device.handle ?? null) as WDFDEVICE | null;
}

/** `WdfFileObjectWdmGetFileObject`: the I/O manager's FILE_OBJECT. */
export function WdfFileObjectWdmGetFileObject(FileObject: WDFFILEOBJECT): FILE_OBJECT | null {
  return FileObjectAt(FileObject, "WdfFileObjectWdmGetFileObject")?.FileObject ?? null;
}

/** `WdfFileObjectGetFileName`: what followed the device's name in the open path (`\\.\NONPNP\x` → `\x`); none: NULL. */
export function WdfFileObjectGetFileName(FileObject: WDFFILEOBJECT): string | null {
  const name = FileObjectAt(FileObject, "WdfFileObjectGetFileName")?.FileObject?.FileName ?? "";
  return name.length === 0 ? null : name;
}

/** `WdfFileObjectGetFlags`: the FILE_OBJECT's FO_* flags. */
export function WdfFileObjectGetFlags(FileObject: WDFFILEOBJECT): number {
  return FileObjectAt(FileObject, "WdfFileObjectGetFlags")?.FileObject?.Flags ?? 0;
}

/** `WdfRequestGetFileObject`: the WDFFILEOBJECT the request was sent on; NULL when the device keeps none (WdfFileObjectNotRequired). */
export function WdfRequestGetFileObject(Request: WDFREQUEST): WDFFILEOBJECT | null {
  const irp = Enter<FxRequest>(Request, FX_TYPE_REQUEST, "WdfRequestGetFileObject")?.Irp ?? null;
  if (irp === null) return null;
  const stack = IoGetCurrentIrpStackLocation(irp);
  const device = stack.DeviceObject?.DeviceExtension as FxDevice | null | undefined;
  return (device?.pkgGeneral.getFileObject(stack.FileObject)?.handle ?? null) as WDFFILEOBJECT | null;
}

/** `WdfFileObjectGetInitiatorProcessId`: the core's `FxFileObjectGetInitiatorProcessId` (IoGetInitiatorProcess: 0 for a file its own process opened). */
export function WdfFileObjectGetInitiatorProcessId(FileObject: WDFFILEOBJECT): number {
  const fileObject = FileObjectAt(FileObject, "WdfFileObjectGetInitiatorProcessId");
  return fileObject === null ? 0 : FxFileObjectGetInitiatorProcessId(fileObject);
}
