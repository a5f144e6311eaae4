import { cur, isInsideMachine } from "../context.js";
import { KiSchedulingPoint } from "./preempt.js";
import type { Box } from "../box.js";
import { KeBugCheckEx } from "./bugcheck.js";
import { DRIVER_VERIFIER_DETECTED_VIOLATION, SPIN_LOCK_ALREADY_OWNED, SPIN_LOCK_NOT_OWNED } from "./bugcheck-codes.js";
import { DISPATCH_LEVEL, IrqlName, type KIRQL } from "./irql.js";
import type { KPRCB } from "./kprcb.js";
import { KeLowerIrql } from "./irql-ddi.js";

/** KSPIN_LOCK: in C a ULONG_PTR; here an object that remembers its owning processor. */
export class KSPIN_LOCK {
  owner: KPRCB | null = null;
  /** A number for messages, unique within the machine that was executing when it was made. */
  readonly id = isInsideMachine() ? ++cur.objectIds : 0;
}

export function KeInitializeSpinLock(SpinLock: KSPIN_LOCK): void {
  SpinLock.owner = null;
}

function acquire(SpinLock: KSPIN_LOCK, cpu: KPRCB): void {
  const owner = SpinLock.owner;
  if (owner !== null) {
    if (owner === cpu) {
      KeBugCheckEx(SPIN_LOCK_ALREADY_OWNED, SpinLock.id, 0, 0, 0, `Processor ${cpu.Number} tried to acquire spin lock #${SpinLock.id}, which it already holds.`);
    }
    // The owner cannot make progress while we spin: on real hardware a hang. We refuse to hang.
    KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, 0x1001, SpinLock.id, owner.Number, cpu.Number, `Deadlock: processor ${cpu.Number} spins on spin lock #${SpinLock.id}, held by processor ${owner.Number}, which never releases it.`);
  }
  SpinLock.owner = cpu;
  cpu.spinLocksHeld++;
}

/** `KeAcquireSpinLock`: raise to DISPATCH_LEVEL, then take the lock. */
export function KeAcquireSpinLock(SpinLock: KSPIN_LOCK, OldIrql: Box<KIRQL>): void {
  KiSchedulingPoint();
  const m = cur;
  const cpu = m.cpu;
  const old = cpu.Irql;
  if (old > DISPATCH_LEVEL && m.checked) {
    KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, 0x40, old, SpinLock.id, 0, `KeAcquireSpinLock was called at ${IrqlName(old)}, above DISPATCH_LEVEL.`);
  }
  if (old < DISPATCH_LEVEL) {
    if (m.checked && cpu.driver !== null) m.mm.pageOutAll();
    cpu.Irql = DISPATCH_LEVEL;
  }
  acquire(SpinLock, cpu);
  OldIrql.value = old;
}

/** `KeAcquireSpinLockRaiseToDpc`: the returning form. */
export function KeAcquireSpinLockRaiseToDpc(SpinLock: KSPIN_LOCK): KIRQL {
  const box = { value: 0 };
  KeAcquireSpinLock(SpinLock, box);
  return box.value;
}

export function KeReleaseSpinLock(SpinLock: KSPIN_LOCK, NewIrql: KIRQL): void {
  const m = cur;
  const cpu = m.cpu;
  if (SpinLock.owner !== cpu) {
    KeBugCheckEx(SPIN_LOCK_NOT_OWNED, SpinLock.id, 0, 0, 0, `Processor ${cpu.Number} released spin lock #${SpinLock.id}, which it does not hold.`);
  }
  if (m.checked && cpu.Irql !== DISPATCH_LEVEL) {
    KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, 0x32, cpu.Irql, SpinLock.id, 0, `KeReleaseSpinLock was called at ${IrqlName(cpu.Irql)}, not DISPATCH_LEVEL.`);
  }
  SpinLock.owner = null;
  cpu.spinLocksHeld--;
  KeLowerIrql(NewIrql);
  // After the release: the section it protected is over, others may run here.
  KiSchedulingPoint();
}

/** `KeAcquireSpinLockAtDpcLevel`: the caller is already at DISPATCH_LEVEL. */
export function KeAcquireSpinLockAtDpcLevel(SpinLock: KSPIN_LOCK): void {
  KiSchedulingPoint();
  const m = cur;
  const cpu = m.cpu;
  if (m.checked && cpu.Irql < DISPATCH_LEVEL) {
    KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, 0x41, cpu.Irql, SpinLock.id, 0, `KeAcquireSpinLockAtDpcLevel was called at ${IrqlName(cpu.Irql)}, below DISPATCH_LEVEL.`);
  }
  acquire(SpinLock, cpu);
}

export function KeReleaseSpinLockFromDpcLevel(SpinLock: KSPIN_LOCK): void {
  const m = cur;
  const cpu = m.cpu;
  if (SpinLock.owner !== cpu) {
    KeBugCheckEx(SPIN_LOCK_NOT_OWNED, SpinLock.id, 0, 0, 0, `Processor ${cpu.Number} released spin lock #${SpinLock.id}, which it does not hold.`);
  }
  if (m.checked && cpu.Irql < DISPATCH_LEVEL) {
    KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, 0x42, cpu.Irql, SpinLock.id, 0, `KeReleaseSpinLockFromDpcLevel was called at ${IrqlName(cpu.Irql)}.`);
  }
  SpinLock.owner = null;
  cpu.spinLocksHeld--;
  KiSchedulingPoint();
}

export function KeTestSpinLock(SpinLock: KSPIN_LOCK): boolean {
  return SpinLock.owner === null;
}
