/**
 * Small helpers the kernel's own tests share: a tiny configurable driver, opening it
 * from a client process, user buffers, and catching the bug check a rule violation
 * raises.
 */
import { expect } from "vitest";
import {
  boot, BugCheck, formatBugCheck, DO_BUFFERED_IO, FILE_DEVICE_UNKNOWN, FILE_SYNCHRONOUS_IO_NONALERT, GENERIC_READ, GENERIC_WRITE, IO_NO_INCREMENT,
  IO_STATUS_BLOCK, IoCompleteRequest, IoCreateDevice, IoCreateSymbolicLink, IRP_MJ_CLEANUP, IRP_MJ_CLOSE, IRP_MJ_CREATE, MEM_COMMIT,
  FILE_OPEN, InitializeObjectAttributes, KDPC, KeInitializeDpc, KeInitializeTimer, KeSetTimer, KTIMER, PsCreateSystemThread, NT_SUCCESS, NtAllocateVirtualMemory, NtCreateFile, OBJ_CASE_INSENSITIVE, OBJECT_ATTRIBUTES, Out,
  PAGE_READWRITE, STATUS_SUCCESS,
  type BugCheckData, type DEVICE_OBJECT, type DRIVER_DISPATCH, type DRIVER_OBJECT, type EPROCESS, type Flavor, type IRP, type KTHREAD,
  type KWAIT_BLOCK, type Machine, type NTSTATUS,
} from "../src/index.js";

/** Complete an IRP with a status and information, returning the status (the usual dispatch tail). */
export function complete(Irp: IRP, Status: NTSTATUS, Information = 0): NTSTATUS {
  Irp.IoStatus.Status = Status;
  Irp.IoStatus.Information = Information;
  IoCompleteRequest(Irp, IO_NO_INCREMENT);
  return Status;
}

export interface TinyDriver {
  DriverEntry: (DriverObject: DRIVER_OBJECT, RegistryPath: string) => NTSTATUS;
  /** What the driver saw, in order: major function codes of every IRP dispatched. */
  readonly majors: number[];
  /** Filled by DriverEntry. */
  device: DEVICE_OBJECT | null;
  driver: DRIVER_OBJECT | null;
}

export interface TinyDriverOptions {
  /** Device `\Device\<name>` and link `\DosDevices\<name>`. */
  name: string;
  /** Extra device flags (DO_BUFFERED_IO by default). */
  flags?: number;
  /** Dispatch routines beyond the default create/cleanup/close that succeed. */
  dispatch?: Partial<Record<number, DRIVER_DISPATCH>>;
  /** Runs at the end of DriverEntry, in the driver's context. */
  init?: (DriverObject: DRIVER_OBJECT, Device: DEVICE_OBJECT) => void;
  /** Device extension (a size in bytes or a factory), none by default. */
  extension?: number | (() => unknown);
}

/**
 * A driver module with one named device and a DOS link to it. Create, cleanup and close
 * succeed unless `dispatch` replaces them; every dispatched IRP's major code is recorded.
 */
export function tinyDriver(o: TinyDriverOptions): TinyDriver {
  const d: TinyDriver = {
    majors: [],
    device: null,
    driver: null,
    DriverEntry(DriverObject) {
      const dev = Out<DEVICE_OBJECT | null>(null);
      let st = IoCreateDevice(DriverObject, o.extension ?? 0, `\\Device\\${o.name}`, FILE_DEVICE_UNKNOWN, 0, false, dev);
      if (!NT_SUCCESS(st)) return st;
      dev.value!.Flags |= o.flags ?? DO_BUFFERED_IO;
      st = IoCreateSymbolicLink(`\\DosDevices\\${o.name}`, `\\Device\\${o.name}`);
      if (!NT_SUCCESS(st)) return st;
      const ok: DRIVER_DISPATCH = (_dev, irp) => complete(irp, STATUS_SUCCESS);
      for (const mj of [IRP_MJ_CREATE, IRP_MJ_CLEANUP, IRP_MJ_CLOSE]) DriverObject.MajorFunction[mj] = ok;
      for (const [k, fn] of Object.entries(o.dispatch ?? {})) if (fn) DriverObject.MajorFunction[Number(k)] = fn;
      // Record every major function before the routine runs.
      for (let mj = 0; mj < DriverObject.MajorFunction.length; mj++) {
        const inner = DriverObject.MajorFunction[mj]!;
        DriverObject.MajorFunction[mj] = (dv, irp) => {
          d.majors.push(mj);
          return inner(dv, irp);
        };
      }
      d.device = dev.value;
      d.driver = DriverObject;
      o.init?.(DriverObject, dev.value!);
      return STATUS_SUCCESS;
    },
  };
  return d;
}

export interface Client {
  process: EPROCESS;
  thread: KTHREAD;
}

