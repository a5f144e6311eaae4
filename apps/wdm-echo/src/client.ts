/**
 * echoapp.exe (general/echo/kmdf/exe/echoapp.cpp) as a program of the emulated
 * machine. The default run writes a pattern buffer and reads it back, synchronously,
 * with 512 bytes and then 30 KB. `-Async n` opens the device for overlapped I/O,
 * binds it to an I/O completion port and keeps up to NUM_ASYNCH_IO requests (writes
 * and reads) in flight, re-issuing one on each completion until n have completed.
 *
 * The C program uses a reader thread and a writer thread, each blocked in its own
 * GetQueuedCompletionStatus. A client thread here runs inside one JavaScript call, so
 * one thread drives both kinds of request through one port; what the driver sees is
 * the same: writes and reads interleaved, many of them pending at once.
 */
import { Out, type Machine } from "@wdfjs/kernel";
import {
  ERROR_IO_PENDING, FILE_FLAG_OVERLAPPED, FILE_SHARE_READ, FILE_SHARE_WRITE, GENERIC_READ, GENERIC_WRITE,
  INFINITE, INVALID_HANDLE_VALUE, MEM_COMMIT, MEM_RELEASE, MEM_RESERVE, OPEN_EXISTING, OVERLAPPED, PAGE_READWRITE,
  Win32Process, type HANDLE, type Win32Thread,
} from "@wdfjs/win32";
import { ECHO_WIN32_NAME } from "./driver.js";

/** Where the program's printf goes. */
export type Log = (line: string) => void;

const noLog: Log = () => {};

/** echoapp.cpp: NUM_ASYNCH_IO and BUFFER_SIZE. */
export const NUM_ASYNCH_IO = 100;
export const BUFFER_SIZE = 40 * 1024;
/** `-Async` without a count runs until Ctrl-C in C; here it stops after this many requests. */
export const DEFAULT_ASYNC_COUNT = 1000;

/** CreatePatternBuffer: byte i is (UCHAR)i. */
export function CreatePattern(Length: number): Uint8Array {
  const p = new Uint8Array(Length);
  for (let i = 0; i < Length; i++) p[i] = i & 0xff;
  return p;
}

/** VerifyPatternBuffer: the index of the first byte that differs, or -1. */
export function VerifyPattern(buffer: Uint8Array, Length: number): number {
  if (buffer.length < Length) return buffer.length;
  for (let i = 0; i < Length; i++) if (buffer[i] !== (i & 0xff)) return i;
  return -1;
}

export interface WriteReadResult {
  /** The test passed: both counts equal TestLength and the pattern came back. */
  readonly ok: boolean;
  readonly bytesWritten: number;
  readonly bytesRead: number;
  /** GetLastError() of the call that failed, or 0. */
  readonly error: number;
}

/**
 * PerformWriteReadTest: write a TestLength-byte pattern, read TestLength bytes back,
 * check both counts and the pattern, printing what echoapp prints.
 */
