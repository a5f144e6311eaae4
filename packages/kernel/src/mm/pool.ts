import { cur } from "../context.js";
import type { DRIVER_OBJECT } from "../io/driver.js";
import { KeBugCheckEx } from "../ke/bugcheck.js";
import { BAD_POOL_CALLER, BAD_POOL_HEADER, DRIVER_VERIFIER_DETECTED_VIOLATION } from "../ke/bugcheck-codes.js";
import { APC_LEVEL, DISPATCH_LEVEL } from "../ke/irql.js";
import { ExRaiseStatus } from "../ke/exception.js";
import { STATUS_INSUFFICIENT_RESOURCES } from "../ntstatus.js";
import { formatAddress, KERNEL_BASE, PAGE_SIZE } from "./layout.js";
import type { MemoryManager } from "./memory-manager.js";
import { NO_ADDRESS, PTE_PAGEABLE, PTE_PAGED_POOL, PTE_VALID, PTE_WRITABLE } from "./page-table.js";

export const POOL_FLAG_REQUIRED_START = 0x1;
export const POOL_FLAG_USE_QUOTA = 0x1;
export const POOL_FLAG_UNINITIALIZED = 0x2;
export const POOL_FLAG_SESSION = 0x4;
export const POOL_FLAG_CACHE_ALIGNED = 0x8;
export const POOL_FLAG_RAISE_ON_FAILURE = 0x20;
export const POOL_FLAG_NON_PAGED = 0x40;
export const POOL_FLAG_NON_PAGED_EXECUTE = 0x80;
export const POOL_FLAG_PAGED = 0x100;

/** POOL_TYPE values of the older ExAllocatePoolWithTag. */
export const NonPagedPool = 0;
export const NonPagedPoolExecute = 0;
export const PagedPool = 1;
export const NonPagedPoolNx = 512;
export type POOL_TYPE = number;

/** Builds a pool tag the way C's multi-character literal 'Tag1' does (first letter lowest). */
export function POOL_TAG(tag: string): number {
  let v = 0;
  for (let i = 0; i < 4; i++) v |= (tag.charCodeAt(i) & 0xff) << (8 * i);
  return v >>> 0;
}
export function PoolTagName(tag: number): string {
  let s = "";
  for (let i = 0; i < 4; i++) s += String.fromCharCode((tag >>> (8 * i)) & 0xff);
  return s;
}

/** A stack of free blocks of one size class: offsets from KERNEL_BASE in an Int32Array. */
class FreeStack {
  // Small at first (V8 keeps a typed array this size on its heap): a machine that never
  // uses a size class pays no external memory for it, and booting stays cheap.
  items = new Int32Array(8);
  top = 0;
  push(offset: number): void {
    if (this.top === this.items.length) {
      const grown = new Int32Array(this.items.length * 2);
      grown.set(this.items);
      this.items = grown;
    }
    this.items[this.top++] = offset;
  }
}

// ---- the cold paths: each ends in the bug check Windows gives ----

function verifyAllocate(paged: boolean, bytes: number, tag: number): void {
  const irql = cur.cpu.Irql;
  // 0xC4/0x00: P2 the IRQL, P3 the pool type (PagedPool 1, NonPagedPool 0), P4 the bytes (0).
  if (bytes === 0) KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, 0x00, irql, paged ? 1 : 0, 0, `ExAllocatePool2 asked for zero bytes (tag '${PoolTagName(tag)}').`);
  if (paged && irql > APC_LEVEL) KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, 0x01, irql, 1, bytes, "Paged pool was allocated above APC_LEVEL.");
  if (!paged && irql > DISPATCH_LEVEL) KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, 0x02, irql, 0, bytes, "Nonpaged pool was allocated above DISPATCH_LEVEL.");
}

/** The verifier knows a block's pool type from its own tables (here, the PTE), so it refuses a free at the wrong IRQL before anything touches the block. */
function verifyFree(addr: number, paged: boolean): void {
  const irql = cur.cpu.Irql;
  if (paged && irql > APC_LEVEL) KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, 0x11, irql, 1, addr, "Paged pool was freed above APC_LEVEL.");
  if (irql > DISPATCH_LEVEL) KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, 0x12, irql, 0, addr, "Nonpaged pool was freed above DISPATCH_LEVEL.");
}

