/**
 * Sleep and wake with the WDM toaster family (power.c of busenum.sys and toaster.sys):
 * every driver of each toaster stack and of the bus stack sees the power IRPs Windows
 * sends, in order; toaster.sys, the toasters' power policy owner, turns each system IRP
 * into the device IRP its bus's DEVICE_CAPABILITIES map the state to.
 */
import { describe, expect, it } from "vitest";
import {
  boot, IRP_MN_WAIT_WAKE, NtStatusName, PoRequestPowerIrp, POWER_STATE, STATUS_NOT_SUPPORTED, PowerDeviceD0, PowerDeviceD3, PowerSystemSleeping3, PowerSystemWorking, STATUS_SUCCESS, STATUS_UNSUCCESSFUL, type DEVICE_OBJECT, type Machine,
} from "@wdfjs/kernel";
import { ERROR_IO_INCOMPLETE, ERROR_IO_PENDING, FILE_FLAG_OVERLAPPED, GENERIC_READ, MEM_COMMIT, MEM_RESERVE, OPEN_EXISTING, OVERLAPPED, PAGE_READWRITE, Win32Process } from "@wdfjs/win32";
import { BUS_HARDWARE_ID, enumMain, GetInterfaceList, GUID_DEVINTERFACE_TOASTER, installToaster, type ToasterDriverOptions } from "../src/index.js";

const TOASTER = (serial: number): string => `${BUS_HARDWARE_ID}\\${String(serial).padStart(2, "0")}`;
/** A toaster stack, top to bottom, and its PDO's name in the log. */
const STACK = ["clsupper", "devupper", "toaster", "clslower", "devlower"];
const pdo = (serial: number): string => `busenum-pdo${String(serial).padStart(2, "0")}`;

/** What one toaster stack sees for an IRP sent to its top: every driver, top-down, then the PDO. */
function down(serial: number, irp: string): string[] {
  return [...STACK.map((d) => `${d} ${irp}`), `${pdo(serial)} ${irp}`];
}

/** Sleep to S3: per stack, children first (the toaster plugged in last goes first), then the bus; QUERY for all, then SET for all. */
function sleepS3(serials: number[]): string[] {
  const order = [...serials].reverse();
  return [
    ...order.flatMap((s) => [...down(s, "QUERY_POWER S3"), ...down(s, "QUERY_POWER D3")]), "busenum QUERY_POWER S3",
    ...order.flatMap((s) => [...down(s, "SET_POWER S3"), ...down(s, "SET_POWER D3")]), "busenum SET_POWER S3",
  ];
}

/** Wake: the bus first, then each toaster stack, S0 and then the D0 its policy owner asks for. */
function wakeS0(serials: number[]): string[] {
  return ["busenum SET_POWER S0", ...serials.flatMap((s) => [...down(s, "SET_POWER S0"), ...down(s, "SET_POWER D0")])];
}

function setUp(o: { seed?: number; preemption?: "off" | "random"; toaster?: ToasterDriverOptions } = {}) {
  const m = boot({ seed: o.seed ?? 1, preemption: o.preemption ?? "off" });
  const t = installToaster(m, { toaster: o.toaster ?? {} });
  const app = Win32Process.create(m, "enum.exe");
  for (const serial of ["1", "2"]) {
    expect(enumMain(app, ["-p", serial]).exitCode).toBe(0);
    m.run();
  }
  t.log.clear();
  return { m, log: t.log, app };
}

/** The toaster's PDO and toaster.sys's device object above it. */
function devices(m: Machine, serial: number): { pdo: DEVICE_OBJECT; fdo: DEVICE_OBJECT } {
  const p = m.pnp.node(TOASTER(serial))!.PhysicalDeviceObject;
  let d: DEVICE_OBJECT | null = p;
  while (d !== null && !d.DriverObject.DriverName.endsWith("\\toaster")) d = d.AttachedDevice;
  return { pdo: p, fdo: d! };
}

function deviceStates(m: Machine): number[] {
  return [1, 2].flatMap((s) => {
    const d = devices(m, s);
    return [m.po.deviceState(d.fdo), m.po.deviceState(d.pdo)];
  });
}

function irpsInUse(m: Machine): number {
  return m.io.irpLookaside.allocated - m.io.irpLookaside.cached;
}

