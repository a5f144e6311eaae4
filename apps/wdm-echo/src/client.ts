/**
 * echoapp.exe (general/echo/kmdf/exe/echoapp.cpp) as a program of the emulated
 * machine. The default run writes a pattern buffer and reads it back, synchronously,
 * with 512 bytes and then 30 KB.
 *
 * As in C, `-Async n` runs a reader thread (CreateThread) and a writer (the main thread),
 * each with its own handle and completion port and n requests, each blocked in its own
 * GetQueuedCompletionStatus while the other runs.
 */
import { Out, type KWAIT_BLOCK, type Machine, type NTSTATUS } from "@wdfjs/kernel";
import {
  ERROR_IO_PENDING, FILE_FLAG_OVERLAPPED, FILE_SHARE_READ, FILE_SHARE_WRITE, GENERIC_READ, GENERIC_WRITE,
  INFINITE, INVALID_HANDLE_VALUE, MEM_COMMIT, MEM_RELEASE, MEM_RESERVE, OPEN_EXISTING, OVERLAPPED, PAGE_READWRITE,
  Win32Process, type HANDLE, type Win32Thread, type Win32ThreadContext,
} from "@wdfjs/win32";
import { ECHO_WIN32_NAME } from "./driver.js";

/** Where the program's printf goes. */
export type Log = (line: string) => void;

const noLog: Log = () => {};

/** echoapp.cpp: NUM_ASYNCH_IO and BUFFER_SIZE. */
export const NUM_ASYNCH_IO = 100;
export const BUFFER_SIZE = 40 * 1024;

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

/** `-Async` without a count runs until Ctrl-C in C; here it stops after this many requests a thread. */
export const DEFAULT_ASYNC_COUNT = 1000;

/** echoapp.cpp's READER_TYPE and WRITER_TYPE: what AsyncIo's ThreadParameter says it does. */
export const READER_TYPE = 1;
export const WRITER_TYPE = 2;

/** What one AsyncIo thread saw (ours: the C program only prints). */
export interface AsyncIoStats {
  /** Completions dequeued from the port. */
  completed: number;
  bytes: number;
  /** The most requests that were in flight at once. */
  maxInFlight: number;
  /** GetLastError() of the call that failed, or 0. */
  error: number;
}

/**
 * echoapp.cpp's globals (G_PerformAsyncIo, G_LimitedLoops, G_AsyncIoLoopsNum,
 * G_DevicePath) and its AsyncIo thread routine. `AsyncIo` is written as the C is, line for
 * line; it is a generator because a thread that waits yields its waits.
 */
export class EchoApp {
  G_PerformAsyncIo = false;
  G_LimitedLoops = false;
  G_AsyncIoLoopsNum = 0;
  G_DevicePath = ECHO_WIN32_NAME;
  /** NUM_ASYNCH_IO and BUFFER_SIZE, changeable for quick tests. */
  numAsynchIo = NUM_ASYNCH_IO;
  bufferSize = BUFFER_SIZE;
  readonly stats: Record<number, AsyncIoStats> = {
    [READER_TYPE]: { completed: 0, bytes: 0, maxInFlight: 0, error: 0 },
    [WRITER_TYPE]: { completed: 0, bytes: 0, maxInFlight: 0, error: 0 },
  };
  constructor(readonly printf: Log = noLog) {}

