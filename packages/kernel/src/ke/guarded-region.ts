import { cur } from "../context.js";
import { KeBugCheckEx } from "./bugcheck.js";
import { DRIVER_VERIFIER_DETECTED_VIOLATION, VF_RULE_GUARDED_REGIONS, VF_RULE_IRQL_KE_APC_LTE2 } from "./bugcheck-codes.js";
import { APC_LEVEL, IrqlName } from "./irql.js";

/*
 * Guarded regions and the APC-disable queries. A critical region (KeEnterCriticalRegion,
 * or owning a KMUTEX) holds back normal kernel APCs only; a guarded region holds back
 * every kernel APC, special ones included: the special kernel APC that finishes an IRP
 * (IopCompleteRequest) waits until the thread leaves the guarded region, while a critical
 * region lets it through.
 */

/** `KeEnterGuardedRegion`: legal at or below APC_LEVEL; regions nest. */
export function KeEnterGuardedRegion(): void {
  const m = cur;
  const irql = m.cpu.Irql;
  if (m.checked && irql > APC_LEVEL) {
    KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, VF_RULE_IRQL_KE_APC_LTE2, irql, 0, 0, `KeEnterGuardedRegion was called at ${IrqlName(irql)}, above APC_LEVEL (rule IrqlKeApcLte2).`);
  }
  const t = m.cpu.thread;
  if (t !== null) t.SpecialApcDisable++;
}

/**
 * `KeLeaveGuardedRegion`. Leaving the outermost region delivers the kernel APCs that
 * arrived meanwhile, as Windows does (KiCheckForKernelApcDelivery) when the IRQL allows.
 */
export function KeLeaveGuardedRegion(): void {
  const m = cur;
  const t = m.cpu.thread;
  if (t === null) return;
  if (m.checked && t.SpecialApcDisable <= 0) {
    KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, VF_RULE_GUARDED_REGIONS, 0, 0, 0, "KeLeaveGuardedRegion was called without a matching KeEnterGuardedRegion (rule GuardedRegions).");
  }
  // Free Windows keeps counting past zero (the count is then non-zero, and APCs stay held back).
  if (--t.SpecialApcDisable === 0 && t.apcQueue.length > 0 && m.cpu.Irql < APC_LEVEL) m.scheduler.deliverNow(t);
}

/** `KeAreApcsDisabled`: is the thread in a critical region or a guarded region? */
export function KeAreApcsDisabled(): boolean {
  const t = cur.cpu.thread;
  return t !== null && (t.KernelApcDisable !== 0 || t.SpecialApcDisable !== 0);
}

/** `KeAreAllApcsDisabled`: is the thread in a guarded region, or at APC_LEVEL or above? */
export function KeAreAllApcsDisabled(): boolean {
  const m = cur;
  const t = m.cpu.thread;
  return m.cpu.Irql >= APC_LEVEL || (t !== null && t.SpecialApcDisable !== 0);
}
