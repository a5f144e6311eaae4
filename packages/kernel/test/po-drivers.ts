/**
 * Test drivers for the power manager's tests: a bus-like driver that owns the PDO and a
 * WDM function driver over it that is the device's power policy owner, written as WDM
 * drivers are (the function driver turns system power IRPs into device power IRPs with
 * PoRequestPowerIrp, and queues reads while its device is not in D0).
 */
import { expect } from "vitest";
import {
  DevicePowerState, DO_POWER_PAGABLE, FILE_DEVICE_BUS_EXTENDER, FILE_DEVICE_UNKNOWN, IO_NO_INCREMENT, IoAttachDeviceToDeviceStack,
  IoCompleteRequest, IoCopyCurrentIrpStackLocationToNext, IoCreateDevice, IoGetCurrentIrpStackLocation, IoMarkIrpPending,
  IoSetCompletionRoutine, IoSkipCurrentIrpStackLocation, IRP_MJ_POWER, IRP_MJ_READ, IRP_MN_QUERY_POWER, IRP_MN_SET_POWER,
  IRP_MN_WAIT_WAKE, NT_SUCCESS, NtStatusName, Out, PoCallDriver, PoQueryWatchdogTime, PoRequestPowerIrp, PoSetPowerState,
  PoStartNextPowerIrp, POWER_STATE, PowerDeviceD0, PowerDeviceD3, PowerSystemWorking, STATUS_MORE_PROCESSING_REQUIRED, STATUS_PENDING,
  STATUS_SUCCESS, SystemPowerState, type DEVICE_OBJECT, type DEVICE_POWER_STATE, type IO_STACK_LOCATION, type IO_STATUS_BLOCK, type IRP,
  type Machine, type NTSTATUS,
} from "../src/index.js";

const MINOR = ["WAIT_WAKE", "POWER_SEQUENCE", "SET_POWER", "QUERY_POWER"];

/** "SET_POWER S3", "SET_POWER D0", "WAIT_WAKE S3": what a driver saw. */
export function describePower(sl: IO_STACK_LOCATION): string {
  if (sl.MinorFunction === IRP_MN_WAIT_WAKE) return `WAIT_WAKE S${sl.Parameters.WaitWake.PowerState - 1}`;
  const p = sl.Parameters.Power;
  return `${MINOR[sl.MinorFunction]} ${p.Type === SystemPowerState ? "S" : "D"}${p.State.SystemState - 1}`;
}

export interface PowerStackOptions {
  /** Suffix of the drivers' names (two stacks in one machine). */
  name?: string;
  /** The PDO's driver fails IRP_MN_QUERY_POWER with this status. */
  vetoQuery?: NTSTATUS;
  /** The function driver never completes a system SET_POWER (for the watchdog). */
  holdSystemSetPower?: boolean;
  /** DEVICE_CAPABILITIES.DeviceState as the function driver learnt it (index: system state); S1–S5 → D3 by default. */
  deviceState?: Partial<Record<number, DEVICE_POWER_STATE>>;
}

export class FdoExtension {
  lower: DEVICE_OBJECT | null = null;
  pdo: DEVICE_OBJECT | null = null;
  devicePower: DEVICE_POWER_STATE = PowerDeviceD0;
  readonly queue: IRP[] = [];
  /** Seconds PoQueryWatchdogTime reported when the driver started holding a power IRP. */
  watchdogSeconds = -1;
}

export interface PowerStack {
  pdo: DEVICE_OBJECT;
  fdo: DEVICE_OBJECT;
  ext: FdoExtension;
  /** Every power IRP each driver saw and what the policy owner did, in order. */
  log: string[];
  /** A power IRP the function driver held (holdSystemSetPower). */
  held: IRP | null;
}

