import { cur } from "../context.js";
import type { Box } from "../box.js";
import { DISPATCH_LEVEL } from "../ke/irql.js";
import { VfIrqlTooHigh } from "../verifier/irql-rules.js";
import { IoCallDriver } from "../io/complete.js";
import type { DEVICE_OBJECT } from "../io/device.js";
import type { DRIVER_OBJECT } from "../io/driver.js";
import { IoFreeIrp, IoGetNextIrpStackLocation, IoSetCompletionRoutine, type IRP } from "../io/irp.js";
import { ObDereferenceObject } from "../ob/object.js";
import {
  STATUS_INSUFFICIENT_RESOURCES, STATUS_INVALID_PARAMETER_2, STATUS_MORE_PROCESSING_REQUIRED, STATUS_PENDING, type NTSTATUS,
} from "../ntstatus.js";
import { PopPhysicalDeviceObject, PopUnwatchIrp, PopWatchIrp, type PopWatchedIrp } from "./power-manager.js";
import { PopAllocatePowerIrp, PopSendPowerIrp } from "./send.js";
import { PopIdleDevicePoweredUp } from "./idle.js";
import {
  DevicePowerState, DevicePowerStateNames, SystemPowerStateNames, IRP_MN_QUERY_POWER, IRP_MN_SET_POWER, IRP_MN_WAIT_WAKE, POWER_STATE, PowerActionNone, PowerDeviceD0,
  type POWER_STATE_TYPE, type REQUEST_POWER_COMPLETE,
} from "./power-state.js";

/**
 * `PoCallDriver`: since Windows Vista, IoCallDriver passes power IRPs like any other, and
 * PoCallDriver is that call under its old name (callable at or below DISPATCH_LEVEL; the
 * I/O verifier's 0xC9/0x10 stops a call above it).
 */
export function PoCallDriver(DeviceObject: DEVICE_OBJECT, Irp: IRP): NTSTATUS {
  return IoCallDriver(DeviceObject, Irp);
}

/**
 * `PoStartNextPowerIrp`: before Vista a driver called it for every power IRP so the power
 * manager would send the next; since Vista it does nothing. It stays callable (at or below
 * DISPATCH_LEVEL) so drivers written for both port line by line.
 */
export function PoStartNextPowerIrp(Irp: IRP): void {
  void Irp;
  const m = cur;
  if (m.checked && m.cpu.Irql > DISPATCH_LEVEL) VfIrqlTooHigh("PoStartNextPowerIrp", DISPATCH_LEVEL);
}

/**
 * `PoSetPowerState`: a driver tells the power manager the power state its device object is
 * now in; returns the state recorded before. A device object's state starts as
 * PowerDeviceUnspecified (PowerSystemUnspecified) until its driver first sets it.
 */
export function PoSetPowerState(DeviceObject: DEVICE_OBJECT, Type: POWER_STATE_TYPE, State: POWER_STATE): POWER_STATE {
  const m = cur;
  if (m.checked && m.cpu.Irql > DISPATCH_LEVEL) VfIrqlTooHigh("PoSetPowerState", DISPATCH_LEVEL);
  const po = m.po;
  const was = Type === DevicePowerState ? po.setDeviceState(DeviceObject, State.DeviceState) : po.setSystemStateOf(DeviceObject, State.SystemState);
  if (Type === DevicePowerState && State.DeviceState === PowerDeviceD0 && po.idle.devices.size !== 0) PopIdleDevicePoweredUp(DeviceObject);
  m.trace?.event("power-state", DeviceObject.DriverObject, (Type === DevicePowerState ? DevicePowerStateNames : SystemPowerStateNames)[State.SystemState] ?? String(State.SystemState));
  return new POWER_STATE(was);
}

/** What PoRequestPowerIrp keeps of a request until its IRP completes. */
class PopPowerRequest {
  watch: PopWatchedIrp | null = null;
  constructor(
    readonly DeviceObject: DEVICE_OBJECT,
    readonly top: DEVICE_OBJECT,
    readonly MinorFunction: number,
    readonly PowerState: POWER_STATE,
    readonly CompletionFunction: REQUEST_POWER_COMPLETE | null,
    readonly Context: any,
    readonly driver: DRIVER_OBJECT | null,
  ) {}
}

