/**
 * Dispatch routines that wait (generators), as a driver author porting WDK samples writes
 * them: the toaster function driver's "forward and wait" pattern under a C-style filter,
 * routines that finish without waiting, and where the rest of a routine that waited runs.
 */
import { describe, expect, it } from "vitest";
import {
  APC_LEVEL, boot, CTL_CODE, DO_BUFFERED_IO, DO_DEVICE_INITIALIZING, Executive, FILE_ANY_ACCESS, FILE_DEVICE_UNKNOWN, IO_STATUS_BLOCK, IoAllocateIrp, IoBuildDeviceIoControlRequest,
  IoAttachDeviceToDeviceStack, IoCallDriver, IoCompleteRequest, IoCopyCurrentIrpStackLocationToNext, IoCreateDevice, IoCreateSymbolicLink,
  IoGetCurrentIrpStackLocation, IoGetCurrentProcess, IoGetNextIrpStackLocation, IoMarkIrpPending, IoSetCompletionRoutine,
  IoReleaseCancelSpinLock, IoSetCancelRoutine, IoSkipCurrentIrpStackLocation, IO_NO_INCREMENT, IRP_MJ_CLEANUP, IRP_MJ_CLOSE, IRP_MJ_CREATE, IRP_MJ_DEVICE_CONTROL, IRP_MJ_READ,
  KDPC, KeDelayExecutionThread, KeEnterCriticalRegion, KeGetCurrentIrql, KeInitializeDpc, KeInitializeEvent, KeInitializeTimer,
  KeLeaveCriticalRegion, KeLowerIrql, KeRaiseIrql, KernelMode, KMUTEX, KeInitializeMutex, KeReleaseMutex, KeSetEvent, KeSetTimer, KeWaitForSingleObject, KEVENT, KTIMER,
  MachineDeadlock, METHOD_BUFFERED, METHOD_NEITHER, NotificationEvent, NtCancelIoFile, NtCancelIoFileEx, NtCreateEvent, NtCreateThreadEx, NtDeviceIoControlFile, NtReadFile, NtWaitForSingleObject, Out,
  PASSIVE_LEVEL, PsCreateSystemThread, PsGetCurrentThread, ReadBytes, STATUS_CANCELLED, STATUS_MORE_PROCESSING_REQUIRED, STATUS_PENDING, STATUS_SUCCESS, STATUS_WAIT_0,
  WriteBytes, type DEVICE_OBJECT, type DRIVER_CANCEL, type DRIVER_DISPATCH, type Flavor, type IRP, type KIRQL, type KTHREAD, type Machine,
  type NTSTATUS, type EPROCESS,
} from "../src/index.js";
import { client, complete, open, tinyDriver, userAlloc, type Client } from "./helpers.js";

const IOCTL_TOAST = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS);
const IOCTL_NEITHER = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x802, METHOD_NEITHER, FILE_ANY_ACCESS);
const ms = (n: number) => -n * 10_000;
const FLAVORS: Flavor[] = ["checked", "free"];

/** What the three drivers of the toaster stack saw. */
interface ToasterLog {
  /** Events in order, with machine time. */
  events: string[];
  /** Irp->PendingReturned as each call of the filter's completion routine saw it. */
  filterPendingReturned: boolean[];
  /** Who the function driver's dispatch routine ran as after its wait. */
  resumedAs: { thread: KTHREAD | null; process: EPROCESS; irql: KIRQL }[];
}

/**
 * The toaster sample's shape, bottom up:
 *  - the bus driver (the PDO's driver): pends every read and IOCTL and completes it from a
 *    timer DPC `delayMs` later, adding one to each byte of the buffer (a read gets 1, 2, 3...);
 *  - the function driver: forwards the request with a completion routine that sets a KEVENT
 *    and returns STATUS_MORE_PROCESSING_REQUIRED, waits on the event, doubles each byte and
 *    completes the IRP itself (ToasterSendIrpSynchronously / ToasterDispatchPnp);
 *  - an upper filter written as C: IoCopyCurrentIrpStackLocationToNext, a completion routine
 *    doing `if (Irp->PendingReturned) IoMarkIrpPending(Irp)`, `return IoCallDriver(...)`.
 * The client opens `\??\Toaster` (the bus device's name); the I/O manager sends to the top.
 * With `delayMs` 0 the bus driver completes in its dispatch routine instead.
 */
