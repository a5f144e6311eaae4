import { cur } from "../context.js";
import { VfIrqlTooHigh } from "../verifier/irql-rules.js";
import { DISPATCH_LEVEL, PASSIVE_LEVEL } from "../ke/irql.js";
import type { Box } from "../box.js";
import { KeBugCheckEx } from "../ke/bugcheck.js";
import { KDEVICE_QUEUE } from "../ke/device-queue.js";
import { DRIVER_VERIFIER_IOMANAGER_VIOLATION, IOMGR_DOUBLE_DELETE_DEVICE, VF_RULE_IRQL_IO_PASSIVE1 } from "../ke/bugcheck-codes.js";
import { POOL_FLAG_NON_PAGED, POOL_TAG } from "../mm/pool.js";
import { STATUS_INSUFFICIENT_RESOURCES, STATUS_INVALID_PARAMETER, STATUS_SUCCESS, NT_SUCCESS, type NTSTATUS, STATUS_OBJECT_NAME_NOT_FOUND } from "../ntstatus.js";
import { OBJECT_HEADER, ObDereferenceObject, ObReferenceObject } from "../ob/object.js";
import { SymbolicLink } from "../ob/namespace.js";
import { DO_DEVICE_INITIALIZING, DO_EXCLUSIVE } from "./constants.js";
import type { DRIVER_OBJECT } from "./driver.js";
import type { IRP } from "./irp.js";
import type { FILE_OBJECT } from "./file.js";
import { PopDeviceObjectFreed } from "../po/power-manager.js";

/** DEVICE_OBJECT: one layer of a device stack. */
export class DEVICE_OBJECT {
  ObHeader: OBJECT_HEADER | null = null;
  readonly Type = 3;
  ReferenceCount = 0;
  readonly DriverObject: DRIVER_OBJECT;
  NextDevice: DEVICE_OBJECT | null = null;
  /** The device attached above this one, or null at the top of the stack. */
  AttachedDevice: DEVICE_OBJECT | null = null;
  CurrentIrp: IRP | null = null;
  /** The queue IoStartPacket puts IRPs in while the device is busy (for drivers with a StartIo routine). */
  readonly DeviceQueue: KDEVICE_QUEUE;
  Flags = 0;
  Characteristics = 0;
  /**
   * The driver's per-device storage. Given a size, IoCreateDevice allocates that many
   * bytes of nonpaged pool and this is their address, as in C; given a function
   * (our extension for TypeScript drivers), this is the object it returns.
   */
  DeviceExtension: any;
  DeviceType: number;
  StackSize = 1;
  AlignmentRequirement = 0;
  /** `\Device\Name`, or null for an unnamed device. */
  readonly DeviceName: string | null;
  /** DEVOBJ_EXTENSION.AttachedTo: the device this one is attached on top of. */
  AttachedTo: DEVICE_OBJECT | null = null;
  deletePending = false;
  deleted = false;
  /** The nonpaged pool block IoCreateDevice allocated for DeviceExtension, freed with the device. */
  extensionPool = 0;
  /** Open file objects on this device. */
  openCount = 0;
  /** DEVOBJ_EXTENSION.StartIoFlags/StartIoCount/StartIoKey: IoSetStartIoAttributes and deferred starts (start-io.ts). */
  StartIoFlags = 0;
  StartIoCount = 0;
  StartIoKey = 0;
  /** Its kernel address (resolves back to it while it lives: ObjectAtAddress). */
  readonly address: number;
  constructor(DriverObject: DRIVER_OBJECT, DeviceType: number, DeviceName: string | null, address: number) {
    this.DriverObject = DriverObject;
    this.DeviceType = DeviceType;
    this.DeviceName = DeviceName;
    this.address = address;
    this.DeviceQueue = new KDEVICE_QUEUE();
  }
}
export type PDEVICE_OBJECT = DEVICE_OBJECT;

/**
 * `IoCreateDevice`. The new device has DO_DEVICE_INITIALIZING set until the driver
 * clears it (DriverEntry's devices are cleared by the I/O manager when it returns).
 */
