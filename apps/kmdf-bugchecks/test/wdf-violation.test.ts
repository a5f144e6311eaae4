/**
 * Each broken KMDF driver, driven by kbugapp as a user would, in the checked flavor (the KMDF
 * verifier on) and the free flavor. WDF_VIOLATION (0x10D) parameters follow
 * https://learn.microsoft.com/windows-hardware/drivers/debugger/bug-check-0x10d---wdf-violation
 * (P1 the WDF_BUGCHECK_CODES subcode; P4 the driver globals, here the driver's WDFDRIVER), and
 * 0xC9 https://learn.microsoft.com/windows-hardware/drivers/debugger/bug-check-0xc9--driver-verifier-iomanager-violation.
 */
import { describe, expect, it } from "vitest";
import {
  APC_LEVEL, boot, DISPATCH_LEVEL, DRIVER_VERIFIER_DETECTED_VIOLATION, DRIVER_VERIFIER_IOMANAGER_VIOLATION, IOMGR_COMPLETE_WITH_CANCEL_ROUTINE, IRQL_GT_ZERO_AT_SYSTEM_SERVICE, PASSIVE_LEVEL, WDF_VIOLATION,
} from "@wdfjs/kernel";
import {
  FxDriver, FX_TYPE_OBJECT, FX_TYPE_REQUEST, WDF_REQUIRED_PARAMETER_IS_NULL, WDF_INVALID_HANDLE, WDF_OBJECT_ERROR, WDF_REQUEST_FATAL_ERROR, WDF_REQUEST_FATAL_ERROR_INFORMATION_LENGTH_MISMATCH,
  WDF_VERIFIER_IRQL_MISMATCH,
} from "@wdfjs/framework";
import { ERROR_INSUFFICIENT_BUFFER, ERROR_INVALID_FUNCTION, GENERIC_READ, INVALID_HANDLE_VALUE, OPEN_EXISTING } from "@wdfjs/win32";
import {
  IOCTL_BUG_TRIGGER, IOCTL_BUG_TRIGGER_2, WDF_CANCELABLE_NAME, WDF_DELETE_DRIVER_NAME, WDF_DEREF_NAME, WDF_DOUBLE_COMPLETE_NAME, WDF_INFO_LARGE_NAME,
  WDF_INFO_LARGE_RECORD, WDF_IRQL_LEAK_NAME, WDF_STALE_FORGED_HANDLE, WDF_STALE_NAME, WDF_WRONG_IRQL_AUX, WDF_WRONG_IRQL_NAME,
  WdfCancelableDriverEntry, WdfDeleteDriverDriverEntry, WdfDerefDriverEntry, WdfDoubleCompleteDriverEntry, WdfInfoLargeDriverEntry,
  WdfIrqlLeakDriverEntry, WdfStaleDriverEntry, WdfWrongIrqlDriverEntry, WDF_INIT_NULL_NAME, WdfInitNullDriverEntry, WDF_PREPARE_IRQL_NAME,
  WDF_PREPARE_IRQL_HARDWARE_ID, WdfPrepIrqlDriverEntry,
} from "../src/index.js";
import { contextOf, driverHandle, expectBugCheck, expectRefusesWork, rig, traced } from "./helpers.js";

describe("completing a request twice: wdfdoublecomplete.sys", () => {
  it("checked: 0x10D/0x5 WDF_INVALID_HANDLE, P2 the completed request, P3 FX_TYPE_REQUEST, P4 the driver", () => {
    const r = rig("checked", WDF_DOUBLE_COMPLETE_NAME, WdfDoubleCompleteDriverEntry);
    const other = rig("checked", WDF_DOUBLE_COMPLETE_NAME, WdfDoubleCompleteDriverEntry);
    expect(r.client.control(IOCTL_BUG_TRIGGER, [1, 2, 3, 4, 5, 6, 7, 8]).ok).toBe(true);
    const d = expectBugCheck(r.m, WDF_VIOLATION, () => r.client.control(IOCTL_BUG_TRIGGER, [1]));
    expect(d.name).toBe("WDF_VIOLATION");
    expect(d.BugCheckParameter1).toBe(WDF_INVALID_HANDLE);
    expect(d.BugCheckParameter2).toBe(contextOf(r).LastRequest);
    expect(d.BugCheckParameter2).not.toBe(0);
    expect(d.BugCheckParameter3).toBe(FX_TYPE_REQUEST);
    expect(d.BugCheckParameter4).toBe(driverHandle(r));
    expect(d.driver).toBe(`${WDF_DOUBLE_COMPLETE_NAME}.sys`);
    expectRefusesWork(r, other);
  });

  it("free: the second completion finds the request completed and does nothing; the caller gets the first status", () => {
    const r = rig("free", WDF_DOUBLE_COMPLETE_NAME, WdfDoubleCompleteDriverEntry);
    const result = r.client.control(IOCTL_BUG_TRIGGER, [1]);
    expect(result.ok).toBe(false);
    expect(result.error).toBe(ERROR_INSUFFICIENT_BUFFER);
    expect(traced(r, "wdf.request-completed")).toHaveLength(1);
    expect(r.client.ping()).toBe(true);
  });
});

