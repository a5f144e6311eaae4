import { STATUS_INVALID_DEVICE_REQUEST, type IRP, type KWAIT_GENERATOR, type NTSTATUS } from "@wdfjs/kernel";
import {
  FxConfigureDynamicDispatching, FxDeviceDispatchIrpToIoQueue, FxDeviceDispatchPreprocessedIrp, FxDeviceWdmDispatchIrp, FX_TYPE_DRIVER, FxDeviceInitAssignWdmIrpPreprocessCallback, FxObjectHandleGetPtr, FxVerifierBugCheck, FX_TYPE_DEVICE,
  FX_TYPE_QUEUE, WDF_REQUIRED_PARAMETER_IS_NULL, type FxDevice, type FxIoQueue, type PFN_WDFDEVICE_WDM_IRP_DISPATCH, type PFN_WDFDEVICE_WDM_IRP_PREPROCESS, type PWDFDEVICE_INIT, type WDFDEVICE,
  type WDFDRIVER, type WDFQUEUE,
} from "@wdfjs/framework";
import { Enter, EnterInit } from "./ddi.js";

// The WDM escape hatches of wdfdevice.h (fxdeviceinitapi.cpp, km/fxdeviceapikm.cpp): a driver
// sees chosen IRPs before the framework and hands them back, or to one of its queues.

/**
 * `WdfDeviceInitAssignWdmIrpPreprocessCallback`: EvtDeviceWdmIrpPreprocess gets each IRP of
 * MajorFunction (only the listed MinorFunctions, if any) before the framework; it completes the
 * IRP, passes it down, or returns WdfDeviceWdmDispatchPreprocessedIrp.
 */
export function WdfDeviceInitAssignWdmIrpPreprocessCallback(
  DeviceInit: PWDFDEVICE_INIT, EvtDeviceWdmIrpPreprocess: PFN_WDFDEVICE_WDM_IRP_PREPROCESS, MajorFunction: number, MinorFunctions: readonly number[] | null,
  NumMinorFunctions: number,
): NTSTATUS {
  const init = EnterInit(DeviceInit, "WdfDeviceInitAssignWdmIrpPreprocessCallback");
  if (typeof EvtDeviceWdmIrpPreprocess !== "function" || (NumMinorFunctions > 0 && MinorFunctions === null)) {
    FxVerifierBugCheck(WDF_REQUIRED_PARAMETER_IS_NULL, 0, 0, "WdfDeviceInitAssignWdmIrpPreprocessCallback: a required parameter is NULL.");
  }
  if (init === null) return STATUS_INVALID_DEVICE_REQUEST;
  return FxDeviceInitAssignWdmIrpPreprocessCallback(init, EvtDeviceWdmIrpPreprocess, MajorFunction, (MinorFunctions ?? []).slice(0, NumMinorFunctions));
}

/** `WdfDeviceWdmDispatchPreprocessedIrp`: like IoCallDriver (skip or copy the stack location first), the framework then handles the IRP. */
export function WdfDeviceWdmDispatchPreprocessedIrp(Device: WDFDEVICE, Irp: IRP): NTSTATUS | KWAIT_GENERATOR<NTSTATUS> {
  const device = Enter<FxDevice>(Device, FX_TYPE_DEVICE, "WdfDeviceWdmDispatchPreprocessedIrp");
  return device === null ? STATUS_INVALID_DEVICE_REQUEST : FxDeviceDispatchPreprocessedIrp(device, Irp);
}

/** `WdfDeviceWdmDispatchIrpToIoQueue`: the IRP as a request on Queue (WDF_DISPATCH_IRP_TO_IO_QUEUE_PREPROCESSED_IRP from a preprocess routine). */
export function WdfDeviceWdmDispatchIrpToIoQueue(Device: WDFDEVICE, Irp: IRP, Queue: WDFQUEUE, Flags: number): NTSTATUS {
  const device = Enter<FxDevice>(Device, FX_TYPE_DEVICE, "WdfDeviceWdmDispatchIrpToIoQueue");
  if (device === null) return STATUS_INVALID_DEVICE_REQUEST;
  return FxDeviceDispatchIrpToIoQueue(device, Irp, FxObjectHandleGetPtr(Queue, FX_TYPE_QUEUE) as FxIoQueue, Flags);
}

/** `WdfDeviceConfigureWdmIrpDispatchCallback`: EvtDeviceWdmIrpDispatch sees the major function's IRPs before the queues (the core's `FxConfigureDynamicDispatching`). */
export function WdfDeviceConfigureWdmIrpDispatchCallback(
  Device: WDFDEVICE, Driver: WDFDRIVER | null, MajorFunction: number, EvtDeviceWdmIrpDispatch: PFN_WDFDEVICE_WDM_IRP_DISPATCH, DriverContext: unknown,
): NTSTATUS {
  const device = Enter<FxDevice>(Device, FX_TYPE_DEVICE, "WdfDeviceConfigureWdmIrpDispatchCallback");
  if (Driver !== null) FxObjectHandleGetPtr(Driver, FX_TYPE_DRIVER);
  if (typeof EvtDeviceWdmIrpDispatch !== "function") FxVerifierBugCheck(WDF_REQUIRED_PARAMETER_IS_NULL, 0, 0, "WdfDeviceConfigureWdmIrpDispatchCallback: EvtDeviceWdmIrpDispatch is NULL.");
  return device === null ? STATUS_INVALID_DEVICE_REQUEST : FxConfigureDynamicDispatching(device, MajorFunction, EvtDeviceWdmIrpDispatch, DriverContext);
}

/** `WdfDeviceWdmDispatchIrp`: from EvtDeviceWdmIrpDispatch, the IRP back to the framework's queues (with the callback's DispatchContext). */
export function WdfDeviceWdmDispatchIrp(Device: WDFDEVICE, Irp: IRP, DispatchContext: unknown): NTSTATUS | KWAIT_GENERATOR<NTSTATUS> {
  const device = Enter<FxDevice>(Device, FX_TYPE_DEVICE, "WdfDeviceWdmDispatchIrp");
  return device === null ? STATUS_INVALID_DEVICE_REQUEST : FxDeviceWdmDispatchIrp(device, Irp, DispatchContext);
}
