import { describe, expect, it } from "vitest";
import {
  boot, CTL_CODE, ExAllocatePool2, FILE_ANY_ACCESS, IoCompleteRequest, IoGetCurrentIrpStackLocation, IRP_MJ_DEVICE_CONTROL, KERNEL_BASE, KERNEL_END,
  MemoryTraceSink, METHOD_NEITHER, Out, POOL_FLAG_NON_PAGED, POOL_TAG, ReadBytes, STATUS_SUCCESS, WriteBytes, type DRIVER_OBJECT,
  type Machine, type NTSTATUS,
} from "@wdfjs/kernel";
import {
  ERROR_ACCESS_DENIED, ERROR_FILE_NOT_FOUND, ERROR_INVALID_FUNCTION, ERROR_INVALID_HANDLE, ERROR_INVALID_PARAMETER, ERROR_NOACCESS,
  GENERIC_READ, GENERIC_WRITE, INVALID_HANDLE_VALUE, MEM_RELEASE, OPEN_EXISTING, Win32Process, type HANDLE,
} from "@wdfjs/win32";
import {
  DeviceDriverMessage, DoIoctl, DoIoctls, DriverEntry, FILEIO_TYPE, IOCTL_NONPNP_METHOD_BUFFERED, IOCTL_NONPNP_SET_MESSAGE, IOCTL_WIN32_NAME,
  IoctlForMethod, METHODS, main, type IOCTL_DEVICE_EXTENSION, type TransferMethod,
} from "../src/index.js";

const flavors = ["checked", "free"] as const;
const DIRECT_OR_BUFFERED: readonly TransferMethod[] = ["METHOD_BUFFERED", "METHOD_IN_DIRECT", "METHOD_OUT_DIRECT"];

interface Rig {
  m: Machine;
  trace: MemoryTraceSink;
  app: Win32Process;
  h: HANDLE;
  /** A user page holding a short string, and a second page for output. */
  inBuf: number;
  outBuf: number;
}

function rig(flavor: "checked" | "free" = "checked"): Rig {
  const trace = new MemoryTraceSink();
  const m = boot({ flavor, trace });
  expect(m.loadDriver("sioctl", DriverEntry)).toBe(0);
  const app = Win32Process.create(m, "testapp.exe");
  const h = app.CreateFile(IOCTL_WIN32_NAME, GENERIC_READ | GENERIC_WRITE, 0, null, OPEN_EXISTING, 0, 0);
  expect(h).not.toBe(INVALID_HANDLE_VALUE);
  const inBuf = app.alloc(4096, ascii("hello from the test\0"));
  const outBuf = app.alloc(4096, new Array(4096).fill(0xcc));
  return { m, trace, app, h, inBuf, outBuf };
}

function extension(m: Machine): IOCTL_DEVICE_EXTENSION {
  return m.driver("sioctl")!.DeviceObject!.DeviceExtension as IOCTL_DEVICE_EXTENSION;
}

/** IRP_MJ_DEVICE_CONTROL requests the I/O manager delivered to the driver. */
function driverCalls(trace: MemoryTraceSink): number {
  return trace.events.filter((e) => e.kind === "irp-call" && e.driver === "\\Driver\\sioctl" && e.detail === "IRP_MJ_DEVICE_CONTROL").length;
}

function ioctl(r: Rig, code: number, inBuf: number, inLen: number, outBuf: number, outLen: number): { ok: boolean; n: number; error: number } {
  const n = Out(-1);
  const ok = r.app.DeviceIoControl(r.h, code, inBuf, inLen, outBuf, outLen, n, null);
  return { ok, n: n.value, error: ok ? 0 : r.app.GetLastError() };
}

const text = (bytes: Uint8Array): string => String.fromCharCode(...bytes);
const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));