describe("completing a request still marked cancelable: wdfcancelable.sys", () => {
  it("checked: the framework traces it, then the I/O verifier stops the completion with 0xC9/0x7 (P3 the IRP)", () => {
    const r = rig("checked", WDF_CANCELABLE_NAME, WdfCancelableDriverEntry);
    const other = rig("checked", WDF_CANCELABLE_NAME, WdfCancelableDriverEntry);
    const d = expectBugCheck(r.m, DRIVER_VERIFIER_IOMANAGER_VIOLATION, () => r.client.control(IOCTL_BUG_TRIGGER));
    expect(d.BugCheckParameter1).toBe(IOMGR_COMPLETE_WITH_CANCEL_ROUTINE);
    expect(d.BugCheckParameter2).not.toBe(0);
    expect(d.BugCheckParameter3).not.toBe(0);
    const [detail] = traced(r, "wdf.request-cancelable-completed");
    expect(detail).toContain(`0x${contextOf(r).LastRequest.toString(16)}`);
    expect(detail).toMatch(/WdfRequestUnmarkCancelable/);
    expect(d.driver).toBe(`${WDF_CANCELABLE_NAME}.sys`);
    expectRefusesWork(r, other);
  });

  it("free: the request completes (the trace still says what is wrong)", () => {
    const r = rig("free", WDF_CANCELABLE_NAME, WdfCancelableDriverEntry);
    expect(r.client.control(IOCTL_BUG_TRIGGER).ok).toBe(true);
    expect(traced(r, "wdf.request-cancelable-completed")).toHaveLength(1);
    expect(r.client.ping()).toBe(true);
  });
});

describe("Information larger than the buffer: wdfinfolarge.sys", () => {
  it("checked: 0x10D/0x6 WDF_REQUEST_FATAL_ERROR, P2 0x4 INFORMATION_LENGTH_MISMATCH, P3 the request", () => {
    const r = rig("checked", WDF_INFO_LARGE_NAME, WdfInfoLargeDriverEntry);
    const other = rig("checked", WDF_INFO_LARGE_NAME, WdfInfoLargeDriverEntry);
    // An output buffer as large as the record: no bug.
    expect(r.client.control(IOCTL_BUG_TRIGGER, [0, 0, 0, 0], WDF_INFO_LARGE_RECORD).bytes).toBe(WDF_INFO_LARGE_RECORD);
    const d = expectBugCheck(r.m, WDF_VIOLATION, () => r.client.control(IOCTL_BUG_TRIGGER, [0, 0, 0, 0], 16));
    expect(d.BugCheckParameter1).toBe(WDF_REQUEST_FATAL_ERROR);
    expect(d.BugCheckParameter2).toBe(WDF_REQUEST_FATAL_ERROR_INFORMATION_LENGTH_MISMATCH);
    expect(d.BugCheckParameter3).toBe(contextOf(r).LastRequest);
    expect(d.BugCheckParameter4).toBe(driverHandle(r));
    expect(d.explanation).toMatch(/Information 64 larger than its buffer \(16\)/);
    expectRefusesWork(r, other);
  });

  it("free: no check; the caller is told more bytes came back than its buffer holds", () => {
    const r = rig("free", WDF_INFO_LARGE_NAME, WdfInfoLargeDriverEntry);
    const result = r.client.control(IOCTL_BUG_TRIGGER, [0, 0, 0, 0], 16);
    expect(result).toMatchObject({ ok: true });
    expect(result.bytes).toBeGreaterThan(16);
  });
});

describe("deleting an object that must not be deleted: wdfdeletedriver.sys", () => {
  for (const flavor of ["checked", "free"] as const) {
    it(`${flavor}: WdfObjectDelete(WDFDRIVER) is refused and traced (wdf.delete-refused), no bug check, the driver keeps working`, () => {
      const r = rig(flavor, WDF_DELETE_DRIVER_NAME, WdfDeleteDriverDriverEntry);
      expect(r.client.control(IOCTL_BUG_TRIGGER).ok).toBe(true);
      expect(r.m.stopped).toBe(false);
      const [detail] = traced(r, "wdf.delete-refused");
      expect(detail).toContain(`WdfObjectDelete(0x${driverHandle(r).toString(16)})`);
      expect(contextOf(r).LastObject).toBe(driverHandle(r));
      expect(r.client.ping()).toBe(true);
      expect(r.client.close()).toBe(true);
      // Still the driver's: it unloads as usual.
      r.m.unloadDriver(WDF_DELETE_DRIVER_NAME);
      expect(r.m.driver(WDF_DELETE_DRIVER_NAME)).toBeFalsy();
    });
  }
});

