/**
 * testapp.exe of the ioctl sample (general/ioctl/kmdf/exe/testapp.c, DoIoctls) as a
 * program of the emulated machine: it opens the device and sends the four IOCTLs,
 * each with a 200-byte input buffer holding "this String is from User Application;
 * using METHOD_xxx" and a 100-byte output buffer, printing what it gets back.
 */
import { formatAddress, Out, type Machine } from "@wdfjs/kernel";
import {
  CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, GENERIC_READ, GENERIC_WRITE, INVALID_HANDLE_VALUE, MEM_COMMIT, MEM_RELEASE, MEM_RESERVE,
  PAGE_READWRITE, Win32Process, type HANDLE, type Win32Thread,
} from "@wdfjs/win32";
import {
  IOCTL_NONPNP_METHOD_BUFFERED, IOCTL_NONPNP_METHOD_IN_DIRECT, IOCTL_NONPNP_METHOD_NEITHER, IOCTL_NONPNP_METHOD_OUT_DIRECT,
  IOCTL_WIN32_NAME,
} from "./driver.js";

/** Where the program's printf goes. */
export type Log = (line: string) => void;

const noLog: Log = () => {};

/** testapp.c: `char InputBuffer[200]; char OutputBuffer[100];`. */
export const INPUT_BUFFER_SIZE = 200;
export const OUTPUT_BUFFER_SIZE = 100;

export type TransferMethod = "METHOD_BUFFERED" | "METHOD_NEITHER" | "METHOD_IN_DIRECT" | "METHOD_OUT_DIRECT";

/** The control code testapp sends for each method. */
export const IoctlForMethod: Readonly<Record<TransferMethod, number>> = {
  METHOD_BUFFERED: IOCTL_NONPNP_METHOD_BUFFERED,
  METHOD_NEITHER: IOCTL_NONPNP_METHOD_NEITHER,
  METHOD_IN_DIRECT: IOCTL_NONPNP_METHOD_IN_DIRECT,
  METHOD_OUT_DIRECT: IOCTL_NONPNP_METHOD_OUT_DIRECT,
};

/** The order DoIoctls uses. */
export const METHODS: readonly TransferMethod[] = ["METHOD_BUFFERED", "METHOD_NEITHER", "METHOD_IN_DIRECT", "METHOD_OUT_DIRECT"];

export interface IoctlResult {
  readonly method: TransferMethod;
  readonly ok: boolean;
  readonly bytesReturned: number;
  /** The output buffer afterwards, read as a C string (up to its first NUL). */
  readonly output: string;
  /** GetLastError() when the call failed, else 0. */
  readonly error: number;
}

function asciiz(text: string, size: number): Uint8Array {
  const b = new Uint8Array(size);
  for (let i = 0; i < text.length && i < size - 1; i++) b[i] = text.charCodeAt(i) & 0xff;
  return b;
}

function cString(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) {
    if (b === 0) break;
    s += String.fromCharCode(b);
  }
  return s;
}

/** The program's two buffers (its `char InputBuffer[200]` and `char OutputBuffer[100]`). */
export interface TestappBuffers {
  readonly InputBuffer: number;
  readonly OutputBuffer: number;
}

