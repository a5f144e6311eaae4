/**
 * pendnomark.sys — DRIVER_VERIFIER_IOMANAGER_VIOLATION (0xC9), P1 0x23D, checked flavor.
 *
 * The bug: the driver queues the request for its timer to finish later and returns
 * STATUS_PENDING, but never calls IoMarkIrpPending. The I/O verifier checks this when
 * the dispatch routine returns: P1 0x23D, P3 the IRP's address.
 * In the free flavor nothing checks it. What happens then depends on the request:
 * - A read (or write) is a deferred-completion request (IRP_DEFER_IO_COMPLETION): when the
 *   DPC completes it, no stack location says "pending", so IoCompleteRequest takes it for
 *   a request finished inside IoCallDriver and leaves the rest to the system service, which
 *   has long returned STATUS_PENDING. The read is lost: a synchronous caller waits forever,
 *   an overlapped one never sees it complete.
 * - A device I/O control is not deferred: IoCompleteRequest always finishes it in the
 *   requesting thread, so it still reaches its caller. The bug hides until the same
 *   pattern is used for a read.
 * The fix: IoMarkIrpPending(Irp) before queueing it.
 */
import {
  IRP_MJ_READ, KDPC, KeInitializeDpc, KeInitializeTimer, KeSetTimer, KTIMER, STATUS_PENDING, STATUS_SUCCESS, type DEVICE_OBJECT,
  type DRIVER_OBJECT, type IRP, type NTSTATUS,
} from "@wdfjs/kernel";
import { CompleteIrp, CreateBugDevice, IOCTL_BUG_TRIGGER, UnknownIoctl } from "../common.js";

export const PEND_NO_MARK_NAME = "PendNoMark";

export class PEND_NO_MARK_EXTENSION {
  readonly Timer = new KTIMER();
  readonly Dpc = new KDPC();
  Queued: IRP | null = null;
  LastIrp = 0;
  /** Requests the DPC completed (it does its part; the request still never finishes in the free flavor). */
  Completed = 0;
}

function PendNoMarkDpc(Dpc: KDPC, DeferredContext: any, SystemArgument1: any, SystemArgument2: any): void {
  void Dpc;
  void SystemArgument1;
  void SystemArgument2;
  const e = DeferredContext as PEND_NO_MARK_EXTENSION;
  const Irp = e.Queued;
  e.Queued = null;
  if (Irp !== null) {
    e.Completed++;
    CompleteIrp(Irp, STATUS_SUCCESS);
  }
}

/** The same bug on IRP_MJ_READ: queued for the timer, STATUS_PENDING, no IoMarkIrpPending. */
function PendNoMarkRead(DeviceObject: DEVICE_OBJECT, Irp: IRP): NTSTATUS {
  const e = DeviceObject.DeviceExtension as PEND_NO_MARK_EXTENSION;
  e.LastIrp = Irp.address;
  e.Queued = Irp;
  KeSetTimer(e.Timer, -5 * 10_000, e.Dpc);
  // (missing: IoMarkIrpPending(Irp);)
  return STATUS_PENDING;
}

function PendNoMarkControl(DeviceObject: DEVICE_OBJECT, Irp: IRP, IoControlCode: number): NTSTATUS {
  if (IoControlCode !== IOCTL_BUG_TRIGGER) return UnknownIoctl(Irp);
  const e = DeviceObject.DeviceExtension as PEND_NO_MARK_EXTENSION;
  e.LastIrp = Irp.address;
  e.Queued = Irp;
  KeSetTimer(e.Timer, -5 * 10_000, e.Dpc);
  // (missing: IoMarkIrpPending(Irp);)
  return STATUS_PENDING;
}

export function PendNoMarkDriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
  void RegistryPath;
  const dev = { value: null as DEVICE_OBJECT | null };
  const status = CreateBugDevice(DriverObject, PEND_NO_MARK_NAME, () => new PEND_NO_MARK_EXTENSION(), PendNoMarkControl, dev);
  if (status !== STATUS_SUCCESS) return status;
  const e = dev.value!.DeviceExtension as PEND_NO_MARK_EXTENSION;
  KeInitializeTimer(e.Timer);
  KeInitializeDpc(e.Dpc, PendNoMarkDpc, e);
  DriverObject.MajorFunction[IRP_MJ_READ] = PendNoMarkRead;
  return STATUS_SUCCESS;
}
