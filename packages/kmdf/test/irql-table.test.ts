import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { APC_LEVEL, boot, DISPATCH_LEVEL, HIGH_LEVEL, KeLowerIrql, KeRaiseIrql, MemoryTraceSink, Out, PASSIVE_LEVEL, STATUS_INVALID_DEVICE_REQUEST, STATUS_SUCCESS, type KIRQL } from "@wdfjs/kernel";
import { WdfCheckIrql, WdfFunctionIrql, WdfFunctionMaxIrql } from "../src/index.js";

const script = fileURLToPath(new URL("../scripts/gen-irql-table.mjs", import.meta.url));

describe("the IRQL table generated from the KMDF 1.33 headers", () => {
  it("is what the generator makes of reference/kmdf-1.33-signatures.tsv (regenerate after changing the tsv)", () => {
    expect(() => execFileSync(process.execPath, [script, "--check"], { stdio: "pipe" })).not.toThrow();
  });

  it("gives each function its header's maximum IRQL", () => {
    expect(WdfFunctionMaxIrql.get("WdfDeviceCreate")).toBe(PASSIVE_LEVEL);
    expect(WdfFunctionMaxIrql.get("WdfRequestComplete")).toBe(DISPATCH_LEVEL);
    expect(WdfFunctionMaxIrql.get("WdfDeviceQueryPropertyEx")).toBe(APC_LEVEL);
    expect(WdfFunctionMaxIrql.get("WdfDpcEnqueue")).toBe(HIGH_LEVEL);
    // Two levels in the header (PASSIVE_LEVEL when Wait is TRUE): the table keeps the higher.
    expect(WdfFunctionMaxIrql.get("WdfTimerStop")).toBe(DISPATCH_LEVEL);
    // No annotation: interrupt functions run at the device's IRQL.
    expect(WdfFunctionMaxIrql.get("WdfInterruptAcquireLock")).toBeNull();
    expect(WdfFunctionMaxIrql.size).toBeGreaterThan(400);
  });

  it("refuses a name that is not a KMDF function (a typo in wdfjs, not a driver's error)", () => {
    expect(() => WdfFunctionIrql("WdfRequestCompleat")).toThrow(/not a KMDF 1.33 function/);
  });
});

describe("WdfCheckIrql", () => {
  function at(flavor: "checked" | "free", irql: KIRQL, routine: string): { status: number; traced: number } {
    const trace = new MemoryTraceSink();
    const m = boot({ flavor, seed: 1, trace });
    return m.runInKernel(() => {
      const old = Out<KIRQL>(0);
      KeRaiseIrql(irql, old);
      const status = WdfCheckIrql(routine);
      KeLowerIrql(old.value);
      return { status, traced: trace.events.filter((e) => e.kind === "wdf.wrong-irql").length };
    });
  }

  it("fails a PASSIVE_LEVEL function called at DISPATCH_LEVEL with STATUS_INVALID_DEVICE_REQUEST and a trace (checked)", () => {
    expect(at("checked", DISPATCH_LEVEL, "WdfDeviceCreate")).toEqual({ status: STATUS_INVALID_DEVICE_REQUEST, traced: 1 });
  });

  it("passes at or below the maximum, for functions without a level, and in the free flavor", () => {
    expect(at("checked", DISPATCH_LEVEL, "WdfRequestComplete")).toEqual({ status: STATUS_SUCCESS, traced: 0 });
    expect(at("checked", DISPATCH_LEVEL + 1, "WdfInterruptAcquireLock")).toEqual({ status: STATUS_SUCCESS, traced: 0 });
    expect(at("free", DISPATCH_LEVEL, "WdfDeviceCreate")).toEqual({ status: STATUS_SUCCESS, traced: 0 });
  });
});
