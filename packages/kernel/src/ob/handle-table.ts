import type { ObObject } from "./object.js";
import { heapPop, heapPush } from "../rtl/binary-heap.js";

export interface HandleEntry {
  readonly object: ObObject;
  readonly GrantedAccess: number;
  /** The same as GrantedAccess (the I/O system services read it under this name). */
  readonly access: number;
}

/**
 * The bit that marks a kernel handle (the System process's table). Windows sets the
 * sign bit of a kernel handle so no user handle can ever name a kernel object; here a
 * handle is a 32-bit unsigned value, so kernel handles are 0x80000004, 0x80000008...
 */
export const KERNEL_HANDLE_MASK = 0x80000000;

/**
 * `ObIsKernelHandle`: true for a handle of the kernel handle table. As in Windows the
 * pseudo-handles NtCurrentProcess() (-1) and NtCurrentThread() (-2) are not kernel
 * handles, and a sign-extended value (Handle | 0) is the same handle.
 */
export function ObIsKernelHandle(Handle: number): boolean {
  if (typeof Handle !== "number" || !Number.isInteger(Handle) || Handle < -0x80000000 || Handle > 0xffffffff) return false;
  const u = Handle >>> 0;
  return u >= KERNEL_HANDLE_MASK && u !== 0xffffffff && u !== 0xfffffffe;
}

/**
 * A process's handle table: handle values are multiples of four, from 4, reused
 * lowest-first. The kernel handle table (the System process's) hands out the same
 * values with KERNEL_HANDLE_MASK set.
 */
export class HandleTable {
  private readonly entries: (HandleEntry | undefined)[] = [undefined];
  /** Free slots as a binary min-heap: the lowest is reused first, each close and open O(log n). */
  private readonly freeSlots: number[] = [];

  /** `kernel`: this is the kernel handle table, whose handles carry KERNEL_HANDLE_MASK. */
  constructor(readonly kernel = false) {}

  insert(object: ObObject, GrantedAccess: number): number {
    const slot = this.freeSlots.length > 0 ? this.takeLowestFree() : this.entries.length;
    this.entries[slot] = { object, GrantedAccess, access: GrantedAccess };
    return this.handleOf(slot);
  }

  /** The entry for a handle value, or undefined if it is not a valid handle. */
  lookup(handle: number): HandleEntry | undefined {
    const slot = this.slotOf(handle);
    return slot === 0 ? undefined : this.entries[slot];
  }

  remove(handle: number): HandleEntry | undefined {
    const slot = this.slotOf(handle);
    const e = slot === 0 ? undefined : this.entries[slot];
    if (!e) return undefined;
    this.entries[slot] = undefined;
    this.addFree(slot);
    return e;
  }

  private addFree(slot: number): void {
    heapPush(this.freeSlots, slot, lower);
  }

  private takeLowestFree(): number {
    return heapPop(this.freeSlots, lower);
  }

  *[Symbol.iterator](): IterableIterator<[number, HandleEntry]> {
    for (let i = 1; i < this.entries.length; i++) {
      const e = this.entries[i];
      if (e) yield [this.handleOf(i), e];
    }
  }

  get count(): number {
    let n = 0;
    for (const e of this.entries) if (e) n++;
    return n;
  }

  private handleOf(slot: number): number {
    return this.kernel ? KERNEL_HANDLE_MASK + slot * 4 : slot * 4;
  }

  /** The slot a handle value names, or 0 if it is not a handle of this table. */
  private slotOf(handle: number): number {
    if (typeof handle !== "number" || !Number.isInteger(handle)) return 0;
    if (ObIsKernelHandle(handle)) {
      // A user table holds no kernel handles.
      if (!this.kernel) return 0;
      handle = (handle >>> 0) - KERNEL_HANDLE_MASK;
    }
    // Without the kernel bit a handle is a multiple of four below 2^31. In the System
    // process the kernel table is the process's own table, so as in Windows the value
    // without KERNEL_HANDLE_MASK names the same entry.
    if (handle <= 0 || (handle & 0x7ffffffc) !== handle) return 0;
    return handle >>> 2;
  }
}

function lower(a: number, b: number): boolean {
  return a < b;
}
