import { currentMachine, STATUS_INVALID_DEVICE_REQUEST, type DEVICE_OBJECT, type NTSTATUS } from "@wdfjs/kernel";
import {
  FxVerifierBugCheck, FX_TYPE_DEVICE, WDF_REQUIRED_PARAMETER_IS_NULL, WdfSpecialFileMax, WdfSpecialFilePaging, WdfSpecialFilePostDisplay, type FxDevice,
  type WDF_SPECIAL_FILE_TYPE, type WDFDEVICE,
} from "@wdfjs/framework";
import { Enter } from "./ddi.js";

// wdfdevice.h's special files (km/fxdeviceapikm.cpp): the core's FxSpecialFiles answers IRP_MN_DEVICE_USAGE_NOTIFICATION.

/**
 * `WdfDeviceSetSpecialFileSupport`: whether the device accepts a paging, hibernation, dump, boot or
 * guest-assigned file (all off at first: the notification fails with STATUS_NOT_IMPLEMENTED). A
 * type out of range, or WdfSpecialFilePostDisplay, is ignored (traced, FxVerifierDbgBreakPoint).
 */
export function WdfDeviceSetSpecialFileSupport(Device: WDFDEVICE, FileType: WDF_SPECIAL_FILE_TYPE, FileTypeIsSupported: boolean): void {
  const pnp = Enter<FxDevice>(Device, FX_TYPE_DEVICE, "WdfDeviceSetSpecialFileSupport")?.pnp ?? null;
  if (FileType < WdfSpecialFilePaging || FileType === WdfSpecialFilePostDisplay || FileType >= WdfSpecialFileMax) {
    currentMachine().trace?.event("wdf.api-error", null, `WdfDeviceSetSpecialFileSupport: FileType ${FileType} is not in the valid range (FxVerifierDbgBreakPoint)`);
    return;
  }
  if (pnp !== null) pnp.specialFiles.supported[FileType - 1] = FileTypeIsSupported;
}

function Dependent(DependentDevice: DEVICE_OBJECT | null, Routine: string): DEVICE_OBJECT {
  return DependentDevice ?? FxVerifierBugCheck(WDF_REQUIRED_PARAMETER_IS_NULL, 0, 0, `${Routine}: DependentDevice is NULL.`);
}

/** `WdfDeviceAddDependentUsageDeviceObject`: the stack of DependentDevice is told of each usage notification before the device's own. */
export function WdfDeviceAddDependentUsageDeviceObject(Device: WDFDEVICE, DependentDevice: DEVICE_OBJECT): NTSTATUS {
  const pnp = Enter<FxDevice>(Device, FX_TYPE_DEVICE, "WdfDeviceAddDependentUsageDeviceObject")?.pnp ?? null;
  const d = Dependent(DependentDevice, "WdfDeviceAddDependentUsageDeviceObject");
  return pnp === null ? STATUS_INVALID_DEVICE_REQUEST : pnp.specialFiles.dependents.add(d);
}

/** `WdfDeviceRemoveDependentUsageDeviceObject`. */
export function WdfDeviceRemoveDependentUsageDeviceObject(Device: WDFDEVICE, DependentDevice: DEVICE_OBJECT): void {
  const pnp = Enter<FxDevice>(Device, FX_TYPE_DEVICE, "WdfDeviceRemoveDependentUsageDeviceObject")?.pnp ?? null;
  const d = Dependent(DependentDevice, "WdfDeviceRemoveDependentUsageDeviceObject");
  pnp?.specialFiles.dependents.remove(d);
}
