import { FreeRanges } from "./free-ranges.js";
import { PAGE_SIZE } from "./layout.js";

/** PTE flag bits of our page tables. */
export const PTE_VALID = 1;
/** The page is in memory; a valid page without it is paged out. */
export const PTE_PRESENT = 2;
/** The page may be paged out (paged pool, user pages). */
export const PTE_PAGEABLE = 4;
export const PTE_WRITABLE = 8;
/** The page belongs to paged pool (so a fault on it is blamed on paged memory). */
export const PTE_PAGED_POOL = 16;
/**
 * A demand-zero page: committed but never written, so it has no frame of its own; it is
 * mapped to the zero page (frame 0) for reads, and a write takes the fault path, which
 * gives it a frame.
 */
export const PTE_DEMAND_ZERO = 32;
/** The page is on the memory manager's list of resident pageable pages (so it is listed once). */
export const PTE_LISTED = 128;
/** PAGE_NOACCESS: mapped and committed, but any touch is an access violation. */
export const PTE_NOACCESS = 64;

const MAX_PAGES = 1 << 19;

/**
 * What `reserve` returns when the space is full: 1 is never a reservation (those are page
 * aligned), and unlike -1 it is not a kernel address (kernel addresses are negative).
 */
export const NO_ADDRESS = 1;

/**
 * The page table of one address space, over a dense range of virtual page numbers
 * starting at `baseVpn` (our allocators hand out addresses upward, so the range stays
 * dense): frame number and flags per page in typed arrays, an index not a hash.
 */
export class PageTable {
  /** Bytes of address space the table covers (frames.length pages); offsets below it are int32. */
  bytes: number;
  frames: Int32Array;
  flags: Uint8Array;
  constructor(
    readonly base: number,
    initialPages = 16,
  ) {
    this.frames = new Int32Array(initialPages).fill(-1);
    this.flags = new Uint8Array(initialPages);
    this.bytes = initialPages * PAGE_SIZE;
  }

  /** Index of the page holding `va`, or -1 outside the table. */
  index(va: number): number {
    const off = va - this.base;
    return off >= 0 && off < this.bytes ? off >>> 12 : -1;
  }

  ensure(pages: number): void {
    if (pages <= this.frames.length) return;
    // Offsets stay int32: a table covers at most 2 GiB of address space.
    if (pages > MAX_PAGES) throw new RangeError("wdfjs: an address space grew past 2 GiB");
    let n = this.frames.length;
    while (n < pages) n *= 2;
    if (n > MAX_PAGES) n = MAX_PAGES;
    const f = new Int32Array(n).fill(-1);
    f.set(this.frames);
    const g = new Uint8Array(n);
    g.set(this.flags);
    this.frames = f;
    this.flags = g;
    this.bytes = n * PAGE_SIZE;
  }

  map(index: number, frame: number, flags: number): void {
    this.ensure(index + 1);
    this.frames[index] = frame;
    this.flags[index] = flags | PTE_VALID;
  }

  unmap(index: number): number {
    const f = this.frames[index]!;
    this.frames[index] = -1;
    this.flags[index] = 0;
    return f;
  }
}

/**
 * A virtual address space: a page table and an allocator of address ranges. Fresh
 * ranges come from a bump pointer (which keeps the table dense); released ones go to a
 * set of free ranges, ordered by address with neighbours merged, that a request takes
 * from first fit, splitting a larger range. A free range reaching the bump pointer
 * gives its pages back to it, so the usual reserve-then-release costs no set work.
 * Every operation costs O(log n) in the number of free ranges.
 */
export class AddressSpace {
  readonly table: PageTable;
  private nextVa: number;
  /** Free ranges below nextVa, in pages counted from `base`; never adjacent. */
  private readonly free = new FreeRanges();
  constructor(
    readonly name: string,
    readonly base: number,
    readonly limit: number,
  ) {
    this.table = new PageTable(base);
    this.nextVa = base;
  }

  /** Reserve `pages` pages of address space (not yet mapped); NO_ADDRESS when full. */
  reserve(pages: number): number {
    const r = this.free.firstFit(pages);
    if (r !== null) {
      const f = r.first;
      if (r.pages === pages) this.free.delete(r);
      else this.free.resize(r, f + pages, r.pages - pages);
      return this.base + f * PAGE_SIZE;
    }
    const va = this.nextVa;
    if (va + pages * PAGE_SIZE > this.limit || va + pages * PAGE_SIZE - this.base > MAX_PAGES * PAGE_SIZE) return NO_ADDRESS;
    this.nextVa += pages * PAGE_SIZE;
    this.table.ensure((this.nextVa - this.base) / PAGE_SIZE);
    return va;
  }

  /** Return a range `reserve` handed out (its pages already unmapped). */
  release(va: number, pages: number): void {
    const free = this.free;
    const f = (va - this.base) / PAGE_SIZE;
    const end = f + pages;
    if (this.base + end * PAGE_SIZE === this.nextVa) {
      // The top of the space: back to the bump pointer, with a free range just below it.
      const last = free.last();
      if (last !== null && last.first + last.pages === f) {
        this.nextVa = this.base + last.first * PAGE_SIZE;
        free.delete(last);
      } else {
        this.nextVa = va;
      }
      return;
    }
    const prev = free.below(f);
    const next = free.at(end);
    const joinsPrev = prev !== null && prev.first + prev.pages === f;
    if (joinsPrev && next !== null) {
      const merged = prev.pages + pages + next.pages;
      free.delete(next);
      free.resize(prev, prev.first, merged);
    } else if (joinsPrev) {
      free.resize(prev, prev.first, prev.pages + pages);
    } else if (next !== null) {
      free.resize(next, f, next.pages + pages);
    } else {
      free.add(f, pages);
    }
  }

  /** Free ranges below the bump pointer, as byte addresses and page counts (for tests). */
  get freeRanges(): { va: number; pages: number }[] {
    return this.free.toArray().map((r) => ({ va: this.base + r.first * PAGE_SIZE, pages: r.pages }));
  }
}
