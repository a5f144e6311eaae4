import { cur } from "../context.js";
import { KeBugCheckEx } from "../ke/bugcheck.js";
import {
  DRIVER_VERIFIER_DETECTED_VIOLATION, VF_FREE_MDL_STILL_MAPPED, VF_MAP_LOCKED_PAGES_SPECIFY_CACHE_IRQL, VF_PROBE_AND_LOCK_IRQL, VF_UNLOCK_PAGES_NOT_LOCKED,
} from "../ke/bugcheck-codes.js";
import { ExRaiseStatus } from "../ke/exception.js";
import { DISPATCH_LEVEL } from "../ke/irql.js";
import { KernelMode, UserMode, type KPROCESSOR_MODE } from "../ke/dispatcher.js";
import { STATUS_ACCESS_VIOLATION, STATUS_INVALID_PAGE_PROTECTION, STATUS_NOT_MAPPED_VIEW, STATUS_SUCCESS, type NTSTATUS } from "../ntstatus.js";
import type { IRP } from "../io/irp.js";
import type { EPROCESS } from "../ps/process.js";
import { NO_ADDRESS, PTE_NOACCESS, PTE_PAGEABLE, PTE_PRESENT, PTE_VALID, PTE_WRITABLE } from "./page-table.js";
import { AddressOfObject } from "../ob/object-identity.js";
import { ADDRESS_AND_SIZE_TO_SPAN_PAGES, BYTE_OFFSET, formatAddress, MM_USER_PROBE_ADDRESS, PAGE_ALIGN, PAGE_SIZE } from "./layout.js";

export const MDL_MAPPED_TO_SYSTEM_VA = 0x0001;
export const MDL_PAGES_LOCKED = 0x0002;
export const MDL_SOURCE_IS_NONPAGED_POOL = 0x0004;
export const MDL_ALLOCATED_FIXED_SIZE = 0x0008;
export const MDL_PARTIAL = 0x0010;

export const LowPagePriority = 0;
export const NormalPagePriority = 16;
export const HighPagePriority = 32;
export const MdlMappingNoExecute = 0x40000000;

/** MDL: describes a virtual buffer and, once locked, the physical pages under it. */
export class MDL {
  Next: MDL | null = null;
  MdlFlags = 0;
  Process: EPROCESS | null = null;
  MappedSystemVa = 0;
  StartVa = 0;
  ByteCount = 0;
  ByteOffset = 0;
  /** The page frame numbers (the array after the header in C), filled when locked; MmUnlockPages unlocks these frames. */
  readonly Pages: number[] = [];
  /**
   * Its kernel address once AddressOfObject asked for one, else 0: MDLs are made on the
   * direct I/O path, so an address is given on request, not to every MDL.
   */
  address = 0;
}
export type PMDL = MDL;

/** The longest buffer an MDL can describe (IoAllocateMdl, Windows 7 and later): 4 GB - PAGE_SIZE. */
export const MAX_MDL_LENGTH = 0xffffffff - 4095;

export function IoAllocateMdl(VirtualAddress: number, Length: number, SecondaryBuffer: boolean, ChargeQuota: boolean, Irp: IRP | null): MDL | null {
  void ChargeQuota;
  // The documented maximum since Windows 7: 4 GB minus a page.
  if (typeof Length !== "number" || !(Length > 0) || Length > MAX_MDL_LENGTH || Length !== Math.floor(Length)) return null;
  const mdl = new MDL();
  mdl.StartVa = PAGE_ALIGN(VirtualAddress);
  mdl.ByteOffset = BYTE_OFFSET(VirtualAddress);
  mdl.ByteCount = Length;
  if (Irp) {
    if (SecondaryBuffer && Irp.MdlAddress) {
      let last = Irp.MdlAddress;
      while (last.Next) last = last.Next;
      last.Next = mdl;
    } else {
      Irp.MdlAddress = mdl;
    }
  }
  return mdl;
}

/** An MDL's address for a bug check's parameters (given on request, as AddressOfObject does). */
function mdlAddress(Mdl: MDL): number {
  if (Mdl.address === 0) Mdl.address = cur.ob.addresses.giveOnRequest(Mdl, cur.cpu.driver);
  return Mdl.address;
}

/**
 * `IoFreeMdl`. The checked flavor refuses an MDL whose pages are still mapped to a system
 * address (MmGetSystemAddressForMdlSafe without MmUnlockPages): Driver Verifier's
 * 0xC4/0xB8, P2 the MDL, P3 its flags.
 */
