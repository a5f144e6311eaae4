import { cur } from "../context.js";
import type { Box } from "../box.js";
import { KeBugCheckEx } from "./bugcheck.js";
import {
  DRIVER_VERIFIER_DETECTED_VIOLATION, IRQL_NOT_LESS_OR_EQUAL, KMODE_EXCEPTION_NOT_HANDLED, VF_LOWER_IRQL_INVALID, VF_RAISE_IRQL_INVALID,
  VF_RULE_IRQL_KE_APC_LTE2,
} from "./bugcheck-codes.js";
import { STATUS_ASSERTION_FAILURE } from "../ntstatus.js";
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
 * `KeRaiseIrql`. The checked flavor refuses a "raise" to a lower level as Driver Verifier
 * does (0xC4/0x30: P2 the current IRQL, P3 the requested one) and, like its IRQL checking,
 * pages out all pageable memory when a driver goes to DISPATCH_LEVEL or above, so a touch
 * of paged memory there fails every time. The free flavor does not check, as the retail HAL.
 */
export function KeRaiseIrql(NewIrql: KIRQL, OldIrql: Box<KIRQL>): void {
  const m = cur;
  const cpu = m.cpu;
  const old = cpu.Irql;
  if (m.checked) {
    if (NewIrql < old) {
      KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, VF_RAISE_IRQL_INVALID, old, NewIrql, 0, `KeRaiseIrql was asked to go from ${IrqlName(old)} down to ${IrqlName(NewIrql)}.`);
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
 * `KeLowerIrql`. "Lowering" to a higher level: the checked flavor is Driver Verifier's
 * 0xC4/0x31 (P2 the current IRQL, P3 the requested one, P4 0); the free flavor stops as the
 * checked HAL does,
 * with IRQL_NOT_LESS_OR_EQUAL (0xA, P2 the current IRQL). Dropping below DISPATCH_LEVEL fires
 * the DISPATCH software interrupt if it was requested: the DPCs queued to this processor run
 * (a Low-importance DPC alone does not request it).
 */
export function KeLowerIrql(NewIrql: KIRQL): void {
  const m = cur;
  const cpu = m.cpu;
  if (NewIrql > cpu.Irql) {
    const what = `KeLowerIrql was asked to go from ${IrqlName(cpu.Irql)} up to ${IrqlName(NewIrql)}.`;
    if (m.checked) KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, VF_LOWER_IRQL_INVALID, cpu.Irql, NewIrql, 0, what);
    KeBugCheckEx(IRQL_NOT_LESS_OR_EQUAL, 0, cpu.Irql, 0, 0, what);
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
    KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, VF_RULE_IRQL_KE_APC_LTE2, m.cpu.Irql, 0, 0, "KeEnterCriticalRegion was called above APC_LEVEL (rule IrqlKeApcLte2).");
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

/**
 * `PAGED_CODE()`: in a checked build the macro is `NT_ASSERT(KeGetCurrentIrql() <= APC_LEVEL)`
 * (wdm.h), and a failed NT_ASSERT raises STATUS_ASSERTION_FAILURE, which with no kernel
 * debugger attached nothing handles: KMODE_EXCEPTION_NOT_HANDLED (0x1E, P1 0xC0000420). No
 * Driver Verifier rule checks it at run time (PagedCode is a Static Driver Verifier rule).
 * The free flavor compiles it away.
 */
export function PAGED_CODE(): void {
  const m = cur;
  if (m.checked && m.cpu.Irql > APC_LEVEL) {
    KeBugCheckEx(KMODE_EXCEPTION_NOT_HANDLED, STATUS_ASSERTION_FAILURE >>> 0, 0, 0, 0,
      `Assertion failed: pageable code (PAGED_CODE) ran at ${IrqlName(m.cpu.Irql)}, above APC_LEVEL.`);
  }
}
