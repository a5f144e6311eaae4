import type { IO_STATUS_BLOCK } from "../io/irp.js";
import type { DEVICE_OBJECT } from "../io/device.js";

/*
 * The power manager's types and constants, with wdm.h's names and values.
 */

/** SYSTEM_POWER_STATE: S0 (working) to S5 (off). */
export const PowerSystemUnspecified = 0;
export const PowerSystemWorking = 1;
export const PowerSystemSleeping1 = 2;
export const PowerSystemSleeping2 = 3;
export const PowerSystemSleeping3 = 4;
export const PowerSystemHibernate = 5;
export const PowerSystemShutdown = 6;
export const PowerSystemMaximum = 7;
export type SYSTEM_POWER_STATE = number;

/** DEVICE_POWER_STATE: D0 (fully on) to D3 (off). */
export const PowerDeviceUnspecified = 0;
export const PowerDeviceD0 = 1;
export const PowerDeviceD1 = 2;
export const PowerDeviceD2 = 3;
export const PowerDeviceD3 = 4;
export const PowerDeviceMaximum = 5;
export type DEVICE_POWER_STATE = number;

/** POWER_STATE_TYPE: which member of POWER_STATE a power IRP carries. */
export const SystemPowerState = 0;
export const DevicePowerState = 1;
export type POWER_STATE_TYPE = number;

/** POWER_ACTION: why the system changes state (Parameters.Power.ShutdownType). */
export const PowerActionNone = 0;
export const PowerActionReserved = 1;
export const PowerActionSleep = 2;
export const PowerActionHibernate = 3;
export const PowerActionShutdown = 4;
export const PowerActionShutdownReset = 5;
export const PowerActionShutdownOff = 6;
export const PowerActionWarmEject = 7;
export const PowerActionDisplayOff = 8;
export type POWER_ACTION = number;

/** IRP_MJ_POWER's minor functions. */
export const IRP_MN_WAIT_WAKE = 0x00;
export const IRP_MN_POWER_SEQUENCE = 0x01;
export const IRP_MN_SET_POWER = 0x02;
export const IRP_MN_QUERY_POWER = 0x03;

/**
 * POWER_STATE: the C union of a SYSTEM_POWER_STATE and a DEVICE_POWER_STATE over one
 * storage, so `SystemState` and `DeviceState` read the same value, as in wdm.h.
 * `const s = new POWER_STATE(); s.DeviceState = PowerDeviceD3;`
 */
export class POWER_STATE {
  protected value: number;
  constructor(value = 0) {
    this.value = value;
  }
  get SystemState(): SYSTEM_POWER_STATE {
    return this.value;
  }
  set SystemState(v: SYSTEM_POWER_STATE) {
    this.value = v;
  }
  get DeviceState(): DEVICE_POWER_STATE {
    return this.value;
  }
  set DeviceState(v: DEVICE_POWER_STATE) {
    this.value = v;
  }
}
export type PPOWER_STATE = POWER_STATE;

/**
 * REQUEST_POWER_COMPLETE: the callback PoRequestPowerIrp calls when its IRP completes,
 * with the target device object, the minor function, the state asked for, the caller's
 * context and the IRP's final IoStatus. The IRP is freed after it returns.
 */
export type REQUEST_POWER_COMPLETE = (
  DeviceObject: DEVICE_OBJECT,
  MinorFunction: number,
  PowerState: POWER_STATE,
  Context: any,
  IoStatus: IO_STATUS_BLOCK,
) => void;
export type PREQUEST_POWER_COMPLETE = REQUEST_POWER_COMPLETE;

/** Names for messages and traces. */
export const SystemPowerStateNames: readonly string[] = ["Unspecified", "S0", "S1", "S2", "S3", "S4", "S5"];
export const DevicePowerStateNames: readonly string[] = ["Unspecified", "D0", "D1", "D2", "D3"];
export const PowerMinorNames: readonly string[] = ["WAIT_WAKE", "POWER_SEQUENCE", "SET_POWER", "QUERY_POWER"];

