/**
 * @wdfjs/sample-wdm-bugchecks: one deliberately broken raw WDM driver per bug check,
 * the client that walks into each bug, and a catalogue of them.
 */
import type { DRIVER_INITIALIZE } from "@wdfjs/kernel";
import { CompletePendingDriverEntry, COMPLETE_PENDING_NAME } from "./drivers/complete-with-pending.js";
import { CancelLeftDriverEntry, CANCEL_LEFT_NAME } from "./drivers/complete-with-cancel-routine.js";
import { DoubleCompleteDriverEntry, DOUBLE_COMPLETE_NAME } from "./drivers/double-complete.js";
import { LockLeakDriverEntry, LOCK_LEAK_NAME } from "./drivers/irql-changed.js";
import { IrqlMixupDriverEntry, IRQL_MIXUP_NAME } from "./drivers/lower-irql-up.js";
import { NeverAttachedDriverEntry, NEVER_ATTACHED_NAME } from "./drivers/never-attached.js";
import { PagedTouchDriverEntry, PAGED_TOUCH_NAME } from "./drivers/paged-at-dispatch.js";
import { PagedFreeDriverEntry, PAGED_FREE_NAME } from "./drivers/paged-free-at-dispatch.js";
import { PendNoMarkDriverEntry, PEND_NO_MARK_NAME } from "./drivers/pending-without-mark.js";
import { LockTwiceDriverEntry, LOCK_TWICE_NAME } from "./drivers/spin-lock-twice.js";
import { ThrowerDriverEntry, THROWER_NAME } from "./drivers/throws.js";
import { TimerLeftDriverEntry, TIMER_LEFT_NAME } from "./drivers/unload-timer.js";
import { PoolLeakDriverEntry, POOL_LEAK_NAME } from "./drivers/pool-leak.js";

export * from "./common.js";
export * from "./client.js";
export * from "./kernel-paged-pool.js";
export * from "./drivers/paged-at-dispatch.js";
export * from "./drivers/paged-free-at-dispatch.js";
export * from "./drivers/double-complete.js";
export * from "./drivers/never-attached.js";
export * from "./drivers/spin-lock-twice.js";
export * from "./drivers/lower-irql-up.js";
export * from "./drivers/pending-without-mark.js";
export * from "./drivers/complete-with-cancel-routine.js";
export * from "./drivers/irql-changed.js";
export * from "./drivers/complete-with-pending.js";
export * from "./drivers/throws.js";
export * from "./drivers/unload-timer.js";
export * from "./drivers/pool-leak.js";

export interface BrokenDriver {
  /** Service name: the device is `\Device\<name>`, the client opens `\\.\<name>`, the blamed image `<name>.sys`. */
  readonly name: string;
  readonly DriverEntry: DRIVER_INITIALIZE;
  readonly BugCheckCode: number;
  /** For DRIVER_VERIFIER_IOMANAGER_VIOLATION: the verifier's subcode (P1). */
  readonly subcode?: number;
  /** Only the checked flavor (the I/O verifier) catches it. */
  readonly checkedOnly: boolean;
  readonly bug: string;
}

/** Every broken driver, what it gets wrong, and the bug check it earns. */
export const brokenDrivers: readonly BrokenDriver[] = [
  { name: PAGED_TOUCH_NAME, DriverEntry: PagedTouchDriverEntry, BugCheckCode: 0xd1, checkedOnly: false, bug: "reads paged pool under a spin lock / in a DPC (free flavor: once paged out)" },
  { name: PAGED_FREE_NAME, DriverEntry: PagedFreeDriverEntry, BugCheckCode: 0x0a, checkedOnly: false, bug: "frees paged pool under a spin lock: the pool's own code faults (free flavor, once paged out; checked: 0xC4/0x11 first)" },
  { name: DOUBLE_COMPLETE_NAME, DriverEntry: DoubleCompleteDriverEntry, BugCheckCode: 0x44, checkedOnly: false, bug: "completes an IRP twice (error path falls through)" },
  { name: NEVER_ATTACHED_NAME, DriverEntry: NeverAttachedDriverEntry, BugCheckCode: 0x35, checkedOnly: false, bug: "forwards from a device it never attached / IoAllocateIrp(1) sent down twice" },
  { name: LOCK_TWICE_NAME, DriverEntry: LockTwiceDriverEntry, BugCheckCode: 0x0f, checkedOnly: false, bug: "acquires a spin lock it already holds" },
  { name: IRQL_MIXUP_NAME, DriverEntry: IrqlMixupDriverEntry, BugCheckCode: 0x0a, checkedOnly: false, bug: "KeLowerIrql to a higher IRQL (free flavor; checked: 0xC4/0x31)" },
  { name: PEND_NO_MARK_NAME, DriverEntry: PendNoMarkDriverEntry, BugCheckCode: 0xc9, subcode: 0x23d, checkedOnly: true, bug: "returns STATUS_PENDING without IoMarkIrpPending" },
  { name: CANCEL_LEFT_NAME, DriverEntry: CancelLeftDriverEntry, BugCheckCode: 0xc9, subcode: 0x07, checkedOnly: true, bug: "completes an IRP with its cancel routine still set" },
  { name: LOCK_LEAK_NAME, DriverEntry: LockLeakDriverEntry, BugCheckCode: 0xc9, subcode: 0x05, checkedOnly: true, bug: "returns from dispatch at another IRQL (spin lock left held)" },
  { name: COMPLETE_PENDING_NAME, DriverEntry: CompletePendingDriverEntry, BugCheckCode: 0xc9, subcode: 0x06, checkedOnly: true, bug: "completes an IRP with STATUS_PENDING" },
  { name: THROWER_NAME, DriverEntry: ThrowerDriverEntry, BugCheckCode: 0x1e, checkedOnly: false, bug: "throws / reads a bad user address without __try" },
  { name: TIMER_LEFT_NAME, DriverEntry: TimerLeftDriverEntry, BugCheckCode: 0xce, checkedOnly: false, bug: "unloads with its periodic timer still set" },
  { name: POOL_LEAK_NAME, DriverEntry: PoolLeakDriverEntry, BugCheckCode: 0xc4, subcode: 0x62, checkedOnly: true, bug: "unloads without freeing the pool records it allocated" },
];