export function client(m: Machine, name = "app.exe"): Client {
  const process = m.createProcess(name);
  return { process, thread: process.threads[0]! };
}

const requesters = new WeakMap<Machine, KTHREAD>();

/**
 * A thread for kernel-made test IRPs to belong to (Irp->Tail.Overlay.Thread). Windows
 * finishes an IRP that completes all the way up with an APC to that thread; with none
 * (a bare IoAllocateIrp) it crashes. The thread is not running, so the APC waits there
 * and the completed IRP stays readable until the machine runs.
 */
export function requester(m: Machine): KTHREAD {
  let t = requesters.get(m);
  if (t === undefined) {
    t = client(m, "requester.exe").thread;
    requesters.set(m, t);
  }
  return t;
}

/** NtCreateFile from a client thread: the status and the handle. */
export function open(
  m: Machine,
  c: Client,
  path: string,
  access = GENERIC_READ | GENERIC_WRITE,
  options = FILE_SYNCHRONOUS_IO_NONALERT,
): { status: NTSTATUS; handle: number } {
  const h = Out(0);
  const iosb = new IO_STATUS_BLOCK();
  const oa = new OBJECT_ATTRIBUTES();
  InitializeObjectAttributes(oa, path, OBJ_CASE_INSENSITIVE, null, null);
  const status = m.syscall(c.thread, () => NtCreateFile(h, access, oa, iosb, null, 0, 0, FILE_OPEN, options, null, 0));
  return { status, handle: h.value };
}

/** Committed user memory in the client's process. */
export function userAlloc(m: Machine, c: Client, size = 4096): number {
  const base = Out(0);
  const len = Out(size);
  const st = m.syscall(c.thread, () => NtAllocateVirtualMemory(-1, base, 0, len, MEM_COMMIT, PAGE_READWRITE));
  expect(st).toBe(STATUS_SUCCESS);
  return base.value;
}

/** Boot, load one tiny driver, make a client and open the device. */
export function bootWithDriver(o: TinyDriverOptions & { flavor?: Flavor; seed?: number; processors?: number; access?: number; options?: number }) {
  const m = boot({ flavor: o.flavor ?? "checked", seed: o.seed, processors: o.processors });
  const drv = tinyDriver(o);
  expect(m.loadDriver(o.name, drv.DriverEntry)).toBe(STATUS_SUCCESS);
  const c = client(m);
  const { status, handle } = open(m, c, `\\??\\${o.name}`, o.access, o.options);
  expect(status).toBe(STATUS_SUCCESS);
  return { m, drv, c, h: handle };
}

/** Runs `fn`, which must bug-check `m` with `code`; returns the blue screen's data. */
export function expectBugCheck(m: Machine, code: number, fn: () => unknown): BugCheckData {
  let thrown: unknown = null;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, "expected a bug check").toBeInstanceOf(BugCheck);
  const data = m.bugCheckData!;
  expect(data, "the machine should be stopped").not.toBeNull();
  expect(data.name + " 0x" + data.BugCheckCode.toString(16)).toBe((thrown as BugCheck).data.name + " 0x" + code.toString(16));
  expect((thrown as BugCheck).data).toBe(data);
  // What a person reads: addresses in one (hexadecimal) form, never a raw negative number or [object ...].
  const screen = formatBugCheck(data);
  expect(screen).not.toMatch(/\[object |undefined|NaN/);
  expect(screen, "a raw negative number (print addresses with formatAddress)").not.toMatch(/(^|[^\w-])-\d/);
  return data;
}

/** Drive a waiting routine that must finish without blocking (a zero timeout, or a signalled object). */
export function runNow<T>(g: { [Symbol.iterator](): Iterator<KWAIT_BLOCK, T, NTSTATUS> }): T {
  const r = g[Symbol.iterator]().next(0);
  if (!r.done) throw new Error("the wait blocked");
  return r.value;
}

/** Milliseconds as a relative NT timeout (negative, in 100 ns units). */
export const ms = (n: number): number => -n * 10_000;

/** Start a system thread (PsCreateSystemThread from kernel code) running `body`; returns its handle. */
export function startThread(m: Machine, body: (ctx: unknown) => Generator<any, void, NTSTATUS> | void): number {
  return m.runInKernel(() => {
    const h = Out(0);
    expect(PsCreateSystemThread(h, 0, null, null, null, body, null)).toBe(STATUS_SUCCESS);
    return h.value;
  });
}

/** Run `fn` at machine time `at` ms, from a timer's DPC (DISPATCH_LEVEL, no thread). */
export function atTime(m: Machine, at: number, fn: () => void): void {
  m.runInKernel(() => {
    const dpc = new KDPC();
    KeInitializeDpc(dpc, () => fn(), null);
    const t = new KTIMER();
    KeInitializeTimer(t);
    KeSetTimer(t, at * 10_000, dpc); // a positive due time is absolute
  });
}
