import { cur } from "../context.js";
import type { Box } from "../box.js";
import { STATUS_INVALID_PAGE_PROTECTION, STATUS_INVALID_PARAMETER, STATUS_NO_MEMORY, STATUS_NOT_COMMITTED, STATUS_SUCCESS, type NTSTATUS } from "../ntstatus.js";
import { PAGE_SIZE } from "./layout.js";
import { NO_ADDRESS, PTE_NOACCESS, PTE_PAGEABLE, PTE_PRESENT, PTE_VALID, PTE_WRITABLE } from "./page-table.js";

export const MEM_COMMIT = 0x1000;
export const MEM_RESERVE = 0x2000;
export const MEM_RELEASE = 0x8000;
export const PAGE_NOACCESS = 0x01;
export const PAGE_READONLY = 0x02;
export const PAGE_READWRITE = 0x04;
export const PAGE_WRITECOPY = 0x08;
export const PAGE_EXECUTE = 0x10;
export const PAGE_EXECUTE_READ = 0x20;
export const PAGE_EXECUTE_READWRITE = 0x40;
export const PAGE_EXECUTE_WRITECOPY = 0x80;
export const PAGE_GUARD = 0x100;
export const PAGE_NOCACHE = 0x200;
export const PAGE_WRITECOMBINE = 0x400;

/** Region sizes per address space, so a release frees what was allocated. */
const regionsKey = Symbol("regions");

function regionsOf(space: object): Map<number, number> {
  return ((space as any)[regionsKey] ??= new Map());
}

/**
 * The page-table flags for a Win32 page protection, or -1 if it is not one: exactly one
 * base protection, optionally with PAGE_GUARD, PAGE_NOCACHE or PAGE_WRITECOMBINE (which
 * this machine accepts and does not model). Write-copy is for mapped views only, so private
 * memory refuses it, as Windows does.
 */
function protectionFlags(Protect: number): number {
  if (typeof Protect !== "number" || Protect >>> 0 !== Protect) return -1;
  const base = Protect & 0xff;
  if ((Protect & ~0x7ff) !== 0 || base === 0 || (base & (base - 1)) !== 0) return -1;
  if ((Protect & PAGE_NOCACHE) !== 0 && (Protect & PAGE_WRITECOMBINE) !== 0) return -1;
  switch (base) {
    case PAGE_NOACCESS:
      return PTE_PAGEABLE | PTE_NOACCESS;
    case PAGE_READONLY:
    case PAGE_EXECUTE:
    case PAGE_EXECUTE_READ:
      return PTE_PAGEABLE;
    case PAGE_READWRITE:
    case PAGE_EXECUTE_READWRITE:
      return PTE_PAGEABLE | PTE_WRITABLE;
    default:
      return -1; // PAGE_WRITECOPY, PAGE_EXECUTE_WRITECOPY
  }
}

/** The protection a page's flags say (the execute variants read back as their data form). */
function protectionOf(flags: number): number {
  if ((flags & PTE_NOACCESS) !== 0) return PAGE_NOACCESS;
  return (flags & PTE_WRITABLE) !== 0 ? PAGE_READWRITE : PAGE_READONLY;
}

/**
 * `NtAllocateVirtualMemory` in the current process: committed, zeroed, pageable user
 * pages with the protection asked for (the process may touch them; the kernel only
 * through probes and MDLs, which honour the protection).
 */
