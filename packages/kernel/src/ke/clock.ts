/**
 * Time in 100-nanosecond units, as KeQueryInterruptTime counts it. The virtual clock
 * only moves when the scheduler advances it to the next due timer (or a test asks),
 * so runs are deterministic. The real clock (`boot({ clock: "real" })`) reads the host's
 * monotonic time and, when the machine has nothing to do before the next due time,
 * sleeps until then (blocking on the machine's doorbell, so an event source can wake it
 * early) instead of spinning.
 */
export interface ClockSource {
  /** The current time in 100 ns units. */
  now(): number;
}

export class Clock {
  private virtualNow = 0;
  constructor(
    private readonly source: ClockSource | null,
    /** Blocks the host for up to `ms` milliseconds (the machine's doorbell wait). */
    private readonly sleep: (ms: number) => void,
  ) {}
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
  /** Real time: sleep until `t` or until the doorbell rings, whichever is first. */
  sleepUntil(t: number): void {
    const ms = (t - this.now()) / 10_000;
    if (ms > 0) this.sleep(Math.ceil(ms));
  }
}

interface HostPerformance {
  now(): number;
}

/**
 * The host's monotonic clock as a ClockSource, starting at zero when made. Real time is
 * the one thing the kernel reads from the host, and only in this mode, which a machine
 * enters by choice (`clock: "real"`): its runs are not reproducible by seed.
 */
export function realClockSource(): ClockSource {
  const host = (globalThis as { performance?: HostPerformance }).performance;
  if (host === undefined) throw new Error("wdfjs: the real clock needs globalThis.performance (Node 16+ or a browser)");
  const origin = host.now();
  return { now: () => Math.floor((host.now() - origin) * 10_000) };
}

/** Relative due times are negative 100 ns counts; these build them as the WDK macros do. */
export function WDF_REL_TIMEOUT_IN_MS(ms: number): number {
  return -ms * 10_000;
}
export function RELATIVE_MS(ms: number): number {
  return -ms * 10_000;
}
