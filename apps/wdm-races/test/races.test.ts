import { describe, expect, it } from "vitest";
import { boot, BugCheck, exploreSeeds, MachineDeadlock, MULTIPLE_IRP_COMPLETE_REQUESTS, Out, type ExploreResult, type PreemptionOptions } from "@wdfjs/kernel";
import {
  ERROR_IO_PENDING, ERROR_OPERATION_ABORTED, FILE_FLAG_OVERLAPPED, GENERIC_READ, GENERIC_WRITE, INVALID_HANDLE_VALUE, OPEN_EXISTING,
  OVERLAPPED, Win32Process,
} from "@wdfjs/win32";
import {
  CANCEL_NAME, CANCEL_WIN32_NAME, CancelDriverEntry, RACE_MEMORY_BYTES, RaceClientFailure, runCancelRace, runCleanupRace, runLostUpdate,
  type CancelVariant, type RaceRunOptions,
} from "../src/index.js";

/** exploreSeeds' default strategy, written out for the replays. */
const PCT: PreemptionOptions = { mode: "pct", depth: 3 };
const RANDOM: PreemptionOptions = "random";

/** A broken variant must show its race within this many seeds (the README has the exact counts). */
const FOUND_WITHIN = 200;
/** Seeds a fixed twin (and a broken one with preemption off) must pass. */
const SURVIVES = 1000;

type Body = (o: RaceRunOptions) => unknown;

/** Seeds per exploreSeeds call in `survives`. */
const SLICE = 100;

/**
 * exploreSeeds over `seeds` seeds in slices of SLICE, returning to the event loop between
 * slices: a machine booted during one synchronous JavaScript job stays reachable until that
 * job ends (the container's WeakRefs are kept for the job), so one call over 1,000 seeds
 * would hold 1,000 machines at once. The result is the one a single call would give.
 */
