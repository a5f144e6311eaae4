import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import {
  boot, CTL_CODE, ExAllocatePool2, ExFreePoolWithTag, Executive, FILE_ANY_ACCESS, FILE_DEVICE_UNKNOWN, IO_NO_INCREMENT, IO_STATUS_BLOCK,
  IoBuildDeviceIoControlRequest, IoCallDriver, IoCompleteRequest, IoGetCurrentIrpStackLocation, IoMarkIrpPending, IRP_MJ_DEVICE_CONTROL,
  KeDelayExecutionThread, KeGetCurrentIrql, KeInitializeEvent, KernelMode, KeWaitForSingleObject, KEVENT, MachineDeadlock, MemoryTraceSink,
  METHOD_BUFFERED, NotificationEvent, Out, POOL_FLAG_NON_PAGED, POOL_TAG, PsCreateSystemThread, ReadBytes, RELATIVE_MS, STATUS_PENDING,
  STATUS_SUCCESS, WriteBytes, DISPATCH_LEVEL, type IRP, type Machine, type MachineEventSource,
} from "../src/index.js";
import { tinyDriver } from "./helpers.js";

/*
 * An event source on a worker thread: a "device" that upper-cases what it is sent,
 * reached over a ring in shared memory. The driver sends each request to the worker
 * when it dispatches it and pends the IRP; the source says the reply is due 1 ms of
 * machine time later and delivers it then, at a point the seed picks. The worker takes a
 * random (host) time to answer, so whether a reply has arrived when it falls due varies
 * from run to run; the run must not.
 */

const IOCTL_UPPER = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x900, METHOD_BUFFERED, FILE_ANY_ACCESS);
const TAG = POOL_TAG("EvSr");
const SLOTS = 64;
const SLOT_BYTES = 64;
// Int32 cells: 0 requests posted, 1 replies written, 2 stop; then per slot [length, bytes...].
const HEADER = 4;
const SLOT_INTS = 1 + SLOT_BYTES / 4;

const WORKER = `
const { workerData } = require("node:worker_threads");
const ring = new Int32Array(workerData.ring);
const bytes = new Uint8Array(workerData.ring);
const doorbell = new Int32Array(workerData.doorbell);
const nap = new Int32Array(new SharedArrayBuffer(4));
let done = 0;
for (;;) {
  while (Atomics.load(ring, 0) === done) {
    if (Atomics.load(ring, 2) !== 0) process.exit(0);
    Atomics.wait(ring, 0, done, 50);
  }
  // Answer late, by a random host time: the machine must not care.
  Atomics.wait(nap, 0, 0, Math.floor(Math.random() * 4));
  const slot = ${HEADER} + (done % ${SLOTS}) * ${SLOT_INTS};
  const len = ring[slot];
  const at = (slot + 1) * 4;
  for (let i = 0; i < len; i++) { const c = bytes[at + i]; if (c >= 97 && c <= 122) bytes[at + i] = c - 32; }
  done++;
  Atomics.store(ring, 1, done);
  Atomics.add(doorbell, 0, 1);
  Atomics.notify(doorbell, 0);
}
`;

interface Outstanding {
  readonly seq: number;
  readonly irp: IRP;
  readonly due: number;
}

/** The machine's side of the ring: posts requests, and is the event source that delivers replies. */
class UpperCaseDevice implements MachineEventSource {
  readonly name = "upper-case worker";
  readonly ring = new Int32Array(new SharedArrayBuffer((HEADER + SLOTS * SLOT_INTS) * 4));
  private readonly bytes = new Uint8Array(this.ring.buffer);
  private readonly queue: Outstanding[] = [];
  private head = 0;
  private posted = 0;
  readonly deliveredAtIrql: number[] = [];
  constructor(private readonly m: Machine) {}

  /** From the dispatch routine: copy the request into the ring and wake the worker. */
  post(irp: IRP, data: Uint8Array): void {
    const seq = this.posted++;
    const slot = HEADER + (seq % SLOTS) * SLOT_INTS;
    this.ring[slot] = data.length;
    this.bytes.set(data, (slot + 1) * 4);
    this.queue.push({ seq, irp, due: this.m.clock.now() + 10_000 });
    Atomics.store(this.ring, 0, this.posted);
    Atomics.notify(this.ring, 0);
  }

  nextDue(): number {
    return this.head < this.queue.length ? this.queue[this.head]!.due : -1;
  }

  ready(): boolean {
    return Atomics.load(this.ring, 1) > this.queue[this.head]!.seq;
  }

  deliver(): void {
    const o = this.queue[this.head++]!;
    this.deliveredAtIrql.push(KeGetCurrentIrql());
    const slot = HEADER + (o.seq % SLOTS) * SLOT_INTS;
    const len = this.ring[slot]!;
    WriteBytes(o.irp.AssociatedIrp.SystemBuffer, this.bytes.subarray((slot + 1) * 4, (slot + 1) * 4 + len));
    o.irp.IoStatus.Status = STATUS_SUCCESS;
    o.irp.IoStatus.Information = len;
    IoCompleteRequest(o.irp, IO_NO_INCREMENT);
  }
}

function startWorker(dev: UpperCaseDevice, m: Machine): Worker {
  return new Worker(WORKER, { eval: true, workerData: { ring: dev.ring.buffer, doorbell: m.doorbell.buffer } });
}

