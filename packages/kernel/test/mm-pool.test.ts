import { describe, expect, it } from "vitest";
import {
  BAD_POOL_CALLER, BAD_POOL_HEADER, boot, DISPATCH_LEVEL, DRIVER_VERIFIER_DETECTED_VIOLATION, ExAllocatePool2, ExFreePool,
  ExFreePoolWithTag, formatAddress, KERNEL_BASE, KERNEL_END, KeRaiseIrql, Out, POOL_FLAG_NON_PAGED, POOL_FLAG_PAGED,
  POOL_FLAG_UNINITIALIZED, POOL_TAG, ReadBytes, WriteBytes, type KIRQL,
} from "../src/index.js";
import { expectBugCheck } from "./helpers.js";

const TAG = POOL_TAG("Tst1");

describe("Mm: pool", () => {
  it("ExAllocatePool2 returns zeroed memory, even for a recycled block", () => {
    const m = boot();
    const r = m.runInKernel(() => {
      const a = ExAllocatePool2(POOL_FLAG_NON_PAGED, 64, TAG);
      WriteBytes(a, new Array(64).fill(0xaa));
      ExFreePoolWithTag(a, TAG);
      const b = ExAllocatePool2(POOL_FLAG_NON_PAGED, 64, TAG);
      return { same: a === b, bytes: [...ReadBytes(b, 64)] };
    });
    expect(r.same).toBe(true);
    expect(r.bytes).toEqual(new Array(64).fill(0));
  });

  it("POOL_FLAG_UNINITIALIZED skips the zeroing (so the zeroing above is real)", () => {
    const m = boot();
    const bytes = m.runInKernel(() => {
      const a = ExAllocatePool2(POOL_FLAG_NON_PAGED, 64, TAG);
      WriteBytes(a, new Array(64).fill(0xaa));
      ExFreePoolWithTag(a, TAG);
      const b = ExAllocatePool2(POOL_FLAG_NON_PAGED | POOL_FLAG_UNINITIALIZED, 64, TAG);
      return [...ReadBytes(b, 4)];
    });
    expect(bytes).toEqual([0xaa, 0xaa, 0xaa, 0xaa]);
  });

  it("allocations get distinct, non-overlapping addresses and keep their own contents", () => {
    const m = boot();
    const blocks = m.runInKernel(() => {
      const out: { a: number; n: number }[] = [];
      for (let i = 0; i < 120; i++) {
        const n = [8, 24, 100, 500, 3000, 9000][i % 6]!;
        const a = ExAllocatePool2(i % 2 ? POOL_FLAG_PAGED : POOL_FLAG_NON_PAGED, n, TAG);
        WriteBytes(a, new Array(n).fill(i & 0xff));
        out.push({ a, n });
      }
      for (const [i, b] of out.entries()) expect(ReadBytes(b.a, b.n).every((x) => x === (i & 0xff))).toBe(true);
      return out;
    });
    const sorted = [...blocks].sort((x, y) => x.a - y.a);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]!.a).toBeGreaterThanOrEqual(sorted[i - 1]!.a + sorted[i - 1]!.n);
  });

  it("kernel addresses are the top 2 GiB, negative as signed numbers, and shown as the debugger shows them", () => {
    const m = boot();
    const a = m.runInKernel(() => ExAllocatePool2(POOL_FLAG_NON_PAGED, 16, TAG));
    expect(a).toBeLessThan(0);
    expect(a).toBeGreaterThanOrEqual(KERNEL_BASE);
    expect(a).toBeLessThan(KERNEL_END);
    expect(Number.isSafeInteger(a) && (a | 0) === a).toBe(true);
    expect(formatAddress(a)).toMatch(/^0xFFFFFFFF`[89A-F][0-9A-F]{7}$/);
    expect(formatAddress(KERNEL_BASE)).toBe("0xFFFFFFFF`80000000");
    expect(formatAddress(-1)).toBe("0xFFFFFFFF`FFFFFFFF");
    expect(formatAddress(0x10000)).toBe("0x00010000");
    expect(formatAddress(0x7fff_ffff_0000)).toBe("0x00007FFF`FFFF0000");
  });

  it("freeing with the wrong tag is BAD_POOL_CALLER (0xC2)", () => {
    for (const flavor of ["checked", "free"] as const) {
      const m = boot({ flavor });
      let addr = 0;
      const d = expectBugCheck(m, BAD_POOL_CALLER, () =>
        m.runInKernel(() => {
          addr = ExAllocatePool2(POOL_FLAG_NON_PAGED, 32, TAG);
          ExFreePoolWithTag(addr, POOL_TAG("Oops"));
        }),
      );
      // As documented for 0xC2 subcode 0x0A: the address, the allocator's tag, the tag given to the free.
      expect(d.BugCheckCode).toBe(0xc2);
      expect(d.BugCheckParameter1).toBe(0x0a);
      expect(d.BugCheckParameter2).toBe(addr);
      expect(d.BugCheckParameter3).toBe(TAG);
      expect(d.BugCheckParameter4).toBe(POOL_TAG("Oops"));
      expect(d.explanation).toMatch(/'Oops'.*'Tst1'/);
    }
  });

  it("freeing a block twice bug-checks (BAD_POOL_CALLER 0x07)", () => {
    for (const flavor of ["checked", "free"] as const) {
      const m = boot({ flavor });
      let addr = 0;
      const d = expectBugCheck(m, BAD_POOL_CALLER, () =>
        m.runInKernel(() => {
          addr = ExAllocatePool2(POOL_FLAG_NON_PAGED, 32, TAG);
          ExFreePoolWithTag(addr, TAG);
          ExFreePoolWithTag(addr, TAG);
        }),
      );
      expect(d.BugCheckParameter1).toBe(0x07);
      expect(d.BugCheckParameter4).toBe(addr);
      expect(d.explanation).toMatch(/freed twice/);
    }
  });

  it("freeing an address the pool never handed out is BAD_POOL_CALLER", () => {
    const m = boot();
    expectBugCheck(m, BAD_POOL_CALLER, () => m.runInKernel(() => ExFreePool(KERNEL_BASE + 0x7ff0_0000)));
  });

  it("the checked flavor catches an overrun into the next block's header when the block is freed (BAD_POOL_HEADER 0x19)", () => {
    const m = boot({ flavor: "checked" });
    const d = expectBugCheck(m, BAD_POOL_HEADER, () =>
      m.runInKernel(() => {
        const a = ExAllocatePool2(POOL_FLAG_NON_PAGED, 32, TAG);
        const b = ExAllocatePool2(POOL_FLAG_NON_PAGED, 32, TAG);
        expect(b - a).toBe(48); // adjacent: 32 bytes of a, then b's 16-byte header
        WriteBytes(a, new Array(48).fill(0x41)); // 16 bytes too many
        ExFreePoolWithTag(a, TAG);
      }),
    );
    expect(d.BugCheckCode).toBe(0x19);
    expect(d.explanation).toMatch(/past the end/);
  });

  it("the free flavor does not look past a freed block; the corruption shows when the victim is freed", () => {
    const m = boot({ flavor: "free" });
    let b = 0;
    m.runInKernel(() => {
      const a = ExAllocatePool2(POOL_FLAG_NON_PAGED, 32, TAG);
      b = ExAllocatePool2(POOL_FLAG_NON_PAGED, 32, TAG);
      WriteBytes(a, new Array(48).fill(0x41));
      ExFreePoolWithTag(a, TAG);
    });
    expect(m.stopped).toBe(false);
    expectBugCheck(m, BAD_POOL_HEADER, () => m.runInKernel(() => ExFreePoolWithTag(b, TAG)));
  });

  it("the pool keeps usage per tag, as !poolused shows", () => {
    const m = boot();
    m.runInKernel(() => {
      const a = ExAllocatePool2(POOL_FLAG_PAGED, 100, POOL_TAG("Pg01"));
      ExAllocatePool2(POOL_FLAG_PAGED, 50, POOL_TAG("Pg01"));
      ExFreePoolWithTag(a, POOL_TAG("Pg01"));
    });
    const u = m.mm.pool.usage.find((x) => x.tag === "Pg01")!;
    expect(u).toEqual({ tag: "Pg01", paged: true, allocations: 2, frees: 1, bytes: 50 });
  });

  it("the checked flavor refuses paged pool allocations at DISPATCH_LEVEL", () => {
    const m = boot({ flavor: "checked" });
    const d = expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, () =>
      m.runInKernel(() => {
        KeRaiseIrql(DISPATCH_LEVEL, Out<KIRQL>(0));
        ExAllocatePool2(POOL_FLAG_PAGED, 16, TAG);
      }),
    );
    expect(d.BugCheckParameter1).toBe(0x01);
  });
});