/** Load `Bus<name>` (the PDO) and `Func<name>` (the FDO, power policy owner) and register the stack with the power manager. */
export function loadPowerStack(m: Machine, o: PowerStackOptions = {}): PowerStack {
  const n = o.name ?? "";
  const stack = { log: [] as string[], held: null } as unknown as PowerStack;
  const log = stack.log;
  expect(
    m.loadDriver(`Bus${n}`, (DriverObject) => {
      const dev = Out<DEVICE_OBJECT | null>(null);
      const st = IoCreateDevice(DriverObject, 0, null, FILE_DEVICE_BUS_EXTENDER, 0, false, dev);
      if (!NT_SUCCESS(st)) return st;
      const pdo = dev.value!;
      pdo.Flags |= DO_POWER_PAGABLE;
      stack.pdo = pdo;
      PoSetPowerState(pdo, DevicePowerState, new POWER_STATE(PowerDeviceD0));
      DriverObject.MajorFunction[IRP_MJ_POWER] = (DeviceObject, Irp) => {
        const sl = IoGetCurrentIrpStackLocation(Irp);
        log.push(`pdo${n}: ${describePower(sl)}`);
        if (sl.MinorFunction === IRP_MN_WAIT_WAKE) {
          // Armed: held until the device signals wake (machine.signalWake).
          IoMarkIrpPending(Irp);
          return STATUS_PENDING;
        }
        let status = STATUS_SUCCESS;
        if (sl.MinorFunction === IRP_MN_QUERY_POWER && o.vetoQuery !== undefined) status = o.vetoQuery;
        if (sl.MinorFunction === IRP_MN_SET_POWER && sl.Parameters.Power.Type === DevicePowerState) {
          PoSetPowerState(DeviceObject, DevicePowerState, sl.Parameters.Power.State);
        }
        PoStartNextPowerIrp(Irp);
        Irp.IoStatus.Status = status;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        return status;
      };
      return STATUS_SUCCESS;
    }),
  ).toBe(STATUS_SUCCESS);

  expect(
    m.loadDriver(`Func${n}`, (DriverObject) => {
      const dev = Out<DEVICE_OBJECT | null>(null);
      const st = IoCreateDevice(DriverObject, () => new FdoExtension(), null, FILE_DEVICE_UNKNOWN, 0, false, dev);
      if (!NT_SUCCESS(st)) return st;
      const fdo = dev.value!;
      const ext = fdo.DeviceExtension as FdoExtension;
      fdo.Flags |= DO_POWER_PAGABLE;
      ext.pdo = stack.pdo;
      ext.lower = IoAttachDeviceToDeviceStack(fdo, stack.pdo);
      stack.fdo = fdo;
      stack.ext = ext;
      PoSetPowerState(fdo, DevicePowerState, new POWER_STATE(PowerDeviceD0));

      // The device IRP this driver asked for completed: finish the system IRP with its status.
      const OnDeviceIrpDone = (_d: DEVICE_OBJECT, _minor: number, state: POWER_STATE, SIrp: IRP, IoStatus: IO_STATUS_BLOCK): void => {
        log.push(`fdo${n}: D${state.DeviceState - 1} done ${NtStatusName(IoStatus.Status)}`);
        SIrp.IoStatus.Status = IoStatus.Status;
        PoStartNextPowerIrp(SIrp);
        IoCompleteRequest(SIrp, IO_NO_INCREMENT);
      };
      // The system IRP came back up: ask for the device state that goes with it.
      const OnSystemIrpDone = (_d: DEVICE_OBJECT | null, Irp: IRP): NTSTATUS => {
        const s = IoGetCurrentIrpStackLocation(Irp).Parameters.Power.State.SystemState;
        const d = new POWER_STATE();
        d.DeviceState = s === PowerSystemWorking ? PowerDeviceD0 : (o.deviceState?.[s] ?? PowerDeviceD3);
        const st = PoRequestPowerIrp(ext.pdo!, IRP_MN_SET_POWER, d, OnDeviceIrpDone, Irp, null);
        if (st !== STATUS_PENDING) {
          Irp.IoStatus.Status = st;
          PoStartNextPowerIrp(Irp);
          return STATUS_SUCCESS;
        }
        return STATUS_MORE_PROCESSING_REQUIRED;
      };
      // D0 reached below: record it and finish the reads that waited for it.
      const OnD0 = (_d: DEVICE_OBJECT | null, Irp: IRP): NTSTATUS => {
        if (Irp.PendingReturned) IoMarkIrpPending(Irp);
        PoSetPowerState(fdo, DevicePowerState, new POWER_STATE(PowerDeviceD0));
        ext.devicePower = PowerDeviceD0;
        while (ext.queue.length > 0) {
          const r = ext.queue.shift()!;
          log.push(`fdo${n}: read completed in D0`);
          r.IoStatus.Status = STATUS_SUCCESS;
          r.IoStatus.Information = IoGetCurrentIrpStackLocation(r).Parameters.Read.Length;
          IoCompleteRequest(r, IO_NO_INCREMENT);
        }
        PoStartNextPowerIrp(Irp);
        return STATUS_SUCCESS;
      };

      DriverObject.MajorFunction[IRP_MJ_POWER] = (_DeviceObject, Irp) => {
        const sl = IoGetCurrentIrpStackLocation(Irp);
        log.push(`fdo${n}: ${describePower(sl)}`);
        if (sl.MinorFunction === IRP_MN_SET_POWER) {
          const p = sl.Parameters.Power;
          if (p.Type === SystemPowerState) {
            if (o.holdSystemSetPower) {
              const left = Out(0);
              if (PoQueryWatchdogTime(ext.pdo!, left)) ext.watchdogSeconds = left.value;
              stack.held = Irp;
              IoMarkIrpPending(Irp);
              return STATUS_PENDING;
            }
            IoMarkIrpPending(Irp);
            IoCopyCurrentIrpStackLocationToNext(Irp);
            IoSetCompletionRoutine(Irp, OnSystemIrpDone, null, true, true, true);
            PoCallDriver(ext.lower!, Irp);
            return STATUS_PENDING;
          }
          if (p.State.DeviceState === PowerDeviceD0) {
            IoCopyCurrentIrpStackLocationToNext(Irp);
            IoSetCompletionRoutine(Irp, OnD0, null, true, true, true);
            return PoCallDriver(ext.lower!, Irp);
          }
          // Powering down: the device stops here, then the bus below turns it off.
          ext.devicePower = p.State.DeviceState;
          PoSetPowerState(fdo, DevicePowerState, p.State);
        }
        PoStartNextPowerIrp(Irp);
        IoSkipCurrentIrpStackLocation(Irp);
        return PoCallDriver(ext.lower!, Irp);
      };
      // Reads wait while the device is not in D0 (this driver's choice; another could fail them).
      DriverObject.MajorFunction[IRP_MJ_READ] = (_DeviceObject, Irp) => {
        if (ext.devicePower !== PowerDeviceD0) {
          log.push(`fdo${n}: read queued in D${ext.devicePower - 1}`);
          IoMarkIrpPending(Irp);
          ext.queue.push(Irp);
          return STATUS_PENDING;
        }
        log.push(`fdo${n}: read completed at once`);
        Irp.IoStatus.Status = STATUS_SUCCESS;
        Irp.IoStatus.Information = IoGetCurrentIrpStackLocation(Irp).Parameters.Read.Length;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        return STATUS_SUCCESS;
      };
      return STATUS_SUCCESS;
    }),
  ).toBe(STATUS_SUCCESS);
  m.po.registerDeviceStack(stack.pdo);
  return stack;
}
