import { describe, expect, it } from "vitest";
import {
  APC_LEVEL, boot, BugCheck, DISPATCH_LEVEL, DRIVER_VERIFIER_DETECTED_VIOLATION, DRIVER_IRQL_NOT_LESS_OR_EQUAL, IRQL_NOT_GREATER_OR_EQUAL, IRQL_NOT_LESS_OR_EQUAL, MachineStopped, Out,
  SPIN_LOCK_ALREADY_OWNED,
} from "@wdfjs/kernel";
import { Win32Process } from "@wdfjs/win32";
import {
  IOCTL_BUG_TRIGGER, IOCTL_BUG_TRIGGER_2, IRQL_MIXUP_NAME, IrqlMixupDriverEntry, KernelTouchesPagedPoolAtDispatch,
  LOCK_TWICE_NAME, LockTwiceDriverEntry, PAGED_FREE_NAME, PagedFreeDriverEntry, type PAGED_FREE_EXTENSION, PAGED_TOUCH_NAME, PagedTouchDriverEntry, type LOCK_TWICE_EXTENSION,
  type PAGED_TOUCH_EXTENSION,
} from "../src/index.js";
import { expectBugCheck, expectRefusesWork, rig, type Rig } from "./helpers.js";

function settingsOf(r: Rig): number {
  return (r.m.driver(PAGED_TOUCH_NAME)!.DeviceObject!.DeviceExtension as PAGED_TOUCH_EXTENSION).Settings;
}

describe("DRIVER_IRQL_NOT_LESS_OR_EQUAL (0xD1): pagedtouch.sys reads paged pool at DISPATCH_LEVEL", () => {
  it("checked: reading it under a spin lock bug-checks with P1 the address, P2 DISPATCH_LEVEL, P3 read", () => {
    const r = rig("checked", PAGED_TOUCH_NAME, PagedTouchDriverEntry);
    const other = rig("checked", PAGED_TOUCH_NAME, PagedTouchDriverEntry);
    expect(r.client.ping()).toBe(true);
    const d = expectBugCheck(r.m, DRIVER_IRQL_NOT_LESS_OR_EQUAL, () => r.client.control(IOCTL_BUG_TRIGGER));
    expect(d.name).toBe("DRIVER_IRQL_NOT_LESS_OR_EQUAL");
    expect(d.BugCheckParameter1).toBe(settingsOf(r));
    expect(d.BugCheckParameter2).toBe(DISPATCH_LEVEL);
    expect(d.BugCheckParameter3).toBe(0);
    expect(d.driver).toBe("PagedTouch.sys");
    expect(d.explanation).toMatch(/paged/);
    expect(d.explanation).toMatch(/DISPATCH_LEVEL/);
    expectRefusesWork(r, PAGED_TOUCH_NAME, other);
  });

  it("checked: reading it in a timer DPC bug-checks inside the client's synchronous call", () => {
    const r = rig("checked", PAGED_TOUCH_NAME, PagedTouchDriverEntry);
    const other = rig("checked", PAGED_TOUCH_NAME, PagedTouchDriverEntry);
    const d = expectBugCheck(r.m, DRIVER_IRQL_NOT_LESS_OR_EQUAL, () => r.client.control(IOCTL_BUG_TRIGGER_2));
    expect(d.BugCheckParameter1).toBe(settingsOf(r));
    expect(d.BugCheckParameter2).toBe(DISPATCH_LEVEL);
    expect(d.driver).toBe("PagedTouch.sys");
    expectRefusesWork(r, PAGED_TOUCH_NAME, other);
  });

  it("free: the bug hides while the page is resident, and bug-checks once memory pressure pages it out", () => {
    const r = rig("free", PAGED_TOUCH_NAME, PagedTouchDriverEntry);
    const other = rig("free", PAGED_TOUCH_NAME, PagedTouchDriverEntry);
    const ok = r.client.control(IOCTL_BUG_TRIGGER);
    expect(ok.ok).toBe(true);
    expect([...r.app.ReadMemory(r.client.buffer + 2048, 4)]).toEqual([0x65, 0x12, 0x77, 0x5e]);
    expect(r.client.control(IOCTL_BUG_TRIGGER_2).ok).toBe(true);
    expect(r.m.stopped).toBe(false);
    expect(r.m.trimWorkingSets()).toBeGreaterThan(0);
    const d = expectBugCheck(r.m, DRIVER_IRQL_NOT_LESS_OR_EQUAL, () => r.client.control(IOCTL_BUG_TRIGGER));
    expect(d.BugCheckParameter1).toBe(settingsOf(r));
    expect(d.BugCheckParameter2).toBe(DISPATCH_LEVEL);
    expect(d.driver).toBe("PagedTouch.sys");
    expectRefusesWork(r, PAGED_TOUCH_NAME, other);
  });

  it("free: the DPC path bug-checks too once the page is out", () => {
    const r = rig("free", PAGED_TOUCH_NAME, PagedTouchDriverEntry);
    r.m.trimWorkingSets();
    const d = expectBugCheck(r.m, DRIVER_IRQL_NOT_LESS_OR_EQUAL, () => r.client.control(IOCTL_BUG_TRIGGER_2));
    expect(d.BugCheckParameter1).toBe(settingsOf(r));
  });
});