/**
 * `PoRequestPowerIrp`: allocates a power IRP (SET_POWER or QUERY_POWER for a device power
 * state, or WAIT_WAKE), sends it to the top of DeviceObject's stack, and when it completes
 * calls CompletionFunction with its IoStatus and frees it. Returns STATUS_PENDING (the
 * callback tells the outcome), STATUS_INVALID_PARAMETER_2 for another minor function, or
 * STATUS_INSUFFICIENT_RESOURCES. `Irp`, if given, receives the IRP (as the docs warn, it
 * may already be freed when the call returns). Callable at or below DISPATCH_LEVEL.
 */
export function PoRequestPowerIrp(
  DeviceObject: DEVICE_OBJECT,
  MinorFunction: number,
  PowerState: POWER_STATE,
  CompletionFunction: REQUEST_POWER_COMPLETE | null,
  Context: any,
  Irp: Box<IRP | null> | null,
): NTSTATUS {
  const m = cur;
  if (m.checked && m.cpu.Irql > DISPATCH_LEVEL) VfIrqlTooHigh("PoRequestPowerIrp", DISPATCH_LEVEL);
  if (Irp !== null) Irp.value = null;
  if (MinorFunction !== IRP_MN_SET_POWER && MinorFunction !== IRP_MN_QUERY_POWER && MinorFunction !== IRP_MN_WAIT_WAKE) return STATUS_INVALID_PARAMETER_2;
  const a = PopAllocatePowerIrp(DeviceObject, MinorFunction);
  if (a === null) return STATUS_INSUFFICIENT_RESOURCES;
  const { top, irp } = a;
  const sl = IoGetNextIrpStackLocation(irp);
  if (MinorFunction === IRP_MN_WAIT_WAKE) sl.Parameters.WaitWake.PowerState = PowerState.SystemState;
  else {
    const p = sl.Parameters.Power;
    p.SystemContext = 0;
    p.Type = DevicePowerState;
    p.State = PowerState;
    p.ShutdownType = PowerActionNone;
  }
  const req = new PopPowerRequest(DeviceObject, top, MinorFunction, new POWER_STATE(PowerState.SystemState), CompletionFunction, Context, m.cpu.driver);
  IoSetCompletionRoutine(irp, PopRequestCompletion, req, true, true, true);
  if (Irp !== null) Irp.value = irp;
  const pdo = PopPhysicalDeviceObject(DeviceObject);
  req.watch = PopWatchIrp(irp, pdo, MinorFunction);
  if (MinorFunction === IRP_MN_WAIT_WAKE) m.po.waitWakes.add(irp);
  PopSendPowerIrp(top, irp);
  return STATUS_PENDING;
}

/** PoRequestPowerIrp's completion routine: the caller's callback, then the IRP is freed. */
function PopRequestCompletion(_DeviceObject: DEVICE_OBJECT | null, Irp: IRP, req: PopPowerRequest): NTSTATUS {
  const m = cur;
  PopUnwatchIrp(req.watch);
  if (req.MinorFunction === IRP_MN_WAIT_WAKE) m.po.waitWakes.delete(Irp);
  const cb = req.CompletionFunction;
  if (cb !== null) {
    const cpu = m.cpu;
    const prev = cpu.driver;
    cpu.driver = req.driver;
    cb(req.DeviceObject, req.MinorFunction, req.PowerState, req.Context, Irp.IoStatus);
    cpu.driver = prev;
  }
  ObDereferenceObject(req.top);
  IoFreeIrp(Irp);
  return STATUS_MORE_PROCESSING_REQUIRED;
}

/**
 * `PoQueryWatchdogTime`: TRUE if a power IRP the watchdog watches is outstanding on Pdo's
 * stack, with the whole seconds left before the earliest one's time-out.
 */
export function PoQueryWatchdogTime(Pdo: DEVICE_OBJECT, SecondsRemaining: Box<number>): boolean {
  const m = cur;
  if (m.checked && m.cpu.Irql > DISPATCH_LEVEL) VfIrqlTooHigh("PoQueryWatchdogTime", DISPATCH_LEVEL);
  let earliest = Infinity;
  for (const w of m.po.watched) if (w.pdo === Pdo && w.deadline < earliest) earliest = w.deadline;
  if (earliest === Infinity) return false;
  SecondsRemaining.value = Math.max(0, Math.floor((earliest - m.clock.now()) / 10_000_000));
  return true;
}


