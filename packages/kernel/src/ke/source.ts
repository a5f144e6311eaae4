/**
 * Something outside the kernel that delivers events into a machine: a device model with
 * a transfer in flight, a UMDF host on a worker thread, a host timer. The scheduler asks
 * it when it next has something due, in machine time, and delivers it at a point of the
 * schedule the seed picks once that time has come — never when the host happens to
 * produce it — so the same seed gives the same run however fast the host is.
 *
 * ```ts
 * machine.addEventSource({
 *   name: "loopback",
 *   nextDue: () => (inFlight ? dueAt : -1),   // machine time (100 ns units), or -1: nothing coming
 *   ready: () => reply.arrived(),             // has the host produced it yet?
 *   deliver: () => completeTheIrp(),          // runs inside the machine at DISPATCH_LEVEL
 * });
 * ```
 *
 * When a source is due and its input has not arrived, the machine blocks on its doorbell
 * (`Machine.doorbell`, a SharedArrayBuffer the producer notifies with `Atomics.notify`)
 * instead of spinning; a source that stays silent past the scheduler's `sourceTimeoutMs`
 * is reported as a deadlock. Blocking uses `Atomics.wait`, so in a browser the machine
 * runs in a worker.
 */
export interface MachineEventSource {
  /** Named in deadlock reports. */
  readonly name: string;
  /**
   * The machine time (100 ns units) at which the source next delivers, or -1 when it has
   * nothing coming. A source awaiting input it owes now (a reply to a request already
   * sent) returns the current time or earlier: the machine does not pass that time until
   * the input arrives.
   */
  nextDue(): number;
  /** Whether what is due has arrived from outside. */
  ready(): boolean;
  /** Deliver what is due, inside the machine, at DISPATCH_LEVEL on a processor the seed picks. */
  deliver(): void;
}