export function IoFreeMdl(Mdl: MDL): void {
  const m = cur;
  if (m.checked && (Mdl.MdlFlags & MDL_MAPPED_TO_SYSTEM_VA) !== 0 && (Mdl.MdlFlags & MDL_SOURCE_IS_NONPAGED_POOL) === 0) {
    KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, VF_FREE_MDL_STILL_MAPPED, mdlAddress(Mdl), Mdl.MdlFlags, 0,
      "IoFreeMdl was called on an MDL whose pages are still mapped to a system address: MmUnlockPages (or MmUnmapLockedPages) must come first.");
  }
  Mdl.MdlFlags = 0;
  if (Mdl.address !== 0) {
    m.ob.addresses.remove(Mdl);
    Mdl.address = 0;
  }
}

export function MmGetMdlVirtualAddress(Mdl: MDL): number {
  return Mdl.StartVa + Mdl.ByteOffset;
}
export function MmGetMdlByteCount(Mdl: MDL): number {
  return Mdl.ByteCount;
}
export function MmGetMdlByteOffset(Mdl: MDL): number {
  return Mdl.ByteOffset;
}

/**
 * `MmProbeAndLockPages`: checks the buffer is accessible in the current process (from
 * user mode, that it lies in user space), pages it in and locks its pages. Raises
 * STATUS_ACCESS_VIOLATION on a bad buffer: callers wrap it in `__try`.
 */
export function MmProbeAndLockPages(MemoryDescriptorList: MDL, AccessMode: KPROCESSOR_MODE, Operation: number): void {
  const m = cur;
  const mdl = MemoryDescriptorList;
  if (m.checked && m.cpu.Irql > DISPATCH_LEVEL) {
    KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, VF_PROBE_AND_LOCK_IRQL, m.cpu.Irql, mdlAddress(mdl), AccessMode, "MmProbeAndLockPages was called above DISPATCH_LEVEL.");
  }
  const va = mdl.StartVa + mdl.ByteOffset;
  const end = va + mdl.ByteCount;
  // Written as negations so that a NaN or non-numeric address from user mode fails the probe too.
  if (AccessMode === UserMode && !(va >= 0 && end <= MM_USER_PROBE_ADDRESS && end >= va)) ExRaiseStatus(STATUS_ACCESS_VIOLATION);
  const write = Operation !== 0;
  const pages = ADDRESS_AND_SIZE_TO_SPAN_PAGES(va, mdl.ByteCount);
  const mm = m.mm;
  const frames: number[] = [];
  try {
    for (let p = 0; p < pages; p++) {
      const pva = mdl.StartVa + p * PAGE_SIZE;
      mm.phys(p === 0 ? va : pva, write);
      const frame = mm.frameAt(pva);
      // The lock is on the physical frame (as the PFN's reference count in Windows), so
      // it holds even if the process frees the virtual range before MmUnlockPages.
      mm.physical.lockFrame(frame);
      frames.push(frame);
    }
  } catch (e) {
    for (const f of frames) mm.physical.unlockFrame(f);
    throw e;
  }
  mdl.Pages.length = 0;
  for (const f of frames) mdl.Pages.push(f);
  mdl.Process = va >= 0 ? m.cpu.process : null;
  mdl.MdlFlags |= MDL_PAGES_LOCKED;
}

/** `MmBuildMdlForNonPagedPool`: fills in the pages of an MDL over nonpaged kernel memory. */
export function MmBuildMdlForNonPagedPool(MemoryDescriptorList: MDL): void {
  const m = cur;
  const mdl = MemoryDescriptorList;
  const va = mdl.StartVa + mdl.ByteOffset;
  const pages = ADDRESS_AND_SIZE_TO_SPAN_PAGES(va, mdl.ByteCount);
  const t = m.mm.kernelSpace.table;
  if (m.checked) {
    // Driver Verifier: the MDL must describe memory that cannot be paged (0xC4/0x7F).
    // https://learn.microsoft.com/windows-hardware/drivers/debugger/bug-check-0xc4--driver-verifier-detected-violation
    for (let p = 0; p < pages; p++) {
      const i = t.index(mdl.StartVa + p * PAGE_SIZE);
      if (i < 0 || (t.flags[i]! & PTE_PAGEABLE) !== 0) {
        KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, 0x7f, m.cpu.Irql, AddressOfObject(mdl), mdl.MdlFlags,
          `MmBuildMdlForNonPagedPool was given an MDL over ${formatAddress(va)}, which is ${i < 0 ? "not kernel memory" : "pageable (paged pool)"}.`);
      }
    }
  }
  mdl.Pages.length = 0;
  for (let p = 0; p < pages; p++) mdl.Pages.push(m.mm.frameAt(mdl.StartVa + p * PAGE_SIZE));
  mdl.MappedSystemVa = va;
  mdl.MdlFlags |= MDL_SOURCE_IS_NONPAGED_POOL;
}

