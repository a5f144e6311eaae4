import { describe, expect, it } from "vitest";
import {
  boot, CTL_CODE, DISPATCH_LEVEL, DRIVER_IRQL_NOT_LESS_OR_EQUAL, DRIVER_VERIFIER_DETECTED_VIOLATION, FILE_ANY_ACCESS, FILE_DEVICE_UNKNOWN,
  GENERIC_READ, IO_NO_INCREMENT, IO_STATUS_BLOCK, IoAcquireCancelSpinLock, IoAllocateIrp, IoCallDriver, IoCompleteRequest,
  IoGetCurrentIrpStackLocation, IoGetNextIrpStackLocation, IoMarkIrpPending, IoReleaseCancelSpinLock, IoSetCancelRoutine,
  IoSetStartIoAttributes, IoStartNextPacket, IoStartNextPacketByKey, IoStartPacket, IRP_MJ_DEVICE_CONTROL, IRP_MJ_READ, KDEVICE_QUEUE,
  KDEVICE_QUEUE_ENTRY, KDPC, KeGetCurrentIrql, KeInitializeDeviceQueue, KeInitializeDpc, KeInitializeTimer, KeInsertByKeyDeviceQueue,
  KeInsertDeviceQueue, KeLowerIrql, KeRaiseIrql, KeRemoveByKeyDeviceQueue, KeRemoveDeviceQueue, KeRemoveEntryDeviceQueue, KeSetTimer, KTIMER,
  MAX_NESTED_START_IO, METHOD_BUFFERED, NtCancelIoFile, NtCancelIoFileEx, NtDeviceIoControlFile, NtReadFile, Out, PASSIVE_LEVEL, ReadUlong,
  STATUS_CANCELLED, STATUS_PENDING, STATUS_SUCCESS, WriteUlong, type DEVICE_OBJECT, type DRIVER_CANCEL, type DRIVER_STARTIO, type Flavor,
  type IRP, type KIRQL, type Machine, type NTSTATUS,
} from "../src/index.js";
import { bootWithDriver, type Client, expectBugCheck, userAlloc } from "./helpers.js";

/** How long the emulated hardware takes for one request. */
const HW_MS = 10;
/** A device control that makes the driver call a device-queue routine at the wrong IRQL (input: which). */
const IOCTL_MISUSE = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x900, METHOD_BUFFERED, FILE_ANY_ACCESS);
const MISUSE_INSERT_AT_PASSIVE = 1;
const MISUSE_REMOVE_AT_PASSIVE = 2;
const MISUSE_INSERT_BY_KEY_AT_DIRQL = 3;
const MISUSE_START_NEXT_AT_PASSIVE = 4;
const MISUSE_REMOVE_ENTRY_AT_DIRQL = 5;
const REMOVE_ENTRY_AT_PASSIVE = 6;

interface SerialOptions {
  flavor: Flavor;
  /** IoSetStartIoAttributes(DeferredStartIo = TRUE). */
  deferred?: boolean;
  /** IoSetStartIoAttributes(NonCancelable = TRUE). */
  nonCancelable?: boolean;
  /** IoStartPacket with the read's Key as the sort key. */
  byKey?: boolean;
  /** The DPC starts the next packet with IoStartNextPacketByKey(key of the request just done): an elevator. */
  elevator?: boolean;
}

/**
 * A classic StartIo driver for a device that does one thing at a time. Reads (the
 * request's id is its ByteOffset) are marked pending and handed to IoStartPacket with a
 * cancel routine; StartIo starts a "hardware operation" that a timer DPC finishes HW_MS
 * later — the DPC calls IoStartNextPacket, then IoCompleteRequest. With `sync` set,
 * StartIo finishes the request at once instead (same order of calls).
 */
