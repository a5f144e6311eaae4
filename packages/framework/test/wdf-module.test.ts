import { describe, expect, it } from "vitest";
import * as framework from "../src/index.js";
import * as wdf from "../src/wdf.js";

/*
 * `@wdfjs/framework/wdf` is what a style re-exports whole to its drivers: the public WDF names,
 * defined once in the core, and none of the framework's own machinery.
 */
describe("the wdf module", () => {
  const names = Object.keys(wdf);

  it("exports the wdf*.h names a driver uses, from the handles' structures to the object functions", () => {
    for (const n of [
      "WDF_DRIVER_CONFIG_INIT", "WDF_PNPPOWER_EVENT_CALLBACKS_INIT", "WDF_DEVICE_POWER_POLICY_IDLE_SETTINGS_INIT", "IdleCannotWakeFromS0",
      "WDF_TIMER_CONFIG_INIT_PERIODIC", "WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE", "WdfDevStatePnpStarted", "WdfObjectCreate", "STATUS_INVALID_PARAMETER_4",
    ]) {
      expect(names, n).toContain(n);
    }
  });

  it("exports none of the framework's machinery (Fx*, FX_* types, validation options)", () => {
    expect(names.filter((n) => /^(Fx|FX_|IFX_|IFx)/.test(n))).toEqual([]);
  });

  it("is the core's own definitions, not copies: a name in both modules is the same value", () => {
    const core = framework as Record<string, unknown>;
    const same = names.filter((n) => n in core);
    expect(same.length).toBeGreaterThan(500);
    expect(same.filter((n) => core[n] !== (wdf as Record<string, unknown>)[n])).toEqual([]);
  });
});
