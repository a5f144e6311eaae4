import { cur } from "../context.js";
import type { NTSTATUS } from "../ntstatus.js";
import { KiBeginWait, KWAIT_OPERATION, type KWAIT, type KWAIT_BLOCK } from "./dispatcher.js";

const NO_OBJECTS: never[] = [];

/**
 * What a waiting DDI built from other steps returns (ExAcquireFastMutex,
 * IoForwardIrpSynchronously, IoReleaseRemoveLockAndWait...). The DDI checked its IRQL
 * and arguments when it was called; `body`, a generator not yet started, does the work
 * and waits with `yield*` when the caller's `yield*` steps it. The call is recorded as
 * not yet consumed exactly like a KeWaitForSingleObject call, so a caller that forgets
 * `yield*` is caught the same way (see KiCheckUnconsumedWait).
 */
export class KWAIT_CALL<T> implements KWAIT<T>, Iterator<KWAIT_BLOCK, T, NTSTATUS> {
  /** Stands for this call in the machine's record of the wait called and not yet stepped. */
  private readonly marker: KWAIT_OPERATION;
  private started = false;
  constructor(
    name: string,
    private readonly body: Generator<KWAIT_BLOCK, T, NTSTATUS>,
  ) {
    this.marker = KiBeginWait(new KWAIT_OPERATION(NO_OBJECTS, false, 0, false, false, name, cur.cpu.driver));
  }

  [Symbol.iterator](): this {
    return this;
  }

  next(value?: NTSTATUS): IteratorResult<KWAIT_BLOCK, T> {
    if (!this.started) {
      this.started = true;
      const m = cur;
      if (m.unconsumedWait === this.marker) m.unconsumedWait = null;
      this.marker.step = 2;
      return this.body.next(0);
    }
    return this.body.next(value ?? 0);
  }

  return(value?: T): IteratorResult<KWAIT_BLOCK, T> {
    return this.body.return(value as T);
  }

  throw(e?: unknown): IteratorResult<KWAIT_BLOCK, T> {
    return this.body.throw(e);
  }
}
