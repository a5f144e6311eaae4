import { ExAllocatePool2, ReadBytes, WriteBytes } from "../mm/access.js";
import { POOL_FLAG_PAGED, POOL_TAG } from "../mm/pool.js";

/*
 * The IDs IRP_MN_QUERY_ID returns are WCHAR strings in paged pool (a MULTI_SZ for hardware
 * and compatible IDs), their address in IoStatus.Information, freed by the PnP manager.
 * These helpers (our names) read and write them in emulated memory.
 */

/** Writes `Text` and its terminating NUL as UTF-16 at `Address`. */
export function WriteWideString(Address: number, Text: string): void {
  const b = new Uint8Array(2 * Text.length + 2);
  for (let i = 0; i < Text.length; i++) {
    const c = Text.charCodeAt(i);
    b[2 * i] = c & 0xff;
    b[2 * i + 1] = c >>> 8;
  }
  WriteBytes(Address, b);
}

/** Reads a NUL-terminated UTF-16 string at `Address` (at most `MaxChars` characters). */
export function ReadWideString(Address: number, MaxChars = 4096): string {
  // Read in chunks that stay within a page, so a string ending near a page boundary reads no further.
  const codes: number[] = [];
  let at = Address;
  while (codes.length < MaxChars) {
    const toPage = 0x1000 - (at & 0xfff);
    const n = Math.min(toPage, 2 * (MaxChars - codes.length), 256) & ~1 || 2;
    const b = ReadBytes(at, n);
    for (let i = 0; i + 1 < b.length; i += 2) {
      const c = b[i]! | (b[i + 1]! << 8);
      if (c === 0) return String.fromCharCode.apply(null, codes);
      codes.push(c);
    }
    at += n;
  }
  return String.fromCharCode.apply(null, codes);
}

/** Reads a REG_MULTI_SZ (strings, each NUL-terminated, then an empty one) at `Address`. */
export function ReadMultiSz(Address: number, MaxChars = 65536): string[] {
  const out: string[] = [];
  let at = Address;
  const end = Address + 2 * MaxChars;
  while (at < end) {
    const s = ReadWideString(at, (end - at) >> 1);
    if (s === "") break;
    out.push(s);
    at += 2 * (s.length + 1);
  }
  return out;
}

/**
 * Allocates paged pool holding `Strings` as a MULTI_SZ (or one string when `Multi` is
 * false), as a bus driver answers IRP_MN_QUERY_ID; 0 if the pool is exhausted.
 */
export function IoAllocateWideStrings(Strings: readonly string[], Multi: boolean, Tag = POOL_TAG("PnpI")): number {
  let chars = Multi ? 1 : 0;
  for (const s of Strings) chars += s.length + 1;
  const p = ExAllocatePool2(POOL_FLAG_PAGED, Math.max(2, chars * 2), Tag);
  if (p === 0) return 0;
  let at = p;
  for (const s of Strings) {
    WriteWideString(at, s);
    at += 2 * (s.length + 1);
  }
  if (Multi) WriteBytes(at, [0, 0]);
  return p;
}
