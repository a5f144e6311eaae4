/**
 * @wdfjs/sample-kmdf-bugchecks: one deliberately broken KMDF driver per WDF_VIOLATION (0x10D)
 * rule the framework detects, the client that walks into each bug, and a catalogue of them.
 */
import type { DRIVER_INITIALIZE } from "@wdfjs/kernel";
import { WdfCancelableDriverEntry, WDF_CANCELABLE_NAME } from "./drivers/complete-cancelable.js";
import { WdfDeleteDriverDriverEntry, WDF_DELETE_DRIVER_NAME } from "./drivers/delete-refused.js";
import { WdfDerefDriverEntry, WDF_DEREF_NAME } from "./drivers/dereference-delete.js";
import { WdfDoubleCompleteDriverEntry, WDF_DOUBLE_COMPLETE_NAME } from "./drivers/double-complete.js";
import { WdfInfoLargeDriverEntry, WDF_INFO_LARGE_NAME } from "./drivers/information-too-large.js";
import { WdfIrqlLeakDriverEntry, WDF_IRQL_LEAK_NAME } from "./drivers/irql-mismatch.js";
import { WdfStaleDriverEntry, WDF_STALE_NAME } from "./drivers/stale-handle.js";
import { WdfWrongIrqlDriverEntry, WDF_WRONG_IRQL_NAME } from "./drivers/wrong-irql.js";
import { WdfPrepIrqlDriverEntry, WDF_PREPARE_IRQL_NAME } from "./drivers/prepare-hardware-irql.js";
import { WdfInitNullDriverEntry, WDF_INIT_NULL_NAME } from "./drivers/init-after-create.js";
import { WdfMemRefDriverEntry, WDF_MEMORY_REFERENCE_NAME } from "./drivers/memory-reference.js";
import { WdfRecurseLockDriverEntry, WDF_RECURSIVE_LOCK_NAME } from "./drivers/recursive-lock.js";
import { WdfLockOpDriverEntry, WDF_LOCK_OPERATION_NAME } from "./drivers/lock-operation.js";
import { WdfQueueStopDriverEntry, WDF_QUEUE_STOP_NAME } from "./drivers/queue-stop-twice.js";
import { WdfNewApiDriverEntry, WDF_API_UNAVAILABLE_NAME } from "./drivers/api-unavailable.js";
import { WdfResendDriverEntry, WDF_RESEND_NAME } from "./drivers/resend-pending.js";
import { WdfPnpReenterDriverEntry, WDF_PNP_REENTER_NAME } from "./drivers/pnp-irp-while-pending.js";
import { WdfPpoFilterDriverEntry, WDF_PPO_FILTER_NAME } from "./drivers/two-policy-owners.js";
import { WdfStallD0ExitDriverEntry, WDF_STALL_D0EXIT_NAME } from "./drivers/power-callback-stall.js";

export * from "./common.js";
export * from "./client.js";
export * from "./drivers/double-complete.js";
export * from "./drivers/complete-cancelable.js";
export * from "./drivers/information-too-large.js";
export * from "./drivers/delete-refused.js";
export * from "./drivers/dereference-delete.js";
export * from "./drivers/stale-handle.js";
export * from "./drivers/irql-mismatch.js";
export * from "./drivers/wrong-irql.js";
export * from "./drivers/prepare-hardware-irql.js";
export * from "./drivers/init-after-create.js";
export * from "./drivers/memory-reference.js";
export * from "./drivers/recursive-lock.js";
export * from "./drivers/lock-operation.js";
export * from "./drivers/queue-stop-twice.js";
export * from "./drivers/api-unavailable.js";
export * from "./drivers/resend-pending.js";
export * from "./drivers/pnp-irp-while-pending.js";
export * from "./drivers/two-policy-owners.js";
export * from "./drivers/power-callback-stall.js";

export interface BrokenKmdfDriver {
  /** Service name: the device is `\Device\<name>`, the client opens `\\.\<name>`, the blamed image `<name>.sys`. */
  readonly name: string;
  readonly DriverEntry: DRIVER_INITIALIZE;
  /** The bug check the checked flavor stops with (null: none, the framework traces and refuses). */
  readonly BugCheckCode: number | null;
  /** Parameter 1: the WDF_BUGCHECK_CODES subcode of WDF_VIOLATION, or the I/O verifier's rule of 0xC9. */
  readonly subcode: number | null;
  readonly bug: string;
}

