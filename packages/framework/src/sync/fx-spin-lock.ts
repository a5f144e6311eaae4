import {
  Executive, KeAcquireSpinLock, KeGetCurrentProcessorNumber, KeInitializeEvent, KernelMode, KeReleaseSpinLock, KeSetEvent, KEVENT, KeWaitForSingleObject,
  KSPIN_LOCK, Out, PASSIVE_LEVEL, STATUS_SUCCESS, SynchronizationEvent, type KIRQL, type KWAIT_GENERATOR, type NTSTATUS,
} from "@wdfjs/kernel";
import { FxObject } from "../object/fx-object.js";
import { FX_TYPE_SPIN_LOCK, FX_TYPE_WAIT_LOCK } from "../object/types.js";
import { FxVerifierBugCheck, WDF_INVALID_LOCK_OPERATION } from "../verifier.js";

/**
 * `FxSpinLock` (fxspinlock.cpp): a KSPIN_LOCK behind a WDFSPINLOCK. Acquiring raises to
 * DISPATCH_LEVEL and remembers the IRQL to return to; acquiring it again on the same processor
 * is the kernel's SPIN_LOCK_ALREADY_OWNED. Releasing a lock the caller does not hold is
 * WDF_VIOLATION 0xB (WDF_INVALID_LOCK_OPERATION), P2 the handle, P3 1, in the checked flavor.
 */
export class FxSpinLock extends FxObject {
  readonly lock = new KSPIN_LOCK();
  private oldIrql: KIRQL = PASSIVE_LEVEL;
  private readonly box = Out<KIRQL>(PASSIVE_LEVEL);

  constructor() {
    super(FX_TYPE_SPIN_LOCK);
  }

  acquireLock(): void {
    KeAcquireSpinLock(this.lock, this.box);
    this.oldIrql = this.box.value;
  }

  releaseLock(): void {
    // The owner is known only to the lock verifier's history (`FxVerifierLock`, the checked flavor).
    if (this.table.machine.checked && (this.lock.owner === null || this.lock.owner.Number !== KeGetCurrentProcessorNumber())) {
      FxVerifierBugCheck(WDF_INVALID_LOCK_OPERATION, this.handle, 1, "A WDFSPINLOCK was released by a thread that does not own it.");
    }
    KeReleaseSpinLock(this.lock, this.oldIrql);
  }
}

/**
 * `FxWaitLock` (fxwaitlock.hpp): a synchronization event, signalled while free. Acquiring waits
 * up to Timeout (100 ns units, negative relative; null forever; 0 only tries) and returns
 * STATUS_SUCCESS or STATUS_TIMEOUT; releasing signals it for one waiter.
 */
export class FxWaitLock extends FxObject {
  readonly event = new KEVENT();

  constructor() {
    super(FX_TYPE_WAIT_LOCK);
    KeInitializeEvent(this.event, SynchronizationEvent, true);
  }

  *acquireLock(Timeout: number | null): KWAIT_GENERATOR<NTSTATUS> {
    const status = yield* KeWaitForSingleObject(this.event, Executive, KernelMode, false, Timeout);
    return status === STATUS_SUCCESS ? STATUS_SUCCESS : status;
  }

  releaseLock(): void {
    KeSetEvent(this.event, 0, false);
  }
}
