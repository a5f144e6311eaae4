import { NT_SUCCESS, STATUS_SUCCESS, type KWAIT_GENERATOR, type NTSTATUS } from "@wdfjs/kernel";
import type { FxPkgPnp } from "./fx-pkg-pnp.js";

/** Never started; running; suspended (Dx, stop). */
const SmIoNone = 0;
const SmIoStarted = 1;
const SmIoSuspended = 2;

/**
 * `FxSelfManagedIoMachine` (fxselfmanagediostatemachine.cpp), reduced to what decides its
 * callbacks: EvtDeviceSelfManagedIoInit on the first start, Restart after a Suspend, Flush when
 * the device is removed (if it ever started), Cleanup once at REMOVE.
 */
export class FxSelfManagedIoMachine {
  private state = SmIoNone;

  constructor(private readonly pkg: FxPkgPnp) {}

  /** `Start`: Init the first time, Restart after a suspend; nothing if already running. */
  *start(): KWAIT_GENERATOR<NTSTATUS> {
    if (this.state === SmIoStarted) return STATUS_SUCCESS;
    const cb = this.state === SmIoNone ? this.pkg.callbacks.selfManagedIoInit : this.pkg.callbacks.selfManagedIoRestart;
    this.state = SmIoStarted;
    const status = yield* this.pkg.invoke(cb, STATUS_SUCCESS);
    return NT_SUCCESS(status) ? STATUS_SUCCESS : status;
  }

  /** `Suspend`: only a running one. */
  *suspend(): KWAIT_GENERATOR<void> {
    if (this.state !== SmIoStarted) return;
    this.state = SmIoSuspended;
    yield* this.pkg.invoke(this.pkg.callbacks.selfManagedIoSuspend, STATUS_SUCCESS);
  }

  /** `Flush`: at removal, if it ever started. */
  *flush(): KWAIT_GENERATOR<void> {
    if (this.state !== SmIoNone) yield* this.pkg.invoke(this.pkg.callbacks.selfManagedIoFlush, undefined);
  }

  /** `Cleanup`: once, at REMOVE; a PDO started again begins with Init. */
  *cleanup(): KWAIT_GENERATOR<void> {
    if (this.state === SmIoNone) return;
    this.state = SmIoNone;
    yield* this.pkg.invoke(this.pkg.callbacks.selfManagedIoCleanup, undefined);
  }
}
