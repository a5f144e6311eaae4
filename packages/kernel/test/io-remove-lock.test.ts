import { describe, expect, it } from "vitest";
import {
  boot, CTL_CODE, DRIVER_VERIFIER_DETECTED_VIOLATION, FILE_ANY_ACCESS, FILE_DEVICE_UNKNOWN, IO_REMOVE_LOCK, IO_STATUS_BLOCK, IoAcquireRemoveLock,
  IoInitializeRemoveLock, IoMarkIrpPending, IoReleaseRemoveLock, IoReleaseRemoveLockAndWait, IRP_MJ_DEVICE_CONTROL, KDPC, KeDelayExecutionThread,
  KeInitializeDpc, KeInitializeTimer, KernelMode, KeSetTimer, KMODE_EXCEPTION_NOT_HANDLED, KTIMER, METHOD_BUFFERED, NT_SUCCESS, NtDeviceIoControlFile,
  POOL_TAG, STATUS_BREAKPOINT, STATUS_DELETE_PENDING, STATUS_PENDING, STATUS_SUCCESS, VF_REMOVE_LOCK_REINITIALIZED,
  VF_REMOVE_LOCK_RELEASE_AND_WAIT_TAG, VF_REMOVE_LOCK_RELEASE_TAG, type Flavor, type IRP, type Machine,
} from "../src/index.js";
import { bootWithDriver, complete, expectBugCheck, ms, startThread } from "./helpers.js";

const IOCTL_SLOW = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS);
const TAG = POOL_TAG("RmLk");

function removeLock(m: Machine, MaxLockedMinutes = 0, HighWatermark = 0): IO_REMOVE_LOCK {
  return m.runInKernel(() => {
    const lock = new IO_REMOVE_LOCK();
    IoInitializeRemoveLock(lock, TAG, MaxLockedMinutes, HighWatermark);
    return lock;
  });
}

describe("Io: remove locks", () => {
  /**
   * A driver whose device-control requests hold its remove lock while they are in flight
   * (20 ms, completed by a timer's DPC), and a REMOVE path that waits for them.
   */
  function guardedDriver() {
    const st = { lock: null as IO_REMOVE_LOCK | null, pending: null as IRP | null, timer: new KTIMER(), dpc: new KDPC(), log: [] as string[] };
    const env = bootWithDriver({
      name: "Guarded",
      init: () => {
        st.lock = new IO_REMOVE_LOCK();
        IoInitializeRemoveLock(st.lock, TAG, 0, 0);
        KeInitializeTimer(st.timer);
        KeInitializeDpc(st.dpc, () => {
          const irp = st.pending!;
          st.pending = null;
          st.log.push(`request done@${env.m.now}`);
          IoReleaseRemoveLock(st.lock!, irp);
          complete(irp, STATUS_SUCCESS);
        }, null);
      },
      dispatch: {
        [IRP_MJ_DEVICE_CONTROL]: (_d, irp) => {
          const status = IoAcquireRemoveLock(st.lock!, irp);
          if (!NT_SUCCESS(status)) return complete(irp, status);
          st.log.push(`request in@${env.m.now}`);
          IoMarkIrpPending(irp);
          st.pending = irp;
          KeSetTimer(st.timer, ms(20), st.dpc);
          return STATUS_PENDING;
        },
      },
    });
    return { ...env, st };
  }

  function ioctl(env: ReturnType<typeof guardedDriver>): number {
    return env.m.syscall(env.c.thread, () => NtDeviceIoControlFile(env.h, 0, null, null, new IO_STATUS_BLOCK(), IOCTL_SLOW, 0, 0, 0, 0));
  }

  it("IoReleaseRemoveLockAndWait waits until the request in flight has released the lock; later requests get STATUS_DELETE_PENDING", () => {
    const env = guardedDriver();
    const { m, st } = env;
    startThread(m, function* remove() {
      yield* KeDelayExecutionThread(KernelMode, false, ms(5));
      st.log.push(`remove acquires:${IoAcquireRemoveLock(st.lock!, "remove")}@${m.now}`);
      yield* IoReleaseRemoveLockAndWait(st.lock!, "remove");
      st.log.push(`removed@${m.now}`);
    });
    expect(ioctl(env)).toBe(STATUS_SUCCESS);
    m.run();
    expect(st.log).toEqual(["request in@0", "remove acquires:0@5", "request done@20", "removed@20"]);
    expect(ioctl(env)).toBe(STATUS_DELETE_PENDING);
    expect([st.lock!.IoCount, st.lock!.Removed, st.lock!.Blocks.length]).toEqual([0, true, 0]);
  });

  it("with nothing in flight, the removal does not wait", () => {
    const m = boot();
    const lock = removeLock(m);
    const log: string[] = [];
    startThread(m, function* remove() {
      IoAcquireRemoveLock(lock, null);
      yield* IoReleaseRemoveLockAndWait(lock, null);
      log.push(`removed@${m.now}`);
      log.push(`acquire after removal:${IoAcquireRemoveLock(lock, null) === STATUS_DELETE_PENDING ? "STATUS_DELETE_PENDING" : "?"}`);
    });
    m.run();
    expect(log).toEqual(["removed@0", "acquire after removal:STATUS_DELETE_PENDING"]);
    expect(lock.IoCount).toBe(0);
  });
});

