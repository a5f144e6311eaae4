import { describe, expect, it } from "vitest";
import { BugCheck, DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS, DRIVER_VERIFIER_DETECTED_VIOLATION, KMODE_EXCEPTION_NOT_HANDLED } from "@wdfjs/kernel";
import { ERROR_NOACCESS } from "@wdfjs/win32";
import {
  IOCTL_BUG_NEITHER_GUARDED, IOCTL_BUG_TRIGGER, IOCTL_BUG_TRIGGER_NEITHER, POLL_PERIOD_MS, THROWER_NAME, ThrowerDriverEntry,
  TIMER_LEFT_NAME, TimerLeftDriverEntry, type TIMER_LEFT_EXTENSION, POOL_LEAK_NAME, POOL_LEAK_RECORD_BYTES, PoolLeakDriverEntry,
} from "../src/index.js";
import { expectBugCheck, expectRefusesWork, rig } from "./helpers.js";

/** A user address no VirtualAlloc of these tests hands out. */
const BAD_USER_ADDRESS = 0x6666_0000;

describe.each(["checked", "free"] as const)("KMODE_EXCEPTION_NOT_HANDLED (0x1E), %s flavor: thrower.sys", (flavor) => {
  it("a JavaScript exception escaping the dispatch routine is P1 0xE06D7363, with the exception in the explanation", () => {
    const r = rig(flavor, THROWER_NAME, ThrowerDriverEntry);
    const other = rig(flavor, THROWER_NAME, ThrowerDriverEntry);
    const d = expectBugCheck(r.m, KMODE_EXCEPTION_NOT_HANDLED, () => r.client.control(IOCTL_BUG_TRIGGER));
    expect(d.name).toBe("KMODE_EXCEPTION_NOT_HANDLED");
    expect(d.BugCheckParameter1).toBe(0xe06d7363);
    expect(d.driver).toBe("Thrower.sys");
    expect(d.explanation).toContain("RangeError: answer 3 does not exist");
    expectRefusesWork(r, THROWER_NAME, other);
  });

  it("reading a bad METHOD_NEITHER address without __try is P1 STATUS_ACCESS_VIOLATION, P4 the address", () => {
    const r = rig(flavor, THROWER_NAME, ThrowerDriverEntry);
    const other = rig(flavor, THROWER_NAME, ThrowerDriverEntry);
    const d = expectBugCheck(r.m, KMODE_EXCEPTION_NOT_HANDLED, () => r.client.control(IOCTL_BUG_TRIGGER_NEITHER, [0, 0, 0, 0], 0, BAD_USER_ADDRESS));
    // https://learn.microsoft.com/windows-hardware/drivers/debugger/bug-check-0x1e--kmode-exception-not-handled:
    // P3 and P4 are the exception's parameters, for an access violation read (0) or write (1) and the address.
    expect(d.BugCheckParameter1).toBe(0xc0000005);
    expect(d.BugCheckParameter3).toBe(0);
    expect(d.BugCheckParameter4).toBe(BAD_USER_ADDRESS);
    expect(d.driver).toBe("Thrower.sys");
    expect(d.explanation).toMatch(/STATUS_ACCESS_VIOLATION/);
    expect(d.explanation).toMatch(/__try/);
    expectRefusesWork(r, THROWER_NAME, other);
  });

  it("the same read inside __try fails the request with ERROR_NOACCESS and the machine lives", () => {
    const r = rig(flavor, THROWER_NAME, ThrowerDriverEntry);
    const res = r.client.control(IOCTL_BUG_NEITHER_GUARDED, [0, 0, 0, 0], 0, BAD_USER_ADDRESS);
    expect(res.ok).toBe(false);
    expect(res.error).toBe(ERROR_NOACCESS);
    // A good address passes: the bug is the missing __try, not the read.
    expect(r.client.control(IOCTL_BUG_NEITHER_GUARDED, [1, 2, 3, 4], 0, r.client.buffer).ok).toBe(true);
    expect(r.client.control(IOCTL_BUG_TRIGGER_NEITHER, [1, 2, 3, 4], 0, r.client.buffer).ok).toBe(true);
    expect(r.m.stopped).toBe(false);
  });
});