function allocateBuffers(app: Win32Thread): TestappBuffers | null {
  const InputBuffer = app.VirtualAlloc(0, INPUT_BUFFER_SIZE, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
  const OutputBuffer = InputBuffer === 0 ? 0 : app.VirtualAlloc(0, OUTPUT_BUFFER_SIZE, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
  if (OutputBuffer !== 0) return { InputBuffer, OutputBuffer };
  if (InputBuffer !== 0) app.VirtualFree(InputBuffer, 0, MEM_RELEASE);
  return null;
}

function freeBuffers(app: Win32Thread, b: TestappBuffers): void {
  app.VirtualFree(b.InputBuffer, 0, MEM_RELEASE);
  app.VirtualFree(b.OutputBuffer, 0, MEM_RELEASE);
}

// testapp prints the buffers' addresses with %p; we print them as every message here does.
const hex = formatAddress;

/**
 * One DeviceIoControl of DoIoctls: the input string in the 200-byte buffer (length
 * strlen + 1), the 100-byte output buffer zeroed, or holding a string of its own for
 * METHOD_IN_DIRECT, where it carries data to the driver.
 */
export function DoIoctl(app: Win32Thread, hDevice: HANDLE, method: TransferMethod, log: Log = noLog, buffers?: TestappBuffers): IoctlResult {
  const b = buffers ?? allocateBuffers(app);
  if (b === null) return { method, ok: false, bytesReturned: 0, output: "", error: app.GetLastError() };
  const input = `this String is from User Application; using ${method}`;
  app.WriteMemory(b.InputBuffer, asciiz(input, INPUT_BUFFER_SIZE));
  app.WriteMemory(
    b.OutputBuffer,
    method === "METHOD_IN_DIRECT" ? asciiz("This String is from User Application in OutBuffer; using METHOD_IN_DIRECT", OUTPUT_BUFFER_SIZE) : new Uint8Array(OUTPUT_BUFFER_SIZE),
  );
  log("");
  log(`Calling DeviceIoControl ${method}${method === "METHOD_BUFFERED" ? ":" : ""}`);
  const bytesReturned = Out(0);
  const ok = app.DeviceIoControl(hDevice, IoctlForMethod[method], b.InputBuffer, input.length + 1, b.OutputBuffer, OUTPUT_BUFFER_SIZE, bytesReturned, null);
  const error = ok ? 0 : app.GetLastError();
  const output = cString(app.ReadMemory(b.OutputBuffer, OUTPUT_BUFFER_SIZE));
  if (buffers === undefined) freeBuffers(app, b);
  if (!ok) log(`Error in DeviceIoControl : ${error}`);
  else if (method === "METHOD_IN_DIRECT") log(`    Number of bytes transfered from OutBuffer: ${bytesReturned.value}`);
  else log(`    OutBuffer (${bytesReturned.value}): ${output}`);
  return { method, ok, bytesReturned: bytesReturned.value, output, error };
}

/** DoIoctls: the four methods in testapp's order, stopping at the first failure as it does. */
export function DoIoctls(app: Win32Thread, hDevice: HANDLE, log: Log = noLog): IoctlResult[] {
  const b = allocateBuffers(app);
  if (b === null) {
    log(`Could not allocate the buffers: ${app.GetLastError()}`);
    return [];
  }
  log(`InputBuffer Pointer = ${hex(b.InputBuffer)}, BufLength = ${INPUT_BUFFER_SIZE}`);
  log(`OutputBuffer Pointer = ${hex(b.OutputBuffer)} BufLength = ${OUTPUT_BUFFER_SIZE}`);
  const results: IoctlResult[] = [];
  for (const method of METHODS) {
    const r = DoIoctl(app, hDevice, method, log, b);
    results.push(r);
    if (!r.ok) break;
  }
  freeBuffers(app, b);
  return results;
}

/**
 * testapp's main: starts `testapp.exe`, opens `\\.\IoctlTest` (with share mode 0, as the
 * C program does; the I/O manager leaves share access to file systems), runs DoIoctls, closes the handle and exits.
 * Returns the exit code: 0 when all four calls succeeded, 1 otherwise.
 */
export function main(machine: Machine, args: readonly string[] = [], log: Log = noLog): number {
  for (const a of args) {
    if (a.startsWith("-") || a.startsWith("/")) {
      log("Usage: testapp");
      return 1;
    }
  }
  const app = Win32Process.create(machine, "testapp.exe");
  const hDevice = app.CreateFile(IOCTL_WIN32_NAME, GENERIC_READ | GENERIC_WRITE, 0, null, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, 0);
  if (hDevice === INVALID_HANDLE_VALUE) {
    log(`Error: CreatFile Failed : ${app.GetLastError()}`);
    app.ExitProcess(1);
    return 1;
  }
  const results = DoIoctls(app, hDevice, log);
  app.CloseHandle(hDevice);
  const code = results.length === METHODS.length && results.every((r) => r.ok) ? 0 : 1;
  app.ExitProcess(code);
  return code;
}
