import { cur } from "../context.js";
import { KiSchedulingPoint } from "../ke/preempt.js";
import { POOL_FLAG_NON_PAGED, POOL_FLAG_PAGED, NonPagedPoolNx, PagedPool, type POOL_TYPE } from "./pool.js";

/*
 * Memory as drivers see it. C dereferences a pointer; a TypeScript driver calls one of
 * these with the address. Every access goes through the current address space with
 * the IRQL and paging rules, so a bad pointer fails as it would in Windows.
 */

export function RtlCopyMemory(Destination: number, Source: number, Length: number): void {
  KiSchedulingPoint();
  cur.mm.copy(Destination, Source, Length);
}
export const RtlMoveMemory = RtlCopyMemory;

export function RtlZeroMemory(Destination: number, Length: number): void {
  KiSchedulingPoint();
  cur.mm.fill(Destination, Length, 0);
}

export function RtlFillMemory(Destination: number, Length: number, Fill: number): void {
  KiSchedulingPoint();
  cur.mm.fill(Destination, Length, Fill);
}

/** `RtlCompareMemory`: the number of leading bytes that match. */
export function RtlCompareMemory(Source1: number, Source2: number, Length: number): number {
  KiSchedulingPoint();
  const mm = cur.mm;
  for (let i = 0; i < Length; i++) if (mm.read8(Source1 + i) !== mm.read8(Source2 + i)) return i;
  return Length;
}

/** Read `Length` bytes at `Address` into a new JavaScript array (ours, for driver code). */
export function ReadBytes(Address: number, Length: number): Uint8Array {
  KiSchedulingPoint();
  return cur.mm.readBytes(Address, Length);
}
/** Write bytes from JavaScript to `Address` (ours, for driver code). */
export function WriteBytes(Address: number, Data: ArrayLike<number>): void {
  KiSchedulingPoint();
  cur.mm.writeBytes(Address, Data);
}
export function ReadUchar(Address: number): number {
  KiSchedulingPoint();
  return cur.mm.read8(Address);
}
export function WriteUchar(Address: number, Value: number): void {
  KiSchedulingPoint();
  cur.mm.write8(Address, Value);
}
export function ReadUshort(Address: number): number {
  KiSchedulingPoint();
  return cur.mm.read16(Address);
}
export function WriteUshort(Address: number, Value: number): void {
  KiSchedulingPoint();
  cur.mm.write16(Address, Value);
}
export function ReadUlong(Address: number): number {
  KiSchedulingPoint();
  return cur.mm.read32(Address);
}
export function WriteUlong(Address: number, Value: number): void {
  KiSchedulingPoint();
  cur.mm.write32(Address, Value);
}
export function ReadUlong64(Address: number): number {
  KiSchedulingPoint();
  return cur.mm.read64(Address);
}
export function WriteUlong64(Address: number, Value: number): void {
  KiSchedulingPoint();
  cur.mm.write64(Address, Value);
}

/**
 * A pointer-sized (8-byte) value: an address, read back as the same signed number it
 * was written as (a kernel pointer 0xFFFFFFFF`8xxxxxxx is negative), so it compares
 * equal to the address the allocator or AddressOfObject handed out.
 */
export function ReadPointer(Address: number): number {
  KiSchedulingPoint();
  const mm = cur.mm;
  const lo = mm.read32(Address);
  // The high half as a signed 32-bit value: the sign extension of a canonical address.
  return (mm.read32(Address + 4) | 0) * 2 ** 32 + lo;
}
/** Stores an address as the 8 bytes of a 64-bit pointer (two's complement for kernel addresses). */
export function WritePointer(Address: number, Value: number): void {
  KiSchedulingPoint();
  const mm = cur.mm;
  mm.write32(Address, Value >>> 0);
  mm.write32(Address + 4, Math.floor(Value / 2 ** 32));
}

/** A NUL-terminated ANSI string at `Address` (at most `MaxLength` bytes). */
export function ReadAnsiString(Address: number, MaxLength: number): string {
  const mm = cur.mm;
  let s = "";
  for (let i = 0; i < MaxLength; i++) {
    const c = mm.read8(Address + i);
    if (c === 0) break;
    s += String.fromCharCode(c);
  }
  return s;
}

/** Writes `Text` and a terminating NUL, at most `MaxLength` bytes; returns the bytes written. */
export function WriteAnsiString(Address: number, Text: string, MaxLength: number): number {
  const n = Math.min(Text.length + 1, MaxLength);
  const bytes = new Uint8Array(n);
  for (let i = 0; i < n - 1 && i < Text.length; i++) bytes[i] = Text.charCodeAt(i) & 0xff;
  cur.mm.writeBytes(Address, bytes);
  return n;
}

// ---- pools ----

/** `ExAllocatePool2`: zeroed memory (unless POOL_FLAG_UNINITIALIZED), or 0 (NULL) on failure. */
export function ExAllocatePool2(Flags: number, NumberOfBytes: number, Tag: number): number {
  return cur.mm.pool.allocate(Flags, NumberOfBytes, Tag);
}

/** `ExAllocatePoolWithTag` (deprecated in the WDK, still common): uninitialised memory. */
export function ExAllocatePoolWithTag(PoolType: POOL_TYPE, NumberOfBytes: number, Tag: number): number {
  const paged = (PoolType & 1) === PagedPool;
  void NonPagedPoolNx;
  return cur.mm.pool.allocate((paged ? POOL_FLAG_PAGED : POOL_FLAG_NON_PAGED) | 0x2, NumberOfBytes, Tag);
}

export function ExFreePoolWithTag(P: number, Tag: number): void {
  cur.mm.pool.free_(P, Tag);
}

export function ExFreePool(P: number): void {
  cur.mm.pool.free_(P, null);
}
