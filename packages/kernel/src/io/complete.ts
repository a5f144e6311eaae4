import { cur } from "../context.js";
import { KeBugCheckEx, KiAddressOfRoutine } from "../ke/bugcheck.js";
import {
  DRIVER_VERIFIER_IOMANAGER_VIOLATION, IOMGR_CALL_DRIVER_ABOVE_DISPATCH, IOMGR_CALL_DRIVER_WITH_CANCEL_ROUTINE,
  IOMGR_COMPLETE_ABOVE_DISPATCH, IOMGR_COMPLETE_WITH_CANCEL_ROUTINE, IOMGR_COMPLETE_WITH_PENDING_STATUS,
  IOMGR_COMPLETION_NOT_PROPAGATING_PENDING, IOMGR_IRQL_CHANGED_BY_DISPATCH, IOMGR_MARKED_PENDING_NOT_RETURNED, IOMGR_PENDING_WITHOUT_MARK, IOMGR_STATUS_INVALID,
  IOMGR_STATUS_MISMATCH, IOMGR_PNP_IRP_BAD_INITIAL_STATUS, IRQL_NOT_LESS_OR_EQUAL, MULTIPLE_IRP_COMPLETE_REQUESTS, NO_MORE_IRP_STACK_LOCATIONS, DRIVER_VERIFIER_DETECTED_VIOLATION, VF_COMPLETION_ROUTINE_IRQL_CHANGED,
} from "../ke/bugcheck-codes.js";
import { APC_LEVEL, DISPATCH_LEVEL, IrqlName, PASSIVE_LEVEL, SYNCH_LEVEL } from "../ke/irql.js";
import { NtStatusName, STATUS_MORE_PROCESSING_REQUIRED, STATUS_NOT_SUPPORTED, STATUS_PENDING, STATUS_SUCCESS, type NTSTATUS } from "../ntstatus.js";
import { IO_TYPE_IRP, IRP_DEFER_IO_COMPLETION, IRP_MJ_PNP, IrpMajorNames, SL_INVOKE_ON_CANCEL, SL_INVOKE_ON_ERROR, SL_INVOKE_ON_SUCCESS, SL_PENDING_RETURNED } from "./constants.js";
import type { DEVICE_OBJECT } from "./device.js";
import type { DRIVER_DISPATCH, DRIVER_OBJECT } from "./driver.js";
import { isRoutineGenerator, KiPromiseReturned, KiRunRoutine } from "../ke/routine.js";
import { KiCheckUnconsumedWait } from "../ke/dispatcher.js";
import { IRP_KIND_DRIVER, IRP_KIND_USER, type IRP } from "./irp.js";
import { IopCompleteRequest } from "./io-completion.js";
import { formatAddress } from "../mm/layout.js";

/**
 * `IoCallDriver`: moves the IRP to the next stack location and calls the target
 * driver's dispatch routine for its major function: a plain function call, returning
 * the driver's status. The checked flavor wraps the call in the I/O verifier's checks.
 */
export function IoCallDriver(DeviceObject: DEVICE_OBJECT, Irp: IRP): NTSTATUS {
  const m = cur;
  if (m.preemption !== null) m.preemption.point();
  const loc = --Irp.CurrentLocation;
  if (loc <= 0) IopNoMoreStackLocations(DeviceObject, Irp);
  if (loc < Irp.lowestUsed) Irp.lowestUsed = loc;
  Irp.returning = false;
  const sl = Irp.Stack[loc - 1]!;
  sl.DeviceObject = DeviceObject;
  const driver = DeviceObject.DriverObject;
  const dispatch = driver.MajorFunction[sl.MajorFunction]!;
  const cpu = m.cpu;
  const prevDriver = cpu.driver;
  if (m.trace !== null) IopTraceCall(driver, sl.MajorFunction);
  if (m.checked) return verifiedCall(DeviceObject, Irp, loc, dispatch, prevDriver);
  cpu.driver = driver;
  const status = dispatch(DeviceObject, Irp);
  cpu.driver = prevDriver;
  // The one test a waiting dispatch routine costs the hot path.
  if (typeof status !== "number") return IopRunDispatchRoutine(status, DeviceObject, Irp, loc, prevDriver);
  return status;
}

// IoCallDriver's rare paths, apart so that its own code stays small enough for V8 to inline it
// into the callers that pass IRPs on (a filter's dispatch, a framework's send).