describe("Io: remove lock tracking, checked and free", () => {
  it("releasing with a tag no acquisition used: 0xC4, 0xD5 in the checked flavor; free Windows does not look", () => {
    for (const flavor of ["checked", "free"] as Flavor[]) {
      const m = boot({ flavor });
      const lock = removeLock(m);
      const run = () =>
        m.runInKernel(() => {
          IoAcquireRemoveLock(lock, 0x1111);
          IoReleaseRemoveLock(lock, 0x2222);
        });
      if (flavor === "checked") {
        const d = expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, run);
        expect([d.BugCheckParameter1, d.BugCheckParameter2, d.BugCheckParameter3]).toEqual([VF_REMOVE_LOCK_RELEASE_TAG, lock.id, 0x2222]);
      } else {
        run();
        expect(lock.IoCount).toBe(1);
      }
    }
  });

  it("more acquisitions than HighWatermark (which counts the lock's own bias) fail the checked build's assertion: 0x1E with STATUS_BREAKPOINT", () => {
    const m = boot();
    const lock = removeLock(m, 0, 3);
    const d = expectBugCheck(m, KMODE_EXCEPTION_NOT_HANDLED, () =>
      m.runInKernel(() => {
        expect(IoAcquireRemoveLock(lock, 1)).toBe(STATUS_SUCCESS);
        expect(IoAcquireRemoveLock(lock, 2)).toBe(STATUS_SUCCESS);
        IoAcquireRemoveLock(lock, 3);
      }),
    );
    expect(d.BugCheckParameter1).toBe(STATUS_BREAKPOINT >>> 0);
    expect(d.explanation).toMatch(/over allocated/);

    const free = boot({ flavor: "free" });
    const freeLock = removeLock(free, 0, 3);
    free.runInKernel(() => {
      for (let i = 0; i < 5; i++) expect(IoAcquireRemoveLock(freeLock, i)).toBe(STATUS_SUCCESS);
    });
  });

  it("an acquisition held longer than MaxLockedMinutes fails the checked build's assertion when a release looks at it", () => {
    for (const heldSeconds of [90, 30]) {
      const m = boot();
      const lock = removeLock(m, 1);
      startThread(m, function* slow() {
        IoAcquireRemoveLock(lock, "long");
        yield* KeDelayExecutionThread(KernelMode, false, ms(heldSeconds * 1000));
        IoAcquireRemoveLock(lock, "short");
        IoReleaseRemoveLock(lock, "short");
      });
      if (heldSeconds > 60) {
        const d = expectBugCheck(m, KMODE_EXCEPTION_NOT_HANDLED, () => m.run());
        expect(d.explanation).toMatch(/longer than its MaxLockedMinutes/);
      } else {
        m.run();
        expect(m.stopped).toBe(false);
      }
    }
  });

  it("IoReleaseRemoveLockAndWait with a tag the caller did not acquire with: 0xC4, 0xD6", () => {
    const m = boot();
    const lock = removeLock(m);
    startThread(m, function* remove() {
      IoAcquireRemoveLock(lock, 0xaaaa);
      yield* IoReleaseRemoveLockAndWait(lock, 0xbbbb);
    });
    const d = expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, () => m.run());
    expect([d.BugCheckParameter1, d.BugCheckParameter2, d.BugCheckParameter3, d.BugCheckParameter4]).toEqual([VF_REMOVE_LOCK_RELEASE_AND_WAIT_TAG, lock.id, 0xbbbb, 0xaaaa]);
  });

  it("IoReleaseRemoveLockAndWait twice: the checked build's assertion (0x1E, STATUS_BREAKPOINT); free Windows returns at once", () => {
    for (const flavor of ["checked", "free"] as Flavor[]) {
      const m = boot({ flavor });
      const lock = removeLock(m);
      const log: string[] = [];
      startThread(m, function* twice() {
        IoAcquireRemoveLock(lock, null);
        yield* IoReleaseRemoveLockAndWait(lock, null);
        log.push("first");
        yield* IoReleaseRemoveLockAndWait(lock, null);
        log.push("second");
      });
      if (flavor === "checked") {
        const d = expectBugCheck(m, KMODE_EXCEPTION_NOT_HANDLED, () => m.run());
        expect(d.BugCheckParameter1).toBe(STATUS_BREAKPOINT >>> 0);
        expect(log).toEqual(["first"]);
      } else {
        m.run();
        expect(log).toEqual(["first", "second"]);
      }
    }
  });

  it("initialising a remove lock a second time is 0xC4, 0xD7 in the checked flavor", () => {
    const m = boot();
    const lock = removeLock(m);
    const d = expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, () => m.runInKernel(() => IoInitializeRemoveLock(lock, TAG, 0, 0)));
    expect([d.BugCheckParameter1, d.BugCheckParameter2]).toEqual([VF_REMOVE_LOCK_REINITIALIZED, lock.id]);
  });
});
