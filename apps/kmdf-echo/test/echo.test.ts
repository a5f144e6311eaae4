import { describe, expect, it } from "vitest";
import { boot, CTL_CODE, FILE_ANY_ACCESS, FILE_DEVICE_UNKNOWN, METHOD_BUFFERED, Out, type Machine, type PreemptionOptions } from "@wdfjs/kernel";
import {
  ERROR_INVALID_FUNCTION, ERROR_IO_PENDING, ERROR_MORE_DATA, ERROR_OPERATION_ABORTED, FILE_FLAG_OVERLAPPED, FILE_SHARE_READ, FILE_SHARE_WRITE, GENERIC_READ,
  GENERIC_WRITE, INVALID_HANDLE_VALUE, OPEN_EXISTING, OVERLAPPED, Win32Process, type HANDLE,
} from "@wdfjs/win32";
import { CreatePattern, PerformWriteReadTest, VerifyPattern, READER_TYPE, WRITER_TYPE, type EchoApp } from "@wdfjs/sample-wdm-echo";
import { AutoSync, DriverSync, GetDevicePath, installEcho, main, MAX_WRITE_LENGTH, type EchoVariant } from "../src/index.js";

const variants: readonly EchoVariant[] = ["AutoSync", "DriverSync"];
const PERIOD: Record<EchoVariant, number> = { AutoSync: AutoSync.TIMER_PERIOD, DriverSync: DriverSync.TIMER_PERIOD };

function bootEcho(variant: EchoVariant, options: { flavor?: "checked" | "free"; seed?: number; preemption?: PreemptionOptions } = {}): Machine {
  const m = boot({ flavor: options.flavor ?? "checked", seed: options.seed ?? 1, processors: 2, ...(options.preemption ? { preemption: options.preemption } : {}) });
  installEcho(m, variant);
  return m;
}

