/**
 * poolleak.sys — DRIVER_VERIFIER_DETECTED_VIOLATION (0xC4), P1 0x62, in the checked flavor.
 *
 * The bug: every IOCTL_BUG_TRIGGER allocates a 128-byte record in nonpaged pool and keeps
 * it in a list, and DriverUnload deletes the device and the link but never frees the
 * records. Driver Verifier tracks each driver's pool and stops the machine when the driver
 * unloads with allocations outstanding: P2 the driver (its name; here its DRIVER_OBJECT's
 * address), P4 the number of allocations. The free flavor (no verifier) lets the pool leak
 * silently.
 * The fix: ExFreePoolWithTag each record in DriverUnload.
 */
import {
  ExAllocatePool2, IoDeleteDevice, IoDeleteSymbolicLink, POOL_FLAG_NON_PAGED, POOL_TAG, STATUS_INSUFFICIENT_RESOURCES,
  STATUS_SUCCESS, type DEVICE_OBJECT, type DRIVER_OBJECT, type IRP, type NTSTATUS,
} from "@wdfjs/kernel";
import { CompleteIrp, CreateBugDevice, IOCTL_BUG_TRIGGER, UnknownIoctl } from "../common.js";

export const POOL_LEAK_NAME = "PoolLeak";
export const POOL_LEAK_RECORD_BYTES = 128;

export class POOL_LEAK_EXTENSION {
  /** Addresses of the records allocated so far. */
  readonly Records: number[] = [];
}

function PoolLeakControl(DeviceObject: DEVICE_OBJECT, Irp: IRP, IoControlCode: number): NTSTATUS {
  if (IoControlCode !== IOCTL_BUG_TRIGGER) return UnknownIoctl(Irp);
  const e = DeviceObject.DeviceExtension as POOL_LEAK_EXTENSION;
  const record = ExAllocatePool2(POOL_FLAG_NON_PAGED, POOL_LEAK_RECORD_BYTES, POOL_TAG("Leak"));
  if (record === 0) return CompleteIrp(Irp, STATUS_INSUFFICIENT_RESOURCES);
  e.Records.push(record);
  return CompleteIrp(Irp, STATUS_SUCCESS);
}

function PoolLeakUnload(DriverObject: DRIVER_OBJECT): void {
  // (missing: for each record, ExFreePoolWithTag(record, 'kaeL');)
  IoDeleteSymbolicLink(`\\DosDevices\\${POOL_LEAK_NAME}`);
  if (DriverObject.DeviceObject !== null) IoDeleteDevice(DriverObject.DeviceObject);
}

export function PoolLeakDriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
  void RegistryPath;
  const status = CreateBugDevice(DriverObject, POOL_LEAK_NAME, () => new POOL_LEAK_EXTENSION(), PoolLeakControl);
  if (status !== STATUS_SUCCESS) return status;
  DriverObject.DriverUnload = PoolLeakUnload;
  return STATUS_SUCCESS;
}