function IopNoMoreStackLocations(DeviceObject: DEVICE_OBJECT, Irp: IRP): never {
  return KeBugCheckEx(NO_MORE_IRP_STACK_LOCATIONS, Irp.address, 0, 0, 0, `The IRP had ${Irp.StackCount} stack location(s); IoCallDriver to ${DeviceObject.DriverObject.DriverName} needed one more.`);
}

function IopTraceCall(driver: DRIVER_OBJECT, MajorFunction: number): void {
  cur.trace?.event("irp-call", driver, IrpMajorNames[MajorFunction] ?? String(MajorFunction));
}

/**
 * A dispatch routine that returned something other than a status: a generator (it may
 * wait) is stepped at once as the calling thread, until it finishes or first really
 * waits. If it finishes, its value is the status. If it waits, the I/O manager marks the
 * routine's stack location pending on its behalf and the caller sees STATUS_PENDING, which
 * is legal WDM seen from above; the rest runs later as the same thread, in the same
 * process, at the IRQL it waited at. A Promise is a bug check.
 */
function IopRunDispatchRoutine(r: unknown, DeviceObject: DEVICE_OBJECT, Irp: IRP, loc: number, prevDriver: DRIVER_OBJECT | null): NTSTATUS {
  if (!isRoutineGenerator(r)) {
    if (typeof r === "object" && r !== null && typeof (r as PromiseLike<unknown>).then === "function") {
      cur.cpu.driver = DeviceObject.DriverObject;
      KiPromiseReturned(`The ${IrpMajorNames[Irp.Stack[loc - 1]!.MajorFunction] ?? "dispatch"} routine of ${DeviceObject.DriverObject.DriverName}`);
    }
    return r as NTSTATUS;
  }
  const cpu = cur.cpu;
  const driver = DeviceObject.DriverObject;
  const c = new IopDispatchContinuation(Irp, loc, DeviceObject, cpu.Irql);
  cpu.driver = driver;
  const s = KiRunRoutine(r, `the ${IrpMajorNames[Irp.Stack[loc - 1]!.MajorFunction] ?? "dispatch"} routine of ${driver.DriverName}`, c.done);
  cpu.driver = prevDriver;
  if (s === null) return c.result;
  c.waiting = true;
  if (Irp.generation === c.generation && Irp.inUse && !Irp.completed && Irp.CurrentLocation <= loc) {
    Irp.Stack[loc - 1]!.Control |= SL_PENDING_RETURNED;
    return STATUS_PENDING;
  }
  // It completed the IRP (or passed it down and it completed) before it waited: the status
  // it will return is the one the IRP completed with.
  return Irp.generation === c.generation ? Irp.completionStatus : STATUS_SUCCESS;
}

/** What the I/O manager keeps of a dispatch routine that waited, to check it when it returns. */
class IopDispatchContinuation {
  result: NTSTATUS = STATUS_PENDING;
  waiting = false;
  readonly generation: number;
  readonly done: (value: unknown) => void;
  readonly driver: DRIVER_OBJECT;
  constructor(
    readonly Irp: IRP,
    readonly loc: number,
    readonly DeviceObject: DEVICE_OBJECT,
    readonly irql: number,
  ) {
    this.driver = DeviceObject.DriverObject;
    this.generation = Irp.generation;
    this.done = (value) => {
      this.result = value as NTSTATUS;
      if (this.waiting) this.returned();
    };
  }

  /** The routine returned after waiting: the I/O verifier's checks on its return. */
  private returned(): void {
    const m = cur;
    const status = this.result;
    if (typeof status === "object" && status !== null && typeof (status as PromiseLike<unknown>).then === "function") KiPromiseReturned(`A dispatch routine of ${this.driver.DriverName}`);
    if (!m.checked) return;
    if (m.cpu.Irql !== this.irql) {
      KeBugCheckEx(DRIVER_VERIFIER_IOMANAGER_VIOLATION, IOMGR_IRQL_CHANGED_BY_DISPATCH, this.DeviceObject.address, this.irql, m.cpu.Irql, `${this.driver.DriverName} returned at ${IrqlName(m.cpu.Irql)}, called at ${IrqlName(this.irql)}.`, this.driver);
    }
    const Irp = this.Irp;
    if (status !== STATUS_PENDING && Irp.generation === this.generation && Irp.inUse && !Irp.completed && Irp.CurrentLocation === this.loc) {
      KeBugCheckEx(DRIVER_VERIFIER_IOMANAGER_VIOLATION, 0x226, 0, Irp.address, this.DeviceObject.address, `A dispatch routine that waited returned ${NtStatusName(status)} without completing the IRP, passing it down, or returning STATUS_PENDING.`, this.driver);
    }
  }
}