/** Sleep, read while asleep, wake: what each step returned and what the drivers saw. */
function sleepReadWake(seed: number, preemption: "off" | "random") {
  const { m, log } = setUp({ seed, preemption });
  const reader = Win32Process.create(m, "toast.exe");
  const h = reader.CreateFile(GetInterfaceList(reader, GUID_DEVINTERFACE_TOASTER)[0]!, GENERIC_READ, 0, null, OPEN_EXISTING, FILE_FLAG_OVERLAPPED, 0);
  const buf = reader.VirtualAlloc(0, 4096, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
  const irps = irpsInUse(m);
  log.clear();
  const slept = m.sleep(PowerSystemSleeping3);
  const asleep = deviceStates(m);
  const sleepLog = [...log.lines];
  log.clear();
  const ov = new OVERLAPPED();
  const n = { value: 0 };
  const started = reader.ReadFile(h, buf, 100, n, ov);
  const pendError = reader.GetLastError();
  m.run();
  // Still pending while the machine sleeps: GetOverlappedResult without waiting says ERROR_IO_INCOMPLETE.
  const pendingAfterRun = !reader.GetOverlappedResult(h, ov, n, false) && reader.GetLastError() === ERROR_IO_INCOMPLETE;
  const woke = m.wake();
  const done = reader.GetOverlappedResult(h, ov, n, true);
  const wakeLog = [...log.lines];
  reader.CloseHandle(h);
  m.run();
  return {
    slept, woke, systemState: m.po.systemState, asleep, awake: deviceStates(m), sleepLog, wakeLog,
    started, pendError, pendingAfterRun, done, bytes: n.value, irpLeak: irpsInUse(m) - irps,
  };
}

const D3 = PowerDeviceD3;
const D0 = PowerDeviceD0;

describe("wdm-toaster: sleep and wake", () => {
  it("sleep S3: each toaster stack sees QUERY S3, QUERY D3, then SET S3, SET D3, top-down, before the bus; every device is in D3", () => {
    const { m, log } = setUp();
    expect(m.sleep(PowerSystemSleeping3)).toBe(STATUS_SUCCESS);
    expect(log.lines).toEqual(sleepS3([1, 2]));
    expect(m.po.systemState).toBe(PowerSystemSleeping3);
    expect(deviceStates(m)).toEqual([D3, D3, D3, D3]);
  });

  it("wake: SET_POWER S0 to the bus first, then each toaster stack S0 and D0; every device is back in D0", () => {
    const { m, log } = setUp();
    m.sleep(PowerSystemSleeping3);
    log.clear();
    expect(m.wake()).toBe(STATUS_SUCCESS);
    expect(log.lines).toEqual(wakeS0([1, 2]));
    expect(m.po.systemState).toBe(PowerSystemWorking);
    expect(deviceStates(m)).toEqual([D0, D0, D0, D0]);
    expect(m.po.watched.size).toBe(0);
  });

  it("the bus reports S0→D0 and S1..S5→D1/D3 in DEVICE_CAPABILITIES, as buspdo.c does", () => {
    const { m } = setUp();
    const caps = m.pnp.node(TOASTER(1))!.Capabilities!;
    expect(caps.DeviceState.slice(1)).toEqual([D0, 2, D3, D3, D3, D3]);
    expect([caps.DeviceWake, caps.DeviceD1, caps.WakeFromD1]).toEqual([2, true, true]);
  });

  const expected = {
    slept: STATUS_SUCCESS, woke: STATUS_SUCCESS, systemState: PowerSystemWorking, asleep: [D3, D3, D3, D3], awake: [D0, D0, D0, D0],
    sleepLog: sleepS3([1, 2]),
    // toaster.sys holds the read in its queue below D0 (QueueState HoldRequests, as func/featured does) and runs it once D0 is back.
    wakeLog: ["busenum SET_POWER S0", ...down(1, "SET_POWER S0"), ...down(1, "SET_POWER D0"), "toaster READ 100", ...down(2, "SET_POWER S0"), ...down(2, "SET_POWER D0")],
    started: false, pendError: ERROR_IO_PENDING, pendingAfterRun: true, done: true, bytes: 0, irpLeak: 0,
  };

  it("a read issued while asleep waits in toaster.sys's queue and completes after wake (0 bytes); no IRP leaks", () => {
    expect(sleepReadWake(1, "off")).toEqual(expected);
  });

  it.each([1, 7, 42, 1234])("the same IRP sequence and read under preemption seed %i", (seed) => {
    expect(sleepReadWake(seed, "random")).toEqual(expected);
  });

  it("a toaster.sys that refuses QUERY_POWER: sleep returns its status, nothing gets SET_POWER, every device stays in D0", () => {
    const { m, log } = setUp({ toaster: { failQueryPower: STATUS_UNSUCCESSFUL } });
    expect(m.sleep(PowerSystemSleeping3)).toBe(STATUS_UNSUCCESSFUL);
    // The first stack queried (toaster 02) refuses: the query goes no lower, and nobody else is asked.
    expect(log.lines).toEqual(["clsupper QUERY_POWER S3", "devupper QUERY_POWER S3", "toaster QUERY_POWER S3"]);
    expect(m.po.systemState).toBe(PowerSystemWorking);
    expect(deviceStates(m)).toEqual([D0, D0, D0, D0]);
    // Nothing was left half asleep: the toasters still unplug.
    const app = Win32Process.create(m, "enum.exe");
    expect(enumMain(app, ["-u", "0"]).exitCode).toBe(0);
  });

  it("a WAIT_WAKE for a toaster goes down the stack and the PDO refuses it with STATUS_NOT_SUPPORTED (the bus cannot wake)", () => {
    const { m, log } = setUp();
    const calls: string[] = [];
    m.runInKernel(() =>
      PoRequestPowerIrp(devices(m, 1).pdo, IRP_MN_WAIT_WAKE, new POWER_STATE(PowerSystemSleeping3), (_d, _mn, _s, _c, io) => calls.push(NtStatusName(io.Status)), null, null),
    );
    m.run();
    expect(calls).toEqual([NtStatusName(STATUS_NOT_SUPPORTED)]);
    expect(log.lines).toEqual(down(1, "WAIT_WAKE S3"));
    expect(m.signalWake(devices(m, 1).pdo)).toBe(false);
  });
});
