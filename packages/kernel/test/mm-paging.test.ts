import { describe, expect, it } from "vitest";
import {
  __try, boot, CTL_CODE, DISPATCH_LEVEL, DRIVER_IRQL_NOT_LESS_OR_EQUAL, ExAllocatePool2, FILE_ANY_ACCESS, FILE_DEVICE_UNKNOWN,
  IO_STATUS_BLOCK, IoGetCurrentIrpStackLocation, IRP_MJ_DEVICE_CONTROL, IRQL_NOT_LESS_OR_EQUAL, KDPC, KeAcquireSpinLock, KeInitializeDpc, KeInsertQueueDpc,
  KeLowerIrql, KeRaiseIrql, KeReleaseSpinLock, KSPIN_LOCK, METHOD_BUFFERED, NtDeviceIoControlFile, Out, POOL_FLAG_PAGED, POOL_TAG,
  ReadUchar, ReadUlong, STATUS_ACCESS_VIOLATION, STATUS_SUCCESS, WriteUlong, type Flavor, type KIRQL, type Machine,
} from "../src/index.js";
import { bootWithDriver, client, complete, expectBugCheck, userAlloc } from "./helpers.js";

const TAG = POOL_TAG("Page");
const IOCTL_TOUCH_UNDER_LOCK = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS);
const IOCTL_TOUCH_RAISED = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x802, METHOD_BUFFERED, FILE_ANY_ACCESS);
const IOCTL_TOUCH_PASSIVE = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x803, METHOD_BUFFERED, FILE_ANY_ACCESS);

/** A driver that keeps a paged-pool counter and touches it at the IRQL each IOCTL asks for, and from a DPC. */
function pagerDriver(flavor: Flavor) {
  const state = { paged: 0, lock: new KSPIN_LOCK(), dpc: new KDPC() };
  const env = bootWithDriver({
    name: "Pager",
    flavor,
    init: () => {
      state.paged = ExAllocatePool2(POOL_FLAG_PAGED, 64, TAG);
      WriteUlong(state.paged, 7);
      KeInitializeDpc(state.dpc, (_d, ctx: number) => WriteUlong(ctx, ReadUlong(ctx) + 1), state.paged);
    },
    dispatch: {
      [IRP_MJ_DEVICE_CONTROL]: (_dev, irp) => {
        const code = IoGetCurrentIrpStackLocation(irp).Parameters.DeviceIoControl.IoControlCode;
        const old = Out<KIRQL>(0);
        if (code === IOCTL_TOUCH_UNDER_LOCK) {
          KeAcquireSpinLock(state.lock, old);
          WriteUlong(state.paged, ReadUlong(state.paged) + 1);
          KeReleaseSpinLock(state.lock, old.value);
        } else if (code === IOCTL_TOUCH_RAISED) {
          KeRaiseIrql(DISPATCH_LEVEL, old);
          WriteUlong(state.paged, ReadUlong(state.paged) + 1);
          KeLowerIrql(old.value);
        } else {
          WriteUlong(state.paged, ReadUlong(state.paged) + 1);
        }
        return complete(irp, STATUS_SUCCESS);
      },
    },
  });
  const ioctl = (code: number) => env.m.syscall(env.c.thread, () => NtDeviceIoControlFile(env.h, 0, null, null, new IO_STATUS_BLOCK(), code, 0, 0, 0, 0));
  const queueDpc = () => env.m.runInKernel(() => KeInsertQueueDpc(state.dpc, null, null));
  return { ...env, state, ioctl, queueDpc };
}

function counter(m: Machine, addr: number): number {
  return m.runInKernel(() => ReadUlong(addr));
}