describe("dereferencing instead of deleting: wdfderef.sys", () => {
  for (const flavor of ["checked", "free"] as const) {
    it(`${flavor}: 0x10D/0x7 WDF_OBJECT_ERROR, P2 the object (not a verifier option: both flavors)`, () => {
      const r = rig(flavor, WDF_DEREF_NAME, WdfDerefDriverEntry);
      const other = rig(flavor, WDF_DEREF_NAME, WdfDerefDriverEntry);
      const d = expectBugCheck(r.m, WDF_VIOLATION, () => r.client.control(IOCTL_BUG_TRIGGER));
      expect(d.BugCheckParameter1).toBe(WDF_OBJECT_ERROR);
      expect(d.BugCheckParameter2).toBe(contextOf(r).LastObject);
      expect(d.BugCheckParameter4).toBe(driverHandle(r));
      expect(d.explanation).toMatch(/WdfObjectDereference, not WdfObjectDelete/);
      expect(d.driver).toBe(`${WDF_DEREF_NAME}.sys`);
      expectRefusesWork(r, other);
    });
  }
});

describe("a stale or forged handle: wdfstale.sys", () => {
  it("checked: a deleted object's handle is 0x10D/0x5, P2 the handle, P3 FX_TYPE_OBJECT", () => {
    const r = rig("checked", WDF_STALE_NAME, WdfStaleDriverEntry);
    const other = rig("checked", WDF_STALE_NAME, WdfStaleDriverEntry);
    expect(r.client.control(IOCTL_BUG_TRIGGER).ok).toBe(true);
    const stale = contextOf(r).LastObject;
    const d = expectBugCheck(r.m, WDF_VIOLATION, () => r.client.control(IOCTL_BUG_TRIGGER));
    expect(d.BugCheckParameter1).toBe(WDF_INVALID_HANDLE);
    expect(d.BugCheckParameter2).toBe(stale);
    expect(d.BugCheckParameter3).toBe(FX_TYPE_OBJECT);
    expect(d.BugCheckParameter4).toBe(driverHandle(r));
    expectRefusesWork(r, other);
  });

  it("free: the stale handle reaches the freed object, already deleted, and nothing happens", () => {
    const r = rig("free", WDF_STALE_NAME, WdfStaleDriverEntry);
    expect(r.client.control(IOCTL_BUG_TRIGGER).ok).toBe(true);
    expect(r.client.control(IOCTL_BUG_TRIGGER).ok).toBe(true);
    expect(r.m.stopped).toBe(false);
  });

  for (const flavor of ["checked", "free"] as const) {
    it(`${flavor}: a forged handle names no object: 0x10D/0x5 in both flavors`, () => {
      const r = rig(flavor, WDF_STALE_NAME, WdfStaleDriverEntry);
      const d = expectBugCheck(r.m, WDF_VIOLATION, () => r.client.control(IOCTL_BUG_TRIGGER_2));
      expect(d.BugCheckParameter1).toBe(WDF_INVALID_HANDLE);
      expect(d.BugCheckParameter2).toBe(WDF_STALE_FORGED_HANDLE);
      expect(d.BugCheckParameter3).toBe(FX_TYPE_OBJECT);
    });
  }
});

describe("an event callback returning at a raised IRQL: wdfirqlleak.sys", () => {
  it("checked: 0x10D/0xE WDF_VERIFIER_IRQL_MISMATCH, P2 the IRQL at entry (PASSIVE_LEVEL), P3 at return (DISPATCH_LEVEL)", () => {
    const r = rig("checked", WDF_IRQL_LEAK_NAME, WdfIrqlLeakDriverEntry);
    const other = rig("checked", WDF_IRQL_LEAK_NAME, WdfIrqlLeakDriverEntry);
    const d = expectBugCheck(r.m, WDF_VIOLATION, () => r.client.control(IOCTL_BUG_TRIGGER));
    expect(d.BugCheckParameter1).toBe(WDF_VERIFIER_IRQL_MISMATCH);
    expect(d.BugCheckParameter2).toBe(PASSIVE_LEVEL);
    expect(d.BugCheckParameter3).toBe(DISPATCH_LEVEL);
    expect(d.BugCheckParameter4).toBe(driverHandle(r));
    expect(d.explanation).toMatch(/called at PASSIVE_LEVEL and returned at DISPATCH_LEVEL/);
    expect(d.driver).toBe(`${WDF_IRQL_LEAK_NAME}.sys`);
    expectRefusesWork(r, other);
  });

  it("free: nothing checks the callback; the thread returns to user mode at DISPATCH_LEVEL (0x4A)", () => {
    const r = rig("free", WDF_IRQL_LEAK_NAME, WdfIrqlLeakDriverEntry);
    const d = expectBugCheck(r.m, IRQL_GT_ZERO_AT_SYSTEM_SERVICE, () => r.client.control(IOCTL_BUG_TRIGGER));
    expect(d.BugCheckParameter1).not.toBe(WDF_VERIFIER_IRQL_MISMATCH);
  });
});