function loadToasterStack(m: Machine, delayMs = 5): ToasterLog {
  const log: ToasterLog = { events: [], filterPendingReturned: [], resumedAs: [] };
  const at = (what: string) => log.events.push(`${what}@${m.now}`);

  // The bus driver.
  let bus: DEVICE_OBJECT | null = null;
  const pending: IRP[] = [];
  const timer = new KTIMER();
  const dpc = new KDPC();
  const busCancel: DRIVER_CANCEL = (_d, Irp) => {
    IoReleaseCancelSpinLock(Irp.CancelIrql);
    pending.splice(pending.indexOf(Irp), 1);
    at("bus cancels");
    complete(Irp, STATUS_CANCELLED);
  };
  const busFinish = (Irp: IRP): NTSTATUS => {
    const sl = IoGetCurrentIrpStackLocation(Irp);
    const sb = Irp.AssociatedIrp.SystemBuffer;
    let n: number;
    if (sl.MajorFunction === IRP_MJ_READ) {
      n = sl.Parameters.Read.Length;
      WriteBytes(sb, Array.from({ length: n }, (_, i) => i + 1));
    } else {
      n = Math.min(sl.Parameters.DeviceIoControl.InputBufferLength, sl.Parameters.DeviceIoControl.OutputBufferLength);
      WriteBytes(sb, ReadBytes(sb, n).map((b) => b + 1));
    }
    at("bus completes");
    return complete(Irp, STATUS_SUCCESS, n);
  };
  const busIo: DRIVER_DISPATCH = (_d, Irp) => {
    // With no delay, the bus driver completes in its dispatch routine: nothing pends.
    if (delayMs === 0) return busFinish(Irp);
    IoMarkIrpPending(Irp);
    IoSetCancelRoutine(Irp, busCancel);
    pending.push(Irp);
    KeSetTimer(timer, ms(delayMs), dpc);
    at("bus pends");
    return STATUS_PENDING;
  };
  expect(m.loadDriver("toastbus", (DriverObject) => {
    const dev = Out<DEVICE_OBJECT | null>(null);
    const st = IoCreateDevice(DriverObject, 0, "\\Device\\ToastBus", FILE_DEVICE_UNKNOWN, 0, false, dev);
    if (st < 0) return st;
    bus = dev.value!;
    bus.Flags |= DO_BUFFERED_IO;
    IoCreateSymbolicLink("\\DosDevices\\Toaster", "\\Device\\ToastBus");
    KeInitializeTimer(timer);
    KeInitializeDpc(dpc, () => {
      for (const Irp of pending.splice(0)) {
        IoSetCancelRoutine(Irp, null);
        busFinish(Irp);
      }
    }, null);
    for (const mj of [IRP_MJ_CREATE, IRP_MJ_CLEANUP, IRP_MJ_CLOSE]) DriverObject.MajorFunction[mj] = (_d, Irp) => complete(Irp, STATUS_SUCCESS);
    DriverObject.MajorFunction[IRP_MJ_READ] = busIo;
    DriverObject.MajorFunction[IRP_MJ_DEVICE_CONTROL] = busIo;
    return STATUS_SUCCESS;
  })).toBe(STATUS_SUCCESS);

  // The function driver: its AddDevice attaches to the bus device, as the PnP manager calls it.
  const fdoLower = { device: null as DEVICE_OBJECT | null };
  const passDown: DRIVER_DISPATCH = (_d, Irp) => {
    IoSkipCurrentIrpStackLocation(Irp);
    return IoCallDriver(fdoLower.device!, Irp);
  };
  const SendIrpSynchronously = function* (Irp: IRP) {
    const event = new KEVENT();
    KeInitializeEvent(event, NotificationEvent, false);
    IoCopyCurrentIrpStackLocationToNext(Irp);
    IoSetCompletionRoutine(Irp, (_d, _irp, Context: KEVENT) => {
      // Always MORE_PROCESSING_REQUIRED: the dispatch routine takes the IRP back.
      KeSetEvent(Context, IO_NO_INCREMENT, false);
      return STATUS_MORE_PROCESSING_REQUIRED;
    }, event, true, true, true);
    let status = IoCallDriver(fdoLower.device!, Irp);
    if (status === STATUS_PENDING) {
      at("function driver waits");
      yield* KeWaitForSingleObject(event, Executive, KernelMode, false, null);
      status = Irp.IoStatus.Status;
    }
    return status;
  };
  const fdoIo: DRIVER_DISPATCH = function* (_d, Irp) {
    const status = yield* SendIrpSynchronously(Irp);
    log.resumedAs.push({ thread: PsGetCurrentThread(), process: IoGetCurrentProcess(), irql: KeGetCurrentIrql() });
    at("function driver resumes");
    const sb = Irp.AssociatedIrp.SystemBuffer;
    const n = Irp.IoStatus.Information;
    WriteBytes(sb, ReadBytes(sb, n).map((b) => b * 2));
    Irp.IoStatus.Status = status;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
  };
  expect(m.loadDriver("toaster", (DriverObject) => {
    for (const mj of [IRP_MJ_CREATE, IRP_MJ_CLEANUP, IRP_MJ_CLOSE]) DriverObject.MajorFunction[mj] = passDown;
    DriverObject.MajorFunction[IRP_MJ_READ] = fdoIo;
    DriverObject.MajorFunction[IRP_MJ_DEVICE_CONTROL] = fdoIo;
    DriverObject.DriverExtension.AddDevice = (Driver, Pdo) => {
      const dev = Out<DEVICE_OBJECT | null>(null);
      const st = IoCreateDevice(Driver, 0, null, FILE_DEVICE_UNKNOWN, 0, false, dev);
      if (st < 0) return st;
      fdoLower.device = IoAttachDeviceToDeviceStack(dev.value!, Pdo);
      dev.value!.Flags |= fdoLower.device!.Flags & DO_BUFFERED_IO;
      dev.value!.Flags &= ~DO_DEVICE_INITIALIZING;
      return STATUS_SUCCESS;
    };
    return STATUS_SUCCESS;
  })).toBe(STATUS_SUCCESS);
  const toaster = m.driver("toaster")!;
  expect(m.callDriverRoutine(toaster, "AddDevice", () => toaster.DriverExtension.AddDevice!(toaster, bus!))).toBe(STATUS_SUCCESS);

  // The upper filter, C style.
  let filterLower: DEVICE_OBJECT | null = null;
  const filterIo: DRIVER_DISPATCH = (_d, Irp) => {
    IoCopyCurrentIrpStackLocationToNext(Irp);
    IoSetCompletionRoutine(Irp, (_dev, irp) => {
      log.filterPendingReturned.push(irp.PendingReturned);
      if (irp.PendingReturned) IoMarkIrpPending(irp);
      return STATUS_SUCCESS;
    }, null, true, true, true);
    const status = IoCallDriver(filterLower!, Irp);
    at(`filter returns ${status === STATUS_PENDING ? "STATUS_PENDING" : status}`);
    return status;
  };
  expect(m.loadDriver("toastfilter", (DriverObject) => {
    const dev = Out<DEVICE_OBJECT | null>(null);
    const st = IoCreateDevice(DriverObject, 0, null, FILE_DEVICE_UNKNOWN, 0, false, dev);
    if (st < 0) return st;
    filterLower = IoAttachDeviceToDeviceStack(dev.value!, bus!);
    dev.value!.Flags |= filterLower!.Flags & DO_BUFFERED_IO;
    for (const mj of [IRP_MJ_CREATE, IRP_MJ_CLEANUP, IRP_MJ_CLOSE]) {
      DriverObject.MajorFunction[mj] = (_d, Irp) => {
        IoSkipCurrentIrpStackLocation(Irp);
        return IoCallDriver(filterLower!, Irp);
      };
    }
    DriverObject.MajorFunction[IRP_MJ_READ] = filterIo;
    DriverObject.MajorFunction[IRP_MJ_DEVICE_CONTROL] = filterIo;
    return STATUS_SUCCESS;
  })).toBe(STATUS_SUCCESS);
  return log;
}

