/**
 * The stack's request log: what each of the three drivers did, in the order it happened
 * on one machine. The loader hands one log to all three drivers in
 * DriverObject.DriverContext (see installStack), so tests can read the order of
 * dispatch routines (top-down) and completion routines (bottom-up).
 */
import { IoGetCurrentIrpStackLocationIndex, KeGetCurrentIrql, type IRP } from "@wdfjs/kernel";

export type StackDriverRole = "filter" | "function" | "lower";

export interface StackLogEntry {
  readonly driver: StackDriverRole;
  /** `dispatch`, `completion`, `pend`, `complete`, `allocate-irp`, `free-irp`, ... */
  readonly event: string;
  /** IRP_MJ_CREATE → "CREATE", a device control → its IOCTL name. */
  readonly request: string;
  /** The IRP's current stack location when the entry was made (3 = top of a three-deep IRP). */
  readonly location: number;
  /** Irp->PendingReturned as the driver saw it (meaningful in completion routines). */
  readonly pendingReturned: boolean;
  readonly irql: number;
  readonly irp: IRP;
  /** Anything else the driver wants to say (a value it saw, a status). */
  readonly detail: string;
}

export class StackLog {
  readonly entries: StackLogEntry[] = [];
  constructor(
    /** Off for benchmarks: nothing is recorded, nothing allocated. */
    public enabled = true,
  ) {}

  add(driver: StackDriverRole, event: string, request: string, Irp: IRP, detail = ""): void {
    if (!this.enabled) return;
    this.entries.push({
      driver,
      event,
      request,
      location: IoGetCurrentIrpStackLocationIndex(Irp),
      pendingReturned: Irp.PendingReturned,
      irql: KeGetCurrentIrql(),
      irp: Irp,
      detail,
    });
  }

  /** `"filter dispatch STAMP"`, one line an entry, optionally only for one request. */
  lines(request?: string): string[] {
    return this.entries.filter((e) => request === undefined || e.request === request).map((e) => `${e.driver} ${e.event} ${e.request}`);
  }

  clear(): void {
    this.entries.length = 0;
  }
}

/** The log the loader gave this driver, or a private one if it was loaded on its own. */
export function logOf(DriverObject: { DriverContext: any }): StackLog {
  if (!(DriverObject.DriverContext instanceof StackLog)) DriverObject.DriverContext = new StackLog();
  return DriverObject.DriverContext as StackLog;
}
