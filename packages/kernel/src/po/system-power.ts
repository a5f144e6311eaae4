import { cur } from "../context.js";
import { PopAllocatePowerIrp } from "./send.js";
import { IoCallDriver, IoCompleteRequest } from "../io/complete.js";
import { IoSetCancelRoutine } from "../io/cancel.js";
import type { DEVICE_OBJECT } from "../io/device.js";
import { IoFreeIrp, IoGetNextIrpStackLocation, IoSetCompletionRoutine, type IRP } from "../io/irp.js";
import { Executive, KEVENT, KeInitializeEvent, KernelMode, KeSetEvent, KeWaitForSingleObject, NotificationEvent, type KWAIT_GENERATOR } from "../ke/dispatcher.js";
import { IO_NO_INCREMENT } from "../ke/dispatcher.js";
import { MachineUsageError } from "../ke/scheduler.js";
import type { Machine } from "../machine.js";
import { describeValue } from "../machine-options.js";
import { ObDereferenceObject } from "../ob/object.js";
import {
  NT_SUCCESS, STATUS_INSUFFICIENT_RESOURCES, STATUS_MORE_PROCESSING_REQUIRED, STATUS_SUCCESS, type NTSTATUS,
} from "../ntstatus.js";
import { PopPhysicalDeviceObject, PopUnwatchIrp, PopWatchIrp, type PopWatchedIrp } from "./power-manager.js";
import {
  IRP_MN_QUERY_POWER, IRP_MN_SET_POWER, PowerActionHibernate, PowerActionShutdownOff, PowerActionSleep, PowerSystemHibernate, PowerSystemShutdown,
  PowerSystemSleeping1, PowerSystemWorking, SystemPowerState, SystemPowerStateNames, type POWER_ACTION, type SYSTEM_POWER_STATE,
} from "./power-state.js";

/*
 * The system power policy: the power manager, as a system thread, takes every registered
 * device stack to a system state with the IRPs Windows sends (QUERY_POWER, then SET_POWER,
 * children before parents; back to S0 with SET_POWER, parents first). Each device's power
 * policy owner turns the system IRP into a device IRP itself (PoRequestPowerIrp), as WDM
 * drivers do; the power manager only waits for each system IRP to complete.
 */

class PopSystemIrp {
  readonly done = new KEVENT();
  watch: PopWatchedIrp | null = null;
  constructor() {
    KeInitializeEvent(this.done, NotificationEvent, false);
  }
}

function PopSystemIrpCompletion(_DeviceObject: DEVICE_OBJECT | null, _Irp: IRP, s: PopSystemIrp): NTSTATUS {
  PopUnwatchIrp(s.watch);
  KeSetEvent(s.done, 0, false);
  return STATUS_MORE_PROCESSING_REQUIRED;
}

/** Send one system power IRP to the top of `pdo`'s stack and wait until it completes; its final status. */
function* PopSendSystemIrp(pdo: DEVICE_OBJECT, MinorFunction: number, State: SYSTEM_POWER_STATE, Action: POWER_ACTION): KWAIT_GENERATOR<NTSTATUS> {
  const a = PopAllocatePowerIrp(pdo, MinorFunction);
  if (a === null) return STATUS_INSUFFICIENT_RESOURCES;
  const { top, irp } = a;
  const sl = IoGetNextIrpStackLocation(irp);
  const p = sl.Parameters.Power;
  p.SystemContext = 0;
  p.Type = SystemPowerState;
  p.State.SystemState = State;
  p.ShutdownType = Action;
  const s = new PopSystemIrp();
  IoSetCompletionRoutine(irp, PopSystemIrpCompletion, s, true, true, true);
  s.watch = PopWatchIrp(irp, pdo, MinorFunction);
  IoCallDriver(top, irp);
  yield* KeWaitForSingleObject(s.done, Executive, KernelMode, false, null);
  const status = irp.IoStatus.Status;
  IoFreeIrp(irp);
  ObDereferenceObject(top);
  return status;
}

function actionFor(State: SYSTEM_POWER_STATE): POWER_ACTION {
  return State === PowerSystemHibernate ? PowerActionHibernate : State === PowerSystemShutdown ? PowerActionShutdownOff : PowerActionSleep;
}

/**
 * Take the system to `State`: QUERY_POWER to every stack, children first; if one fails,
 * the transition is abandoned and the stacks that agreed get SET_POWER for S0 (the state
 * the system stays in), and the failure is returned. Otherwise SET_POWER to every stack.
 */
export function* PopSetSystemPowerState(State: SYSTEM_POWER_STATE): KWAIT_GENERATOR<NTSTATUS> {
  const po = cur.po;
  const order = po.sleepOrder();
  const action = actionFor(State);
  const queried: DEVICE_OBJECT[] = [];
  for (const pdo of order) {
    const st = yield* PopSendSystemIrp(pdo, IRP_MN_QUERY_POWER, State, action);
    if (!NT_SUCCESS(st)) {
      cur.trace?.event("power-veto", pdo.DriverObject, SystemPowerStateNames[State] ?? String(State));
      for (let i = queried.length - 1; i >= 0; i--) yield* PopSendSystemIrp(queried[i]!, IRP_MN_SET_POWER, PowerSystemWorking, action);
      return st;
    }
    queried.push(pdo);
  }
  // A SET_POWER for a system state cannot be refused: its status is not looked at.
  for (const pdo of order) yield* PopSendSystemIrp(pdo, IRP_MN_SET_POWER, State, action);
  po.systemState = State;
  po.action = action;
  return STATUS_SUCCESS;
}

