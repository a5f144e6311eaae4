/**
 * The client programs, one per race, each an ordinary Win32 program of the emulated
 * machine. Each returns its exit code (0: every request came back as it should) and prints
 * what it saw. None of them does anything unusual: the races are the drivers'.
 *
 * - `counterapp` starts racecount.sys's timer for `ticks` ticks and, from a second thread,
 *   sends `requests` increments, one a tick, then checks count == requests + ticks.
 * - `cancelapp` issues an overlapped read on racecancel.sys while another thread (made with
 *   CreateThread just before) cancels it with CancelIoEx; each read must end
 *   ERROR_OPERATION_ABORTED. `rounds` times.
 * - `closeapp` opens racequeue.sys, has one read answered, issues `reads` more and closes
 *   the handle with them in flight; each read must end once, answered or cancelled.
 *   `rounds` times.
 */
import { Out, type KWAIT_BLOCK, type Machine, type NTSTATUS } from "@wdfjs/kernel";
import {
  ERROR_IO_PENDING, ERROR_NOT_FOUND, ERROR_OPERATION_ABORTED, FILE_FLAG_OVERLAPPED, GENERIC_READ, GENERIC_WRITE, INFINITE,
  INVALID_HANDLE_VALUE, OPEN_EXISTING, OVERLAPPED, Win32Process, type HANDLE, type Win32ThreadContext,
} from "@wdfjs/win32";
import { CANCEL_WIN32_NAME } from "./drivers/cancel.js";
import { COUNTER_TICK_MS, COUNTER_WIN32_NAME, IOCTL_COUNTER_INCREMENT, IOCTL_COUNTER_QUERY, IOCTL_COUNTER_START } from "./drivers/counter.js";
import { QUEUE_WIN32_NAME } from "./drivers/queue.js";

/** Where a program's printf goes. */
export type Log = (line: string) => void;

const noLog: Log = () => {};

function ulong(value: number): Uint8Array {
  return Uint8Array.of(value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff);
}

function readUlong(bytes: Uint8Array, offset: number): number {
  return (bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16) | (bytes[offset + 3]! << 24)) >>> 0;
}

/** Ends the program: closes what it opened and exits the process with `code`. */
function exit(app: Win32Process, handles: readonly HANDLE[], code: number): number {
  for (const h of handles) if (h !== INVALID_HANDLE_VALUE && h !== 0) app.CloseHandle(h);
  app.ExitProcess(code);
  return code;
}

// ---- counterapp ----

export interface CounterAppOptions {
  /** IOCTL_COUNTER_INCREMENT requests to send (default 10). */
  readonly requests?: number;
  /** Timer ticks to ask for (default 10). */
  readonly ticks?: number;
}

/** The incrementing thread: one request, then a tick's sleep, `requests` times. 0, or the error. */
function* Incrementer(p: { readonly hDevice: HANDLE; readonly requests: number }, t: Win32ThreadContext): Generator<KWAIT_BLOCK, number, NTSTATUS> {
  for (let i = 0; i < p.requests; i++) {
    if (!(yield* t.DeviceIoControl(p.hDevice, IOCTL_COUNTER_INCREMENT, 0, 0, 0, 0, null, null))) return t.GetLastError();
    yield* t.Sleep(COUNTER_TICK_MS);
  }
  return 0;
}

/**
 * counterapp: starts the device's timer, sends the increments from a second thread while the
 * ticks run, waits for the last tick, and checks that no addition was lost.
 */
