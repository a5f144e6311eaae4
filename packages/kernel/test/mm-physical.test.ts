import { describe, expect, it } from "vitest";
import {
  boot, DISPATCH_LEVEL, ExAllocatePool2, ExFreePoolWithTag, IRQL_NOT_LESS_OR_EQUAL, KeLowerIrql, KeRaiseIrql, MEM_COMMIT, MEM_RELEASE, NtAllocateVirtualMemory,
  NtFreeVirtualMemory, Out, PAGE_READWRITE, PAGE_SIZE, POOL_FLAG_NON_PAGED, POOL_FLAG_PAGED, POOL_TAG, ReadBytes, ReadUchar, ReadUlong,
  STATUS_NO_MEMORY, STATUS_SUCCESS, WriteUlong, type KIRQL, type Machine,
} from "../src/index.js";
import { client, expectBugCheck, userAlloc, type Client } from "./helpers.js";

const TAG = POOL_TAG("Phys");
const MiB = 1 << 20;

function virtualAlloc(m: Machine, c: Client, bytes: number): { status: number; va: number } {
  const base = Out(0);
  const status = m.syscall(c.thread, () => NtAllocateVirtualMemory(-1, base, 0, Out(bytes), MEM_COMMIT, PAGE_READWRITE));
  return { status, va: base.value };
}

