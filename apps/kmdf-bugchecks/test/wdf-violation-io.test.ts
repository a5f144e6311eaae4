/**
 * The broken KMDF drivers of the I/O, lock and version rules, driven by kbugapp as a user would,
 * in the checked flavor (the KMDF verifier on) and the free flavor. WDF_VIOLATION (0x10D)
 * parameters follow https://learn.microsoft.com/windows-hardware/drivers/debugger/bug-check-0x10d---wdf-violation
 * and the WDF source named in each driver's header.
 */
import { describe, expect, it } from "vitest";
import { NO_MORE_IRP_STACK_LOCATIONS, SPIN_LOCK_NOT_OWNED, STATUS_INVALID_DEVICE_REQUEST, WDF_VIOLATION } from "@wdfjs/kernel";
import {
  WDF_API_UNAVAILABLE, WDF_INVALID_LOCK_OPERATION, WDF_QUEUE_FATAL_ERROR, WDF_RECURSIVE_LOCK, WDF_REQUEST_FATAL_ERROR, WDF_REQUEST_FATAL_ERROR_REQUEST_ALREADY_SENT,
  WDF_VERIFIER_FATAL_ERROR,
} from "@wdfjs/framework";
import { ERROR_PROC_NOT_FOUND } from "@wdfjs/win32";
import {
  IOCTL_BUG_TRIGGER, IOCTL_BUG_TRIGGER_2, WDF_API_UNAVAILABLE_INDEX, WDF_API_UNAVAILABLE_NAME, WDF_LOCK_OPERATION_NAME, WDF_MEMORY_REFERENCE_NAME,
  WDF_QUEUE_STOP_NAME, WDF_RECURSIVE_LOCK_NAME, WDF_RESEND_NAME, WdfLockOpDriverEntry, WdfMemRefDriverEntry, WdfNewApiDriverEntry, WdfQueueStopDriverEntry,
  WdfRecurseLockDriverEntry, WdfResendDriverEntry,
} from "../src/index.js";
import { contextOf, deviceOf, driverHandle, expectBugCheck, expectRefusesWork, rig, traced } from "./helpers.js";

describe("completing a request while its buffer memory is referenced: wdfmemref.sys", () => {
  for (const flavor of ["checked", "free"] as const) {
    it(`${flavor}: 0x10D/0x3 WDF_VERIFIER_FATAL_ERROR, P2 the request, P3 the one outstanding reference (not a verifier option)`, () => {
      const r = rig(flavor, WDF_MEMORY_REFERENCE_NAME, WdfMemRefDriverEntry);
      const other = rig(flavor, WDF_MEMORY_REFERENCE_NAME, WdfMemRefDriverEntry);
      const d = expectBugCheck(r.m, WDF_VIOLATION, () => r.client.control(IOCTL_BUG_TRIGGER, [1, 2, 3, 4]));
      expect(d.BugCheckParameter1).toBe(WDF_VERIFIER_FATAL_ERROR);
      expect(d.BugCheckParameter2).toBe(contextOf(r).LastRequest);
      expect(d.BugCheckParameter2).not.toBe(0);
      expect(d.BugCheckParameter3).toBe(1);
      expect(d.BugCheckParameter4).toBe(driverHandle(r));
      expect(d.explanation).toContain(`WDFMEMORY 0x${contextOf(r).LastObject.toString(16)}`);
      expect(d.driver).toBe(`${WDF_MEMORY_REFERENCE_NAME}.sys`);
      expectRefusesWork(r, other);
    });
  }
});

