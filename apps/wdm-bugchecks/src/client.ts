/**
 * bugapp: the client a user runs against each broken driver, written against
 * @wdfjs/win32. It opens `\\.\<name>` and sends one DeviceIoControl (or ReadFile) at a time; what it
 * sees when the driver's bug is hit is a BugCheck thrown out of the call, because the
 * machine it runs on has stopped.
 */
import { Out } from "@wdfjs/kernel";
import {
  ERROR_IO_PENDING, FILE_FLAG_OVERLAPPED, GENERIC_READ, GENERIC_WRITE, INVALID_HANDLE_VALUE, MEM_COMMIT, MEM_RESERVE,
  OPEN_EXISTING, OVERLAPPED, PAGE_READWRITE, type Win32Thread,
} from "@wdfjs/win32";
import { IOCTL_BUG_PING } from "./common.js";

export interface BugCallResult {
  readonly ok: boolean;
  readonly error: number;
  readonly bytes: number;
  /** Overlapped only: the call returned ERROR_IO_PENDING and this is its OVERLAPPED. */
  readonly overlapped: OVERLAPPED | null;
}

export class BugClient {
  readonly handle: number;
  readonly buffer: number;

  constructor(
    readonly app: Win32Thread,
    readonly name: string,
    readonly overlapped = false,
  ) {
    this.handle = app.CreateFile(`\\\\.\\${name}`, GENERIC_READ | GENERIC_WRITE, 0, null, OPEN_EXISTING, overlapped ? FILE_FLAG_OVERLAPPED : 0, 0);
    if (this.handle === INVALID_HANDLE_VALUE) throw new Error(`CreateFile(\\\\.\\${name}) failed: error ${app.GetLastError()}`);
    this.buffer = app.VirtualAlloc(0, 4096, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
  }

  /** DeviceIoControl with `input` in the program's buffer (or `inputAddress` as given, for METHOD_NEITHER). */
  control(code: number, input: ArrayLike<number> = [0, 0, 0, 0], outLength = 4, inputAddress?: number): BugCallResult {
    const app = this.app;
    if (inputAddress === undefined) app.WriteMemory(this.buffer, input);
    const n = Out(0);
    const ov = this.overlapped ? new OVERLAPPED() : null;
    const ok = app.DeviceIoControl(this.handle, code, inputAddress ?? this.buffer, input.length, this.buffer + 2048, outLength, n, ov);
    const error = ok ? 0 : app.GetLastError();
    return { ok, error, bytes: n.value, overlapped: ov !== null && !ok && error === ERROR_IO_PENDING ? ov : null };
  }

  /** ReadFile of `length` bytes into the program's buffer. */
  read(length = 4): BugCallResult {
    const app = this.app;
    const n = Out(0);
    const ov = this.overlapped ? new OVERLAPPED() : null;
    const ok = app.ReadFile(this.handle, this.buffer + 2048, length, n, ov);
    const error = ok ? 0 : app.GetLastError();
    return { ok, error, bytes: n.value, overlapped: ov !== null && !ok && error === ERROR_IO_PENDING ? ov : null };
  }

  /** The request every driver here answers correctly. */
  ping(): boolean {
    return this.control(IOCTL_BUG_PING).ok;
  }

  close(): boolean {
    return this.app.CloseHandle(this.handle);
  }
}
