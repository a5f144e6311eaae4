import { cur, isInsideMachine } from "../context.js";
import { KiSchedulingPoint } from "./preempt.js";
import type { Box } from "../box.js";
import { KeBugCheckEx } from "./bugcheck.js";
import {
  DPC_WATCHDOG_VIOLATION, DRIVER_VERIFIER_DETECTED_VIOLATION, SPIN_LOCK_ALREADY_OWNED, SPIN_LOCK_NOT_OWNED, VF_ACQUIRE_SPIN_LOCK_AT_DPC_LEVEL_IRQL,
  VF_ACQUIRE_SPIN_LOCK_IRQL, VF_RELEASE_SPIN_LOCK_FROM_DPC_LEVEL_IRQL, VF_RELEASE_SPIN_LOCK_IRQL,
} from "./bugcheck-codes.js";
import { DISPATCH_LEVEL, IrqlName, type KIRQL } from "./irql.js";
import type { KPRCB } from "./kprcb.js";
import { KeLowerIrql } from "./irql-ddi.js";
import type { Machine } from "../machine.js";
import { VfDeadlock } from "../verifier/deadlock.js";

/** KSPIN_LOCK: in C a ULONG_PTR; here an object that remembers its owning processor. */
export class KSPIN_LOCK {
  owner: KPRCB | null = null;
  /**
   * A number for messages, unique within the machine that was executing when it was made
   * (one made outside any machine gets one when the checked flavor first tracks it).
   */
  id = isInsideMachine() ? ++cur.objectIds : 0;
}

export function KeInitializeSpinLock(SpinLock: KSPIN_LOCK): void {
  SpinLock.owner = null;
}

function acquire(m: Machine, SpinLock: KSPIN_LOCK, cpu: KPRCB): void {
  const owner = SpinLock.owner;
  if (owner === cpu) {
    KeBugCheckEx(SPIN_LOCK_ALREADY_OWNED, SpinLock.id, 0, 0, 0, `Processor ${cpu.Number} tried to acquire spin lock #${SpinLock.id}, which it already holds.`);
  }
  // Driver Verifier's deadlock detection checks the lock order before the acquirer spins.
  if (m.checked) VfDeadlock(m).acquire(m, SpinLock, "spin lock", cpu);
  if (owner !== null) KiSpinLockContended(SpinLock, cpu);
  SpinLock.owner = cpu;
  cpu.spinLocksHeld++;
}

function release(m: Machine, SpinLock: KSPIN_LOCK, cpu: KPRCB): void {
  if (m.checked) VfDeadlock(m).release(SpinLock, cpu);
  SpinLock.owner = null;
  cpu.spinLocksHeld--;
}

/** The DPC watchdog's defaults, in clock ticks of 15.625 ms: 20 s for one DPC, 120 s at DISPATCH_LEVEL or above. */
const DPC_TIME_LIMIT_TICKS = 0x500;
const DPC_WATCHDOG_PERIOD_TICKS = 0x1e00;

/**
 * Processor `cpu` acquires `SpinLock` while another processor holds it. On hardware that is
 * legal: the acquirer spins until the holder releases the lock. Here one unit of work runs
 * at a time, to its end or its wait, so the holder is not running and never will be while
 * we spin (it returned still holding the lock): the acquirer would spin at DISPATCH_LEVEL
 * forever, which Windows ends with the DPC watchdog's bug check. This is the hook where
 * preemption, once processors overlap, runs the holder nested until it releases the lock
 * and then returns, so the caller takes it.
 */
export function KiSpinLockContended(SpinLock: KSPIN_LOCK, cpu: KPRCB): void {
  const holder = SpinLock.owner!;
  const inDpc = cpu.dpcRoutineActive;
  KeBugCheckEx(DPC_WATCHDOG_VIOLATION, inDpc ? 0 : 1, inDpc ? DPC_TIME_LIMIT_TICKS + 1 : DPC_WATCHDOG_PERIOD_TICKS, inDpc ? DPC_TIME_LIMIT_TICKS : 0, 0,
    `Processor ${cpu.Number} spins on spin lock #${SpinLock.id}, which processor ${holder.Number} holds; nothing that processor runs will ever release it ` +
      "(the code that took it returned without KeReleaseSpinLock), so the spin never ends.");
}

/** `KeAcquireSpinLock`: raise to DISPATCH_LEVEL, then take the lock. */
export function KeAcquireSpinLock(SpinLock: KSPIN_LOCK, OldIrql: Box<KIRQL>): void {
  KiSchedulingPoint();
  const m = cur;
  const cpu = m.cpu;
  const old = cpu.Irql;
  if (old > DISPATCH_LEVEL && m.checked) {
    KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, VF_ACQUIRE_SPIN_LOCK_IRQL, old, SpinLock.id, 0, `KeAcquireSpinLock was called at ${IrqlName(old)}, above DISPATCH_LEVEL.`);
  }
  if (old < DISPATCH_LEVEL) {
    if (m.checked && cpu.driver !== null) m.mm.pageOutAll();
    cpu.Irql = DISPATCH_LEVEL;
  }
  acquire(m, SpinLock, cpu);
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
    KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, VF_RELEASE_SPIN_LOCK_IRQL, cpu.Irql, SpinLock.id, 0, `KeReleaseSpinLock was called at ${IrqlName(cpu.Irql)}, not DISPATCH_LEVEL.`);
  }
  release(m, SpinLock, cpu);
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
    KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, VF_ACQUIRE_SPIN_LOCK_AT_DPC_LEVEL_IRQL, cpu.Irql, SpinLock.id, 0, `KeAcquireSpinLockAtDpcLevel was called at ${IrqlName(cpu.Irql)}, below DISPATCH_LEVEL.`);
  }
  acquire(m, SpinLock, cpu);
}

export function KeReleaseSpinLockFromDpcLevel(SpinLock: KSPIN_LOCK): void {
  const m = cur;
  const cpu = m.cpu;
  if (SpinLock.owner !== cpu) {
    KeBugCheckEx(SPIN_LOCK_NOT_OWNED, SpinLock.id, 0, 0, 0, `Processor ${cpu.Number} released spin lock #${SpinLock.id}, which it does not hold.`);
  }
  if (m.checked && cpu.Irql < DISPATCH_LEVEL) {
    KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, VF_RELEASE_SPIN_LOCK_FROM_DPC_LEVEL_IRQL, cpu.Irql, SpinLock.id, 0, `KeReleaseSpinLockFromDpcLevel was called at ${IrqlName(cpu.Irql)}, below DISPATCH_LEVEL.`);
  }
  release(m, SpinLock, cpu);
  KiSchedulingPoint();
}

export function KeTestSpinLock(SpinLock: KSPIN_LOCK): boolean {
  return SpinLock.owner === null;
}
