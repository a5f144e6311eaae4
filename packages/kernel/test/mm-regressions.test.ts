import { describe, expect, it } from "vitest";
import {
  __try, boot, DO_BUFFERED_IO, DO_DIRECT_IO, ExAllocatePool2, ExFreePoolWithTag, IO_STATUS_BLOCK, IoAllocateMdl, IoMarkIrpPending,
  IoWriteAccess, IRP_MJ_READ, KERNEL_BASE, MEM_RELEASE, MmGetSystemAddressForMdlSafe, MmProbeAndLockPages, MmUnlockPages,
  NormalPagePriority, NtFreeVirtualMemory, NtReadFile, Out, PAGE_SIZE, POOL_FLAG_NON_PAGED, POOL_TAG, ReadBytes, STATUS_ACCESS_VIOLATION,
  STATUS_PENDING, STATUS_SUCCESS, UserMode, WriteBytes, type IRP, type Machine, type MDL,
} from "../src/index.js";
import { AddressSpace, NO_ADDRESS } from "../src/mm/page-table.js";
import { bootWithDriver, type Client, client, complete, userAlloc } from "./helpers.js";

const TAG = POOL_TAG("Rgr1");

/** The physical frame behind a client's user address. */
function frameOf(c: Client, va: number): number {
  const t = c.process.space.table;
  return t.frames[t.index(va)]!;
}

function virtualFree(m: Machine, c: Client, va: number): number {
  return m.syscall(c.thread, () => NtFreeVirtualMemory(-1, Out(va), Out(0), MEM_RELEASE));
}

describe("Mm regressions: locked pages", () => {
  it("a page an MDL has locked keeps its frame when the process frees it: writes through the MDL never reach the next allocation", () => {
    let pended: IRP | null = null;
    const { m, c, h } = bootWithDriver({
      name: "Dio",
      flags: DO_DIRECT_IO,
      options: 0, // an overlapped handle, so the pending read returns to the caller
      dispatch: {
        [IRP_MJ_READ]: (_dev, Irp) => {
          IoMarkIrpPending(Irp);
          pended = Irp;
          return STATUS_PENDING;
        },
      },
    });
    const buf = userAlloc(m, c);
    const iosb = new IO_STATUS_BLOCK();
    expect(m.syscall(c.thread, () => NtReadFile(h, 0, null, { ov: 1 }, iosb, buf, PAGE_SIZE, 0, 0))).toBe(STATUS_PENDING);
    const irp = pended as IRP | null;
    expect(irp).not.toBeNull();
    const lockedFrame = irp!.MdlAddress!.Pages[0]!;
    expect(lockedFrame).toBe(frameOf(c, buf));
    const sysva = m.runInKernel(() => MmGetSystemAddressForMdlSafe(irp!.MdlAddress!, NormalPagePriority));
    expect(sysva).toBeGreaterThanOrEqual(KERNEL_BASE);

    // The program frees its buffer while the read is in flight, then allocates again.
    const inUseBeforeFree = m.mm.physical.framesInUse;
    expect(virtualFree(m, c, buf)).toBe(STATUS_SUCCESS);
    expect(m.mm.physical.framesInUse).toBe(inUseBeforeFree);
    const other = userAlloc(m, c);
    expect(frameOf(c, other)).not.toBe(lockedFrame);
    m.syscall(c.thread, () => WriteBytes(other, [0x11, 0x22, 0x33, 0x44]));

    // The device writes through the MDL's mapping and the driver completes the read.
    m.runInKernel(() => {
      WriteBytes(sysva, [0xde, 0xad, 0xbe, 0xef]);
      complete(irp!, STATUS_SUCCESS, 4);
    });
    m.run();
    expect(iosb.Status).toBe(STATUS_SUCCESS);
    expect([...m.syscall(c.thread, () => ReadBytes(other, 4))]).toEqual([0x11, 0x22, 0x33, 0x44]);

    // The I/O manager unlocked the pages: the frame is free again and is reused (by the
    // next page written), zeroed.
    expect(m.mm.physical.framesInUse).toBe(inUseBeforeFree);
    const third = userAlloc(m, c);
    m.syscall(c.thread, () => WriteBytes(third + 8, [1]));
    expect(frameOf(c, third)).toBe(lockedFrame);
    expect([...m.syscall(c.thread, () => ReadBytes(third, 4))]).toEqual([0, 0, 0, 0]);
  });

  it("a locked page survives trimming and is paged out by the first trim after MmUnlockPages", () => {
    const m = boot();
    const c = client(m);
    const va = userAlloc(m, c);
    m.syscall(c.thread, () => WriteBytes(va, [7]));
    const mdl = m.syscall(c.thread, () => {
      const mdl = IoAllocateMdl(va, 8, false, false, null)!;
      expect(__try(() => (MmProbeAndLockPages(mdl, UserMode, IoWriteAccess), STATUS_SUCCESS), (code) => code)).toBe(STATUS_SUCCESS);
      return mdl;
    }) as MDL;
    m.trimWorkingSets();
    const faults = m.mm.stats.pageFaults;
    expect([...m.syscall(c.thread, () => ReadBytes(va, 1))]).toEqual([7]);
    expect(m.mm.stats.pageFaults).toBe(faults);

    m.runInKernel(() => MmUnlockPages(mdl));
    expect(m.trimWorkingSets()).toBe(1);
    expect([...m.syscall(c.thread, () => ReadBytes(va, 1))]).toEqual([7]);
    expect(m.mm.stats.pageFaults).toBe(faults + 1);
  });
});

