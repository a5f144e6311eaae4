import { describe, expect, it } from "vitest";
import {
  boot, CTL_CODE, ExAllocatePool2, FILE_ANY_ACCESS, FILE_DEVICE_UNKNOWN, IO_STATUS_BLOCK, IRP_MJ_DEVICE_CONTROL, METHOD_BUFFERED,
  NtDeviceIoControlFile, POOL_FLAG_NON_PAGED, POOL_FLAG_PAGED, POOL_TAG, STATUS_ACCESS_VIOLATION, STATUS_INSUFFICIENT_RESOURCES, STATUS_SUCCESS,
} from "../src/index.js";
import { bootWithDriver, complete, userAlloc } from "./helpers.js";

const TAG = POOL_TAG("Size");

describe("pool sizes no pool can satisfy", () => {
  it("ExAllocatePool2 returns NULL for sizes near and past 2^32, paged and nonpaged, in both flavors (no wrap to a small block)", () => {
    for (const flavor of ["checked", "free"] as const) {
      const m = boot({ flavor });
      const got = m.runInKernel(() =>
        [0xffffffff, 0xfffffff0, 2 ** 32, 2 ** 32 + 16, 2 ** 40, 2 ** 52].flatMap((n) => [ExAllocatePool2(POOL_FLAG_NON_PAGED, n, TAG), ExAllocatePool2(POOL_FLAG_PAGED, n, TAG)]),
      );
      expect(got.every((a) => a === 0)).toBe(true);
      expect(m.stopped).toBe(false);
    }
  });

  it("a METHOD_BUFFERED DeviceIoControl with an input length of 0xFFFFFFFF fails with STATUS_INSUFFICIENT_RESOURCES and the machine runs on", () => {
    const IOCTL = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS);
    for (const flavor of ["checked", "free"] as const) {
      const { m, c, h } = bootWithDriver({ name: "Sizes", flavor, dispatch: { [IRP_MJ_DEVICE_CONTROL]: (_d, irp) => complete(irp, STATUS_SUCCESS) } });
      const buf = userAlloc(m, c);
      // The input buffer is only range-checked (ProbeForRead), so the system buffer's
      // allocation is what fails; an output buffer is probed for write page by page first
      // (ProbeForWrite), which faults past the caller's one page.
      for (const [inLen, outLen, status] of [[0xffffffff, 0, STATUS_INSUFFICIENT_RESOURCES], [0xfffffff0, 16, STATUS_INSUFFICIENT_RESOURCES], [0, 0xffffffff, STATUS_ACCESS_VIOLATION]]) {
        const st = m.syscall(c.thread, () => NtDeviceIoControlFile(h, 0, null, null, new IO_STATUS_BLOCK(), IOCTL, buf, inLen!, buf, outLen!));
        expect(st).toBe(status);
      }
      expect(m.stopped).toBe(false);
      expect(m.syscall(c.thread, () => NtDeviceIoControlFile(h, 0, null, null, new IO_STATUS_BLOCK(), IOCTL, buf, 4, buf, 4))).toBe(STATUS_SUCCESS);
    }
  });
});
