import { currentMachine, type KWAIT_GENERATOR } from "@wdfjs/kernel";

/** How many states each machine's history keeps (WDF's `FxStateMachineHistory`: 8 entries). */
export const FxStateHistorySize = 8;
/** How many events may wait in one machine's queue (WDF's `FxEventQueue` is a small fixed ring too). */
const FxEventQueueDepth = 16;

/** An entry function: the state's work; the next state, or the machine's null state to wait for an event. */
export type FxStateEntryFunction<O> = (owner: O) => number | KWAIT_GENERATOR<number>;

/**
 * One row of a WDF state table (`PNP_STATE_TABLE`, `POWER_STATE_TABLE`, `POWER_POLICY_STATE_TABLE`):
 * the entry function (null: the state only waits), and the events it accepts with their target
 * states (the first transition and the "other states" list of the source, merged).
 */
export interface FxStateTableEntry<O> {
  readonly entry: FxStateEntryFunction<O> | null;
  readonly events: readonly (readonly [event: number, target: number])[];
}

/** A machine's whole table: its states by value, the null state, names for traces, the trace kind. */
export interface FxStateTable<O> {
  readonly states: ReadonlyMap<number, FxStateTableEntry<O>>;
  readonly nullState: number;
  readonly names: ReadonlyMap<number, string>;
  readonly traceKind: string;
  readonly eventNames: ReadonlyMap<number, string>;
}

function isGenerator(r: unknown): r is KWAIT_GENERATOR<number> {
  return typeof r === "object" && r !== null && typeof (r as Generator).next === "function";
}

/**
 * A table-driven state machine run as WDF runs its PnP, power and power-policy machines
 * (`FxPkgPnp::PnpProcessEvent` and friends): an event is queued; whoever finds the machine idle
 * runs it, taking one event at a time, moving to the target the current state lists for it (an
 * event the state does not list is dropped, traced), then running entry functions until one
 * returns the null state. An event posted while the machine runs (by its own entry functions or
 * by another machine they drive) waits in the queue for the running loop.
 */
export class FxStateMachine<O> {
  state: number;
  private readonly ring = new Int32Array(FxStateHistorySize);
  private ringIndex = 0;
  private ringCount = 0;
  private readonly queue = new Int32Array(FxEventQueueDepth);
  private head = 0;
  private count = 0;
  private running = false;
  /** Armed around each state's entry function (`FxWatchdog`, the power machine's), or null. */
  watchdog: { startTimer(State: number): void; cancelTimer(): void } | null = null;
  /** Called on every transition (the tracing hook of `FxPkgPnp.onTransition`). */
  onTransition: ((from: number, to: number) => void) | null = null;
  /** The driver's state change notifications (`FxAttachStateChangeCallbacks`): (state, WDF_STATE_NOTIFICATION_TYPE, current, new). */
  notify: ((state: number, type: number, current: number, next: number) => void) | null = null;

  constructor(readonly owner: O, readonly table: FxStateTable<O>, initial: number, readonly label: () => string) {
    this.state = initial;
    this.record(initial);
  }

  /** The last states entered, oldest first (at most FxStateHistorySize). */
  history(): number[] {
    const out: number[] = [];
    const start = (this.ringIndex - this.ringCount + FxStateHistorySize) % FxStateHistorySize;
    for (let i = 0; i < this.ringCount; i++) out.push(this.ring[(start + i) % FxStateHistorySize]!);
    return out;
  }

  /** The WDK name of a state of this machine. */
  nameOf(state: number): string {
    return this.table.names.get(state) ?? `0x${state.toString(16)}`;
  }

  /** Queues an event; the machine runs it when `run` next finds it idle. */
  post(event: number): void {
    if (this.count === FxEventQueueDepth) throw new Error(`wdfjs: ${this.table.traceKind} event queue overflow (event ${event})`);
    this.queue[(this.head + this.count) % FxEventQueueDepth] = event;
    this.count++;
  }

  /** Posts an event and, unless the machine is already running further up, runs it until it waits. */
  *processEvent(event: number): KWAIT_GENERATOR<void> {
    this.post(event);
    yield* this.run();
  }

  /** Runs queued events until the queue is empty (a no-op when the machine is already running). */
  *run(): KWAIT_GENERATOR<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.count > 0) {
        const event = this.queue[this.head]!;
        this.head = (this.head + 1) % FxEventQueueDepth;
        this.count--;
        const row = this.table.states.get(this.state);
        let target = this.table.nullState;
        if (row !== undefined) {
          for (const [e, t] of row.events) {
            if (e === event) {
              target = t;
              break;
            }
          }
        }
        if (target === this.table.nullState) {
          currentMachine().trace?.event(`${this.table.traceKind}-dropped`, null, `${this.label()}: ${this.table.eventNames.get(event) ?? event} in ${this.nameOf(this.state)}`);
          continue;
        }
        yield* this.enter(target);
      }
    } finally {
      this.running = false;
    }
  }

  private *enter(first: number): KWAIT_GENERATOR<void> {
    let next = first;
    while (next !== this.table.nullState) {
      const notify = this.notify;
      // PnpEnterNewState: the old state's LeaveState, then the new one's EnterState, entry function, PostProcessState.
      if (notify !== null) notify(this.state, 4, this.state, next);
      const previous = this.state;
      this.transition(next);
      if (notify !== null) notify(next, 1, previous, next);
      const entry = this.table.states.get(next)?.entry ?? null;
      if (entry === null) {
        if (notify !== null) notify(next, 2, next, next);
        return;
      }
      this.watchdog?.startTimer(next);
      const r = entry(this.owner);
      const state = next;
      next = isGenerator(r) ? yield* r : r;
      this.watchdog?.cancelTimer();
      if (notify !== null) notify(state, 2, state, state);
    }
  }

  private transition(to: number): void {
    const from = this.state;
    this.state = to;
    this.record(to);
    this.onTransition?.(from, to);
    currentMachine().trace?.event(this.table.traceKind, null, `${this.label()}: ${this.nameOf(from)} -> ${this.nameOf(to)}`);
  }

  private record(state: number): void {
    this.ring[this.ringIndex] = state;
    this.ringIndex = (this.ringIndex + 1) % FxStateHistorySize;
    if (this.ringCount < FxStateHistorySize) this.ringCount++;
  }
}