/** A client with the toaster open, an input and an output buffer in its process. */
function toasterClient(m: Machine, options?: number) {
  const c = client(m);
  const { status, handle } = open(m, c, "\\??\\Toaster", undefined, options);
  expect(status).toBe(STATUS_SUCCESS);
  const input = userAlloc(m, c);
  const output = userAlloc(m, c);
  m.syscall(c.thread, () => WriteBytes(input, [1, 2, 3, 4]));
  const read = (n: number) => [...m.syscall(c.thread, () => ReadBytes(output, n))];
  return { c, handle, input, output, read };
}

describe.each(FLAVORS)("the toaster pattern: a function driver forwards, waits and completes, under a C-style filter (%s)", (flavor) => {
  it("a synchronous DeviceIoControl returns the final status and data once the bus driver's DPC completes", () => {
    const m = boot({ flavor, seed: 3 });
    const log = loadToasterStack(m);
    const { c, handle, input, output, read } = toasterClient(m);
    const iosb = new IO_STATUS_BLOCK();
    const st = m.syscall(c.thread, () => NtDeviceIoControlFile(handle, 0, null, null, iosb, IOCTL_TOAST, input, 4, output, 4));
    expect(st).toBe(STATUS_SUCCESS);
    expect([iosb.Status, iosb.Information]).toEqual([STATUS_SUCCESS, 4]);
    expect(read(4)).toEqual([4, 6, 8, 10]);
    expect(m.now).toBe(5);
    expect(log.events).toEqual([
      "bus pends@0",
      "function driver waits@0",
      "filter returns STATUS_PENDING@0",
      "bus completes@5",
      "function driver resumes@5",
    ]);
    expect(log.filterPendingReturned).toEqual([true]);
    expect(m.stopped).toBe(false);
  });

  it("a synchronous ReadFile through the same stack", () => {
    const m = boot({ flavor, seed: 4 });
    const log = loadToasterStack(m, 7);
    const { c, handle, output, read } = toasterClient(m);
    const iosb = new IO_STATUS_BLOCK();
    const st = m.syscall(c.thread, () => NtReadFile(handle, 0, null, null, iosb, output, 5, null, 0));
    expect(st).toBe(STATUS_SUCCESS);
    expect(iosb.Information).toBe(5);
    expect(read(5)).toEqual([2, 4, 6, 8, 10]);
    expect(m.now).toBe(7);
    expect(log.filterPendingReturned).toEqual([true]);
  });

  it("an overlapped DeviceIoControl gets STATUS_PENDING from the filter, and returns to its caller only once the function driver's routine (which ran in the caller's thread) has returned", () => {
    const m = boot({ flavor, seed: 5 });
    const log = loadToasterStack(m);
    const { c, handle, input, output, read } = toasterClient(m, 0);
    const ev = Out(0);
    expect(m.syscall(c.thread, () => NtCreateEvent(ev, 0, null, NotificationEvent, false))).toBe(STATUS_SUCCESS);
    const iosb = new IO_STATUS_BLOCK();
    const st = m.syscall(c.thread, () => NtDeviceIoControlFile(handle, ev.value, null, null, iosb, IOCTL_TOAST, input, 4, output, 4));
    // What IoCallDriver answered the I/O manager; but the thread was inside the function
    // driver's routine until it returned, at 5 ms, having completed the request.
    expect(st).toBe(STATUS_PENDING);
    expect(m.now).toBe(5);
    expect(log.events).toEqual(["bus pends@0", "function driver waits@0", "filter returns STATUS_PENDING@0", "bus completes@5", "function driver resumes@5"]);
    expect(m.syscall(c.thread, () => NtWaitForSingleObject(ev.value, false, 0))).toBe(STATUS_WAIT_0);
    expect([iosb.Status, iosb.Information]).toEqual([STATUS_SUCCESS, 4]);
    expect(read(4)).toEqual([4, 6, 8, 10]);
    expect(m.now).toBe(5);
    expect(log.filterPendingReturned).toEqual([true]);
    expect(m.stopped).toBe(false);
  });

  it("a request cancelled while the function driver waits: the bus driver's cancel routine completes it, the function driver resumes and completes it STATUS_CANCELLED", () => {
    const m = boot({ flavor, seed: 7 });
    const log = loadToasterStack(m);
    const { c, handle, input, output } = toasterClient(m, 0);
    const ev = Out(0);
    m.syscall(c.thread, () => NtCreateEvent(ev, 0, null, NotificationEvent, false));
    const iosb = new IO_STATUS_BLOCK();
    // The calling thread is inside the function driver's routine while it waits: another
    // thread of the process cancels the request (CancelIoEx), as a client would.
    m.syscall(c.thread, () =>
      NtCreateThreadEx(Out(0), 0, null, -1, function* Canceller() {
        NtCancelIoFileEx(handle, null, new IO_STATUS_BLOCK());
        return 0;
      }, null, 0, 0, 0, 0, null),
    );
    expect(m.syscall(c.thread, () => NtDeviceIoControlFile(handle, ev.value, null, null, iosb, IOCTL_TOAST, input, 4, output, 4))).toBe(STATUS_PENDING);
    expect(m.syscall(c.thread, () => NtWaitForSingleObject(ev.value, false, null))).toBe(STATUS_WAIT_0);
    expect(iosb.Status).toBe(STATUS_CANCELLED);
    expect(m.now).toBe(0);
    expect(log.events).toEqual(["bus pends@0", "function driver waits@0", "filter returns STATUS_PENDING@0", "bus cancels@0", "function driver resumes@0"]);
    expect(log.filterPendingReturned).toEqual([true]);
    m.run();
    expect(m.stopped).toBe(false);
  });

  it("when the bus driver completes at once, nothing pends: the function driver does not wait and every caller gets the status back synchronously", () => {
    for (const options of [undefined, 0]) {
      const m = boot({ flavor, seed: 9 });
      const log = loadToasterStack(m, 0);
      const { c, handle, input, output, read } = toasterClient(m, options);
      const iosb = new IO_STATUS_BLOCK();
      expect(m.syscall(c.thread, () => NtDeviceIoControlFile(handle, 0, null, null, iosb, IOCTL_TOAST, input, 4, output, 4))).toBe(STATUS_SUCCESS);
      expect([iosb.Status, iosb.Information]).toEqual([STATUS_SUCCESS, 4]);
      expect(read(4)).toEqual([4, 6, 8, 10]);
      expect(log.events).toEqual(["bus completes@0", "function driver resumes@0", `filter returns ${STATUS_SUCCESS}@0`]);
      expect(log.filterPendingReturned).toEqual([false]);
      expect(m.stopped).toBe(false);
    }
  });

  it("the client's process ends while the function driver waits: its request is cancelled down the stack and the machine goes on", () => {
    const m = boot({ flavor, seed: 10 });
    const log = loadToasterStack(m);
    const { c, handle, input, output } = toasterClient(m, 0);
    const iosb = new IO_STATUS_BLOCK();
    // Another thread of the process ends it (ExitProcess) while the main thread is inside
    // the function driver's routine.
    m.syscall(c.thread, () =>
      NtCreateThreadEx(Out(0), 0, null, -1, function* Exiter() {
        m.terminateProcess(c.process, 0);
        return 0;
      }, null, 0, 0, 0, 0, null),
    );
    expect(m.syscall(c.thread, () => NtDeviceIoControlFile(handle, 0, null, null, iosb, IOCTL_TOAST, input, 4, output, 4))).toBe(STATUS_PENDING);
    m.run();
    expect(log.events).toEqual(["bus pends@0", "function driver waits@0", "filter returns STATUS_PENDING@0", "bus cancels@0", "function driver resumes@0"]);
    expect(c.process.handles.lookup(handle)).toBeUndefined();
    expect(m.stopped).toBe(false);
  });

  it("two overlapped requests in flight from one thread each finish with their own data", () => {
    const m = boot({ flavor, seed: 6 });
    loadToasterStack(m);
    const { c, handle, input } = toasterClient(m, 0);
    const out2 = userAlloc(m, c);
    m.syscall(c.thread, () => WriteBytes(input + 8, [10, 20]));
    const ev = [Out(0), Out(0)];
    for (const e of ev) m.syscall(c.thread, () => NtCreateEvent(e, 0, null, NotificationEvent, false));
    const iosb = [new IO_STATUS_BLOCK(), new IO_STATUS_BLOCK()];
    const output = userAlloc(m, c);
    expect(m.syscall(c.thread, () => NtDeviceIoControlFile(handle, ev[0]!.value, null, null, iosb[0]!, IOCTL_TOAST, input, 4, output, 4))).toBe(STATUS_PENDING);
    expect(m.syscall(c.thread, () => NtDeviceIoControlFile(handle, ev[1]!.value, null, null, iosb[1]!, IOCTL_TOAST, input + 8, 2, out2, 2))).toBe(STATUS_PENDING);
    m.syscall(c.thread, () => NtWaitForSingleObject(ev[1]!.value, false, null));
    m.syscall(c.thread, () => NtWaitForSingleObject(ev[0]!.value, false, null));
    expect(iosb.map((s) => [s.Status, s.Information])).toEqual([[STATUS_SUCCESS, 4], [STATUS_SUCCESS, 2]]);
    expect([...m.syscall(c.thread, () => ReadBytes(output, 4))]).toEqual([4, 6, 8, 10]);
    expect([...m.syscall(c.thread, () => ReadBytes(out2, 2))]).toEqual([22, 42]);
  });
});