function serialDriver(o: SerialOptions) {
  const st = {
    sync: false,
    /** Every StartIo call: the request, the IRQL, whether it was CurrentIrp, whether it still had a cancel routine. */
    starts: [] as { id: number; irql: KIRQL; current: boolean; cancelable: boolean }[],
    /** start/return of StartIo and completions, in order. */
    events: [] as string[],
    depth: 0,
    maxDepth: 0,
    /** StartIo called while the hardware was still busy with another request. */
    overlaps: 0,
    hw: null as IRP | null,
    /** Processing order, written into each read's buffer. */
    seq: 0,
    cancels: [] as { id: number; irql: KIRQL; cancelIrql: KIRQL; current: boolean; removed: boolean }[],
    dpc: new KDPC(),
    timer: new KTIMER(),
    device: null as DEVICE_OBJECT | null,
  };
  const idOf = (irp: IRP) => IoGetCurrentIrpStackLocation(irp).Parameters.Read.ByteOffset;

  const finish = (irp: IRP, status: NTSTATUS) => {
    const sl = IoGetCurrentIrpStackLocation(irp);
    irp.IoStatus.Status = status;
    irp.IoStatus.Information = 0;
    if (status === STATUS_SUCCESS && sl.Parameters.Read.Length >= 4) {
      WriteUlong(irp.AssociatedIrp.SystemBuffer, ++st.seq);
      irp.IoStatus.Information = 4;
    }
    st.events.push(`complete ${idOf(irp)}`);
    IoCompleteRequest(irp, IO_NO_INCREMENT);
  };

  // The WDK pattern for a driver with StartIo: the current IRP is StartIo's to finish; a
  // queued one is taken out of the device queue and completed here.
  const CancelRoutine: DRIVER_CANCEL = (dev, irp) => {
    const current = irp === dev.CurrentIrp;
    const removed = !current && KeRemoveEntryDeviceQueue(dev.DeviceQueue, irp.Tail.Overlay.DeviceQueueEntry);
    st.cancels.push({ id: idOf(irp), irql: KeGetCurrentIrql(), cancelIrql: irp.CancelIrql, current, removed });
    IoReleaseCancelSpinLock(irp.CancelIrql);
    if (removed) finish(irp, STATUS_CANCELLED);
  };

  const StartIo: DRIVER_STARTIO = (dev, irp) => {
    const id = idOf(irp);
    st.maxDepth = Math.max(st.maxDepth, ++st.depth);
    st.starts.push({ id, irql: KeGetCurrentIrql(), current: dev.CurrentIrp === irp, cancelable: irp.CancelRoutine !== null });
    st.events.push(`start ${id}`);
    if (st.hw !== null) st.overlaps++;
    // Once started, the operation runs to its end: take the IRP out of the cancelable state.
    const old = Out<KIRQL>(0);
    IoAcquireCancelSpinLock(old);
    const cancelled = irp.Cancel;
    IoSetCancelRoutine(irp, null);
    IoReleaseCancelSpinLock(old.value);
    if (cancelled || st.sync) {
      IoStartNextPacket(dev, true);
      finish(irp, cancelled ? STATUS_CANCELLED : STATUS_SUCCESS);
    } else {
      st.hw = irp;
      KeSetTimer(st.timer, -HW_MS * 10_000, st.dpc);
    }
    st.events.push(`return ${id}`);
    st.depth--;
  };

  const env = bootWithDriver({
    name: "Serial",
    flavor: o.flavor,
    options: 0,
    access: GENERIC_READ,
    init: (DriverObject, Device) => {
      DriverObject.DriverStartIo = StartIo;
      st.device = Device;
      if (o.deferred || o.nonCancelable) IoSetStartIoAttributes(Device, !!o.deferred, !!o.nonCancelable);
      KeInitializeTimer(st.timer);
      KeInitializeDpc(st.dpc, () => {
        const irp = st.hw!;
        st.hw = null;
        if (o.elevator) IoStartNextPacketByKey(st.device!, true, IoGetCurrentIrpStackLocation(irp).Parameters.Read.Key);
        else IoStartNextPacket(st.device!, true);
        finish(irp, STATUS_SUCCESS);
      }, null);
    },
    dispatch: {
      [IRP_MJ_READ]: (dev, irp) => {
        IoMarkIrpPending(irp);
        const key = o.byKey ? Out(IoGetCurrentIrpStackLocation(irp).Parameters.Read.Key) : null;
        IoStartPacket(dev, irp, key, CancelRoutine);
        return STATUS_PENDING;
      },
      [IRP_MJ_DEVICE_CONTROL]: (dev, irp) => {
        const sb = irp.AssociatedIrp.SystemBuffer;
        const q = new KDEVICE_QUEUE();
        const e = new KDEVICE_QUEUE_ENTRY();
        KeInitializeDeviceQueue(q);
        const raise = (to: KIRQL, fn: () => unknown) => {
          const old = Out<KIRQL>(0);
          KeRaiseIrql(to, old);
          const r = fn();
          KeLowerIrql(old.value);
          return r;
        };
        let result = 0;
        switch (ReadUlong(sb)) {
          case MISUSE_INSERT_AT_PASSIVE: result = Number(KeInsertDeviceQueue(q, e)); break;
          case MISUSE_REMOVE_AT_PASSIVE: result = Number(KeRemoveDeviceQueue(q) !== null); break;
          case MISUSE_INSERT_BY_KEY_AT_DIRQL: result = Number(raise(5, () => KeInsertByKeyDeviceQueue(q, e, 1))); break;
          case MISUSE_START_NEXT_AT_PASSIVE: IoStartNextPacket(dev, false); break;
          case MISUSE_REMOVE_ENTRY_AT_DIRQL: result = Number(raise(5, () => KeRemoveEntryDeviceQueue(q, e))); break;
          case REMOVE_ENTRY_AT_PASSIVE:
            raise(DISPATCH_LEVEL, () => KeInsertDeviceQueue(q, new KDEVICE_QUEUE_ENTRY()) || KeInsertDeviceQueue(q, e));
            result = Number(KeRemoveEntryDeviceQueue(q, e)) * 10 + Number(KeRemoveEntryDeviceQueue(q, e));
            break;
        }
        WriteUlong(sb, result);
        irp.IoStatus.Status = STATUS_SUCCESS;
        irp.IoStatus.Information = 4;
        IoCompleteRequest(irp, IO_NO_INCREMENT);
        return STATUS_SUCCESS;
      },
    },
  });
  const bufs = userAlloc(env.m, env.c, 4 * 8192);
  return { ...env, st, bufs, dev: st.device!, StartIo, CancelRoutine };
}