describe("testapp against the WDM ioctl driver", () => {
  it.each(flavors)("main sends the four IOCTLs and prints the driver's string (%s)", (flavor) => {
    const m = boot({ flavor });
    expect(m.loadDriver("sioctl", DriverEntry)).toBe(0);
    const lines: string[] = [];
    expect(main(m, [], (l) => lines.push(l))).toBe(0);
    expect(lines.slice(2)).toEqual([
      "",
      "Calling DeviceIoControl METHOD_BUFFERED:",
      `    OutBuffer (38): ${DeviceDriverMessage}`,
      "",
      "Calling DeviceIoControl METHOD_NEITHER",
      `    OutBuffer (38): ${DeviceDriverMessage}`,
      "",
      "Calling DeviceIoControl METHOD_IN_DIRECT",
      "    Number of bytes transfered from OutBuffer: 100",
      "",
      "Calling DeviceIoControl METHOD_OUT_DIRECT",
      `    OutBuffer (38): ${DeviceDriverMessage}`,
    ]);
    expect(lines[0]).toMatch(/^InputBuffer Pointer = 0x[0-9A-F]{8}, BufLength = 200$/);
    expect(lines[1]).toMatch(/^OutputBuffer Pointer = 0x[0-9A-F]{8} BufLength = 100$/);
    expect(m.bugCheckData).toBeNull();
  });

  it.each(flavors)("each method returns 38 bytes of the driver's string (IN_DIRECT: the 100 bytes it read) (%s)", (flavor) => {
    const r = rig(flavor);
    const results = DoIoctls(r.app, r.h);
    expect(results.map((x) => [x.method, x.ok, x.bytesReturned])).toEqual([
      ["METHOD_BUFFERED", true, 38],
      ["METHOD_NEITHER", true, 38],
      ["METHOD_IN_DIRECT", true, 100],
      ["METHOD_OUT_DIRECT", true, 38],
    ]);
    for (const x of results) {
      // IN_DIRECT's buffer carried data to the driver; the I/O manager copies nothing back.
      expect(x.output).toBe(x.method === "METHOD_IN_DIRECT" ? "This String is from User Application in OutBuffer; using METHOD_IN_DIRECT" : DeviceDriverMessage);
    }
  });

  it("the driver receives the caller's input through every method, and IN_DIRECT's output buffer as input", () => {
    const r = rig();
    for (const method of METHODS) expect(DoIoctl(r.app, r.h, method).ok).toBe(true);
    const seen = extension(r.m).DebugOutput;
    expect(seen).toContain("Data from User : this String is from User Application; using METHOD_BUFFERED");
    expect(seen).toContain("Data from User (SystemAddress) : this String is from User Application; using METHOD_NEITHER");
    expect(seen).toContain("Data from User in InputBuffer: this String is from User Application; using METHOD_IN_DIRECT");
    expect(seen).toContain("Data from User in OutputBuffer: This String is from User Application in OutBuffer; using METHOD_IN_DIRECT");
    expect(seen).toContain("Data from User : this String is from User Application; using METHOD_OUT_DIRECT");
  });

  it.each(flavors)("a zero-length input or output buffer fails with ERROR_INVALID_PARAMETER (%s)", (flavor) => {
    const r = rig(flavor);
    for (const method of METHODS) {
      const code = IoctlForMethod[method];
      expect(ioctl(r, code, r.inBuf, 0, r.outBuf, 100)).toEqual({ ok: false, n: 0, error: ERROR_INVALID_PARAMETER });
      expect(ioctl(r, code, r.inBuf, 20, r.outBuf, 0)).toEqual({ ok: false, n: 0, error: ERROR_INVALID_PARAMETER });
      expect(ioctl(r, code, 0, 0, 0, 0)).toEqual({ ok: false, n: 0, error: ERROR_INVALID_PARAMETER });
    }
    expect(r.app.ReadMemory(r.outBuf, 4096).every((b) => b === 0xcc)).toBe(true);
  });

  it.each(flavors)("an output buffer too small for the whole string gets a truncated count and nothing past it (%s)", (flavor) => {
    const r = rig(flavor);
    for (const method of ["METHOD_BUFFERED", "METHOD_NEITHER", "METHOD_OUT_DIRECT"] as const) {
      r.app.WriteMemory(r.outBuf, new Array(64).fill(0xcc));
      expect(ioctl(r, IoctlForMethod[method], r.inBuf, 20, r.outBuf, 10)).toEqual({ ok: true, n: 10, error: 0 });
      const out = r.app.ReadMemory(r.outBuf, 11);
      expect(text(out.subarray(0, 10))).toBe(DeviceDriverMessage.slice(0, 10));
      expect(out[10]).toBe(0xcc);
    }
    expect(ioctl(r, IoctlForMethod.METHOD_IN_DIRECT, r.inBuf, 20, r.outBuf, 10)).toEqual({ ok: true, n: 10, error: 0 });
  });

  it("an IOCTL the driver does not know fails with ERROR_INVALID_FUNCTION", () => {
    const r = rig();
    expect(ioctl(r, CTL_CODE(FILEIO_TYPE, 0x9ff, 0, FILE_ANY_ACCESS), r.inBuf, 20, r.outBuf, 100)).toEqual({ ok: false, n: 0, error: ERROR_INVALID_FUNCTION });
  });
});