export function NtAllocateVirtualMemory(ProcessHandle: number, BaseAddress: Box<number>, ZeroBits: number, RegionSize: Box<number>, AllocationType: number, Protect: number): NTSTATUS {
  void ProcessHandle;
  void ZeroBits;
  const m = cur;
  const size = RegionSize.value;
  if (!(size > 0) || size > 2 ** 40 || (AllocationType & (MEM_COMMIT | MEM_RESERVE)) === 0) return STATUS_INVALID_PARAMETER;
  const flags = protectionFlags(Protect);
  if (flags < 0) return STATUS_INVALID_PAGE_PROTECTION;
  const space = m.cpu.process.space;
  const pages = Math.ceil(size / PAGE_SIZE);
  // Windows hands out 64 KB granules; a bump allocator keeps our page table dense.
  const granules = Math.ceil(pages / 16) * 16;
  const va = space.reserve(granules);
  if (va === NO_ADDRESS) return STATUS_NO_MEMORY;
  if (!m.mm.commit(space, va, pages, flags)) {
    space.release(va, granules);
    return STATUS_NO_MEMORY;
  }
  // A PAGE_NOACCESS page is never present to an access: every touch faults.
  if ((flags & PTE_NOACCESS) !== 0) setFlags(space.table, va, pages, flags);
  regionsOf(space).set(va, pages);
  BaseAddress.value = va;
  RegionSize.value = pages * PAGE_SIZE;
  return STATUS_SUCCESS;
}

function setFlags(t: { index(va: number): number; flags: Uint8Array }, va: number, pages: number, flags: number): void {
  const first = t.index(va);
  for (let p = 0; p < pages; p++) {
    const f = t.flags[first + p]!;
    // Keep whether the page is in memory; a no-access page never is, to an access.
    const present = (flags & PTE_NOACCESS) === 0 ? f & PTE_PRESENT : 0;
    t.flags[first + p] = (f & ~(PTE_PRESENT | PTE_WRITABLE | PTE_NOACCESS | PTE_PAGEABLE)) | flags | present | PTE_VALID;
  }
}

/**
 * `NtProtectVirtualMemory` (VirtualProtect): changes the protection of committed pages in
 * the current process. The range is rounded out to whole pages and must lie within one
 * allocation; OldProtect gets the first page's previous protection.
 */
export function NtProtectVirtualMemory(ProcessHandle: number, BaseAddress: Box<number>, RegionSize: Box<number>, NewProtect: number, OldProtect: Box<number>): NTSTATUS {
  void ProcessHandle;
  const m = cur;
  const flags = protectionFlags(NewProtect);
  if (flags < 0) return STATUS_INVALID_PAGE_PROTECTION;
  const start = BaseAddress.value;
  const size = RegionSize.value;
  if (typeof start !== "number" || typeof size !== "number" || !(start >= 0) || !(size > 0)) return STATUS_INVALID_PARAMETER;
  const first = start - (start % PAGE_SIZE);
  const end = Math.ceil((start + size) / PAGE_SIZE) * PAGE_SIZE;
  const space = m.cpu.process.space;
  let inside = false;
  for (const [va, pages] of regionsOf(space)) {
    if (first >= va && end <= va + pages * PAGE_SIZE) {
      inside = true;
      break;
    }
  }
  if (!inside) return STATUS_NOT_COMMITTED;
  const t = space.table;
  OldProtect.value = protectionOf(t.flags[t.index(first)]!);
  setFlags(t, first, (end - first) / PAGE_SIZE, flags);
  BaseAddress.value = first;
  RegionSize.value = end - first;
  return STATUS_SUCCESS;
}

export function NtFreeVirtualMemory(ProcessHandle: number, BaseAddress: Box<number>, RegionSize: Box<number>, FreeType: number): NTSTATUS {
  void ProcessHandle;
  void FreeType;
  const m = cur;
  const space = m.cpu.process.space;
  const regions: Map<number, number> | undefined = (space as any)[regionsKey];
  const pages = regions?.get(BaseAddress.value);
  if (pages === undefined) return STATUS_INVALID_PARAMETER;
  regions!.delete(BaseAddress.value);
  m.mm.decommit(space, BaseAddress.value, pages);
  space.release(BaseAddress.value, Math.ceil(pages / 16) * 16);
  RegionSize.value = pages * PAGE_SIZE;
  return STATUS_SUCCESS;
}
