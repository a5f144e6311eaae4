import type { NTSTATUS } from "../ntstatus.js";

/**
 * A structured exception (SEH) raised in kernel code: a bad user address touched at
 * PASSIVE_LEVEL, a failed probe, `ExRaiseStatus`. It is deliberately not an `Error`
 * (no stack capture): drivers catch it with `__try`, exactly where C uses
 * `__try/__except`. One that escapes the driver is KMODE_EXCEPTION_NOT_HANDLED.
 */
export class SehException {
  constructor(
    readonly ExceptionCode: NTSTATUS,
    readonly ExceptionAddress: number = 0,
    /** For access violations: 0 read, 1 write; and the address that faulted. */
    readonly AccessType: number = 0,
    readonly FaultingAddress: number = 0,
  ) {}
}

export const EXCEPTION_EXECUTE_HANDLER = 1;
export const EXCEPTION_CONTINUE_SEARCH = 0;

/** `ExRaiseStatus`: raise a structured exception with the given code. */
export function ExRaiseStatus(Status: NTSTATUS): never {
  throw new SehException(Status);
}

/**
 * `__try { body } __except (filter) { handler }`. The handler receives what
 * `GetExceptionCode()` would return. Only structured exceptions are caught; a bug
 * check or a bug in wdfjs passes through. The filter defaults to
 * EXCEPTION_EXECUTE_HANDLER.
 */
export function __try<T>(
  body: () => T,
  handler: (ExceptionCode: NTSTATUS) => T,
  filter?: (ExceptionCode: NTSTATUS) => number,
): T {
  try {
    return body();
  } catch (e) {
    if (e instanceof SehException && (!filter || filter(e.ExceptionCode) === EXCEPTION_EXECUTE_HANDLER)) {
      return handler(e.ExceptionCode);
    }
    throw e;
  }
}