async function survives(body: Body, seeds: number, preemption: PreemptionOptions): Promise<ExploreResult> {
  let tried = 0;
  for (let first = 1; first <= seeds; first += SLICE) {
    const r = exploreSeeds(body, { seeds: Math.min(SLICE, seeds - first + 1), first, preemption });
    tried += r.tried;
    if (r.failingSeed !== null) return { ...r, tried };
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return { failingSeed: null, tried, error: null, replay: null };
}

/** What a failed run threw, as comparable text: its class and message. */
function describeError(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/** The race was found within FOUND_WITHIN seeds, and replaying its seed fails again the same way. */
function expectFoundAndReplayed(r: ExploreResult, body: Body, preemption: PreemptionOptions): void {
  expect(r.failingSeed).not.toBeNull();
  expect(r.tried).toBeLessThanOrEqual(FOUND_WITHIN);
  // Seeds run from 1, so the failing seed is also the number tried.
  expect(r.failingSeed).toBe(r.tried);
  expect(r.replay).toBe(`boot({ seed: ${r.failingSeed}, preemption: ${JSON.stringify(preemption)} })`);
  let again: unknown = null;
  try {
    body({ seed: r.failingSeed!, preemption });
  } catch (e) {
    again = e;
  }
  expect(again).not.toBeNull();
  expect(describeError(again)).toBe(describeError(r.error));
}

function expectBugCheck(e: unknown, code: number, driver: string): void {
  expect(e).toBeInstanceOf(BugCheck);
  const b = e as BugCheck;
  expect(b.code).toBe(code);
  expect(b.message).toContain(`${driver}.sys`);
}

describe("race 1, the lost update: a dispatch routine and another processor's timer DPC add to one counter", () => {
  const racy: Body = (o) => runLostUpdate("racy", o);
  const locked: Body = (o) => runLostUpdate("locked", o);

  it("with preemption off, the racy counter never loses an update: the DPC and the request never overlap", async () => {
    expect(await survives(racy, SURVIVES, "off")).toMatchObject({ failingSeed: null, tried: SURVIVES });
  });

  it.each([["PCT (the default)", PCT], ["random", RANDOM]] as const)("exploring with %s finds the lost update, and the seed replays it", (_name, preemption) => {
    const r = preemption === PCT ? exploreSeeds(racy) : exploreSeeds(racy, { preemption });
    expect(r.error).toBeInstanceOf(RaceClientFailure);
    expect((r.error as RaceClientFailure).message).toMatch(/lost \d+ update\(s\): count \d+, expected 20/);
    expectFoundAndReplayed(r, racy, preemption);
  });

  it.each([["PCT", PCT], ["random", RANDOM]] as const)("the twin with a spin lock around both increments survives 1,000 seeds of %s", async (_name, preemption) => {
    expect(await survives(locked, SURVIVES, preemption)).toMatchObject({ failingSeed: null, tried: SURVIVES });
  });

  it("counterapp reports requests + ticks when nothing is lost", () => {
    expect(runLostUpdate("locked", { seed: 1, preemption: PCT })).toEqual(["10 requests + 10 ticks: count 20"]);
  });
});

describe("race 2, the cancel race: CancelIoEx from another thread while the read routine queues the IRP", () => {
  const checkBeforeSet: Body = (o) => runCancelRace("check-before-set", o);
  const ignoreReturn: Body = (o) => runCancelRace("ignore-return", o);
  const fixed: Body = (o) => runCancelRace("fixed", o);

  it.each([["check-before-set", checkBeforeSet], ["ignore-return", ignoreReturn]] as const)(
    "with preemption off, the %s driver never strands or double-completes a read",
    async (_name, body) => {
      expect(await survives(body, SURVIVES, "off")).toMatchObject({ failingSeed: null, tried: SURVIVES });
    },
  );

  it.each([["PCT (the default)", PCT], ["random", RANDOM]] as const)(
    "check-before-set: exploring with %s finds the stranded read (the client's wait can never end), and the seed replays it",
    (_name, preemption) => {
      const r = preemption === PCT ? exploreSeeds(checkBeforeSet) : exploreSeeds(checkBeforeSet, { preemption });
      expect(r.error).toBeInstanceOf(MachineDeadlock);
      expect((r.error as MachineDeadlock).report).toContain("process cancelapp.exe) waits on KEVENT");
      expectFoundAndReplayed(r, checkBeforeSet, preemption);
    },
  );

  it.each([["PCT (the default)", PCT], ["random", RANDOM]] as const)(
    "ignore-return: exploring with %s finds the read completed twice (0x44), and the seed replays it",
    (_name, preemption) => {
      const r = preemption === PCT ? exploreSeeds(ignoreReturn) : exploreSeeds(ignoreReturn, { preemption });
      expectBugCheck(r.error, MULTIPLE_IRP_COMPLETE_REQUESTS, CANCEL_NAME);
      expectFoundAndReplayed(r, ignoreReturn, preemption);
    },
  );

  it.each([["PCT", PCT], ["random", RANDOM]] as const)("the fixed driver (IoSetCancelRoutine's return value decides) survives 1,000 seeds of %s", async (_name, preemption) => {
    expect(await survives(fixed, SURVIVES, preemption)).toMatchObject({ failingSeed: null, tried: SURVIVES });
  });

  it.each(["check-before-set", "ignore-return", "fixed"] as const)("%s: a write completes the waiting reads, a close cancels them", (variant: CancelVariant) => {
    const m = boot({ seed: 1, memoryBytes: RACE_MEMORY_BYTES });
    expect(m.loadDriver(CANCEL_NAME, CancelDriverEntry(variant))).toBe(0);
    const app = Win32Process.create(m, "notify.exe");
    const h = app.CreateFile(CANCEL_WIN32_NAME, GENERIC_READ | GENERIC_WRITE, 0, null, OPEN_EXISTING, FILE_FLAG_OVERLAPPED, 0);
    expect(h).not.toBe(INVALID_HANDLE_VALUE);
    const buffer = app.alloc(16);
    const read = (): OVERLAPPED => {
      const ov = new OVERLAPPED();
      ov.hEvent = app.CreateEvent(null, true, false, null);
      expect(app.ReadFile(h, buffer, 16, null, ov)).toBe(false);
      expect(app.GetLastError()).toBe(ERROR_IO_PENDING);
      return ov;
    };
    const waiting = [read(), read()];
    const writer = new OVERLAPPED();
    expect(app.WriteFile(h, buffer, 4, null, writer)).toBe(true);
    const n = Out(-1);
    for (const ov of waiting) {
      expect(app.GetOverlappedResult(h, ov, n, true)).toBe(true);
      expect(n.value).toBe(0);
    }
    const last = read();
    expect(app.CloseHandle(h)).toBe(true);
    expect(app.GetOverlappedResult(h, last, n, true)).toBe(false);
    expect(app.GetLastError()).toBe(ERROR_OPERATION_ABORTED);
    m.unloadDriver(CANCEL_NAME);
    expect(m.bugCheckData).toBeNull();
  });
});

describe("race 3, completion racing cleanup: the device's DPC completes reads while IRP_MJ_CLEANUP cancels them", () => {
  const unlocked: Body = (o) => runCleanupRace("unlocked-cleanup", o);
  const locked: Body = (o) => runCleanupRace("locked-cleanup", o);

  it("with preemption off, the unlocked cleanup never completes a read twice", async () => {
    expect(await survives(unlocked, SURVIVES, "off")).toMatchObject({ failingSeed: null, tried: SURVIVES });
  });

  it.each([["PCT (the default)", PCT], ["random", RANDOM]] as const)("exploring with %s finds a read completed by both (0x44), and the seed replays it", (_name, preemption) => {
    const r = preemption === PCT ? exploreSeeds(unlocked) : exploreSeeds(unlocked, { preemption });
    expectBugCheck(r.error, MULTIPLE_IRP_COMPLETE_REQUESTS, "RaceQueue");
    expectFoundAndReplayed(r, unlocked, preemption);
  });

  it.each([["PCT", PCT], ["random", RANDOM]] as const)("the twin whose cleanup takes the lock survives 1,000 seeds of %s", async (_name, preemption) => {
    expect(await survives(locked, SURVIVES, preemption)).toMatchObject({ failingSeed: null, tried: SURVIVES });
  });

  it("closeapp sees each read end once: answered by the device or cancelled by the close", () => {
    const out = runCleanupRace("locked-cleanup", { seed: 1, preemption: "off" });
    expect(out).toHaveLength(1);
    const [, answered, cancelled] = /^(\d+) reads answered, (\d+) cancelled by the close$/.exec(out[0]!)!.map(Number);
    // Two rounds: one read answered before each close, four in flight at each close.
    expect(answered! + cancelled!).toBe(10);
    expect(answered).toBeGreaterThanOrEqual(2);
  });
});