describe("the rest of a dispatch routine that waited runs as the thread that called it", () => {
  it("after the wait: the client's thread, the client's process, PASSIVE_LEVEL (synchronous and overlapped)", () => {
    for (const options of [undefined, 0]) {
      const m = boot({ seed: 8 });
      const log = loadToasterStack(m);
      const { c, handle, input, output } = toasterClient(m, options);
      const ev = Out(0);
      m.syscall(c.thread, () => NtCreateEvent(ev, 0, null, NotificationEvent, false));
      m.syscall(c.thread, () => NtDeviceIoControlFile(handle, options === 0 ? ev.value : 0, null, null, new IO_STATUS_BLOCK(), IOCTL_TOAST, input, 4, output, 4));
      if (options === 0) m.run();
      expect(log.resumedAs).toHaveLength(1);
      expect(log.resumedAs[0]!.thread).toBe(c.thread);
      expect(log.resumedAs[0]!.process).toBe(c.process);
      expect(log.resumedAs[0]!.irql).toBe(PASSIVE_LEVEL);
    }
  });

  it("after the wait it reaches the caller's user buffers (METHOD_NEITHER), even with two processes' requests in flight at the same addresses", () => {
    for (const flavor of FLAVORS) {
      // Wait first, then read the input and write the output straight in user memory:
      // only right if the routine resumed in the requester's address space.
      const { m, c: a, h: ha } = bootNeither(flavor);
      const b = client(m, "other.exe");
      const hb = open(m, b, "\\??\\Neither", undefined, 0).handle;
      const bufA = userAlloc(m, a);
      const bufB = userAlloc(m, b);
      expect(bufB).toBe(bufA);
      m.syscall(a.thread, () => WriteBytes(bufA, [0xa0]));
      m.syscall(b.thread, () => WriteBytes(bufB, [0xb0]));
      const ia = new IO_STATUS_BLOCK();
      const ib = new IO_STATUS_BLOCK();
      // A waits 10 ms, B 5 ms: B's routine resumes first, while A's still waits. B's request
      // comes from a thread of its own, so both are in flight at once.
      m.syscall(b.thread, () =>
        NtCreateThreadEx(Out(0), 0, null, -1, function* () {
          expect(NtDeviceIoControlFile(hb, 0, null, null, ib, IOCTL_NEITHER, bufB, 1, bufB + 1, 1)).toBe(STATUS_PENDING);
          return 0;
        }, null, 0, 0, 0, 0, null),
      );
      expect(m.syscall(a.thread, () => NtDeviceIoControlFile(ha, 0, null, null, ia, IOCTL_NEITHER, bufA, 1, bufA + 1, 1))).toBe(STATUS_PENDING);
      m.run();
      expect([ia.Status, ia.Information, ib.Status, ib.Information]).toEqual([STATUS_SUCCESS, 1, STATUS_SUCCESS, 1]);
      expect([...m.syscall(a.thread, () => ReadBytes(bufA, 2))]).toEqual([0xa0, 0xa1]);
      expect([...m.syscall(b.thread, () => ReadBytes(bufB, 2))]).toEqual([0xb0, 0xb1]);
      expect(m.now).toBe(10);
    }
  });

  it("a routine that waits at APC_LEVEL resumes at APC_LEVEL; its caller goes on at the IRQL it called at", () => {
    for (const flavor of FLAVORS) {
      const seen: string[] = [];
      const { m, c, h } = bootWithDispatch(flavor, function* (_d, Irp) {
        const old = Out<KIRQL>(0);
        KeRaiseIrql(APC_LEVEL, old);
        yield* KeDelayExecutionThread(KernelMode, false, ms(3));
        seen.push(`resumed at ${KeGetCurrentIrql()}`);
        KeLowerIrql(old.value);
        return complete(Irp, STATUS_SUCCESS);
      });
      const st = m.syscall(c.thread, () => {
        const s = NtDeviceIoControlFile(h, 0, null, null, new IO_STATUS_BLOCK(), IOCTL_TOAST, 0, 0, 0, 0);
        seen.push(`service returned at ${KeGetCurrentIrql()}`);
        return s;
      });
      expect(st).toBe(STATUS_SUCCESS);
      expect(seen).toEqual([`service returned at ${PASSIVE_LEVEL}`, `resumed at ${APC_LEVEL}`]);
      expect(m.stopped).toBe(false);
    }
  });

  it("a routine that waits inside a critical region resumes at PASSIVE_LEVEL and leaves it", () => {
    for (const flavor of FLAVORS) {
      const seen: string[] = [];
      const { m, c, h } = bootWithDispatch(flavor, function* (_d, Irp) {
        KeEnterCriticalRegion();
        yield* KeDelayExecutionThread(KernelMode, false, ms(2));
        seen.push(`resumed at ${KeGetCurrentIrql()} as ${PsGetCurrentThread() === c.thread ? "the caller" : "another thread"}`);
        KeLeaveCriticalRegion();
        return complete(Irp, STATUS_SUCCESS);
      });
      expect(m.syscall(c.thread, () => NtDeviceIoControlFile(h, 0, null, null, new IO_STATUS_BLOCK(), IOCTL_TOAST, 0, 0, 0, 0))).toBe(STATUS_SUCCESS);
      expect(seen).toEqual([`resumed at ${PASSIVE_LEVEL} as the caller`]);
      expect(m.stopped).toBe(false);
    }
  });
});

