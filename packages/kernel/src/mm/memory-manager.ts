import { cur } from "../context.js";
import { KeBugCheckEx } from "../ke/bugcheck.js";
import { ATTEMPTED_WRITE_TO_READONLY_MEMORY, DRIVER_IRQL_NOT_LESS_OR_EQUAL, IRQL_NOT_LESS_OR_EQUAL, PAGE_FAULT_IN_NONPAGED_AREA } from "../ke/bugcheck-codes.js";
import { SehException } from "../ke/exception.js";
import { DISPATCH_LEVEL, IrqlName } from "../ke/irql.js";
import { STATUS_ACCESS_VIOLATION } from "../ntstatus.js";
import { formatAddress, KERNEL_BASE, KERNEL_END, MM_HIGHEST_USER_ADDRESS, MM_LOWEST_USER_ADDRESS, PAGE_SIZE } from "./layout.js";
import {
  AddressSpace, PTE_DEMAND_ZERO, PTE_LISTED, PTE_NOACCESS, PTE_PAGEABLE, PTE_PAGED_POOL, PTE_PRESENT, PTE_VALID, PTE_WRITABLE, type PageTable,
} from "./page-table.js";
import { PhysicalMemory, ZERO_FRAME } from "./physical.js";
import { Pool } from "./pool.js";
import { OBJECT_ADDRESS_GRANULE } from "../ob/object-address.js";

/** A fault on an object's address: say what is there, since objects are classes, not bytes in memory. */
function objectNote(va: number): string {
  const o = cur.ob.addresses.lookup(va - (va & (OBJECT_ADDRESS_GRANULE - 1)));
  return o === null ? "" : ` It is the address of a ${o.constructor.name}, which the kernel keeps as an object, not in emulated memory (ObjectAtAddress resolves it).`;
}

export interface MemoryStatistics {
  /** Page faults serviced (a paged-out page touched below DISPATCH_LEVEL and brought back). */
  pageFaults: number;
  /** Pages moved out of memory by trimming. */
  pagesOut: number;
}

/**
 * Mm: translation of virtual addresses through the current address space, page
 * faults with the IRQL rule, paging out, and byte moves on physical memory.
 */
export class MemoryManager {
  readonly physical: PhysicalMemory;
  readonly kernelSpace: AddressSpace;
  readonly pool: Pool;
  readonly stats: MemoryStatistics = { pageFaults: 0, pagesOut: 0 };
  /**
   * Non-zero while kernel code (the pool, the I/O manager's copies) touches memory on a
   * driver's behalf: a fault there is IRQL_NOT_LESS_OR_EQUAL (0xA), the kernel's own
   * code faulting, not DRIVER_IRQL_NOT_LESS_OR_EQUAL (0xD1).
   */
  kernelCode = 0;
  /** Pageable pages that may be resident (each listed once: PTE_LISTED), for trimming. */
  private residentTables: PageTable[] = [];
  private residentIndexes: number[] = [];
  /** The list is compacted when it reaches this length, so stale entries cost what is live. */
  private residentLimit = 1024;

  constructor(maxPhysicalBytes: number) {
    this.physical = new PhysicalMemory(maxPhysicalBytes);
    this.kernelSpace = new AddressSpace("kernel", KERNEL_BASE, KERNEL_END);
    this.pool = new Pool(this);
  }

  newUserSpace(name: string): AddressSpace {
    return new AddressSpace(name, MM_LOWEST_USER_ADDRESS, MM_HIGHEST_USER_ADDRESS + 1);
  }

  /**
   * Commit `pages` zeroed pages at `va`: charged against physical memory now, given
   * frames when first written. Until then each is a demand-zero page mapped to the zero
   * page, so reads of it are as fast as any. False when physical memory is short.
   */
  commit(space: AddressSpace, va: number, pages: number, flags: number): boolean {
    if (!this.physical.charge(pages)) return false;
    const t = space.table;
    const first = t.index(va);
    for (let p = 0; p < pages; p++) {
      t.map(first + p, ZERO_FRAME, flags | PTE_PRESENT | PTE_DEMAND_ZERO);
      if (flags & PTE_PAGEABLE) this.noteResident(t, first + p);
    }
    return true;
  }

  /** Unmap `pages` committed pages at `va`, returning their frames and charge to physical memory. */
  decommit(space: AddressSpace, va: number, pages: number): void {
    const t = space.table;
    const first = t.index(va);
    for (let p = 0; p < pages; p++) {
      if ((t.flags[first + p]! & PTE_VALID) === 0) continue;
      const f = t.unmap(first + p);
      if (f !== ZERO_FRAME) this.physical.freeFrame(f);
      else this.physical.uncharge(1);
    }
  }

