/**
 * The emulated x64 address layout. Every address is a plain JavaScript number: an address
 * read as a *signed* 64-bit integer, as the sign-extended canonical x64 form makes
 * natural. User space is [0x10000, 2^47); kernel space is the top 2 GiB,
 * 0xFFFFFFFF`80000000 to 0xFFFFFFFF`FFFFFFFF, which as signed numbers are -2^31 to -1. So a
 * kernel address is a negative small integer (V8 keeps it unboxed, like every user
 * address the allocators hand out), `address < 0` tells kernel from user, and the
 * debugger's hexadecimal form is printed wherever a person reads one.
 */
export const PAGE_SIZE = 4096;
export const PAGE_SHIFT = 12;
/** The lowest kernel address, 0xFFFFFFFF`80000000 as a signed number. */
export const KERNEL_BASE = -(2 ** 31);
/** One past the highest kernel address (0xFFFFFFFF`FFFFFFFF is -1). */
export const KERNEL_END = 0;
/** MM_USER_PROBE_ADDRESS: the first address ProbeForRead/ProbeForWrite refuse. */
export const MM_USER_PROBE_ADDRESS = 0x7fff_ffff_0000;
export const MM_HIGHEST_USER_ADDRESS = 0x7fff_fffe_ffff;
/** The lowest user address VirtualAlloc hands out (the first 64 KB is never mapped). */
export const MM_LOWEST_USER_ADDRESS = 0x10000;

// `& 4095` keeps the low 12 bits of any integer address, negative (kernel) ones included.
export function BYTE_OFFSET(Va: number): number {
  return Va & (PAGE_SIZE - 1);
}
export function PAGE_ALIGN(Va: number): number {
  return Va - (Va & (PAGE_SIZE - 1));
}
export function ADDRESS_AND_SIZE_TO_SPAN_PAGES(Va: number, Size: number): number {
  return Math.ceil((BYTE_OFFSET(Va) + Size) / PAGE_SIZE);
}
export function ROUND_TO_PAGES(Size: number): number {
  return Math.ceil(Size / PAGE_SIZE) * PAGE_SIZE;
}

export function isKernelAddress(a: number): boolean {
  return a < KERNEL_END && a >= KERNEL_BASE;
}

/** A 64-bit address as the debugger prints it (kernel addresses as 0xFFFFFFFF`8xxxxxxx). */
export function formatAddress(a: number): string {
  if (!Number.isInteger(a)) return String(a);
  if (a < 0) {
    const h = BigInt.asUintN(64, BigInt(a)).toString(16).toUpperCase().padStart(16, "0");
    return `0x${h.slice(0, 8)}\`${h.slice(8)}`;
  }
  const h = a.toString(16).toUpperCase();
  return h.length > 8 ? `0x${h.padStart(16, "0").slice(0, 8)}\`${h.padStart(16, "0").slice(8)}` : `0x${h.padStart(8, "0")}`;
}