function notFromPool(addr: number): never {
  return KeBugCheckEx(BAD_POOL_CALLER, 0x46, addr, 0, 0, `ExFreePool was given ${formatAddress(addr)}, which the pool never handed out.`);
}

function badHeader(addr: number, block: number, word: number, btag: number): never {
  if (((word >>> 8) & 0xff) === STATE_FREE) {
    return KeBugCheckEx(BAD_POOL_CALLER, 0x07, 0, 0, addr, `The block at ${formatAddress(addr)} (tag '${PoolTagName(btag)}') was freed twice.`);
  }
  return KeBugCheckEx(BAD_POOL_HEADER, 0x20, block, 0, 0, `The pool header before ${formatAddress(addr)} is corrupt (an overrun of the block before it, or a bad pointer).`);
}

function wrongTag(addr: number, btag: number, tag: number): never {
  return KeBugCheckEx(BAD_POOL_CALLER, 0x0a, addr, btag, tag, `ExFreePoolWithTag was given tag '${PoolTagName(tag)}' for a block allocated with '${PoolTagName(btag)}'.`);
}

/** Every block is preceded by a 16-byte POOL_HEADER in emulated memory. */
export const POOL_HEADER_SIZE = 16;
const STATE_ALLOCATED = 0xa1;
const STATE_FREE = 0xf0;
const TYPE_NONPAGED = 1;
const TYPE_PAGED = 2;
const CLASS_SIZES = [16, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 1520, 2032, 4080 - POOL_HEADER_SIZE];
const BIG = 255;

/** Size class by 16-byte granule, so choosing a class is one index. */
const CLASS_BY_GRANULE = new Uint8Array(256).map((_, g) => {
  for (let c = 0; c < CLASS_SIZES.length; c++) if (g * 16 <= CLASS_SIZES[c]!) return c;
  return BIG;
});

function classOf(bytes: number): number {
  // Large sizes never reach the 32-bit granule arithmetic: near 2^32 it would wrap to a
  // small class (a 4 GB request served by a 16-byte block).
  if (bytes >= 4096) return BIG;
  const g = (bytes + 15) >>> 4;
  return g < 256 ? CLASS_BY_GRANULE[g]! : BIG;
}

export interface PoolTagUsage {
  tag: string;
  paged: boolean;
  allocations: number;
  frees: number;
  bytes: number;
}

/**
 * The executive pools: nonpaged and paged pool carved from kernel pages, with a
 * header before each block (size, tag, type, state) so bad frees and overruns are
 * found the way Windows finds them: at free time, by looking at the headers.
 */
export class Pool {
  /** Free blocks per (type, size class), as offsets from KERNEL_BASE (small integers, not doubles). */
  private readonly free: FreeStack[][] = [[], [], []];
  private readonly usageByKey = new Map<number, PoolTagUsage>();
  /**
   * The checked flavor's record of which driver allocated each block still in use, as
   * Driver Verifier's pool tracking keeps it, so an unload that leaves pool behind is
   * caught. Blocks the kernel allocates on a driver's behalf belong to no driver.
   */
  readonly owners = new Map<number, DRIVER_OBJECT>();

  constructor(private readonly mm: MemoryManager) {
    for (const t of [TYPE_NONPAGED, TYPE_PAGED]) this.free[t] = CLASS_SIZES.map(() => new FreeStack());
  }

