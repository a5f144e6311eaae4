import { describe, expect, it } from "vitest";
import { boot, MemoryTraceSink } from "@wdfjs/kernel";
import { WdfVerifierDbgBreakPoint, WdfVerifierKeBugCheck } from "../src/index.js";
import { expectBugCheck } from "../../framework/test/helpers.js";

describe("wdfverifier.h", () => {
  it("WdfVerifierDbgBreakPoint traces the driver's break and the machine goes on (no debugger is attached)", () => {
    const trace = new MemoryTraceSink();
    const m = boot({ seed: 1, trace });
    m.runInKernel(() => WdfVerifierDbgBreakPoint());
    expect(trace.events.filter((e) => e.kind === "wdf.dbg-break")).toHaveLength(1);
    expect(m.bugCheckData).toBeNull();
  });

  it("WdfVerifierKeBugCheck stops the machine with the driver's code and parameters", () => {
    const m = boot({ seed: 1 });
    const data = expectBugCheck(m, 0xdead, () => m.runInKernel(() => WdfVerifierKeBugCheck(0xdead, 1, 2, 3, 4)));
    expect([data.BugCheckParameter1, data.BugCheckParameter2, data.BugCheckParameter3, data.BugCheckParameter4]).toEqual([1, 2, 3, 4]);
  });
});
