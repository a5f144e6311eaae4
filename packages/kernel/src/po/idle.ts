import { cur } from "../context.js";
import type { DEVICE_OBJECT } from "../io/device.js";
import { KeInitializeDpc, type KDPC } from "../ke/dpc.js";
import { PASSIVE_LEVEL } from "../ke/irql.js";
import { KeCancelTimer, KeInitializeTimer, KeSetTimerEx } from "../ke/timer.js";
import { WriteUlong } from "../mm/access.js";
import { POOL_FLAG_NON_PAGED } from "../mm/pool.js";
import { VfIrqlTooHigh } from "../verifier/irql-rules.js";
import { IRP_MN_SET_POWER, POWER_STATE, type DEVICE_POWER_STATE } from "./power-state.js";
import { POP_IDLE_TAG, PopIdleDevice, type PopIdlePoll } from "./power-manager.js";
import { PoRequestPowerIrp } from "./po-ddi.js";

/*
 * Idle detection (PoRegisterDeviceForIdleDetection, PoSetDeviceBusy). The idle counter is a
 * ULONG in nonpaged pool, as on Windows: PoSetDeviceBusy is the macro `*IdlePointer = 0`, so
 * the power manager learns of activity only by looking. Once a second it counts up every
 * watched device's counter; one that reaches its idle time gets a SET_POWER IRP for the
 * registered state (PoRequestPowerIrp) and is not watched again until its driver records D0
 * with PoSetPowerState. The poll runs only while some device is watched, so an idle machine
 * (`machine.run()`) stops once every watched device has powered down.
 */

/** Machine time between two looks at the counters: one second, in 100 ns units. */
const POLL_PERIOD = 10_000_000;

/**
 * `PoRegisterDeviceForIdleDetection`: watch the device for `PerformanceIdleTime` seconds
 * without PoSetDeviceBusy (the machine runs on AC power, so the performance time applies;
 * ConservationIdleTime is the battery's), then send it SET_POWER for `State`. Returns the
 * idle counter's address for PoSetDeviceBusy; both times 0 ends the registration (returns 0).
 * PASSIVE_LEVEL only.
 */
export function PoRegisterDeviceForIdleDetection(DeviceObject: DEVICE_OBJECT, ConservationIdleTime: number, PerformanceIdleTime: number, State: DEVICE_POWER_STATE): number {
  const m = cur;
  if (m.checked && m.cpu.Irql !== PASSIVE_LEVEL) VfIrqlTooHigh("PoRegisterDeviceForIdleDetection", PASSIVE_LEVEL);
  const idle = m.po.idle;
  PopForgetIdleDevice(DeviceObject);
  if (ConservationIdleTime === 0 && PerformanceIdleTime === 0) return 0;
  // The counter belongs to the power manager, not to the driver that asked.
  m.mm.kernelCode++;
  const counter = m.mm.pool.allocate(POOL_FLAG_NON_PAGED, 4, POP_IDLE_TAG);
  m.mm.kernelCode--;
  if (counter === 0) return 0;
  m.mm.write32(counter, 0);
  const d = new PopIdleDevice(DeviceObject, counter, PerformanceIdleTime, State);
  // A zero time for the policy in force disables detection for it; the counter still works.
  d.watching = PerformanceIdleTime !== 0;
  idle.devices.set(DeviceObject, d);
  PopStartIdlePoll();
  return counter;
}

/** `PoSetDeviceBusy`: the macro `*IdlePointer = 0`. */
export function PoSetDeviceBusy(IdlePointer: number): void {
  WriteUlong(IdlePointer, 0);
}

/** The device is in D0 again (its driver said so with PoSetPowerState): watch it again. */
export function PopIdleDevicePoweredUp(DeviceObject: DEVICE_OBJECT): void {
  const d = cur.po.idle.devices.get(DeviceObject);
  if (d === undefined || d.watching || d.seconds === 0) return;
  cur.mm.write32(d.counter, 0);
  d.watching = true;
  PopStartIdlePoll();
}

/** End a registration (a new one, both times 0, or the device object going away) and free its counter. */
export function PopForgetIdleDevice(DeviceObject: DEVICE_OBJECT): void {
  const m = cur;
  const d = m.po.idle.devices.get(DeviceObject);
  if (d === undefined) return;
  m.po.idle.devices.delete(DeviceObject);
  m.mm.kernelCode++;
  m.mm.pool.free_(d.counter, POP_IDLE_TAG);
  m.mm.kernelCode--;
}

function PopStartIdlePoll(): void {
  const m = cur;
  const idle = m.po.idle;
  if (idle.running) return;
  let any = false;
  for (const d of idle.devices.values()) if (d.watching) any = true;
  if (!any) return;
  const cpu = m.cpu;
  const prev = cpu.driver;
  cpu.driver = null;
  KeInitializeTimer(idle.timer);
  KeInitializeDpc(idle.dpc, PopIdlePollDpc, idle);
  KeSetTimerEx(idle.timer, -POLL_PERIOD, POLL_PERIOD / 10_000, idle.dpc);
  cpu.driver = prev;
  idle.running = true;
}

function PopIdlePollDpc(_Dpc: KDPC, idle: PopIdlePoll): void {
  const m = cur;
  let watching = 0;
  for (const d of idle.devices.values()) {
    if (!d.watching) continue;
    const n = m.mm.read32(d.counter) + 1;
    m.mm.write32(d.counter, n);
    if (n < d.seconds) {
      watching++;
      continue;
    }
    d.watching = false;
    m.trace?.event("power-idle", d.DeviceObject.DriverObject, `idle ${d.seconds} s`);
    PoRequestPowerIrp(d.DeviceObject, IRP_MN_SET_POWER, new POWER_STATE(d.State), null, null, null);
  }
  if (watching === 0) {
    KeCancelTimer(idle.timer);
    idle.running = false;
  }
}