type Serial = ReturnType<typeof serialDriver>;

/** An overlapped read: request `id` (its ByteOffset) with sort key `key`; the driver writes its processing order into the buffer. */
function read(d: Serial, id: number, key = 0) {
  const iosb = new IO_STATUS_BLOCK();
  const overlapped = { id };
  const buf = d.bufs + 4 * id;
  const status = d.m.syscall(d.c.thread, () => NtReadFile(d.h, 0, null, overlapped, iosb, buf, 4, id, key));
  return { id, iosb, overlapped, status, order: () => d.m.syscall(d.c.thread, () => ReadUlong(buf)) };
}

function misuse(m: Machine, c: Client, h: number, what: number): number {
  const buf = userAlloc(m, c);
  m.syscall(c.thread, () => WriteUlong(buf, what));
  const st = m.syscall(c.thread, () => NtDeviceIoControlFile(h, 0, null, null, new IO_STATUS_BLOCK(), IOCTL_MISUSE, buf, 4, buf, 4));
  expect(st).toBe(STATUS_SUCCESS);
  return m.syscall(c.thread, () => ReadUlong(buf));
}

/** The ids of the IRPs waiting in the device queue, head first. */
function queued(dev: DEVICE_OBJECT): number[] {
  const ids: number[] = [];
  const head = dev.DeviceQueue.DeviceListHead;
  for (let e = head.Flink!; e !== head; e = e.Flink!) ids.push(IoGetCurrentIrpStackLocation(e.Container as IRP).Parameters.Read.ByteOffset);
  return ids;
}

