import { describe, expect, it } from "vitest";
import {
  boot, DISPATCH_LEVEL, DRIVER_VERIFIER_IOMANAGER_VIOLATION, GENERIC_READ, IO_CSQ, IO_CSQ_IRP_CONTEXT, IO_STATUS_BLOCK, IoAcquireCancelSpinLock,
  IoAllocateIrp, IoCallDriver, IoCancelIrp, IoCsqInitialize, IoCsqInsertIrp, IoCsqRemoveIrp, IoCsqRemoveNextIrp, IoGetCurrentIrpStackLocation,
  IoGetNextIrpStackLocation, IoMarkIrpPending, IoReleaseCancelSpinLock, IoSetCancelRoutine, IRP_MJ_CLEANUP, IRP_MJ_CLOSE, IRP_MJ_CREATE,
  IRP_MJ_READ, KeAcquireSpinLock, KeGetCurrentIrql, KeReleaseSpinLock, KeTestSpinLock, KSPIN_LOCK, NtCancelIoFile, NtCancelIoFileEx, NtClose,
  NtReadFile, PASSIVE_LEVEL, STATUS_CANCELLED, STATUS_PENDING, STATUS_SUCCESS, type DRIVER_CANCEL, type FILE_OBJECT, type Flavor, type IRP,
  type Machine,
} from "../src/index.js";
import { bootWithDriver, type Client, complete, expectBugCheck, open, userAlloc } from "./helpers.js";

/** Overlapped reads: each gets its own IO_STATUS_BLOCK and "OVERLAPPED" (ApcContext). */
function readAsync(m: Machine, c: Client, h: number, buf: number) {
  const iosb = new IO_STATUS_BLOCK();
  const overlapped = { id: Symbol("ov") };
  const status = m.syscall(c.thread, () => NtReadFile(h, 0, null, overlapped, iosb, buf, 8, 0, 0));
  return { iosb, overlapped, status };
}