export function counterapp(machine: Machine, options: CounterAppOptions = {}, log: Log = noLog): number {
  const requests = options.requests ?? 10;
  const ticks = options.ticks ?? 10;
  const app = Win32Process.create(machine, "counterapp.exe");
  const hDevice = app.CreateFile(COUNTER_WIN32_NAME, GENERIC_READ | GENERIC_WRITE, 0, null, OPEN_EXISTING, 0, 0);
  if (hDevice === INVALID_HANDLE_VALUE) {
    log(`Failed to open ${COUNTER_WIN32_NAME}: error ${app.GetLastError()}`);
    return exit(app, [], 1);
  }
  const buffer = app.alloc(8, ulong(ticks));
  if (!app.DeviceIoControl(hDevice, IOCTL_COUNTER_START, buffer, 4, 0, 0, null, null)) {
    log(`IOCTL_COUNTER_START failed: error ${app.GetLastError()}`);
    return exit(app, [hDevice], 1);
  }
  const hThread = app.CreateThread(null, 0, Incrementer, { hDevice, requests }, 0, null);
  app.WaitForSingleObject(hThread, INFINITE);
  const code = Out(0);
  app.GetExitCodeThread(hThread, code);
  app.CloseHandle(hThread);
  if (code.value !== 0) {
    log(`IOCTL_COUNTER_INCREMENT failed: error ${code.value}`);
    return exit(app, [hDevice], 1);
  }
  // Wait for the last tick, one tick at a time; then read the count once more, with nothing
  // left running beside the query.
  let count = 0;
  let ran = 0;
  for (let last = false; ; ) {
    const got = Out(0);
    if (!app.DeviceIoControl(hDevice, IOCTL_COUNTER_QUERY, 0, 0, buffer, 8, got, null) || got.value !== 8) {
      log(`IOCTL_COUNTER_QUERY failed: error ${app.GetLastError()}`);
      return exit(app, [hDevice], 1);
    }
    const data = app.ReadMemory(buffer, 8);
    count = readUlong(data, 0);
    ran = readUlong(data, 4);
    if (last) break;
    if (ran >= ticks) last = true;
    else app.Sleep(COUNTER_TICK_MS);
  }
  log(`${requests} requests + ${ran} ticks: count ${count}`);
  if (count !== requests + ran) {
    log(`lost ${requests + ran - count} update(s): count ${count}, expected ${requests + ran}`);
    return exit(app, [hDevice], 1);
  }
  return exit(app, [hDevice], 0);
}

// ---- cancelapp ----

export interface CancelAppOptions {
  /** Reads to issue and cancel, one after the other (default 3). */
  readonly rounds?: number;
}

/**
 * The cancelling thread: CancelIoEx on the read. The read may not have reached the I/O
 * manager yet when this thread first runs (ERROR_NOT_FOUND): then it tries again a
 * millisecond later. 0, or the error.
 */
function* Canceller(p: { readonly hDevice: HANDLE; readonly ov: OVERLAPPED }, t: Win32ThreadContext): Generator<KWAIT_BLOCK, number, NTSTATUS> {
  for (let tries = 0; tries < 10; tries++) {
    if (t.CancelIoEx(p.hDevice, p.ov)) return 0;
    if (t.GetLastError() !== ERROR_NOT_FOUND) return t.GetLastError();
    yield* t.Sleep(1);
  }
  return ERROR_NOT_FOUND;
}

/**
 * cancelapp: `rounds` times, starts a thread that cancels the read, issues the overlapped
 * read, and waits for it; each must end with ERROR_OPERATION_ABORTED.
 */
export function cancelapp(machine: Machine, options: CancelAppOptions = {}, log: Log = noLog): number {
  const rounds = options.rounds ?? 3;
  const app = Win32Process.create(machine, "cancelapp.exe");
  const hDevice = app.CreateFile(CANCEL_WIN32_NAME, GENERIC_READ | GENERIC_WRITE, 0, null, OPEN_EXISTING, FILE_FLAG_OVERLAPPED, 0);
  if (hDevice === INVALID_HANDLE_VALUE) {
    log(`Failed to open ${CANCEL_WIN32_NAME}: error ${app.GetLastError()}`);
    return exit(app, [], 1);
  }
  const buffer = app.alloc(16);
  for (let round = 1; round <= rounds; round++) {
    const ov = new OVERLAPPED();
    ov.hEvent = app.CreateEvent(null, true, false, null);
    // Ready now: it runs as soon as the machine lets it, once the read is queued, or (with
    // preemption) between two lines of the driver's read routine.
    const hThread = app.CreateThread(null, 0, Canceller, { hDevice, ov }, 0, null);
    let error = ERROR_OPERATION_ABORTED;
    if (app.ReadFile(hDevice, buffer, 16, null, ov)) error = 0;
    else if (app.GetLastError() === ERROR_IO_PENDING) {
      const n = Out(0);
      error = app.GetOverlappedResult(hDevice, ov, n, true) ? 0 : app.GetLastError();
    } else error = app.GetLastError();
    app.WaitForSingleObject(hThread, INFINITE);
    const code = Out(0);
    app.GetExitCodeThread(hThread, code);
    app.CloseHandle(hThread);
    app.CloseHandle(ov.hEvent);
    if (error !== ERROR_OPERATION_ABORTED || code.value !== 0) {
      log(`read ${round}: error ${error} (expected ${ERROR_OPERATION_ABORTED}), CancelIoEx thread: ${code.value}`);
      return exit(app, [hDevice], 1);
    }
  }
  log(`${rounds} reads cancelled`);
  return exit(app, [hDevice], 0);
}

