/**
 * busenum.sys, power.c: the bus FDO is not the power policy owner of its children and
 * does no power policy of its own here: it passes every power IRP down. A toaster's PDO
 * is the bottom of the toaster's stack: it records the state it is set to
 * (PoSetPowerState for a device state), agrees to every query, and does not support
 * WAIT_WAKE (the bus is root-enumerated, and the PnP manager above it cannot wake).
 */
import {
  DevicePowerState, IO_NO_INCREMENT, IoCompleteRequest, IoGetCurrentIrpStackLocation, IoSkipCurrentIrpStackLocation, IRP_MN_QUERY_POWER,
  IRP_MN_SET_POWER, PoCallDriver, PoSetPowerState, PoStartNextPowerIrp, STATUS_DELETE_PENDING, STATUS_NOT_SUPPORTED, STATUS_SUCCESS,
  SystemPowerState, type DEVICE_OBJECT, type IRP, type NTSTATUS,
} from "@wdfjs/kernel";
import { Bus_DecIoCount, Bus_IncIoCount, type COMMON_DEVICE_DATA, type FDO_DEVICE_DATA, type PDO_DEVICE_DATA } from "./bus-data.js";
import { Deleted, NotStarted, PowerMinorName } from "./pnp-state.js";

/** Bus_Power: power IRPs for the FDO and for the PDOs. */
export function Bus_Power(DeviceObject: DEVICE_OBJECT, Irp: IRP): NTSTATUS {
  const commonData = DeviceObject.DeviceExtension as COMMON_DEVICE_DATA;
  // A removed device does not pass the IRP on.
  if (commonData.DevicePnPState === Deleted) {
    PoStartNextPowerIrp(Irp);
    Irp.IoStatus.Status = STATUS_DELETE_PENDING;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_DELETE_PENDING;
  }
  if (commonData.IsFDO) return Bus_FDO_Power(commonData as FDO_DEVICE_DATA, Irp);
  return Bus_PDO_Power(commonData as PDO_DEVICE_DATA, Irp);
}

/** Bus_FDO_Power: the bus's own power policy would go here; the sample passes the IRP down. */
function Bus_FDO_Power(Data: FDO_DEVICE_DATA, Irp: IRP): NTSTATUS {
  Data.Log.add(`busenum ${PowerMinorName(Irp)}`);
  // Not started yet: just pass it down.
  if (Data.DevicePnPState === NotStarted) {
    PoStartNextPowerIrp(Irp);
    IoSkipCurrentIrpStackLocation(Irp);
    return PoCallDriver(Data.NextLowerDriver!, Irp);
  }
  Bus_IncIoCount(Data);
  PoStartNextPowerIrp(Irp);
  IoSkipCurrentIrpStackLocation(Irp);
  const status = PoCallDriver(Data.NextLowerDriver!, Irp);
  Bus_DecIoCount(Data);
  return status;
}

/** Bus_PDO_Power: a bus driver that is not the device's power policy owner starts the next power IRP and completes this one. */
function Bus_PDO_Power(PdoData: PDO_DEVICE_DATA, Irp: IRP): NTSTATUS {
  const stack = IoGetCurrentIrpStackLocation(Irp);
  const powerType = stack.Parameters.Power.Type;
  const powerState = stack.Parameters.Power.State;
  PdoData.Log.add(`busenum-pdo${String(PdoData.SerialNo).padStart(2, "0")} ${PowerMinorName(Irp)}`);
  let status: NTSTATUS;
  switch (stack.MinorFunction) {
    case IRP_MN_SET_POWER:
      if (powerType === DevicePowerState) {
        PoSetPowerState(PdoData.Self!, powerType, powerState);
        PdoData.DevicePowerState = powerState.DeviceState;
        status = STATUS_SUCCESS;
      } else if (powerType === SystemPowerState) {
        PdoData.SystemPowerState = powerState.SystemState;
        status = STATUS_SUCCESS;
      } else {
        status = STATUS_NOT_SUPPORTED;
      }
      break;
    case IRP_MN_QUERY_POWER:
      status = STATUS_SUCCESS;
      break;
    default:
      // IRP_MN_WAIT_WAKE and IRP_MN_POWER_SEQUENCE: not supported. The IRP keeps the
      // status its sender set (STATUS_NOT_SUPPORTED, as the rules for a new power IRP say).
      status = STATUS_NOT_SUPPORTED;
      break;
  }
  if (status !== STATUS_NOT_SUPPORTED) Irp.IoStatus.Status = status;
  PoStartNextPowerIrp(Irp);
  status = Irp.IoStatus.Status;
  IoCompleteRequest(Irp, IO_NO_INCREMENT);
  return status;
}
