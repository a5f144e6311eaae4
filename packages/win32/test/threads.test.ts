import { describe, expect, it } from "vitest";
import {
  boot, BugCheck, DO_BUFFERED_IO, FILE_DEVICE_UNKNOWN, IoCompleteRequest, IoCreateDevice, IoCreateSymbolicLink, IoGetCurrentIrpStackLocation,
  IoMarkIrpPending, IRP_MJ_CLEANUP, IRP_MJ_CLOSE, IRP_MJ_CREATE, IRP_MJ_READ, IRP_MJ_WRITE, Out, ReadBytes, STATUS_PENDING, STATUS_SUCCESS,
  WriteBytes, type DEVICE_OBJECT, type DRIVER_OBJECT, type IRP, type KTHREAD, type Machine,
} from "@wdfjs/kernel";
import {
  CREATE_ALWAYS, ERROR_SUCCESS, FILE_FLAG_OVERLAPPED, GENERIC_READ, GENERIC_WRITE, INFINITE, OPEN_EXISTING, OVERLAPPED, STILL_ACTIVE,
  WAIT_IO_COMPLETION, WAIT_OBJECT_0, WAIT_TIMEOUT, Win32Process, type HANDLE, type Win32ThreadContext,
} from "../src/index.js";

void CREATE_ALWAYS;

/** A pipe: a read pends until a write arrives and completes with the written bytes; a write completes at once. */
function PipeDriverEntry(DriverObject: DRIVER_OBJECT): number {
  const dev = Out<DEVICE_OBJECT | null>(null);
  const st = IoCreateDevice(DriverObject, 0, "\\Device\\Pipe", FILE_DEVICE_UNKNOWN, 0, false, dev);
  if (st < 0) return st;
  dev.value!.Flags |= DO_BUFFERED_IO;
  IoCreateSymbolicLink("\\DosDevices\\Pipe", "\\Device\\Pipe");
  const readers: IRP[] = [];
  let head = 0;
  const complete = (irp: IRP, info: number) => {
    irp.IoStatus.Status = STATUS_SUCCESS;
    irp.IoStatus.Information = info;
    IoCompleteRequest(irp, 0);
    return STATUS_SUCCESS;
  };
  DriverObject.MajorFunction[IRP_MJ_CREATE] = (_d, irp) => complete(irp, 0);
  DriverObject.MajorFunction[IRP_MJ_CLOSE] = (_d, irp) => complete(irp, 0);
  DriverObject.MajorFunction[IRP_MJ_CLEANUP] = (_d, irp) => complete(irp, 0);
  DriverObject.MajorFunction[IRP_MJ_READ] = (_d, irp) => {
    IoMarkIrpPending(irp);
    readers.push(irp);
    return STATUS_PENDING;
  };
  DriverObject.MajorFunction[IRP_MJ_WRITE] = (_d, irp) => {
    const n = IoGetCurrentIrpStackLocation(irp).Parameters.Write.Length;
    const data = ReadBytes(irp.AssociatedIrp.SystemBuffer, n);
    const reader = head < readers.length ? readers[head++]! : null;
    if (reader !== null) {
      const len = Math.min(n, IoGetCurrentIrpStackLocation(reader).Parameters.Read.Length);
      WriteBytes(reader.AssociatedIrp.SystemBuffer, data.subarray(0, len));
      complete(reader, len);
    }
    return complete(irp, n);
  };
  return STATUS_SUCCESS;
}

function setup(): { m: Machine; app: Win32Process } {
  const m = boot({ seed: 3 });
  expect(m.loadDriver("pipe", PipeDriverEntry)).toBe(STATUS_SUCCESS);
  return { m, app: Win32Process.create(m, "app.exe") };
}

const text = (s: string) => [...s].map((c) => c.charCodeAt(0));