  // The hot paths stay small (so the JIT inlines them into the I/O path); every check
  // that can fail calls a cold function that says why.
  allocate(flags: number, bytes: number, tag: number): number {
    const paged = (flags & POOL_FLAG_PAGED) !== 0;
    if (cur.checked) verifyAllocate(paged, bytes, tag);
    if (tag === 0 || (flags & (POOL_FLAG_PAGED | POOL_FLAG_NON_PAGED | POOL_FLAG_NON_PAGED_EXECUTE)) === 0 || !(bytes >= 0)) {
      return this.failed(flags);
    }
    const type = paged ? TYPE_PAGED : TYPE_NONPAGED;
    const c = classOf(bytes);
    let block: number;
    if (c === BIG) {
      block = this.allocateBig(bytes, paged);
      if (block === NO_ADDRESS) return this.failed(flags);
    } else {
      const list = this.free[type]![c]!;
      if (list.top === 0 && !this.refill(type, c)) return this.failed(flags);
      block = KERNEL_BASE + list.items[--list.top]!;
    }
    const mm = this.mm;
    // Translated first: the header's write may give a fresh page its frame (and grow the buffer).
    const p4 = mm.physKernelWrite(block) >> 2;
    const w = mm.physical.i32;
    w[p4] = bytes;
    w[p4 + 1] = tag;
    w[p4 + 2] = type | (STATE_ALLOCATED << 8) | (c << 16);
    const addr = block + POOL_HEADER_SIZE;
    if ((flags & POOL_FLAG_UNINITIALIZED) === 0) this.zero(addr, bytes);
    this.account(tag, paged, 1, 0, bytes);
    if (cur.checked) this.track(addr);
    return addr;
  }

  private track(addr: number): void {
    const driver = cur.cpu.driver;
    if (driver !== null && this.mm.kernelCode === 0) this.owners.set(addr, driver);
  }

  /** Blocks `driver` allocated and has not freed (checked flavor): count and bytes. */
  outstanding(driver: DRIVER_OBJECT): { allocations: number; bytes: number } {
    let allocations = 0;
    let bytes = 0;
    for (const [addr, owner] of this.owners) {
      if (owner !== driver) continue;
      allocations++;
      bytes += this.sizeOf(addr);
    }
    return { allocations, bytes };
  }

  private allocateBig(bytes: number, paged: boolean): number {
    const pages = Math.ceil((bytes + POOL_HEADER_SIZE) / PAGE_SIZE);
    const block = this.mm.kernelSpace.reserve(pages);
    if (block === NO_ADDRESS) return NO_ADDRESS;
    if (!this.mm.commit(this.mm.kernelSpace, block, pages, this.pteFlags(paged))) {
      // Out of physical memory: the address range goes back, or every failure would leak it.
      this.mm.kernelSpace.release(block, pages);
      return NO_ADDRESS;
    }
    return block;
  }

  private zero(addr: number, bytes: number): void {
    const mm = this.mm;
    mm.kernelCode++;
    mm.fill(addr, bytes, 0);
    mm.kernelCode--;
  }

  private failed(flags: number): number {
    if (flags & POOL_FLAG_RAISE_ON_FAILURE) ExRaiseStatus(STATUS_INSUFFICIENT_RESOURCES);
    return 0;
  }

  private pteFlags(paged: boolean): number {
    return paged ? PTE_PAGEABLE | PTE_PAGED_POOL | PTE_WRITABLE : PTE_WRITABLE;
  }

  private refill(type: number, c: number): boolean {
    const va = this.mm.kernelSpace.reserve(1);
    if (va === NO_ADDRESS) return false;
    if (!this.mm.commit(this.mm.kernelSpace, va, 1, this.pteFlags(type === TYPE_PAGED))) {
      this.mm.kernelSpace.release(va, 1);
      return false;
    }
    const stride = CLASS_SIZES[c]! + POOL_HEADER_SIZE;
    const list = this.free[type]![c]!;
    // Push in reverse so blocks are handed out in address order.
    for (let off = Math.floor(PAGE_SIZE / stride) * stride - stride; off >= 0; off -= stride) list.push(va - KERNEL_BASE + off);
    return true;
  }

