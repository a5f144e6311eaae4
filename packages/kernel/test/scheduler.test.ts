import { describe, expect, it } from "vitest";
import {
  boot, DISPATCH_LEVEL, Executive, IO_STATUS_BLOCK, IRP_MJ_READ, IoMarkIrpPending, KDPC, KeDelayExecutionThread, KeGetCurrentProcessorNumber,
  KeInitializeDpc, KeInitializeEvent, KeInitializeTimer, KeInsertQueueDpc, KeLowerIrql, KeRaiseIrql, KernelMode, KeSetTargetProcessorDpc,
  KeSetEvent, KeSetTimer, KeWaitForSingleObject, KEVENT, KTIMER, MachineDeadlock, NotificationEvent, NtCreateEvent, NtReadFile,
  NtWaitForSingleObject, Out, PsCreateSystemThread, STATUS_PENDING, type KIRQL,
} from "../src/index.js";
import { bootWithDriver, userAlloc } from "./helpers.js";

/**
 * A workload with work on every processor: DPCs targeted at each of 4 CPUs, three
 * system threads that sleep and resume, and a timer DPC. Returns the order things ran
 * in, each with the processor it ran on.
 */
function workload(seed: number): string[] {
  const m = boot({ processors: 4, seed });
  const order: string[] = [];
  m.runInKernel(() => {
    for (let t = 0; t < 3; t++) {
      PsCreateSystemThread(Out(0), 0, null, null, null, function* () {
        order.push(`T${t}a/cpu${KeGetCurrentProcessorNumber()}`);
        yield* KeDelayExecutionThread(KernelMode, false, -1);
        order.push(`T${t}b/cpu${KeGetCurrentProcessorNumber()}`);
      }, null);
    }
    const old = Out<KIRQL>(0);
    KeRaiseIrql(DISPATCH_LEVEL, old);
    for (let cpu = 0; cpu < 4; cpu++) {
      for (let k = 0; k < 2; k++) {
        const dpc = new KDPC();
        KeInitializeDpc(dpc, () => order.push(`D${cpu}.${k}/cpu${KeGetCurrentProcessorNumber()}`), null);
        KeSetTargetProcessorDpc(dpc, cpu);
        KeInsertQueueDpc(dpc, null, null);
      }
    }
    const tdpc = new KDPC();
    KeInitializeDpc(tdpc, () => order.push(`timer/cpu${KeGetCurrentProcessorNumber()}`), null);
    const timer = new KTIMER();
    KeInitializeTimer(timer);
    KeSetTimer(timer, -1, tdpc);
    KeLowerIrql(old.value);
  });
  m.run();
  return order;
}

describe("the seeded scheduler", () => {
  it("the same seed gives the same order of DPCs and threads across processors", () => {
    for (const seed of [1, 7, 12345]) {
      const a = workload(seed);
      const b = workload(seed);
      expect(a).toHaveLength(3 * 2 + 8 + 1);
      expect(b).toEqual(a);
    }
  });

  it("every DPC runs on the processor it was targeted at", () => {
    for (const entry of workload(3)) {
      const d = /^D(\d)\.\d\/cpu(\d)$/.exec(entry);
      if (d) expect(d[2]).toBe(d[1]);
    }
  });

  it("different seeds can give a different order", () => {
    const orders = new Set<string>();
    for (let seed = 1; seed <= 12; seed++) orders.add(workload(seed).join(" "));
    expect(orders.size).toBeGreaterThan(1);
  });

  it("whatever the seed, a thread woken by a timer's DPC resumes after that DPC, at the timer's time", () => {
    for (let seed = 1; seed <= 8; seed++) {
      const m = boot({ processors: 2, seed });
      const ev = new KEVENT();
      const log: string[] = [];
      m.runInKernel(() => {
        KeInitializeEvent(ev, NotificationEvent, false);
        PsCreateSystemThread(Out(0), 0, null, null, null, function* () {
          yield* KeWaitForSingleObject(ev, Executive, KernelMode, false, null);
          log.push(`thread@${m.now}`);
        }, null);
        const dpc = new KDPC();
        KeInitializeDpc(dpc, () => {
          log.push(`dpc@${m.now}`);
          KeSetEvent(ev, 0, false);
        }, null);
        const t = new KTIMER();
        KeInitializeTimer(t);
        KeSetTimer(t, -5 * 10_000, dpc);
      });
      m.run();
      expect(log).toEqual(["dpc@5", "thread@5"]);
    }
  });
});

describe("deadlocks", () => {
  it("waiting on an event no one sets throws MachineDeadlock naming the wait", () => {
    const m = boot();
    const c = m.createProcess("app.exe");
    const t = c.threads[0]!;
    const h = Out(0);
    m.syscall(t, () => NtCreateEvent(h, 0, null, NotificationEvent, false));
    let e: unknown = null;
    try {
      m.syscall(t, () => NtWaitForSingleObject(h.value, false, null));
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(MachineDeadlock);
    expect((e as MachineDeadlock).waitingFor).toBe(`handle ${h.value}`);
    expect((e as MachineDeadlock).message).toMatch(/no progress while waiting for handle/);
    // A deadlock is not a crash: the machine still runs.
    expect(m.stopped).toBe(false);
    expect(m.runInKernel(() => 42)).toBe(42);
  });

  it("the deadlock report names the system threads and what they wait on", () => {
    const m = boot();
    const ev = new KEVENT();
    m.runInKernel(() => {
      KeInitializeEvent(ev, NotificationEvent, false);
      PsCreateSystemThread(Out(0), 0, null, null, null, function* StuckWorker() {
        yield* KeWaitForSingleObject(ev, Executive, KernelMode, false, null);
      }, null);
    });
    m.run();
    const c = m.createProcess("app.exe");
    const h = Out(0);
    m.syscall(c.threads[0]!, () => NtCreateEvent(h, 0, null, NotificationEvent, false));
    let e: unknown = null;
    try {
      m.syscall(c.threads[0]!, () => NtWaitForSingleObject(h.value, false, null));
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(MachineDeadlock);
    expect((e as MachineDeadlock).report).toMatch(/thread 'StuckWorker' \(process System\) waits on KEVENT/);
  });

  it("a client wait with a timeout does not deadlock: it times out at the right virtual time", () => {
    const m = boot();
    const c = m.createProcess("app.exe");
    const h = Out(0);
    m.syscall(c.threads[0]!, () => NtCreateEvent(h, 0, null, NotificationEvent, false));
    const st = m.syscall(c.threads[0]!, () => NtWaitForSingleObject(h.value, false, -30 * 10_000));
    expect(st).toBe(0x102);
    expect(m.now).toBe(30);
  });

  it("synchronous I/O that a driver pends forever throws MachineDeadlock naming the IRP", () => {
    const { m, c, h } = bootWithDriver({
      name: "Never",
      dispatch: { [IRP_MJ_READ]: (_d, irp) => { IoMarkIrpPending(irp); return STATUS_PENDING; } },
    });
    const buf = userAlloc(m, c);
    let e: unknown = null;
    try {
      m.syscall(c.thread, () => NtReadFile(h, 0, null, null, new IO_STATUS_BLOCK(), buf, 16, null, 0));
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(MachineDeadlock);
    expect((e as MachineDeadlock).waitingFor).toMatch(/the IRP at .*synchronous I\/O/);
  });
});
