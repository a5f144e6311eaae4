import type { DRIVER_OBJECT } from "./io/driver.js";

/** One traced event: virtual time (100 ns units), processor, kind, driver, detail. */
export interface TraceEvent {
  readonly time: number;
  readonly cpu: number;
  readonly irql: number;
  readonly kind: string;
  readonly driver: string | null;
  readonly detail: string | null;
}

/** Where a machine sends its trace. Tracing costs one null check when no sink is set. */
export interface TraceSink {
  event(kind: string, driver: DRIVER_OBJECT | null, detail: string | null): void;
}

/** A sink that keeps every event in memory, for tests and for export. */
export class MemoryTraceSink implements TraceSink {
  readonly events: TraceEvent[] = [];
  private clock: () => { time: number; cpu: number; irql: number } = () => ({ time: 0, cpu: 0, irql: 0 });
  attach(source: () => { time: number; cpu: number; irql: number }): void {
    this.clock = source;
  }
  event(kind: string, driver: DRIVER_OBJECT | null, detail: string | null): void {
    const c = this.clock();
    this.events.push({ time: c.time, cpu: c.cpu, irql: c.irql, kind, driver: driver ? driver.DriverName : null, detail });
  }
}
