import { cur } from "../context.js";
import { KeBugCheckEx, KiAddressOfRoutine } from "../ke/bugcheck.js";
import { CANCEL_STATE_IN_COMPLETED_IRP } from "../ke/bugcheck-codes.js";
import { KiSchedulingPoint } from "../ke/preempt.js";
import type { Box } from "../box.js";
import type { KIRQL } from "../ke/irql.js";
import { KeAcquireSpinLock, KeReleaseSpinLock } from "../ke/spin-lock.js";
import type { DRIVER_CANCEL, IRP } from "./irp.js";

/** `IoAcquireCancelSpinLock`: the one system-wide (here machine-wide) cancel lock. */
export function IoAcquireCancelSpinLock(Irql: Box<KIRQL>): void {
  KeAcquireSpinLock(cur.io.cancelSpinLock, Irql);
}

export function IoReleaseCancelSpinLock(Irql: KIRQL): void {
  KeReleaseSpinLock(cur.io.cancelSpinLock, Irql);
}

/** `IoSetCancelRoutine`: an atomic exchange; returns the previous routine. */
export function IoSetCancelRoutine(Irp: IRP, CancelRoutine: DRIVER_CANCEL | null): DRIVER_CANCEL | null {
  KiSchedulingPoint();
  const old = Irp.CancelRoutine;
  Irp.CancelRoutine = CancelRoutine;
  // After the exchange too: `IoSetCancelRoutine(Irp, Cancel); if (Irp->Cancel) ...` is the
  // classic window a cancel from another thread falls into.
  KiSchedulingPoint();
  return old;
}

/**
 * `IoCancelIrp`: sets Irp->Cancel and, if a cancel routine is set, calls it with the
 * cancel spin lock held (the routine releases it with Irp->CancelIrql). TRUE if a
 * cancel routine was called.
 */
export function IoCancelIrp(Irp: IRP): boolean {
  KiSchedulingPoint();
  const m = cur;
  const irql = { value: 0 };
  IoAcquireCancelSpinLock(irql);
  Irp.Cancel = true;
  const routine = Irp.CancelRoutine;
  Irp.CancelRoutine = null;
  if (routine === null) {
    IoReleaseCancelSpinLock(irql.value);
    return false;
  }
  // A cancel routine still set on an IRP completion has already passed (Windows checks
  // CurrentLocation past the last stack location, as here).
  if (Irp.CurrentLocation > Irp.StackCount + 1) {
    // P1 the IRP, P2 the cancel routine the driver set.
    KeBugCheckEx(CANCEL_STATE_IN_COMPLETED_IRP, Irp.address, KiAddressOfRoutine(routine), 0, 0, "IoCancelIrp was called for an IRP that had already been completed with its cancel routine still set.");
  }
  Irp.CancelIrql = irql.value;
  const sl = Irp.Stack[Irp.CurrentLocation - 1];
  const dev = sl ? sl.DeviceObject! : null;
  const cpu = m.cpu;
  const prev = cpu.driver;
  cpu.driver = dev ? dev.DriverObject : prev;
  m.trace?.event("irp-cancel", cpu.driver, null);
  routine(dev!, Irp);
  cpu.driver = prev;
  return true;
}
