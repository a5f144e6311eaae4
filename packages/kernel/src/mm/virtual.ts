import { cur } from "../context.js";
import type { Box } from "../box.js";
import { STATUS_INVALID_PARAMETER, STATUS_NO_MEMORY, STATUS_SUCCESS, type NTSTATUS } from "../ntstatus.js";
import { PAGE_SIZE } from "./layout.js";
import { NO_ADDRESS, PTE_PAGEABLE, PTE_WRITABLE } from "./page-table.js";

export const MEM_COMMIT = 0x1000;
export const MEM_RESERVE = 0x2000;
export const MEM_RELEASE = 0x8000;
export const PAGE_NOACCESS = 0x01;
export const PAGE_READONLY = 0x02;
export const PAGE_READWRITE = 0x04;

/** Region sizes per address space, so a release frees what was allocated. */
const regionsKey = Symbol("regions");

/**
 * `NtAllocateVirtualMemory` in the current process: committed, zeroed, pageable user
 * pages (the process may touch them; the kernel only through probes and MDLs).
 */
export function NtAllocateVirtualMemory(ProcessHandle: number, BaseAddress: Box<number>, ZeroBits: number, RegionSize: Box<number>, AllocationType: number, Protect: number): NTSTATUS {
  void ProcessHandle;
  void ZeroBits;
  void Protect;
  const m = cur;
  const size = RegionSize.value;
  if (!(size > 0) || size > 2 ** 40 || (AllocationType & (MEM_COMMIT | MEM_RESERVE)) === 0) return STATUS_INVALID_PARAMETER;
  const space = m.cpu.process.space;
  const pages = Math.ceil(size / PAGE_SIZE);
  // Windows hands out 64 KB granules; a bump allocator keeps our page table dense.
  const granules = Math.ceil(pages / 16) * 16;
  const va = space.reserve(granules);
  if (va === NO_ADDRESS) return STATUS_NO_MEMORY;
  if (!m.mm.commit(space, va, pages, PTE_PAGEABLE | PTE_WRITABLE)) {
    space.release(va, granules);
    return STATUS_NO_MEMORY;
  }
  const regions: Map<number, number> = ((space as any)[regionsKey] ??= new Map());
  regions.set(va, pages);
  BaseAddress.value = va;
  RegionSize.value = pages * PAGE_SIZE;
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
