import { describe, expect, it } from "vitest";
import { boot, BugCheck, KeBugCheckEx, MachineStopped, MachineUsageError, type Machine } from "@wdfjs/kernel";
import { AsyncDevice, ERROR_FILE_NOT_FOUND, GENERIC_READ, OPEN_EXISTING, Win32Error, Win32ErrorName, Win32Process } from "../src/index.js";

describe("a host program's mistakes get a clear error", () => {
  it("Win32Process.create with no machine is a MachineUsageError that says where a machine comes from", () => {
    for (const notMachine of [undefined, null, {}, "machine"]) {
      expect(() => Win32Process.create(notMachine as unknown as Machine, "app.exe")).toThrow(MachineUsageError);
    }
    expect(() => Win32Process.create(undefined as unknown as Machine, "app.exe")).toThrow(/must be a machine from boot\(\).*got undefined/);
    expect(() => Win32Process.create(boot(), "")).toThrow(/image file name must be a non-empty string/);
  });

  it("a Win32 call into a machine that already bug-checked says so, and by which bug check", () => {
    const m = boot();
    const app = Win32Process.create(m, "app.exe");
    expect(() => m.runInKernel(() => KeBugCheckEx(0xe2, 0, 0, 0, 0))).toThrow(BugCheck);
    let e: unknown = null;
    try {
      app.CreateFile("\\\\.\\Anything", GENERIC_READ, 0, null, OPEN_EXISTING, 0, 0);
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(MachineStopped);
    expect((e as Error).message).toMatch(/already stopped with bug check 0x000000E2 MANUALLY_INITIATED_CRASH \(0x00000000, 0x00000000, 0x00000000, 0x00000000\)/);
  });

  it("Win32Error names the error", () => {
    expect(Win32ErrorName(ERROR_FILE_NOT_FOUND)).toBe("ERROR_FILE_NOT_FOUND");
    expect(Win32ErrorName(0)).toBe("ERROR_SUCCESS");
    expect(Win32ErrorName(99_999)).toBe("99999");
    const app = Win32Process.create(boot(), "app.exe");
    expect(() => AsyncDevice.open(app, "\\\\.\\Nothing")).toThrow(new Win32Error(ERROR_FILE_NOT_FOUND, "CreateFile(\\\\.\\Nothing)"));
    expect(() => AsyncDevice.open(app, "\\\\.\\Nothing")).toThrow("CreateFile(\\\\.\\Nothing) failed with ERROR_FILE_NOT_FOUND (Win32 error 2)");
  });
});