describe("bad buffers", () => {
  function poolBlock(m: Machine): number {
    return m.runInKernel(() => {
      const p = ExAllocatePool2(POOL_FLAG_NON_PAGED, 256, POOL_TAG("Test"));
      WriteBytes(p, new Array(256).fill(0x5a));
      return p;
    });
  }

  it.each(flavors)("a kernel address as a buffer fails with ERROR_NOACCESS for every method, without a bug check (%s)", (flavor) => {
    const r = rig(flavor);
    const pool = poolBlock(r.m);
    for (const kernel of [KERNEL_BASE, pool, KERNEL_END - 4096]) {
      for (const method of METHODS) {
        const code = IoctlForMethod[method];
        const before = driverCalls(r.trace);
        expect(ioctl(r, code, kernel, 20, r.outBuf, 100)).toEqual({ ok: false, n: 0, error: ERROR_NOACCESS });
        expect(ioctl(r, code, r.inBuf, 20, kernel, 100)).toEqual({ ok: false, n: 0, error: ERROR_NOACCESS });
        // The I/O manager refuses BUFFERED and DIRECT buffers itself; NEITHER reaches the
        // driver, whose ProbeForRead/ProbeForWrite in __try turns them down.
        expect(driverCalls(r.trace) - before).toBe(method === "METHOD_NEITHER" ? 2 : 0);
      }
    }
    expect(r.m.runInKernel(() => [...ReadBytes(pool, 256)]).every((b) => b === 0x5a)).toBe(true);
    expect(r.m.bugCheckData).toBeNull();
    expect(extension(r.m).DebugOutput.some((l) => l.startsWith("Exception while accessing the buffers in METHOD_NEITHER: STATUS_ACCESS_VIOLATION"))).toBe(true);
    // The machine and the device are still fine.
    expect(DoIoctls(r.app, r.h).every((x) => x.ok)).toBe(true);
  });

  it.each(flavors)("a user address with no memory behind it fails with ERROR_NOACCESS for every method (%s)", (flavor) => {
    const r = rig(flavor);
    const gone = r.app.alloc(8192);
    expect(r.app.VirtualFree(gone, 0, MEM_RELEASE)).toBe(true);
    for (const method of METHODS) {
      const code = IoctlForMethod[method];
      expect(ioctl(r, code, gone, 20, r.outBuf, 100)).toEqual({ ok: false, n: 0, error: ERROR_NOACCESS });
      expect(ioctl(r, code, r.inBuf, 20, gone, 100)).toEqual({ ok: false, n: 0, error: ERROR_NOACCESS });
      // A buffer that starts in valid memory and runs past its end.
      expect(ioctl(r, code, r.inBuf, 20, r.outBuf + 4000, 200)).toEqual({ ok: false, n: 0, error: ERROR_NOACCESS });
    }
    expect(r.m.bugCheckData).toBeNull();
  });

  it("without its probe a METHOD_NEITHER driver would write wherever the caller points, kernel pool included", () => {
    // The careless variant: the same IOCTL, the output written to Irp->UserBuffer unprobed.
    function CarelessEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
      const st = DriverEntry(DriverObject, RegistryPath);
      DriverObject.MajorFunction[IRP_MJ_DEVICE_CONTROL] = (_d, irp) => {
        const n = IoGetCurrentIrpStackLocation(irp).Parameters.DeviceIoControl.OutputBufferLength;
        WriteBytes(irp.UserBuffer, new Uint8Array(n));
        irp.IoStatus.Status = STATUS_SUCCESS;
        irp.IoStatus.Information = n;
        IoCompleteRequest(irp, 0);
        return STATUS_SUCCESS;
      };
      return st;
    }
    const m = boot({ flavor: "checked" });
    expect(m.loadDriver("careless", CarelessEntry)).toBe(0);
    const app = Win32Process.create(m, "attacker.exe");
    const h = app.CreateFile(IOCTL_WIN32_NAME, GENERIC_READ | GENERIC_WRITE, 0, null, OPEN_EXISTING, 0, 0);
    const pool = poolBlock(m);
    const inBuf = app.alloc(64, [1]);
    const n = Out(0);
    expect(app.DeviceIoControl(h, IoctlForMethod.METHOD_NEITHER, inBuf, 1, pool, 16, n, null)).toBe(true);
    expect(m.runInKernel(() => [...ReadBytes(pool, 16)])).toEqual(new Array(16).fill(0));
  });

  it.each(flavors)("nothing a client passes makes the call throw (%s)", (flavor) => {
    const r = rig(flavor);
    const weird: unknown[] = [NaN, -1, -0.5, 1.5, 2 ** 32, 2 ** 53, 2 ** 64, Infinity, -Infinity, "100", "abc", null, undefined, {}, [], true];
    const codes: unknown[] = [...METHODS.map((x) => IoctlForMethod[x]), NaN, -1, "x", 2 ** 40];
    let calls = 0;
    for (const code of codes) {
      for (const w of weird) {
        const argSets: unknown[][] = [
          [w, 20, r.outBuf, 100],
          [r.inBuf, w, r.outBuf, 100],
          [r.inBuf, 20, w, 100],
          [r.inBuf, 20, r.outBuf, w],
        ];
        for (const [ib, il, ob, ol] of argSets) {
          const n = Out(0);
          const ok = r.app.DeviceIoControl(r.h, code as number, ib as number, il as number, ob as number, ol as number, n, null);
          expect(typeof ok).toBe("boolean");
          if (!ok) expect(r.app.GetLastError()).not.toBe(0);
          calls++;
        }
      }
      for (const h of weird) {
        expect(r.app.DeviceIoControl(h as number, code as number, r.inBuf, 20, r.outBuf, 100, Out(0), null)).toBe(false);
        expect(r.app.GetLastError()).toBe(ERROR_INVALID_HANDLE);
      }
    }
    expect(calls).toBe(codes.length * weird.length * 4);
    expect(r.m.bugCheckData).toBeNull();
    expect(DoIoctls(r.app, r.h).every((x) => x.ok)).toBe(true);
  });
});

