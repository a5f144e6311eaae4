/**
 * pagedtouch.sys — DRIVER_IRQL_NOT_LESS_OR_EQUAL (0xD1).
 *
 * The bug: DriverEntry keeps the driver's settings in *paged* pool, and the driver reads
 * them at DISPATCH_LEVEL, where a page fault cannot be serviced:
 * - IOCTL_BUG_TRIGGER reads them while holding a spin lock (KeAcquireSpinLock raised
 *   the IRQL to DISPATCH_LEVEL);
 * - IOCTL_BUG_TRIGGER_2 pends the request and reads them in a timer DPC.
 * Parameters: P1 the address touched, P2 the IRQL (2), P3 0 for a read.
 *
 * The free flavor only crashes once the page has actually left memory (memory pressure,
 * `m.trimWorkingSets()`); the checked flavor pages out all pageable memory whenever a
 * driver raises to DISPATCH_LEVEL, as Driver Verifier does, so it crashes every time.
 * The fix: allocate with POOL_FLAG_NON_PAGED, or copy what is needed before raising.
 */
import {
  ExAllocatePool2, IoMarkIrpPending, KDPC, KeAcquireSpinLock, KeInitializeDpc, KeInitializeTimer, KeReleaseSpinLock,
  KeSetTimer, KSPIN_LOCK, KTIMER, Out, POOL_FLAG_PAGED, POOL_TAG, ReadUlong, STATUS_INSUFFICIENT_RESOURCES,
  STATUS_PENDING, STATUS_SUCCESS, WriteUlong, type DEVICE_OBJECT, type DRIVER_OBJECT, type IRP, type KIRQL, type NTSTATUS,
} from "@wdfjs/kernel";
import { CompleteIrp, CreateBugDevice, IOCTL_BUG_TRIGGER, IOCTL_BUG_TRIGGER_2, UnknownIoctl } from "../common.js";

export const PAGED_TOUCH_NAME = "PagedTouch";

export class PAGED_TOUCH_EXTENSION {
  /** The settings, in paged pool: the bug. */
  Settings = 0;
  readonly Lock = new KSPIN_LOCK();
  readonly Timer = new KTIMER();
  readonly Dpc = new KDPC();
  PendingIrp: IRP | null = null;
}

function PagedTouchDpc(Dpc: KDPC, DeferredContext: any, SystemArgument1: any, SystemArgument2: any): void {
  void Dpc;
  void SystemArgument1;
  void SystemArgument2;
  const e = DeferredContext as PAGED_TOUCH_EXTENSION;
  const Irp = e.PendingIrp!;
  e.PendingIrp = null;
  // At DISPATCH_LEVEL: reading paged pool here is the bug.
  const value = ReadUlong(e.Settings);
  WriteUlong(Irp.AssociatedIrp.SystemBuffer, value);
  CompleteIrp(Irp, STATUS_SUCCESS, 4);
}

function PagedTouchControl(DeviceObject: DEVICE_OBJECT, Irp: IRP, IoControlCode: number): NTSTATUS {
  const e = DeviceObject.DeviceExtension as PAGED_TOUCH_EXTENSION;
  if (IoControlCode === IOCTL_BUG_TRIGGER) {
    const irql = Out<KIRQL>(0);
    KeAcquireSpinLock(e.Lock, irql);
    const value = ReadUlong(e.Settings);
    KeReleaseSpinLock(e.Lock, irql.value);
    WriteUlong(Irp.AssociatedIrp.SystemBuffer, value);
    return CompleteIrp(Irp, STATUS_SUCCESS, 4);
  }
  if (IoControlCode === IOCTL_BUG_TRIGGER_2) {
    IoMarkIrpPending(Irp);
    e.PendingIrp = Irp;
    KeSetTimer(e.Timer, -1 * 10_000, e.Dpc);
    return STATUS_PENDING;
  }
  return UnknownIoctl(Irp);
}

export function PagedTouchDriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
  void RegistryPath;
  const dev = Out<DEVICE_OBJECT | null>(null);
  const status = CreateBugDevice(DriverObject, PAGED_TOUCH_NAME, () => new PAGED_TOUCH_EXTENSION(), PagedTouchControl, dev);
  if (status !== STATUS_SUCCESS) return status;
  const e = dev.value!.DeviceExtension as PAGED_TOUCH_EXTENSION;
  e.Settings = ExAllocatePool2(POOL_FLAG_PAGED, 64, POOL_TAG("PgTc"));
  if (e.Settings === 0) return STATUS_INSUFFICIENT_RESOURCES;
  WriteUlong(e.Settings, 0x5e771265);
  KeInitializeTimer(e.Timer);
  KeInitializeDpc(e.Dpc, PagedTouchDpc, e);
  return STATUS_SUCCESS;
}
