import { describe, expect, it } from "vitest";
import { IO_STATUS_BLOCK, NtClose, STATUS_DELETE_PENDING, STATUS_SUCCESS } from "../src/index.js";
import { bootWithDriver, open } from "./helpers.js";

describe("unloading a driver whose device is open", () => {
  it("waits for the last open to close: new opens fail STATUS_DELETE_PENDING, then DriverUnload runs", () => {
    let unloads = 0;
    const { m, c, h } = bootWithDriver({
      name: "Busy",
      init: (DriverObject) => {
        DriverObject.DriverUnload = () => {
          unloads++;
        };
      },
    });
    m.unloadDriver("Busy");
    expect(unloads).toBe(0);
    expect(m.driver("Busy")).toBeDefined();
    expect(m.driver("Busy")!.unloadPending).toBe(true);
    expect(open(m, c, "\\??\\Busy").status).toBe(STATUS_DELETE_PENDING);
    expect(m.syscall(c.thread, () => NtClose(h))).toBe(STATUS_SUCCESS);
    expect(unloads).toBe(1);
    expect(m.driver("Busy")).toBeUndefined();
    expect(m.stopped).toBe(false);
    void IO_STATUS_BLOCK;
  });

  it("unloads at once when nothing is open", () => {
    let unloads = 0;
    const { m, c, h } = bootWithDriver({ name: "Idle", init: (D) => void (D.DriverUnload = () => void unloads++) });
    expect(m.syscall(c.thread, () => NtClose(h))).toBe(STATUS_SUCCESS);
    m.unloadDriver("Idle");
    expect(unloads).toBe(1);
    expect(m.driver("Idle")).toBeUndefined();
  });
});