/** Three system threads each send `n` IOCTLs and wait for each; a periodic delay thread adds timers. Returns what a person would compare. */
function runOnce(seed: number, n: number): { trace: string[]; replies: string[]; now: number; irqls: number[] } {
  const trace = new MemoryTraceSink();
  const m = boot({ seed, processors: 4, trace });
  const dev = new UpperCaseDevice(m);
  const drv = tinyDriver({
    name: "Upper",
    dispatch: {
      [IRP_MJ_DEVICE_CONTROL]: (_d, Irp) => {
        const len = IoGetCurrentIrpStackLocation(Irp).Parameters.DeviceIoControl.InputBufferLength;
        IoMarkIrpPending(Irp);
        dev.post(Irp, ReadBytes(Irp.AssociatedIrp.SystemBuffer, len));
        return STATUS_PENDING;
      },
    },
  });
  expect(m.loadDriver("Upper", drv.DriverEntry)).toBe(STATUS_SUCCESS);
  m.addEventSource(dev);
  const worker = startWorker(dev, m);
  const replies: string[] = [];
  try {
    m.runInKernel(() => {
      for (const who of ["alpha", "beta", "gamma"]) {
        PsCreateSystemThread(Out(0), 0, null, null, null, function* () {
          const buf = ExAllocatePool2(POOL_FLAG_NON_PAGED, SLOT_BYTES, TAG);
          for (let i = 0; i < n; i++) {
            const text = `${who} ${i}`;
            WriteBytes(buf, [...text].map((c) => c.charCodeAt(0)));
            const ev = new KEVENT();
            KeInitializeEvent(ev, NotificationEvent, false);
            const iosb = new IO_STATUS_BLOCK();
            const irp = IoBuildDeviceIoControlRequest(IOCTL_UPPER, drv.device!, buf, text.length, buf, text.length, false, ev, iosb)!;
            if (IoCallDriver(drv.device!, irp) === STATUS_PENDING) yield* KeWaitForSingleObject(ev, Executive, KernelMode, false, null);
            replies.push(String.fromCharCode(...ReadBytes(buf, iosb.Information)));
            if (i % 3 === 0) yield* KeDelayExecutionThread(KernelMode, false, RELATIVE_MS(1));
          }
          ExFreePoolWithTag(buf, TAG);
        }, null);
      }
    });
    m.run();
  } finally {
    Atomics.store(dev.ring, 2, 1);
    Atomics.notify(dev.ring, 0);
    void worker.terminate();
  }
  return {
    trace: trace.events.map((e) => `${e.time} cpu${e.cpu} irql${e.irql} ${e.kind} ${e.driver ?? "-"} ${e.detail ?? ""}`),
    replies,
    now: m.now,
    irqls: dev.deliveredAtIrql,
  };
}

describe("event sources outside the machine", () => {
  it("a worker-thread source delivers at machine times and schedule points of its own: the same seed gives the same run, whatever the worker's speed", () => {
    const a = runOnce(7, 12);
    expect(a.replies).toHaveLength(36);
    expect(new Set(a.replies)).toEqual(new Set(["alpha", "beta", "gamma"].flatMap((w) => Array.from({ length: 12 }, (_, i) => `${w} ${i}`.toUpperCase()))));
    expect(a.irqls.every((i) => i === DISPATCH_LEVEL)).toBe(true);
    for (let run = 0; run < 2; run++) {
      const b = runOnce(7, 12);
      expect(b.trace).toEqual(a.trace);
      expect(b.replies).toEqual(a.replies);
      expect(b.now).toBe(a.now);
    }
    // The seed still matters: another one interleaves the three threads differently.
    const c = runOnce(8, 12);
    expect(c.replies).not.toEqual(a.replies);
  });

  it("a source that is due and never delivers is reported as a deadlock naming it, not a hang", () => {
    const m = boot();
    const silent: MachineEventSource = { name: "silent device", nextDue: () => 0, ready: () => false, deliver: () => {} };
    m.addEventSource(silent);
    m.scheduler.sourceTimeoutMs = 300;
    let e: unknown = null;
    try {
      m.run();
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(MachineDeadlock);
    expect((e as MachineDeadlock).waitingFor).toContain("silent device");
  });

  it("with only idle sources left and a thread waiting, the machine still reports the deadlock and what waits", () => {
    const m = boot();
    m.addEventSource({ name: "idle device", nextDue: () => -1, ready: () => true, deliver: () => {} });
    let e: unknown = null;
    try {
      m.runInKernel(() => {
        PsCreateSystemThread(Out(0), 0, null, null, null, function* Stuck() {
          const ev = new KEVENT();
          KeInitializeEvent(ev, NotificationEvent, false);
          yield* KeWaitForSingleObject(ev, Executive, KernelMode, false, null);
        }, null);
      });
      m.runFor(1000);
      m.runInKernel(() => 0);
      const t = m.createProcess("app.exe").threads[0]!;
      const ev = new KEVENT();
      KeInitializeEvent(ev, NotificationEvent, false);
      m.hostWait(t, { objects: [ev], waitAll: false, deadline: -1, alertable: false, userMode: true }, "an event nobody sets");
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(MachineDeadlock);
    expect((e as MachineDeadlock).report).toContain("Stuck");
    expect((e as MachineDeadlock).report).toContain("idle device");
  });
});