describe("access, exclusivity and handles", () => {
  it.each(flavors)("an IOCTL that needs FILE_WRITE_ACCESS is refused on a read-only handle before it reaches the driver (%s)", (flavor) => {
    const trace = new MemoryTraceSink();
    const m = boot({ flavor, trace });
    expect(m.loadDriver("sioctl", DriverEntry)).toBe(0);
    const app = Win32Process.create(m, "reader.exe");
    const msg = app.alloc(64, ascii("replaced\0"));
    const out = app.alloc(64);
    const n = Out(-1);

    const ro = app.CreateFile(IOCTL_WIN32_NAME, GENERIC_READ, 0, null, OPEN_EXISTING, 0, 0);
    expect(ro).not.toBe(INVALID_HANDLE_VALUE);
    const before = driverCalls(trace);
    expect(app.DeviceIoControl(ro, IOCTL_NONPNP_SET_MESSAGE, msg, 9, 0, 0, n, null)).toBe(false);
    expect(app.GetLastError()).toBe(ERROR_ACCESS_DENIED);
    expect(driverCalls(trace)).toBe(before);
    expect(extension(m).DeviceControlCount).toBe(0);
    // FILE_ANY_ACCESS codes still work on that handle.
    expect(app.DeviceIoControl(ro, IOCTL_NONPNP_METHOD_BUFFERED, msg, 9, out, 64, n, null)).toBe(true);
    expect(driverCalls(trace)).toBe(before + 1);
    expect(app.CloseHandle(ro)).toBe(true);

    const rw = app.CreateFile(IOCTL_WIN32_NAME, GENERIC_READ | GENERIC_WRITE, 0, null, OPEN_EXISTING, 0, 0);
    expect(app.DeviceIoControl(rw, IOCTL_NONPNP_SET_MESSAGE, msg, 9, 0, 0, n, null)).toBe(true);
    expect(app.DeviceIoControl(rw, IOCTL_NONPNP_METHOD_BUFFERED, msg, 9, out, 64, n, null)).toBe(true);
    expect(n.value).toBe(9);
    expect(text(app.ReadMemory(out, 9))).toBe("replaced\0");
  });

  // sioctl.c: IoCreateDevice(..., FALSE /* Not an exclusive device */, ...). The I/O manager
  // refuses a second open only of an exclusive device; share modes are for file systems.
  it.each(flavors)("the device is not exclusive: a second open, even with share mode 0, succeeds and both handles work (%s)", (flavor) => {
    const r = rig(flavor);
    const other = Win32Process.create(r.m, "other.exe");
    const h2 = other.CreateFile(IOCTL_WIN32_NAME, GENERIC_READ, 0, null, OPEN_EXISTING, 0, 0);
    expect(h2).not.toBe(INVALID_HANDLE_VALUE);
    const lines: string[] = [];
    expect(main(r.m, [], (l) => lines.push(l))).toBe(0);
    expect(ioctl(r, IOCTL_NONPNP_METHOD_BUFFERED, r.inBuf, 20, r.outBuf, 100).ok).toBe(true);
    expect(other.CloseHandle(h2)).toBe(true);
  });

  it.each(flavors)("a bad handle fails with ERROR_INVALID_HANDLE (%s)", (flavor) => {
    const r = rig(flavor);
    const event = r.app.CreateEvent(null, true, false, null);
    expect(r.app.CloseHandle(r.h)).toBe(true);
    for (const h of [r.h, 0x1234, INVALID_HANDLE_VALUE, 0]) {
      expect(ioctl({ ...r, h }, IOCTL_NONPNP_METHOD_BUFFERED, r.inBuf, 20, r.outBuf, 100)).toEqual({ ok: false, n: 0, error: ERROR_INVALID_HANDLE });
    }
    // A handle of another type is not a file either.
    expect(r.app.DeviceIoControl(event, IOCTL_NONPNP_METHOD_BUFFERED, r.inBuf, 20, r.outBuf, 100, Out(0), null)).toBe(false);
    expect(r.app.GetLastError()).not.toBe(0);
  });

  it.each(flavors)("the driver unloads cleanly after use and its name is gone (%s)", (flavor) => {
    const r = rig(flavor);
    expect(DoIoctls(r.app, r.h).every((x) => x.ok)).toBe(true);
    r.app.ExitProcess(0);
    r.m.unloadDriver("sioctl");
    expect(r.m.bugCheckData).toBeNull();
    const late = Win32Process.create(r.m, "late.exe");
    expect(late.CreateFile(IOCTL_WIN32_NAME, GENERIC_READ, 0, null, OPEN_EXISTING, 0, 0)).toBe(INVALID_HANDLE_VALUE);
    expect(late.GetLastError()).toBe(ERROR_FILE_NOT_FOUND);
  });

  it("METHOD_NEITHER runs in the caller's context: the same user address means each caller's own memory", () => {
    const m = boot({ flavor: "checked" });
    expect(m.loadDriver("sioctl", DriverEntry)).toBe(0);
    const outputs: string[] = [];
    for (const name of ["a.exe", "b.exe"]) {
      const app = Win32Process.create(m, name);
      const h = app.CreateFile(IOCTL_WIN32_NAME, GENERIC_READ | GENERIC_WRITE, 0, null, OPEN_EXISTING, 0, 0);
      const buf = app.alloc(4096, ascii(`${name}\0`));
      const n = Out(0);
      expect(app.DeviceIoControl(h, CTL_CODE(FILEIO_TYPE, 0x903, METHOD_NEITHER, FILE_ANY_ACCESS), buf, 8, buf + 100, 100, n, null)).toBe(true);
      outputs.push(`${buf}:${text(app.ReadMemory(buf + 100, 37))}`);
      app.ExitProcess(0);
    }
    // Both processes used the same address; each got the string in its own memory.
    expect(outputs[0]!.split(":")[0]).toBe(outputs[1]!.split(":")[0]);
    expect(outputs.map((o) => o.split(":")[1])).toEqual([DeviceDriverMessage, DeviceDriverMessage]);
    expect(extension(m).DebugOutput.filter((l) => l.startsWith("Data from User (SystemAddress)"))).toEqual([
      "Data from User (SystemAddress) : a.exe",
      "Data from User (SystemAddress) : b.exe",
    ]);
  });
});
