/**
 * toaster.sys, power.c (func/featured without wait-wake and idle): the toaster's function
 * driver is its device's power policy owner. A system QUERY_POWER or SET_POWER goes down
 * first; on its way back up the driver asks, with PoRequestPowerIrp, for the device IRP
 * of the same minor function and the device state DEVICE_CAPABILITIES.DeviceState maps
 * the system state to (saved when the PnP manager queries the started stack's
 * capabilities), and completes the system IRP from
 * that request's callback. A device IRP that lowers the power holds new requests in the
 * queue and records the state before passing it down; one that raises it to D0 goes down
 * first, and on its way up records D0 and runs the held requests.
 */
import {
  DEVICE_CAPABILITIES, DevicePowerState, IO_NO_INCREMENT, IoCompleteRequest, IoCopyCurrentIrpStackLocationToNext, IoGetCurrentIrpStackLocation, IoMarkIrpPending,
  IoReleaseRemoveLock, IoSetCompletionRoutine, IoSkipCurrentIrpStackLocation, IRP_MN_QUERY_POWER, IRP_MN_SET_POWER, NT_SUCCESS, PoCallDriver,
  PoRequestPowerIrp, PoSetPowerState, PoStartNextPowerIrp, POWER_STATE, PowerDeviceD0, PowerDeviceD3, PowerDeviceUnspecified, PowerSystemWorking,
  STATUS_MORE_PROCESSING_REQUIRED, STATUS_PENDING, STATUS_SUCCESS, SystemPowerState, type DEVICE_OBJECT, type DEVICE_POWER_STATE, type IO_STATUS_BLOCK,
  type IRP, type NTSTATUS,
} from "@wdfjs/kernel";
import { AllowRequests, HoldRequests, ToasterProcessQueuedRequests, type TOASTER_FDO_DATA } from "./toaster.js";

/** Keep the bus's S-to-D mapping and wake capabilities: power.c maps system IRPs with it. */
export function ToasterSaveCapabilities(fdoData: TOASTER_FDO_DATA, caps: DEVICE_CAPABILITIES): void {
  for (let i = 0; i < caps.DeviceState.length; i++) fdoData.DeviceCaps.DeviceState[i] = caps.DeviceState[i]!;
  fdoData.DeviceCaps.DeviceWake = caps.DeviceWake;
  fdoData.DeviceCaps.SystemWake = caps.SystemWake;
}

/** ToasterDispatchPower, after the remove lock is taken and the device is known started. */
export function ToasterDispatchPowerStarted(fdoData: TOASTER_FDO_DATA, Irp: IRP): NTSTATUS {
  const stack = IoGetCurrentIrpStackLocation(Irp);
  switch (stack.MinorFunction) {
    case IRP_MN_QUERY_POWER:
      if (stack.Parameters.Power.Type === SystemPowerState) {
        // A toaster that cannot sleep now (the tests' failQueryPower) refuses the query:
        // the IRP goes no further, and the power manager abandons the sleep.
        if (fdoData.Options.failQueryPower !== undefined) {
          const status = fdoData.Options.failQueryPower;
          PoStartNextPowerIrp(Irp);
          Irp.IoStatus.Status = status;
          IoCompleteRequest(Irp, IO_NO_INCREMENT);
          IoReleaseRemoveLock(fdoData.RemoveLock, Irp);
          return status;
        }
        return ToasterHandleSystemPowerIrp(fdoData, Irp);
      }
      return ToasterHandleDeviceQueryPower(fdoData, Irp);
    case IRP_MN_SET_POWER:
      if (stack.Parameters.Power.Type === SystemPowerState) return ToasterHandleSystemPowerIrp(fdoData, Irp);
      return ToasterHandleDeviceSetPower(fdoData, Irp);
    default:
      // WAIT_WAKE and POWER_SEQUENCE: not this driver's business.
      return ToasterDefaultPowerHandler(fdoData, Irp);
  }
}