/** Back to S0: SET_POWER (S0) to every stack, parents first. */
export function* PopWakeSystem(): KWAIT_GENERATOR<NTSTATUS> {
  const po = cur.po;
  const order = po.sleepOrder();
  for (let i = order.length - 1; i >= 0; i--) yield* PopSendSystemIrp(order[i]!, IRP_MN_SET_POWER, PowerSystemWorking, po.action);
  po.systemState = PowerSystemWorking;
  return STATUS_SUCCESS;
}

// ---- the host API (Machine.sleep, Machine.wake, Machine.signalWake) ----

/** `machine.sleep(State)`: run the transition as the power manager's system thread; its status. */
export function PopHostSleep(m: Machine, State: SYSTEM_POWER_STATE): NTSTATUS {
  if (typeof State !== "number" || !(State >= PowerSystemSleeping1 && State <= PowerSystemShutdown) || !Number.isInteger(State)) {
    throw new MachineUsageError(`wdfjs: sleep(State): State must be a SYSTEM_POWER_STATE from PowerSystemSleeping1 (S1) to PowerSystemShutdown (S5); got ${describeValue(State)}.`);
  }
  const po = m.po;
  if (po.systemState !== PowerSystemWorking || po.transitioning) {
    throw new MachineUsageError(`wdfjs: sleep(${SystemPowerStateNames[State]}): the machine is not working (it is in ${SystemPowerStateNames[po.systemState]}); wake it first.`);
  }
  return transition(m, `power manager: to ${SystemPowerStateNames[State]}`, () => PopSetSystemPowerState(State));
}

/** `machine.wake()`: back to S0 from a sleep; STATUS_SUCCESS (nothing to do if already working). */
export function PopHostWake(m: Machine): NTSTATUS {
  const po = m.po;
  if (po.transitioning) throw new MachineUsageError("wdfjs: wake(): a power transition is already under way.");
  if (po.systemState === PowerSystemWorking) return STATUS_SUCCESS;
  return transition(m, "power manager: to S0", () => PopWakeSystem());
}

function transition(m: Machine, name: string, body: () => KWAIT_GENERATOR<NTSTATUS>): NTSTATUS {
  const po = m.po;
  po.transitioning = true;
  try {
    return m.callDriverRoutine(null, name, body);
  } finally {
    po.transitioning = false;
  }
}

/**
 * `machine.signalWake(device)`: the device's wake signal. If a WAIT_WAKE IRP sent for its
 * stack is armed — held by the bus driver at the stack's PDO — the platform completes it
 * with STATUS_SUCCESS, as ACPI does for a wake event: a sleeping system first returns to
 * S0 (the S0 IRPs go out), then the IRP completes and its requester's callback runs.
 * Returns FALSE if no WAIT_WAKE is armed for the device (nothing happens).
 */
export function PopHostSignalWake(m: Machine, DeviceObject: DEVICE_OBJECT): boolean {
  if (typeof DeviceObject !== "object" || DeviceObject === null || typeof (DeviceObject as { StackSize?: unknown }).StackSize !== "number") {
    throw new MachineUsageError(`wdfjs: signalWake(DeviceObject): DeviceObject must be a DEVICE_OBJECT of this machine; got ${describeValue(DeviceObject)}.`);
  }
  const po = m.po;
  const armed = (): IRP | null => {
    const pdo = PopPhysicalDeviceObject(DeviceObject);
    for (const irp of po.waitWakes) {
      if (irp.CurrentLocation <= irp.StackCount && irp.Stack[irp.CurrentLocation - 1]!.DeviceObject === pdo) return irp;
    }
    return null;
  };
  if (m.runInKernel(armed) === null) return false;
  if (po.systemState !== PowerSystemWorking) PopHostWake(m);
  return m.runInKernel(() => {
    const irp = armed();
    if (irp === null) return false;
    // The bus driver's cancel routine no longer applies: the IRP is being completed. If cancel won the race, leave it to the cancel.
    if (irp.CancelRoutine !== null && IoSetCancelRoutine(irp, null) === null) return false;
    const cpu = m.cpu;
    const pdo = irp.Stack[irp.CurrentLocation - 1]!.DeviceObject!;
    cpu.driver = pdo.DriverObject;
    irp.IoStatus.Status = STATUS_SUCCESS;
    irp.IoStatus.Information = 0;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    cpu.driver = null;
    return true;
  });
}

/**
 * The PnP manager's hook: a device node's stack has started (call it from inside the
 * machine, after IRP_MN_START_DEVICE succeeded), so system power IRPs reach it. `Parent`
 * is the parent device node's PDO (null for the root's children).
 */
export function PopRegisterDeviceStack(Pdo: DEVICE_OBJECT, Parent: DEVICE_OBJECT | null = null): void {
  cur.po.registerDeviceStack(Pdo, Parent);
}

/** The PnP manager's hook: the device node is stopping or going away; no more system power IRPs. */
export function PopUnregisterDeviceStack(Pdo: DEVICE_OBJECT): void {
  cur.po.unregisterDeviceStack(Pdo);
}
