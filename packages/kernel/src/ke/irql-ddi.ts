import { cur } from "../context.js";
import type { Box } from "../box.js";
import { KeBugCheckEx } from "./bugcheck.js";
import { DRIVER_VERIFIER_DETECTED_VIOLATION, IRQL_NOT_GREATER_OR_EQUAL } from "./bugcheck-codes.js";
import { APC_LEVEL, DISPATCH_LEVEL, IrqlName, type KIRQL } from "./irql.js";
import { KiDispatchInterrupt } from "./dpc.js";

export function KeGetCurrentIrql(): KIRQL {
  return cur.cpu.Irql;
}

export function KeGetCurrentProcessorNumber(): number {
  return cur.cpu.Number;
}

export function KeQueryActiveProcessorCount(): number {
  return cur.processors.length;
}

/**
 * `KeRaiseIrql`. The checked flavor refuses a "raise" to a lower level and, like Driver
 * Verifier's IRQL checking, pages out all pageable memory when a driver goes to
 * DISPATCH_LEVEL or above, so a touch of paged memory there fails every time.
 */
export function KeRaiseIrql(NewIrql: KIRQL, OldIrql: Box<KIRQL>): void {
  const m = cur;
  const cpu = m.cpu;
  const old = cpu.Irql;
  if (m.checked) {
    if (NewIrql < old) {
      KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, 0x30, old, NewIrql, 0, `KeRaiseIrql was asked to go from ${IrqlName(old)} down to ${IrqlName(NewIrql)}.`);
    }
    if (NewIrql >= DISPATCH_LEVEL && old < DISPATCH_LEVEL && cpu.driver !== null) m.mm.pageOutAll();
  }
  cpu.Irql = NewIrql;
  OldIrql.value = old;
}

export function KeRaiseIrqlToDpcLevel(): KIRQL {
  const m = cur;
  const cpu = m.cpu;
  const old = cpu.Irql;
  if (m.checked && old < DISPATCH_LEVEL && cpu.driver !== null) m.mm.pageOutAll();
  if (old < DISPATCH_LEVEL) cpu.Irql = DISPATCH_LEVEL;
  return old;
}

/**
 * `KeLowerIrql`. Lowering to a higher level is IRQL_NOT_GREATER_OR_EQUAL. Dropping below
 * DISPATCH_LEVEL fires the DISPATCH software interrupt if it was requested: the DPCs queued
 * to this processor run (a Low-importance DPC alone does not request it).
 */
export function KeLowerIrql(NewIrql: KIRQL): void {
  const m = cur;
  const cpu = m.cpu;
  if (NewIrql > cpu.Irql) {
    KeBugCheckEx(IRQL_NOT_GREATER_OR_EQUAL, cpu.Irql, NewIrql, 0, 0, `KeLowerIrql was asked to go from ${IrqlName(cpu.Irql)} up to ${IrqlName(NewIrql)}.`);
  }
  cpu.Irql = NewIrql;
  if (NewIrql < DISPATCH_LEVEL && cpu.DpcInterruptRequested) KiDispatchInterrupt(m, cpu);
  // Below APC_LEVEL the thread's pending kernel APCs fire (an IRP it issued and that was
  // completed while the IRQL was raised finishes here).
  if (NewIrql < APC_LEVEL) {
    const t = cpu.thread;
    if (t !== null && t.apcQueue.length > 0) m.scheduler.deliverNow(t);
  }
}

/** `KeEnterCriticalRegion` / `KeLeaveCriticalRegion`: only legal at or below APC_LEVEL. */
export function KeEnterCriticalRegion(): void {
  const m = cur;
  if (m.checked && m.cpu.Irql > APC_LEVEL) {
    KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, 0x00020010, m.cpu.Irql, 0, 0, "KeEnterCriticalRegion was called above APC_LEVEL (rule IrqlKeApcLte2).");
  }
  const t = m.cpu.thread;
  if (t) t.KernelApcDisable++;
}

export function KeLeaveCriticalRegion(): void {
  const m = cur;
  const t = m.cpu.thread;
  if (m.checked && t && t.KernelApcDisable <= 0) {
    KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, 0x3e, 0, 0, 0, "KeLeaveCriticalRegion was called without a matching KeEnterCriticalRegion.");
  }
  if (t) t.KernelApcDisable--;
}

/** `PAGED_CODE()`: the checked flavor asserts that pageable code runs at or below APC_LEVEL. */
export function PAGED_CODE(): void {
  const m = cur;
  if (m.checked && m.cpu.Irql > APC_LEVEL) {
    KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, 0x00020003, m.cpu.Irql, 0, 0, `Pageable code (PAGED_CODE) ran at ${IrqlName(m.cpu.Irql)}.`);
  }
}
