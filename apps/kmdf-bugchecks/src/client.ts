/**
 * kbugapp: the client a user runs against each broken KMDF driver, written against @wdfjs/win32.
 * It opens `\\.\<name>` and sends one DeviceIoControl at a time; when the driver's bug stops the
 * machine, the call throws the BugCheck out to the caller.
 */
import { Out } from "@wdfjs/kernel";
import { GENERIC_READ, GENERIC_WRITE, INVALID_HANDLE_VALUE, MEM_COMMIT, MEM_RESERVE, OPEN_EXISTING, PAGE_READWRITE, type Win32Thread } from "@wdfjs/win32";
import { IOCTL_BUG_PING } from "./common.js";

export interface BugCallResult {
  readonly ok: boolean;
  readonly error: number;
  readonly bytes: number;
}

export class BugClient {
  readonly handle: number;
  readonly buffer: number;

  constructor(readonly app: Win32Thread, readonly name: string) {
    this.handle = app.CreateFile(`\\\\.\\${name}`, GENERIC_READ | GENERIC_WRITE, 0, null, OPEN_EXISTING, 0, 0);
    if (this.handle === INVALID_HANDLE_VALUE) throw new Error(`CreateFile(\\\\.\\${name}) failed: error ${app.GetLastError()}`);
    this.buffer = app.VirtualAlloc(0, 4096, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
  }

  /** DeviceIoControl with `input` in the program's buffer and an output buffer of `outLength` bytes. */
  control(code: number, input: ArrayLike<number> = [0, 0, 0, 0], outLength = 4): BugCallResult {
    const app = this.app;
    app.WriteMemory(this.buffer, input);
    const n = Out(0);
    const ok = app.DeviceIoControl(this.handle, code, this.buffer, input.length, this.buffer + 2048, outLength, n, null);
    return { ok, error: ok ? 0 : app.GetLastError(), bytes: n.value };
  }

  /** The request every driver here answers correctly. */
  ping(): boolean {
    return this.control(IOCTL_BUG_PING).ok;
  }

  close(): boolean {
    return this.app.CloseHandle(this.handle);
  }
}
