import { describe, expect, it } from "vitest";
import { boot, CTL_CODE, FILE_ANY_ACCESS, Out, type Machine } from "@wdfjs/kernel";
import {
  CREATE_ALWAYS, ERROR_ACCESS_DENIED, ERROR_INVALID_FUNCTION, ERROR_INVALID_PARAMETER, ERROR_INVALID_USER_BUFFER, FILE_ATTRIBUTE_NORMAL, GENERIC_READ,
  GENERIC_WRITE, INVALID_HANDLE_VALUE, OPEN_EXISTING, Win32Process, type HANDLE,
} from "@wdfjs/win32";
import {
  DEVICE_NAME, DeviceDriverData, DoIoctl, DoIoctls, DRIVER_NAME, FILEIO_TYPE, IOCTL_NONPNP_METHOD_BUFFERED, IOCTL_NONPNP_METHOD_IN_DIRECT,
  IOCTL_NONPNP_METHOD_NEITHER, IOCTL_NONPNP_METHOD_OUT_DIRECT, METHODS, NonPnpDriverEntry,
} from "../src/index.js";
import { IoctlForMethod } from "@wdfjs/sample-wdm-ioctl";

const flavors = ["checked", "free"] as const;

interface Rig {
  m: Machine;
  kd: string[];
  app: Win32Process;
  h: HANDLE;
  inBuf: number;
  outBuf: number;
}

function rig(flavor: "checked" | "free" = "checked"): Rig {
  const m = boot({ flavor, seed: 1 });
  const kd: string[] = [];
  expect(m.loadDriver(DRIVER_NAME, NonPnpDriverEntry((l) => kd.push(l)))).toBe(0);
  const app = Win32Process.create(m, "nonpnpapp.exe");
  const h = app.CreateFile(DEVICE_NAME, GENERIC_READ | GENERIC_WRITE, 0, null, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, 0);
  expect(h).not.toBe(INVALID_HANDLE_VALUE);
  const inBuf = app.alloc(4096, [...Buffer.from("hello from the test\0")]);
  const outBuf = app.alloc(4096, new Array(4096).fill(0xcc));
  return { m, kd, app, h, inBuf, outBuf };
}

function ioctl(r: Rig, code: number, inBuf: number, inLen: number, outBuf: number, outLen: number): { ok: boolean; n: number; error: number } {
  const n = Out(-1);
  const ok = r.app.DeviceIoControl(r.h, code, inBuf, inLen, outBuf, outLen, n, null);
  return { ok, n: n.value, error: ok ? 0 : r.app.GetLastError() };
}

