import { describe, expect, it } from "vitest";
import { PAGE_SIZE } from "../src/index.js";
import { AddressSpace, NO_ADDRESS } from "../src/mm/page-table.js";

const P = PAGE_SIZE;
const BASE = 0x10000;

/** The allocator as a plain list, searched and merged the obvious way: what AddressSpace must agree with. */
class ReferenceSpace {
  private next = 0;
  private free: { first: number; pages: number }[] = [];
  constructor(private readonly limitPages: number) {}
  reserve(pages: number): number {
    const k = this.free.findIndex((r) => r.pages >= pages);
    if (k >= 0) {
      const r = this.free[k]!;
      const first = r.first;
      r.first += pages;
      r.pages -= pages;
      if (r.pages === 0) this.free = this.free.filter((_, i) => i !== k);
      return BASE + first * P;
    }
    if (this.next + pages > this.limitPages) return NO_ADDRESS;
    this.next += pages;
    return BASE + (this.next - pages) * P;
  }
  release(va: number, pages: number): void {
    this.free.push({ first: (va - BASE) / P, pages });
    this.free.sort((a, b) => a.first - b.first);
    const merged: { first: number; pages: number }[] = [];
    for (const r of this.free) {
      const last = merged[merged.length - 1];
      if (last && last.first + last.pages === r.first) last.pages += r.pages;
      else merged.push({ ...r });
    }
    const top = merged[merged.length - 1];
    if (top && top.first + top.pages === this.next) {
      this.next = top.first;
      merged.pop();
    }
    this.free = merged;
  }
  ranges(): { va: number; pages: number }[] {
    return this.free.map((r) => ({ va: BASE + r.first * P, pages: r.pages }));
  }
}

/** A small seeded generator (xorshift32), so a failure replays. */
function rng(seed: number): (n: number) => number {
  let x = seed | 0 || 1;
  return (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

describe("Mm: address space ranges at scale", () => {
  it("agrees with a first-fit reference over thousands of random reserves and releases", () => {
    for (const seed of [1, 2, 3]) {
      const limitPages = 1 << 14;
      const s = new AddressSpace("test", BASE, BASE + limitPages * P);
      const ref = new ReferenceSpace(limitPages);
      const live: { va: number; pages: number }[] = [];
      const next = rng(seed);
      for (let step = 0; step < 4000; step++) {
        if (live.length > 0 && next(100) < 45) {
          const k = next(live.length);
          const r = live[k]!;
          live[k] = live[live.length - 1]!;
          live.pop();
          s.release(r.va, r.pages);
          ref.release(r.va, r.pages);
        } else {
          const pages = 1 + next(next(4) === 0 ? 64 : 4);
          const va = s.reserve(pages);
          expect(va).toBe(ref.reserve(pages));
          if (va !== NO_ADDRESS) live.push({ va, pages });
        }
      }
      expect(s.freeRanges).toEqual(ref.ranges());
    }
  });

  it("keeps tens of thousands of free ranges apart, fills them lowest first, and merges them all back", () => {
    const n = 40_000;
    const s = new AddressSpace("test", BASE, BASE + 4 * n * P);
    const vas: number[] = [];
    for (let i = 0; i < 2 * n; i++) vas.push(s.reserve(1));
    // Every other page freed: n one-page holes, none adjacent.
    for (let i = 0; i < 2 * n; i += 2) s.release(vas[i]!, 1);
    expect(s.freeRanges).toHaveLength(n);
    // A two-page request fits no hole: it comes from the bump pointer.
    expect(s.reserve(2)).toBe(BASE + 2 * n * P);
    // One-page requests take the holes in address order.
    expect(s.reserve(1)).toBe(vas[0]);
    expect(s.reserve(1)).toBe(vas[2]);
    s.release(vas[0]!, 1);
    s.release(vas[2]!, 1);
    s.release(BASE + 2 * n * P, 2);
    // Freeing the rest joins every hole with its neighbours: one range, then the whole space.
    for (let i = 1; i < 2 * n - 1; i += 2) s.release(vas[i]!, 1);
    expect(s.freeRanges).toEqual([{ va: BASE, pages: 2 * n - 1 }]);
    s.release(vas[2 * n - 1]!, 1);
    expect(s.freeRanges).toEqual([]);
    expect(s.reserve(4 * n)).toBe(BASE);
  });
});
