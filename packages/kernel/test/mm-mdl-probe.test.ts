import { describe, expect, it } from "vitest";
import {
  __try, BYTE_OFFSET, boot, CTL_CODE, DISPATCH_LEVEL, DRIVER_VERIFIER_DETECTED_VIOLATION, FILE_ANY_ACCESS, FILE_DEVICE_UNKNOWN,
  IO_STATUS_BLOCK, IoAllocateMdl, IoFreeMdl, IoGetCurrentIrpStackLocation, IoWriteAccess, IRP_MJ_DEVICE_CONTROL, IRQL_NOT_LESS_OR_EQUAL,
  KDPC, KERNEL_BASE, KeInitializeDpc, KeInsertQueueDpc, KeRaiseIrql, KeLowerIrql, KMODE_EXCEPTION_NOT_HANDLED, MDL_MAPPED_TO_SYSTEM_VA, MDL_PAGES_LOCKED,
  METHOD_NEITHER, MmGetMdlByteCount, MmGetMdlByteOffset, MmGetMdlVirtualAddress, MmGetSystemAddressForMdlSafe, MmProbeAndLockPages,
  MmUnlockPages, NormalPagePriority, NtDeviceIoControlFile, Out, PAGE_FAULT_IN_NONPAGED_AREA, ProbeForRead, ProbeForWrite,
  PsGetCurrentProcess, ReadBytes, ReadUlong, STATUS_ACCESS_VIOLATION, STATUS_DATATYPE_MISALIGNMENT, STATUS_SUCCESS, UserMode,
  WriteBytes, type KIRQL, type MDL, type Machine,
} from "../src/index.js";
import { bootWithDriver, client, complete, expectBugCheck, userAlloc, type Client } from "./helpers.js";

/** Lock `len` bytes at `va` in the client's context and map them; returns the MDL and the system address. */
function lockAndMap(m: Machine, c: Client, va: number, len: number): { mdl: MDL; sys: number } {
  return m.syscall(c.thread, () => {
    const mdl = IoAllocateMdl(va, len, false, false, null)!;
    const st = __try(() => {
      MmProbeAndLockPages(mdl, UserMode, IoWriteAccess);
      return STATUS_SUCCESS;
    }, (code) => code);
    expect(st).toBe(STATUS_SUCCESS);
    return { mdl, sys: MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority) };
  });
}

/** Run `fn` in a DPC (DISPATCH_LEVEL, arbitrary context) and return what it returns. */
function inDpc<T>(m: Machine, fn: () => T): T {
  let out: T | undefined;
  m.runInKernel(() => {
    const dpc = new KDPC();
    KeInitializeDpc(dpc, () => (out = fn()), null);
    KeInsertQueueDpc(dpc, null, null);
  });
  m.run();
  return out!;
}

