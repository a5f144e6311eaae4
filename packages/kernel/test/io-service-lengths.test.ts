import { describe, expect, it } from "vitest";
import {
  boot, CTL_CODE, DO_DIRECT_IO, FILE_ANY_ACCESS, FILE_DEVICE_UNKNOWN, IO_STATUS_BLOCK, IoAllocateMdl, IRP_MJ_DEVICE_CONTROL, IRP_MJ_READ,
  IRP_MJ_WRITE, MAX_MDL_LENGTH, METHOD_BUFFERED, METHOD_IN_DIRECT, METHOD_NEITHER, METHOD_OUT_DIRECT, NtDeviceIoControlFile, NtReadFile,
  NtWriteFile, STATUS_ACCESS_VIOLATION, STATUS_INSUFFICIENT_RESOURCES, STATUS_INVALID_PARAMETER, STATUS_SUCCESS,
} from "../src/index.js";
import { bootWithDriver, complete, userAlloc } from "./helpers.js";

// Every length and address a client passes to a system service is checked before the
// I/O manager computes with it: a ULONG length is an integer in [0, 2^32); the range it
// spans must be user space; a buffer no MDL can describe is refused, not wrapped.

describe("IoAllocateMdl's documented maximum (4 GB - PAGE_SIZE since Windows 7)", () => {
  it("describes up to MAX_MDL_LENGTH bytes and returns NULL past it, for zero, and for what is not a length", () => {
    const m = boot();
    const r = m.runInKernel(() =>
      [MAX_MDL_LENGTH, MAX_MDL_LENGTH + 1, 0xffffffff, 0, -1, NaN, 1.5, 2 ** 40].map((n) => IoAllocateMdl(0x1000_0000, n, false, false, null) !== null),
    );
    expect(MAX_MDL_LENGTH).toBe(0xfffff000);
    expect(r).toEqual([true, false, false, false, false, false, false, false]);
  });
});

describe("system-service lengths from user mode", () => {
  function rig(flags?: number) {
    let calls = 0;
    const ok = (_d: unknown, irp: any) => (calls++, complete(irp, STATUS_SUCCESS));
    const r = bootWithDriver({ name: "Lengths", flavor: "free", flags, dispatch: { [IRP_MJ_DEVICE_CONTROL]: ok, [IRP_MJ_READ]: ok, [IRP_MJ_WRITE]: ok } });
    return { ...r, calls: () => calls };
  }
  const code = (method: number) => CTL_CODE(FILE_DEVICE_UNKNOWN, 0x900, method, FILE_ANY_ACCESS);

  it("a length that is not a ULONG (negative, fractional, NaN, 2^32 or more, not a number) is STATUS_INVALID_PARAMETER", () => {
    const { m, c, h, calls } = rig();
    const buf = userAlloc(m, c);
    for (const len of [-1, 1.5, NaN, 2 ** 32, 2 ** 53, "4" as unknown as number]) {
      for (const method of [METHOD_BUFFERED, METHOD_IN_DIRECT, METHOD_OUT_DIRECT, METHOD_NEITHER]) {
        expect(m.syscall(c.thread, () => NtDeviceIoControlFile(h, 0, null, null, new IO_STATUS_BLOCK(), code(method), buf, len, buf, 4))).toBe(STATUS_INVALID_PARAMETER);
        expect(m.syscall(c.thread, () => NtDeviceIoControlFile(h, 0, null, null, new IO_STATUS_BLOCK(), code(method), buf, 4, buf, len))).toBe(STATUS_INVALID_PARAMETER);
      }
      expect(m.syscall(c.thread, () => NtReadFile(h, 0, null, null, new IO_STATUS_BLOCK(), buf, len, null, 0))).toBe(STATUS_INVALID_PARAMETER);
      expect(m.syscall(c.thread, () => NtWriteFile(h, 0, null, null, new IO_STATUS_BLOCK(), buf, len, null, 0))).toBe(STATUS_INVALID_PARAMETER);
    }
    expect(calls()).toBe(0);
    expect(m.stopped).toBe(false);
  });

  it("a range that ends past user space (or wraps) is STATUS_ACCESS_VIOLATION, for the buffered and direct methods", () => {
    const { m, c, h, calls } = rig();
    const top = 0x7fff_ffff_0000 - 16;
    for (const method of [METHOD_BUFFERED, METHOD_IN_DIRECT, METHOD_OUT_DIRECT]) {
      expect(m.syscall(c.thread, () => NtDeviceIoControlFile(h, 0, null, null, new IO_STATUS_BLOCK(), code(method), top, 0xffffffff, 0, 0))).toBe(STATUS_ACCESS_VIOLATION);
      expect(m.syscall(c.thread, () => NtDeviceIoControlFile(h, 0, null, null, new IO_STATUS_BLOCK(), code(method), 0, 0, -4096, 16))).toBe(STATUS_ACCESS_VIOLATION);
    }
    expect(calls()).toBe(0);
  });

  it("a direct output buffer longer than an MDL can describe is STATUS_INSUFFICIENT_RESOURCES; the machine runs on", () => {
    const { m, c, h, calls } = rig();
    const buf = userAlloc(m, c);
    for (const method of [METHOD_IN_DIRECT, METHOD_OUT_DIRECT]) {
      expect(m.syscall(c.thread, () => NtDeviceIoControlFile(h, 0, null, null, new IO_STATUS_BLOCK(), code(method), 0, 0, buf, 0xffffffff))).toBe(STATUS_INSUFFICIENT_RESOURCES);
    }
    expect(calls()).toBe(0);
    expect(m.syscall(c.thread, () => NtDeviceIoControlFile(h, 0, null, null, new IO_STATUS_BLOCK(), code(METHOD_OUT_DIRECT), 0, 0, buf, 16))).toBe(STATUS_SUCCESS);
  });

  it("a direct-I/O read longer than an MDL can describe is STATUS_INSUFFICIENT_RESOURCES", () => {
    const { m, c, h, calls } = rig(DO_DIRECT_IO);
    const buf = userAlloc(m, c);
    expect(m.syscall(c.thread, () => NtReadFile(h, 0, null, null, new IO_STATUS_BLOCK(), buf, 0xffffffff, null, 0))).toBe(STATUS_INSUFFICIENT_RESOURCES);
    expect(calls()).toBe(0);
    expect(m.syscall(c.thread, () => NtReadFile(h, 0, null, null, new IO_STATUS_BLOCK(), buf, 16, null, 0))).toBe(STATUS_SUCCESS);
  });
});