describe("a PASSIVE_LEVEL function called at DISPATCH_LEVEL: wdfwrongirql.sys", () => {
  function openAux(r: ReturnType<typeof rig>): number {
    return r.app.CreateFile(`\\\\.\\${WDF_WRONG_IRQL_AUX}`, GENERIC_READ, 0, null, OPEN_EXISTING, 0, 0);
  }

  it("checked: no bug check; wdf.wrong-irql is traced and the call fails with STATUS_INVALID_DEVICE_REQUEST (ERROR_INVALID_FUNCTION)", () => {
    const r = rig("checked", WDF_WRONG_IRQL_NAME, WdfWrongIrqlDriverEntry);
    const result = r.client.control(IOCTL_BUG_TRIGGER);
    expect(result.ok).toBe(false);
    expect(result.error).toBe(ERROR_INVALID_FUNCTION);
    expect(r.m.stopped).toBe(false);
    const [detail] = traced(r, "wdf.wrong-irql");
    expect(detail).toMatch(/^WdfDeviceCreateSymbolicLink called at DISPATCH_LEVEL; it is callable at or below PASSIVE_LEVEL/);
    expect(openAux(r)).toBe(INVALID_HANDLE_VALUE);
    expect(r.client.ping()).toBe(true);
  });

  it("free: no check; the link is made and the second device opens", () => {
    const r = rig("free", WDF_WRONG_IRQL_NAME, WdfWrongIrqlDriverEntry);
    expect(r.client.control(IOCTL_BUG_TRIGGER).ok).toBe(true);
    expect(traced(r, "wdf.wrong-irql")).toHaveLength(0);
    expect(openAux(r)).not.toBe(INVALID_HANDLE_VALUE);
  });
});

describe("a PnP callback returning at a raised IRQL: wdfprepirql.sys", () => {
  function start(flavor: "checked" | "free") {
    const m = boot({ flavor, seed: 7 });
    m.installDriverPackage({ service: WDF_PREPARE_IRQL_NAME, hardwareIds: [{ id: WDF_PREPARE_IRQL_HARDWARE_ID }], class: "System", framework: "WDM", DriverEntry: WdfPrepIrqlDriverEntry });
    return { m, start: () => m.pnp.createRootDevice({ hardwareIds: [WDF_PREPARE_IRQL_HARDWARE_ID], class: "System" }) };
  }

  it("checked: starting the device stops the machine with 0x10D/0xE, P2 PASSIVE_LEVEL, P3 APC_LEVEL", () => {
    const { m, start: go } = start("checked");
    const d = expectBugCheck(m, WDF_VIOLATION, go);
    expect(d.BugCheckParameter1).toBe(WDF_VERIFIER_IRQL_MISMATCH);
    expect(d.BugCheckParameter2).toBe(PASSIVE_LEVEL);
    expect(d.BugCheckParameter3).toBe(APC_LEVEL);
    expect(d.BugCheckParameter4).toBe(FxDriver.fromDriverObject(m.driver(WDF_PREPARE_IRQL_NAME)!)!.handle);
    expect(d.explanation).toMatch(/returned at APC_LEVEL/);
  });

  it("free: the framework does not look; the PnP worker thread ends at APC_LEVEL and the kernel stops there (0xC4)", () => {
    const { m, start: go } = start("free");
    const d = expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, go);
    expect(d.BugCheckParameter1).not.toBe(WDF_VERIFIER_IRQL_MISMATCH);
    expect(d.explanation).toMatch(/ended at APC_LEVEL/);
  });
});

describe("using the device init after WdfDeviceCreate: wdfinitnull.sys", () => {
  for (const flavor of ["checked", "free"] as const) {
    it(`${flavor}: a NULL PWDFDEVICE_INIT is 0x10D/0x4 WDF_REQUIRED_PARAMETER_IS_NULL (both flavors)`, () => {
      const r = rig(flavor, WDF_INIT_NULL_NAME, WdfInitNullDriverEntry);
      const d = expectBugCheck(r.m, WDF_VIOLATION, () => r.client.control(IOCTL_BUG_TRIGGER));
      expect(d.BugCheckParameter1).toBe(WDF_REQUIRED_PARAMETER_IS_NULL);
      expect(d.BugCheckParameter2).toBe(0);
      expect(d.BugCheckParameter4).toBe(driverHandle(r));
      expect(d.driver).toBe(`${WDF_INIT_NULL_NAME}.sys`);
    });
  }
});