export function IoCreateDevice(
  DriverObject: DRIVER_OBJECT,
  DeviceExtensionSize: number | (() => any),
  DeviceName: string | null,
  DeviceType: number,
  DeviceCharacteristics: number,
  Exclusive: boolean,
  DeviceObject: Box<DEVICE_OBJECT | null>,
): NTSTATUS {
  const m = cur;
  if (m.checked && m.cpu.Irql !== PASSIVE_LEVEL) VfIrqlTooHigh("IoCreateDevice", PASSIVE_LEVEL, VF_RULE_IRQL_IO_PASSIVE1);
  DeviceObject.value = null;
  let ext: any = null;
  if (typeof DeviceExtensionSize === "number") {
    if (!(DeviceExtensionSize >= 0)) return STATUS_INVALID_PARAMETER;
    if (DeviceExtensionSize > 0) {
      // Part of the device object, not the driver's allocation.
      m.mm.kernelCode++;
      ext = m.mm.pool.allocate(POOL_FLAG_NON_PAGED, DeviceExtensionSize, POOL_TAG("Devi"));
      m.mm.kernelCode--;
      if (ext === 0) return STATUS_INSUFFICIENT_RESOURCES;
    }
  } else if (typeof DeviceExtensionSize === "function") {
    ext = DeviceExtensionSize();
  }
  const address = m.ob.addresses.reserve();
  const dev = new DEVICE_OBJECT(DriverObject, DeviceType, DeviceName, address);
  // The device object lives until its last reference goes: this one (dropped by
  // IoDeleteDevice), each open file object's, and any a driver or work item takes.
  dev.ObHeader = new OBJECT_HEADER("Device", IopDeleteDeviceObject);
  dev.DeviceExtension = ext;
  if (typeof ext === "number") dev.extensionPool = ext;
  if (address === 0) {
    ObDereferenceObject(dev);
    return STATUS_INSUFFICIENT_RESOURCES;
  }
  m.ob.addresses.bind(address, dev);
  dev.Characteristics = DeviceCharacteristics;
  dev.Flags = DO_DEVICE_INITIALIZING | (Exclusive ? DO_EXCLUSIVE : 0);
  if (DeviceName !== null) {
    const st = m.ob.namespace.insert(DeviceName, dev);
    if (!NT_SUCCESS(st)) {
      // A failed create leaves nothing behind: the extension and the address go back.
      ObDereferenceObject(dev);
      return st;
    }
  }
  dev.NextDevice = DriverObject.DeviceObject;
  DriverObject.DeviceObject = dev;
  m.trace?.event("device-create", DriverObject, DeviceName ?? "(unnamed)");
  DeviceObject.value = dev;
  return STATUS_SUCCESS;
}

/**
 * `IoDeleteDevice`: unnamed at once; the object goes when the last open file object
 * on it closes. Deleting twice is a verifier bug check.
 */
export function IoDeleteDevice(DeviceObject: DEVICE_OBJECT): void {
  const m = cur;
  if (DeviceObject.deletePending) {
    if (m.checked) KeBugCheckEx(DRIVER_VERIFIER_IOMANAGER_VIOLATION, IOMGR_DOUBLE_DELETE_DEVICE, 0, DeviceObject.address, 0);
    return;
  }
  DeviceObject.deletePending = true;
  if (DeviceObject.DeviceName !== null) m.ob.namespace.remove(DeviceObject.DeviceName);
  const drv = DeviceObject.DriverObject;
  if (drv.DeviceObject === DeviceObject) drv.DeviceObject = DeviceObject.NextDevice;
  else {
    for (let d = drv.DeviceObject; d !== null; d = d.NextDevice) {
      if (d.NextDevice === DeviceObject) {
        d.NextDevice = DeviceObject.NextDevice;
        break;
      }
    }
  }
  DeviceObject.NextDevice = null;
  ObDereferenceObject(DeviceObject);
  m.trace?.event("device-delete", drv, DeviceObject.DeviceName ?? "(unnamed)");
}

