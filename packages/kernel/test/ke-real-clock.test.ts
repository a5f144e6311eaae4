import { describe, expect, it } from "vitest";
import {
  boot, KDPC, KeInitializeDpc, KeInitializeTimer, KernelMode, KeDelayExecutionThread, KeQueryInterruptTime, KeSetTimer, KTIMER, Out,
  PsCreateSystemThread, RELATIVE_MS,
} from "../src/index.js";

describe("the real clock", () => {
  it("a machine on the real clock sleeps until the next due time instead of spinning (CPU time well under wall time)", () => {
    const m = boot({ clock: "real" });
    const woke: number[] = [];
    m.runInKernel(() => {
      PsCreateSystemThread(Out(0), 0, null, null, null, function* Sleeper() {
        for (let i = 0; i < 3; i++) {
          yield* KeDelayExecutionThread(KernelMode, false, RELATIVE_MS(100));
          woke.push(KeQueryInterruptTime());
        }
      }, null);
    });
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    m.run();
    const wallMs = performance.now() - wall0;
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    expect(woke).toHaveLength(3);
    // Machine time is host time: three 100 ms sleeps took at least 300 ms of it.
    expect(woke[2]!).toBeGreaterThanOrEqual(300 * 10_000);
    expect(wallMs).toBeGreaterThanOrEqual(295);
    // A spinning wait burns about as much CPU as wall time; a sleeping one almost none.
    expect(cpuMs).toBeLessThan(wallMs / 2);
  });

  it("timers on the real clock fire in due order, each no earlier than its due time", () => {
    const m = boot({ clock: "real" });
    const fired: string[] = [];
    const at: number[] = [];
    m.runInKernel(() => {
      for (const [name, ms] of [["late", 60], ["early", 20], ["middle", 40]] as const) {
        const t = new KTIMER();
        const d = new KDPC();
        KeInitializeTimer(t);
        KeInitializeDpc(d, () => {
          fired.push(name);
          at.push(KeQueryInterruptTime() / 10_000);
        }, null);
        KeSetTimer(t, RELATIVE_MS(ms), d);
      }
    });
    m.run();
    expect(fired).toEqual(["early", "middle", "late"]);
    expect(at[0]!).toBeGreaterThanOrEqual(20);
    expect(at[2]!).toBeGreaterThanOrEqual(60);
  });
});
