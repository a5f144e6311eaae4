/**
 * The emulated x64 address layout. Every address is a plain JavaScript number below
 * 2^53 (no BigInt on the hot path): user space lies below 2^47; kernel space is kept
 * internally in [2^47, 2^48) and shown sign-extended (0xFFFF8000`00000000 and up)
 * wherever a person reads it, which is exactly the canonical x64 form.
 */
export const PAGE_SIZE = 4096;
export const PAGE_SHIFT = 12;
export const KERNEL_BASE = 2 ** 47;
export const KERNEL_END = 2 ** 48;
/** MM_USER_PROBE_ADDRESS: the first address ProbeForRead/ProbeForWrite refuse. */
export const MM_USER_PROBE_ADDRESS = 0x7fff_ffff_0000;
export const MM_HIGHEST_USER_ADDRESS = 0x7fff_fffe_ffff;
/** The lowest user address VirtualAlloc hands out (the first 64 KB is never mapped). */
export const MM_LOWEST_USER_ADDRESS = 0x10000;

export function BYTE_OFFSET(Va: number): number {
  return Va % PAGE_SIZE;
}
export function PAGE_ALIGN(Va: number): number {
  return Va - (Va % PAGE_SIZE);
}
export function ADDRESS_AND_SIZE_TO_SPAN_PAGES(Va: number, Size: number): number {
  return Math.ceil((BYTE_OFFSET(Va) + Size) / PAGE_SIZE);
}
export function ROUND_TO_PAGES(Size: number): number {
  return Math.ceil(Size / PAGE_SIZE) * PAGE_SIZE;
}

export function isKernelAddress(a: number): boolean {
  return a >= KERNEL_BASE;
}

/** A 64-bit address as the debugger prints it: kernel addresses sign-extended. */
export function formatAddress(a: number): string {
  if (a >= KERNEL_BASE && a < KERNEL_END) {
    const v = BigInt(a) | 0xffff_0000_0000_0000n;
    const h = v.toString(16).toUpperCase().padStart(16, "0");
    return `0x${h.slice(0, 8)}\`${h.slice(8)}`;
  }
  if (a < 0) a = a >>> 0;
  return `0x${a.toString(16).toUpperCase().padStart(8, "0")}`;
}