  /**
   * The frame behind the page at `va` after an access (`phys`) found it valid, given one
   * now if the page was never written: an MDL locks frames, and a frame an MDL holds must
   * be the page's own.
   */
  frameAt(va: number): number {
    const t = this.spaceOf(va).table;
    const i = t.index(va);
    if (i < 0) return -1;
    if ((t.flags[i]! & PTE_DEMAND_ZERO) !== 0) return this.materialize(t, i);
    return t.frames[i]!;
  }

  /** A demand-zero page gets its frame (the first write): from now on it is an ordinary resident page. */
  private materialize(t: PageTable, i: number): number {
    const frame = this.physical.allocateFrame();
    t.frames[i] = frame;
    t.flags[i] = (t.flags[i]! & ~PTE_DEMAND_ZERO) | PTE_PRESENT;
    return frame;
  }

  /** Map existing frames (an MDL's) at `va` in kernel space. */
  mapFrames(va: number, frames: readonly number[]): void {
    const t = this.kernelSpace.table;
    const first = t.index(va);
    for (let p = 0; p < frames.length; p++) t.map(first + p, frames[p]!, PTE_PRESENT | PTE_WRITABLE);
  }

  unmapFrames(va: number, pages: number): void {
    const t = this.kernelSpace.table;
    const first = t.index(va);
    for (let p = 0; p < pages; p++) t.unmap(first + p);
  }

  spaceOf(va: number): AddressSpace {
    return va < 0 ? this.kernelSpace : cur.cpu.process.space;
  }

  /**
   * The physical byte offset of `va` in the current context, servicing a fault as
   * Windows would: a paged-out page comes back below DISPATCH_LEVEL and is a bug check
   * at or above it; an invalid user address raises STATUS_ACCESS_VIOLATION; an invalid
   * kernel address is PAGE_FAULT_IN_NONPAGED_AREA.
   */
  phys(va: number, write: boolean): number {
    return write ? this.physWrite(va) : this.physRead(va);
  }

  /** `phys` for a read: a page never written reads as the zero page it is mapped to. */
  physRead(va: number): number {
    const t = va < 0 ? this.kernelSpace.table : cur.cpu.process.space.table;
    const off = va - t.base;
    if (off >= 0 && off < t.bytes) {
      const i = off >>> 12;
      if ((t.flags[i]! & (PTE_VALID | PTE_PRESENT)) === (PTE_VALID | PTE_PRESENT)) return t.frames[i]! * PAGE_SIZE + (off & 4095);
      return this.fault(va, false, t, i);
    }
    return this.fault(va, false, t, -1);
  }

  /** `phys` for a write: a page never written takes the fault path, which gives it its own frame. */
  physWrite(va: number): number {
    const t = va < 0 ? this.kernelSpace.table : cur.cpu.process.space.table;
    const off = va - t.base;
    if (off >= 0 && off < t.bytes) {
      const i = off >>> 12;
      // A write needs a writable page of its own (not the zero page); anything else is the fault path.
      if ((t.flags[i]! & (PTE_VALID | PTE_PRESENT | PTE_DEMAND_ZERO | PTE_WRITABLE)) === (PTE_VALID | PTE_PRESENT | PTE_WRITABLE)) return t.frames[i]! * PAGE_SIZE + (off & 4095);
      return this.fault(va, true, t, i);
    }
    return this.fault(va, true, t, -1);
  }

  /** `phys` for the kernel's own accesses (the pool's headers): a fault is charged to the kernel (0xA). */
  physKernel(va: number, write: boolean): number {
    return write ? this.physKernelWrite(va) : this.physKernelRead(va);
  }

  physKernelRead(va: number): number {
    const t = va < 0 ? this.kernelSpace.table : cur.cpu.process.space.table;
    const off = va - t.base;
    if (off >= 0 && off < t.bytes) {
      const i = off >>> 12;
      if ((t.flags[i]! & (PTE_VALID | PTE_PRESENT)) === (PTE_VALID | PTE_PRESENT)) return t.frames[i]! * PAGE_SIZE + (off & 4095);
      return this.fault(va, false, t, i, true);
    }
    return this.fault(va, false, t, -1, true);
  }

