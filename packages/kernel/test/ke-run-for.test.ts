import { describe, expect, it } from "vitest";
import { boot, KeInitializeTimer, KeReadStateTimer, KeSetTimer, KTIMER } from "../src/index.js";

describe("Machine.runFor", () => {
  it("stops at its deadline with timers without DPCs pending, nearer and farther, firing the ones due on the way", () => {
    const m = boot();
    const near = new KTIMER();
    const far = new KTIMER();
    m.runInKernel(() => {
      KeInitializeTimer(near);
      KeInitializeTimer(far);
      KeSetTimer(near, -50 * 10_000, null);
      KeSetTimer(far, -5000 * 10_000, null);
    });
    m.runFor(10);
    expect(m.now).toBe(10);
    m.runFor(100);
    expect(m.now).toBe(110);
    expect(m.runInKernel(() => [KeReadStateTimer(near), KeReadStateTimer(far)])).toEqual([true, false]);
    m.runFor(4890);
    expect(m.now).toBe(5000);
    expect(m.runInKernel(() => KeReadStateTimer(far))).toBe(true);
  });
});