describe("a dispatch routine written as a generator that does not wait", () => {
  for (const flavor of FLAVORS) {
    it(`returns its status synchronously, with no pending mark, whether it never waits or its wait is already satisfied (${flavor})`, () => {
      const m = boot({ flavor });
      const signalled = new KEVENT();
      const routines: Record<string, DRIVER_DISPATCH> = {
        "no wait": function* (_d, Irp) {
          return complete(Irp, STATUS_SUCCESS, 1);
        },
        "signalled event": function* (_d, Irp) {
          const st = yield* KeWaitForSingleObject(signalled, Executive, KernelMode, false, null);
          return complete(Irp, STATUS_SUCCESS, st === STATUS_WAIT_0 ? 2 : 99);
        },
        "zero timeout": function* (_d, Irp) {
          const st = yield* KeWaitForSingleObject(new KEVENT(), Executive, KernelMode, false, 0);
          return complete(Irp, STATUS_SUCCESS, st === 0x102 ? 3 : 99);
        },
      };
      let which = "";
      const drv = tinyDriver({ name: "Gen", dispatch: { [IRP_MJ_DEVICE_CONTROL]: (d, Irp) => routines[which]!(d, Irp) } });
      expect(m.loadDriver("gen", drv.DriverEntry)).toBe(STATUS_SUCCESS);
      m.runInKernel(() => KeInitializeEvent(signalled, NotificationEvent, true));
      for (const [name, info] of [["no wait", 1], ["signalled event", 2], ["zero timeout", 3]] as const) {
        // From kernel code: IoCallDriver returns the status; the completion routine sees no PendingReturned.
        const r = m.runInKernel(() => {
          const irp = IoAllocateIrp(drv.device!.StackSize, false)!;
          const sl = IoGetNextIrpStackLocation(irp);
          sl.MajorFunction = IRP_MJ_DEVICE_CONTROL;
          which = name;
          let pendingReturned: boolean | null = null;
          let information = -1;
          IoSetCompletionRoutine(irp, (_d, i) => {
            pendingReturned = i.PendingReturned;
            information = i.IoStatus.Information;
            return STATUS_MORE_PROCESSING_REQUIRED;
          }, null, true, true, true);
          const status = IoCallDriver(drv.device!, irp);
          return { status, pendingReturned, information };
        });
        expect(r, name).toEqual({ status: STATUS_SUCCESS, pendingReturned: false, information: info });
      }
      expect(m.now).toBe(0);
      expect(m.stopped).toBe(false);
    });

    it(`an overlapped request to it returns the final status, not STATUS_PENDING (${flavor})`, () => {
      const { m, c, h } = bootWithDispatch(flavor, function* (_d, Irp) {
        return complete(Irp, STATUS_SUCCESS, 0);
      }, 0);
      const iosb = new IO_STATUS_BLOCK();
      expect(m.syscall(c.thread, () => NtDeviceIoControlFile(h, 0, null, null, iosb, IOCTL_TOAST, 0, 0, 0, 0))).toBe(STATUS_SUCCESS);
      expect(iosb.Status).toBe(STATUS_SUCCESS);
    });

    it(`one that completes the IRP and then waits gives IoCallDriver's caller the status at once; its thread goes back to user mode when the routine returns (${flavor})`, () => {
      const log: string[] = [];
      const { m, c, h } = bootWithDispatch(flavor, function* (_d, Irp) {
        complete(Irp, STATUS_SUCCESS, 0);
        yield* KeDelayExecutionThread(KernelMode, false, ms(4));
        log.push(`after@${m.now}`);
        return STATUS_SUCCESS;
      }, 0);
      const iosb = new IO_STATUS_BLOCK();
      let seenByIoManager = 0;
      expect(m.syscall(c.thread, () => (seenByIoManager = NtDeviceIoControlFile(h, 0, null, null, iosb, IOCTL_TOAST, 0, 0, 0, 0)))).toBe(STATUS_SUCCESS);
      expect(seenByIoManager).toBe(STATUS_SUCCESS);
      expect(iosb.Status).toBe(STATUS_SUCCESS);
      expect(log).toEqual(["after@4"]);
      expect(m.stopped).toBe(false);
    });
  }
});