describe("Mm regressions: address space", () => {
  it("hundreds of buffered reads of distinct large sizes leave room for a 1 MB read and a 1 MB pool block", () => {
    const { m, c, h } = bootWithDriver({
      name: "Buf",
      flavor: "free",
      flags: DO_BUFFERED_IO,
      dispatch: { [IRP_MJ_READ]: (_dev, Irp) => complete(Irp, STATUS_SUCCESS, 0) },
    });
    const ubuf = userAlloc(m, c, 8 << 20);
    const iosb = new IO_STATUS_BLOCK();
    let ok = 0;
    // Each read's system buffer is a size no earlier read used: 450 of them pass through 2 GB of kernel address space.
    for (let i = 0; i < 450; i++) {
      if (m.syscall(c.thread, () => NtReadFile(h, 0, null, null, iosb, ubuf, (4 << 20) + i * PAGE_SIZE, null, 0)) === STATUS_SUCCESS) ok++;
    }
    expect(ok).toBe(450);
    expect(m.syscall(c.thread, () => NtReadFile(h, 0, null, null, iosb, ubuf, 1 << 20, null, 0))).toBe(STATUS_SUCCESS);
    const p = m.runInKernel(() => ExAllocatePool2(POOL_FLAG_NON_PAGED, 1 << 20, TAG));
    expect(p).not.toBe(0);
  });

  it("a freed big block's range is reused by a smaller request, and the rest by the next one (first fit)", () => {
    const m = boot({ flavor: "free" });
    const r = m.runInKernel(() => {
      const out: { ok: boolean; reused: boolean }[] = [];
      let hole = 0;
      // Decreasing distinct sizes, each freed behind a small block that stays: every later
      // request must fit in the first hole, or address space runs out within ~430 rounds.
      for (let i = 0; i < 600; i++) {
        const big = ExAllocatePool2(POOL_FLAG_NON_PAGED, (4 << 20) + (600 - i) * PAGE_SIZE, TAG);
        const pin = ExAllocatePool2(POOL_FLAG_NON_PAGED, 2 * PAGE_SIZE, TAG);
        out.push({ ok: big !== 0 && pin !== 0, reused: i === 0 || big === hole });
        if (i === 0) hole = big;
        if (big !== 0) ExFreePoolWithTag(big, TAG);
      }
      return out;
    });
    expect(r.every((x) => x.ok)).toBe(true);
    expect(r.every((x) => x.reused)).toBe(true);
  });

  it("a big pool allocation that fails for want of physical memory gives its address range back", () => {
    const m = boot({ flavor: "free", memoryBytes: 16 << 20 });
    const r = m.runInKernel(() => {
      const before = ExAllocatePool2(POOL_FLAG_NON_PAGED, 1 << 20, TAG);
      ExFreePoolWithTag(before, TAG);
      const failures: number[] = [];
      // 256 MB each, more than the machine has: eight leaked ranges would fill the 2 GB kernel space.
      for (let i = 0; i < 12; i++) failures.push(ExAllocatePool2(POOL_FLAG_NON_PAGED, 256 << 20, TAG));
      // Another size, so that reuse of an exact-size range cannot hide a leak.
      return { before, failures, after: ExAllocatePool2(POOL_FLAG_NON_PAGED, 2 << 20, TAG) };
    });
    expect(r.failures).toEqual(new Array(12).fill(0));
    expect(r.after).not.toBe(0);
    expect(r.after).toBe(r.before);
  });

  it("a buffered read into an unmapped user buffer fails the probe before any system buffer is allocated", () => {
    const { m, c, h } = bootWithDriver({
      name: "Buf",
      flags: DO_BUFFERED_IO,
      dispatch: { [IRP_MJ_READ]: (_dev, Irp) => complete(Irp, STATUS_SUCCESS, 0) },
    });
    const systemBuffers = () => m.mm.pool.usage.find((u) => u.tag === "IoSb")?.allocations ?? 0;
    const before = systemBuffers();
    const iosb = new IO_STATUS_BLOCK();
    // 1.9 GB at an address nothing is mapped at: larger than the machine's memory, so allocating first would fail differently.
    expect(m.syscall(c.thread, () => NtReadFile(h, 0, null, null, iosb, 0x4000_0000, 0x7800_0000, null, 0))).toBe(STATUS_ACCESS_VIOLATION);
    expect(m.syscall(c.thread, () => NtReadFile(h, 0, null, null, iosb, 0x4000_0000, 0x0100_0000, null, 0))).toBe(STATUS_ACCESS_VIOLATION);
    expect(systemBuffers()).toBe(before);
    const ubuf = userAlloc(m, c);
    expect(m.syscall(c.thread, () => NtReadFile(h, 0, null, null, iosb, ubuf, 16, null, 0))).toBe(STATUS_SUCCESS);
    expect(systemBuffers()).toBe(before + 1);
  });
});

