import type { Machine } from "../machine.js";
import type { KPRCB } from "../ke/kprcb.js";
import { KeBugCheckEx } from "../ke/bugcheck.js";
import { DRIVER_VERIFIER_DETECTED_VIOLATION, VF_DEADLOCK_DETECTED } from "../ke/bugcheck-codes.js";

/*
 * Driver Verifier's Deadlock Detection, for spin locks: it records the order in which locks
 * are taken while others are held (an edge "A held while acquiring B" per pair of lock
 * identities, for the whole machine) and stops the machine when a new edge closes a cycle:
 * A then B on one path, B then A on another, is a deadlock waiting to happen, found the
 * first time both orders have been seen, without the two paths ever having to overlap.
 * Only the checked flavor keeps the graph; the free flavor does not track anything.
 */

/** A lock the detector knows: a node of the lock order graph. */
class VfLock {
  /** Locks acquired while this one was held, each with where that order was first seen. */
  readonly after = new Map<VfLock, string>();
  constructor(readonly id: number) {}
}

/** An object with a number for messages, that the detector can give one if it has none. */
export interface VfTrackedLock {
  id: number;
}

/** The machine's lock order graph and what each processor holds. */
export class VfDeadlockDatabase {
  private readonly locks = new WeakMap<VfTrackedLock, VfLock>();
  /** Per processor, the locks it holds (any order: only the set matters). */
  private readonly held: VfLock[][] = [];

  private node(m: Machine, lock: VfTrackedLock): VfLock {
    let n = this.locks.get(lock);
    if (n === undefined) {
      // A lock made outside any machine has id 0: give it a number here, for the reports.
      if (lock.id === 0) lock.id = ++m.objectIds;
      n = new VfLock(lock.id);
      this.locks.set(lock, n);
    }
    return n;
  }

  /** `cpu` is about to take `lock` (checked before it spins, as the verifier's thunk does). */
  acquire(m: Machine, lock: VfTrackedLock, kind: string, cpu: KPRCB): void {
    const b = this.node(m, lock);
    const held = (this.held[cpu.Number] ??= []);
    for (let i = 0; i < held.length; i++) {
      const a = held[i]!;
      if (a.after.has(b)) continue;
      // A new order a -> b: a deadlock if b already leads back to a.
      const cycle = pathFrom(b, a);
      if (cycle !== null) report(kind, a, b, cycle, where(cpu));
      a.after.set(b, where(cpu));
    }
    held.push(b);
  }

  /** `cpu` released `lock`. */
  release(lock: VfTrackedLock, cpu: KPRCB): void {
    const n = this.locks.get(lock);
    const held = this.held[cpu.Number];
    if (n === undefined || held === undefined) return;
    for (let i = held.length - 1; i >= 0; i--) {
      if (held[i] !== n) continue;
      const last = held.pop()!;
      if (i < held.length) held[i] = last;
      return;
    }
  }
}

/** The machine's detector, made when the checked flavor first needs it. */
export function VfDeadlock(m: Machine): VfDeadlockDatabase {
  return (m.deadlockDatabase ??= new VfDeadlockDatabase());
}

/** A chain of "held while acquiring" edges from `from` to `to`, or null. */
function pathFrom(from: VfLock, to: VfLock): VfLock[] | null {
  const seen = new Set<VfLock>([from]);
  const trail: VfLock[] = [from];
  const walk = (n: VfLock): boolean => {
    if (n === to) return true;
    for (const next of n.after.keys()) {
      if (seen.has(next)) continue;
      seen.add(next);
      trail.push(next);
      if (walk(next)) return true;
      trail.pop();
    }
    return false;
  };
  return walk(from) ? trail : null;
}

function where(cpu: KPRCB): string {
  const by = cpu.driver !== null ? cpu.driver.DriverName.replace(/^\\Driver\\/, "") + ".sys" : "the kernel";
  const what = cpu.dpcRoutineActive ? "a DPC" : cpu.thread !== null ? `thread '${cpu.thread.name}'` : "code";
  return `${what} in ${by}`;
}

/**
 * Bug check 0xC4, 0x1001: P2 is the lock whose acquisition closed the cycle (the address
 * of "the resource that was the final cause of the deadlock"; here its id); P3 and P4 are
 * reserved. The explanation is what `!deadlock` would show.
 */
function report(kind: string, a: VfLock, b: VfLock, cycle: VfLock[], now: string): never {
  const steps = [`${kind} #${a.id} is held while acquiring #${b.id} (${now}, now)`];
  for (let i = 0; i + 1 < cycle.length; i++) {
    steps.push(`#${cycle[i]!.id} was held while acquiring #${cycle[i + 1]!.id} (${cycle[i]!.after.get(cycle[i + 1]!)})`);
  }
  return KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, VF_DEADLOCK_DETECTED, b.id, 0, 0,
    `Deadlock detected (${cycle.length} locks, a lock hierarchy violation): ${steps.join("; ")}. ` +
      "Processors taking them in these orders at the same time would each wait forever for a lock the other holds. Take them in one order everywhere.");
}
