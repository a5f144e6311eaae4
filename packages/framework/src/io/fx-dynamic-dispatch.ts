import {
  DO_DEVICE_INITIALIZING, IoGetCurrentIrpStackLocation, IRP_MJ_DEVICE_CONTROL, IRP_MJ_INTERNAL_DEVICE_CONTROL, IRP_MJ_READ, IRP_MJ_WRITE, STATUS_INVALID_DEVICE_STATE,
  STATUS_INVALID_PARAMETER, STATUS_SUCCESS, type IRP, type KWAIT_GENERATOR, type NTSTATUS,
} from "@wdfjs/kernel";
import type { FxDevice } from "../device/fx-device.js";
import { FxDeviceDispatchPreprocessedIrp } from "../device/fx-irp-preprocess.js";
import type { WDFDEVICE } from "../object/handles.js";
import { WdfDevStatePnpInit } from "../pnp/pnp-states.js";

/** `EVT_WDFDEVICE_WDM_IRP_DISPATCH`: picks what to do with a read, write or (internal) IOCTL before the I/O package queues it. */
export type EVT_WDFDEVICE_WDM_IRP_DISPATCH = (
  Device: WDFDEVICE, MajorFunction: number, MinorFunction: number, Code: number, DriverContext: unknown, Irp: IRP, DispatchContext: unknown,
) => NTSTATUS | KWAIT_GENERATOR<NTSTATUS>;
export type PFN_WDFDEVICE_WDM_IRP_DISPATCH = EVT_WDFDEVICE_WDM_IRP_DISPATCH;

/** The DispatchContext a dispatch callback gets (WDF: the next list node, tagged FX_IN_DISPATCH_CALLBACK). */
const FxInDispatchCallback = Object.freeze({ FX_IN_DISPATCH_CALLBACK: true });

/** `FxIrpDynamicDispatchInfo` (fxpkgio.hpp), for the device's own driver: a callback and context by major function. */
export class FxIrpDynamicDispatchInfo {
  readonly Dispatch = new Map<number, { EvtDeviceDynamicDispatch: EVT_WDFDEVICE_WDM_IRP_DISPATCH; DriverContext: unknown }>();
}

/**
 * `WdfDeviceConfigureWdmIrpDispatchCallback` (fxdeviceapi.cpp, FxPkgIo::ConfigureDynamicDispatching):
 * read, write, IOCTL or internal IOCTL only, and a second callback for one, STATUS_INVALID_PARAMETER;
 * only before the device can get I/O (a control device still initializing, a PnP device in
 * WdfDevStatePnpInit), else STATUS_INVALID_DEVICE_STATE.
 */
export function FxConfigureDynamicDispatching(Device: FxDevice, MajorFunction: number, Callback: EVT_WDFDEVICE_WDM_IRP_DISPATCH, DriverContext: unknown): NTSTATUS {
  if (MajorFunction !== IRP_MJ_READ && MajorFunction !== IRP_MJ_WRITE && MajorFunction !== IRP_MJ_DEVICE_CONTROL && MajorFunction !== IRP_MJ_INTERNAL_DEVICE_CONTROL) {
    return STATUS_INVALID_PARAMETER;
  }
  const early = Device.pnp === null ? ((Device.DeviceObject?.Flags ?? 0) & DO_DEVICE_INITIALIZING) !== 0 : Device.pnp.state === WdfDevStatePnpInit;
  if (!early) return STATUS_INVALID_DEVICE_STATE;
  const info = (Device.dynamicDispatch ??= new FxIrpDynamicDispatchInfo());
  if (info.Dispatch.has(MajorFunction)) return STATUS_INVALID_PARAMETER;
  info.Dispatch.set(MajorFunction, { EvtDeviceDynamicDispatch: Callback, DriverContext });
  Device.pkgIo.invalidateRoutes();
  return STATUS_SUCCESS;
}

/** `FxPkgIo::DispatchStep1`: the driver's dispatch callback for the IRP's major function, else on to the queues. */
export function FxDispatchStep1(Device: FxDevice, Irp: IRP): NTSTATUS | KWAIT_GENERATOR<NTSTATUS> {
  const sl = IoGetCurrentIrpStackLocation(Irp);
  const entry = Device.dynamicDispatch?.Dispatch.get(sl.MajorFunction);
  if (entry === undefined) return Device.pkgIo.dispatch(Irp);
  const code = sl.MajorFunction === IRP_MJ_DEVICE_CONTROL || sl.MajorFunction === IRP_MJ_INTERNAL_DEVICE_CONTROL ? sl.Parameters.DeviceIoControl.IoControlCode : 0;
  const cb = entry.EvtDeviceDynamicDispatch;
  return Device.callDriver(() => cb(Device.handle as WDFDEVICE, sl.MajorFunction, sl.MinorFunction, code, entry.DriverContext, Irp, FxInDispatchCallback));
}

/**
 * `WdfDeviceWdmDispatchIrp` (km/fxdeviceapikm.cpp): from a dispatch callback (its DispatchContext)
 * the IRP goes on to the I/O package's queues; from a preprocess callback, as WdfDeviceWdmDispatchPreprocessedIrp.
 */
export function FxDeviceWdmDispatchIrp(Device: FxDevice, Irp: IRP, DispatchContext: unknown): NTSTATUS | KWAIT_GENERATOR<NTSTATUS> {
  return DispatchContext === FxInDispatchCallback ? Device.pkgIo.dispatch(Irp) : FxDeviceDispatchPreprocessedIrp(Device, Irp);
}