/**
 * `MmGetSystemAddressForMdlSafe`: a kernel address for the locked pages, valid in any
 * process context and at DISPATCH_LEVEL. Null if the MDL's pages are not locked.
 */
export function MmGetSystemAddressForMdlSafe(Mdl: MDL, Priority: number): number {
  void Priority;
  // The macro calls MmMapLockedPagesSpecifyCache(KernelMode), callable at or below DISPATCH_LEVEL.
  const m = cur;
  if (m.checked && m.cpu.Irql > DISPATCH_LEVEL) {
    KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, VF_MAP_LOCKED_PAGES_SPECIFY_CACHE_IRQL, m.cpu.Irql, mdlAddress(Mdl), KernelMode,
      "MmGetSystemAddressForMdlSafe (MmMapLockedPagesSpecifyCache in kernel mode) was called above DISPATCH_LEVEL.");
  }
  if ((Mdl.MdlFlags & (MDL_MAPPED_TO_SYSTEM_VA | MDL_SOURCE_IS_NONPAGED_POOL)) !== 0) return Mdl.MappedSystemVa;
  if ((Mdl.MdlFlags & MDL_PAGES_LOCKED) === 0) return 0;
  const pages = Mdl.Pages.length;
  const va = m.mm.kernelSpace.reserve(pages);
  if (va === NO_ADDRESS) return 0;
  m.mm.mapFrames(va, Mdl.Pages);
  Mdl.MappedSystemVa = va + Mdl.ByteOffset;
  Mdl.MdlFlags |= MDL_MAPPED_TO_SYSTEM_VA;
  return Mdl.MappedSystemVa;
}

export function MmGetSystemAddressForMdl(Mdl: MDL): number {
  return MmGetSystemAddressForMdlSafe(Mdl, NormalPagePriority);
}

/**
 * `MmProtectMdlSystemAddress`: the protection of the system-address mapping that
 * MmGetSystemAddressForMdlSafe made for a locked MDL: PAGE_READONLY makes a write through
 * it ATTEMPTED_WRITE_TO_READONLY_MEMORY (0xBE), PAGE_NOACCESS any touch a page fault, and
 * PAGE_READWRITE restores it. (The execute forms act as their data forms.) An MDL with no
 * such mapping is STATUS_NOT_MAPPED_VIEW; another protection, STATUS_INVALID_PAGE_PROTECTION.
 */
export function MmProtectMdlSystemAddress(MemoryDescriptorList: MDL, NewProtect: number): NTSTATUS {
  const mdl = MemoryDescriptorList;
  const base = NewProtect & 0xff;
  let flags: number;
  if (base === 0x01) flags = PTE_VALID | PTE_NOACCESS;
  else if (base === 0x02 || base === 0x10 || base === 0x20) flags = PTE_VALID | PTE_PRESENT;
  else if (base === 0x04 || base === 0x40) flags = PTE_VALID | PTE_PRESENT | PTE_WRITABLE;
  else return STATUS_INVALID_PAGE_PROTECTION;
  if ((NewProtect & ~0xff) !== 0) return STATUS_INVALID_PAGE_PROTECTION;
  if ((mdl.MdlFlags & MDL_MAPPED_TO_SYSTEM_VA) === 0) return STATUS_NOT_MAPPED_VIEW;
  const t = cur.mm.kernelSpace.table;
  const first = t.index(PAGE_ALIGN(mdl.MappedSystemVa));
  for (let p = 0; p < mdl.Pages.length; p++) t.flags[first + p] = flags;
  return STATUS_SUCCESS;
}

/** `MmUnlockPages`: unmaps the system address (if any) and unlocks the pages. */
export function MmUnlockPages(MemoryDescriptorList: MDL): void {
  const m = cur;
  const mdl = MemoryDescriptorList;
  if ((mdl.MdlFlags & MDL_PAGES_LOCKED) === 0) {
    if (m.checked) KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, VF_UNLOCK_PAGES_NOT_LOCKED, mdlAddress(mdl), mdl.MdlFlags, 0, "MmUnlockPages was called on an MDL whose pages are not locked.");
    return;
  }
  if ((mdl.MdlFlags & MDL_MAPPED_TO_SYSTEM_VA) !== 0) {
    const base = PAGE_ALIGN(mdl.MappedSystemVa);
    m.mm.unmapFrames(base, mdl.Pages.length);
    m.mm.kernelSpace.release(base, mdl.Pages.length);
    mdl.MappedSystemVa = 0;
    mdl.MdlFlags &= ~MDL_MAPPED_TO_SYSTEM_VA;
  }
  for (const f of mdl.Pages) m.mm.physical.unlockFrame(f);
  mdl.MdlFlags &= ~MDL_PAGES_LOCKED;
}

export { KernelMode, UserMode };