describe("Mm: MDLs", () => {
  it("MmProbeAndLockPages + MmGetSystemAddressForMdlSafe give a kernel address that reads the user bytes from a DPC", () => {
    const m = boot();
    const c = client(m);
    const base = userAlloc(m, c, 3 * 4096);
    const va = base + 4000; // spans two pages
    const data = Array.from({ length: 200 }, (_, i) => (i * 7) & 0xff);
    m.syscall(c.thread, () => WriteBytes(va, data));
    const { mdl, sys } = lockAndMap(m, c, va, 200);
    expect(MmGetMdlVirtualAddress(mdl)).toBe(va);
    expect(MmGetMdlByteCount(mdl)).toBe(200);
    expect(MmGetMdlByteOffset(mdl)).toBe(4000);
    expect(mdl.Pages).toHaveLength(2);
    expect(mdl.MdlFlags & MDL_PAGES_LOCKED).toBe(MDL_PAGES_LOCKED);
    expect(sys).toBeGreaterThanOrEqual(KERNEL_BASE);
    expect(BYTE_OFFSET(sys)).toBe(BYTE_OFFSET(va));
    const seen = inDpc(m, () => ({ process: PsGetCurrentProcess().ImageFileName, bytes: [...ReadBytes(sys, 200)] }));
    expect(seen.process).toBe("System");
    expect(seen.bytes).toEqual(data);
  });

  it("writes through the system address land in the process's buffer", () => {
    const m = boot();
    const c = client(m);
    const va = userAlloc(m, c);
    const { sys } = lockAndMap(m, c, va, 16);
    inDpc(m, () => WriteBytes(sys, [9, 8, 7, 6]));
    expect([...m.syscall(c.thread, () => ReadBytes(va, 4))]).toEqual([9, 8, 7, 6]);
  });

  it("the user address itself is not valid from a DPC's context (the System process)", () => {
    const m = boot();
    const c = client(m);
    const va = userAlloc(m, c);
    lockAndMap(m, c, va, 16);
    // At DISPATCH_LEVEL an invalid address cannot be handled: a bug check, not an exception.
    expectBugCheck(m, IRQL_NOT_LESS_OR_EQUAL, () => inDpc(m, () => ReadUlong(va)));
  });

  it("locked pages survive trimWorkingSets and can be touched at DISPATCH_LEVEL; unlocked ones cannot", () => {
    const m = boot();
    const c = client(m);
    const locked = userAlloc(m, c);
    const unlocked = userAlloc(m, c);
    m.syscall(c.thread, () => {
      WriteBytes(locked, [1, 2, 3, 4]);
      WriteBytes(unlocked, [5, 6, 7, 8]);
    });
    const { sys } = lockAndMap(m, c, locked, 4);
    m.trimWorkingSets();
    const faults = m.mm.stats.pageFaults;
    const r = m.syscall(c.thread, () => {
      const old = Out<KIRQL>(0);
      KeRaiseIrql(DISPATCH_LEVEL, old);
      const u = [...ReadBytes(locked, 4)];
      KeLowerIrql(old.value);
      return u;
    });
    expect(r).toEqual([1, 2, 3, 4]);
    expect(inDpc(m, () => [...ReadBytes(sys, 4)])).toEqual([1, 2, 3, 4]);
    expect(m.mm.stats.pageFaults).toBe(faults);
    expectBugCheck(m, IRQL_NOT_LESS_OR_EQUAL, () =>
      m.syscall(c.thread, () => {
        KeRaiseIrql(DISPATCH_LEVEL, Out<KIRQL>(0));
        ReadBytes(unlocked, 4);
      }),
    );
  });

  it("MmUnlockPages unmaps the system address and lets the pages be trimmed again; IoFreeMdl then succeeds", () => {
    const m = boot();
    const c = client(m);
    const va = userAlloc(m, c);
    m.syscall(c.thread, () => WriteBytes(va, [42]));
    const { mdl, sys } = lockAndMap(m, c, va, 8);
    m.runInKernel(() => MmUnlockPages(mdl));
    expect(mdl.MdlFlags & MDL_PAGES_LOCKED).toBe(0);
    m.runInKernel(() => IoFreeMdl(mdl));
    expect(m.trimWorkingSets()).toBeGreaterThan(0);
    const f = m.mm.stats.pageFaults;
    expect([...m.syscall(c.thread, () => ReadBytes(va, 1))]).toEqual([42]);
    expect(m.mm.stats.pageFaults).toBe(f + 1);
    expectBugCheck(m, PAGE_FAULT_IN_NONPAGED_AREA, () => m.runInKernel(() => ReadUlong(sys)));
  });

  // https://learn.microsoft.com/windows-hardware/drivers/debugger/bug-check-0xc4--driver-verifier-detected-violation
  // 0xB8: "The pages that are described by the MDL are still mapped. The driver must unmap the pages before
  // calling IoFreeMdl" (P2 the MDL, P3 its flags). (0x7B is MmUnmapIoSpace above APC_LEVEL.)
  it("the checked flavor refuses IoFreeMdl on an MDL whose pages are still mapped (0xC4/0xB8)", () => {
    const m = boot({ flavor: "checked" });
    const c = client(m);
    const va = userAlloc(m, c);
    const { mdl } = lockAndMap(m, c, va, 8);
    const flags = mdl.MdlFlags;
    const d = expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, () => m.runInKernel(() => IoFreeMdl(mdl)));
    expect(d.BugCheckParameter1).toBe(0xb8);
    expect(d.BugCheckParameter2).not.toBe(0);
    expect(d.BugCheckParameter2).toBe(mdl.address);
    expect(d.BugCheckParameter3).toBe(flags);
    expect(flags & MDL_MAPPED_TO_SYSTEM_VA).not.toBe(0);
  });

  it("MmProbeAndLockPages(UserMode) raises STATUS_ACCESS_VIOLATION for kernel and unmapped addresses", () => {
    const m = boot();
    const c = client(m);
    const kernel = m.runInKernel(() => KERNEL_BASE + 0x1000);
    const r = m.syscall(c.thread, () =>
      [kernel, 0x7000_0000].map((va) => {
        const mdl = IoAllocateMdl(va, 64, false, false, null)!;
        return __try(() => {
          MmProbeAndLockPages(mdl, UserMode, IoWriteAccess);
          return STATUS_SUCCESS;
        }, (code) => code);
      }),
    );
    expect(r).toEqual([STATUS_ACCESS_VIOLATION, STATUS_ACCESS_VIOLATION]);
  });
});

