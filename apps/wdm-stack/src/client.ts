/**
 * stackapp: the stack's client program, written against @wdfjs/win32 as a C client is
 * against kernel32. One handle, synchronous or overlapped; each method is one
 * DeviceIoControl with a buffer in the program's own memory.
 */
import { Out } from "@wdfjs/kernel";
import {
  ERROR_IO_PENDING, FILE_FLAG_OVERLAPPED, GENERIC_READ, GENERIC_WRITE, INVALID_HANDLE_VALUE, MEM_COMMIT, MEM_RESERVE,
  OPEN_EXISTING, OVERLAPPED, PAGE_READWRITE, type Win32Thread,
} from "@wdfjs/win32";
import { IOCTL_STACK_COPY, IOCTL_STACK_ECHO, IOCTL_STACK_OWN_IRP, IOCTL_STACK_PEND, IOCTL_STACK_STAMP, STACK_WIN32_NAME, STAMP_OUTPUT_LENGTH } from "./ioctl.js";

/** The result of one call: the BOOL DeviceIoControl returned, GetLastError, and the bytes. */
export interface StackCallResult {
  readonly ok: boolean;
  readonly error: number;
  readonly bytes: Uint8Array;
}

export interface StampResult extends StackCallResult {
  /** What the function driver read (the client's value with the filter's flag). */
  readonly seen: number;
  readonly result: number;
  /** What the filter's completion routine appended. */
  readonly filterUp: number;
}

function ulong(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

function ulongBytes(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
}

/** An overlapped request in flight: its OVERLAPPED and where its output will land. */
export interface PendingStackCall {
  readonly overlapped: OVERLAPPED;
  /** DeviceIoControl returned FALSE with ERROR_IO_PENDING. */
  readonly pended: boolean;
  readonly output: number;
  readonly outputLength: number;
}

export class StackClient {
  readonly handle: number;
  private readonly input: number;
  private readonly output: number;

  /** Opens `\\.\StackSample`; throws with the Win32 error if it cannot. */
  constructor(
    readonly app: Win32Thread,
    readonly overlapped = false,
  ) {
    this.handle = app.CreateFile(STACK_WIN32_NAME, GENERIC_READ | GENERIC_WRITE, 0, null, OPEN_EXISTING, overlapped ? FILE_FLAG_OVERLAPPED : 0, 0);
    if (this.handle === INVALID_HANDLE_VALUE) throw new Error(`CreateFile(${STACK_WIN32_NAME}) failed: error ${app.GetLastError()}`);
    this.input = app.VirtualAlloc(0, 4096, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    this.output = app.VirtualAlloc(0, 4096, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
  }

  private call(code: number, data: ArrayLike<number>, outLength: number): StackCallResult {
    const app = this.app;
    app.WriteMemory(this.input, data);
    const n = Out(0);
    let ok: boolean;
    if (this.overlapped) {
      const ov = new OVERLAPPED();
      ok = app.DeviceIoControl(this.handle, code, this.input, data.length, this.output, outLength, n, ov);
      if (!ok && app.GetLastError() === ERROR_IO_PENDING) ok = app.GetOverlappedResult(this.handle, ov, n, true);
    } else {
      ok = app.DeviceIoControl(this.handle, code, this.input, data.length, this.output, outLength, n, null);
    }
    const error = ok ? 0 : app.GetLastError();
    return { ok, error, bytes: app.ReadMemory(this.output, n.value) };
  }

  /** IOCTL_STACK_COPY: the bytes back unchanged (buffered echo). */
  copy(data: ArrayLike<number>, outLength = data.length): StackCallResult {
    return this.call(IOCTL_STACK_COPY, data, outLength);
  }

  /** IOCTL_STACK_ECHO: the bytes back, reversed by the function driver. */
  echo(data: ArrayLike<number>, outLength = data.length): StackCallResult {
    return this.call(IOCTL_STACK_ECHO, data, outLength);
  }

  /** IOCTL_STACK_STAMP: the value through the filter's change down and its change up. */
  stamp(value: number, outLength = STAMP_OUTPUT_LENGTH): StampResult {
    const r = this.call(IOCTL_STACK_STAMP, ulongBytes(value), outLength);
    const b = r.bytes;
    return { ...r, seen: b.length >= 4 ? ulong(b, 0) : 0, result: b.length >= 8 ? ulong(b, 4) : 0, filterUp: b.length >= 12 ? ulong(b, 8) : 0 };
  }

  /** IOCTL_STACK_PEND: pended by the lower driver; value + 1 comes back. */
  pend(value: number): StackCallResult {
    return this.call(IOCTL_STACK_PEND, ulongBytes(value), 4);
  }

  /** IOCTL_STACK_OWN_IRP: answered through the function driver's own IRP; value * 2 comes back. */
  ownIrp(value: number): StackCallResult {
    return this.call(IOCTL_STACK_OWN_IRP, ulongBytes(value), 4);
  }

  /**
   * Start a request on an overlapped handle without waiting for it (each in its own
   * buffers). Finish it with `finish`.
   */
  start(code: number, value: number, outLength = 4): PendingStackCall {
    const app = this.app;
    const input = app.VirtualAlloc(0, 4096, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    const output = app.VirtualAlloc(0, 4096, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    app.WriteMemory(input, ulongBytes(value));
    const ov = new OVERLAPPED();
    ov.hEvent = app.CreateEvent(null, true, false, null);
    const ok = app.DeviceIoControl(this.handle, code, input, 4, output, outLength, null, ov);
    return { overlapped: ov, pended: !ok && app.GetLastError() === ERROR_IO_PENDING, output, outputLength: outLength };
  }

  /** GetOverlappedResult for a started request: waits (the machine runs) unless `wait` is false. */
  finish(call: PendingStackCall, wait = true): StackCallResult {
    const n = Out(0);
    const ok = this.app.GetOverlappedResult(this.handle, call.overlapped, n, wait);
    const error = ok ? 0 : this.app.GetLastError();
    return { ok, error, bytes: ok ? this.app.ReadMemory(call.output, n.value) : new Uint8Array(0) };
  }

  close(): boolean {
    return this.app.CloseHandle(this.handle);
  }
}

/** Read a ULONG from a result's bytes (little-endian, as the drivers write it). */
export function resultUlong(r: StackCallResult, at = 0): number {
  return ulong(r.bytes, at);
}
