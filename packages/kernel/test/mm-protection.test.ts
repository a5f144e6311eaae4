import { describe, expect, it } from "vitest";
import {
  __try, ATTEMPTED_WRITE_TO_READONLY_MEMORY, boot, DO_DIRECT_IO, DRIVER_VERIFIER_DETECTED_VIOLATION, ExAllocatePool2, IO_STATUS_BLOCK, IoAllocateMdl,
  IoReadAccess, IoWriteAccess, IRP_MJ_READ, IRP_MJ_WRITE, MEM_COMMIT, MEM_RESERVE, MmBuildMdlForNonPagedPool, MmGetSystemAddressForMdlSafe,
  MmProbeAndLockPages, MmProtectMdlSystemAddress, NormalPagePriority, NtAllocateVirtualMemory, NtProtectVirtualMemory, NtReadFile, NtWriteFile, Out,
  PAGE_EXECUTE_READWRITE, PAGE_FAULT_IN_NONPAGED_AREA, PAGE_NOACCESS, PAGE_READONLY, PAGE_READWRITE, PAGE_WRITECOPY, POOL_FLAG_NON_PAGED,
  POOL_FLAG_PAGED, ProbeForRead, ProbeForWrite, ReadBytes, STATUS_ACCESS_VIOLATION, STATUS_INVALID_PAGE_PROTECTION, STATUS_NOT_COMMITTED,
  STATUS_NOT_MAPPED_VIEW, STATUS_SUCCESS, UserMode, WriteBytes, type Machine,
} from "../src/index.js";
import { bootWithDriver, client, complete, expectBugCheck, type Client } from "./helpers.js";

/** NtAllocateVirtualMemory in the client's process with `protect`: [status, base]. */
function alloc(m: Machine, c: Client, protect: number, size = 4096): [number, number] {
  const base = Out(0);
  const len = Out(size);
  const st = m.syscall(c.thread, () => NtAllocateVirtualMemory(-1, base, 0, len, MEM_COMMIT | MEM_RESERVE, protect));
  return [st, base.value];
}

function protect(m: Machine, c: Client, va: number, size: number, p: number): [number, number] {
  const old = Out(0);
  const st = m.syscall(c.thread, () => NtProtectVirtualMemory(-1, Out(va), Out(size), p, old));
  return [st, old.value];
}

/** What an access raises in the client's context: STATUS_SUCCESS or the exception code. */
function attempt(m: Machine, c: Client, fn: () => void): number {
  return m.syscall(c.thread, () => __try(() => (fn(), STATUS_SUCCESS), (code) => code));
}

describe("Mm: user page protection (NtAllocateVirtualMemory, NtProtectVirtualMemory)", () => {
  it("a PAGE_READONLY page reads (zeros) and refuses writes with STATUS_ACCESS_VIOLATION", () => {
    const m = boot();
    const c = client(m);
    const [st, va] = alloc(m, c, PAGE_READONLY);
    expect(st).toBe(STATUS_SUCCESS);
    expect(m.syscall(c.thread, () => [...ReadBytes(va, 4)])).toEqual([0, 0, 0, 0]);
    expect(attempt(m, c, () => WriteBytes(va, [1]))).toBe(STATUS_ACCESS_VIOLATION);
  });

  it("ProbeForRead accepts a read-only user buffer; ProbeForWrite raises STATUS_ACCESS_VIOLATION", () => {
    const m = boot();
    const c = client(m);
    const [, ro] = alloc(m, c, PAGE_READONLY);
    const [, rw] = alloc(m, c, PAGE_READWRITE);
    expect(attempt(m, c, () => ProbeForRead(ro, 16, 1))).toBe(STATUS_SUCCESS);
    expect(attempt(m, c, () => ProbeForWrite(ro, 16, 1))).toBe(STATUS_ACCESS_VIOLATION);
    expect(attempt(m, c, () => ProbeForWrite(rw, 16, 1))).toBe(STATUS_SUCCESS);
  });

  it("a PAGE_NOACCESS page faults on any touch", () => {
    const m = boot();
    const c = client(m);
    const [st, va] = alloc(m, c, PAGE_NOACCESS);
    expect(st).toBe(STATUS_SUCCESS);
    expect(attempt(m, c, () => ReadBytes(va, 1))).toBe(STATUS_ACCESS_VIOLATION);
    expect(attempt(m, c, () => WriteBytes(va, [1]))).toBe(STATUS_ACCESS_VIOLATION);
  });

  it("refuses what is not one page protection, and write-copy for private memory: STATUS_INVALID_PAGE_PROTECTION", () => {
    const m = boot();
    const c = client(m);
    for (const p of [0, PAGE_READONLY | PAGE_READWRITE, PAGE_WRITECOPY, 0x800, -1]) expect(alloc(m, c, p)[0]).toBe(STATUS_INVALID_PAGE_PROTECTION);
    expect(alloc(m, c, PAGE_EXECUTE_READWRITE)[0]).toBe(STATUS_SUCCESS);
  });

  it("NtProtectVirtualMemory changes protection page by page and gives back the old one", () => {
    const m = boot();
    const c = client(m);
    const [, va] = alloc(m, c, PAGE_READWRITE, 2 * 4096);
    m.syscall(c.thread, () => WriteBytes(va + 4096, [9]));
    expect(protect(m, c, va + 4096, 1, PAGE_READONLY)).toEqual([STATUS_SUCCESS, PAGE_READWRITE]);
    expect(attempt(m, c, () => WriteBytes(va + 4096, [1]))).toBe(STATUS_ACCESS_VIOLATION);
    // The first page is untouched, and the data survived.
    expect(attempt(m, c, () => WriteBytes(va, [1]))).toBe(STATUS_SUCCESS);
    expect(m.syscall(c.thread, () => ReadBytes(va + 4096, 1)[0])).toBe(9);
    expect(protect(m, c, va + 4096, 4096, PAGE_READWRITE)).toEqual([STATUS_SUCCESS, PAGE_READONLY]);
    expect(attempt(m, c, () => WriteBytes(va + 4096, [1]))).toBe(STATUS_SUCCESS);
    // Not committed memory, and bad protections.
    expect(protect(m, c, 0x7000_0000, 4096, PAGE_READONLY)[0]).toBe(STATUS_NOT_COMMITTED);
    expect(protect(m, c, va, 4096, PAGE_WRITECOPY)[0]).toBe(STATUS_INVALID_PAGE_PROTECTION);
  });
});

