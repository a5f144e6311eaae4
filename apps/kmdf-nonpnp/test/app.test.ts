import { describe, expect, it } from "vitest";
import { boot, type Machine } from "@wdfjs/kernel";
import { CREATE_ALWAYS, ERROR_FILE_NOT_FOUND, FILE_ATTRIBUTE_NORMAL, GENERIC_READ, GENERIC_WRITE, INVALID_HANDLE_VALUE, Win32Process } from "@wdfjs/win32";
import { DEVICE_NAME, DeviceDriverData, DRIVER_NAME, main, NonPnpDriverEntry, USAGE } from "../src/index.js";

const flavors = ["checked", "free"] as const;

function run(m: Machine, args: string[] = [], seed = 1): { code: number; lines: string[]; kd: string[] } {
  const lines: string[] = [];
  const kd: string[] = [];
  const code = main(m, args, (l) => lines.push(l), { seed, driver: NonPnpDriverEntry((l) => kd.push(l)) });
  return { code, lines, kd };
}

const IOCTL_LINES = [
  "",
  "Calling DeviceIoControl METHOD_BUFFERED:",
  `    OutBuffer (38): ${DeviceDriverData}`,
  "",
  "Calling DeviceIoControl METHOD_NEITHER",
  `    OutBuffer (38): ${DeviceDriverData}`,
  "",
  "Calling DeviceIoControl METHOD_IN_DIRECT",
  "    Number of bytes transfered from OutBuffer: 100",
  "",
  "Calling DeviceIoControl METHOD_OUT_DIRECT",
  `    OutBuffer (38): ${DeviceDriverData}`,
];

describe("nonpnpapp (testapp.c's main)", () => {
  it.each(flavors)("installs the driver, sends the four IOCTLs, writes and reads back rand() bytes, then removes the driver (%s)", (flavor) => {
    const m = boot({ flavor, seed: 1 });
    const { code, lines, kd } = run(m);
    expect(code).toBe(0);
    expect(lines[0]).toMatch(/^InputBuffer Pointer = 0x[0-9A-F]{8}, BufLength = 200$/);
    expect(lines[1]).toMatch(/^OutputBuffer Pointer = 0x[0-9A-F]{8} BufLength = 100$/);
    // srand(1): the first rand() is 41, as the C runtime's.
    expect(lines.slice(2)).toEqual([...IOCTL_LINES, "Write 41 bytes to file", "Read 41 bytes from the same file"]);
    // The driver's life, as its debug output tells it.
    expect(kd.filter((l) => /^(Driver Frameworks|NonPnpEvt|Entered|Closing)/.test(l))).toEqual([
      "Driver Frameworks NONPNP Legacy Driver Example",
      "NonPnpEvtDeviceFileCreate \\SystemRoot\\temp\\nonpnpsamp.log",
      "NonPnpEvtFileClose",
      expect.stringMatching(/^Closing File Handle 0x[0-9a-f]+$/),
      "Entered NonPnpDriverUnload",
      "Entered NonPnpEvtDriverContextCleanup",
    ]);
    expect(m.driver(DRIVER_NAME)).toBeUndefined();
    expect(m.bugCheckData).toBeNull();
  });

  it("uses a driver already loaded, and still removes it at the end, as testapp does", () => {
    const m = boot({ seed: 2 });
    const kd: string[] = [];
    expect(m.loadDriver(DRIVER_NAME, NonPnpDriverEntry((l) => kd.push(l)))).toBe(0);
    const lines: string[] = [];
    expect(main(m, [], (l) => lines.push(l), { seed: 3 })).toBe(0);
    expect(kd).toContain("Entered NonPnpDriverUnload");
    const late = Win32Process.create(m, "late.exe");
    expect(late.CreateFile(DEVICE_NAME, GENERIC_READ | GENERIC_WRITE, 0, null, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, 0)).toBe(INVALID_HANDLE_VALUE);
    expect(late.GetLastError()).toBe(ERROR_FILE_NOT_FOUND);
  });

  it("-l repeats the file test (a second apart, with new lengths); another option prints the usage", () => {
    const m = boot({ seed: 1 });
    const looped = run(m, ["-l"], 5);
    expect(looped.code).toBe(0);
    const writes = looped.lines.filter((l) => l.startsWith("Write "));
    expect(writes).toHaveLength(3);
    expect(new Set(writes).size).toBe(3);
    expect(m.now).toBeGreaterThanOrEqual(2000);
    const bad = run(m, ["-x"]);
    expect(bad).toEqual({ code: 1, lines: USAGE, kd: [] });
  });

  it("runs the same under preempting schedulers (a few seeds)", () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const m = boot({ seed, preemption: "random" });
      const r = run(m, ["-l"], seed);
      expect(r.code, `seed ${seed}`).toBe(0);
      expect(r.lines.slice(2, 2 + IOCTL_LINES.length)).toEqual(IOCTL_LINES);
      expect(m.bugCheckData).toBeNull();
    }
  });
});

describe("driver lifetime", () => {
  it.each(flavors)("unload: EvtDriverUnload, then the control device and the driver object go; the name no longer opens (%s)", (flavor) => {
    const m = boot({ flavor, seed: 1 });
    const kd: string[] = [];
    expect(m.loadDriver(DRIVER_NAME, NonPnpDriverEntry((l) => kd.push(l)))).toBe(0);
    const app = Win32Process.create(m, "nonpnpapp.exe");
    const h = app.CreateFile(DEVICE_NAME, GENERIC_READ | GENERIC_WRITE, 0, null, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, 0);
    // While the device is open the unload waits (IopUnloadDriver); the close lets it finish.
    m.unloadDriver(DRIVER_NAME);
    expect(kd).not.toContain("Entered NonPnpDriverUnload");
    expect(app.CloseHandle(h)).toBe(true);
    expect(kd.slice(-2)).toEqual(["Entered NonPnpDriverUnload", "Entered NonPnpEvtDriverContextCleanup"]);
    expect(m.driver(DRIVER_NAME)).toBeUndefined();
    expect(app.CreateFile(DEVICE_NAME, GENERIC_READ, 0, null, CREATE_ALWAYS, 0, 0)).toBe(INVALID_HANDLE_VALUE);
    expect(app.GetLastError()).toBe(ERROR_FILE_NOT_FOUND);
    expect(m.bugCheckData).toBeNull();
  });

  it.each(flavors)("a machine shutdown calls NonPnpShutdown once (WdfDeviceShutdown); an unloaded driver is not called (%s)", (flavor) => {
    const m = boot({ flavor, seed: 1 });
    const kd: string[] = [];
    expect(m.loadDriver(DRIVER_NAME, NonPnpDriverEntry((l) => kd.push(l)))).toBe(0);
    expect(m.shutdown()).toBe(0);
    expect(kd.filter((l) => l === "NonPnpShutdown")).toHaveLength(1);
    m.shutdown();
    expect(kd.filter((l) => l === "NonPnpShutdown")).toHaveLength(1);

    const m2 = boot({ flavor, seed: 1 });
    const kd2: string[] = [];
    expect(m2.loadDriver(DRIVER_NAME, NonPnpDriverEntry((l) => kd2.push(l)))).toBe(0);
    m2.unloadDriver(DRIVER_NAME);
    expect(m2.shutdown()).toBe(0);
    expect(kd2).not.toContain("NonPnpShutdown");
    expect(m2.bugCheckData).toBeNull();
  });
});