export function PerformWriteReadTest(app: Win32Thread, hDevice: HANDLE, TestLength: number, log: Log = noLog): WriteReadResult {
  const size = Math.max(TestLength, 1);
  const WriteBuffer = app.VirtualAlloc(0, size, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
  const ReadBuffer = WriteBuffer === 0 ? 0 : app.VirtualAlloc(0, size, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
  const done = (ok: boolean, bytesWritten: number, bytesRead: number, error: number): WriteReadResult => {
    if (WriteBuffer !== 0) app.VirtualFree(WriteBuffer, 0, MEM_RELEASE);
    if (ReadBuffer !== 0) app.VirtualFree(ReadBuffer, 0, MEM_RELEASE);
    return { ok, bytesWritten, bytesRead, error };
  };
  if (ReadBuffer === 0) {
    log(`PerformWriteReadTest: Could not allocate ${TestLength} bytes ReadBuffer`);
    return done(false, 0, 0, app.GetLastError());
  }
  app.WriteMemory(WriteBuffer, CreatePattern(TestLength));

  const bytesReturned = Out(0);
  if (!app.WriteFile(hDevice, WriteBuffer, TestLength, bytesReturned, null)) {
    const error = app.GetLastError();
    log(`PerformWriteReadTest: WriteFile failed: Error ${error}`);
    return done(false, bytesReturned.value, 0, error);
  }
  const bytesWritten = bytesReturned.value;
  if (bytesWritten !== TestLength) {
    log(`bytes written is not test length! Written ${bytesWritten}, SB ${TestLength}`);
    return done(false, bytesWritten, 0, 0);
  }
  log(`${bytesWritten} Pattern Bytes Written successfully`);

  bytesReturned.value = 0;
  if (!app.ReadFile(hDevice, ReadBuffer, TestLength, bytesReturned, null)) {
    const error = app.GetLastError();
    log(`PerformWriteReadTest: ReadFile failed: Error ${error}`);
    return done(false, bytesWritten, bytesReturned.value, error);
  }
  const bytesRead = bytesReturned.value;
  if (bytesRead !== TestLength) {
    log(`bytes Read is not test length! Read ${bytesRead}, SB ${TestLength}`);
    return done(false, bytesWritten, bytesRead, 0);
  }
  log(`${bytesRead} Pattern Bytes Read successfully`);

  const data = app.ReadMemory(ReadBuffer, TestLength);
  const bad = VerifyPattern(data, TestLength);
  if (bad >= 0) {
    log(`Pattern changed. SB 0x${(bad & 0xff).toString(16)}, Is 0x${(data[bad] ?? 0).toString(16)}`);
    log("Verify failed");
    return done(false, bytesWritten, bytesRead, 0);
  }
  log("Pattern Verified successfully");
  return done(true, bytesWritten, bytesRead, 0);
}

export interface AsyncIoOptions {
  /** Requests kept in flight (NUM_ASYNCH_IO). */
  readonly maxPending?: number;
  /** Bytes per request (BUFFER_SIZE). */
  readonly bufferSize?: number;
}

export interface AsyncIoResult {
  readonly ok: boolean;
  /** Completions dequeued from the port (successful ones). */
  readonly completed: number;
  readonly writesCompleted: number;
  readonly readsCompleted: number;
  readonly bytesWritten: number;
  readonly bytesRead: number;
  /** The most requests that were in flight at once. */
  readonly maxInFlight: number;
  /** GetLastError() of the call that failed, or 0. */
  readonly error: number;
}

/**
 * AsyncIo: one overlapped handle bound to a completion port; slot i of maxPending
 * issues writes when i is even and reads when i is odd, each re-issued on completion
 * until `count` requests have completed. Writes carry the pattern; reads must bring
 * the pattern back.
 */
export function AsyncIo(app: Win32Thread, devicePath: string, count: number, log: Log = noLog, options: AsyncIoOptions = {}): AsyncIoResult {
  const bufferSize = options.bufferSize ?? BUFFER_SIZE;
  const total = Math.max(0, Math.floor(count));
  const maxPendingRequests = Math.min(options.maxPending ?? NUM_ASYNCH_IO, total);
  let completed = 0, writesCompleted = 0, readsCompleted = 0, bytesWritten = 0, bytesRead = 0, inFlight = 0, maxInFlight = 0;
  let hDevice: HANDLE = INVALID_HANDLE_VALUE;
  let hCompletionPort: HANDLE = 0;
  let buf = 0;
  const finish = (ok: boolean, error: number): AsyncIoResult => {
    if (hDevice !== INVALID_HANDLE_VALUE) app.CloseHandle(hDevice);
    if (hCompletionPort) app.CloseHandle(hCompletionPort);
    if (buf) app.VirtualFree(buf, 0, MEM_RELEASE);
    return { ok, completed, writesCompleted, readsCompleted, bytesWritten, bytesRead, maxInFlight, error };
  };

  hDevice = app.CreateFile(devicePath, GENERIC_WRITE | GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, null, OPEN_EXISTING, FILE_FLAG_OVERLAPPED, 0);
  if (hDevice === INVALID_HANDLE_VALUE) {
    const error = app.GetLastError();
    log(`Cannot open ${devicePath} error ${error}`);
    return finish(false, error);
  }
  hCompletionPort = app.CreateIoCompletionPort(hDevice, 0, 1, 0);
  if (!hCompletionPort) {
    const error = app.GetLastError();
    log(`Cannot open completion port ${error}`);
    return finish(false, error);
  }
  if (maxPendingRequests === 0) return finish(true, 0);
  buf = app.VirtualAlloc(0, maxPendingRequests * bufferSize, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
  if (!buf) {
    log("Cannot allocate buffer");
    return finish(false, app.GetLastError());
  }
  const pattern = CreatePattern(bufferSize);
  const pOvList: OVERLAPPED[] = [];
  for (let i = 0; i < maxPendingRequests; i++) {
    const ov = new OVERLAPPED();
    ov.Context = i;
    pOvList.push(ov);
    if (i % 2 === 0) app.WriteMemory(buf + i * bufferSize, pattern);
  }

  const issue = (i: number): boolean => {
    const ov = pOvList[i]!;
    const write = i % 2 === 0;
    const ok = write
      ? app.WriteFile(hDevice, buf + i * bufferSize, bufferSize, null, ov)
      : app.ReadFile(hDevice, buf + i * bufferSize, bufferSize, null, ov);
    if (ok || app.GetLastError() === ERROR_IO_PENDING) {
      inFlight++;
      if (inFlight > maxInFlight) maxInFlight = inFlight;
      return true;
    }
    log(`${i}th ${write ? "Write" : "Read"} failed ${app.GetLastError()}`);
    return false;
  };

  let remainingRequestsToSend = total - maxPendingRequests;
  for (let i = 0; i < maxPendingRequests; i++) if (!issue(i)) return finish(false, app.GetLastError());

  const numberOfBytesTransferred = Out(0);
  const key = Out(0);
  const completedOv = Out<OVERLAPPED | null>(null);
  while (completed < total) {
    if (!app.GetQueuedCompletionStatus(hCompletionPort, numberOfBytesTransferred, key, completedOv, INFINITE)) {
      const error = app.GetLastError();
      log(`GetQueuedCompletionStatus failed ${error}`);
      return finish(false, error);
    }
    inFlight--;
    completed++;
    const i = completedOv.value!.Context as number;
    const n = numberOfBytesTransferred.value;
    if (i % 2 === 0) {
      writesCompleted++;
      bytesWritten += n;
      log(`Number of bytes written by request number ${i} is ${n}`);
    } else {
      readsCompleted++;
      bytesRead += n;
      log(`Number of bytes read by request number ${i} is ${n}`);
      const bad = VerifyPattern(app.ReadMemory(buf + i * bufferSize, n), n);
      if (bad >= 0) {
        log(`Pattern changed in request number ${i} at byte ${bad}`);
        return finish(false, 0);
      }
    }
    if (remainingRequestsToSend > 0) {
      remainingRequestsToSend--;
      if (!issue(i)) return finish(false, app.GetLastError());
    }
  }
  return finish(true, 0);
}

const USAGE = [
  "Usage:",
  "    Echoapp.exe         --- Send single write and read request synchronously",
  "    Echoapp.exe -Async  --- Send reads and writes asynchronously without terminating",
  "    Echoapp.exe -Async <number> --- Send <number> reads and writes asynchronously",
  "Exit the app anytime by pressing Ctrl-C",
];

/**
 * echoapp's main: starts `echoapp.exe` in the machine, runs the default test or
 * `-Async [n]`, exits the process and returns its exit code (0 success, 1 failure).
 */
export function main(machine: Machine, args: readonly string[] = [], log: Log = noLog): number {
  let asyncCount = -1;
  if (args.length > 0) {
    if (args[0]!.slice(0, 6).toLowerCase() === "-async") {
      const n = args.length > 1 ? Number.parseInt(args[1]!, 10) : NaN;
      asyncCount = Number.isFinite(n) && n >= 0 ? n : DEFAULT_ASYNC_COUNT;
    } else {
      for (const line of USAGE) log(line);
      return 1;
    }
  }
  const app = Win32Process.create(machine, "echoapp.exe");
  log(`DevicePath: ${ECHO_WIN32_NAME}`);
  const hDevice = app.CreateFile(ECHO_WIN32_NAME, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, null, OPEN_EXISTING, 0, 0);
  if (hDevice === INVALID_HANDLE_VALUE) {
    log(`Failed to open device. Error ${app.GetLastError()}`);
    app.ExitProcess(1);
    return 1;
  }
  log("Opened device successfully");
  let result: boolean;
  if (asyncCount >= 0) {
    log("Starting AsyncIo");
    result = AsyncIo(app, ECHO_WIN32_NAME, asyncCount, log).ok;
  } else {
    result = PerformWriteReadTest(app, hDevice, 512, log).ok && PerformWriteReadTest(app, hDevice, 30 * 1024, log).ok;
  }
  app.CloseHandle(hDevice);
  const code = result ? 0 : 1;
  app.ExitProcess(code);
  return code;
}