describe("IRQL_NOT_LESS_OR_EQUAL (0xA): the kernel's own code touches paged pool at DISPATCH_LEVEL", () => {
  for (const flavor of ["checked", "free"] as const) {
    it(`${flavor}: P1 the address, P2 DISPATCH_LEVEL, no driver blamed`, () => {
      const m = boot({ flavor });
      const other = rig(flavor, PAGED_TOUCH_NAME, PagedTouchDriverEntry);
      const address = Out(0);
      const d = expectBugCheck(m, IRQL_NOT_LESS_OR_EQUAL, () => KernelTouchesPagedPoolAtDispatch(m, address));
      expect(d.name).toBe("IRQL_NOT_LESS_OR_EQUAL");
      expect(address.value).toBeLessThan(0); // a kernel address
      expect(d.BugCheckParameter1).toBe(address.value);
      expect(d.BugCheckParameter2).toBe(DISPATCH_LEVEL);
      expect(d.BugCheckParameter3).toBe(0);
      expect(d.driver).toBeNull();
      expect(d.explanation).toMatch(/paged/);
      // A program cannot even start on the stopped machine, and the error says why.
      expect(() => Win32Process.create(m, "bugapp.exe")).toThrow(MachineStopped);
      expect(() => Win32Process.create(m, "bugapp.exe")).toThrow(/already stopped with bug check 0x0000000A IRQL_NOT_LESS_OR_EQUAL/);
      expect(() => m.loadDriver(PAGED_TOUCH_NAME, PagedTouchDriverEntry)).toThrow(BugCheck);
      expect(other.client.ping()).toBe(true);
      expect(other.m.stopped).toBe(false);
    });
  }
});

describe("IRQL_NOT_LESS_OR_EQUAL (0xA): pagedfree.sys frees paged pool under a spin lock", () => {
  it("free flavor, page out: the pool's own code faults at DISPATCH_LEVEL; 0xA, the driver blamed", () => {
    const r = rig("free", PAGED_FREE_NAME, PagedFreeDriverEntry);
    const other = rig("free", PAGED_FREE_NAME, PagedFreeDriverEntry);
    const scratch = (r.m.driver(PAGED_FREE_NAME)!.DeviceObject!.DeviceExtension as PAGED_FREE_EXTENSION).Scratch;
    expect(r.m.trimWorkingSets()).toBeGreaterThan(0);
    const d = expectBugCheck(r.m, IRQL_NOT_LESS_OR_EQUAL, () => r.client.control(IOCTL_BUG_TRIGGER));
    expect(d.name).toBe("IRQL_NOT_LESS_OR_EQUAL");
    // P1 is the pool header in front of the block (the kernel's read), P2 the IRQL, P3 a read.
    expect(d.BugCheckParameter1).toBe(scratch - 16);
    expect(d.BugCheckParameter2).toBe(DISPATCH_LEVEL);
    expect(d.BugCheckParameter3).toBe(0);
    expect(d.driver).toBe("PagedFree.sys");
    expect(d.explanation).toMatch(/kernel code/);
    expectRefusesWork(r, PAGED_FREE_NAME, other);
  });

  it("free flavor, page in memory: nothing faults, the bug goes unseen", () => {
    const r = rig("free", PAGED_FREE_NAME, PagedFreeDriverEntry);
    expect(r.client.control(IOCTL_BUG_TRIGGER).ok).toBe(true);
    expect(r.m.stopped).toBe(false);
  });

  it("checked flavor: the verifier refuses the free itself (0xC4, P1 0x11)", () => {
    const r = rig("checked", PAGED_FREE_NAME, PagedFreeDriverEntry);
    const d = expectBugCheck(r.m, DRIVER_VERIFIER_DETECTED_VIOLATION, () => r.client.control(IOCTL_BUG_TRIGGER));
    expect(d.BugCheckParameter1).toBe(0x11);
    expect(d.BugCheckParameter2).toBe(DISPATCH_LEVEL);
    expect(d.driver).toBe("PagedFree.sys");
  });
});