  physKernelWrite(va: number): number {
    const t = va < 0 ? this.kernelSpace.table : cur.cpu.process.space.table;
    const off = va - t.base;
    if (off >= 0 && off < t.bytes) {
      const i = off >>> 12;
      // A write needs a writable page of its own (not the zero page); anything else is the fault path.
      if ((t.flags[i]! & (PTE_VALID | PTE_PRESENT | PTE_DEMAND_ZERO | PTE_WRITABLE)) === (PTE_VALID | PTE_PRESENT | PTE_WRITABLE)) return t.frames[i]! * PAGE_SIZE + (off & 4095);
      return this.fault(va, true, t, i, true);
    }
    return this.fault(va, true, t, -1, true);
  }

  private fault(va: number, write: boolean, t: PageTable, i: number, kernel = false): number {
    // The first write of a resident demand-zero page is no fault Windows would see (the
    // page is in memory): its frame is a detail of the host's memory, so any IRQL may do it.
    const DZ = PTE_VALID | PTE_PRESENT | PTE_DEMAND_ZERO | PTE_WRITABLE;
    if (write && i >= 0 && (t.flags[i]! & DZ) === DZ) {
      return this.materialize(t, i) * PAGE_SIZE + (va & 4095);
    }
    const m = cur;
    const irql = m.cpu.Irql;
    const flags = i >= 0 && i < t.frames.length ? t.flags[i]! : 0;
    const valid = (flags & PTE_VALID) !== 0;
    // A protection fault: the page is there but this access is not allowed (a write to a
    // read-only page, any touch of a PAGE_NOACCESS page). On a user address it is an access
    // violation the code can catch (__try); on kernel memory, ATTEMPTED_WRITE_TO_READONLY_MEMORY.
    // (A paged-out read-only page comes back first, below DISPATCH_LEVEL, and then faults the same way.)
    if (valid && ((flags & PTE_NOACCESS) !== 0 || (write && (flags & PTE_WRITABLE) === 0 && ((flags & PTE_PRESENT) !== 0 || irql < DISPATCH_LEVEL)))) {
      if (!(va < 0)) throw new SehException(STATUS_ACCESS_VIOLATION, 0, write ? 1 : 0, va);
      const driver = this.kernelCode === 0 && !kernel ? m.cpu.driver : null;
      if ((flags & PTE_NOACCESS) !== 0) {
        return KeBugCheckEx(PAGE_FAULT_IN_NONPAGED_AREA, va, write ? 1 : 0, 0, 0, `The ${write ? "write" : "read"} of ${formatAddress(va)} touched a no-access kernel page.`, driver ?? m.cpu.driver);
      }
      return KeBugCheckEx(ATTEMPTED_WRITE_TO_READONLY_MEMORY, va, flags, 0, 0, `The write of ${formatAddress(va)} touched read-only kernel memory.`, driver ?? m.cpu.driver);
    }
    if (irql >= DISPATCH_LEVEL) {
      const driver = this.kernelCode === 0 && !kernel ? m.cpu.driver : null;
      const what = valid ? ((flags & PTE_PAGED_POOL) !== 0 ? "paged pool memory that was paged out" : "pageable memory that was paged out") : "an invalid address";
      KeBugCheckEx(
        driver ? DRIVER_IRQL_NOT_LESS_OR_EQUAL : IRQL_NOT_LESS_OR_EQUAL,
        va, irql, write ? 1 : 0, 0,
        `The ${write ? "write" : "read"} of ${formatAddress(va)} touched ${what} at ${IrqlName(irql)}${driver ? "" : " in kernel code"}.`,
        driver ?? m.cpu.driver,
      );
    }
    if (valid) {
      // Windows pages the data back in; ours never left the frame (or is still the zero page).
      t.flags[i] = t.flags[i]! | PTE_PRESENT;
      this.stats.pageFaults++;
      this.noteResident(t, i);
      if (write && (t.flags[i]! & PTE_DEMAND_ZERO) !== 0) return this.materialize(t, i) * PAGE_SIZE + (va & 4095);
      return t.frames[i]! * PAGE_SIZE + ((va - t.base) & 4095);
    }
    if (!(va < 0)) throw new SehException(STATUS_ACCESS_VIOLATION, 0, write ? 1 : 0, va);
    return KeBugCheckEx(PAGE_FAULT_IN_NONPAGED_AREA, va, write ? 1 : 0, 0, 0, `No page is mapped at ${formatAddress(va)}.${objectNote(va)}`);
  }

  private noteResident(t: PageTable, i: number): void {
    const f = t.flags[i]!;
    if ((f & PTE_LISTED) !== 0) return;
    t.flags[i] = f | PTE_LISTED;
    this.residentTables.push(t);
    this.residentIndexes.push(i);
    if (this.residentTables.length >= this.residentLimit) this.compactResident();
  }