/** ToasterDefaultPowerHandler: start the next power IRP and pass this one down untouched. */
export function ToasterDefaultPowerHandler(fdoData: TOASTER_FDO_DATA, Irp: IRP): NTSTATUS {
  PoStartNextPowerIrp(Irp);
  IoSkipCurrentIrpStackLocation(Irp);
  const status = PoCallDriver(fdoData.NextLowerDriver!, Irp);
  IoReleaseRemoveLock(fdoData.RemoveLock, Irp);
  return status;
}

/** ToasterHandleSystemPowerIrp: the system IRP goes down first; the completion routine asks for the device IRP. */
function ToasterHandleSystemPowerIrp(fdoData: TOASTER_FDO_DATA, Irp: IRP): NTSTATUS {
  IoMarkIrpPending(Irp);
  IoCopyCurrentIrpStackLocationToNext(Irp);
  IoSetCompletionRoutine(Irp, ToasterCompletionSystemPowerUp, fdoData, true, true, true);
  PoCallDriver(fdoData.NextLowerDriver!, Irp);
  return STATUS_PENDING;
}

/** ToasterCompletionSystemPowerUp: the lower drivers agreed; queue the corresponding device IRP. */
function ToasterCompletionSystemPowerUp(DeviceObject: DEVICE_OBJECT | null, Irp: IRP, Context: any): NTSTATUS {
  void DeviceObject;
  const fdoData = Context as TOASTER_FDO_DATA;
  const stack = IoGetCurrentIrpStackLocation(Irp);
  if (!NT_SUCCESS(Irp.IoStatus.Status)) {
    // A lower driver failed it: the system IRP completes with that status.
    PoStartNextPowerIrp(Irp);
    IoReleaseRemoveLock(fdoData.RemoveLock, Irp);
    return STATUS_SUCCESS;
  }
  if (stack.MinorFunction === IRP_MN_SET_POWER) fdoData.SystemPowerState = stack.Parameters.Power.State.SystemState;
  const status = ToasterQueueCorrespondingDeviceIrp(Irp, fdoData);
  if (status !== STATUS_PENDING) {
    Irp.IoStatus.Status = status;
    PoStartNextPowerIrp(Irp);
    IoReleaseRemoveLock(fdoData.RemoveLock, Irp);
    return STATUS_SUCCESS;
  }
  // The device IRP's callback completes the system IRP.
  return STATUS_MORE_PROCESSING_REQUIRED;
}

/** ToasterGetPowerPoliciesDeviceState: D0 for S0; otherwise the bus's mapping (D3 if it gave none). */
function ToasterGetPowerPoliciesDeviceState(fdoData: TOASTER_FDO_DATA, SystemState: number): DEVICE_POWER_STATE {
  if (SystemState === PowerSystemWorking) return PowerDeviceD0;
  const d = fdoData.DeviceCaps.DeviceState[SystemState] ?? PowerDeviceUnspecified;
  return d === PowerDeviceUnspecified ? PowerDeviceD3 : d;
}

/** ToasterQueueCorrespondingDeviceIrp: PoRequestPowerIrp of the system IRP's minor function for the mapped device state. */
function ToasterQueueCorrespondingDeviceIrp(SIrp: IRP, fdoData: TOASTER_FDO_DATA): NTSTATUS {
  const stack = IoGetCurrentIrpStackLocation(SIrp);
  const powerState = new POWER_STATE();
  powerState.DeviceState = ToasterGetPowerPoliciesDeviceState(fdoData, stack.Parameters.Power.State.SystemState);
  // Power IRPs of a device come one at a time: the extension holds the system IRP the device IRP answers.
  fdoData.PendingSIrp = SIrp;
  const status = PoRequestPowerIrp(fdoData.UnderlyingPDO!, stack.MinorFunction, powerState, ToasterCallbackHandleDeviceIrp, fdoData, null);
  // Anything but STATUS_PENDING means no IRP was sent and the callback will not run.
  if (status !== STATUS_PENDING) fdoData.PendingSIrp = null;
  return status;
}

