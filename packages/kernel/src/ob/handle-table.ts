import type { ObObject } from "./object.js";

export interface HandleEntry {
  readonly object: ObObject;
  readonly GrantedAccess: number;
  /** The same as GrantedAccess (the I/O system services read it under this name). */
  readonly access: number;
}

/** A process's handle table: handle values are multiples of four, from 4, reused lowest-first. */
export class HandleTable {
  private readonly entries: (HandleEntry | undefined)[] = [undefined];
  private readonly freeSlots: number[] = [];

  insert(object: ObObject, GrantedAccess: number): number {
    const slot = this.freeSlots.length > 0 ? this.freeSlots.pop()! : this.entries.length;
    this.entries[slot] = { object, GrantedAccess, access: GrantedAccess };
    return slot * 4;
  }

  /** The entry for a handle value, or undefined if it is not a valid handle. */
  lookup(handle: number): HandleEntry | undefined {
    // Handle values are multiples of four below 2^31; anything else is not a handle.
    if (typeof handle !== "number" || (handle & 0x7ffffffc) !== handle || handle === 0) return undefined;
    return this.entries[handle >>> 2];
  }

  remove(handle: number): HandleEntry | undefined {
    const e = this.lookup(handle);
    if (!e) return undefined;
    this.entries[handle / 4] = undefined;
    this.freeSlots.push(handle / 4);
    this.freeSlots.sort((a, b) => b - a);
    return e;
  }

  *[Symbol.iterator](): IterableIterator<[number, HandleEntry]> {
    for (let i = 1; i < this.entries.length; i++) {
      const e = this.entries[i];
      if (e) yield [i * 4, e];
    }
  }

  get count(): number {
    let n = 0;
    for (const e of this.entries) if (e) n++;
    return n;
  }
}