  /** Drop entries of pages unmapped since they were listed (and the duplicates a re-commit adds). */
  private compactResident(): void {
    const tables = this.residentTables;
    const idx = this.residentIndexes;
    const keptTables: PageTable[] = [];
    const keptIndexes: number[] = [];
    for (let k = 0; k < tables.length; k++) {
      const t = tables[k]!;
      const i = idx[k]!;
      const f = t.flags[i]!;
      if ((f & PTE_LISTED) === 0) continue;
      // Cleared while the pass runs, so a later duplicate of this page is dropped.
      t.flags[i] = f & ~PTE_LISTED;
      keptTables.push(t);
      keptIndexes.push(i);
    }
    this.relist(keptTables, keptIndexes);
  }

  private relist(tables: PageTable[], idx: number[]): void {
    for (let k = 0; k < tables.length; k++) tables[k]!.flags[idx[k]!]! |= PTE_LISTED;
    this.residentTables = tables;
    this.residentIndexes = idx;
    this.residentLimit = Math.max(1024, tables.length * 2);
  }

  /**
   * Trim: every pageable page that is in memory and not locked leaves it (paged pool
   * and user pages). The checked flavor does this each time a driver raises to
   * DISPATCH_LEVEL or above, as Driver Verifier's IRQL checking does. A page whose frame
   * an MDL has locked stays, and stays listed, so it can leave once it is unlocked.
   */
  pageOutAll(): number {
    const tables = this.residentTables;
    const idx = this.residentIndexes;
    const locks = this.physical.locks;
    const keptTables: PageTable[] = [];
    const keptIndexes: number[] = [];
    let n = 0;
    for (let k = 0; k < tables.length; k++) {
      const t = tables[k]!;
      const i = idx[k]!;
      const f = t.flags[i]!;
      if ((f & PTE_LISTED) === 0) continue;
      // Unlisted while the pass runs (a later duplicate entry is skipped); kept pages are listed again after it.
      const g = f & ~PTE_LISTED;
      t.flags[i] = g;
      // A page never written leaves too (it is on the zero page, which no MDL locks): touching it is then a page fault.
      if ((g & (PTE_VALID | PTE_PRESENT | PTE_PAGEABLE)) !== (PTE_VALID | PTE_PRESENT | PTE_PAGEABLE)) continue;
      if (locks[t.frames[i]!]! > 0) {
        keptTables.push(t);
        keptIndexes.push(i);
        continue;
      }
      t.flags[i] = g & ~PTE_PRESENT;
      n++;
    }
    this.relist(keptTables, keptIndexes);
    this.stats.pagesOut += n;
    return n;
  }

  // ---- byte moves (all through translation, in the current context) ----
  // A write can give a page its first frame, which may grow the host buffer: the buffer's
  // views are read after translating, never held across it.

  copy(dst: number, src: number, length: number): void {
    this.move(dst, src, length, false);
  }

  /** `copy` done by kernel code for a driver (the I/O manager's): a fault there is the kernel's (0xA). */
  copyKernel(dst: number, src: number, length: number): void {
    this.move(dst, src, length, true);
  }

  private move(dst: number, src: number, length: number, kernel: boolean): void {
    const physical = this.physical;
    while (length > 0) {
      const ps = kernel ? this.physKernelRead(src) : this.physRead(src);
      const pd = kernel ? this.physKernelWrite(dst) : this.physWrite(dst);
      // Frames are page aligned, so the physical offset tells where each page ends.
      const a = PAGE_SIZE - (ps & 4095);
      const b = PAGE_SIZE - (pd & 4095);
      const n = length < a ? (length < b ? length : b) : a < b ? a : b;
      if (n <= 128 && ((ps | pd | n) & 3) === 0) {
        // A small aligned move (a typical request buffer) is cheaper word by word than through copyWithin.
        const w = physical.i32;
        const s4 = ps >> 2;
        const d4 = pd >> 2;
        const e4 = n >> 2;
        for (let k = 0; k < e4; k++) w[d4 + k] = w[s4 + k]!;
      } else {
        physical.u8.copyWithin(pd, ps, ps + n);
      }
      src += n;
      dst += n;
      length -= n;
    }
  }

  fill(dst: number, length: number, value: number): void {
    while (length > 0) {
      const n = Math.min(length, PAGE_SIZE - (dst & 4095));
      // Zeroes on a resident page never written are already there: the page keeps no frame.
      if (value !== 0 || !this.neverWritten(dst)) {
        const pd = this.physWrite(dst);
        this.physical.u8.fill(value, pd, pd + n);
      }
      dst += n;
      length -= n;
    }
  }

