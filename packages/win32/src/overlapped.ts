/**
 * OVERLAPPED: Internal holds the NTSTATUS (STATUS_PENDING while in flight) and
 * InternalHigh the bytes transferred, exactly as the I/O manager fills them in (they
 * are the request's IO_STATUS_BLOCK). The kernel writes them through `Status` and
 * `Information`.
 */
export class OVERLAPPED {
  Internal = 0;
  InternalHigh = 0;
  Offset = 0;
  OffsetHigh = 0;
  /** An event handle the I/O manager sets on completion, or 0. */
  hEvent = 0;
  /** Whatever the program wants to attach (in C, a struct embedding the OVERLAPPED). */
  Context: unknown = null;

  get Status(): number {
    return this.Internal;
  }
  set Status(v: number) {
    this.Internal = v;
  }
  get Information(): number {
    return this.InternalHigh;
  }
  set Information(v: number) {
    this.InternalHigh = v;
  }
}
export type LPOVERLAPPED = OVERLAPPED;

const STATUS_PENDING = 0x103;

/** `HasOverlappedIoCompleted`: the request is no longer pending. */
export function HasOverlappedIoCompleted(lpOverlapped: OVERLAPPED): boolean {
  return lpOverlapped.Internal !== STATUS_PENDING;
}
