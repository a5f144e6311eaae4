import { boot, type Machine } from "@wdfjs/kernel";
import {
  ERROR_IO_PENDING, FILE_FLAG_OVERLAPPED, GENERIC_READ, GENERIC_WRITE, INVALID_HANDLE_VALUE, OPEN_EXISTING, OVERLAPPED, Win32Process, type Win32Thread,
} from "@wdfjs/win32";
import { installStack, IOCTL_STACK_PEND, PEND_DELAY_MS, STACK_WIN32_NAME } from "@wdfjs/sample-wdm-stack";
import type { BenchDefinition } from "../harness.js";

/*
 * Growth curves (issue 13 §4): the cost of one operation when there are N of them, at
 * two or three sizes. A flat curve is linear scaling; a cost per operation that rises
 * with N is a quadratic path somewhere. Each point is a fixed-size run (`FixedCase`).
 */

const K = 1000;

/** Small sizes run in milliseconds: more runs (and warm-up runs) for a steady median. */
function runsFor(n: number): { runs: number; warmupRuns: number } {
  return n <= K ? { runs: 15, warmupRuns: 5 } : { runs: 3, warmupRuns: 1 };
}

function label(n: number): string {
  return n >= K ? `${n / K}k` : String(n);
}

/**
 * Booting N default machines (128 MiB, checked flavor, two processors) and keeping them
 * all: time and JavaScript heap per machine. Every machine stays alive until the run
 * ends, so the later boots run beside the earlier machines, as in a test suite that
 * keeps its machines.
 */
function bootMachines(n: number): BenchDefinition {
  return {
    name: `growth-boot-${label(n)}-machines`,
    description: `boot() ${n} default machine${n > 1 ? "s" : ""} kept alive together: time and heap per machine`,
    setup() {
      return {
        ops: n,
        // One machine is quick to boot: many runs for a steady median; ten thousand take seconds.
        runs: n === 1 ? 101 : n >= 10 * K ? 2 : 5,
        warmupRuns: n >= 10 * K ? 0 : n === 1 ? 100 : 1,
        once(): Machine[] {
          const machines: Machine[] = [];
          for (let i = 0; i < n; i++) machines.push(boot());
          return machines;
        },
      };
    },
  };
}

/**
 * Closing N handles of one process, newest first, so each freed slot is the new lowest:
 * the worst case of the handle table's free list (a min-heap). Per close. The events are
 * created before each run, untimed.
 */
function closeHandles(n: number): BenchDefinition {
  return {
    name: `growth-close-${label(n)}-handles`,
    description: `CloseHandle of ${n} event handles of one process, newest first: per close`,
    setup() {
      const machine = boot({ flavor: "free", processors: 1, seed: 1 });
      const app = Win32Process.create(machine, "handles.exe");
      let handles: number[] = [];
      return {
        ops: n,
        ...runsFor(n),
        prepare(): void {
          handles = createEvents(app, n).reverse();
        },
        once(): void {
          for (const h of handles) if (!app.CloseHandle(h)) throw new Error(`bench: CloseHandle failed with ${app.GetLastError()}`);
        },
      };
    },
  };
}

/** ExitProcess of a process holding N handles: per handle the rundown closes. */
function exitProcess(n: number): BenchDefinition {
  return {
    name: `growth-exit-process-${label(n)}-handles`,
    description: `ExitProcess of a process holding ${n} event handles: per handle closed`,
    setup() {
      const machine = boot({ flavor: "free", processors: 1, seed: 1 });
      let app: Win32Thread | null = null;
      return {
        ops: n,
        ...runsFor(n),
        prepare(): void {
          app = Win32Process.create(machine, "exiting.exe");
          createEvents(app, n);
        },
        once(): void {
          app!.ExitProcess(0);
          if (!app!.process.terminated) throw new Error("bench: the process did not end");
        },
      };
    },
  };
}

function createEvents(app: Win32Thread, n: number): number[] {
  const handles: number[] = [];
  for (let i = 0; i < n; i++) {
    const h = app.CreateEvent(null, true, false, null);
    if (h === 0) throw new Error(`bench: CreateEvent failed with ${app.GetLastError()}`);
    handles.push(h);
  }
  return handles;
}

/**
 * N overlapped IOCTL_STACK_PEND requests wait in the stack sample's lower driver (its
 * cancel-safe queue) and are then drained: by the driver's timer DPC, which completes
 * them all oldest first through both completion routines, or by CancelIo, which cancels
 * each through the queue's cancel routine. Pending them is untimed; the drain is per IRP.
 */
function drainPended(n: number, how: "timer" | "cancel"): BenchDefinition {
  return {
    name: `growth-drain-${label(n)}-pended-irps-${how}`,
    description: `${n} IOCTLs pended in wdm-stack's cancel-safe queue, then ${how === "timer" ? "completed by its timer DPC" : "cancelled with CancelIo"}: per IRP`,
    setup() {
      const machine = boot({ flavor: "free", processors: 1, seed: 1 });
      installStack(machine, { log: false });
      const app = Win32Process.create(machine, "drain.exe");
      const h = app.CreateFile(STACK_WIN32_NAME, GENERIC_READ | GENERIC_WRITE, 0, null, OPEN_EXISTING, FILE_FLAG_OVERLAPPED, 0);
      if (h === INVALID_HANDLE_VALUE) throw new Error(`bench: CreateFile failed with ${app.GetLastError()}`);
      // One input and one output buffer for all: the answers land on each other, which is fine here.
      const input = app.alloc(4, new Uint8Array([1, 0, 0, 0]));
      const output = app.alloc(4);
      let pending: OVERLAPPED[] = [];
      return {
        ops: n,
        ...runsFor(n),
        prepare(): void {
          pending = [];
          for (let i = 0; i < n; i++) {
            const ov = new OVERLAPPED();
            if (app.DeviceIoControl(h, IOCTL_STACK_PEND, input, 4, output, 4, null, ov) || app.GetLastError() !== ERROR_IO_PENDING) {
              throw new Error(`bench: IOCTL_STACK_PEND did not pend (error ${app.GetLastError()})`);
            }
            pending.push(ov);
          }
        },
        once(): void {
          if (how === "timer") machine.runFor(PEND_DELAY_MS);
          else if (!app.CancelIo(h)) throw new Error(`bench: CancelIo failed with ${app.GetLastError()}`);
          machine.run();
          if (pending[n - 1]!.Internal === 0x103) throw new Error("bench: a pended IRP was not drained");
        },
        teardown(): void {
          app.CloseHandle(h);
        },
      };
    },
  };
}

export const growthBenches: readonly BenchDefinition[] = [
  bootMachines(1),
  bootMachines(K),
  bootMachines(10 * K),
  closeHandles(K),
  closeHandles(100 * K),
  exitProcess(K),
  exitProcess(100 * K),
  drainPended(K, "timer"),
  drainPended(100 * K, "timer"),
  drainPended(K, "cancel"),
  drainPended(100 * K, "cancel"),
];
