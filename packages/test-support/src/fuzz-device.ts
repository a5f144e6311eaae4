// The seeded IOCTL/read/write fuzzer the WDM samples' tests share (issue 13 §1).
import {
  BugCheck, CTL_CODE, FILE_ANY_ACCESS, FILE_DEVICE_UNKNOWN, KERNEL_BASE, MachineDeadlock, METHOD_BUFFERED, METHOD_IN_DIRECT, METHOD_NEITHER,
  METHOD_OUT_DIRECT, MM_USER_PROBE_ADDRESS, Out, type Flavor, type Machine,
} from "@wdfjs/kernel";
import { SeededRandom } from "@wdfjs/kernel/internal";
import {
  FILE_FLAG_OVERLAPPED, FILE_SHARE_READ, FILE_SHARE_WRITE, GENERIC_READ, GENERIC_WRITE, INVALID_HANDLE_VALUE, OPEN_EXISTING, OVERLAPPED,
  Win32Process, type HANDLE,
} from "@wdfjs/win32";

export interface FuzzTarget {
  /** Boots a fresh machine with the sample installed, as the sample's own tests do. */
  boot(flavor: Flavor, seed: number): Machine;
  win32Name: string;
  /** The sample's drivers as `BugCheckData.driver` names them (`"echo.sys"`). */
  drivers: readonly string[];
  /** The sample's real IOCTL codes. */
  codes: readonly number[];
  /** A synchronous call that may legitimately pend forever (MachineDeadlock); see each sample for why. */
  mayPendForever?(op: "read" | "write" | "ioctl", code: number): boolean;
  /** The device is exclusive (one open handle): the fuzzer closes one flavor of handle before opening the other. */
  exclusive?: boolean;
}

export interface FuzzCounts { calls: number; ok: number; failed: number; pending: number; bugChecks: number; deadlocks: number; reboots: number }

const LENGTHS = [0, 1, 2, 4, 8, 12, 64, 512, 4095, 4096, 4097, 0x7fffffff, 0x80000000, 0xfffffff0, 0xffffffff];
const METHODS = [METHOD_BUFFERED, METHOD_IN_DIRECT, METHOD_OUT_DIRECT, METHOD_NEITHER];

