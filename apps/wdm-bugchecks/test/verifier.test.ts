import { describe, expect, it } from "vitest";
import {
  DISPATCH_LEVEL, DRIVER_VERIFIER_IOMANAGER_VIOLATION, IOMGR_COMPLETE_WITH_CANCEL_ROUTINE, IOMGR_COMPLETE_WITH_PENDING_STATUS,
  IOMGR_IRQL_CHANGED_BY_DISPATCH, IOMGR_PENDING_WITHOUT_MARK, IRQL_GT_ZERO_AT_SYSTEM_SERVICE, MachineDeadlock, PASSIVE_LEVEL, STATUS_PENDING, STATUS_SUCCESS,
} from "@wdfjs/kernel";
import { HasOverlappedIoCompleted } from "@wdfjs/win32";
import {
  CANCEL_LEFT_NAME, CancelLeftDriverEntry, COMPLETE_PENDING_NAME, CompletePendingDriverEntry, IOCTL_BUG_TRIGGER, LOCK_LEAK_NAME,
  LockLeakDriverEntry, PEND_NO_MARK_NAME, PendNoMarkDriverEntry, type CANCEL_LEFT_EXTENSION, type COMPLETE_PENDING_EXTENSION,
  type PEND_NO_MARK_EXTENSION,
} from "../src/index.js";
import { expectBugCheck, expectRefusesWork, rig, type Rig } from "./helpers.js";

function extensionOf<T>(r: Rig, name: string): T {
  return r.m.driver(name)!.DeviceObject!.DeviceExtension as T;
}

