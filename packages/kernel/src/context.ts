import type { Machine } from "./machine.js";

/**
 * What `cur` holds while no machine is executing: any use of it (a kernel routine called
 * from a host `setTimeout` or an `await` continuation, after the machine returned) throws
 * an error that names the routine and says how to do it instead.
 */
const noMachine = new Proxy({} as Machine, {
  get(_target, property): never {
    const frames = (new Error().stack ?? "").split("\n").slice(2);
    const caller = frames.map((f) => /at (?:Object\.)?([A-Za-z_$][\w$]*)/.exec(f)?.[1]).find((n) => n !== undefined && n !== "get") ?? "a kernel routine";
    throw new Error(
      `wdfjs: ${caller} was called while no machine is executing (it read the machine's ${String(property)}). ` +
        "Kernel code runs only inside a machine: from a driver routine the machine called, a DPC, a work item or a system thread. " +
        "Code run later by the host (setTimeout, a Promise's then, the rest of an asynchronous function) is outside it. To act later, set a KTIMER with a DPC " +
        "(KeSetTimer), queue a work item, or wait in a generator (yield* KeWaitForSingleObject); from host code, enter the machine " +
        "(machine.runInKernel(...), a Win32 call) or deliver through an event source (machine.addEventSource).",
    );
  },
});

/**
 * The machine whose code is executing now. One JavaScript thread runs one machine at
 * a time, so this plays the part of a processor's KPCR register: WDK-named functions
 * with no machine argument (`KeGetCurrentIrql()`, `IoCallDriver(...)`) read it. It is
 * not kernel state: every entry into a machine saves and restores it, so any number of
 * machines live in one process.
 */
export let cur: Machine = noMachine;

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
  if (cur === noMachine) throw new Error("wdfjs: a kernel routine was called while no machine is executing");
  return cur;
}

/** Is some machine executing now? */
export function isInsideMachine(): boolean {
  return cur !== noMachine;
}