  /**
   * AsyncIo: opens its own overlapped handle bound to its own completion port, keeps up to
   * NUM_ASYNCH_IO reads (READER_TYPE) or writes (WRITER_TYPE) in flight and re-issues each
   * one as it completes, until G_AsyncIoLoopsNum have completed (or forever without a
   * limit). Returns TRUE (1) or FALSE (0).
   */
  *AsyncIo(ThreadParameter: number, t: Win32ThreadContext): Generator<KWAIT_BLOCK, number, NTSTATUS> {
    let hDevice: HANDLE = INVALID_HANDLE_VALUE;
    let hCompletionPort: HANDLE = 0;
    let pOvList: OVERLAPPED[] | null = null;
    let buf = 0;
    const numberOfBytesTransferred = Out(0);
    const completedOv = Out<OVERLAPPED | null>(null);
    let i = 0;
    const ioType = ThreadParameter;
    const key = Out(0);
    let error = 0;
    let result = true;
    let maxPendingRequests = this.numAsynchIo;
    let remainingRequestsToSend = 0;
    let remainingRequestsToReceive = 0;
    const BUFFER_SIZE = this.bufferSize;
    const stats = this.stats[ioType]!;
    let inFlight = 0;
    const issued = (): void => {
      if (++inFlight > stats.maxInFlight) stats.maxInFlight = inFlight;
    };

    Error: {
      hDevice = yield* t.CreateFile(this.G_DevicePath, GENERIC_WRITE | GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, null, OPEN_EXISTING, FILE_FLAG_OVERLAPPED, 0);
      if (hDevice === INVALID_HANDLE_VALUE) {
        this.printf(`Cannot open ${this.G_DevicePath} error ${(stats.error = t.GetLastError())}`);
        result = false;
        break Error;
      }
      hCompletionPort = t.CreateIoCompletionPort(hDevice, 0, 1, 0);
      if (hCompletionPort === 0) {
        this.printf(`Cannot open completion port ${(stats.error = t.GetLastError())} `);
        result = false;
        break Error;
      }
      // We will only have NUM_ASYNCH_IO or G_AsyncIoLoopsNum pending at any time (whichever is less).
      if (this.G_LimitedLoops) {
        remainingRequestsToReceive = this.G_AsyncIoLoopsNum;
        if (this.G_AsyncIoLoopsNum > this.numAsynchIo) {
          // After the initial NUM_ASYNCH_IO, (G_AsyncIoLoopsNum - NUM_ASYNCH_IO) more are sent.
          maxPendingRequests = this.numAsynchIo;
          remainingRequestsToSend = this.G_AsyncIoLoopsNum - this.numAsynchIo;
        } else {
          maxPendingRequests = this.G_AsyncIoLoopsNum;
          remainingRequestsToSend = 0;
        }
      }
      if (maxPendingRequests === 0) break Error;
      pOvList = [];
      for (let k = 0; k < maxPendingRequests; k++) pOvList.push(new OVERLAPPED());
      // malloc + ZeroMemory: VirtualAlloc hands out zeroed pages.
      buf = t.VirtualAlloc(0, maxPendingRequests * BUFFER_SIZE, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
      if (buf === 0) {
        this.printf("Cannot allocate buffer ");
        result = false;
        break Error;
      }

      // Issue asynch I/O
      for (i = 0; i < maxPendingRequests; i++) {
        if (ioType === READER_TYPE) {
          if (!(yield* t.ReadFile(hDevice, buf + i * BUFFER_SIZE, BUFFER_SIZE, null, pOvList[i]!))) {
            error = t.GetLastError();
            if (error !== ERROR_IO_PENDING) {
              this.printf(` ${i}th Read failed ${(stats.error = t.GetLastError())} `);
              result = false;
              break Error;
            }
          }
        } else {
          if (!(yield* t.WriteFile(hDevice, buf + i * BUFFER_SIZE, BUFFER_SIZE, null, pOvList[i]!))) {
            error = t.GetLastError();
            if (error !== ERROR_IO_PENDING) {
              this.printf(` ${i}th Write failed ${(stats.error = t.GetLastError())} `);
              result = false;
              break Error;
            }
          }
        }
        issued();
      }

      // Wait for the I/Os to complete. If one completes then reissue the I/O
      for (;;) {
        if (!(yield* t.GetQueuedCompletionStatus(hCompletionPort, numberOfBytesTransferred, key, completedOv, INFINITE))) {
          this.printf(`GetQueuedCompletionStatus failed ${(stats.error = t.GetLastError())}`);
          result = false;
          break Error;
        }
        inFlight--;
        stats.completed++;
        stats.bytes += numberOfBytesTransferred.value;
        i = pOvList.indexOf(completedOv.value!);
        if (ioType === READER_TYPE) {
          this.printf(`Number of bytes read by request number ${i} is ${numberOfBytesTransferred.value}`);
          // If we're done with the I/Os, then exit
          if (this.G_LimitedLoops) {
            if (--remainingRequestsToReceive === 0) break;
            if (remainingRequestsToSend === 0) continue;
            remainingRequestsToSend--;
          }
          if (!(yield* t.ReadFile(hDevice, buf + i * BUFFER_SIZE, BUFFER_SIZE, null, completedOv.value))) {
            error = t.GetLastError();
            if (error !== ERROR_IO_PENDING) {
              this.printf(`${i}th Read failed ${(stats.error = t.GetLastError())} `);
              result = false;
              break Error;
            }
          }
        } else {
          this.printf(`Number of bytes written by request number ${i} is ${numberOfBytesTransferred.value}`);
          if (this.G_LimitedLoops) {
            if (--remainingRequestsToReceive === 0) break;
            if (remainingRequestsToSend === 0) continue;
            remainingRequestsToSend--;
          }
          if (!(yield* t.WriteFile(hDevice, buf + i * BUFFER_SIZE, BUFFER_SIZE, null, completedOv.value))) {
            error = t.GetLastError();
            if (error !== ERROR_IO_PENDING) {
              this.printf(`${i}th write failed ${(stats.error = t.GetLastError())} `);
              result = false;
              break Error;
            }
          }
        }
        issued();
      }
    }
    if (hDevice !== INVALID_HANDLE_VALUE) yield* t.CloseHandle(hDevice);
    if (hCompletionPort) yield* t.CloseHandle(hCompletionPort);
    if (buf) t.VirtualFree(buf, 0, MEM_RELEASE);
    return result ? 1 : 0;
  }
}

const USAGE = [
  "Usage:",
  "    Echoapp.exe         --- Send single write and read request synchronously",
  "    Echoapp.exe -Async  --- Send reads and writes asynchronously without terminating",
  "    Echoapp.exe -Async <number> --- Send <number> reads and writes asynchronously",
  "Exit the app anytime by pressing Ctrl-C",
];

/**
 * echoapp's main: starts `echoapp.exe` in the machine and runs the default test, or with
 * `-Async [n]` a reader thread and a writer thread (the main thread), n requests each;
 * returns its exit code (0 success, 1 failure). `app` receives the EchoApp (for its stats);
 * `devicePath` finds the device as the KMDF/UMDF echoapp does (by interface) instead of the WDM name.
 */
export function main(
  machine: Machine, args: readonly string[] = [], log: Log = noLog,
  options: { readonly app?: (app: EchoApp) => void; readonly devicePath?: (app: Win32Process, log: Log) => string | null } = {},
): number {
  const echo = new EchoApp(log);
  options.app?.(echo);
  let hDevice: HANDLE = INVALID_HANDLE_VALUE;
  let th1: HANDLE = 0;
  let result = true;
  const app = Win32Process.create(machine, "echoapp.exe");
  exit: {
    if (args.length > 0) {
      if (args[0]!.slice(0, 6).toLowerCase() === "-async") {
        echo.G_PerformAsyncIo = true;
        // C's argc counts the program name: `argc > 2` is a count after -Async.
        // atoi: digits up to the first non-digit, 0 if none. Without a count the C program
        // runs until Ctrl-C; here it stops after DEFAULT_ASYNC_COUNT requests a thread.
        echo.G_AsyncIoLoopsNum = args.length > 1 ? Number.parseInt(args[1]!, 10) || 0 : DEFAULT_ASYNC_COUNT;
        echo.G_LimitedLoops = true;
      } else {
        for (const line of USAGE) log(line);
        result = false;
        break exit;
      }
    }
    if (options.devicePath !== undefined) {
      // The KMDF and UMDF echoapp finds the device by its interface (GetDevicePath).
      const path = options.devicePath(app, log);
      if (path === null) {
        result = false;
        break exit;
      }
      echo.G_DevicePath = path;
    }
    log(`DevicePath: ${echo.G_DevicePath}`);
    hDevice = app.CreateFile(echo.G_DevicePath, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, null, OPEN_EXISTING, 0, 0);
    if (hDevice === INVALID_HANDLE_VALUE) {
      log(`Failed to open device. Error ${app.GetLastError()}`);
      result = false;
      break exit;
    }
    log("Opened device successfully");
    if (echo.G_PerformAsyncIo) {
      log("Starting AsyncIo");
      // Create a reader thread
      th1 = app.CreateThread(null, 0, (p, t) => echo.AsyncIo(p, t), READER_TYPE, 0, null);
      if (th1 === 0) {
        log(`Couldn't create reader thread - error ${app.GetLastError()}`);
        result = false;
        break exit;
      }
      // Use this thread for performing write.
      result = app.CallThreadProc((p, t) => echo.AsyncIo(p, t), WRITER_TYPE) !== 0;
    } else {
      // Write pattern buffers and read them back, then verify them
      result = PerformWriteReadTest(app, hDevice, 512, log).ok;
      if (!result) break exit;
      result = PerformWriteReadTest(app, hDevice, 30 * 1024, log).ok;
      if (!result) break exit;
    }
  }
  if (th1 !== 0) {
    app.WaitForSingleObject(th1, INFINITE);
    const code = Out(0);
    app.GetExitCodeThread(th1, code);
    if (code.value === 0) result = false;
    app.CloseHandle(th1);
  }
  if (hDevice !== INVALID_HANDLE_VALUE) app.CloseHandle(hDevice);
  const code = result ? 0 : 1;
  app.ExitProcess(code);
  return code;
}
