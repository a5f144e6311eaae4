import { cur } from "../context.js";
import { KiSchedulingPoint } from "./preempt.js";
import type { Box } from "../box.js";
import { KeBugCheckEx } from "./bugcheck.js";
import { DRIVER_VERIFIER_DETECTED_VIOLATION, VF_KERNEL_API_WRONG_IRQL } from "./bugcheck-codes.js";
import { KiDispatchInterrupt } from "./dpc.js";
import { IrqlName, PASSIVE_LEVEL } from "./irql.js";

/** The performance counter runs at 10 MHz, one tick per 100 ns of machine time. */
export const PERFORMANCE_FREQUENCY = 10_000_000;

/** `KeQueryPerformanceCounter`: machine time in ticks; the frequency through the box. */
export function KeQueryPerformanceCounter(PerformanceFrequency: Box<number> | null): number {
  if (PerformanceFrequency) PerformanceFrequency.value = PERFORMANCE_FREQUENCY;
  return cur.clock.now();
}

/** Clock ticks of 15.625 ms since boot, as KeQueryTickCount counts them. */
export function KeQueryTickCount(CurrentCount: Box<number>): void {
  CurrentCount.value = Math.floor(cur.clock.now() / 156_250);
}

export function KeQueryTimeIncrement(): number {
  return 156_250;
}

/**
 * `KeStallExecutionProcessor`: a busy wait of MicroSeconds on this processor. Nothing else
 * runs on it meanwhile; on the virtual clock, machine time moves on by the stall.
 */
export function KeStallExecutionProcessor(MicroSeconds: number): void {
  // A busy wait: the other processors go on meanwhile.
  KiSchedulingPoint();
  const m = cur;
  if (m.clock.isVirtual && MicroSeconds > 0) m.clock.advanceTo(m.clock.now() + MicroSeconds * 10);
}

/**
 * `KeFlushQueuedDpcs`: returns once every DPC queued on any processor has run, threaded
 * DPCs included (a driver calls it before unloading). Its page documents PASSIVE_LEVEL and
 * no DDI compliance rule covers it: the checked flavor stops with Driver Verifier's
 * "kernel API called at the incorrect IRQL", 0xC4/0xE5 (P2 the IRQL).
 */
export function KeFlushQueuedDpcs(): void {
  const m = cur;
  if (m.checked && m.cpu.Irql !== PASSIVE_LEVEL) {
    KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, VF_KERNEL_API_WRONG_IRQL, m.cpu.Irql, 0, 0, `KeFlushQueuedDpcs was called at ${IrqlName(m.cpu.Irql)}; it is callable at PASSIVE_LEVEL only.`);
  }
  for (let again = true; again; ) {
    again = false;
    for (const cpu of m.processors) {
      if ((cpu.dpcHead !== null && !cpu.dpcRoutineActive) || (cpu.threadedDpcHead !== null && !cpu.DpcThreadActive)) {
        KiDispatchInterrupt(m, cpu);
        again = true;
      }
    }
  }
}