describe("Mm: probing", () => {
  it("ProbeForRead and ProbeForWrite accept a valid user buffer", () => {
    const m = boot();
    const c = client(m);
    const va = userAlloc(m, c);
    const r = m.syscall(c.thread, () =>
      __try(() => {
        ProbeForRead(va, 64, 4);
        ProbeForWrite(va, 64, 4);
        return STATUS_SUCCESS;
      }, (code) => code),
    );
    expect(r).toBe(STATUS_SUCCESS);
  });

  it("the probes reject kernel addresses with a catchable STATUS_ACCESS_VIOLATION", () => {
    const m = boot();
    const c = client(m);
    const r = m.syscall(c.thread, () => [
      __try(() => (ProbeForRead(KERNEL_BASE + 0x10, 8, 1), 0), (code) => code),
      __try(() => (ProbeForWrite(KERNEL_BASE + 0x10, 8, 1), 0), (code) => code),
      // A range that starts in user space and runs into kernel space fails too.
      __try(() => (ProbeForRead(KERNEL_BASE - 4, 8, 1), 0), (code) => code),
    ]);
    expect(r).toEqual([STATUS_ACCESS_VIOLATION, STATUS_ACCESS_VIOLATION, STATUS_ACCESS_VIOLATION]);
    expect(m.stopped).toBe(false);
  });

  it("the probes reject misaligned addresses with STATUS_DATATYPE_MISALIGNMENT", () => {
    const m = boot();
    const c = client(m);
    const va = userAlloc(m, c);
    const r = m.syscall(c.thread, () => [
      __try(() => (ProbeForRead(va + 2, 8, 4), 0), (code) => code),
      __try(() => (ProbeForWrite(va + 1, 8, 8), 0), (code) => code),
    ]);
    expect(r).toEqual([STATUS_DATATYPE_MISALIGNMENT, STATUS_DATATYPE_MISALIGNMENT]);
  });

  it("ProbeForWrite raises STATUS_ACCESS_VIOLATION for an unmapped user buffer; a zero length is never checked", () => {
    const m = boot();
    const c = client(m);
    const r = m.syscall(c.thread, () => [
      __try(() => (ProbeForWrite(0x5000_0000, 16, 1), 0), (code) => code),
      __try(() => (ProbeForRead(KERNEL_BASE, 0, 1), 0), (code) => code),
    ]);
    expect(r).toEqual([STATUS_ACCESS_VIOLATION, 0]);
  });
});

describe("Mm: bad user addresses in a driver", () => {
  const IOCTL_NEITHER = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x900, METHOD_NEITHER, FILE_ANY_ACCESS);

  function neitherDriver(guarded: boolean) {
    return bootWithDriver({
      name: guarded ? "Guarded" : "Careless",
      dispatch: {
        [IRP_MJ_DEVICE_CONTROL]: (_d, irp) => {
          const sl = IoGetCurrentIrpStackLocation(irp);
          const p = sl.Parameters.DeviceIoControl;
          const read = () => ReadUlong(p.Type3InputBuffer);
          const st = guarded ? __try(() => (read(), STATUS_SUCCESS), (code) => code) : (read(), STATUS_SUCCESS);
          return complete(irp, st);
        },
      },
    });
  }

  it("touching an unmapped user address at PASSIVE_LEVEL raises STATUS_ACCESS_VIOLATION that __try catches", () => {
    const { m, c, h } = neitherDriver(true);
    const st = m.syscall(c.thread, () => NtDeviceIoControlFile(h, 0, null, null, new IO_STATUS_BLOCK(), IOCTL_NEITHER, 0x6000_0000, 4, 0, 0));
    expect(st).toBe(STATUS_ACCESS_VIOLATION);
    expect(m.stopped).toBe(false);
    // A valid buffer goes through.
    const va = userAlloc(m, c);
    expect(m.syscall(c.thread, () => NtDeviceIoControlFile(h, 0, null, null, new IO_STATUS_BLOCK(), IOCTL_NEITHER, va, 4, 0, 0))).toBe(STATUS_SUCCESS);
  });

  // https://learn.microsoft.com/windows-hardware/drivers/debugger/bug-check-0x1e--kmode-exception-not-handled:
  // P1 the exception code, P2 its address, P3 and P4 the exception's parameters 0 and 1 (for an access
  // violation, read 0 / write 1, and the address referenced).
  it("uncaught, the access violation is KMODE_EXCEPTION_NOT_HANDLED (0x1E) blaming the driver", () => {
    const { m, c, h } = neitherDriver(false);
    const d = expectBugCheck(m, KMODE_EXCEPTION_NOT_HANDLED, () =>
      m.syscall(c.thread, () => NtDeviceIoControlFile(h, 0, null, null, new IO_STATUS_BLOCK(), IOCTL_NEITHER, 0x6000_0000, 4, 0, 0)),
    );
    expect(d.BugCheckCode).toBe(0x1e);
    expect(d.BugCheckParameter1).toBe(STATUS_ACCESS_VIOLATION >>> 0);
    expect(d.BugCheckParameter3).toBe(0); // a read
    expect(d.BugCheckParameter4).toBe(0x6000_0000);
    expect(d.driver).toBe("Careless.sys");
  });
});