describe("Io: cancellation", () => {
  function cancelDriver(flavor: Flavor, opts: { setRoutine: boolean; clearBeforeComplete?: boolean }) {
    const st = {
      pending: [] as IRP[],
      seen: null as null | { lockHeld: boolean; irql: number; cancel: boolean; routineCleared: boolean; device: boolean },
      previous: [] as (DRIVER_CANCEL | null)[],
    };
    const CancelRoutine: DRIVER_CANCEL = (DeviceObject, Irp) => {
      st.seen = {
        lockHeld: !KeTestSpinLock(m().io.cancelSpinLock),
        irql: KeGetCurrentIrql(),
        cancel: Irp.Cancel,
        routineCleared: Irp.CancelRoutine === null,
        device: DeviceObject === env.drv.device,
      };
      IoReleaseCancelSpinLock(Irp.CancelIrql);
      st.pending.splice(st.pending.indexOf(Irp), 1);
      complete(Irp, STATUS_CANCELLED);
    };
    const env = bootWithDriver({
      name: "Cancel",
      flavor,
      options: 0,
      access: GENERIC_READ,
      dispatch: {
        [IRP_MJ_READ]: (_d, irp) => {
          IoMarkIrpPending(irp);
          if (opts.setRoutine) {
            st.previous.push(IoSetCancelRoutine(irp, CancelRoutine));
            st.previous.push(IoSetCancelRoutine(irp, CancelRoutine));
          }
          st.pending.push(irp);
          return STATUS_PENDING;
        },
      },
    });
    const m = () => env.m;
    const buf = userAlloc(env.m, env.c);
    /** The driver finishes a request itself, clearing its cancel routine first as it must (unless told not to). */
    const finish = (irp: IRP) =>
      env.m.runInKernel(() => {
        if (opts.clearBeforeComplete !== false) IoSetCancelRoutine(irp, null);
        st.pending.splice(st.pending.indexOf(irp), 1);
        complete(irp, STATUS_SUCCESS, 8);
      });
    return { ...env, st, buf, CancelRoutine, finish };
  }

  it("IoSetCancelRoutine exchanges the routine and returns the previous one", () => {
    const d = cancelDriver("checked", { setRoutine: true });
    expect(readAsync(d.m, d.c, d.h, d.buf).status).toBe(STATUS_PENDING);
    expect(d.st.previous).toEqual([null, d.CancelRoutine]);
  });

  it("IoCancelIrp calls the cancel routine at DISPATCH_LEVEL with the cancel spin lock held and Irp->Cancel set", () => {
    const d = cancelDriver("checked", { setRoutine: true });
    const r = readAsync(d.m, d.c, d.h, d.buf);
    const irp = d.st.pending[0]!;
    const called = d.m.runInKernel(() => {
      const res = IoCancelIrp(irp);
      return { res, lockFree: KeTestSpinLock(d.m.io.cancelSpinLock), irql: KeGetCurrentIrql() };
    });
    expect(called).toEqual({ res: true, lockFree: true, irql: PASSIVE_LEVEL });
    expect(d.st.seen).toEqual({ lockHeld: true, irql: DISPATCH_LEVEL, cancel: true, routineCleared: true, device: true });
    d.m.run();
    expect(r.iosb.Status).toBe(STATUS_CANCELLED);
  });

  it("IoCancelIrp returns FALSE without a cancel routine, but marks the IRP cancelled for the driver to see", () => {
    const d = cancelDriver("checked", { setRoutine: false });
    const r = readAsync(d.m, d.c, d.h, d.buf);
    const irp = d.st.pending[0]!;
    expect(d.m.runInKernel(() => IoCancelIrp(irp))).toBe(false);
    expect(irp.Cancel).toBe(true);
    expect(d.st.seen).toBeNull();
    expect(r.iosb.Status).toBe(STATUS_PENDING);
    d.finish(irp);
    d.m.run();
    expect(r.iosb.Status).toBe(STATUS_SUCCESS);
  });

  it("NtCancelIoFile cancels the calling thread's pending requests on the handle", () => {
    const d = cancelDriver("checked", { setRoutine: true });
    const a = readAsync(d.m, d.c, d.h, d.buf);
    const b = readAsync(d.m, d.c, d.h, d.buf);
    expect(d.m.syscall(d.c.thread, () => NtCancelIoFile(d.h, new IO_STATUS_BLOCK()))).toBe(STATUS_SUCCESS);
    d.m.run();
    expect([a.iosb.Status, b.iosb.Status]).toEqual([STATUS_CANCELLED, STATUS_CANCELLED]);
    expect(d.st.pending).toHaveLength(0);
  });

  it("the I/O verifier (checked) stops a driver that completes an IRP with its cancel routine still set (0xC9, 0x07)", () => {
    const d = cancelDriver("checked", { setRoutine: true, clearBeforeComplete: false });
    readAsync(d.m, d.c, d.h, d.buf);
    const irp = d.st.pending[0]!;
    const data = expectBugCheck(d.m, DRIVER_VERIFIER_IOMANAGER_VIOLATION, () => d.finish(irp));
    // https://learn.microsoft.com/windows-hardware/drivers/debugger/bug-check-0xc9--driver-verifier-iomanager-violation
    // 0x07: P2 the cancel routine's address, P3 the IRP being completed, P4 0.
    expect(data.BugCheckParameter1).toBe(0x07);
    expect(d.m.ob.addresses.lookup(data.BugCheckParameter2)).toBe(d.CancelRoutine);
    expect(data.BugCheckParameter3).toBe(irp.address);
    expect(data.BugCheckParameter4).toBe(0);
  });

  it("the free flavor does not check for a cancel routine left set at completion", () => {
    const d = cancelDriver("free", { setRoutine: true, clearBeforeComplete: false });
    const r = readAsync(d.m, d.c, d.h, d.buf);
    d.finish(d.st.pending[0]!);
    d.m.run();
    expect(d.m.stopped).toBe(false);
    expect(r.iosb.Status).toBe(STATUS_SUCCESS);
  });

  it("IoAcquireCancelSpinLock is the one machine-wide cancel lock", () => {
    const m = boot();
    const r = m.runInKernel(() => {
      const old = { value: -1 };
      IoAcquireCancelSpinLock(old);
      const held = !KeTestSpinLock(m.io.cancelSpinLock);
      const irql = KeGetCurrentIrql();
      IoReleaseCancelSpinLock(old.value);
      return [old.value, held, irql, KeTestSpinLock(m.io.cancelSpinLock)];
    });
    expect(r).toEqual([PASSIVE_LEVEL, true, DISPATCH_LEVEL, true]);
  });
});

