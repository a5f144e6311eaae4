import { cur, isInsideMachine } from "../context.js";
import type { DRIVER_OBJECT } from "../io/driver.js";
import { KERNEL_BASE, PAGE_SIZE } from "../mm/layout.js";
import type { AddressSpace } from "../mm/page-table.js";
import { NO_ADDRESS } from "../mm/page-table.js";

/**
 * Each object takes one granule of kernel address space: 16 bytes, x64's
 * MEMORY_ALLOCATION_ALIGNMENT, so object addresses are aligned as pool addresses are.
 */
export const OBJECT_ADDRESS_GRANULE = 16;

/** Address space is reserved 16 pages (4096 granules) at a time: one reservation serves thousands of objects. */
const CHUNK_PAGES = 16;

/**
 * The machine's object addresses: every object the kernel keeps as a TypeScript class
 * (driver, device and file objects, IRPs, and on request MDLs and dispatcher objects)
 * sits at a kernel virtual address that resolves back to it, so a pointer can travel
 * where C puts one (`IoStatus.Information`, a pointer-sized field in emulated memory).
 *
 * The addresses are granules of kernel address space reserved for this table and
 * never mapped: reading one as memory is PAGE_FAULT_IN_NONPAGED_AREA, which says loudly
 * that the object is not in emulated memory (and costs no physical memory, no pool
 * header and no pool accounting). A freed granule goes on a stack and is the next one
 * handed out, so a stream of objects reuses a few addresses, and the address space the
 * table reserves is bounded by the most objects alive at once. Nothing depends on the
 * host's garbage collector: the same run gives the same addresses.
 */
export class ObjectAddressTable {
  private readonly objects = new Map<number, object>();
  /** Addresses given on request (AddressOfObject) to objects built without one. */
  private readonly onRequest = new WeakMap<object, number>();
  /** The driver that asked for an address given on request: the address goes back when it unloads. */
  private readonly askedBy = new Map<number, DRIVER_OBJECT>();
  /** Granules given back, as offsets from KERNEL_BASE (int32, so no boxing): reused first, last freed first. */
  private free = new Int32Array(16);
  private top = 0;
  /** The part of the newest reservation never handed out: [chunkNext, chunkEnd), offsets from KERNEL_BASE. */
  private chunkNext = 0;
  private chunkEnd = 0;
  /** Pages of kernel address space reserved for object addresses (reserved, never mapped). */
  reservedPages = 0;

  constructor(private readonly kernelSpace: AddressSpace) {}

  /** Objects at an address now. */
  get size(): number {
    return this.objects.size;
  }

  /**
   * A fresh address for an object about to be built (it resolves once `bind` is called),
   * or 0 when kernel address space is exhausted.
   */
  reserve(): number {
    if (this.top > 0) return KERNEL_BASE + this.free[--this.top]!;
    if (this.chunkNext === this.chunkEnd && !this.grow()) return 0;
    const offset = this.chunkNext;
    this.chunkNext += OBJECT_ADDRESS_GRANULE;
    return KERNEL_BASE + offset;
  }

  bind(address: number, object: object): void {
    this.objects.set(address, object);
  }

  /** `reserve` and `bind` in one; 0 if no address is left. */
  insert(object: object): number {
    const address = this.reserve();
    if (address !== 0) this.objects.set(address, object);
    return address;
  }

  /** The object at `address`, or null: a stale, foreign or garbage address (of any JavaScript type) is null. */
  lookup(address: unknown): object | null {
    return typeof address === "number" ? (this.objects.get(address) ?? null) : null;
  }

  /**
   * The address `object` holds here, or 0: one given on request, or the `address`
   * field of a kind built with one (checked against the table, so a stale field or an
   * unrelated property of that name never counts).
   */
  find(object: object): number {
    const given = this.onRequest.get(object);
    if (given !== undefined) return given;
    const field = (object as { address?: unknown }).address;
    return typeof field === "number" && field !== 0 && this.objects.get(field) === object ? field : 0;
  }

  /**
   * The address of an object built without one, given the first time it is asked for
   * and kept while the object lives here. `driver` (the driver running) is charged
   * with it: it goes back when that driver unloads, if nothing gave it back before.
   */
  giveOnRequest(object: object, driver: DRIVER_OBJECT | null): number {
    const known = this.onRequest.get(object);
    if (known !== undefined) return known;
    const address = this.insert(object);
    if (address === 0) return 0;
    this.onRequest.set(object, address);
    if (driver !== null) this.askedBy.set(address, driver);
    return address;
  }

  /** The object's memory is gone: its address stops resolving and will be handed out again. */
  remove(object: object): void {
    const address = this.find(object);
    if (address === 0) return;
    this.objects.delete(address);
    this.onRequest.delete(object);
    this.askedBy.delete(address);
    this.push(address - KERNEL_BASE);
  }

  /**
   * A driver is unloaded (or its DriverEntry failed): its driver object's address goes,
   * and so do the addresses it asked for (its own objects lived in its image and its
   * pool, which are gone with it).
   */
  removeDriver(driver: DRIVER_OBJECT): void {
    for (const [address, d] of this.askedBy) {
      if (d !== driver) continue;
      const object = this.objects.get(address);
      if (object !== undefined) this.remove(object);
    }
    this.remove(driver);
  }

  private push(offset: number): void {
    if (this.top === this.free.length) {
      const grown = new Int32Array(this.free.length * 2);
      grown.set(this.free);
      this.free = grown;
    }
    this.free[this.top++] = offset;
  }

  private grow(): boolean {
    const va = this.kernelSpace.reserve(CHUNK_PAGES);
    if (va === NO_ADDRESS) return false;
    this.reservedPages += CHUNK_PAGES;
    // Handed out in ascending order, after every granule given back.
    this.chunkNext = va - KERNEL_BASE;
    this.chunkEnd = this.chunkNext + CHUNK_PAGES * PAGE_SIZE;
    return true;
  }
}

/**
 * For the constructors of kinds built with an address (file and driver objects): the
 * executing machine's next address, bound to `object`; 0 outside a machine.
 */
export function ObpInsertObjectAddress(object: object): number {
  return isInsideMachine() ? cur.ob.addresses.insert(object) : 0;
}
