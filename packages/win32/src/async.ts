import { Out } from "@wdfjs/kernel";
import { FILE_FLAG_OVERLAPPED, GENERIC_READ, GENERIC_WRITE, INVALID_HANDLE_VALUE, MEM_RELEASE, OPEN_EXISTING, type HANDLE } from "./constants.js";
import { ERROR_IO_PENDING, INFINITE, Win32ErrorName } from "./errors.js";
import { OVERLAPPED } from "./overlapped.js";
import type { Win32Thread } from "./process.js";

/** A Win32 call failed: `code` is what GetLastError returned. */
export class Win32Error extends Error {
  constructor(
    readonly code: number,
    readonly operation: string,
  ) {
    super(`${operation} failed with ${Win32ErrorName(code)} (Win32 error ${code})`);
    this.name = "Win32Error";
  }
}

interface Pending {
  settled: boolean;
  bytes: number;
  error: number;
  buffer: number;
  finish: (r: Pending) => void;
}

/**
 * A promise-based convenience layer over overlapped I/O (ours, not a Win32 API): a device
 * opened with FILE_FLAG_OVERLAPPED and bound to a completion port of its own. Each
 * `read`/`write`/`ioctl` issues the overlapped call at once and returns a promise-like
 * that, when awaited, runs the machine (GetQueuedCompletionStatus) until its request
 * completes, so several requests can be in flight and awaited together.
 *
 * ```ts
 * const dev = AsyncDevice.open(app, "\\\\.\\Echo");
 * const [n, data] = await Promise.all([dev.write([1, 2, 3]), dev.read(3)]);
 * ```
 */
export class AsyncDevice {
  private readonly pending = new Map<OVERLAPPED, Pending>();

  private constructor(
    readonly app: Win32Thread,
    readonly handle: HANDLE,
    readonly port: HANDLE,
  ) {}

  /** Opens `path` for overlapped I/O; throws Win32Error if CreateFile fails. */
  static open(app: Win32Thread, path: string, access = GENERIC_READ | GENERIC_WRITE, shareMode = 0): AsyncDevice {
    const h = app.CreateFile(path, access, shareMode, null, OPEN_EXISTING, FILE_FLAG_OVERLAPPED, 0);
    if (h === INVALID_HANDLE_VALUE) throw new Win32Error(app.GetLastError(), `CreateFile(${path})`);
    const port = app.CreateIoCompletionPort(h, 0, 1, 0);
    if (port === 0) {
      const code = app.GetLastError();
      app.CloseHandle(h);
      throw new Win32Error(code, "CreateIoCompletionPort");
    }
    return new AsyncDevice(app, h, port);
  }

  /** Reads up to `length` bytes; resolves with the bytes read. */
  read(length: number): PromiseLike<Uint8Array> {
    return this.issue("ReadFile", Math.max(length, 1), (buf, ov) => this.app.ReadFile(this.handle, buf, length, null, ov), (r) => this.app.ReadMemory(r.buffer, r.bytes));
  }

  /** Writes `data`; resolves with the number of bytes written. */
  write(data: ArrayLike<number>): PromiseLike<number> {
    return this.issue("WriteFile", Math.max(data.length, 1), (buf, ov) => {
      this.app.WriteMemory(buf, data);
      return this.app.WriteFile(this.handle, buf, data.length, null, ov);
    }, (r) => r.bytes);
  }

  /** DeviceIoControl with `input`; resolves with the bytes the driver returned. */
  ioctl(code: number, input: ArrayLike<number>, outputLength: number): PromiseLike<Uint8Array> {
    return this.issue("DeviceIoControl", Math.max(input.length, outputLength, 1), (buf, ov) => {
      this.app.WriteMemory(buf, input);
      return this.app.DeviceIoControl(this.handle, code, buf, input.length, buf, outputLength, null, ov);
    }, (r) => this.app.ReadMemory(r.buffer, r.bytes));
  }

  /** CancelIoEx on every request of this device still in flight (they reject with ERROR_OPERATION_ABORTED). */
  cancel(): void {
    if (this.pending.size > 0) this.app.CancelIoEx(this.handle, null);
  }

  /** Closes the handle and the port. Requests still in flight are cancelled by the driver's cleanup. */
  close(): void {
    this.app.CloseHandle(this.handle);
    this.drain();
    this.app.CloseHandle(this.port);
  }

  private issue<T>(operation: string, size: number, start: (buffer: number, ov: OVERLAPPED) => boolean, result: (r: Pending) => T): PromiseLike<T> {
    const app = this.app;
    const buffer = app.VirtualAlloc(0, size, 0x3000, 0x04);
    let resolve!: (v: T) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const record: Pending = {
      settled: false,
      bytes: 0,
      error: 0,
      buffer,
      finish: (r) => {
        try {
          if (r.error !== 0) reject(new Win32Error(r.error, operation));
          else resolve(result(r));
        } finally {
          app.VirtualFree(buffer, 0, MEM_RELEASE);
        }
      },
    };
    const ov = new OVERLAPPED();
    if (buffer === 0) {
      record.error = app.GetLastError();
      record.settled = true;
      record.finish(record);
    } else if (!start(buffer, ov) && app.GetLastError() !== ERROR_IO_PENDING) {
      // Failed before any I/O was queued: no completion packet will come.
      record.error = app.GetLastError();
      record.settled = true;
      record.finish(record);
    } else {
      // Pending, or done at once: either way the port gets a packet for it.
      this.pending.set(ov, record);
    }
    return {
      then: (onFulfilled, onRejected) => {
        this.pumpUntil(record);
        return promise.then(onFulfilled, onRejected);
      },
    };
  }

  /** Runs the machine, dispatching completion packets, until `record` has settled. */
  private pumpUntil(record: Pending): void {
    while (!record.settled && this.pending.size > 0) this.dispatchOne(INFINITE);
  }

  private drain(): void {
    while (this.pending.size > 0) this.dispatchOne(INFINITE);
  }

  private dispatchOne(timeout: number): void {
    const bytes = Out(0);
    const key = Out(0);
    const got = Out<OVERLAPPED | null>(null);
    const ok = this.app.GetQueuedCompletionStatus(this.port, bytes, key, got, timeout);
    const ov = got.value;
    if (ov === null) {
      // The port itself failed (its handle is gone, the process ended): nothing in flight
      // can be heard of again, so every pending request fails with that error.
      const error = this.app.GetLastError();
      for (const [, r] of this.pending) {
        r.settled = true;
        r.error = error;
        r.finish(r);
      }
      this.pending.clear();
      return;
    }
    const record = this.pending.get(ov);
    if (!record) return;
    this.pending.delete(ov);
    record.settled = true;
    record.bytes = bytes.value;
    record.error = ok ? 0 : this.app.GetLastError();
    record.finish(record);
  }
}