describe("DRIVER_VERIFIER_IOMANAGER_VIOLATION (0xC9) in the checked flavor", () => {
  // Each pinned to https://learn.microsoft.com/windows-hardware/drivers/debugger/bug-check-0xc9--driver-verifier-iomanager-violation
  it("0x23D: pendnomark.sys returns STATUS_PENDING without IoMarkIrpPending; P3 is the IRP, P4 the device object", () => {
    const r = rig("checked", PEND_NO_MARK_NAME, PendNoMarkDriverEntry);
    const other = rig("checked", PEND_NO_MARK_NAME, PendNoMarkDriverEntry);
    const d = expectBugCheck(r.m, DRIVER_VERIFIER_IOMANAGER_VIOLATION, () => r.client.control(IOCTL_BUG_TRIGGER));
    expect(d.name).toBe("DRIVER_VERIFIER_IOMANAGER_VIOLATION");
    expect(d.BugCheckParameter1).toBe(IOMGR_PENDING_WITHOUT_MARK);
    expect(d.BugCheckParameter1).toBe(0x23d);
    expect(d.BugCheckParameter3).toBe(extensionOf<PEND_NO_MARK_EXTENSION>(r, PEND_NO_MARK_NAME).LastIrp);
    expect(d.BugCheckParameter4).toBe(r.m.driver(PEND_NO_MARK_NAME)!.DeviceObject!.address);
    expect(d.driver).toBe("PendNoMark.sys");
    expect(d.explanation).toMatch(/STATUS_PENDING without calling IoMarkIrpPending/);
    expectRefusesWork(r, PEND_NO_MARK_NAME, other);
  });

  it("0x07: cancelleft.sys completes an IRP with its cancel routine still set; P2 is the cancel routine, P3 the IRP", () => {
    const r = rig("checked", CANCEL_LEFT_NAME, CancelLeftDriverEntry);
    const other = rig("checked", CANCEL_LEFT_NAME, CancelLeftDriverEntry);
    const d = expectBugCheck(r.m, DRIVER_VERIFIER_IOMANAGER_VIOLATION, () => r.client.control(IOCTL_BUG_TRIGGER));
    expect(d.BugCheckParameter1).toBe(IOMGR_COMPLETE_WITH_CANCEL_ROUTINE);
    expect((r.m.ob.addresses.lookup(d.BugCheckParameter2) as { name?: string } | null)?.name).toBe("CancelLeftCancel");
    expect(d.BugCheckParameter3).toBe(extensionOf<CANCEL_LEFT_EXTENSION>(r, CANCEL_LEFT_NAME).LastIrp);
    expect(d.BugCheckParameter4).toBe(0);
    expect(d.driver).toBe("CancelLeft.sys");
    expect(d.explanation).toMatch(/cancel routine/);
    expectRefusesWork(r, CANCEL_LEFT_NAME, other);
  });

  it("0x05: lockleak.sys returns from its dispatch routine at DISPATCH_LEVEL; P2 the device, P3/P4 the IRQLs before and after", () => {
    const r = rig("checked", LOCK_LEAK_NAME, LockLeakDriverEntry);
    const other = rig("checked", LOCK_LEAK_NAME, LockLeakDriverEntry);
    // A long enough input takes the path that releases the lock.
    expect(r.client.control(IOCTL_BUG_TRIGGER, [5, 0, 0, 0]).ok).toBe(true);
    const d = expectBugCheck(r.m, DRIVER_VERIFIER_IOMANAGER_VIOLATION, () => r.client.control(IOCTL_BUG_TRIGGER, [5]));
    expect(d.BugCheckParameter1).toBe(IOMGR_IRQL_CHANGED_BY_DISPATCH);
    expect(d.BugCheckParameter2).toBe(r.m.driver(LOCK_LEAK_NAME)!.DeviceObject!.address);
    expect(d.BugCheckParameter3).toBe(PASSIVE_LEVEL);
    expect(d.BugCheckParameter4).toBe(DISPATCH_LEVEL);
    expect(d.driver).toBe("LockLeak.sys");
    expect(d.explanation).toMatch(/different IRQL/);
    expectRefusesWork(r, LOCK_LEAK_NAME, other);
  });

  it("0x06: completepending.sys completes an IRP with STATUS_PENDING; P2 is the status, P3 the IRP", () => {
    const r = rig("checked", COMPLETE_PENDING_NAME, CompletePendingDriverEntry);
    const other = rig("checked", COMPLETE_PENDING_NAME, CompletePendingDriverEntry);
    const d = expectBugCheck(r.m, DRIVER_VERIFIER_IOMANAGER_VIOLATION, () => r.client.control(IOCTL_BUG_TRIGGER));
    expect(d.BugCheckParameter1).toBe(IOMGR_COMPLETE_WITH_PENDING_STATUS);
    expect(d.BugCheckParameter2).toBe(STATUS_PENDING);
    expect(d.BugCheckParameter3).toBe(extensionOf<COMPLETE_PENDING_EXTENSION>(r, COMPLETE_PENDING_NAME).LastIrp);
    expect(d.BugCheckParameter4).toBe(0);
    expect(d.driver).toBe("CompletePending.sys");
    expect(d.explanation).toMatch(/STATUS_PENDING/);
    expectRefusesWork(r, COMPLETE_PENDING_NAME, other);
  });
});

