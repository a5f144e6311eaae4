/**
 * The DEVICE_PNP_STATE bookkeeping every WDM toaster driver keeps (SET_NEW_PNP_STATE,
 * RESTORE_PREVIOUS_PNP_STATE), and a short name for a PnP minor code for the logs.
 */
import {
  IoGetCurrentIrpStackLocation, IRP_MN_QUERY_DEVICE_RELATIONS, IRP_MN_QUERY_DEVICE_TEXT, IRP_MN_QUERY_ID, IRP_MN_QUERY_POWER, IRP_MN_SET_POWER, IRP_MN_WAIT_WAKE,
  PnpMinorNames, PowerMinorNames, SystemPowerState, type IRP,
} from "@wdfjs/kernel";

export const NotStarted = 0;
export const Started = 1;
export const StopPending = 2;
export const Stopped = 3;
export const RemovePending = 4;
export const SurpriseRemovePending = 5;
export const Deleted = 6;
export const UnKnown = 7;
export type DEVICE_PNP_STATE = number;

export interface PNP_STATE_HOLDER {
  DevicePnPState: DEVICE_PNP_STATE;
  PreviousPnPState: DEVICE_PNP_STATE;
}

export function SET_NEW_PNP_STATE(d: PNP_STATE_HOLDER, state: DEVICE_PNP_STATE): void {
  d.PreviousPnPState = d.DevicePnPState;
  d.DevicePnPState = state;
}

export function RESTORE_PREVIOUS_PNP_STATE(d: PNP_STATE_HOLDER): void {
  d.DevicePnPState = d.PreviousPnPState;
}

/** "START_DEVICE", "QUERY_ID(HardwareIDs)", "QUERY_DEVICE_RELATIONS(BusRelations)". */
export function PnPMinorName(Irp: IRP): string {
  const sl = IoGetCurrentIrpStackLocation(Irp);
  const n = (PnpMinorNames[sl.MinorFunction] ?? `0x${sl.MinorFunction.toString(16)}`).replace(/^IRP_MN_/, "");
  if (sl.MinorFunction === IRP_MN_QUERY_ID) return `${n}(${["DeviceID", "HardwareIDs", "CompatibleIDs", "InstanceID"][sl.Parameters.QueryId.IdType] ?? "?"})`;
  if (sl.MinorFunction === IRP_MN_QUERY_DEVICE_TEXT) return `${n}(${sl.Parameters.QueryDeviceText.DeviceTextType === 0 ? "Description" : "LocationInformation"})`;
  if (sl.MinorFunction === IRP_MN_QUERY_DEVICE_RELATIONS) {
    return `${n}(${["BusRelations", "EjectionRelations", "PowerRelations", "RemovalRelations", "TargetDeviceRelation"][sl.Parameters.QueryDeviceRelations.Type] ?? "?"})`;
  }
  return n;
}

/** "QUERY_POWER S3", "SET_POWER D0", "WAIT_WAKE S1": a power IRP as the logs show it (S and D numbered as Windows does, S0 working). */
export function PowerMinorName(Irp: IRP): string {
  const sl = IoGetCurrentIrpStackLocation(Irp);
  const n = PowerMinorNames[sl.MinorFunction] ?? `0x${sl.MinorFunction.toString(16)}`;
  if (sl.MinorFunction === IRP_MN_WAIT_WAKE) return `${n} S${sl.Parameters.WaitWake.PowerState - 1}`;
  if (sl.MinorFunction !== IRP_MN_SET_POWER && sl.MinorFunction !== IRP_MN_QUERY_POWER) return n;
  const p = sl.Parameters.Power;
  return p.Type === SystemPowerState ? `${n} S${p.State.SystemState - 1}` : `${n} D${p.State.DeviceState - 1}`;
}