describe("the four transfer methods through nonpnpapp's DoIoctls", () => {
  it("the control codes are public.h's (device type 40001, functions 0x900-0x903) and the WDM twin's", () => {
    expect([IOCTL_NONPNP_METHOD_IN_DIRECT, IOCTL_NONPNP_METHOD_OUT_DIRECT, IOCTL_NONPNP_METHOD_BUFFERED, IOCTL_NONPNP_METHOD_NEITHER].map((c) => c >>> 0)).toEqual([
      0x9c412401, 0x9c412406, 0x9c412408, 0x9c41240f,
    ]);
    expect(METHODS.map((x) => IoctlForMethod[x])).toEqual([IOCTL_NONPNP_METHOD_BUFFERED, IOCTL_NONPNP_METHOD_NEITHER, IOCTL_NONPNP_METHOD_IN_DIRECT, IOCTL_NONPNP_METHOD_OUT_DIRECT]);
  });

  it.each(flavors)("each method returns 38 bytes of the driver's string; IN_DIRECT the 100 bytes it read (%s)", (flavor) => {
    const r = rig(flavor);
    const results = DoIoctls(r.app, r.h);
    expect(results.map((x) => [x.method, x.ok, x.bytesReturned])).toEqual([
      ["METHOD_BUFFERED", true, 38],
      ["METHOD_NEITHER", true, 38],
      ["METHOD_IN_DIRECT", true, 100],
      ["METHOD_OUT_DIRECT", true, 38],
    ]);
    for (const x of results) {
      // IN_DIRECT's output buffer carried data to the driver, which wrote nothing into it.
      expect(x.output).toBe(x.method === "METHOD_IN_DIRECT" ? "This String is from User Application in OutBuffer; using METHOD_IN_DIRECT" : DeviceDriverData);
    }
    expect(r.m.bugCheckData).toBeNull();
  });

  it("the driver reads the caller's input through every method, IN_DIRECT's output buffer too, and METHOD_NEITHER's through EvtIoInCallerContext", () => {
    const r = rig();
    for (const method of METHODS) expect(DoIoctl(r.app, r.h, method).ok).toBe(true);
    expect(r.kd).toContain("this String is from User Application; using METHOD_BUFFERED.");
    expect(r.kd).toContain("this String is from User Application; using METHOD_NEITHER.");
    expect(r.kd).toContain("this String is from User Application; using METHOD_IN_DIRECT.");
    expect(r.kd.some((l) => l.startsWith("This String is from User Application in OutBuffer; using METHOD_IN_DIRECT"))).toBe(true);
    expect(r.kd).toContain("this String is from User Application; using METHOD_OUT_DIRECT.");
    // Only METHOD_NEITHER is handled in the caller's context.
    expect(r.kd.filter((l) => l === "EvtIoPreProcess: received METHOD_NEITHER ioctl")).toHaveLength(1);
  });

  it.each(flavors)("a zero-length input or output buffer: ERROR_INVALID_PARAMETER from the queue; METHOD_NEITHER's probe-and-lock fails first with ERROR_INVALID_USER_BUFFER (%s)", (flavor) => {
    const r = rig(flavor);
    for (const method of METHODS) {
      const code = IoctlForMethod[method];
      const expected = method === "METHOD_NEITHER" ? ERROR_INVALID_USER_BUFFER : ERROR_INVALID_PARAMETER;
      expect(ioctl(r, code, r.inBuf, 0, r.outBuf, 100)).toEqual({ ok: false, n: 0, error: expected });
      expect(ioctl(r, code, r.inBuf, 20, r.outBuf, 0)).toEqual({ ok: false, n: 0, error: expected });
      expect(ioctl(r, code, 0, 0, 0, 0)).toEqual({ ok: false, n: 0, error: expected });
    }
    // The unsafe-buffer retrieval succeeded (a minimum of 0); the zero-length probe is what failed.
    expect(r.kd.filter((l) => l.startsWith("Error WdfRequestProbeAndLockUserBufferForRead failed 0xc00000e8"))).toHaveLength(2);
    expect(r.kd.filter((l) => l.startsWith("Error WdfRequestProbeAndLockUserBufferForWrite failed 0xc00000e8"))).toHaveLength(1);
    expect(r.kd.some((l) => l.startsWith("Error WdfRequestRetrieveUnsafeUser"))).toBe(false);
    expect(r.app.ReadMemory(r.outBuf, 4096).every((b) => b === 0xcc)).toBe(true);
  });

  it.each(flavors)("an output buffer shorter than the string gets Information = its length and nothing past it (%s)", (flavor) => {
    const r = rig(flavor);
    for (const method of ["METHOD_BUFFERED", "METHOD_NEITHER", "METHOD_OUT_DIRECT"] as const) {
      r.app.WriteMemory(r.outBuf, new Array(64).fill(0xcc));
      expect(ioctl(r, IoctlForMethod[method], r.inBuf, 20, r.outBuf, 10)).toEqual({ ok: true, n: 10, error: 0 });
      const out = r.app.ReadMemory(r.outBuf, 11);
      expect(Buffer.from(out.subarray(0, 10)).toString("latin1")).toBe(DeviceDriverData.slice(0, 10));
      expect(out[10]).toBe(0xcc);
    }
    expect(ioctl(r, IOCTL_NONPNP_METHOD_IN_DIRECT, r.inBuf, 20, r.outBuf, 10)).toEqual({ ok: true, n: 10, error: 0 });
  });

  it("an IOCTL the driver does not know fails with ERROR_INVALID_FUNCTION (STATUS_INVALID_DEVICE_REQUEST)", () => {
    const r = rig();
    expect(ioctl(r, CTL_CODE(FILEIO_TYPE, 0x9ff, 0, FILE_ANY_ACCESS), r.inBuf, 20, r.outBuf, 100)).toEqual({ ok: false, n: 0, error: ERROR_INVALID_FUNCTION });
    expect(r.kd).toContain("ERROR: unrecognized IOCTL 9c4127fc");
  });
});

describe("exclusive control device", () => {
  it.each(flavors)("a second open fails with ERROR_ACCESS_DENIED while the first works; after its close the device opens again (%s)", (flavor) => {
    const r = rig(flavor);
    const other = Win32Process.create(r.m, "other.exe");
    expect(other.CreateFile(DEVICE_NAME, GENERIC_READ | GENERIC_WRITE, 0, null, OPEN_EXISTING, 0, 0)).toBe(INVALID_HANDLE_VALUE);
    expect(other.GetLastError()).toBe(ERROR_ACCESS_DENIED);
    expect(ioctl(r, IOCTL_NONPNP_METHOD_BUFFERED, r.inBuf, 20, r.outBuf, 100)).toEqual({ ok: true, n: 38, error: 0 });
    expect(r.app.CloseHandle(r.h)).toBe(true);
    const h2 = other.CreateFile(DEVICE_NAME, GENERIC_READ | GENERIC_WRITE, 0, null, OPEN_EXISTING, 0, 0);
    expect(h2).not.toBe(INVALID_HANDLE_VALUE);
    expect(other.CloseHandle(h2)).toBe(true);
    expect(r.m.bugCheckData).toBeNull();
  });
});