describe("the same drivers in the free flavor: no verifier, no 0xC9", () => {
  // A device I/O control is not a deferred-completion request (ReactOS IopDeviceFsIoControl
  // sets IRP_DEFER_IO_COMPLETION only for file system controls; NtReadFile/NtWriteFile set it
  // for every read and write), so IoCompleteRequest finishes it in the requesting thread
  // whether or not a stack location says "pending".
  it("pendnomark.sys: a device I/O control it pends without IoMarkIrpPending still reaches a synchronous caller", () => {
    const r = rig("free", PEND_NO_MARK_NAME, PendNoMarkDriverEntry);
    const res = r.client.control(IOCTL_BUG_TRIGGER);
    expect(res.ok).toBe(true);
    expect(extensionOf<PEND_NO_MARK_EXTENSION>(r, PEND_NO_MARK_NAME).Completed).toBe(1);
    expect(r.m.stopped).toBe(false);
  });

  it("pendnomark.sys: ...and an overlapped one", () => {
    const r = rig("free", PEND_NO_MARK_NAME, PendNoMarkDriverEntry, true);
    const call = r.client.control(IOCTL_BUG_TRIGGER);
    expect(call.overlapped).not.toBeNull();
    r.m.runFor(100);
    expect(extensionOf<PEND_NO_MARK_EXTENSION>(r, PEND_NO_MARK_NAME).Completed).toBe(1);
    expect(HasOverlappedIoCompleted(call.overlapped!)).toBe(true);
    expect(call.overlapped!.Internal).toBe(STATUS_SUCCESS);
  });

  it("pendnomark.sys: the same bug on a read loses the request: a synchronous reader waits forever", () => {
    const r = rig("free", PEND_NO_MARK_NAME, PendNoMarkDriverEntry);
    expect(() => r.client.read()).toThrow(MachineDeadlock);
    expect(r.m.stopped).toBe(false);
    // The driver did complete it; nothing said it had pended.
    expect(extensionOf<PEND_NO_MARK_EXTENSION>(r, PEND_NO_MARK_NAME).Completed).toBe(1);
  });

  it("pendnomark.sys: an overlapped reader sees ERROR_IO_PENDING and never a completion", () => {
    const r = rig("free", PEND_NO_MARK_NAME, PendNoMarkDriverEntry, true);
    const call = r.client.read();
    expect(call.overlapped).not.toBeNull();
    r.m.runFor(100);
    expect(extensionOf<PEND_NO_MARK_EXTENSION>(r, PEND_NO_MARK_NAME).Completed).toBe(1);
    expect(HasOverlappedIoCompleted(call.overlapped!)).toBe(false);
    expect(r.m.stopped).toBe(false);
    expect(r.client.ping()).toBe(true);
  });

  it("pendnomark.sys: the checked flavor catches the read too (0x23D)", () => {
    const r = rig("checked", PEND_NO_MARK_NAME, PendNoMarkDriverEntry);
    const d = expectBugCheck(r.m, DRIVER_VERIFIER_IOMANAGER_VIOLATION, () => r.client.read());
    expect(d.BugCheckParameter1).toBe(0x23d);
  });

  it("cancelleft.sys: the request succeeds and the machine runs on", () => {
    const r = rig("free", CANCEL_LEFT_NAME, CancelLeftDriverEntry);
    const res = r.client.control(IOCTL_BUG_TRIGGER);
    expect(res).toMatchObject({ ok: true, bytes: 4 });
    expect(r.client.control(IOCTL_BUG_TRIGGER).ok).toBe(true);
    expect(extensionOf<CANCEL_LEFT_EXTENSION>(r, CANCEL_LEFT_NAME).Handled).toBe(2);
    expect(r.m.stopped).toBe(false);
  });

  it("completepending.sys: no bug check; the synchronous caller is told it succeeded, with nothing returned", () => {
    // The driver completed the IRP with STATUS_PENDING and returned STATUS_PENDING: the I/O
    // manager waits for the file object, whose final status is STATUS_PENDING, and kernel32
    // waits on the handle and takes that status, which is not an error.
    const r = rig("free", COMPLETE_PENDING_NAME, CompletePendingDriverEntry);
    const res = r.client.control(IOCTL_BUG_TRIGGER);
    expect(res).toMatchObject({ ok: true, bytes: 0 });
    expect(r.m.stopped).toBe(false);
    expect(r.client.ping()).toBe(true);
  });

  it("lockleak.sys: not 0xC9 at the dispatch routine, but IRQL_GT_ZERO_AT_SYSTEM_SERVICE (0x4A) on the way back to user mode", () => {
    const r = rig("free", LOCK_LEAK_NAME, LockLeakDriverEntry);
    const other = rig("free", LOCK_LEAK_NAME, LockLeakDriverEntry);
    const d = expectBugCheck(r.m, IRQL_GT_ZERO_AT_SYSTEM_SERVICE, () => r.client.control(IOCTL_BUG_TRIGGER, [5]));
    expect(d.name).toBe("IRQL_GT_ZERO_AT_SYSTEM_SERVICE");
    expect(d.BugCheckParameter2).toBe(DISPATCH_LEVEL);
    // Found after the driver returned: nobody to name.
    expect(d.driver).toBeNull();
    expectRefusesWork(r, LOCK_LEAK_NAME, other);
  });
});
