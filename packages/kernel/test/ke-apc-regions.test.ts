import { describe, expect, it } from "vitest";
import {
  APC_LEVEL, boot, CTL_CODE, DISPATCH_LEVEL, DRIVER_VERIFIER_DETECTED_VIOLATION, Executive, ExAcquireFastMutex, ExInitializeFastMutex,
  ExReleaseFastMutex, FAST_MUTEX, FILE_ANY_ACCESS, FILE_DEVICE_UNKNOWN, IO_STATUS_BLOCK, IoBuildDeviceIoControlRequest, IoCallDriver,
  IoMarkIrpPending, IRP_MJ_DEVICE_CONTROL, KDPC, KeAreAllApcsDisabled, KeAreApcsDisabled, KeEnterCriticalRegion, KeEnterGuardedRegion,
  KeInitializeDpc, KeInitializeEvent, KeInitializeTimer, KeLeaveCriticalRegion, KeLeaveGuardedRegion, KeLowerIrql, KeRaiseIrql,
  KeReadStateEvent, KernelMode, KeSetTimer, KeWaitForSingleObject, KEVENT, KTIMER, METHOD_BUFFERED, NotificationEvent, Out, STATUS_PENDING,
  STATUS_SUCCESS, STATUS_TIMEOUT, VF_RULE_GUARDED_REGIONS, VF_RULE_IRQL_KE_APC_LTE2, type IRP, type KIRQL, type Machine,
} from "../src/index.js";
import { complete, expectBugCheck, ms, startThread, tinyDriver } from "./helpers.js";

const IOCTL_SLOW = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS);

/** A driver that pends device-control requests and completes them 10 ms later from a DPC. */
function slowDriver(m: Machine) {
  const timer = new KTIMER();
  const dpc = new KDPC();
  let pending: IRP | null = null;
  const drv = tinyDriver({
    name: "Slow",
    init: () => {
      KeInitializeTimer(timer);
      KeInitializeDpc(dpc, () => {
        const irp = pending!;
        pending = null;
        complete(irp, STATUS_SUCCESS);
      }, null);
    },
    dispatch: {
      [IRP_MJ_DEVICE_CONTROL]: (_d, irp) => {
        IoMarkIrpPending(irp);
        pending = irp;
        KeSetTimer(timer, ms(10), dpc);
        return STATUS_PENDING;
      },
    },
  });
  expect(m.loadDriver("Slow", drv.DriverEntry)).toBe(STATUS_SUCCESS);
  return drv.device!;
}

type Region = "critical" | "guarded" | "fast mutex";

/**
 * A system thread in `region` sends a request that completes 10 ms later and waits 50 ms
 * for its event: the IRP is finished by a special kernel APC to this thread, which sets
 * the event. Then the thread leaves the region.
 */
function requestInside(region: Region): string[] {
  const m = boot();
  const dev = slowDriver(m);
  const log: string[] = [];
  const fm = new FAST_MUTEX();
  startThread(m, function* requester() {
    ExInitializeFastMutex(fm);
    if (region === "critical") KeEnterCriticalRegion();
    else if (region === "guarded") KeEnterGuardedRegion();
    else yield* ExAcquireFastMutex(fm);
    const ev = new KEVENT();
    KeInitializeEvent(ev, NotificationEvent, false);
    const iosb = new IO_STATUS_BLOCK();
    iosb.Status = STATUS_PENDING;
    const irp = IoBuildDeviceIoControlRequest(IOCTL_SLOW, dev, 0, 0, 0, 0, false, ev, iosb)!;
    IoCallDriver(dev, irp);
    const st = yield* KeWaitForSingleObject(ev, Executive, KernelMode, false, ms(50));
    log.push(`wait:${st === STATUS_TIMEOUT ? "timeout" : st}@${m.now} iosb:${iosb.Status === STATUS_PENDING ? "pending" : iosb.Status}`);
    if (region === "critical") KeLeaveCriticalRegion();
    else if (region === "guarded") KeLeaveGuardedRegion();
    else ExReleaseFastMutex(fm);
    log.push(`left:${KeReadStateEvent(ev)}@${m.now} iosb:${iosb.Status === STATUS_PENDING ? "pending" : iosb.Status}`);
  });
  m.run();
  return log;
}

describe("Ke: critical and guarded regions", () => {
  it("KeAreApcsDisabled reports critical and guarded regions; KeAreAllApcsDisabled guarded regions and APC_LEVEL", () => {
    const m = boot();
    const seen: boolean[][] = [];
    startThread(m, function* probe() {
      const both = () => seen.push([KeAreApcsDisabled(), KeAreAllApcsDisabled()]);
      both();
      KeEnterCriticalRegion();
      both();
      KeLeaveCriticalRegion();
      KeEnterGuardedRegion();
      KeEnterGuardedRegion();
      both();
      KeLeaveGuardedRegion();
      both();
      KeLeaveGuardedRegion();
      const old = Out<KIRQL>(0);
      KeRaiseIrql(APC_LEVEL, old);
      both();
      KeLowerIrql(old.value);
      both();
    });
    m.run();
    expect(seen).toEqual([[false, false], [true, false], [true, true], [true, true], [false, true], [false, false]]);
  });

  it("an IRP's completion (a special kernel APC) reaches a thread in a critical region", () => {
    expect(requestInside("critical")).toEqual(["wait:0@10 iosb:0", "left:1@10 iosb:0"]);
  });

  it("a guarded region holds the completion back until the thread leaves it", () => {
    expect(requestInside("guarded")).toEqual(["wait:timeout@50 iosb:pending", "left:1@50 iosb:0"]);
  });

  it("so does holding a fast mutex (APC_LEVEL): the completion runs when ExReleaseFastMutex lowers the IRQL", () => {
    expect(requestInside("fast mutex")).toEqual(["wait:timeout@50 iosb:pending", "left:1@50 iosb:0"]);
  });

  it("the checked flavor: KeLeaveGuardedRegion without a region (0xC4, 0x4000E); KeEnterGuardedRegion above APC_LEVEL (0xC4, 0x20010)", () => {
    const m = boot();
    startThread(m, function* unbalanced() {
      KeLeaveGuardedRegion();
    });
    expect(expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, () => m.run()).BugCheckParameter1).toBe(VF_RULE_GUARDED_REGIONS);

    const m2 = boot();
    startThread(m2, function* raised() {
      const old = Out<KIRQL>(0);
      KeRaiseIrql(DISPATCH_LEVEL, old);
      KeEnterGuardedRegion();
    });
    const d = expectBugCheck(m2, DRIVER_VERIFIER_DETECTED_VIOLATION, () => m2.run());
    expect([d.BugCheckParameter1, d.BugCheckParameter2]).toEqual([VF_RULE_IRQL_KE_APC_LTE2, DISPATCH_LEVEL]);
  });
});
