/**
 * pendnomark.sys — DRIVER_VERIFIER_IOMANAGER_VIOLATION (0xC9), P1 0x23D, checked flavor.
 *
 * The bug: the driver queues the request for its timer to finish later and returns
 * STATUS_PENDING, but never calls IoMarkIrpPending. The I/O verifier checks this when
 * the dispatch routine returns: P1 0x23D, P3 the IRP's address.
 * In the free flavor nothing checks it, and the request is lost instead: when the DPC
 * completes it, no stack location says "pending", so the I/O manager takes it for a
 * request finished inside IoCallDriver, while IoCallDriver had returned STATUS_PENDING.
 * A synchronous caller waits forever; an overlapped one never sees it complete.
 * The fix: IoMarkIrpPending(Irp) before queueing it.
 */
import {
  KDPC, KeInitializeDpc, KeInitializeTimer, KeSetTimer, KTIMER, STATUS_PENDING, STATUS_SUCCESS, type DEVICE_OBJECT,
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
  return STATUS_SUCCESS;
}