describe("Io: cancel-safe queues", () => {
  /** A driver that parks reads in an IO_CSQ (a list under its own spin lock) and empties it for a file at cleanup. */
  function csqDriver() {
    const q = { list: [] as IRP[], lock: new KSPIN_LOCK(), csq: new IO_CSQ(), canceled: [] as IRP[], contexts: [] as IO_CSQ_IRP_CONTEXT[] };
    const env = bootWithDriver({
      name: "Csq",
      options: 0,
      access: GENERIC_READ,
      init: () => {
        IoCsqInitialize(
          q.csq,
          (_c, irp) => void q.list.push(irp),
          (_c, irp) => void q.list.splice(q.list.indexOf(irp), 1),
          (_c, irp, fo: FILE_OBJECT | null) => {
            for (let i = irp === null ? 0 : q.list.indexOf(irp) + 1; i < q.list.length; i++) {
              const cand = q.list[i]!;
              if (fo === null || IoGetCurrentIrpStackLocation(cand).FileObject === fo) return cand;
            }
            return null;
          },
          (_c, irql) => KeAcquireSpinLock(q.lock, irql),
          (_c, irql) => KeReleaseSpinLock(q.lock, irql),
          (_c, irp) => {
            q.canceled.push(irp);
            complete(irp, STATUS_CANCELLED);
          },
        );
      },
      dispatch: {
        [IRP_MJ_READ]: (_d, irp) => {
          const ctx = new IO_CSQ_IRP_CONTEXT();
          q.contexts.push(ctx);
          IoCsqInsertIrp(q.csq, irp, ctx);
          return STATUS_PENDING;
        },
        [IRP_MJ_CLEANUP]: (_d, irp) => {
          const fo = IoGetCurrentIrpStackLocation(irp).FileObject;
          for (let p = IoCsqRemoveNextIrp(q.csq, fo); p !== null; p = IoCsqRemoveNextIrp(q.csq, fo)) complete(p, STATUS_CANCELLED);
          return complete(irp, STATUS_SUCCESS);
        },
      },
    });
    const buf = userAlloc(env.m, env.c);
    return { ...env, q, buf };
  }

  it("IoCsqInsertIrp queues the IRP pending and cancelable; IoCsqRemoveNextIrp hands them back in order, no longer cancelable", () => {
    const d = csqDriver();
    const reads = [0, 1, 2].map(() => readAsync(d.m, d.c, d.h, d.buf));
    expect(reads.map((r) => r.status)).toEqual([STATUS_PENDING, STATUS_PENDING, STATUS_PENDING]);
    expect(d.q.list).toHaveLength(3);
    expect(d.q.list.every((i) => i.CancelRoutine !== null)).toBe(true);
    const first = d.q.list[0]!;
    const got = d.m.runInKernel(() => IoCsqRemoveNextIrp(d.q.csq, null));
    expect(got).toBe(first);
    expect(got!.CancelRoutine).toBeNull();
    expect(d.q.list).toHaveLength(2);
    // Taken out of the queue, the IRP is the driver's: cancelling it finds no routine.
    expect(d.m.runInKernel(() => IoCancelIrp(got!))).toBe(false);
    d.m.runInKernel(() => complete(got!, STATUS_SUCCESS, 8));
    d.m.run();
    expect(reads.map((r) => r.iosb.Status)).toEqual([STATUS_SUCCESS, STATUS_PENDING, STATUS_PENDING]);
  });

  it("cancelling a queued IRP takes it out of the queue and completes it through CsqCompleteCanceledIrp", () => {
    const d = csqDriver();
    const reads = [0, 1, 2].map(() => readAsync(d.m, d.c, d.h, d.buf));
    const victim = d.q.list[1]!;
    const st = d.m.syscall(d.c.thread, () => NtCancelIoFileEx(d.h, reads[1]!.overlapped, new IO_STATUS_BLOCK()));
    expect(st).toBe(STATUS_SUCCESS);
    expect(d.q.canceled).toEqual([victim]);
    expect(d.q.list).toHaveLength(2);
    expect(d.q.list).not.toContain(victim);
    d.m.run();
    expect(reads.map((r) => r.iosb.Status)).toEqual([STATUS_PENDING, STATUS_CANCELLED, STATUS_PENDING]);
  });

  it("IoCsqRemoveIrp removes one IRP by its context, and gives NULL once it is gone or cancelled", () => {
    const d = csqDriver();
    const reads = [0, 1, 2].map(() => readAsync(d.m, d.c, d.h, d.buf));
    const [c0, c1, c2] = d.q.contexts;
    const [first, second] = [d.q.list[0]!, d.q.list[1]!];
    const remove = (ctx: IO_CSQ_IRP_CONTEXT) => d.m.runInKernel(() => IoCsqRemoveIrp(d.q.csq, ctx));
    expect(remove(c1!)).toBe(second);
    expect(remove(c1!)).toBeNull();
    d.m.syscall(d.c.thread, () => NtCancelIoFileEx(d.h, reads[2]!.overlapped, new IO_STATUS_BLOCK()));
    expect(remove(c2!)).toBeNull();
    expect(d.q.list).toEqual([first]);
    expect(remove(c0!)).toBe(first);
    expect(d.q.list).toEqual([]);
    d.m.runInKernel(() => {
      complete(first, STATUS_SUCCESS, 1);
      complete(second, STATUS_SUCCESS, 1);
    });
    d.m.run();
    expect(reads.map((r) => r.iosb.Status)).toEqual([STATUS_SUCCESS, STATUS_SUCCESS, STATUS_CANCELLED]);
  });

  it("the peek context lets IoCsqRemoveNextIrp choose, here by file object", () => {
    const d = csqDriver();
    const h2 = open(d.m, d.c, "\\??\\Csq", GENERIC_READ, 0).handle;
    readAsync(d.m, d.c, d.h, d.buf);
    readAsync(d.m, d.c, h2, d.buf);
    const fo2 = IoGetCurrentIrpStackLocation(d.q.list[1]!).FileObject;
    const got = d.m.runInKernel(() => IoCsqRemoveNextIrp(d.q.csq, fo2));
    expect(got).not.toBeNull();
    expect(IoGetCurrentIrpStackLocation(got!).FileObject).toBe(fo2);
    expect(d.q.list).toHaveLength(1);
    expect(IoGetCurrentIrpStackLocation(d.q.list[0]!).FileObject).not.toBe(fo2);
  });

  it("an IRP already cancelled when it is inserted is completed at once through CsqCompleteCanceledIrp", () => {
    const d = csqDriver();
    const r = d.m.runInKernel(() => {
      const irp = IoAllocateIrp(d.drv.device!.StackSize, false)!;
      IoGetNextIrpStackLocation(irp).MajorFunction = IRP_MJ_READ;
      irp.Cancel = true;
      const status = IoCallDriver(d.drv.device!, irp);
      return { irp, status };
    });
    expect(r.status).toBe(STATUS_PENDING);
    expect(d.q.canceled).toEqual([r.irp]);
    expect(d.q.list).toHaveLength(0);
    expect(r.irp.IoStatus.Status).toBe(STATUS_CANCELLED);
  });

  it("closing the handle: IRP_MJ_CLEANUP empties that file's queued IRPs, then IRP_MJ_CLOSE follows the last reference", () => {
    const d = csqDriver();
    const other = open(d.m, d.c, "\\??\\Csq", GENERIC_READ, 0).handle;
    const mine = [readAsync(d.m, d.c, d.h, d.buf), readAsync(d.m, d.c, d.h, d.buf)];
    const theirs = readAsync(d.m, d.c, other, d.buf);
    expect(d.m.syscall(d.c.thread, () => NtClose(d.h))).toBe(STATUS_SUCCESS);
    d.m.run();
    expect(mine.map((r) => r.iosb.Status)).toEqual([STATUS_CANCELLED, STATUS_CANCELLED]);
    expect(theirs.iosb.Status).toBe(STATUS_PENDING);
    expect(d.q.list).toHaveLength(1);
    expect(d.drv.majors).toEqual([IRP_MJ_CREATE, IRP_MJ_CREATE, IRP_MJ_READ, IRP_MJ_READ, IRP_MJ_READ, IRP_MJ_CLEANUP, IRP_MJ_CLOSE]);
  });
});