describe.each(["checked", "free"] as const)("%s flavor", (flavor) => {
  it("SPIN_LOCK_ALREADY_OWNED (0xF): locktwice.sys takes the lock it holds; P1 names the lock", () => {
    const r = rig(flavor, LOCK_TWICE_NAME, LockTwiceDriverEntry);
    const other = rig(flavor, LOCK_TWICE_NAME, LockTwiceDriverEntry);
    const lock = (r.m.driver(LOCK_TWICE_NAME)!.DeviceObject!.DeviceExtension as LOCK_TWICE_EXTENSION).Lock;
    const d = expectBugCheck(r.m, SPIN_LOCK_ALREADY_OWNED, () => r.client.control(IOCTL_BUG_TRIGGER));
    expect(d.name).toBe("SPIN_LOCK_ALREADY_OWNED");
    expect(d.BugCheckParameter1).toBe(lock.id);
    expect(d.driver).toBe("LockTwice.sys");
    expect(d.explanation).toMatch(/already/);
    expect(d.explanation).toContain(`#${lock.id}`);
    expectRefusesWork(r, LOCK_TWICE_NAME, other);
  });

  // Checked: https://learn.microsoft.com/windows-hardware/drivers/debugger/bug-check-0xc4--driver-verifier-detected-violation
  // (0x31, P2 the current IRQL, P3 the requested one). Free: the checked HAL's IRQL_NOT_LESS_OR_EQUAL,
  // https://learn.microsoft.com/windows-hardware/drivers/debugger/bug-check-0xa--irql-not-less-or-equal (P2 the IRQL).
  it("irqlmixup.sys lowers from APC_LEVEL 'down' to DISPATCH_LEVEL: checked 0xC4/0x31, free 0xA", () => {
    const r = rig(flavor, IRQL_MIXUP_NAME, IrqlMixupDriverEntry);
    const other = rig(flavor, IRQL_MIXUP_NAME, IrqlMixupDriverEntry);
    const d = expectBugCheck(r.m, flavor === "checked" ? DRIVER_VERIFIER_DETECTED_VIOLATION : IRQL_NOT_LESS_OR_EQUAL, () => r.client.control(IOCTL_BUG_TRIGGER));
    if (flavor === "checked") {
      expect(d.name).toBe("DRIVER_VERIFIER_DETECTED_VIOLATION");
      expect([d.BugCheckParameter1, d.BugCheckParameter2, d.BugCheckParameter3, d.BugCheckParameter4]).toEqual([0x31, APC_LEVEL, DISPATCH_LEVEL, 0]);
    } else {
      expect(d.name).toBe("IRQL_NOT_LESS_OR_EQUAL");
      expect([d.BugCheckParameter1, d.BugCheckParameter2, d.BugCheckParameter3, d.BugCheckParameter4]).toEqual([0, APC_LEVEL, 0, 0]);
    }
    expect(d.driver).toBe("IrqlMixup.sys");
    expect(d.explanation).toMatch(/KeLowerIrql/);
    expectRefusesWork(r, IRQL_MIXUP_NAME, other);
  });
});