describe.each(["checked", "free"] as const)("DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS (0xCE), %s flavor: timerleft.sys", (flavor) => {
  it("unloading while its polling timer is set stops the machine and blames the driver", () => {
    const r = rig(flavor, TIMER_LEFT_NAME, TimerLeftDriverEntry);
    const other = rig(flavor, TIMER_LEFT_NAME, TimerLeftDriverEntry);
    expect(r.client.control(IOCTL_BUG_TRIGGER).ok).toBe(true);
    r.app.Sleep(3 * POLL_PERIOD_MS + 1);
    const e = r.m.driver(TIMER_LEFT_NAME)!.DeviceObject!.DeviceExtension as TIMER_LEFT_EXTENSION;
    expect(e.Polls).toBe(3);
    expect(r.client.close()).toBe(true);
    const d = expectBugCheck(r.m, DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS, () => r.m.unloadDriver(TIMER_LEFT_NAME));
    expect(d.name).toBe("DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS");
    expect(d.driver).toBe("TimerLeft.sys");
    expect(d.explanation).toMatch(/1 timer/);
    expect(() => r.app.CreateFile("\\\\.\\TimerLeft", 0, 0, null, 3, 0, 0)).toThrow(BugCheck);
    expect(() => r.m.runFor(POLL_PERIOD_MS)).toThrow(BugCheck);
    expect(other.client.ping()).toBe(true);
    expect(other.m.stopped).toBe(false);
  });

  it("the same driver unloads cleanly when it never started polling", () => {
    const r = rig(flavor, TIMER_LEFT_NAME, TimerLeftDriverEntry);
    expect(r.client.ping()).toBe(true);
    expect(r.client.close()).toBe(true);
    r.m.unloadDriver(TIMER_LEFT_NAME);
    expect(r.m.stopped).toBe(false);
    expect(r.m.driver(TIMER_LEFT_NAME)).toBeUndefined();
  });
});


describe("DRIVER_VERIFIER_DETECTED_VIOLATION (0xC4, P1 0x62): poolleak.sys unloads with its pool still allocated", () => {
  it("checked flavor: the verifier counts the driver's outstanding allocations and bytes at unload", () => {
    const r = rig("checked", POOL_LEAK_NAME, PoolLeakDriverEntry);
    const other = rig("checked", POOL_LEAK_NAME, PoolLeakDriverEntry);
    for (let i = 0; i < 3; i++) expect(r.client.control(IOCTL_BUG_TRIGGER).ok).toBe(true);
    expect(r.client.close()).toBe(true);
    const driver = r.m.driver(POOL_LEAK_NAME)!;
    const d = expectBugCheck(r.m, DRIVER_VERIFIER_DETECTED_VIOLATION, () => r.m.unloadDriver(POOL_LEAK_NAME));
    // https://learn.microsoft.com/windows-hardware/drivers/debugger/bug-check-0xc4--driver-verifier-detected-violation
    // 0x62: P2 the driver's name (ours: its DRIVER_OBJECT, which holds it), P3 reserved, P4 the allocations not freed.
    expect(d.BugCheckParameter1).toBe(0x62);
    expect(d.BugCheckParameter2).toBe(driver.address);
    expect(d.BugCheckParameter3).toBe(0);
    expect(d.BugCheckParameter4).toBe(3);
    expect(d.explanation).toContain(`${3 * POOL_LEAK_RECORD_BYTES} bytes`);
    expect(d.driver).toBe("PoolLeak.sys");
    expect(d.explanation).toMatch(/3 pool allocation/);
    expect(other.client.ping()).toBe(true);
  });

  it("free flavor: no verifier, the pool leaks silently and the unload succeeds", () => {
    const r = rig("free", POOL_LEAK_NAME, PoolLeakDriverEntry);
    expect(r.client.control(IOCTL_BUG_TRIGGER).ok).toBe(true);
    expect(r.client.close()).toBe(true);
    r.m.unloadDriver(POOL_LEAK_NAME);
    expect(r.m.stopped).toBe(false);
    expect(r.m.mm.pool.usage.find((u) => u.tag === "Leak")!.bytes).toBe(POOL_LEAK_RECORD_BYTES);
  });

  it("checked flavor: the same driver unloads cleanly when it allocated nothing", () => {
    const r = rig("checked", POOL_LEAK_NAME, PoolLeakDriverEntry);
    expect(r.client.close()).toBe(true);
    r.m.unloadDriver(POOL_LEAK_NAME);
    expect(r.m.stopped).toBe(false);
  });
});
