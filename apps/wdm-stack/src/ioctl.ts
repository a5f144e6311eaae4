/**
 * The stack's interface: its names and IOCTLs (public.h of a WDK sample). Every code is
 * CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800 + n, METHOD_BUFFERED, FILE_ANY_ACCESS), so the
 * I/O manager copies through one system buffer and no handle access is required.
 */
import { CTL_CODE, FILE_ANY_ACCESS, FILE_DEVICE_UNKNOWN, METHOD_BUFFERED } from "@wdfjs/kernel";

/** The bottom device's name; the symbolic link points here and the I/O manager sends to the top of its stack. */
export const STACK_LOWER_DEVICE_NAME = "\\Device\\StackLower";
export const STACK_DOS_DEVICE_NAME = "\\DosDevices\\StackSample";
/** What a client opens. */
export const STACK_WIN32_NAME = "\\\\.\\StackSample";

/** The three drivers' service names (their DRIVER_OBJECTs are `\Driver\<name>`). */
export const STACK_LOWER_DRIVER = "StackLower";
export const STACK_FUNCTION_DRIVER = "StackFunction";
export const STACK_FILTER_DRIVER = "StackFilter";

/**
 * Echo/transform, handled synchronously by the function driver: the output is the
 * input reversed byte for byte (min(in, out) bytes). The filter still sets a completion
 * routine on it, so every request crosses one real completion routine.
 */
export const IOCTL_STACK_ECHO = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS);

/**
 * Plain buffered echo, handled synchronously by the function driver: the output is the
 * input. With METHOD_BUFFERED the input already lies in the system buffer the I/O manager
 * copies the output from, so the driver only sets Information = min(in, out). This is the
 * benchmark's request: it measures the I/O path, not the driver's own work.
 */
export const IOCTL_STACK_COPY = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x804, METHOD_BUFFERED, FILE_ANY_ACCESS);

/**
 * Changed by the filter both ways. Input: one ULONG. On the way down the filter ORs
 * STAMP_FILTER_DOWN into it in the system buffer; the function driver answers
 * `{ Seen: ULONG (what it read), Result: ULONG (Seen + 1) }` (8 bytes); on the way up
 * the filter's completion routine appends `FilterUp: ULONG = STAMP_FILTER_UP` and adds
 * 4 to Information. The client receives 12 bytes.
 */
export const IOCTL_STACK_STAMP = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS);
export const STAMP_FILTER_DOWN = 0x0100_0000;
export const STAMP_FILTER_UP = 0xf117e4;
export const STAMP_OUTPUT_LENGTH = 12;

/**
 * Forwarded by the function driver to the lower driver, which pends it and completes it
 * from a timer DPC PEND_DELAY_MS later. Input: one ULONG; output: that ULONG + 1.
 */
export const IOCTL_STACK_PEND = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x802, METHOD_BUFFERED, FILE_ANY_ACCESS);
export const PEND_DELAY_MS = 10;

/**
 * The function driver answers it with an IRP of its own (IoAllocateIrp) carrying
 * IOCTL_STACK_LOWER_QUERY to the lower driver, reclaims that IRP in its completion
 * routine with STATUS_MORE_PROCESSING_REQUIRED, frees it and completes the original.
 * Input: one ULONG; output: the lower driver's answer, that ULONG * 2.
 */
export const IOCTL_STACK_OWN_IRP = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x803, METHOD_BUFFERED, FILE_ANY_ACCESS);

/** Internal (IRP_MJ_INTERNAL_DEVICE_CONTROL, kernel callers only): the lower driver doubles a ULONG, after PEND_DELAY_MS. */
export const IOCTL_STACK_LOWER_QUERY = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x810, METHOD_BUFFERED, FILE_ANY_ACCESS);

export function StackIoctlName(code: number): string {
  switch (code) {
    case IOCTL_STACK_ECHO: return "ECHO";
    case IOCTL_STACK_COPY: return "COPY";
    case IOCTL_STACK_STAMP: return "STAMP";
    case IOCTL_STACK_PEND: return "PEND";
    case IOCTL_STACK_OWN_IRP: return "OWN_IRP";
    case IOCTL_STACK_LOWER_QUERY: return "LOWER_QUERY";
    default: return `0x${code.toString(16)}`;
  }
}

/** The echo IOCTL's transform, for a client or a benchmark to check its output. */
export function stackEchoTransform(input: ArrayLike<number>, outputLength = input.length): Uint8Array {
  const n = Math.min(input.length, outputLength);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = input[n - 1 - i]!;
  return out;
}

/** The copy IOCTL's result: the first min(in, out) input bytes. */
export function stackCopyTransform(input: ArrayLike<number>, outputLength = input.length): Uint8Array {
  return Uint8Array.from(Array.prototype.slice.call(input, 0, Math.min(input.length, outputLength)) as number[]);
}

/**
 * What the benchmark sends through the stack: DeviceIoControl with 64 bytes in and 64
 * out on IOCTL_STACK_COPY. The path is the I/O manager's copy in → filter (copies its
 * stack location, sets a completion routine) → function (completes synchronously) → the
 * filter's completion routine → the I/O manager's copy back. Install with `installOptions` (the request log
 * off, so a long run neither allocates nor grows).
 */
export const benchIoctl = {
  win32Name: STACK_WIN32_NAME,
  code: IOCTL_STACK_COPY,
  inputLength: 64,
  outputLength: 64,
  installOptions: { log: false },
  expectedOutput: stackCopyTransform,
} as const;