describe("Ke: device queues", () => {
  /** Run `fn` in kernel code at DISPATCH_LEVEL, where the insert/remove routines belong. */
  function atDispatch<T>(m: Machine, fn: () => T): T {
    return m.runInKernel(() => {
      const old = Out<KIRQL>(0);
      KeRaiseIrql(DISPATCH_LEVEL, old);
      const r = fn();
      KeLowerIrql(old.value);
      return r;
    });
  }
  const entries = (n: number) => Array.from({ length: n }, (_, i) => new KDEVICE_QUEUE_ENTRY(`e${i}`));
  const names = (list: (KDEVICE_QUEUE_ENTRY | null)[]) => list.map((e) => (e === null ? null : (e.Container as string)));

  it("KeInsertDeviceQueue returns FALSE and marks the queue busy when it was not busy; then queues at the tail and returns TRUE", () => {
    const m = boot({ flavor: "checked" });
    const q = new KDEVICE_QUEUE();
    const [a, b, c] = entries(3);
    const r = atDispatch(m, () => {
      KeInitializeDeviceQueue(q);
      const busyBefore = q.Busy;
      const inserted = [KeInsertDeviceQueue(q, a!), KeInsertDeviceQueue(q, b!), KeInsertDeviceQueue(q, c!)];
      return { busyBefore, inserted, busy: q.Busy, flags: [a!.Inserted, b!.Inserted, c!.Inserted] };
    });
    expect(r).toEqual({ busyBefore: false, inserted: [false, true, true], busy: true, flags: [false, true, true] });
  });

  it("KeRemoveDeviceQueue takes entries head first, and on an empty queue returns NULL and marks it not busy", () => {
    const m = boot({ flavor: "checked" });
    const q = new KDEVICE_QUEUE();
    const [a, b, c] = entries(3);
    const r = atDispatch(m, () => {
      KeInitializeDeviceQueue(q);
      KeInsertDeviceQueue(q, a!);
      KeInsertDeviceQueue(q, b!);
      KeInsertDeviceQueue(q, c!);
      const got = [KeRemoveDeviceQueue(q), KeRemoveDeviceQueue(q)];
      const busyWhileEmptyButCurrent = q.Busy;
      got.push(KeRemoveDeviceQueue(q));
      return { got: names(got), busyWhileEmptyButCurrent, busy: q.Busy, nextInsert: KeInsertDeviceQueue(q, a!) };
    });
    expect(r).toEqual({ got: ["e1", "e2", null], busyWhileEmptyButCurrent: true, busy: false, nextInsert: false });
  });

  it("KeInsertByKeyDeviceQueue keeps keys in order, equal keys first come first; KeRemoveByKeyDeviceQueue takes the first key >= SortKey, else the head", () => {
    const m = boot({ flavor: "free" });
    const q = new KDEVICE_QUEUE();
    const es = entries(6);
    const keys = [50, 70, 20, 60, 20, 90];
    const r = atDispatch(m, () => {
      KeInitializeDeviceQueue(q);
      es.forEach((e, i) => KeInsertByKeyDeviceQueue(q, e, keys[i]!));
      const order: string[] = [];
      const head = q.DeviceListHead;
      for (let e = head.Flink!; e !== head; e = e.Flink!) order.push(`${e.Container}:${e.SortKey}`);
      const got = names([KeRemoveByKeyDeviceQueue(q, 65), KeRemoveByKeyDeviceQueue(q, 91), KeRemoveByKeyDeviceQueue(q, 20)]);
      return { order, got };
    });
    // e0 (key 50) found the queue idle: it is the caller's to start, not queued.
    expect(r.order).toEqual(["e2:20", "e4:20", "e3:60", "e1:70", "e5:90"]);
    expect(r.got).toEqual(["e1", "e2", "e4"]);
  });

  it("KeRemoveEntryDeviceQueue takes out one queued entry (TRUE) and reports one that is not queued (FALSE), at PASSIVE_LEVEL too", () => {
    const d = serialDriver({ flavor: "checked" });
    expect(misuse(d.m, d.c, d.h, REMOVE_ENTRY_AT_PASSIVE)).toBe(10);
    expect(d.m.stopped).toBe(false);
  });

  describe.each(["checked", "free"] as const)("at the wrong IRQL (%s)", (flavor) => {
    const cases = [
      { what: MISUSE_INSERT_AT_PASSIVE, routine: "KeInsertDeviceQueue", at: "PASSIVE_LEVEL", rule: 0x00020003 },
      { what: MISUSE_REMOVE_AT_PASSIVE, routine: "KeRemoveDeviceQueue", at: "PASSIVE_LEVEL", rule: 0x00020003 },
      { what: MISUSE_INSERT_BY_KEY_AT_DIRQL, routine: "KeInsertByKeyDeviceQueue", at: "DIRQL(5)", rule: 0x00020003 },
      { what: MISUSE_REMOVE_ENTRY_AT_DIRQL, routine: "KeRemoveEntryDeviceQueue", at: "DIRQL(5)", rule: 0x00020011 },
      { what: MISUSE_START_NEXT_AT_PASSIVE, routine: "IoStartNextPacket", at: "PASSIVE_LEVEL", rule: 0x00020003 },
    ];
    for (const c of cases) {
      if (flavor === "checked") {
        it(`${c.routine} at ${c.at} is a DRIVER_VERIFIER_DETECTED_VIOLATION (0xC4, ${c.rule.toString(16)}) blaming the driver`, () => {
          const d = serialDriver({ flavor });
          const data = expectBugCheck(d.m, DRIVER_VERIFIER_DETECTED_VIOLATION, () => misuse(d.m, d.c, d.h, c.what));
          expect(data.BugCheckParameter1).toBe(c.rule);
          expect(data.driver).toBe("Serial.sys");
          expect(data.explanation).toContain(`${c.routine} was called at ${c.at}`);
          expect(data.explanation).toContain(c.rule === 0x00020003 ? "must be called at DISPATCH_LEVEL" : "at or below DISPATCH_LEVEL");
        });
      } else {
        it(`${c.routine} at ${c.at} is not checked`, () => {
          const d = serialDriver({ flavor });
          misuse(d.m, d.c, d.h, c.what);
          expect(d.m.stopped).toBe(false);
        });
      }
    }
  });
});