/** Boot with one tiny driver whose IRP_MJ_DEVICE_CONTROL is `dispatch`, open from a client. */
function bootWithDispatch(flavor: Flavor, dispatch: DRIVER_DISPATCH, options?: number) {
  const m = boot({ flavor, seed: 2 });
  const drv = tinyDriver({ name: "Waiter", dispatch: { [IRP_MJ_DEVICE_CONTROL]: dispatch } });
  expect(m.loadDriver("waiter", drv.DriverEntry)).toBe(STATUS_SUCCESS);
  const c = client(m);
  const { status, handle } = open(m, c, "\\??\\Waiter", undefined, options);
  expect(status).toBe(STATUS_SUCCESS);
  return { m, c, h: handle, drv };
}

/**
 * A METHOD_NEITHER driver whose routine first waits (10 ms for app.exe, 5 ms for anyone
 * else), then reads the input byte at Type3InputBuffer and writes it plus one at UserBuffer.
 */
function bootNeither(flavor: Flavor): { m: Machine; c: Client; h: number } {
  const m = boot({ flavor, seed: 11 });
  const drv = tinyDriver({
    name: "Neither",
    dispatch: {
      [IRP_MJ_DEVICE_CONTROL]: function* (_d, Irp): Generator<any, NTSTATUS, NTSTATUS> {
        const wait = IoGetCurrentProcess().ImageFileName === "app.exe" ? 10 : 5;
        yield* KeDelayExecutionThread(KernelMode, false, ms(wait));
        const sl = IoGetCurrentIrpStackLocation(Irp);
        const b = ReadBytes(sl.Parameters.DeviceIoControl.Type3InputBuffer as number, 1)[0]!;
        WriteBytes(Irp.UserBuffer, [b + 1]);
        return complete(Irp, STATUS_SUCCESS, 1);
      },
    },
  });
  expect(m.loadDriver("neither", drv.DriverEntry)).toBe(STATUS_SUCCESS);
  const c = client(m);
  const { status, handle } = open(m, c, "\\??\\Neither", undefined, 0);
  expect(status).toBe(STATUS_SUCCESS);
  return { m, c, h: handle };
}

