import { boot, IO_STATUS_BLOCK, NtDeviceIoControlFile, POOL_FLAG_NON_PAGED, POOL_FLAG_UNINITIALIZED, POOL_TAG, type Machine } from "@wdfjs/kernel";
import { Win32Process, GENERIC_READ, GENERIC_WRITE, OPEN_EXISTING, type Win32Thread } from "@wdfjs/win32";
import { benchIoctl, installStack } from "@wdfjs/sample-wdm-stack";
import type { BenchDefinition } from "../harness.js";

/*
 * Where a round trip's time goes: the same request without the Win32 layer, without
 * buffers, and the two memory operations the buffered path adds (a pool block and a
 * 64-byte copy through address translation). Free flavor throughout.
 */

interface Rig {
  machine: Machine;
  app: Win32Thread;
  handle: number;
  input: number;
  output: number;
}

function rig(): Rig {
  const machine = boot({ flavor: "free", processors: 1, seed: 1 });
  installStack(machine, benchIoctl.installOptions);
  const app = Win32Process.create(machine, "bench.exe");
  const handle = app.CreateFile(benchIoctl.win32Name, GENERIC_READ | GENERIC_WRITE, 0, null, OPEN_EXISTING, 0, 0);
  return { machine, app, handle, input: app.alloc(64), output: app.alloc(64) };
}

/** NtDeviceIoControlFile called from inside one system call: the kernel's part alone. */
function kernelOnly(length: number, name: string): BenchDefinition {
  return {
    name,
    description: `NtDeviceIoControlFile, ${length} B in/out, 3-deep stack, inside one system call`,
    setup() {
      const r = rig();
      const iosb = new IO_STATUS_BLOCK();
      return {
        run(iterations: number): void {
          r.machine.syscall(r.app.thread, () => {
            for (let i = 0; i < iterations; i++) {
              NtDeviceIoControlFile(r.handle, 0, null, null, iosb, benchIoctl.code, r.input, length, r.output, length);
            }
          });
        },
      };
    },
  };
}

export const kernelIoctl64 = kernelOnly(64, "part-kernel-ioctl-64B-3deep");
export const kernelIoctl0 = kernelOnly(0, "part-kernel-ioctl-0B-3deep");

export const poolAllocFree: BenchDefinition = {
  name: "part-pool-alloc-free-64B",
  description: "ExAllocatePool2 + ExFreePoolWithTag of a 64-byte nonpaged block",
  setup() {
    const r = rig();
    const pool = r.machine.mm.pool;
    const tag = POOL_TAG("Bnch");
    return {
      run(iterations: number): void {
        r.machine.runInKernel(() => {
          for (let i = 0; i < iterations; i++) pool.free_(pool.allocate(POOL_FLAG_NON_PAGED | POOL_FLAG_UNINITIALIZED, 64, tag), tag);
        });
      },
    };
  },
};

export const copy64: BenchDefinition = {
  name: "part-copy-user-to-kernel-64B",
  description: "64 bytes from a user buffer to a pool block, translated page by page",
  setup() {
    const r = rig();
    const mm = r.machine.mm;
    return {
      run(iterations: number): void {
        r.machine.syscall(r.app.thread, () => {
          const sb = mm.pool.allocate(POOL_FLAG_NON_PAGED, 64, POOL_TAG("Bnch"));
          for (let i = 0; i < iterations; i++) mm.copy(sb, r.input, 64);
          mm.pool.free_(sb, null);
        });
      },
    };
  },
};
