/**
 * Time in 100-nanosecond units, as KeQueryInterruptTime counts it. The virtual clock
 * only moves when the scheduler advances it to the next due timer (or a test asks),
 * so runs are deterministic; a real clock reads a source the host supplies, keeping
 * the kernel core free of host timing APIs.
 */
export interface ClockSource {
  /** The current time in 100 ns units. */
  now(): number;
}

export class Clock {
  private virtualNow = 0;
  constructor(private readonly source: ClockSource | null) {}
  get isVirtual(): boolean {
    return this.source === null;
  }
  now(): number {
    return this.source ? this.source.now() : this.virtualNow;
  }
  /** Move virtual time forward to `t` (never backward). */
  advanceTo(t: number): void {
    if (t > this.virtualNow) this.virtualNow = t;
  }
}

/** Relative due times are negative 100 ns counts; these build them as the WDK macros do. */
export function WDF_REL_TIMEOUT_IN_MS(ms: number): number {
  return -ms * 10_000;
}
export function RELATIVE_MS(ms: number): number {
  return -ms * 10_000;
}