  free_(addr: number, tag: number | null): void {
    const mm = this.mm;
    const block = addr - POOL_HEADER_SIZE;
    const space = mm.kernelSpace.table;
    const idx = space.index(block);
    if (idx < 0 || ((addr - KERNEL_BASE) & 15) !== 0 || (space.flags[idx]! & PTE_VALID) === 0) notFromPool(addr);
    const checked = cur.checked;
    if (checked) verifyFree(addr, (space.flags[idx]! & PTE_PAGED_POOL) !== 0);
    // The pool reads its own header: a fault here is the kernel's (0xA).
    const p4 = mm.physKernelRead(block) >> 2;
    const w = mm.physical.i32;
    const btag = w[p4 + 1]! >>> 0;
    const word = w[p4 + 2]!;
    const type = word & 0xff;
    const c = (word >>> 16) & 0xff;
    if ((word & 0xff00) !== STATE_ALLOCATED << 8 || (type !== TYPE_NONPAGED && type !== TYPE_PAGED) || (c !== BIG && c >= CLASS_SIZES.length)) {
      badHeader(addr, block, word, btag);
    }
    if (checked && c !== BIG) this.checkNextHeader(block, c, addr);
    if (tag !== null && tag >>> 0 !== btag) wrongTag(addr, btag, tag);
    w[p4 + 2] = (word & ~0xff00) | (STATE_FREE << 8);
    if (checked) this.owners.delete(addr);
    const bytes = w[p4]!;
    this.account(btag, type === TYPE_PAGED, 0, 1, -bytes);
    if (c === BIG) this.freeBig(block, bytes);
    else this.free[type]![c]!.push(block - KERNEL_BASE);
  }

  private freeBig(block: number, bytes: number): void {
    const pages = Math.ceil((bytes + POOL_HEADER_SIZE) / PAGE_SIZE);
    this.mm.decommit(this.mm.kernelSpace, block, pages);
    this.mm.kernelSpace.release(block, pages);
  }

  /** The checked flavor looks past the end of a freed block, as special pool does. */
  private checkNextHeader(block: number, c: number, addr: number): void {
    const stride = CLASS_SIZES[c]! + POOL_HEADER_SIZE;
    const next = block + stride;
    if (next - (next & 4095) !== block - (block & 4095) || (next & 4095) + stride > PAGE_SIZE) return;
    const p4 = this.mm.physKernelRead(next) >> 2;
    const w = this.mm.physical.i32;
    const word = w[p4 + 2]!;
    const state = (word >>> 8) & 0xff;
    const nc = (word >>> 16) & 0xff;
    const fresh = w[p4] === 0 && word === 0;
    if (!fresh && ((state !== STATE_ALLOCATED && state !== STATE_FREE) || nc !== c)) {
      KeBugCheckEx(BAD_POOL_HEADER, 0x21, addr, next, 0, `The driver wrote past the end of the pool block at ${formatAddress(addr)}.`);
    }
  }

  /** Pool use per tag and pool type, as `!poolused` shows it. */
  get usage(): PoolTagUsage[] {
    return [...this.usageByKey.values()].map((u) => ({ ...u }));
  }

  /** The size the block at `addr` was allocated with. */
  sizeOf(addr: number): number {
    const p4 = this.mm.physKernelRead(addr - POOL_HEADER_SIZE) >> 2;
    return this.mm.physical.i32[p4]!;
  }

  // The last tag accounted, so a stream of same-tag requests skips the map. Tags are
  // kept as int32 (`| 0`): a uint32 above 2^31 would be a heap double on every call.
  private lastTag = 0;
  private lastPaged = false;
  private lastUsage: PoolTagUsage | null = null;

  private account(tag: number, paged: boolean, a: number, f: number, bytes: number): void {
    const t = tag | 0;
    let u = this.lastUsage;
    if (u === null || t !== this.lastTag || paged !== this.lastPaged) {
      const key = t * 2 + (paged ? 1 : 0);
      u = this.usageByKey.get(key) ?? null;
      if (u === null) this.usageByKey.set(key, (u = { tag: PoolTagName(tag), paged, allocations: 0, frees: 0, bytes: 0 }));
      this.lastTag = t;
      this.lastPaged = paged;
      this.lastUsage = u;
    }
    u.allocations += a;
    u.frees += f;
    u.bytes += bytes;
  }
}
