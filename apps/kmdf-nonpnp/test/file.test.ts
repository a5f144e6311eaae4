import { describe, expect, it } from "vitest";
import { boot, Out, type Machine } from "@wdfjs/kernel";
import {
  CREATE_ALWAYS, ERROR_ACCESS_DENIED, FILE_ATTRIBUTE_NORMAL, FILE_SHARE_READ, FILE_SHARE_WRITE, GENERIC_READ, GENERIC_WRITE, INVALID_HANDLE_VALUE,
  OPEN_EXISTING, Win32Process, type HANDLE,
} from "@wdfjs/win32";
import { CRand, DEVICE_NAME, DoFileReadWrite, DRIVER_NAME, NonPnpDriverEntry } from "../src/index.js";

const flavors = ["checked", "free"] as const;

function load(flavor: "checked" | "free" = "checked"): { m: Machine; kd: string[] } {
  const m = boot({ flavor, seed: 1 });
  const kd: string[] = [];
  expect(m.loadDriver(DRIVER_NAME, NonPnpDriverEntry((l) => kd.push(l)))).toBe(0);
  return { m, kd };
}

function open(app: Win32Process, name = DEVICE_NAME): HANDLE {
  const h = app.CreateFile(name, GENERIC_READ | GENERIC_WRITE, 0, null, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, 0);
  expect(h).not.toBe(INVALID_HANDLE_VALUE);
  return h;
}

function write(app: Win32Process, h: HANDLE, bytes: number[]): number {
  const buf = app.alloc(bytes.length, bytes);
  const n = Out(-1);
  expect(app.WriteFile(h, buf, bytes.length, n, null)).toBe(true);
  return n.value;
}

function read(app: Win32Process, h: HANDLE, length: number): number[] {
  const buf = app.alloc(length);
  const n = Out(-1);
  expect(app.ReadFile(h, buf, length, n, null)).toBe(true);
  return [...app.ReadMemory(buf, n.value)];
}

/** The file as another program sees it on the C: drive (the driver's handle shares reads; it writes, so we share writes). */
function onDisk(m: Machine, name: string): number[] | null {
  const viewer = Win32Process.create(m, "viewer.exe");
  const h = viewer.CreateFile(`C:\\Windows\\Temp\\${name}`, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, null, OPEN_EXISTING, 0, 0);
  if (h === INVALID_HANDLE_VALUE) return null;
  const bytes = read(viewer, h, 65536);
  viewer.CloseHandle(h);
  viewer.ExitProcess(0);
  return bytes;
}

describe("reads and writes go to \\SystemRoot\\temp\\<name from the open path>", () => {
  it.each(flavors)("DoFileReadWrite: k random bytes written then k read back are the same (%s)", (flavor) => {
    const { m } = load(flavor);
    const app = Win32Process.create(m, "nonpnpapp.exe");
    const h = open(app);
    const lines: string[] = [];
    const random = new CRand(7);
    for (let i = 0; i < 3; i++) expect(DoFileReadWrite(app, h, random, (l) => lines.push(l))).toBe(true);
    expect(lines.filter((l) => l.startsWith("Write ")).map((l) => Number(l.split(" ")[1]))).toEqual(
      lines.filter((l) => l.startsWith("Read ")).map((l) => Number(l.split(" ")[1])),
    );
    expect(m.bugCheckData).toBeNull();
  });

  it("the data is in the file C:\\Windows\\Temp\\nonpnpsamp.log, which outlives the handle", () => {
    const { m } = load();
    const app = Win32Process.create(m, "nonpnpapp.exe");
    const h = open(app);
    const data = [...Buffer.from("written through the nonpnp driver")];
    expect(write(app, h, data)).toBe(data.length);
    expect(onDisk(m, "nonpnpsamp.log")).toEqual(data);
    expect(app.CloseHandle(h)).toBe(true);
    expect(onDisk(m, "NONPNPSAMP.LOG")).toEqual(data);
  });

  it("each write and read starts at the beginning of the file (the offset reset through ZwSetInformationFile)", () => {
    const { m } = load();
    const app = Win32Process.create(m, "nonpnpapp.exe");
    const h = open(app);
    expect(write(app, h, [1, 2, 3, 4, 5, 6, 7, 8])).toBe(8);
    expect(write(app, h, [9, 9, 9])).toBe(3);
    // The shorter write overwrote the start; the rest of the file is the first write's.
    expect(read(app, h, 3)).toEqual([9, 9, 9]);
    expect(read(app, h, 8)).toEqual([9, 9, 9, 4, 5, 6, 7, 8]);
    expect(read(app, h, 100)).toEqual([9, 9, 9, 4, 5, 6, 7, 8]);
  });

  it("the open path names the file: \\\\.\\NONPNP\\other.log is C:\\Windows\\Temp\\other.log, opened again (FILE_OPEN_IF) by the next open", () => {
    const { m, kd } = load();
    const app = Win32Process.create(m, "nonpnpapp.exe");
    let h = open(app, "\\\\.\\NONPNP\\other.log");
    expect(write(app, h, [42, 43])).toBe(2);
    app.CloseHandle(h);
    expect(kd).toContain("Absolute Filename \\SystemRoot\\temp\\other.log");
    expect(onDisk(m, "other.log")).toEqual([42, 43]);
    expect(onDisk(m, "nonpnpsamp.log")).toBeNull();
    h = open(app, "\\\\.\\NONPNP\\other.log");
    expect(read(app, h, 10)).toEqual([42, 43]);
    app.CloseHandle(h);
  });

  it("opening the device with no file name fails: the driver's ZwCreateFile of \\SystemRoot\\temp itself is refused (a directory)", () => {
    const { m, kd } = load();
    const app = Win32Process.create(m, "nonpnpapp.exe");
    expect(app.CreateFile("\\\\.\\NONPNP", GENERIC_READ | GENERIC_WRITE, 0, null, OPEN_EXISTING, 0, 0)).toBe(INVALID_HANDLE_VALUE);
    // STATUS_FILE_IS_A_DIRECTORY (FILE_NON_DIRECTORY_FILE on a directory).
    expect(kd).toContain("ZwCreateFile failed with status 0xc00000ba");
    expect(app.GetLastError()).toBe(ERROR_ACCESS_DENIED);
    // The failed create left no open handle behind: a proper open works.
    const h = open(app);
    app.CloseHandle(h);
    expect(m.bugCheckData).toBeNull();
  });

  it("a zero-length write or read is completed by the framework without reaching the driver", () => {
    const { m, kd } = load();
    const app = Win32Process.create(m, "nonpnpapp.exe");
    const h = open(app);
    const buf = app.alloc(16);
    const n = Out(-1);
    expect(app.WriteFile(h, buf, 0, n, null)).toBe(true);
    expect(n.value).toBe(0);
    expect(app.ReadFile(h, buf, 0, n, null)).toBe(true);
    expect(n.value).toBe(0);
    expect(kd.some((l) => l.startsWith("FileEvtIo"))).toBe(false);
  });
});