describe("Win32 threads", () => {
  it("a thread blocked in a synchronous ReadFile suspends only itself and is woken by another thread's WriteFile", () => {
    const { app } = setup();
    const order: string[] = [];
    function* Reader(_p: unknown, t: Win32ThreadContext) {
      const h = yield* t.CreateFile("\\\\.\\Pipe", GENERIC_READ, 3, null, OPEN_EXISTING, 0, 0);
      const buf = t.VirtualAlloc(0, 16, 0x3000, 4);
      const n = Out(0);
      order.push("reader: ReadFile");
      const ok = yield* t.ReadFile(h, buf, 16, n, null);
      order.push(`reader: got ${String.fromCharCode(...t.ReadMemory(buf, n.value))}`);
      yield* t.CloseHandle(h);
      return ok ? 7 : 0;
    }
    function* Writer(_p: unknown, t: Win32ThreadContext) {
      const h = yield* t.CreateFile("\\\\.\\Pipe", GENERIC_WRITE, 3, null, OPEN_EXISTING, 0, 0);
      const buf = t.VirtualAlloc(0, 16, 0x3000, 4);
      t.WriteMemory(buf, text("ping"));
      yield* t.Sleep(5);
      order.push("writer: WriteFile");
      const n = Out(0);
      yield* t.WriteFile(h, buf, 4, n, null);
      yield* t.CloseHandle(h);
      return n.value;
    }
    const r = app.CreateThread(null, 0, Reader, null, 0, null);
    const w = app.CreateThread(null, 0, Writer, null, 0, null);
    const code = Out(0);
    expect(app.GetExitCodeThread(r, code)).toBe(true);
    expect(code.value).toBe(STILL_ACTIVE);
    expect(app.WaitForMultipleObjects(2, [r, w], true, INFINITE)).toBe(WAIT_OBJECT_0);
    expect(order).toEqual(["reader: ReadFile", "writer: WriteFile", "reader: got ping"]);
    app.GetExitCodeThread(r, code);
    expect(code.value).toBe(7);
    app.GetExitCodeThread(w, code);
    expect(code.value).toBe(4);
  });

  it("the main (host) thread's synchronous ReadFile is woken by a CreateThread thread's WriteFile on its own handle", () => {
    const { app } = setup();
    const h = app.CreateFile("\\\\.\\Pipe", GENERIC_READ | GENERIC_WRITE, 3, null, OPEN_EXISTING, 0, 0);
    const th = app.CreateThread(null, 0, function* (_p: unknown, t: Win32ThreadContext) {
      // Its own handle: a synchronous handle takes one request at a time (the file object
      // lock), so a write on the reader's handle would wait behind the read, as in Windows.
      const hPipe = yield* t.CreateFile("\\\\.\\Pipe", GENERIC_WRITE, 3, null, OPEN_EXISTING, 0, 0);
      const buf = t.VirtualAlloc(0, 16, 0x3000, 4);
      t.WriteMemory(buf, text("pong"));
      yield* t.Sleep(1);
      yield* t.WriteFile(hPipe, buf, 4, null, null);
      return 0;
    }, null, 0, null);
    const buf = app.alloc(16);
    const n = Out(0);
    expect(app.ReadFile(h, buf, 16, n, null)).toBe(true);
    expect(String.fromCharCode(...app.ReadMemory(buf, n.value))).toBe("pong");
    expect(app.WaitForSingleObject(th, INFINITE)).toBe(WAIT_OBJECT_0);
  });

  it("two threads waiting on one auto-reset event are released one per SetEvent, first come first served", () => {
    const { app, m } = setup();
    const ev = app.CreateEvent(null, false, false, null);
    const woke: string[] = [];
    const waiter = (name: string) =>
      function* (_p: unknown, t: Win32ThreadContext) {
        expect(yield* t.WaitForSingleObject(ev, INFINITE)).toBe(WAIT_OBJECT_0);
        woke.push(name);
        return 0;
      };
    const a = app.CreateThread(null, 0, waiter("first"), null, 0, null);
    m.run();
    const b = app.CreateThread(null, 0, waiter("second"), null, 0, null);
    m.run();
    expect(woke).toEqual([]);
    app.SetEvent(ev);
    m.run();
    expect(woke).toEqual(["first"]);
    app.SetEvent(ev);
    expect(app.WaitForMultipleObjects(2, [a, b], true, INFINITE)).toBe(WAIT_OBJECT_0);
    expect(woke).toEqual(["first", "second"]);
  });

  it("set-then-reset: a thread already waiting on a manual-reset event is released by SetEvent even if ResetEvent follows at once", () => {
    const { app, m } = setup();
    const ev = app.CreateEvent(null, true, false, null);
    let woke = false;
    const th = app.CreateThread(null, 0, function* (_p: unknown, t: Win32ThreadContext) {
      yield* t.WaitForSingleObject(ev, INFINITE);
      woke = true;
      return 0;
    }, null, 0, null);
    m.run();
    app.SetEvent(ev);
    app.ResetEvent(ev);
    expect(app.WaitForSingleObject(th, 1000)).toBe(WAIT_OBJECT_0);
    expect(woke).toBe(true);
  });

  it("QueueUserAPC runs in the target's next alertable wait, which returns WAIT_IO_COMPLETION; a non-alertable wait does not run it", () => {
    const { app, m } = setup();
    const ev = app.CreateEvent(null, true, false, null);
    const log: string[] = [];
    const th = app.CreateThread(null, 0, function* (_p: unknown, t: Win32ThreadContext) {
      log.push(`plain wait: ${yield* t.WaitForSingleObject(ev, 10)}`);
      log.push(`alertable wait: ${yield* t.WaitForSingleObjectEx(ev, INFINITE, true)}`);
      log.push(`alertable sleep: ${yield* t.SleepEx(5, true)}`);
      return 0;
    }, null, 0, null);
    m.run();
    expect(log).toEqual([`plain wait: ${WAIT_TIMEOUT}`]);
    expect(app.QueueUserAPC((d) => log.push(`apc ${d}`), th, 42)).not.toBe(0);
    expect(app.WaitForSingleObject(th, INFINITE)).toBe(WAIT_OBJECT_0);
    expect(log).toEqual([`plain wait: ${WAIT_TIMEOUT}`, "apc 42", `alertable wait: ${WAIT_IO_COMPLETION}`, "alertable sleep: 0"]);
  });

  it("a user APC already queued makes the next alertable wait return WAIT_IO_COMPLETION at once, in host code too", () => {
    const { app } = setup();
    const ran: number[] = [];
    const main = app.CreateThread(null, 0, function* () { return 0; }, null, 0, null);
    void main;
    // The host thread's own handle: QueueUserAPC to a thread made for it.
    const self = app.CreateThread(null, 0, function* (_p: unknown, t: Win32ThreadContext) {
      yield* t.SleepEx(INFINITE, true);
      return 5;
    }, null, 0, null);
    app.QueueUserAPC((d) => ran.push(d), self, 1);
    app.QueueUserAPC((d) => ran.push(d), self, 2);
    expect(app.WaitForSingleObject(self, INFINITE)).toBe(WAIT_OBJECT_0);
    expect(ran).toEqual([1, 2]);
    expect(app.SleepEx(0, true)).toBe(0);
  });

  it("ReadFileEx's completion routine runs in the issuing thread's alertable wait, with the error code and the bytes", () => {
    const { app } = setup();
    const hRead = app.CreateFile("\\\\.\\Pipe", GENERIC_READ | GENERIC_WRITE, 3, null, OPEN_EXISTING, FILE_FLAG_OVERLAPPED, 0);
    const buf = app.alloc(16);
    const ov = new OVERLAPPED();
    const done: string[] = [];
    expect(app.ReadFileEx(hRead, buf, 16, ov, (err, n, o) => done.push(`${err} ${n} ${o === ov}`))).toBe(true);
    expect(app.GetLastError()).toBe(ERROR_SUCCESS);
    app.CreateThread(null, 0, function* (_p: unknown, t: Win32ThreadContext) {
      const h = yield* t.CreateFile("\\\\.\\Pipe", GENERIC_WRITE, 3, null, OPEN_EXISTING, 0, 0);
      const b = t.VirtualAlloc(0, 16, 0x3000, 4);
      t.WriteMemory(b, text("abc"));
      yield* t.WriteFile(h, b, 3, null, null);
      return 0;
    }, null, 0, null);
    // A non-alertable wait lets the write happen but runs no completion routine.
    app.Sleep(10);
    expect(done).toEqual([]);
    expect(app.SleepEx(INFINITE, true)).toBe(WAIT_IO_COMPLETION);
    expect(done).toEqual(["0 3 true"]);
  });

  it("an exception a thread does not catch ends its process, not the machine", () => {
    const { app, m } = setup();
    const th = app.CreateThread(null, 0, function* () {
      throw new Error("oops");
    }, null, 0, null);
    m.run();
    expect(app.process.terminated).toBe(true);
    expect(app.process.ExitStatus >>> 0).toBe(0xe06d7363);
    expect((app.process.unhandledException as Error).message).toBe("oops");
    expect(m.bugCheckData).toBeNull();
    void th;
  });

  it("a thread made with CreateThread that blocks through the host API gets a clear error saying to yield*", () => {
    const { app, m } = setup();
    let message = "";
    app.CreateThread(null, 0, function* () {
      try {
        app.Sleep(10);
      } catch (e) {
        message = (e as Error).message;
      }
      return 0;
    }, null, 0, null);
    m.run();
    expect(message).toMatch(/yield\*/);
    expect(m.bugCheckData).toBeNull();
  });

  it("synchronous I/O on one handle is one request at a time: a second thread's write waits behind a pended read (deadlock reported, as Windows would hang)", () => {
    const { app } = setup();
    const h = app.CreateFile("\\\\.\\Pipe", GENERIC_READ | GENERIC_WRITE, 3, null, OPEN_EXISTING, 0, 0);
    let wrote = false;
    app.CreateThread(null, 0, function* Writer(hPipe: HANDLE, t: Win32ThreadContext) {
      const buf = t.VirtualAlloc(0, 16, 0x3000, 4);
      yield* t.WriteFile(hPipe, buf, 4, null, null);
      wrote = true;
      return 0;
    }, h, 0, null);
    const buf = app.alloc(16);
    let err: unknown = null;
    try {
      app.ReadFile(h, buf, 16, Out(0), null);
    } catch (e) {
      err = e;
    }
    expect((err as Error).name).toBe("MachineDeadlock");
    expect((err as Error).message).toMatch(/file object lock/);
    expect(wrote).toBe(false);
  });

  it("a deadlock between two threads is reported naming both, not hung", () => {
    const { app } = setup();
    const e1 = app.CreateEvent(null, false, false, null);
    const e2 = app.CreateEvent(null, false, false, null);
    const a = app.CreateThread(null, 0, function* First(_p: unknown, t: Win32ThreadContext) {
      yield* t.WaitForSingleObject(e1, INFINITE);
      return 0;
    }, null, 0, null);
    const b = app.CreateThread(null, 0, function* Second(_p: unknown, t: Win32ThreadContext) {
      yield* t.WaitForSingleObject(e2, INFINITE);
      return 0;
    }, null, 0, null);
    let err: unknown = null;
    try {
      app.WaitForMultipleObjects(2, [a, b], true, INFINITE);
    } catch (e) {
      err = e;
    }
    expect((err as Error).name).toBe("MachineDeadlock");
    expect((err as Error).message).toMatch(/First/);
    expect((err as Error).message).toMatch(/Second/);
    expect(err).not.toBeInstanceOf(BugCheck);
  });

  it("Sleep(0) gives the processor to another ready thread", () => {
    const { app } = setup();
    let flag = false;
    let polls = 0;
    const poller = app.CreateThread(null, 0, function* (_p: unknown, t: Win32ThreadContext) {
      while (!flag && polls < 100_000) {
        polls++;
        yield* t.Sleep(0);
      }
      return 0;
    }, null, 0, null);
    app.CreateThread(null, 0, function* () {
      flag = true;
      return 0;
    }, null, 0, null);
    expect(app.WaitForSingleObject(poller, INFINITE)).toBe(WAIT_OBJECT_0);
    expect(flag).toBe(true);
    expect(polls).toBeLessThan(100);
  });

  it("a thread ended by ExitProcess has the process's exit code as its own", () => {
    const { app, m } = setup();
    const ev = app.CreateEvent(null, true, false, null);
    let kthread: KTHREAD | null = null;
    app.CreateThread(null, 0, function* (_p: unknown, t: Win32ThreadContext) {
      kthread = t.thread;
      yield* t.WaitForSingleObject(ev, INFINITE);
      return 1;
    }, null, 0, null);
    m.run();
    app.ExitProcess(42);
    m.run();
    expect(kthread!.state).toBe("terminated");
    expect(kthread!.ExitStatus).toBe(42);
  });

  it("QueueUserAPC with something that is not a function fails with ERROR_INVALID_PARAMETER", () => {
    const { app } = setup();
    const th = app.CreateThread(null, 0, function* (_p: unknown, t: Win32ThreadContext) {
      yield* t.SleepEx(10, true);
      return 0;
    }, null, 0, null);
    expect(app.QueueUserAPC(42 as unknown as () => void, th, 0)).toBe(0);
    expect(app.GetLastError()).toBe(87);
    expect(app.WaitForSingleObject(th, INFINITE)).toBe(WAIT_OBJECT_0);
  });

  it("after a deadlock the host catches, the thread's next calls start clean", () => {
    const { app } = setup();
    const h = app.CreateFile("\\\\.\\Pipe", GENERIC_READ | GENERIC_WRITE, 3, null, OPEN_EXISTING, 0, 0);
    const buf = app.alloc(16);
    expect(() => app.ReadFile(h, buf, 16, Out(0), null)).toThrow(/MachineDeadlock|no progress/);
    const ev = app.CreateEvent(null, true, true, null);
    expect(ev).not.toBe(0);
    expect(app.WaitForSingleObject(ev, 0)).toBe(WAIT_OBJECT_0);
    // The handle's lock was given back with the abandoned wait: a write goes through (and
    // completes the read still pending in the driver).
    const n = Out(0);
    expect(app.WriteFile(h, buf, 4, n, null)).toBe(true);
    expect(n.value).toBe(4);
  });
});