function verifiedCall(DeviceObject: DEVICE_OBJECT, Irp: IRP, loc: number, dispatch: DRIVER_DISPATCH, prevDriver: typeof cur.cpu.driver): NTSTATUS {
  const m = cur;
  const cpu = m.cpu;
  const irql = cpu.Irql;
  if (irql > DISPATCH_LEVEL) KeBugCheckEx(DRIVER_VERIFIER_IOMANAGER_VIOLATION, IOMGR_CALL_DRIVER_ABOVE_DISPATCH, irql, Irp.address, 0, undefined, prevDriver);
  if (Irp.CancelRoutine !== null) KeBugCheckEx(DRIVER_VERIFIER_IOMANAGER_VIOLATION, IOMGR_CALL_DRIVER_WITH_CANCEL_ROUTINE, 0, Irp.address, 0, undefined, prevDriver);
  const generation = Irp.generation;
  const sl = Irp.Stack[loc - 1]!;
  // The sender of a PnP IRP (its first IoCallDriver, not a driver passing it on) must start it as STATUS_NOT_SUPPORTED.
  if (sl.MajorFunction === IRP_MJ_PNP && m.io.pnpIrpsSent.get(Irp) !== generation) {
    m.io.pnpIrpsSent.set(Irp, generation);
    if (Irp.IoStatus.Status !== STATUS_NOT_SUPPORTED) KeBugCheckEx(DRIVER_VERIFIER_IOMANAGER_VIOLATION, IOMGR_PNP_IRP_BAD_INITIAL_STATUS, 0, Irp.address, DeviceObject.address, `(sent by ${prevDriver?.DriverName ?? "the kernel"})`, prevDriver);
  }
  const driver = DeviceObject.DriverObject;
  cpu.driver = driver;
  let status = dispatch(DeviceObject, Irp);
  if (typeof status !== "number") status = IopRunDispatchRoutine(status, DeviceObject, Irp, loc, driver);
  if (m.unconsumedWait !== null) KiCheckUnconsumedWait();
  if (cpu.Irql !== irql) {
    KeBugCheckEx(DRIVER_VERIFIER_IOMANAGER_VIOLATION, IOMGR_IRQL_CHANGED_BY_DISPATCH, DeviceObject.address, irql, cpu.Irql, `${driver.DriverName} returned at ${IrqlName(cpu.Irql)}, called at ${IrqlName(irql)}.`);
  }
  // The "WDM DRIVER ERROR" codes (0x2xx): P2 where in the driver (we give 0), P3 the IRP, P4 the device object.
  if (status === -1) KeBugCheckEx(DRIVER_VERIFIER_IOMANAGER_VIOLATION, IOMGR_STATUS_INVALID, 0, Irp.address, DeviceObject.address, `(${driver.DriverName})`);
  // Only while the IRP has not been freed and reused can its stack location be read.
  if (Irp.generation === generation && Irp.inUse) {
    const marked = (sl.Control & SL_PENDING_RETURNED) !== 0;
    if (status === STATUS_PENDING && !marked && !Irp.completed && Irp.CurrentLocation === loc) {
      KeBugCheckEx(DRIVER_VERIFIER_IOMANAGER_VIOLATION, IOMGR_PENDING_WITHOUT_MARK, 0, Irp.address, DeviceObject.address, `(${driver.DriverName})`);
    }
    if (status !== STATUS_PENDING && marked) {
      KeBugCheckEx(DRIVER_VERIFIER_IOMANAGER_VIOLATION, IOMGR_MARKED_PENDING_NOT_RETURNED, 0, Irp.address, DeviceObject.address, `(${driver.DriverName} returned ${NtStatusName(status)})`);
    }
    if (status !== STATUS_PENDING && Irp.completed && Irp.CurrentLocation > loc && status !== Irp.completionStatus) {
      KeBugCheckEx(DRIVER_VERIFIER_IOMANAGER_VIOLATION, IOMGR_STATUS_MISMATCH, 0, Irp.address, DeviceObject.address, `${driver.DriverName} completed the IRP with ${NtStatusName(Irp.completionStatus)} but returned ${NtStatusName(status)}.`);
    }
  }
  cpu.driver = prevDriver;
  return status;
}