  /** The page at `va` is a resident demand-zero page (writing zeroes to it changes nothing). */
  private neverWritten(va: number): boolean {
    const t = va < 0 ? this.kernelSpace.table : cur.cpu.process.space.table;
    const i = t.index(va);
    return i >= 0 && (t.flags[i]! & (PTE_VALID | PTE_PRESENT | PTE_DEMAND_ZERO)) === (PTE_VALID | PTE_PRESENT | PTE_DEMAND_ZERO);
  }

  /** Touch every page of a range (probing); raises or bug checks as an access would. */
  touch(va: number, length: number, write: boolean): void {
    if (length <= 0) return;
    const end = va + length;
    for (let p = va - (va & 4095); p < end; p += PAGE_SIZE) this.phys(p < va ? va : p, write);
  }

  readBytes(src: number, length: number): Uint8Array {
    if (length <= 0) return new Uint8Array(0);
    const first = this.physRead(src);
    // Within one page: one copy out of physical memory.
    if ((first & 4095) + length <= PAGE_SIZE) return this.physical.u8.slice(first, first + length);
    const out = new Uint8Array(length);
    let o = 0;
    while (o < length) {
      const ps = this.physRead(src);
      const n = Math.min(length - o, PAGE_SIZE - (ps & 4095));
      const u8 = this.physical.u8;
      for (let k = 0; k < n; k++) out[o + k] = u8[ps + k]!;
      src += n;
      o += n;
    }
    return out;
  }

  writeBytes(dst: number, data: ArrayLike<number>): void {
    if (data instanceof Uint8Array) this.writeU8(dst, data);
    else this.writeArray(dst, data);
  }

  private writeU8(dst: number, data: Uint8Array): void {
    const length = data.length;
    if (length === 0) return;
    const first = this.physWrite(dst);
    // Within one page: one move into physical memory.
    if ((first & 4095) + length <= PAGE_SIZE) {
      this.physical.u8.set(data, first);
      return;
    }
    let o = 0;
    while (o < length) {
      const pd = this.physWrite(dst);
      const n = Math.min(length - o, PAGE_SIZE - (pd & 4095));
      this.physical.u8.set(data.subarray(o, o + n), pd);
      dst += n;
      o += n;
    }
  }

  private writeArray(dst: number, data: ArrayLike<number>): void {
    const length = data.length;
    let o = 0;
    while (o < length) {
      const pd = this.physWrite(dst);
      const n = Math.min(length - o, PAGE_SIZE - (pd & 4095));
      const u8 = this.physical.u8;
      for (let k = 0; k < n; k++) u8[pd + k] = data[o + k]!;
      dst += n;
      o += n;
    }
  }

  read8(va: number): number {
    const p = this.physRead(va);
    return this.physical.u8[p]!;
  }
  write8(va: number, v: number): void {
    const p = this.physWrite(va);
    this.physical.u8[p] = v;
  }
  read16(va: number): number {
    if ((va & 4095) <= PAGE_SIZE - 2) {
      const p = this.physRead(va);
      return this.physical.view.getUint16(p, true);
    }
    return this.read8(va) | (this.read8(va + 1) << 8);
  }
  write16(va: number, v: number): void {
    if ((va & 4095) <= PAGE_SIZE - 2) {
      const p = this.physWrite(va);
      this.physical.view.setUint16(p, v, true);
    } else this.writeBytes(va, [v & 0xff, (v >>> 8) & 0xff]);
  }
  read32(va: number): number {
    if ((va & 4095) <= PAGE_SIZE - 4) {
      const p = this.physRead(va);
      return this.physical.view.getUint32(p, true);
    }
    return (this.read16(va) | (this.read16(va + 2) << 16)) >>> 0;
  }
  write32(va: number, v: number): void {
    if ((va & 4095) <= PAGE_SIZE - 4) {
      const p = this.physWrite(va);
      this.physical.view.setUint32(p, v >>> 0, true);
    } else this.writeBytes(va, [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff]);
  }
  /** 64-bit values as numbers (exact below 2^53, which covers every address). */
  read64(va: number): number {
    const lo = this.read32(va);
    const hi = this.read32(va + 4);
    return hi * 2 ** 32 + lo;
  }
  write64(va: number, v: number): void {
    this.write32(va, v % 2 ** 32);
    this.write32(va + 4, Math.floor(v / 2 ** 32));
  }
}