describe("Io: the I/O manager honours the caller's page protection", () => {
  it("a buffered read into a read-only buffer fails with STATUS_ACCESS_VIOLATION before the driver sees it", () => {
    let reads = 0;
    const { m, c, h } = bootWithDriver({ name: "Reader", flavor: "free", dispatch: { [IRP_MJ_READ]: (_d, irp) => (reads++, complete(irp, STATUS_SUCCESS, 4)), [IRP_MJ_WRITE]: (_d, irp) => complete(irp, STATUS_SUCCESS, 4) } });
    const [, ro] = alloc(m, c, PAGE_READONLY);
    expect(m.syscall(c.thread, () => NtReadFile(h, 0, null, null, new IO_STATUS_BLOCK(), ro, 4, null, 0))).toBe(STATUS_ACCESS_VIOLATION);
    expect(reads).toBe(0);
    // A write from the same buffer only reads it: fine.
    expect(m.syscall(c.thread, () => NtWriteFile(h, 0, null, null, new IO_STATUS_BLOCK(), ro, 4, null, 0))).toBe(STATUS_SUCCESS);
  });

  it("a direct-I/O read into a read-only buffer fails in MmProbeAndLockPages (IoWriteAccess)", () => {
    let reads = 0;
    const { m, c, h } = bootWithDriver({ name: "DirectReader", flavor: "free", flags: DO_DIRECT_IO, dispatch: { [IRP_MJ_READ]: (_d, irp) => (reads++, complete(irp, STATUS_SUCCESS, 4)), [IRP_MJ_WRITE]: (_d, irp) => complete(irp, STATUS_SUCCESS, 4) } });
    const [, ro] = alloc(m, c, PAGE_READONLY);
    expect(m.syscall(c.thread, () => NtReadFile(h, 0, null, null, new IO_STATUS_BLOCK(), ro, 4, null, 0))).toBe(STATUS_ACCESS_VIOLATION);
    expect(reads).toBe(0);
    expect(m.syscall(c.thread, () => NtWriteFile(h, 0, null, null, new IO_STATUS_BLOCK(), ro, 4, null, 0))).toBe(STATUS_SUCCESS);
  });

  it("MmProbeAndLockPages(IoReadAccess) of a read-only buffer succeeds; IoWriteAccess raises", () => {
    const m = boot();
    const c = client(m);
    const [, ro] = alloc(m, c, PAGE_READONLY);
    const lock = (op: number) => attempt(m, c, () => MmProbeAndLockPages(IoAllocateMdl(ro, 8, false, false, null)!, UserMode, op));
    expect(lock(IoReadAccess)).toBe(STATUS_SUCCESS);
    expect(lock(IoWriteAccess)).toBe(STATUS_ACCESS_VIOLATION);
  });
});