describe("kernel callers of a dispatch routine that waits", () => {
  /** IOCTL_TOAST waits 4 ms, then completes with Information 7; records the thread it resumed as. */
  function sleepyDriver(flavor: Flavor) {
    const m = boot({ flavor, seed: 5 });
    const resumedAs: (KTHREAD | null)[] = [];
    const drv = tinyDriver({
      name: "Sleepy",
      dispatch: {
        [IRP_MJ_DEVICE_CONTROL]: function* (_d, Irp) {
          yield* KeDelayExecutionThread(KernelMode, false, ms(4));
          resumedAs.push(PsGetCurrentThread());
          return complete(Irp, STATUS_SUCCESS, 7);
        },
      },
    });
    expect(m.loadDriver("sleepy", drv.DriverEntry)).toBe(STATUS_SUCCESS);
    return { m, dev: drv.device!, resumedAs };
  }

  it.each(FLAVORS)("a system thread's IoBuildDeviceIoControlRequest sees STATUS_PENDING, then its event and status block (%s)", (flavor) => {
    const { m, dev, resumedAs } = sleepyDriver(flavor);
    const log: string[] = [];
    let me: KTHREAD | null = null;
    m.runInKernel(() => PsCreateSystemThread(Out(0), 0, null, null, null, function* () {
      me = PsGetCurrentThread();
      const ev = new KEVENT();
      KeInitializeEvent(ev, NotificationEvent, false);
      const iosb = new IO_STATUS_BLOCK();
      const irp = IoBuildDeviceIoControlRequest(IOCTL_TOAST, dev, 0, 0, 0, 0, false, ev, iosb)!;
      const st = IoCallDriver(dev, irp);
      log.push(`IoCallDriver ${st === STATUS_PENDING ? "STATUS_PENDING" : st}@${m.now}`);
      if (st === STATUS_PENDING) yield* KeWaitForSingleObject(ev, Executive, KernelMode, false, null);
      log.push(`done ${iosb.Status} ${iosb.Information}@${m.now}`);
    }, null));
    m.run();
    expect(log).toEqual(["IoCallDriver STATUS_PENDING@0", `done ${STATUS_SUCCESS} 7@4`]);
    // The dispatch routine went on as the thread that called IoCallDriver.
    expect(resumedAs).toEqual([me]);
    expect(m.stopped).toBe(false);
  });

  it.each(FLAVORS)("kernel code with no thread (runInKernel) gets STATUS_PENDING; the routine goes on in a System thread of its own, and the caller's context is unchanged (%s)", (flavor) => {
    const { m, dev, resumedAs } = sleepyDriver(flavor);
    const seen: unknown[] = [];
    const r = m.runInKernel(() => {
      const before = PsGetCurrentThread();
      const irp = IoAllocateIrp(dev.StackSize, false)!;
      IoGetNextIrpStackLocation(irp).MajorFunction = IRP_MJ_DEVICE_CONTROL;
      IoSetCompletionRoutine(irp, (_d, i) => {
        seen.push(`completed ${i.IoStatus.Information}@${m.now}`);
        return STATUS_MORE_PROCESSING_REQUIRED;
      }, null, true, true, true);
      const st = IoCallDriver(dev, irp);
      return { st, same: PsGetCurrentThread() === before, irql: KeGetCurrentIrql() };
    });
    expect(r).toEqual({ st: STATUS_PENDING, same: true, irql: PASSIVE_LEVEL });
    m.run();
    expect(seen).toEqual(["completed 7@4"]);
    expect(resumedAs).toHaveLength(1);
    expect(resumedAs[0]!.process).toBe(m.systemProcess);
  });

  it("a synchronous request whose routine waits on something nobody sets: MachineDeadlock names the routine and the client thread", () => {
    const never = new KEVENT();
    const { m, c, h } = bootWithDispatch("checked", function* (_d, Irp) {
      yield* KeWaitForSingleObject(never, Executive, KernelMode, false, null);
      return complete(Irp, STATUS_SUCCESS);
    });
    m.runInKernel(() => KeInitializeEvent(never, NotificationEvent, false));
    let e: unknown = null;
    try {
      m.syscall(c.thread, () => NtDeviceIoControlFile(h, 0, null, null, new IO_STATUS_BLOCK(), IOCTL_TOAST, 0, 0, 0, 0));
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(MachineDeadlock);
    const report = (e as MachineDeadlock).report;
    expect(report).toMatch(/routine the IRP_MJ_DEVICE_CONTROL routine of \\Driver\\waiter of thread 'main' \(process app\.exe\) waits on KEVENT/);
    expect(report).toMatch(/blocked in a synchronous call 'main' \(process app\.exe\)/);
    expect(m.stopped).toBe(false);
  });
});

describe("a thread is inside the dispatch routines it called until they return", () => {
  it.each(FLAVORS)("two overlapped requests from one thread do not overlap inside a routine that holds a mutex across a wait (%s)", (flavor) => {
    const log: string[] = [];
    const mutex = new KMUTEX();
    let n = 0;
    const { m, c, h } = bootWithDispatch(flavor, function* (_d, Irp) {
      const id = ++n;
      yield* KeWaitForSingleObject(mutex, Executive, KernelMode, false, null);
      log.push(`${id} owns the mutex@${m.now}`);
      yield* KeDelayExecutionThread(KernelMode, false, ms(5));
      log.push(`${id} releases@${m.now}`);
      KeReleaseMutex(mutex, false);
      return complete(Irp, STATUS_SUCCESS, 0);
    }, 0);
    m.runInKernel(() => KeInitializeMutex(mutex, 0));
    const iosb = [new IO_STATUS_BLOCK(), new IO_STATUS_BLOCK()];
    // In C the second call starts only once the first has returned from the driver: one
    // thread cannot be in two places. Were it to, the mutex (owned by that same thread)
    // would let the second in recursively.
    for (const b of iosb) expect(m.syscall(c.thread, () => NtDeviceIoControlFile(h, 0, null, null, b, IOCTL_TOAST, 0, 0, 0, 0))).toBe(STATUS_PENDING);
    m.run();
    expect(log).toEqual(["1 owns the mutex@0", "1 releases@5", "2 owns the mutex@5", "2 releases@10"]);
    expect(iosb.map((b) => b.Status)).toEqual([STATUS_SUCCESS, STATUS_SUCCESS]);
  });

  it("a system thread that takes a mutex its own pended dispatch routine holds gets it only after that routine released it", () => {
    const log: string[] = [];
    const mutex = new KMUTEX();
    const { m, drv } = bootWithDispatch("checked", function* (_d, Irp) {
      yield* KeWaitForSingleObject(mutex, Executive, KernelMode, false, null);
      log.push(`routine owns@${m.now}`);
      yield* KeDelayExecutionThread(KernelMode, false, ms(2));
      KeReleaseMutex(mutex, false);
      log.push(`routine released@${m.now}`);
      return complete(Irp, STATUS_SUCCESS, 0);
    });
    m.runInKernel(() => {
      KeInitializeMutex(mutex, 0);
      PsCreateSystemThread(Out(0), 0, null, null, null, function* Caller() {
        const irp = IoBuildDeviceIoControlRequest(IOCTL_TOAST, drv.device!, 0, 0, 0, 0, false, new KEVENT(), new IO_STATUS_BLOCK())!;
        expect(IoCallDriver(drv.device!, irp)).toBe(STATUS_PENDING);
        // The same thread: were it not held, the mutex would let it in recursively.
        yield* KeWaitForSingleObject(mutex, Executive, KernelMode, false, null);
        log.push(`body owns@${m.now}`);
        KeReleaseMutex(mutex, false);
      }, null);
    });
    m.run();
    expect(log).toEqual(["routine owns@0", "routine released@2", "body owns@2"]);
    expect(m.stopped).toBe(false);
  });

  it("a system thread's body waits at its next wait until a routine it called, which waited, has returned", () => {
    const log: string[] = [];
    const { m, drv } = bootWithDispatch("checked", function* (_d, Irp) {
      yield* KeDelayExecutionThread(KernelMode, false, ms(3));
      log.push(`routine returns@${m.now}`);
      return complete(Irp, STATUS_SUCCESS, 0);
    });
    m.runInKernel(() => {
      PsCreateSystemThread(Out(0), 0, null, null, null, function* Caller() {
        const ev = new KEVENT();
        KeInitializeEvent(ev, NotificationEvent, false);
        const iosb = new IO_STATUS_BLOCK();
        const irp = IoBuildDeviceIoControlRequest(IOCTL_TOAST, drv.device!, 0, 0, 0, 0, false, ev, iosb)!;
        log.push(`IoCallDriver: ${IoCallDriver(drv.device!, irp) === STATUS_PENDING ? "STATUS_PENDING" : "done"}@${m.now}`);
        yield* KeDelayExecutionThread(KernelMode, false, ms(1));
        log.push(`body goes on@${m.now}`);
      }, null);
    });
    m.run();
    expect(log).toEqual(["IoCallDriver: STATUS_PENDING@0", "routine returns@3", "body goes on@4"]);
  });
});
