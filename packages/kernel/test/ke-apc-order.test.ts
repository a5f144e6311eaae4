import { describe, expect, it } from "vitest";
import {
  APC_LEVEL, boot, CTL_CODE, Executive, FILE_ANY_ACCESS, FILE_DEVICE_UNKNOWN, IO_STATUS_BLOCK, IoBuildDeviceIoControlRequest, IoCallDriver,
  IoMarkIrpPending, IRP_MJ_DEVICE_CONTROL, KDPC, KeEnterCriticalRegion, KeEnterGuardedRegion, KeGetCurrentIrql, KeInitializeDpc, KeInitializeEvent, KeInitializeTimer,
  KeLeaveCriticalRegion, KeLeaveGuardedRegion, KeLowerIrql, KeRaiseIrql, KernelMode, KeSetEvent, KeSetTimer, KeWaitForSingleObject, KEVENT, KTIMER, METHOD_BUFFERED,
  NotificationEvent, Out, PASSIVE_LEVEL, STATUS_PENDING, STATUS_SUCCESS, type DEVICE_OBJECT, type Flavor, type IRP, type KIRQL,
} from "../src/index.js";
import { complete, ms, startThread, tinyDriver } from "./helpers.js";

const IOCTL_SLOW = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS);
const flavors: Flavor[] = ["checked", "free"];

type Where = "passive" | "APC_LEVEL" | "guarded region" | "critical region";

/**
 * A system thread sends a request the driver pends, then waits (where `where` says) for
 * another event. 10 ms later one DPC completes the request (a special kernel APC to the
 * thread finishes it, filling the IO_STATUS_BLOCK) and sets that event, so the thread's
 * wake and its APC are ready together. The log says what the thread saw when it resumed
 * and after it dropped back to PASSIVE_LEVEL outside any region.
 */
function resumeWithApcPending(flavor: Flavor, seed: number, where: Where): string[] {
  const m = boot({ flavor, seed, processors: 2 });
  let pending: IRP | null = null;
  let dev: DEVICE_OBJECT | null = null;
  const wake = new KEVENT();
  const drv = tinyDriver({
    name: "Slow",
    init: (_d, device) => {
      dev = device;
      KeInitializeEvent(wake, NotificationEvent, false);
      const dpc = new KDPC();
      KeInitializeDpc(dpc, () => {
        complete(pending!, STATUS_SUCCESS);
        KeSetEvent(wake, 0, false);
      }, null);
      const timer = new KTIMER();
      KeInitializeTimer(timer);
      KeSetTimer(timer, ms(10), dpc);
    },
    dispatch: {
      [IRP_MJ_DEVICE_CONTROL]: (_d, irp) => {
        IoMarkIrpPending(irp);
        pending = irp;
        return STATUS_PENDING;
      },
    },
  });
  expect(m.loadDriver("Slow", drv.DriverEntry)).toBe(STATUS_SUCCESS);
  const log: string[] = [];
  startThread(m, function* requester() {
    const iosb = new IO_STATUS_BLOCK();
    iosb.Status = STATUS_PENDING;
    const done = new KEVENT();
    KeInitializeEvent(done, NotificationEvent, false);
    const seen = () => (iosb.Status === STATUS_PENDING ? "pending" : iosb.Status === STATUS_SUCCESS ? "done" : String(iosb.Status));
    IoCallDriver(dev!, IoBuildDeviceIoControlRequest(IOCTL_SLOW, dev!, 0, 0, 0, 0, false, done, iosb)!);
    const old = Out<KIRQL>(0);
    if (where === "APC_LEVEL") KeRaiseIrql(APC_LEVEL, old);
    if (where === "guarded region") KeEnterGuardedRegion();
    if (where === "critical region") KeEnterCriticalRegion();
    yield* KeWaitForSingleObject(wake, Executive, KernelMode, false, null);
    log.push(`resumed@${KeGetCurrentIrql()}: ${seen()}`);
    if (where === "APC_LEVEL") KeLowerIrql(old.value);
    if (where === "guarded region") KeLeaveGuardedRegion();
    if (where === "critical region") KeLeaveCriticalRegion();
    log.push(`then: ${seen()}`);
  });
  m.run();
  return log;
}

describe("Ke: kernel APC delivery order", () => {
  it("a thread switched back in at PASSIVE_LEVEL runs its pending kernel APCs before it goes on, whatever the seed", () => {
    for (const flavor of flavors) {
      for (let seed = 1; seed <= 30; seed++) {
        expect(resumeWithApcPending(flavor, seed, "passive"), `${flavor} seed ${seed}`).toEqual([`resumed@${PASSIVE_LEVEL}: done`, "then: done"]);
      }
    }
  });

  it("a critical region does not hold it back: the IRP's completion is a special kernel APC", () => {
    for (const flavor of flavors) {
      for (let seed = 1; seed <= 10; seed++) {
        expect(resumeWithApcPending(flavor, seed, "critical region"), `${flavor} seed ${seed}`).toEqual([`resumed@${PASSIVE_LEVEL}: done`, "then: done"]);
      }
    }
  });

  it("a thread that waited at APC_LEVEL is not interrupted for a kernel APC: it runs when the thread lowers its IRQL", () => {
    for (const flavor of flavors) {
      for (let seed = 1; seed <= 30; seed++) {
        expect(resumeWithApcPending(flavor, seed, "APC_LEVEL"), `${flavor} seed ${seed}`).toEqual([`resumed@${APC_LEVEL}: pending`, "then: done"]);
      }
    }
  });

  it("a guarded region (special kernel APCs disabled) holds the APC back until the thread leaves it", () => {
    for (const flavor of flavors) {
      for (let seed = 1; seed <= 30; seed++) {
        expect(resumeWithApcPending(flavor, seed, "guarded region"), `${flavor} seed ${seed}`).toEqual([`resumed@${PASSIVE_LEVEL}: pending`, "then: done"]);
      }
    }
  });
});
