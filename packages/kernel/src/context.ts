import type { Machine } from "./machine.js";

/**
 * The machine whose code is executing now. One JavaScript thread runs one machine at
 * a time, so this plays the part of a processor's KPCR register: WDK-named functions
 * with no machine argument (`KeGetCurrentIrql()`, `IoCallDriver(...)`) read it. It is
 * not kernel state: every entry into a machine saves and restores it, so any number of
 * machines live in one process.
 */
export let cur: Machine = undefined as unknown as Machine;

export function enterMachine(m: Machine): Machine {
  const prev = cur;
  cur = m;
  return prev;
}

export function leaveMachine(prev: Machine): void {
  cur = prev;
}

/** The executing machine, or throws if no machine is running (a DDI called from outside). */
export function currentMachine(): Machine {
  if (cur === undefined) throw new Error("wdfjs: a kernel routine was called while no machine is executing");
  return cur;
}