/** The device type's delete procedure: the last reference is gone (after IoDeleteDevice). */
export function IopDeleteDeviceObject(DeviceObject: DEVICE_OBJECT): void {
  // The power manager's check (0x9F/1): no power IRP may still be outstanding at it.
  const po = cur.po;
  if (po.watched.size !== 0 || po.waitWakes.size !== 0 || po.idle.devices.size !== 0) PopDeviceObjectFreed(DeviceObject);
  DeviceObject.deleted = true;
  if (DeviceObject.extensionPool !== 0) {
    cur.mm.pool.free_(DeviceObject.extensionPool, POOL_TAG("Devi"));
    DeviceObject.extensionPool = 0;
  }
}

export function IoCreateSymbolicLink(SymbolicLinkName: string, DeviceName: string): NTSTATUS {
  return cur.ob.namespace.insert(SymbolicLinkName, new SymbolicLink(DeviceName));
}

export function IoDeleteSymbolicLink(SymbolicLinkName: string): NTSTATUS {
  const ns = cur.ob.namespace;
  if (!(ns.lookup(SymbolicLinkName) instanceof SymbolicLink)) return STATUS_OBJECT_NAME_NOT_FOUND;
  ns.remove(SymbolicLinkName);
  return STATUS_SUCCESS;
}

/** The highest device attached on top of `DeviceObject`'s stack. */
export function IoGetAttachedDevice(DeviceObject: DEVICE_OBJECT): DEVICE_OBJECT {
  let d = DeviceObject;
  while (d.AttachedDevice !== null) d = d.AttachedDevice;
  return d;
}

export function IoGetAttachedDeviceReference(DeviceObject: DEVICE_OBJECT): DEVICE_OBJECT {
  const top = IoGetAttachedDevice(DeviceObject);
  ObReferenceObject(top);
  return top;
}

export function IoGetRelatedDeviceObject(FileObject: FILE_OBJECT): DEVICE_OBJECT {
  return IoGetAttachedDevice(FileObject.DeviceObject);
}

export function IoGetLowerDeviceObject(DeviceObject: DEVICE_OBJECT): DEVICE_OBJECT | null {
  const low = DeviceObject.AttachedTo;
  if (low) ObReferenceObject(low);
  return low;
}

/**
 * `IoAttachDeviceToDeviceStack`: puts SourceDevice on top of TargetDevice's stack
 * and returns the device it is now attached to (the former top), whose StackSize + 1
 * becomes the source's.
 */
export function IoAttachDeviceToDeviceStack(SourceDevice: DEVICE_OBJECT, TargetDevice: DEVICE_OBJECT): DEVICE_OBJECT | null {
  const m = cur;
  if (m.checked && m.cpu.Irql > DISPATCH_LEVEL) VfIrqlTooHigh("IoAttachDeviceToDeviceStack", DISPATCH_LEVEL);
  if (TargetDevice.deletePending) return null;
  const top = IoGetAttachedDevice(TargetDevice);
  top.AttachedDevice = SourceDevice;
  SourceDevice.AttachedTo = top;
  SourceDevice.StackSize = top.StackSize + 1;
  SourceDevice.AlignmentRequirement = Math.max(SourceDevice.AlignmentRequirement, top.AlignmentRequirement);
  m.trace?.event("attach", SourceDevice.DriverObject, `${SourceDevice.DriverObject.DriverName} on ${top.DriverObject.DriverName}`);
  return top;
}

export function IoAttachDeviceToDeviceStackSafe(SourceDevice: DEVICE_OBJECT, TargetDevice: DEVICE_OBJECT, AttachedToDeviceObject: Box<DEVICE_OBJECT | null>): NTSTATUS {
  const m = cur;
  if (m.checked && m.cpu.Irql > DISPATCH_LEVEL) VfIrqlTooHigh("IoAttachDeviceToDeviceStackSafe", DISPATCH_LEVEL);
  const top = IoAttachDeviceToDeviceStack(SourceDevice, TargetDevice);
  AttachedToDeviceObject.value = top;
  return top ? STATUS_SUCCESS : STATUS_INVALID_PARAMETER;
}

/** `IoDetachDevice`: TargetDevice is the device the caller attached to. */
export function IoDetachDevice(TargetDevice: DEVICE_OBJECT): void {
  const above = TargetDevice.AttachedDevice;
  if (above) above.AttachedTo = null;
  TargetDevice.AttachedDevice = null;
}
