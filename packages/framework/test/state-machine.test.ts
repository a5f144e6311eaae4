import { describe, expect, it } from "vitest";
import { boot, MemoryTraceSink } from "@wdfjs/kernel";
import { FxStateMachine, FxStateHistorySize, type FxStateTable } from "../src/index.js";

/*
 * The engine of the PnP, power and power-policy machines (FxStateMachine), with a toy table:
 * Idle (0x10) --1--> Counting (0x11), whose entry counts and goes on to Waiting (0x12) until the
 * count reaches a limit; Waiting --1--> Counting again, --2--> Done (0x13), whose entry posts
 * event 1 to its own machine (queued while it runs; Done does not accept it: dropped and traced).
 */
interface Toy { count: number; limit: number; machine: FxStateMachine<Toy> | null }

const table: FxStateTable<Toy> = {
  nullState: 0xff,
  traceKind: "toy-state",
  names: new Map([[0x10, "Idle"], [0x11, "Counting"], [0x12, "Waiting"], [0x13, "Done"]]),
  eventNames: new Map([[1, "Tick"], [2, "Stop"]]),
  states: new Map([
    [0x10, { entry: null, events: [[1, 0x11]] }],
    [0x11, { entry: (t: Toy) => (++t.count >= t.limit ? 0x13 : 0x12), events: [] }],
    [0x12, { entry: null, events: [[1, 0x11], [2, 0x13]] }],
    [0x13, { entry: (t: Toy) => (t.machine!.post(1), 0xff), events: [] }],
  ]),
};

function run(limit: number, events: number[]) {
  const trace = new MemoryTraceSink();
  const m = boot({ trace });
  return m.runInKernel(() => {
    const toy: Toy = { count: 0, limit, machine: null };
    const sm = new FxStateMachine(toy, table, 0x10, () => "toy");
    toy.machine = sm;
    const seen: string[] = [];
    sm.onTransition = (from, to) => seen.push(`${sm.nameOf(from)}>${sm.nameOf(to)}`);
    for (const e of events) {
      const g = sm.processEvent(e);
      while (g.next().done !== true);
    }
    return { sm, toy, seen, trace: trace.events.filter((e) => e.kind.startsWith("toy-state")).map((e) => `${e.kind} ${e.detail}`) };
  });
}

describe("FxStateMachine, the table-driven engine of the PnP and power machines", () => {
  it("runs entry functions until a state waits, each transition traced and given to onTransition", () => {
    const { sm, seen, trace } = run(10, [1, 1, 2]);
    expect(seen).toEqual(["Idle>Counting", "Counting>Waiting", "Waiting>Counting", "Counting>Waiting", "Waiting>Done"]);
    expect(sm.state).toBe(0x13);
    expect(trace.slice(0, 2)).toEqual(["toy-state toy: Idle -> Counting", "toy-state toy: Counting -> Waiting"]);
    // Done posted Tick to itself while running: queued, then dropped (Done accepts nothing), traced.
    expect(trace.at(-1)).toBe("toy-state-dropped toy: Tick in Done");
  });

  it("an event the current state does not list is dropped; the state stays", () => {
    const { sm, seen } = run(10, [2]);
    expect(sm.state).toBe(0x10);
    expect(seen).toEqual([]);
  });

  it("keeps the last 8 states in a ring, oldest first", () => {
    const { sm } = run(100, [1, 1, 1, 1, 1, 1]);
    expect(FxStateHistorySize).toBe(8);
    // Idle, then Counting/Waiting six times: 13 states entered, the last 8 kept.
    expect(sm.history()).toEqual([0x11, 0x12, 0x11, 0x12, 0x11, 0x12, 0x11, 0x12]);
  });
});