/**
 * `IoCompleteRequest`: walks the stack locations upward from the current one. Each
 * completion routine runs in turn (bottom-up) with the device object of the driver
 * that set it; STATUS_MORE_PROCESSING_REQUIRED stops the walk and hands the IRP back
 * to that driver. Without a routine, PendingReturned marks the location above pending.
 */
export function IoCompleteRequest(Irp: IRP, PriorityBoost: number): void {
  void PriorityBoost;
  const m = cur;
  if (m.preemption !== null) m.preemption.point();
  const cpu = m.cpu;
  const count = Irp.StackCount;
  if (Irp.Type !== IO_TYPE_IRP || Irp.CurrentLocation > count + 1) {
    KeBugCheckEx(MULTIPLE_IRP_COMPLETE_REQUESTS, Irp.address, 0, 0, 0, `The IRP at ${formatAddress(Irp.address)} was completed a second time.`);
  }
  const status = Irp.IoStatus.Status;
  // The IRQL every completion routine is called at (the verifier stops one that changes it).
  let irql = 0;
  if (m.checked) {
    irql = cpu.Irql;
    // 0x06: P2 the status (STATUS_PENDING, or -1), P3 the IRP. 0x07: P2 the cancel routine, P3 the IRP.
    if (status === STATUS_PENDING || status === -1) KeBugCheckEx(DRIVER_VERIFIER_IOMANAGER_VIOLATION, IOMGR_COMPLETE_WITH_PENDING_STATUS, status >>> 0, Irp.address, 0);
    if (Irp.CancelRoutine !== null) KeBugCheckEx(DRIVER_VERIFIER_IOMANAGER_VIOLATION, IOMGR_COMPLETE_WITH_CANCEL_ROUTINE, KiAddressOfRoutine(Irp.CancelRoutine), Irp.address, 0);
    if (cpu.Irql > DISPATCH_LEVEL) KeBugCheckEx(DRIVER_VERIFIER_IOMANAGER_VIOLATION, IOMGR_COMPLETE_ABOVE_DISPATCH, cpu.Irql, Irp.address, 0);
  }
  if (m.trace !== null) m.trace.event("irp-complete", cpu.driver, NtStatusName(status));
  // What the completing driver set; its dispatch routine must return the same.
  Irp.completionStatus = status;
  Irp.returning = true;
  const prevDriver = cpu.driver;
  for (Irp.CurrentLocation++; Irp.CurrentLocation <= count + 1; Irp.CurrentLocation++) {
    const done = Irp.Stack[Irp.CurrentLocation - 2]!;
    Irp.PendingReturned = (done.Control & SL_PENDING_RETURNED) !== 0;
    const routine = done.CompletionRoutine;
    const st = Irp.IoStatus.Status;
    const ctl = done.Control;
    if (
      routine !== null &&
      ((st >= 0 && (ctl & SL_INVOKE_ON_SUCCESS) !== 0) ||
        (st < 0 && (ctl & SL_INVOKE_ON_ERROR) !== 0) ||
        (Irp.Cancel && (ctl & SL_INVOKE_ON_CANCEL) !== 0))
    ) {
      done.CompletionRoutine = null;
      done.Control = 0;
      const above = Irp.CurrentLocation <= count ? Irp.Stack[Irp.CurrentLocation - 1]!.DeviceObject : null;
      cpu.driver = above !== null ? above.DriverObject : prevDriver;
      const r = routine(above, Irp, done.Context);
      // Driver Verifier: a completion routine returns at the IRQL it was called at (0xC4/0xFA).
      if (m.checked && cpu.Irql !== irql) {
        KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, VF_COMPLETION_ROUTINE_IRQL_CHANGED, KiAddressOfRoutine(routine), irql, cpu.Irql,
          `The completion routine of ${cpu.driver !== null ? cpu.driver.DriverName : "the IRP's owner"} returned at ${IrqlName(cpu.Irql)}, called at ${IrqlName(irql)}.`);
      }
      cpu.driver = prevDriver;
      if (r === STATUS_MORE_PROCESSING_REQUIRED) return;
      // The verifier: a routine that lets completion go on must carry PendingReturned up.
      if (m.checked && Irp.PendingReturned && Irp.CurrentLocation <= count && (Irp.Stack[Irp.CurrentLocation - 1]!.Control & SL_PENDING_RETURNED) === 0) {
        KeBugCheckEx(DRIVER_VERIFIER_IOMANAGER_VIOLATION, IOMGR_COMPLETION_NOT_PROPAGATING_PENDING, KiAddressOfRoutine(routine), Irp.address, above !== null ? above.address : 0,
          `(the completion routine of ${above !== null ? above.DriverObject.DriverName : "the IRP's owner"})`, above !== null ? above.DriverObject : null);
      }
    } else if (Irp.PendingReturned && Irp.CurrentLocation <= count) {
      Irp.Stack[Irp.CurrentLocation - 1]!.Control |= SL_PENDING_RETURNED;
    }
  }
  Irp.completed = true;
  const kind = Irp.kind;
  if (kind === IRP_KIND_DRIVER) {
    IopCompleteDriverIrp(Irp);
    return;
  }
  // Completed inside the I/O manager's own call and not pended: the system service
  // finishes it on return (IRP_DEFER_IO_COMPLETION). Otherwise a special kernel APC
  // finishes it in the requesting thread, at APC_LEVEL in its process: at once if that
  // thread is the one running here below APC_LEVEL and outside a guarded region (the APC
  // interrupt fires), else when that thread's APCs are next delivered. A critical region
  // does not hold it back: it is a special kernel APC.
  if (kind === IRP_KIND_USER && (Irp.Flags & IRP_DEFER_IO_COMPLETION) !== 0 && !Irp.PendingReturned) return;
  const t = Irp.Tail.Overlay.Thread;
  if (t === null) IopCompleteRequest(Irp);
  else if (t === cpu.thread && cpu.Irql < APC_LEVEL && t.SpecialApcDisable === 0) {
    cpu.Irql = APC_LEVEL;
    IopCompleteRequest(Irp);
    cpu.Irql = PASSIVE_LEVEL;
  } else m.scheduler.queueApc(t, () => IopCompleteRequest(Irp));
}