describe("Mm: physical memory is committed as it is written", () => {
  it("a booted machine holds only the zero page of host memory, whatever its size", () => {
    const m = boot({ memoryBytes: 1 << 30 });
    expect(m.mm.physical.maxFrames).toBe((1 << 30) / PAGE_SIZE);
    expect(m.mm.physical.hostBytes).toBe(PAGE_SIZE);
    expect(m.mm.physical.framesInUse).toBe(0);
  });

  it("committed memory that was never written reads as zeroes and takes no frame", () => {
    const m = boot();
    const c = client(m);
    const physical = m.mm.physical;
    const host = physical.hostBytes;
    const charge = physical.commitCharge;
    // Zeroed pool (ExAllocatePool2 zeroes it) and committed user memory, 8 MiB each.
    const pool = m.runInKernel(() => ExAllocatePool2(POOL_FLAG_NON_PAGED, 8 * MiB, TAG));
    const user = userAlloc(m, c, 8 * MiB);
    expect(physical.commitCharge - charge).toBeGreaterThanOrEqual(2 * 2048);
    const framesAfterAlloc = physical.framesInUse;
    for (const offset of [PAGE_SIZE, 3 * MiB + 12, 8 * MiB - 16]) {
      expect([...m.runInKernel(() => ReadBytes(pool + offset, 16))]).toEqual(new Array(16).fill(0));
      expect([...m.syscall(c.thread, () => ReadBytes(user + offset, 16))]).toEqual(new Array(16).fill(0));
    }
    // A read across a page boundary of unwritten pages, too.
    expect([...m.syscall(c.thread, () => ReadBytes(user + PAGE_SIZE - 8, 32))]).toEqual(new Array(32).fill(0));
    expect(physical.framesInUse).toBe(framesAfterAlloc);
    // Only the pool block's header page was written.
    expect(physical.hostBytes - host).toBeLessThanOrEqual(64 * 1024);
  });

  it("a write takes a frame for its page only, and the data stays put as the host buffer grows", () => {
    const m = boot();
    const c = client(m);
    const physical = m.mm.physical;
    const user = userAlloc(m, c, 16 * MiB);
    const frames = physical.framesInUse;
    m.syscall(c.thread, () => WriteUlong(user + 15 * MiB, 0x12345678));
    expect(physical.framesInUse).toBe(frames + 1);
    // Many pages written, one word each, past several doublings of the host buffer.
    const pages = 1500;
    m.syscall(c.thread, () => {
      for (let p = 0; p < pages; p++) WriteUlong(user + p * PAGE_SIZE + 8, p * 7 + 1);
    });
    expect(physical.framesInUse).toBe(frames + 1 + pages);
    expect(physical.hostBytes).toBeLessThan(4 * (pages + 1) * PAGE_SIZE);
    m.syscall(c.thread, () => {
      for (let p = 0; p < pages; p++) expect(ReadUlong(user + p * PAGE_SIZE + 8)).toBe(p * 7 + 1);
      expect(ReadUlong(user + 15 * MiB)).toBe(0x12345678);
      expect(ReadUlong(user + 15 * MiB + 4)).toBe(0);
    });
  });

  it("committing is charged against the machine's memory even when nothing is written", () => {
    const m = boot({ memoryBytes: 16 * MiB });
    const c = client(m);
    const first = virtualAlloc(m, c, 12 * MiB);
    expect(first.status).toBe(STATUS_SUCCESS);
    expect(virtualAlloc(m, c, 8 * MiB).status).toBe(STATUS_NO_MEMORY);
    expect(m.runInKernel(() => ExAllocatePool2(POOL_FLAG_NON_PAGED, 8 * MiB, TAG))).toBe(0);
    expect(m.syscall(c.thread, () => NtFreeVirtualMemory(-1, Out(first.va), Out(0), MEM_RELEASE))).toBe(STATUS_SUCCESS);
    expect(virtualAlloc(m, c, 8 * MiB).status).toBe(STATUS_SUCCESS);
  });

  it("freed pages give their charge back, written or not", () => {
    const m = boot();
    const physical = m.mm.physical;
    const charge = physical.commitCharge;
    m.runInKernel(() => {
      const p = ExAllocatePool2(POOL_FLAG_NON_PAGED, 64 * PAGE_SIZE, TAG);
      WriteUlong(p + 10 * PAGE_SIZE, 1);
      ExFreePoolWithTag(p, TAG);
    });
    expect(physical.commitCharge).toBe(charge);
  });

  it("a paged pool page never written is trimmed like any other: touched at DISPATCH_LEVEL it is 0xA", () => {
    const m = boot();
    const a = m.runInKernel(() => ExAllocatePool2(POOL_FLAG_PAGED, 3 * PAGE_SIZE, TAG));
    // The block's last page has never been written: it reads as zeroes, from any IRQL until a trim.
    expect(m.runInKernel(() => {
      const old = Out<KIRQL>(0);
      KeRaiseIrql(DISPATCH_LEVEL, old);
      const v = ReadUchar(a + 2 * PAGE_SIZE);
      KeLowerIrql(old.value);
      return v;
    })).toBe(0);
    expect(m.trimWorkingSets()).toBeGreaterThan(0);
    const faults = m.mm.stats.pageFaults;
    expect(m.runInKernel(() => ReadUchar(a + 2 * PAGE_SIZE + 1))).toBe(0);
    expect(m.mm.stats.pageFaults).toBe(faults + 1);
    m.trimWorkingSets();
    expectBugCheck(m, IRQL_NOT_LESS_OR_EQUAL, () =>
      m.runInKernel(() => {
        KeRaiseIrql(DISPATCH_LEVEL, Out<KIRQL>(0));
        ReadUchar(a + 2 * PAGE_SIZE);
      }),
    );
  });

  it("a thousand machines boot side by side, each with its own memory", () => {
    const machines: Machine[] = [];
    for (let i = 0; i < 1000; i++) machines.push(boot({ flavor: "free", seed: i + 1 }));
    const blocks = machines.map((m, i) =>
      m.runInKernel(() => {
        const p = ExAllocatePool2(POOL_FLAG_NON_PAGED, 64, TAG);
        WriteUlong(p, i);
        return p;
      }),
    );
    machines.forEach((m, i) => expect(m.runInKernel(() => ReadUlong(blocks[i]!))).toBe(i));
    const host = machines.reduce((sum, m) => sum + m.mm.physical.hostBytes, 0);
    expect(host / machines.length).toBeLessThanOrEqual(64 * 1024);
  });
});