describe("Mm regressions: AddressSpace ranges", () => {
  const P = PAGE_SIZE;
  it("released ranges merge with their neighbours, split on first fit, and give the top back to the bump pointer", () => {
    const s = new AddressSpace("test", 0x10000, 0x10000 + 1024 * P);
    const a = s.reserve(3);
    const b = s.reserve(5);
    const c = s.reserve(2);
    const d = s.reserve(1);
    expect([b - a, c - b, d - c]).toEqual([3 * P, 5 * P, 2 * P]);
    s.release(b, 5);
    s.release(a, 3); // merges with b's range: 8 free pages at a
    expect(s.reserve(6)).toBe(a); // first fit, split
    expect(s.reserve(2)).toBe(a + 6 * P); // the rest of the split range
    s.release(a, 6);
    s.release(c, 2); // a..a+6 and c..c+2 are not adjacent (a+6..a+8 is in use)
    expect(s.reserve(7)).toBe(d + P); // no free range of 7: from the bump pointer
    s.release(d + P, 7); // the top: back to the bump pointer
    s.release(a + 6 * P, 2); // joins a..a+6 and c..c+2 into a..a+10
    expect(s.reserve(10)).toBe(a);
    s.release(a, 10);
    s.release(d, 1); // everything free: the space is empty again
    expect(s.reserve(1024)).toBe(a);
    expect(s.reserve(1)).toBe(NO_ADDRESS);
  });

  it("a range that does not fit is refused without consuming space", () => {
    const s = new AddressSpace("test", 0x10000, 0x10000 + 16 * P);
    expect(s.reserve(17)).toBe(NO_ADDRESS);
    expect(s.reserve(16)).toBe(0x10000);
  });
});
