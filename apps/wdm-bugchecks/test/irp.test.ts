import { describe, expect, it } from "vitest";
import { MULTIPLE_IRP_COMPLETE_REQUESTS, NO_MORE_IRP_STACK_LOCATIONS } from "@wdfjs/kernel";
import {
  DOUBLE_COMPLETE_NAME, DoubleCompleteDriverEntry, IOCTL_BUG_TRIGGER, IOCTL_BUG_TRIGGER_2, NEVER_ATTACHED_NAME,
  NeverAttachedDriverEntry, type DOUBLE_COMPLETE_EXTENSION, type NEVER_ATTACHED_EXTENSION,
} from "../src/index.js";
import { expectBugCheck, expectRefusesWork, rig, type Rig } from "./helpers.js";

function extensionOf<T>(r: Rig, name: string): T {
  return r.m.driver(name)!.DeviceObject!.DeviceExtension as T;
}

describe.each(["checked", "free"] as const)("%s flavor", (flavor) => {
  it("MULTIPLE_IRP_COMPLETE_REQUESTS (0x44): doublecomplete.sys completes a too-short request twice; P1 is the IRP", () => {
    const r = rig(flavor, DOUBLE_COMPLETE_NAME, DoubleCompleteDriverEntry);
    const other = rig(flavor, DOUBLE_COMPLETE_NAME, DoubleCompleteDriverEntry);
    // The good path completes once and works.
    expect(r.client.control(IOCTL_BUG_TRIGGER, [1, 2, 3, 4]).ok).toBe(true);
    const d = expectBugCheck(r.m, MULTIPLE_IRP_COMPLETE_REQUESTS, () => r.client.control(IOCTL_BUG_TRIGGER, [1, 2]));
    expect(d.name).toBe("MULTIPLE_IRP_COMPLETE_REQUESTS");
    const irp = extensionOf<DOUBLE_COMPLETE_EXTENSION>(r, DOUBLE_COMPLETE_NAME).LastIrp;
    expect(irp).toBeLessThan(0); // the IRP's kernel address
    expect(d.BugCheckParameter1).toBe(irp);
    expect(d.driver).toBe("DoubleComplete.sys");
    expect(d.explanation).toMatch(/already complete/);
    expectRefusesWork(r, DOUBLE_COMPLETE_NAME, other);
  });

  it("NO_MORE_IRP_STACK_LOCATIONS (0x35): neverattached.sys forwards from a device it never attached; P1 is the client's IRP", () => {
    const r = rig(flavor, NEVER_ATTACHED_NAME, NeverAttachedDriverEntry);
    const other = rig(flavor, NEVER_ATTACHED_NAME, NeverAttachedDriverEntry);
    // The opened device was never attached, so its IRPs have one stack location.
    expect(r.m.driver(NEVER_ATTACHED_NAME)!.DeviceObject!.StackSize).toBe(1);
    const d = expectBugCheck(r.m, NO_MORE_IRP_STACK_LOCATIONS, () => r.client.control(IOCTL_BUG_TRIGGER));
    expect(d.name).toBe("NO_MORE_IRP_STACK_LOCATIONS");
    expect(d.BugCheckParameter1).toBe(extensionOf<NEVER_ATTACHED_EXTENSION>(r, NEVER_ATTACHED_NAME).LastIrp);
    expect(d.driver).toBe("NeverAttached.sys");
    expect(d.explanation).toMatch(/stack location/);
    expectRefusesWork(r, NEVER_ATTACHED_NAME, other);
  });

  it("NO_MORE_IRP_STACK_LOCATIONS (0x35): an IoAllocateIrp(1) IRP sent down twice; P1 is that IRP", () => {
    const r = rig(flavor, NEVER_ATTACHED_NAME, NeverAttachedDriverEntry);
    const other = rig(flavor, NEVER_ATTACHED_NAME, NeverAttachedDriverEntry);
    const d = expectBugCheck(r.m, NO_MORE_IRP_STACK_LOCATIONS, () => r.client.control(IOCTL_BUG_TRIGGER_2));
    const own = extensionOf<NEVER_ATTACHED_EXTENSION>(r, NEVER_ATTACHED_NAME).LastIrp;
    expect(d.BugCheckParameter1).toBe(own);
    expect(d.driver).toBe("NeverAttached.sys");
    expectRefusesWork(r, NEVER_ATTACHED_NAME, other);
  });
});