describe.each(["checked", "free"] as const)("Io: StartIo (%s)", (flavor) => {
  it("requests are serialized: one in StartIo at a time, at DISPATCH_LEVEL, as CurrentIrp; the rest wait in the device queue", () => {
    const d = serialDriver({ flavor });
    const reads = [0, 1, 2, 3].map((id) => read(d, id));
    expect(reads.map((r) => r.status)).toEqual([STATUS_PENDING, STATUS_PENDING, STATUS_PENDING, STATUS_PENDING]);
    // Only the first reached StartIo; the device is busy with it.
    expect(d.st.starts.map((s) => s.id)).toEqual([0]);
    expect(IoGetCurrentIrpStackLocation(d.dev.CurrentIrp!).Parameters.Read.ByteOffset).toBe(0);
    expect(d.dev.DeviceQueue.Busy).toBe(true);
    expect(queued(d.dev)).toEqual([1, 2, 3]);

    d.m.runFor(HW_MS);
    expect(reads.map((r) => r.iosb.Status)).toEqual([STATUS_SUCCESS, STATUS_PENDING, STATUS_PENDING, STATUS_PENDING]);
    expect(d.st.starts.map((s) => s.id)).toEqual([0, 1]);
    expect(queued(d.dev)).toEqual([2, 3]);

    d.m.run();
    expect(d.m.now).toBe(4 * HW_MS);
    expect(reads.map((r) => r.iosb.Status)).toEqual([STATUS_SUCCESS, STATUS_SUCCESS, STATUS_SUCCESS, STATUS_SUCCESS]);
    expect(reads.map((r) => r.order())).toEqual([1, 2, 3, 4]);
    expect(d.st.starts).toEqual([0, 1, 2, 3].map((id) => ({ id, irql: DISPATCH_LEVEL, current: true, cancelable: true })));
    expect(d.st.overlaps).toBe(0);
    expect(d.st.maxDepth).toBe(1);
    // The DPC starts the next packet before it completes the current one (the classic order).
    expect(d.st.events.slice(0, 5)).toEqual(["start 0", "return 0", "start 1", "return 1", "complete 0"]);
    // The queue ran dry: the last IoStartNextPacket cleared CurrentIrp and the busy state.
    expect(d.dev.CurrentIrp).toBeNull();
    expect(d.dev.DeviceQueue.Busy).toBe(false);
    // An idle device starts the next request at once again.
    read(d, 9);
    expect(d.st.starts.at(-1)!.id).toBe(9);
    expect(d.m.now).toBe(4 * HW_MS);
  });

  it("IoStartPacket with a Key orders the queue by key; IoStartNextPacket takes it from the head", () => {
    const d = serialDriver({ flavor, byKey: true });
    const keys: [number, number][] = [[0, 50], [1, 70], [2, 20], [3, 60], [4, 20], [5, 90]];
    const reads = keys.map(([id, key]) => read(d, id, key));
    expect(queued(d.dev)).toEqual([2, 4, 3, 1, 5]);
    d.m.run();
    expect(d.st.starts.map((s) => s.id)).toEqual([0, 2, 4, 3, 1, 5]);
    expect(reads.every((r) => r.iosb.Status === STATUS_SUCCESS)).toBe(true);
  });

  it("IoStartNextPacketByKey takes the first request whose key is >= the one given, wrapping to the head (an elevator)", () => {
    const d = serialDriver({ flavor, byKey: true, elevator: true });
    const keys: [number, number][] = [[0, 50], [1, 70], [2, 20], [3, 60], [4, 20], [5, 90], [6, 50]];
    keys.map(([id, key]) => read(d, id, key));
    d.m.run();
    expect(d.st.starts.map((s) => s.id)).toEqual([0, 6, 3, 1, 5, 2, 4]);
    expect(d.dev.CurrentIrp).toBeNull();
  });

  it("cancelling a queued IRP: the CancelFunction takes it out of the device queue with KeRemoveEntryDeviceQueue; the current one runs on", () => {
    const d = serialDriver({ flavor });
    const reads = [0, 1, 2, 3].map((id) => read(d, id));
    const st = d.m.syscall(d.c.thread, () => NtCancelIoFileEx(d.h, reads[2]!.overlapped, new IO_STATUS_BLOCK()));
    expect(st).toBe(STATUS_SUCCESS);
    expect(d.st.cancels).toEqual([{ id: 2, irql: DISPATCH_LEVEL, cancelIrql: PASSIVE_LEVEL, current: false, removed: true }]);
    expect(queued(d.dev)).toEqual([1, 3]);
    d.m.run();
    expect(reads.map((r) => r.iosb.Status)).toEqual([STATUS_SUCCESS, STATUS_SUCCESS, STATUS_CANCELLED, STATUS_SUCCESS]);
    expect(d.st.starts.map((s) => s.id)).toEqual([0, 1, 3]);
    expect(reads.map((r) => r.order())).toEqual([1, 2, 0, 3]);
  });

  it("NtCancelIoFile cancels everything queued; the started request, no longer cancelable, completes normally", () => {
    const d = serialDriver({ flavor });
    const reads = [0, 1, 2].map((id) => read(d, id));
    expect(d.dev.CurrentIrp!.CancelRoutine).toBeNull();
    d.m.syscall(d.c.thread, () => NtCancelIoFile(d.h, new IO_STATUS_BLOCK()));
    expect(d.st.cancels.map((c) => [c.id, c.removed]).sort()).toEqual([[1, true], [2, true]]);
    expect(queued(d.dev)).toEqual([]);
    d.m.runFor(1);
    expect(reads.map((r) => r.iosb.Status)).toEqual([STATUS_PENDING, STATUS_CANCELLED, STATUS_CANCELLED]);
    d.m.run();
    expect(reads[0]!.iosb.Status).toBe(STATUS_SUCCESS);
    expect(d.st.starts.map((s) => s.id)).toEqual([0]);
    expect(d.dev.CurrentIrp).toBeNull();
    expect(d.dev.DeviceQueue.Busy).toBe(false);
  });

  it("an IRP cancelled before IoStartPacket: queued behind a busy device, its CancelFunction runs at once; on an idle device, StartIo gets it and must check Irp->Cancel", () => {
    const d = serialDriver({ flavor });
    /** A read IRP built in kernel code and cancelled (no cancel routine yet, so only Irp->Cancel is set) before it is sent. */
    const sendCancelled = (id: number) =>
      d.m.runInKernel(() => {
        const irp = IoAllocateIrp(d.dev.StackSize, false)!;
        const sl = IoGetNextIrpStackLocation(irp);
        sl.MajorFunction = IRP_MJ_READ;
        sl.Parameters.Read.ByteOffset = id;
        irp.Cancel = true;
        return { irp, status: IoCallDriver(d.dev, irp) };
      });
    const busy = read(d, 0);
    const a = sendCancelled(1);
    expect(a.status).toBe(STATUS_PENDING);
    expect(a.irp.IoStatus.Status).toBe(STATUS_CANCELLED);
    // IoStartPacket called the routine itself, with the cancel spin lock it had taken at DISPATCH_LEVEL.
    expect(d.st.cancels).toEqual([{ id: 1, irql: DISPATCH_LEVEL, cancelIrql: DISPATCH_LEVEL, current: false, removed: true }]);
    expect(queued(d.dev)).toEqual([]);
    d.m.run();
    expect(busy.iosb.Status).toBe(STATUS_SUCCESS);

    const b = sendCancelled(2);
    expect(d.st.starts.at(-1)).toEqual({ id: 2, irql: DISPATCH_LEVEL, current: true, cancelable: true });
    expect(b.irp.IoStatus.Status).toBe(STATUS_CANCELLED);
    expect(d.st.cancels).toHaveLength(1);
    expect(d.dev.CurrentIrp).toBeNull();
    expect(d.dev.DeviceQueue.Busy).toBe(false);
  });

  it("IoSetStartIoAttributes(NonCancelable): the IRP made current has lost its cancel routine before StartIo runs", () => {
    const d = serialDriver({ flavor, nonCancelable: true });
    [0, 1].map((id) => read(d, id));
    d.m.run();
    expect(d.st.starts.map((s) => [s.id, s.cancelable])).toEqual([[0, false], [1, false]]);
  });

  for (const deferred of [false, true]) {
    it(`5000 requests finished synchronously inside StartIo do not overflow the stack (${deferred ? "DeferredStartIo" : "default attributes"})`, () => {
      const d = serialDriver({ flavor, deferred });
      const first = read(d, 0); // keeps the device busy while the others queue
      d.st.sync = true;
      const reads = [first];
      for (let id = 1; id < 5000; id++) reads.push(read(d, id));
      expect(d.dev.DeviceQueue.Busy).toBe(true);
      d.m.run();
      expect(d.m.stopped).toBe(false);
      expect(reads.every((r) => r.iosb.Status === STATUS_SUCCESS)).toBe(true);
      expect(d.st.starts.map((s) => s.id)).toEqual(reads.map((r) => r.id));
      // The DPC finishing request 0 started all the others before completing it.
      expect(reads[0]!.order()).toBe(5000);
      // Deferred, each finishes before the next starts; nested, the deeper ones finish first.
      if (deferred) expect(reads.slice(1).map((r) => r.order())).toEqual(reads.slice(1).map((r) => r.id));
      expect(d.st.maxDepth).toBe(deferred ? 1 : MAX_NESTED_START_IO);
      expect(d.dev.CurrentIrp).toBeNull();
      expect(d.dev.DeviceQueue.Busy).toBe(false);
    });
  }

  it("without DeferredStartIo the next StartIo runs inside IoStartNextPacket, before the caller completes its IRP; with it, after StartIo returns", () => {
    const run = (deferred: boolean) => {
      const d = serialDriver({ flavor, deferred });
      read(d, 0);
      d.st.sync = true;
      read(d, 1);
      read(d, 2);
      d.m.run();
      return d.st.events.slice(2);
    };
    // The DPC for request 0 starts 1; 1 and 2 are finished inside StartIo.
    expect(run(false)).toEqual(["start 1", "start 2", "complete 2", "return 2", "complete 1", "return 1", "complete 0"]);
    expect(run(true)).toEqual(["start 1", "complete 1", "return 1", "start 2", "complete 2", "return 2", "complete 0"]);
  });

  it("IoStartPacket for a driver without a StartIo routine is a fault at address 0 (0xD1) blaming that driver", () => {
    const d = serialDriver({ flavor });
    d.dev.DriverObject.DriverStartIo = null;
    const data = expectBugCheck(d.m, DRIVER_IRQL_NOT_LESS_OR_EQUAL, () => read(d, 0));
    expect([data.BugCheckParameter1, data.BugCheckParameter2, data.BugCheckParameter3]).toEqual([0, DISPATCH_LEVEL, 8]);
    expect(data.driver).toBe("Serial.sys");
    expect(data.explanation).toContain("no StartIo routine");
  });
});