/**
 * A driver-allocated IRP (IoAllocateIrp, IoBuildAsynchronousFsdRequest) whose completion
 * reached the top: no completion routine returned STATUS_MORE_PROCESSING_REQUIRED to take
 * it back. Windows goes on as for any IRP and queues the completion APC to
 * Irp->Tail.Overlay.Thread. IoBuildAsynchronousFsdRequest recorded the calling thread, so
 * the I/O manager finishes and frees the IRP there. IoAllocateIrp recorded none: a
 * cancelled IRP is simply freed (IopCleanupIrp); otherwise KeInsertQueueApc reads the NULL
 * thread's APC state at SYNCH_LEVEL, which is IRQL_NOT_LESS_OR_EQUAL (0xA) in kernel code.
 */
function IopCompleteDriverIrp(Irp: IRP): void {
  const m = cur;
  const t = Irp.Tail.Overlay.Thread;
  if (t !== null) {
    const cpu = m.cpu;
    if (t === cpu.thread && cpu.Irql < APC_LEVEL && t.SpecialApcDisable === 0) {
      cpu.Irql = APC_LEVEL;
      IopCompleteRequest(Irp);
      cpu.Irql = PASSIVE_LEVEL;
    } else m.scheduler.queueApc(t, () => IopCompleteRequest(Irp));
    return;
  }
  if (Irp.Cancel) {
    IopCompleteRequest(Irp);
    return;
  }
  KeBugCheckEx(
    IRQL_NOT_LESS_OR_EQUAL, KTHREAD_APC_STATE_OFFSET, SYNCH_LEVEL, 0, 0,
    `IoCompleteRequest finished the IRP at ${formatAddress(Irp.address)}, which a driver allocated (IoAllocateIrp) without a thread, all the way up: ` +
      "no completion routine returned STATUS_MORE_PROCESSING_REQUIRED to free it, so the I/O manager queued its completion APC to a NULL thread.",
  );
}

/** Where KeInsertQueueApc reads a thread's APC state: the fault address from a NULL KTHREAD (x64 layout). */
const KTHREAD_APC_STATE_OFFSET = 0x98;
