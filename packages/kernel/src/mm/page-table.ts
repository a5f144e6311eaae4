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

const MAX_PAGES = 1 << 19;

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
  locks: Uint16Array;
  constructor(
    readonly base: number,
    initialPages = 256,
  ) {
    this.frames = new Int32Array(initialPages).fill(-1);
    this.flags = new Uint8Array(initialPages);
    this.locks = new Uint16Array(initialPages);
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
    const l = new Uint16Array(n);
    l.set(this.locks);
    this.frames = f;
    this.flags = g;
    this.locks = l;
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
    this.locks[index] = 0;
    return f;
  }
}

/**
 * A virtual address space: a page table and a bump allocator of address ranges with
 * per-size free lists for reuse.
 */
export class AddressSpace {
  readonly table: PageTable;
  private nextVa: number;
  private readonly freeRanges = new Map<number, number[]>();
  constructor(
    readonly name: string,
    readonly base: number,
    readonly limit: number,
  ) {
    this.table = new PageTable(base);
    this.nextVa = base;
  }

  /** Reserve `pages` pages of address space (not yet mapped); -1 when full. */
  reserve(pages: number): number {
    const list = this.freeRanges.get(pages);
    if (list && list.length > 0) return list.pop()!;
    const va = this.nextVa;
    if (va + pages * PAGE_SIZE > this.limit || va + pages * PAGE_SIZE - this.base > MAX_PAGES * PAGE_SIZE) return -1;
    this.nextVa += pages * PAGE_SIZE;
    this.table.ensure((this.nextVa - this.base) / PAGE_SIZE);
    return va;
  }

  release(va: number, pages: number): void {
    let list = this.freeRanges.get(pages);
    if (!list) this.freeRanges.set(pages, (list = []));
    list.push(va);
  }
}