describe("sending a request again while it is pending on a target: wdfresend.sys", () => {
  it("checked: 0x10D/0x6 WDF_REQUEST_FATAL_ERROR, P2 0x3 REQUEST_ALREADY_SENT, P3 the request", () => {
    const r = rig("checked", WDF_RESEND_NAME, WdfResendDriverEntry);
    const other = rig("checked", WDF_RESEND_NAME, WdfResendDriverEntry);
    const d = expectBugCheck(r.m, WDF_VIOLATION, () => r.client.control(IOCTL_BUG_TRIGGER));
    expect(d.BugCheckParameter1).toBe(WDF_REQUEST_FATAL_ERROR);
    expect(d.BugCheckParameter2).toBe(WDF_REQUEST_FATAL_ERROR_REQUEST_ALREADY_SENT);
    expect(d.BugCheckParameter3).toBe(contextOf(r).LastRequest);
    expect(d.BugCheckParameter4).toBe(driverHandle(r));
    expect(d.driver).toBe(`${WDF_RESEND_NAME}.sys`);
    expectRefusesWork(r, other);
  });

  it("free: nothing checks; the IRP goes down a second time with no stack location left (the kernel's 0x35)", () => {
    const r = rig("free", WDF_RESEND_NAME, WdfResendDriverEntry);
    const d = expectBugCheck(r.m, NO_MORE_IRP_STACK_LOCATIONS, () => r.client.control(IOCTL_BUG_TRIGGER));
    expect(d.explanation).toMatch(/no stack location left/);
    expect(d.driver).toBe(`${WDF_RESEND_NAME}.sys`);
  });
});

describe("a second StopComplete while one is pending: wdfqueuestop.sys", () => {
  for (const flavor of ["checked", "free"] as const) {
    it(`${flavor}: 0x10D/0xA WDF_QUEUE_FATAL_ERROR, P2 the queue, P3 STATUS_INVALID_DEVICE_REQUEST (FxIoQueue::FatalError, both flavors)`, () => {
      const r = rig(flavor, WDF_QUEUE_STOP_NAME, WdfQueueStopDriverEntry);
      const other = rig(flavor, WDF_QUEUE_STOP_NAME, WdfQueueStopDriverEntry);
      const d = expectBugCheck(r.m, WDF_VIOLATION, () => r.client.control(IOCTL_BUG_TRIGGER));
      expect(d.BugCheckParameter1).toBe(WDF_QUEUE_FATAL_ERROR);
      expect(d.BugCheckParameter2).toBe(contextOf(r).LastObject);
      expect(d.BugCheckParameter2).not.toBe(0);
      expect(d.BugCheckParameter3).toBe(STATUS_INVALID_DEVICE_REQUEST);
      expect(d.BugCheckParameter4).toBe(driverHandle(r));
      expectRefusesWork(r, other);
    });
  }
});

