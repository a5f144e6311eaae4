/**
 * nonpnpapp.exe (testapp.c of WDK general/ioctl/kmdf/exe) as a program of the emulated machine:
 * it opens `\\.\NONPNP\nonpnpsamp.log` (installing the driver first if the device is missing),
 * sends the four IOCTLs (DoIoctls, the same code as the WDM twin's testapp), then writes a buffer
 * of rand() bytes through the driver to its file, reads the same length back and compares
 * (DoFileReadWrite; `-l` repeats it), closes the device and removes the driver.
 */
import { Out, type DRIVER_INITIALIZE, type Machine } from "@wdfjs/kernel";
import { DoIoctls, METHODS, type Log } from "@wdfjs/sample-wdm-ioctl";
import {
  CREATE_ALWAYS, ERROR_FILE_NOT_FOUND, ERROR_PATH_NOT_FOUND, FILE_ATTRIBUTE_NORMAL, GENERIC_READ, GENERIC_WRITE, INVALID_HANDLE_VALUE, MEM_COMMIT,
  MEM_RELEASE, MEM_RESERVE, PAGE_READWRITE, Win32Process, type HANDLE, type Win32Thread,
} from "@wdfjs/win32";
import { DriverEntry } from "./nonpnp.js";
import { DEVICE_NAME, DRIVER_NAME } from "./public.js";

export { DoIoctl, DoIoctls, METHODS, type IoctlResult, type Log, type TransferMethod } from "@wdfjs/sample-wdm-ioctl";

const noLog: Log = () => {};

export const USAGE = ["Usage: nonpnpapp <-l> ", " -l  { option to continuously read & write to the file} "];

/** The C runtime's rand() (MSVC: a linear congruential generator, results 0..RAND_MAX = 0x7fff), seeded by srand. */
export class CRand {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  rand(): number {
    this.state = (Math.imul(this.state, 214013) + 2531011) >>> 0;
    return (this.state >>> 16) & 0x7fff;
  }
}

/**
 * DoFileReadWrite: a non-zero rand() length, a buffer of `(UCHAR) rand() % UCHAR_MAX` bytes
 * written through the driver, the same length read back into a second buffer, and the two
 * compared. TRUE when the counts and the bytes match.
 */
export function DoFileReadWrite(app: Win32Thread, HDevice: HANDLE, random: CRand, log: Log = noLog): boolean {
  let bufLength = random.rand();
  // Try until the length is not zero.
  while (bufLength === 0) bufLength = random.rand();
  let readBuf = 0;
  let ret = false;
  const writeBuf = app.VirtualAlloc(0, bufLength, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
  End: {
    if (writeBuf === 0) break End;
    const bytes = new Uint8Array(bufLength);
    // `(UCHAR) rand() % UCHAR_MAX`: the cast binds first.
    for (let index = bufLength; index > 0; index--) bytes[index - 1] = (random.rand() & 0xff) % 255;
    app.WriteMemory(writeBuf, bytes);
    log(`Write ${bufLength} bytes to file`);
    const bytesWritten = Out(0);
    if (!app.WriteFile(HDevice, writeBuf, bufLength, bytesWritten, null)) {
      // testapp.c's message names ReadFile here.
      log(`ReadFile failed with error 0x${app.GetLastError().toString(16)}`);
      break End;
    }
    readBuf = app.VirtualAlloc(0, bufLength, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    if (readBuf === 0) break End;
    log(`Read ${bufLength} bytes from the same file`);
    const bytesRead = Out(0);
    if (!app.ReadFile(HDevice, readBuf, bufLength, bytesRead, null)) {
      log(`Error: ReadFile failed with error 0x${app.GetLastError().toString(16)}`);
      break End;
    }
    if (bytesRead.value !== bytesWritten.value) {
      log(`bytesRead(${bytesRead.value}) != bytesWritten(${bytesWritten.value})`);
      break End;
    }
    const read = app.ReadMemory(readBuf, bufLength);
    if (read.some((b, i) => b !== bytes[i])) {
      log("Error: ReadBuf and WriteBuf contents are not the same");
      break End;
    }
    ret = true;
  }
  if (readBuf !== 0) app.VirtualFree(readBuf, 0, MEM_RELEASE);
  if (writeBuf !== 0) app.VirtualFree(writeBuf, 0, MEM_RELEASE);
  return ret;
}

export interface NonPnpAppOptions {
  /** srand's seed; testapp uses time(NULL), here the machine's clock in seconds. */
  readonly seed?: number;
  /** How many write/read rounds `-l` does (testapp loops until ^C). Default 3. */
  readonly loops?: number;
  /** The driver the program installs when the device is missing (ManageDriver); default nonpnp's DriverEntry. */
  readonly driver?: DRIVER_INITIALIZE;
}

/**
 * testapp's main: `-l` (or `/l`) loops the file test; any other option prints the usage and
 * exits. Opens the device (installing the driver as the service NONPNP if it is missing), runs
 * DoIoctls and DoFileReadWrite, closes the device and removes the driver, as testapp does
 * (ManageDriver DRIVER_FUNC_REMOVE: the driver unloads). Exit code 0 when every IOCTL and
 * every file round succeeded, 1 otherwise.
 */
export function main(machine: Machine, args: readonly string[] = [], log: Log = noLog, options: NonPnpAppOptions = {}): number {
  let G_fLoop = false;
  for (const a of args) {
    if (a.startsWith("-") || a.startsWith("/")) {
      if (a[1] === "l" || a[1] === "L") G_fLoop = true;
      else {
        for (const line of USAGE) log(line);
        return 1;
      }
    }
  }
  const app = Win32Process.create(machine, "nonpnpapp.exe");
  const exit = (code: number): number => {
    app.ExitProcess(code);
    return code;
  };
  let hDevice = app.CreateFile(DEVICE_NAME, GENERIC_READ | GENERIC_WRITE, 0, null, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, 0);
  if (hDevice === INVALID_HANDLE_VALUE) {
    const errNum = app.GetLastError();
    if (!(errNum === ERROR_FILE_NOT_FOUND || errNum === ERROR_PATH_NOT_FOUND)) {
      log(`CreateFile failed!  ERROR_FILE_NOT_FOUND = ${errNum}`);
      return exit(1);
    }
    // The driver is not started yet: install it (the service control manager loads it).
    if (machine.loadDriver(DRIVER_NAME, options.driver ?? DriverEntry) !== 0) {
      log("Unable to install driver. ");
      return exit(1);
    }
    hDevice = app.CreateFile(DEVICE_NAME, GENERIC_READ | GENERIC_WRITE, 0, null, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, 0);
    if (hDevice === INVALID_HANDLE_VALUE) {
      log(`Error: CreatFile Failed : ${app.GetLastError()}`);
      return exit(1);
    }
  }
  const results = DoIoctls(app, hDevice, log);
  let ok = results.length === METHODS.length && results.every((r) => r.ok);
  const random = new CRand(options.seed ?? Math.floor(machine.now / 1000));
  const rounds = G_fLoop ? (options.loops ?? 3) : 1;
  for (let round = 0; round < rounds; round++) {
    if (!DoFileReadWrite(app, hDevice, random, log)) {
      ok = false;
      break;
    }
    if (round + 1 < rounds) app.Sleep(1000); // sleep for 1 sec.
  }
  // Close the device before the driver is removed, then remove it; errors are ignored.
  app.CloseHandle(hDevice);
  if (machine.driver(DRIVER_NAME) !== undefined) machine.unloadDriver(DRIVER_NAME);
  return exit(ok ? 0 : 1);
}
