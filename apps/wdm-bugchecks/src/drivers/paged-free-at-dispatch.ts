/**
 * pagedfree.sys — IRQL_NOT_LESS_OR_EQUAL (0xA), the kernel's code faulting for a driver.
 *
 * The bug: the driver keeps a scratch buffer in *paged* pool and frees it while holding its
 * spin lock (IOCTL_BUG_TRIGGER), i.e. at DISPATCH_LEVEL. ExFreePoolWithTag reads the block's
 * pool header; if the page has left memory, that read faults in the pool's own code at
 * DISPATCH_LEVEL: IRQL_NOT_LESS_OR_EQUAL (0xA), not 0xD1, because the faulting code is the
 * kernel's. The driver that called it is still the one blamed.
 *
 * In the free flavor this happens once the page has been paged out (`m.trimWorkingSets()`).
 * The checked flavor's verifier refuses the free itself before touching the block:
 * DRIVER_VERIFIER_DETECTED_VIOLATION (0xC4) with P1 0x11 ("paged pool freed above APC_LEVEL").
 * The fix: free paged pool at or below APC_LEVEL (after releasing the lock).
 */
import {
  ExAllocatePool2, ExFreePoolWithTag, KeAcquireSpinLock, KeReleaseSpinLock, KSPIN_LOCK, Out, POOL_FLAG_PAGED, POOL_TAG,
  STATUS_INSUFFICIENT_RESOURCES, STATUS_SUCCESS, type DEVICE_OBJECT, type DRIVER_OBJECT, type IRP, type KIRQL, type NTSTATUS,
} from "@wdfjs/kernel";
import { CompleteIrp, CreateBugDevice, IOCTL_BUG_TRIGGER, UnknownIoctl } from "../common.js";

export const PAGED_FREE_NAME = "PagedFree";
export const PAGED_FREE_TAG = POOL_TAG("PgFr");

export class PAGED_FREE_EXTENSION {
  /** The scratch buffer, in paged pool. */
  Scratch = 0;
  readonly Lock = new KSPIN_LOCK();
}

function PagedFreeControl(DeviceObject: DEVICE_OBJECT, Irp: IRP, IoControlCode: number): NTSTATUS {
  const e = DeviceObject.DeviceExtension as PAGED_FREE_EXTENSION;
  if (IoControlCode === IOCTL_BUG_TRIGGER) {
    const irql = Out<KIRQL>(0);
    KeAcquireSpinLock(e.Lock, irql);
    // The bug: a paged-pool free at DISPATCH_LEVEL.
    ExFreePoolWithTag(e.Scratch, PAGED_FREE_TAG);
    e.Scratch = 0;
    KeReleaseSpinLock(e.Lock, irql.value);
    return CompleteIrp(Irp, STATUS_SUCCESS, 0);
  }
  return UnknownIoctl(Irp);
}

export function PagedFreeDriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
  void RegistryPath;
  const dev = Out<DEVICE_OBJECT | null>(null);
  const status = CreateBugDevice(DriverObject, PAGED_FREE_NAME, () => new PAGED_FREE_EXTENSION(), PagedFreeControl, dev);
  if (status !== STATUS_SUCCESS) return status;
  const e = dev.value!.DeviceExtension as PAGED_FREE_EXTENSION;
  e.Scratch = ExAllocatePool2(POOL_FLAG_PAGED, 256, PAGED_FREE_TAG);
  return e.Scratch === 0 ? STATUS_INSUFFICIENT_RESOURCES : STATUS_SUCCESS;
}