describe("taking the device's callback lock inside its own callback: wdfrecurselock.sys", () => {
  for (const flavor of ["checked", "free"] as const) {
    it(`${flavor}: 0x10D/0x2 WDF_RECURSIVE_LOCK, P2 the device whose lock it is (both flavors)`, () => {
      const r = rig(flavor, WDF_RECURSIVE_LOCK_NAME, WdfRecurseLockDriverEntry);
      const other = rig(flavor, WDF_RECURSIVE_LOCK_NAME, WdfRecurseLockDriverEntry);
      expect(r.client.ping()).toBe(true);
      const d = expectBugCheck(r.m, WDF_VIOLATION, () => r.client.control(IOCTL_BUG_TRIGGER));
      expect(d.BugCheckParameter1).toBe(WDF_RECURSIVE_LOCK);
      expect(d.BugCheckParameter2).toBe(deviceOf(r));
      expect(d.BugCheckParameter3).toBe(0);
      expect(d.BugCheckParameter4).toBe(driverHandle(r));
      expect(d.explanation).toMatch(/already holds the object's callback lock/);
      expectRefusesWork(r, other);
    });
  }
});

describe("lock operations on the wrong lock: wdflockop.sys", () => {
  it("checked: releasing a WDFSPINLOCK it never acquired is 0x10D/0xB, P2 the lock, P3 1", () => {
    const r = rig("checked", WDF_LOCK_OPERATION_NAME, WdfLockOpDriverEntry);
    const other = rig("checked", WDF_LOCK_OPERATION_NAME, WdfLockOpDriverEntry);
    expect(r.client.control(IOCTL_BUG_TRIGGER, [1, 2, 3, 4]).ok).toBe(true);
    const d = expectBugCheck(r.m, WDF_VIOLATION, () => r.client.control(IOCTL_BUG_TRIGGER, [1]));
    expect(d.BugCheckParameter1).toBe(WDF_INVALID_LOCK_OPERATION);
    expect(d.BugCheckParameter2).toBe(contextOf(r).LastObject);
    expect(d.BugCheckParameter3).toBe(1);
    expect(d.BugCheckParameter4).toBe(driverHandle(r));
    expectRefusesWork(r, other);
  });

  it("free: the framework keeps no owner to compare; the kernel finds the unheld spin lock released (SPIN_LOCK_NOT_OWNED, 0x10)", () => {
    const r = rig("free", WDF_LOCK_OPERATION_NAME, WdfLockOpDriverEntry);
    const d = expectBugCheck(r.m, SPIN_LOCK_NOT_OWNED, () => r.client.control(IOCTL_BUG_TRIGGER, [1]));
    expect(d.BugCheckParameter1).not.toBe(WDF_INVALID_LOCK_OPERATION);
    expect(d.driver).toBe(`${WDF_LOCK_OPERATION_NAME}.sys`);
  });

  for (const flavor of ["checked", "free"] as const) {
    it(`${flavor}: WdfObjectAcquireLock on a device without a callback lock is 0x10D/0xB, P2 the device, P3 0 (both flavors)`, () => {
      const r = rig(flavor, WDF_LOCK_OPERATION_NAME, WdfLockOpDriverEntry);
      const d = expectBugCheck(r.m, WDF_VIOLATION, () => r.client.control(IOCTL_BUG_TRIGGER_2));
      expect(d.BugCheckParameter1).toBe(WDF_INVALID_LOCK_OPERATION);
      expect(d.BugCheckParameter2).toBe(deviceOf(r));
      expect(d.BugCheckParameter3).toBe(0);
      expect(d.BugCheckParameter4).toBe(driverHandle(r));
    });
  }
});

describe("calling a function the framework does not have: wdfnewapi.sys", () => {
  for (const flavor of ["checked", "free"] as const) {
    it(`${flavor}: a VOID function is 0x10D/0x10 WDF_API_UNAVAILABLE, P4 the function's index (both flavors)`, () => {
      const r = rig(flavor, WDF_API_UNAVAILABLE_NAME, WdfNewApiDriverEntry);
      const d = expectBugCheck(r.m, WDF_VIOLATION, () => r.client.control(IOCTL_BUG_TRIGGER));
      expect(d.BugCheckParameter1).toBe(WDF_API_UNAVAILABLE);
      expect(d.BugCheckParameter4).toBe(WDF_API_UNAVAILABLE_INDEX);
      expect(d.explanation).toContain(`Driver ${WDF_API_UNAVAILABLE_NAME} called a KMDF API with index ${WDF_API_UNAVAILABLE_INDEX}`);
      expect(d.driver).toBe(`${WDF_API_UNAVAILABLE_NAME}.sys`);
      expect(traced(r, "wdf.api-missing")).toHaveLength(1);
    });
  }

  it("checked: an NTSTATUS function stops the machine too (the verifier is on)", () => {
    const r = rig("checked", WDF_API_UNAVAILABLE_NAME, WdfNewApiDriverEntry);
    const d = expectBugCheck(r.m, WDF_VIOLATION, () => r.client.control(IOCTL_BUG_TRIGGER_2));
    expect(d.BugCheckParameter1).toBe(WDF_API_UNAVAILABLE);
  });

  it("free: an NTSTATUS function fails with STATUS_PROCEDURE_NOT_FOUND (the caller sees ERROR_PROC_NOT_FOUND)", () => {
    const r = rig("free", WDF_API_UNAVAILABLE_NAME, WdfNewApiDriverEntry);
    const result = r.client.control(IOCTL_BUG_TRIGGER_2);
    expect(result.ok).toBe(false);
    expect(result.error).toBe(ERROR_PROC_NOT_FOUND);
    expect(traced(r, "wdf.api-missing")).toHaveLength(1);
    expect(r.client.ping()).toBe(true);
  });
});
