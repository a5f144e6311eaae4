import { describe, expect, it } from "vitest";
import {
  boot, BugCheck, DISPATCH_LEVEL, DRIVER_VERIFIER_DETECTED_VIOLATION, KeLowerIrql, MachineStopped, MachineUsageError, STATUS_SUCCESS,
  type MachineOptions,
} from "../src/index.js";
import { client, expectBugCheck, tinyDriver } from "./helpers.js";

/** What `fn` threw (it must throw). */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a throw");
}

describe("boot() checks its options: a host's mistake is a MachineUsageError naming the option", () => {
  const bad: [string, unknown, RegExp][] = [
    ["an unknown flavor", { flavor: "debug" }, /flavor must be "checked" or "free"; got "debug"/],
    ["no processors", { processors: 0 }, /processors must be an integer from 1 to 64; got 0/],
    ["more processors than one group holds", { processors: 65 }, /processors must be an integer from 1 to 64; got 65/],
    ["a fractional processor count", { processors: 1.5 }, /processors .* got 1\.5/],
    ["a processor count as a string", { processors: "2" }, /processors .* got "2"/],
    ["a seed that is not a number", { seed: "abc" }, /seed must be an integer from 0 to 4294967295.*got "abc"/],
    ["a NaN seed", { seed: Number.NaN }, /seed .* got NaN/],
    ["a fractional seed", { seed: 1.5 }, /seed .* got 1\.5/],
    ["a negative seed", { seed: -1 }, /seed .* got -1/],
    ["a misspelt option", { processor: 4 }, /unknown option "processor" \(the options are flavor, processors, seed/],
    ["an unknown preemption mode", { preemption: "sometimes" }, /preemption must be "off", "random", "pct"/],
    ["a PCT depth of zero", { preemption: { mode: "pct", depth: 0 } }, /preemption depth must be an integer of at least 1; got 0/],
    ["a probability above one", { preemption: { mode: "random", probability: 2 } }, /probability must be a number from 0 to 1; got 2/],
    ["a random mode with PCT's depth", { preemption: { mode: "random", depth: 3 } }, /takes only mode, probability, not "depth"/],
    ["an unknown clock", { clock: "wall" }, /clock must be "virtual", "real" or a ClockSource/],
    ["a trace that is not a sink", { trace: [] }, /trace must be a TraceSink/],
    ["a tiny memory", { memoryBytes: 100 }, /memoryBytes must be an integer of at least 65536/],
    ["options that are not an object", "checked", /the options must be an object/],
  ];
  it.each(bad)("%s", (_what, options, message) => {
    const e = thrown(() => boot(options as MachineOptions));
    expect(e).toBeInstanceOf(MachineUsageError);
    expect(e.message).toMatch(/^wdfjs: boot\(\): /);
    expect(e.message).toMatch(message);
  });

  it("accepts the limits themselves", () => {
    expect(boot({ processors: 64, seed: 0 }).processors).toHaveLength(64);
    expect(boot({ processors: 1, seed: 0xffff_ffff, preemption: { mode: "pct", depth: 1, points: 1 } }).processors).toHaveLength(1);
    expect(boot({ flavor: "free", trace: null, threadDpcEnable: false, clock: "virtual" }).flavor).toBe("free");
  });
});

describe("loading and unloading drivers by mistake", () => {
  it("loadDriver with something that is not a DriverEntry is a MachineUsageError, and the machine goes on", () => {
    const m = boot();
    for (const notEntry of [{}, { main: () => 0 }, "DriverEntry", null, 42]) {
      const e = thrown(() => m.loadDriver("oops", notEntry as never));
      expect(e).toBeInstanceOf(MachineUsageError);
      expect(e.message).toMatch(/loadDriver\("oops", \.\.\.\): the second argument must be the driver's DriverEntry function/);
    }
    expect(thrown(() => m.loadDriver("\\Driver\\oops", () => STATUS_SUCCESS)).message).toMatch(/the name must be a service name/);
    expect(m.stopped).toBe(false);
    expect(m.driver("oops")).toBeUndefined();
    // A module object with DriverEntry still loads.
    expect(m.loadDriver("ok", { DriverEntry: () => STATUS_SUCCESS })).toBe(STATUS_SUCCESS);
  });

  it("unloadDriver of a name nobody loaded says which drivers are loaded", () => {
    const m = boot();
    m.loadDriver("tiny", tinyDriver({ name: "Tiny" }).DriverEntry);
    const e = thrown(() => m.unloadDriver("nosuch"));
    expect(e).toBeInstanceOf(MachineUsageError);
    expect(e.message).toBe('wdfjs: unloadDriver("nosuch"): no driver of that name is loaded (loaded: tiny).');
    m.unloadDriver("TINY"); // service names are case-insensitive
    expect(thrown(() => m.unloadDriver("tiny")).message).toMatch(/loaded: none/);
  });

  it("syscall and runInKernel without a thread or a function are MachineUsageErrors", () => {
    const m = boot();
    expect(thrown(() => m.syscall(undefined as never, () => 0)).message).toMatch(/syscall\(thread, fn\): thread must be a KTHREAD/);
    expect(thrown(() => m.syscall(client(m).thread, 42 as never))).toBeInstanceOf(MachineUsageError);
    expect(thrown(() => m.runInKernel("KeBugCheck" as never)).message).toMatch(/runInKernel\(fn\): fn must be a function; got "KeBugCheck"/);
    expect(m.stopped).toBe(false);
  });

  it("runFor with a time that is not a duration is a MachineUsageError", () => {
    const m = boot();
    for (const ms of [-1, Number.NaN, Infinity, "10"]) expect(thrown(() => m.runFor(ms as number))).toBeInstanceOf(MachineUsageError);
    m.runFor(0);
  });
});

describe("a call into a stopped machine", () => {
  it("says the machine had already stopped, and by which bug check, instead of looking like a new crash", () => {
    const m = boot();
    const c = client(m);
    expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, () => m.runInKernel(() => KeLowerIrql(DISPATCH_LEVEL)));
    const calls: [string, () => unknown][] = [
      ["runInKernel", () => m.runInKernel(() => 1)],
      ["run", () => m.run()],
      ["runFor", () => m.runFor(10)],
      ["syscall", () => m.syscall(c.thread, () => 0)],
      ["loadDriver", () => m.loadDriver("late", () => STATUS_SUCCESS)],
      ["unloadDriver", () => m.unloadDriver("late")],
      ["createProcess", () => m.createProcess("late.exe")],
    ];
    for (const [what, call] of calls) {
      const e = thrown(call);
      expect(e, what).toBeInstanceOf(MachineStopped);
      expect(e, what).toBeInstanceOf(BugCheck); // code that catches a BugCheck still catches it
      expect((e as BugCheck).data, what).toBe(m.bugCheckData);
      expect(e.name).toBe("MachineStopped");
      expect(e.message, what).toMatch(/already stopped with bug check 0x000000C4 DRIVER_VERIFIER_DETECTED_VIOLATION \(0x[0-9A-F]{8}, 0x[0-9A-F]{8}, 0x[0-9A-F]{8}, 0x[0-9A-F]{8}\)/);
      expect(e.message, what).toMatch(/boot a new machine/);
    }
    expect(thrown(() => m.loadDriver("late", () => STATUS_SUCCESS)).message).toMatch(/^wdfjs: machine\.loadDriver\("late"\) was made into a machine/);
  });
});