/** Every broken driver, what it gets wrong, and what the checked flavor does about it. */
export const brokenKmdfDrivers: readonly BrokenKmdfDriver[] = [
  { name: WDF_DOUBLE_COMPLETE_NAME, DriverEntry: WdfDoubleCompleteDriverEntry, BugCheckCode: 0x10d, subcode: 0x5, bug: "completes a request twice (stale WDFREQUEST)" },
  { name: WDF_CANCELABLE_NAME, DriverEntry: WdfCancelableDriverEntry, BugCheckCode: 0xc9, subcode: 0x7, bug: "completes a request still marked cancelable" },
  { name: WDF_INFO_LARGE_NAME, DriverEntry: WdfInfoLargeDriverEntry, BugCheckCode: 0x10d, subcode: 0x6, bug: "completes with Information larger than the output buffer" },
  { name: WDF_DELETE_DRIVER_NAME, DriverEntry: WdfDeleteDriverDriverEntry, BugCheckCode: null, subcode: null, bug: "WdfObjectDelete of its WDFDRIVER (refused, traced)" },
  { name: WDF_DEREF_NAME, DriverEntry: WdfDerefDriverEntry, BugCheckCode: 0x10d, subcode: 0x7, bug: "frees an object with WdfObjectDereference instead of WdfObjectDelete" },
  { name: WDF_STALE_NAME, DriverEntry: WdfStaleDriverEntry, BugCheckCode: 0x10d, subcode: 0x5, bug: "passes a stale (deleted) or forged handle" },
  { name: WDF_IRQL_LEAK_NAME, DriverEntry: WdfIrqlLeakDriverEntry, BugCheckCode: 0x10d, subcode: 0xe, bug: "EvtIoDeviceControl returns at DISPATCH_LEVEL" },
  { name: WDF_PREPARE_IRQL_NAME, DriverEntry: WdfPrepIrqlDriverEntry, BugCheckCode: 0x10d, subcode: 0xe, bug: "EvtDevicePrepareHardware returns at APC_LEVEL (a PnP driver, at start)" },
  { name: WDF_INIT_NULL_NAME, DriverEntry: WdfInitNullDriverEntry, BugCheckCode: 0x10d, subcode: 0x4, bug: "uses its PWDFDEVICE_INIT after WdfDeviceCreate consumed it (NULL)" },
  { name: WDF_MEMORY_REFERENCE_NAME, DriverEntry: WdfMemRefDriverEntry, BugCheckCode: 0x10d, subcode: 0x3, bug: "completes a request while it holds a reference on the request's input WDFMEMORY" },
  { name: WDF_RECURSIVE_LOCK_NAME, DriverEntry: WdfRecurseLockDriverEntry, BugCheckCode: 0x10d, subcode: 0x2, bug: "WdfObjectAcquireLock on its device inside a callback the device's lock already serializes" },
  { name: WDF_LOCK_OPERATION_NAME, DriverEntry: WdfLockOpDriverEntry, BugCheckCode: 0x10d, subcode: 0xb, bug: "releases a WDFSPINLOCK it did not acquire; WdfObjectAcquireLock on an object without a lock" },
  { name: WDF_QUEUE_STOP_NAME, DriverEntry: WdfQueueStopDriverEntry, BugCheckCode: 0x10d, subcode: 0xa, bug: "WdfIoQueueStop with a StopComplete while another is pending" },
  { name: WDF_API_UNAVAILABLE_NAME, DriverEntry: WdfNewApiDriverEntry, BugCheckCode: 0x10d, subcode: 0x10, bug: "calls a KMDF function the running framework does not have" },
  { name: WDF_RESEND_NAME, DriverEntry: WdfResendDriverEntry, BugCheckCode: 0x10d, subcode: 0x6, bug: "sends a request again while it is still pending on an I/O target" },
  { name: WDF_PNP_REENTER_NAME, DriverEntry: WdfPnpReenterDriverEntry, BugCheckCode: 0x10d, subcode: 0xc, bug: "sends its own stack a state-changing PnP IRP while START is pending (a PnP driver)" },
  { name: WDF_PPO_FILTER_NAME, DriverEntry: WdfPpoFilterDriverEntry, BugCheckCode: 0x10d, subcode: 0xd, bug: "an upper filter that claims power policy ownership above a KMDF function driver (a PnP filter)" },
  { name: WDF_STALL_D0EXIT_NAME, DriverEntry: WdfStallD0ExitDriverEntry, BugCheckCode: 0x10d, subcode: 0x1, bug: "EvtDeviceD0Exit of a non-pageable device waits forever (a PnP driver, at sleep)" },
  { name: WDF_WRONG_IRQL_NAME, DriverEntry: WdfWrongIrqlDriverEntry, BugCheckCode: null, subcode: null, bug: "calls a PASSIVE_LEVEL function at DISPATCH_LEVEL (traced, STATUS_INVALID_DEVICE_REQUEST)" },
];