/** The device IRP is done: the system IRP completes with its status. */
function ToasterCallbackHandleDeviceIrp(DeviceObject: DEVICE_OBJECT, MinorFunction: number, PowerState: POWER_STATE, Context: any, IoStatus: IO_STATUS_BLOCK): void {
  void DeviceObject;
  void MinorFunction;
  void PowerState;
  const fdoData = Context as TOASTER_FDO_DATA;
  const SIrp = fdoData.PendingSIrp!;
  fdoData.PendingSIrp = null;
  SIrp.IoStatus.Status = IoStatus.Status;
  PoStartNextPowerIrp(SIrp);
  IoCompleteRequest(SIrp, IO_NO_INCREMENT);
  IoReleaseRemoveLock(fdoData.RemoveLock, SIrp);
}

/** ToasterHandleDeviceQueryPower: to agree to a lower state, stop taking new requests; then pass it down. */
function ToasterHandleDeviceQueryPower(fdoData: TOASTER_FDO_DATA, Irp: IRP): NTSTATUS {
  const newState = IoGetCurrentIrpStackLocation(Irp).Parameters.Power.State.DeviceState;
  // New requests wait from here on; a later SET_POWER D0 (the sleep happened, or was abandoned) runs them.
  if (newState > PowerDeviceD0) fdoData.QueueState = HoldRequests;
  Irp.IoStatus.Status = STATUS_SUCCESS;
  return ToasterDefaultPowerHandler(fdoData, Irp);
}

/** ToasterHandleDeviceSetPower: down — hold requests, record the state, pass it on; up — pass it down first. */
function ToasterHandleDeviceSetPower(fdoData: TOASTER_FDO_DATA, Irp: IRP): NTSTATUS {
  const newState = IoGetCurrentIrpStackLocation(Irp).Parameters.Power.State.DeviceState;
  if (newState === PowerDeviceD0) {
    // Powering up: the bus turns the device on before the driver uses it.
    IoMarkIrpPending(Irp);
    IoCopyCurrentIrpStackLocationToNext(Irp);
    IoSetCompletionRoutine(Irp, ToasterCompletionDevicePowerUp, fdoData, true, true, true);
    PoCallDriver(fdoData.NextLowerDriver!, Irp);
    return STATUS_PENDING;
  }
  return ToasterFinishDevicePoDownIrp(fdoData, Irp);
}

/** ToasterFinishDevicePoDownIrp: the device stops here, then the bus below turns it off. */
function ToasterFinishDevicePoDownIrp(fdoData: TOASTER_FDO_DATA, Irp: IRP): NTSTATUS {
  const state = IoGetCurrentIrpStackLocation(Irp).Parameters.Power.State;
  fdoData.QueueState = HoldRequests;
  PoSetPowerState(fdoData.Self!, DevicePowerState, state);
  fdoData.DevicePowerState = state.DeviceState;
  Irp.IoStatus.Status = STATUS_SUCCESS;
  return ToasterDefaultPowerHandler(fdoData, Irp);
}

/** ToasterCompletionDevicePowerUp: D0 below; ToasterFinishDevicePoUpIrp records it and runs the held requests. */
function ToasterCompletionDevicePowerUp(DeviceObject: DEVICE_OBJECT | null, Irp: IRP, Context: any): NTSTATUS {
  void DeviceObject;
  const fdoData = Context as TOASTER_FDO_DATA;
  if (NT_SUCCESS(Irp.IoStatus.Status)) {
    const state = IoGetCurrentIrpStackLocation(Irp).Parameters.Power.State;
    fdoData.DevicePowerState = state.DeviceState;
    PoSetPowerState(fdoData.Self!, DevicePowerState, state);
    fdoData.QueueState = AllowRequests;
    ToasterProcessQueuedRequests(fdoData);
  }
  PoStartNextPowerIrp(Irp);
  IoReleaseRemoveLock(fdoData.RemoveLock, Irp);
  return STATUS_SUCCESS;
}
