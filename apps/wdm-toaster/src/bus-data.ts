/**
 * busenum.h: the device extensions of the toaster bus's FDO and of each PDO it creates
 * for a plugged-in toaster, and the outstanding-I/O count (Bus_IncIoCount /
 * Bus_DecIoCount) that the FDO's STOP and REMOVE wait on.
 */
import {
  FAST_MUTEX, KEVENT, KeClearEvent, KeSetEvent, IO_NO_INCREMENT, PowerDeviceD0, PowerSystemWorking, type DEVICE_OBJECT, type DEVICE_POWER_STATE,
  type SYSTEM_POWER_STATE,
} from "@wdfjs/kernel";
import type { ToasterLog } from "./log.js";
import { NotStarted, type DEVICE_PNP_STATE } from "./pnp-state.js";

export class COMMON_DEVICE_DATA {
  DevicePnPState: DEVICE_PNP_STATE = NotStarted;
  PreviousPnPState: DEVICE_PNP_STATE = NotStarted;
  Self: DEVICE_OBJECT | null = null;
  /** The power states the driver last set (power.c keeps them for its traces). */
  SystemPowerState: SYSTEM_POWER_STATE = PowerSystemWorking;
  DevicePowerState: DEVICE_POWER_STATE = PowerDeviceD0;
  constructor(
    readonly IsFDO: boolean,
    readonly Log: ToasterLog,
  ) {}
}

export class PDO_DEVICE_DATA extends COMMON_DEVICE_DATA {
  /** The FDO of the bus this toaster is plugged into; null once the bus is gone. */
  ParentFdo: DEVICE_OBJECT | null = null;
  /** The plug-in request's MULTI_SZ, one ID a string. */
  HardwareIDs: string[] = [];
  SerialNo = 0;
  /** Still plugged in: reported in BusRelations. */
  Present = false;
  /** Left out of a BusRelations answer: REMOVE_DEVICE deletes the PDO. */
  ReportedMissing = false;
  constructor(Log: ToasterLog) {
    super(false, Log);
  }
}

export class FDO_DEVICE_DATA extends COMMON_DEVICE_DATA {
  UnderlyingPDO: DEVICE_OBJECT | null = null;
  NextLowerDriver: DEVICE_OBJECT | null = null;
  /** ListOfPDOs, guarded by Mutex. */
  readonly ListOfPDOs: PDO_DEVICE_DATA[] = [];
  NumPDOs = 0;
  readonly Mutex = new FAST_MUTEX();
  /** Starts at 1 (the device's own reference); STOP drops to 1 and REMOVE to 0. */
  OutstandingIO = 1;
  /** Signalled when OutstandingIO reaches 0: REMOVE_DEVICE may go on. */
  readonly RemoveEvent = new KEVENT();
  /** Signalled when OutstandingIO reaches 1: STOP_DEVICE may go on. */
  readonly StopEvent = new KEVENT();
  /** The bus interface's symbolic link (IoRegisterDeviceInterface). */
  InterfaceName = "";
  constructor(Log: ToasterLog) {
    super(true, Log);
  }
}

export function Bus_IncIoCount(FdoData: FDO_DEVICE_DATA): void {
  const result = ++FdoData.OutstandingIO;
  // Once STOP has taken the count to 1, new I/O makes STOP wait again.
  if (result === 2) KeClearEvent(FdoData.StopEvent);
}

export function Bus_DecIoCount(FdoData: FDO_DEVICE_DATA): void {
  const result = --FdoData.OutstandingIO;
  if (result === 1) KeSetEvent(FdoData.StopEvent, IO_NO_INCREMENT, false);
  if (result === 0) KeSetEvent(FdoData.RemoveEvent, IO_NO_INCREMENT, false);
}