describe("Mm: kernel page protection", () => {
  function mappedMdl(m: Machine, c: Client) {
    const [, va] = alloc(m, c, PAGE_READWRITE);
    return m.syscall(c.thread, () => {
      const mdl = IoAllocateMdl(va, 64, false, false, null)!;
      MmProbeAndLockPages(mdl, UserMode, IoWriteAccess);
      return { mdl, sys: MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority) };
    });
  }

  it("MmProtectMdlSystemAddress(PAGE_READONLY): a write through the mapping is ATTEMPTED_WRITE_TO_READONLY_MEMORY (0xBE)", () => {
    const m = boot({ flavor: "free" });
    const c = client(m);
    const { mdl, sys } = mappedMdl(m, c);
    expect(m.runInKernel(() => MmProtectMdlSystemAddress(mdl, PAGE_READONLY))).toBe(STATUS_SUCCESS);
    expect(m.runInKernel(() => ReadBytes(sys, 1)[0])).toBe(0);
    // https://learn.microsoft.com/windows-hardware/drivers/debugger/bug-check-0xbe--attempted-write-to-readonly-memory
    // P1 the virtual address of the attempted write.
    const d = expectBugCheck(m, ATTEMPTED_WRITE_TO_READONLY_MEMORY, () => m.runInKernel(() => WriteBytes(sys, [1])));
    expect(d.BugCheckParameter1).toBe(sys);
  });

  it("MmProtectMdlSystemAddress(PAGE_NOACCESS): a read is PAGE_FAULT_IN_NONPAGED_AREA; PAGE_READWRITE restores the mapping", () => {
    const m = boot({ flavor: "free" });
    const c = client(m);
    const { mdl, sys } = mappedMdl(m, c);
    expect(m.runInKernel(() => MmProtectMdlSystemAddress(mdl, PAGE_NOACCESS))).toBe(STATUS_SUCCESS);
    expect(m.runInKernel(() => MmProtectMdlSystemAddress(mdl, PAGE_READWRITE))).toBe(STATUS_SUCCESS);
    m.runInKernel(() => WriteBytes(sys, [5]));
    expect(m.runInKernel(() => MmProtectMdlSystemAddress(mdl, PAGE_NOACCESS))).toBe(STATUS_SUCCESS);
    const d = expectBugCheck(m, PAGE_FAULT_IN_NONPAGED_AREA, () => m.runInKernel(() => ReadBytes(sys, 1)));
    expect(d.BugCheckParameter1).toBe(sys);
  });

  it("MmProtectMdlSystemAddress without a system mapping is STATUS_NOT_MAPPED_VIEW; a bad protection STATUS_INVALID_PAGE_PROTECTION", () => {
    const m = boot();
    const r = m.runInKernel(() => {
      const buf = ExAllocatePool2(POOL_FLAG_NON_PAGED, 64, 0x74736554);
      const mdl = IoAllocateMdl(buf, 64, false, false, null)!;
      return [MmProtectMdlSystemAddress(mdl, PAGE_READONLY), MmProtectMdlSystemAddress(mdl, PAGE_WRITECOPY)];
    });
    expect(r).toEqual([STATUS_NOT_MAPPED_VIEW, STATUS_INVALID_PAGE_PROTECTION]);
  });
});

describe("Mm: MmBuildMdlForNonPagedPool", () => {
  it("over paged pool is the verifier's 0xC4/0x7F (P2 the IRQL, P3 the MDL, P4 its flags) in the checked flavor", () => {
    const m = boot({ flavor: "checked" });
    // https://learn.microsoft.com/windows-hardware/drivers/debugger/bug-check-0xc4--driver-verifier-detected-violation (0x7F)
    const d = expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, () =>
      m.runInKernel(() => {
        const buf = ExAllocatePool2(POOL_FLAG_PAGED, 64, 0x74736554);
        MmBuildMdlForNonPagedPool(IoAllocateMdl(buf, 64, false, false, null)!);
      }),
    );
    expect(d.BugCheckParameter1).toBe(0x7f);
    expect(d.BugCheckParameter2).toBe(0);
    expect(d.BugCheckParameter3).not.toBe(0);
  });

  it("over nonpaged pool describes the buffer's pages, in both flavors", () => {
    for (const flavor of ["checked", "free"] as const) {
      const m = boot({ flavor });
      const ok = m.runInKernel(() => {
        const buf = ExAllocatePool2(POOL_FLAG_NON_PAGED, 64, 0x74736554);
        const mdl = IoAllocateMdl(buf, 64, false, false, null)!;
        MmBuildMdlForNonPagedPool(mdl);
        return MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority) === buf && mdl.Pages.length === 1;
      });
      expect(ok).toBe(true);
    }
  });
});