describe("Mm: paged pool", () => {
  it("after a trim, a paged-pool byte touched at PASSIVE_LEVEL is paged back in", () => {
    const m = boot();
    const a = m.runInKernel(() => {
      const p = ExAllocatePool2(POOL_FLAG_PAGED, 16, TAG);
      WriteUlong(p, 0xfeedface);
      return p;
    });
    expect(m.trimWorkingSets()).toBeGreaterThan(0);
    const faults = m.mm.stats.pageFaults;
    expect(m.runInKernel(() => ReadUlong(a))).toBe(0xfeedface);
    expect(m.mm.stats.pageFaults).toBe(faults + 1);
    // Resident again: a second touch costs no fault.
    expect(m.runInKernel(() => ReadUchar(a))).toBe(0xce);
    expect(m.mm.stats.pageFaults).toBe(faults + 1);
  });

  it("kernel code touching paged-out pool at DISPATCH_LEVEL is IRQL_NOT_LESS_OR_EQUAL (0xA)", () => {
    for (const flavor of ["checked", "free"] as const) {
      const m = boot({ flavor });
      const a = m.runInKernel(() => ExAllocatePool2(POOL_FLAG_PAGED, 16, TAG));
      m.trimWorkingSets();
      const d = expectBugCheck(m, IRQL_NOT_LESS_OR_EQUAL, () =>
        m.runInKernel(() => {
          KeRaiseIrql(DISPATCH_LEVEL, Out<KIRQL>(0));
          ReadUchar(a);
        }),
      );
      expect(d.BugCheckCode).toBe(0xa);
      expect(d.BugCheckParameter1).toBe(a);
      expect(d.BugCheckParameter2).toBe(DISPATCH_LEVEL);
      expect(d.driver).toBeNull();
    }
  });

  it("kernel code touching paged-out pool under a spin lock is IRQL_NOT_LESS_OR_EQUAL (0xA)", () => {
    const m = boot();
    const a = m.runInKernel(() => ExAllocatePool2(POOL_FLAG_PAGED, 16, TAG));
    m.trimWorkingSets();
    const d = expectBugCheck(m, IRQL_NOT_LESS_OR_EQUAL, () =>
      m.runInKernel(() => {
        const lock = new KSPIN_LOCK();
        KeAcquireSpinLock(lock, Out<KIRQL>(0));
        WriteUlong(a, 1);
      }),
    );
    expect(d.BugCheckParameter3).toBe(1); // a write
  });

  it("a driver touching paged pool under a spin lock: checked always bug-checks DRIVER_IRQL_NOT_LESS_OR_EQUAL (0xD1)", () => {
    const p = pagerDriver("checked");
    // No trim needed: acquiring the lock pages everything out, as Driver Verifier does.
    const d = expectBugCheck(p.m, DRIVER_IRQL_NOT_LESS_OR_EQUAL, () => p.ioctl(IOCTL_TOUCH_UNDER_LOCK));
    expect(d.BugCheckCode).toBe(0xd1);
    expect(d.driver).toBe("Pager.sys");
    expect(d.BugCheckParameter1).toBe(p.state.paged);
    expect(d.BugCheckParameter2).toBe(DISPATCH_LEVEL);
    expect(d.explanation).toMatch(/paged pool/);
  });

  it("a driver touching paged pool after KeRaiseIrql: checked always bug-checks 0xD1", () => {
    const p = pagerDriver("checked");
    const d = expectBugCheck(p.m, DRIVER_IRQL_NOT_LESS_OR_EQUAL, () => p.ioctl(IOCTL_TOUCH_RAISED));
    expect(d.driver).toBe("Pager.sys");
  });

  it("in the free flavor the same driver gets away with it until the memory is trimmed", () => {
    const p = pagerDriver("free");
    expect(p.ioctl(IOCTL_TOUCH_UNDER_LOCK)).toBe(STATUS_SUCCESS);
    expect(p.ioctl(IOCTL_TOUCH_RAISED)).toBe(STATUS_SUCCESS);
    expect(counter(p.m, p.state.paged)).toBe(9);
    p.m.trimWorkingSets();
    const d = expectBugCheck(p.m, DRIVER_IRQL_NOT_LESS_OR_EQUAL, () => p.ioctl(IOCTL_TOUCH_UNDER_LOCK));
    expect(d.driver).toBe("Pager.sys");
  });

  it("a driver touching paged pool at PASSIVE_LEVEL is fine in both flavors, trimmed or not", () => {
    for (const flavor of ["checked", "free"] as const) {
      const p = pagerDriver(flavor);
      p.m.trimWorkingSets();
      expect(p.ioctl(IOCTL_TOUCH_PASSIVE)).toBe(STATUS_SUCCESS);
      expect(counter(p.m, p.state.paged)).toBe(8);
    }
  });

  it("in the checked flavor a driver's DPC that touches paged pool always bug-checks, naming the driver", () => {
    const p = pagerDriver("checked");
    const d = expectBugCheck(p.m, DRIVER_IRQL_NOT_LESS_OR_EQUAL, () => p.queueDpc());
    expect(d.driver).toBe("Pager.sys");
    expect(d.BugCheckParameter2).toBe(DISPATCH_LEVEL);
  });

  it("in the free flavor the DPC works until a trim, then bug-checks", () => {
    const p = pagerDriver("free");
    p.queueDpc();
    p.queueDpc();
    expect(counter(p.m, p.state.paged)).toBe(9);
    p.m.trimWorkingSets();
    const d = expectBugCheck(p.m, DRIVER_IRQL_NOT_LESS_OR_EQUAL, () => p.queueDpc());
    expect(d.driver).toBe("Pager.sys");
  });
});

describe("Mm: user address spaces", () => {
  it("the same user address in two processes holds different memory", () => {
    const m = boot();
    const a = client(m, "a.exe");
    const b = client(m, "b.exe");
    const va = userAlloc(m, a);
    const vb = userAlloc(m, b);
    expect(vb).toBe(va); // both processes got the same virtual address
    m.syscall(a.thread, () => WriteUlong(va, 0xaaaa));
    m.syscall(b.thread, () => WriteUlong(vb, 0xbbbb));
    expect(m.syscall(a.thread, () => ReadUlong(va))).toBe(0xaaaa);
    expect(m.syscall(b.thread, () => ReadUlong(va))).toBe(0xbbbb);
  });

  it("a user address allocated in one process is not mapped in another", () => {
    const m = boot();
    const a = client(m, "a.exe");
    const c = client(m, "c.exe");
    const va = userAlloc(m, a);
    m.syscall(a.thread, () => WriteUlong(va, 5));
    const st = m.syscall(c.thread, () => __try(() => ReadUlong(va), (code) => code));
    expect(st).toBe(STATUS_ACCESS_VIOLATION);
    // Kernel code (System process) does not see it either.
    expect(m.runInKernel(() => __try(() => ReadUlong(va), (code) => code))).toBe(STATUS_ACCESS_VIOLATION);
  });

  it("user pages are pageable: after a trim they fault back in when the process touches them", () => {
    const m = boot();
    const a = client(m);
    const va = userAlloc(m, a);
    m.syscall(a.thread, () => WriteUlong(va, 77));
    m.trimWorkingSets();
    const f = m.mm.stats.pageFaults;
    expect(m.syscall(a.thread, () => ReadUlong(va))).toBe(77);
    expect(m.mm.stats.pageFaults).toBe(f + 1);
  });
});