function open(app: Win32Process, overlapped = false): HANDLE {
  const path = GetDevicePath(app);
  expect(path).toMatch(/^\\\\\?\\ROOT#/i);
  const h = app.CreateFile(path!, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, null, OPEN_EXISTING, overlapped ? FILE_FLAG_OVERLAPPED : 0, 0);
  expect(h).not.toBe(INVALID_HANDLE_VALUE);
  return h;
}

function write(app: Win32Process, h: HANDLE, data: Uint8Array): number {
  const buf = app.alloc(Math.max(data.length, 1), data);
  const n = Out(0);
  return app.WriteFile(h, buf, data.length, n, null) ? n.value : -1;
}

/** Starts an overlapped request that must pend. */
function pend(app: Win32Process, h: HANDLE, kind: "read" | "write", length: number): OVERLAPPED {
  const buf = app.alloc(Math.max(length, 1), CreatePattern(length));
  const ov = new OVERLAPPED();
  ov.hEvent = app.CreateEvent(null, true, false, null);
  const ok = kind === "read" ? app.ReadFile(h, buf, length, null, ov) : app.WriteFile(h, buf, length, null, ov);
  expect(ok).toBe(false);
  expect(app.GetLastError()).toBe(ERROR_IO_PENDING);
  return ov;
}

describe.each(variants)("echoapp against the KMDF echo driver (%s)", (variant) => {
  it("(1) the default run finds the device by its interface, writes and reads back 512 bytes and 30 KB", () => {
    for (const flavor of ["checked", "free"] as const) {
      const m = bootEcho(variant, { flavor });
      const lines: string[] = [];
      expect(main(m, [], (l) => lines.push(l))).toBe(0);
      expect(lines.slice(1)).toEqual([
        "Opened device successfully",
        "512 Pattern Bytes Written successfully",
        "512 Pattern Bytes Read successfully",
        "Pattern Verified successfully",
        "30720 Pattern Bytes Written successfully",
        "30720 Pattern Bytes Read successfully",
        "Pattern Verified successfully",
      ]);
      expect(lines[0]).toMatch(/^DevicePath: \\\\\?\\ROOT#/i);
      expect(m.bugCheckData).toBeNull();
    }
  });

  it("(2) a read before any write succeeds at once with 0 bytes", () => {
    const m = bootEcho(variant);
    const app = Win32Process.create(m, "echoapp.exe");
    const h = open(app);
    const buf = app.alloc(64, new Array(64).fill(0xee));
    const n = Out(-1);
    const t0 = m.now;
    expect(app.ReadFile(h, buf, 64, n, null)).toBe(true);
    expect(n.value).toBe(0);
    expect(m.now).toBe(t0);
  });

  it("(3) a read longer than the last write returns its length; reads do not consume; the data is the device's, across handles", () => {
    const m = bootEcho(variant);
    const writer = Win32Process.create(m, "writer.exe");
    const reader = Win32Process.create(m, "reader.exe");
    const hw = open(writer);
    const hr = open(reader);
    expect(write(writer, hw, CreatePattern(1000))).toBe(1000);
    expect(write(writer, hw, CreatePattern(100))).toBe(100);
    for (let k = 0; k < 2; k++) {
      const buf = reader.alloc(4096);
      const n = Out(0);
      expect(reader.ReadFile(hr, buf, 4096, n, null)).toBe(true);
      expect(n.value).toBe(100);
      expect(VerifyPattern(reader.ReadMemory(buf, 100), 100)).toBe(-1);
    }
  });

  it("(4) a write longer than 40 KB fails with ERROR_MORE_DATA (STATUS_BUFFER_OVERFLOW) and 0 bytes; 40 KB succeeds", () => {
    const m = bootEcho(variant);
    const app = Win32Process.create(m, "echoapp.exe");
    const h = open(app);
    const buf = app.alloc(MAX_WRITE_LENGTH + 1, CreatePattern(MAX_WRITE_LENGTH + 1));
    const n = Out(-1);
    expect(app.WriteFile(h, buf, MAX_WRITE_LENGTH + 1, n, null)).toBe(false);
    expect(app.GetLastError()).toBe(ERROR_MORE_DATA);
    expect(n.value).toBe(0);
    expect(app.WriteFile(h, buf, MAX_WRITE_LENGTH, n, null)).toBe(true);
    expect(n.value).toBe(MAX_WRITE_LENGTH);
  });

  it("(5) zero-length reads and writes succeed with 0 bytes at once: the framework completes them, the driver never sees them", () => {
    const m = bootEcho(variant);
    const app = Win32Process.create(m, "echoapp.exe");
    const h = open(app);
    expect(write(app, h, CreatePattern(10))).toBe(10);
    const buf = app.alloc(16);
    const n = Out(-1);
    const t0 = m.now;
    expect(app.WriteFile(h, buf, 0, n, null)).toBe(true);
    expect(n.value).toBe(0);
    expect(app.ReadFile(h, buf, 0, n, null)).toBe(true);
    expect(n.value).toBe(0);
    expect(m.now).toBe(t0);
    // The zero-length write did not replace the data.
    expect(app.ReadFile(h, buf, 16, n, null)).toBe(true);
    expect(n.value).toBe(10);
  });

  it("(6) one request is in the driver at a time; each completes at the next timer tick", () => {
    const m = bootEcho(variant);
    const app = Win32Process.create(m, "echoapp.exe");
    const h = open(app, true);
    const t0 = m.now;
    const first = pend(app, h, "write", 100);
    const second = pend(app, h, "write", 200);
    const n = Out(0);
    expect(app.GetOverlappedResult(h, first, n, true)).toBe(true);
    const t1 = m.now;
    expect(n.value).toBe(100);
    expect(t1 - t0).toBeLessThanOrEqual(PERIOD[variant]);
    // The second was presented only after the first completed: it waits for the tick after.
    expect(app.GetOverlappedResult(h, second, n, true)).toBe(true);
    expect(n.value).toBe(200);
    expect(m.now - t1).toBe(PERIOD[variant]);
  });

  it("(7) cancelling a pended request completes it with ERROR_OPERATION_ABORTED; a close does not cancel the request the driver holds", () => {
    const m = bootEcho(variant);
    const app = Win32Process.create(m, "echoapp.exe");
    const h = open(app, true);
    const ov = pend(app, h, "write", 64);
    const t0 = m.now;
    expect(app.CancelIoEx(h, ov)).toBe(true);
    const n = Out(-1);
    expect(app.GetOverlappedResult(h, ov, n, true)).toBe(false);
    expect(app.GetLastError()).toBe(ERROR_OPERATION_ABORTED);
    expect(m.now).toBe(t0);
    // The driver holds a write marked cancelable; closing the handle leaves it to its tick.
    const h2 = open(app, true);
    const held = pend(app, h2, "write", 32);
    expect(app.CloseHandle(h2)).toBe(true);
    m.runFor(PERIOD[variant]);
    expect(app.GetOverlappedResult(h2, held, n, false)).toBe(true);
    expect(n.value).toBe(32);
  });

  it("(8) IOCTLs fail with ERROR_INVALID_FUNCTION (no handler); create and close succeed", () => {
    const m = bootEcho(variant);
    const app = Win32Process.create(m, "echoapp.exe");
    const h = open(app);
    const out = app.alloc(16);
    const n = Out(0);
    expect(app.DeviceIoControl(h, CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS), 0, 0, out, 16, n, null)).toBe(false);
    expect(app.GetLastError()).toBe(ERROR_INVALID_FUNCTION);
    expect(app.CloseHandle(h)).toBe(true);
  });

  it("-Async: a reader thread and a writer thread, each with its own handle and completion port, complete all their requests", () => {
    const m = bootEcho(variant);
    let echo: EchoApp | null = null;
    expect(main(m, ["-Async", "20"], () => {}, { app: (a) => { echo = a; a.numAsynchIo = 5; a.bufferSize = 512; } })).toBe(0);
    const stats = (echo as unknown as EchoApp).stats;
    expect(stats[READER_TYPE]!.completed).toBe(20);
    expect(stats[WRITER_TYPE]!.completed).toBe(20);
    expect(stats[WRITER_TYPE]!.bytes).toBe(20 * 512);
    expect(m.bugCheckData).toBeNull();
  });

  it("under preemption, several seeds give the same results as a run without it", () => {
    const run = (m: Machine): unknown => {
      const lines: string[] = [];
      const code = main(m, [], (l) => lines.push(l));
      let echo: EchoApp | null = null;
      const asyncCode = main(m, ["-Async", "12"], () => {}, { app: (a) => { echo = a; a.numAsynchIo = 4; a.bufferSize = 256; } });
      const s = (echo as unknown as EchoApp).stats;
      return { code, lines: lines.slice(1), asyncCode, reader: s[READER_TYPE]!.completed, writer: s[WRITER_TYPE]!.completed, bugCheck: m.bugCheckData };
    };
    const expected = run(bootEcho(variant));
    for (let seed = 1; seed <= 12; seed++) {
      expect(run(bootEcho(variant, { seed, preemption: { mode: "random", probability: 0.1 } })), `seed ${seed}`).toEqual(expected);
    }
  });

  it("PerformWriteReadTest passes for lengths up to 40 KB", () => {
    const m = bootEcho(variant);
    const app = Win32Process.create(m, "echoapp.exe");
    const h = open(app);
    for (const n of [1, 512, 4096, MAX_WRITE_LENGTH]) expect(PerformWriteReadTest(app, h, n)).toEqual({ ok: true, bytesWritten: n, bytesRead: n, error: 0 });
  });
});

describe.each(variants)("cancellation racing the timer tick (%s)", (variant) => {
  it("a write cancelled at the very tick that completes it ends either completed or aborted, never both or neither, under preemption", () => {
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const m = bootEcho(variant, { seed, preemption: { mode: "random", probability: 0.3 } });
      const app = Win32Process.create(m, "racer.exe");
      const path = GetDevicePath(app)!;
      const outcomes: number[] = [];
      const period = PERIOD[variant];
      // The timer's first tick is 100 ms after the device started, then every period.
      const firstTick = m.now + 100;
      const racer = app.CreateThread(null, 0, function* (_p, t) {
        const h = yield* t.CreateFile(path, GENERIC_READ | GENERIC_WRITE, 0, null, OPEN_EXISTING, FILE_FLAG_OVERLAPPED, 0);
        const buf = t.VirtualAlloc(0, 64, 0x3000, 0x04);
        for (let i = 0; i < 6; i++) {
          const ov = new OVERLAPPED();
          ov.hEvent = t.CreateEvent(null, true, false, null);
          yield* t.WriteFile(h, buf, 64, null, ov);
          const next = firstTick + Math.ceil((m.now - firstTick + 1) / period) * period;
          yield* t.Sleep(next - m.now);
          t.CancelIoEx(h, ov);
          const n = Out(0);
          outcomes.push((yield* t.GetOverlappedResult(h, ov, n, true)) ? n.value : -t.GetLastError());
        }
        yield* t.CloseHandle(h);
        return 0;
      }, 0, 0, null);
      app.WaitForSingleObject(racer, 0xffffffff);
      expect(outcomes.length).toBe(6);
      for (const o of outcomes) expect([64, -ERROR_OPERATION_ABORTED]).toContain(o);
      expect(m.bugCheckData).toBeNull();
    }
  });
});