// ---- closeapp ----

export interface CloseAppOptions {
  /** Opens and closes (default 2). */
  readonly rounds?: number;
  /** Reads in flight at each close (default 4). */
  readonly reads?: number;
}

/** One read on the queue: the OVERLAPPED, its event and buffer, and what ReadFile said. */
interface Read {
  readonly ov: OVERLAPPED;
  readonly buffer: number;
  /** 0 if it completed at once, ERROR_IO_PENDING, or the error. */
  readonly error: number;
}

function startRead(app: Win32Process, hDevice: HANDLE): Read {
  const ov = new OVERLAPPED();
  ov.hEvent = app.CreateEvent(null, true, false, null);
  const buffer = app.alloc(4);
  const error = app.ReadFile(hDevice, buffer, 4, null, ov) ? 0 : app.GetLastError();
  return { ov, buffer, error };
}

/** The outcome of a read: 0 (answered with 4 bytes) or the error. The handle may be closed already. */
function finishRead(app: Win32Process, hDevice: HANDLE, r: Read): number {
  let error = r.error;
  if (error === ERROR_IO_PENDING) {
    const n = Out(0);
    error = app.GetOverlappedResult(hDevice, r.ov, n, true) ? (n.value === 4 ? 0 : -1) : app.GetLastError();
  }
  app.CloseHandle(r.ov.hEvent);
  return error;
}

/**
 * closeapp: `rounds` times, opens the device, has one read answered, issues `reads` more and
 * closes the handle while they wait; each read must end exactly once, answered (4 bytes) or
 * ERROR_OPERATION_ABORTED.
 */
export function closeapp(machine: Machine, options: CloseAppOptions = {}, log: Log = noLog): number {
  const rounds = options.rounds ?? 2;
  const reads = options.reads ?? 4;
  const app = Win32Process.create(machine, "closeapp.exe");
  let answered = 0;
  let cancelled = 0;
  for (let round = 1; round <= rounds; round++) {
    const hDevice = app.CreateFile(QUEUE_WIN32_NAME, GENERIC_READ, 0, null, OPEN_EXISTING, FILE_FLAG_OVERLAPPED, 0);
    if (hDevice === INVALID_HANDLE_VALUE) {
      log(`Failed to open ${QUEUE_WIN32_NAME}: error ${app.GetLastError()}`);
      return exit(app, [], 1);
    }
    const first = finishRead(app, hDevice, startRead(app, hDevice));
    if (first !== 0) {
      log(`round ${round}: the first read failed: error ${first}`);
      return exit(app, [hDevice], 1);
    }
    answered++;
    const inFlight: Read[] = [];
    for (let i = 0; i < reads; i++) inFlight.push(startRead(app, hDevice));
    // The last handle: IRP_MJ_CLEANUP, with the reads still waiting for the device.
    app.CloseHandle(hDevice);
    for (const r of inFlight) {
      const error = finishRead(app, hDevice, r);
      if (error === 0) answered++;
      else if (error === ERROR_OPERATION_ABORTED) cancelled++;
      else {
        log(`round ${round}: a read failed: error ${error}`);
        return exit(app, [], 1);
      }
    }
  }
  log(`${answered} reads answered, ${cancelled} cancelled by the close`);
  return exit(app, [], 0);
}