/** Makes `n` seeded random calls; returns the counts, or throws naming the seed and call index. */
export function fuzzDevice(t: FuzzTarget, flavor: Flavor, seed: number, n: number, lengths: readonly number[] = LENGTHS): FuzzCounts {
  const rnd = new SeededRandom(seed);
  const c: FuzzCounts = { calls: 0, ok: 0, failed: 0, pending: 0, bugChecks: 0, deadlocks: 0, reboots: 0 };
  let m!: Machine, app!: Win32Process, h!: HANDLE, ho!: HANDLE, good = 0, ovs: OVERLAPPED[] = [];
  const open = (flags: number) => app.CreateFile(t.win32Name, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, null, OPEN_EXISTING, flags, 0);
  const start = () => {
    m = t.boot(flavor, seed + c.reboots);
    app = Win32Process.create(m, "fuzz.exe");
    good = app.alloc(3 * 4096);
    h = open(0);
    ho = t.exclusive ? INVALID_HANDLE_VALUE : open(FILE_FLAG_OVERLAPPED);
    ovs = [];
    if (h === INVALID_HANDLE_VALUE || (!t.exclusive && ho === INVALID_HANDLE_VALUE)) throw new Error(`fuzz seed ${seed}: cannot open ${t.win32Name}`);
  };
  /** The handle of the wanted flavor; on an exclusive device, closes the other flavor first. */
  const use = (overlapped: boolean): HANDLE => {
    if (t.exclusive && (overlapped ? ho : h) === INVALID_HANDLE_VALUE) {
      app.CloseHandle(overlapped ? h : ho);
      if (overlapped) { h = INVALID_HANDLE_VALUE; ho = open(FILE_FLAG_OVERLAPPED); } else { ho = INVALID_HANDLE_VALUE; ovs = []; h = open(0); }
      if ((overlapped ? ho : h) === INVALID_HANDLE_VALUE) throw new Error(`fuzz seed ${seed}: cannot reopen ${t.win32Name}: ${app.GetLastError()}`);
    }
    return overlapped ? ho : h;
  };
  const pick = <T>(a: readonly T[]): T => a[rnd.below(a.length)]!;
  const len = () => (rnd.below(4) === 0 ? rnd.next() : rnd.below(3) === 0 ? rnd.below(8192) : pick(lengths));
  const buf = () =>
    pick([good, good, good, good + 4096 - 1, good + 3 * 4096 - 1, 0, 0x7ff0_0000_0000, MM_USER_PROBE_ADDRESS - 1, MM_USER_PROBE_ADDRESS, KERNEL_BASE + 0x1000, KERNEL_BASE, -0x1000]);
  const code = () => {
    const r = rnd.below(3);
    if (r === 0) return pick(t.codes);
    if (r === 1) return CTL_CODE(pick([FILE_DEVICE_UNKNOWN, rnd.below(0x10000)]), rnd.below(0x1000), pick(METHODS), pick([FILE_ANY_ACCESS, 1, 2, 3]));
    return rnd.next();
  };
  start();
  for (let i = 0; i < n; i++) {
    const op = rnd.below(100);
    const where = () => `fuzz ${flavor} seed ${seed} call ${i} (op ${op})`;
    let kind: "read" | "write" | "ioctl" = "ioctl", ctl = 0;
    c.calls++;
    try {
      let ok: boolean;
      if (op < 40 || (op >= 60 && op < 75)) {
        const ov = op >= 60 ? new OVERLAPPED() : null;
        ctl = code();
        ok = app.DeviceIoControl(use(ov !== null), ctl, buf(), len(), buf(), len(), ov ? null : Out(0), ov);
        if (ov && !ok && app.GetLastError() === 997) { c.pending++; ovs.push(ov); }
      } else if (op < 90) {
        const ov = op >= 75 ? new OVERLAPPED() : null;
        kind = rnd.below(2) ? "read" : "write";
        const handle = use(ov !== null);
        ok = kind === "read" ? app.ReadFile(handle, buf(), len(), ov ? null : Out(0), ov) : app.WriteFile(handle, buf(), len(), ov ? null : Out(0), ov);
        if (ov && !ok && app.GetLastError() === 997) { c.pending++; ovs.push(ov); }
      } else if (op < 95) {
        const ov = ovs.length ? ovs[rnd.below(ovs.length)]! : new OVERLAPPED();
        const hov = use(true);
        ok = rnd.below(2) ? app.GetOverlappedResult(hov, ov, Out(0), false) : app.CancelIoEx(hov, rnd.below(4) ? ov : null);
        if (rnd.below(4) === 0) app.SleepEx(rnd.below(150), false);
      } else if (op < 98) {
        ok = app.CancelIo(use(true));
      } else {
        const which = rnd.below(2);
        ok = app.CloseHandle(use(which === 1));
        if (which) { ho = open(FILE_FLAG_OVERLAPPED); ovs = []; } else h = open(0);
        if ((which ? ho : h) === INVALID_HANDLE_VALUE) throw new Error(`${where()}: reopen failed with ${app.GetLastError()}`);
      }
      if (ok) c.ok++; else c.failed++;
    } catch (e) {
      if (e instanceof BugCheck) {
        const d = m.bugCheckData;
        if (!d || d.driver === null || !t.drivers.includes(d.driver)) throw new Error(`${where()}: bug check not blamed on the sample: ${e.message}`);
        c.bugChecks++;
      } else if (e instanceof MachineDeadlock) {
        if (op >= 60 || !t.mayPendForever?.(kind, ctl)) throw new Error(`${where()}: synchronous ${kind} 0x${(ctl >>> 0).toString(16)} deadlocked: ${(e as Error).message}`);
        c.deadlocks++;
      } else {
        throw new Error(`${where()}: ${e instanceof Error ? e.stack : String(e)}`);
      }
      c.reboots++;
      start();
    }
  }
  return c;
}
