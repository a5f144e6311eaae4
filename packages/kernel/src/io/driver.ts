import type { NTSTATUS } from "../ntstatus.js";
import { STATUS_INVALID_DEVICE_REQUEST } from "../ntstatus.js";
import type { OBJECT_HEADER } from "../ob/object.js";
import { ObpInsertObjectAddress } from "../ob/object-address.js";
import { IRP_MJ_MAXIMUM_FUNCTION } from "./constants.js";
import type { DEVICE_OBJECT } from "./device.js";
import type { IRP } from "./irp.js";
import { IoCompleteRequest } from "./complete.js";
import { IO_NO_INCREMENT } from "../ke/dispatcher.js";
import type { KWAIT_GENERATOR } from "../ke/dispatcher.js";

/**
 * A dispatch routine returns its status; one that waits (Windows runs dispatch routines at
 * PASSIVE_LEVEL in the caller's thread, where they may) is a generator returning it.
 */
export type DRIVER_DISPATCH = (DeviceObject: DEVICE_OBJECT, Irp: IRP) => NTSTATUS | KWAIT_GENERATOR<NTSTATUS>;
export type DRIVER_UNLOAD = (DriverObject: DRIVER_OBJECT) => void | KWAIT_GENERATOR<void>;
export type DRIVER_ADD_DEVICE = (DriverObject: DRIVER_OBJECT, PhysicalDeviceObject: DEVICE_OBJECT) => NTSTATUS | KWAIT_GENERATOR<NTSTATUS>;
export type DRIVER_STARTIO = (DeviceObject: DEVICE_OBJECT, Irp: IRP) => void;
export type DRIVER_INITIALIZE = (DriverObject: DRIVER_OBJECT, RegistryPath: string) => NTSTATUS | KWAIT_GENERATOR<NTSTATUS>;

/** A driver module as a machine loads it: `DriverEntry` is its entry point. */
export interface DriverModule {
  DriverEntry: DRIVER_INITIALIZE;
}

/**
 * The dispatch routine every MajorFunction slot starts with (IopInvalidDeviceRequest):
 * completes the IRP with STATUS_INVALID_DEVICE_REQUEST.
 */
export function IopInvalidDeviceRequest(DeviceObject: DEVICE_OBJECT, Irp: IRP): NTSTATUS {
  void DeviceObject;
  Irp.IoStatus.Status = STATUS_INVALID_DEVICE_REQUEST;
  Irp.IoStatus.Information = 0;
  IoCompleteRequest(Irp, IO_NO_INCREMENT);
  return STATUS_INVALID_DEVICE_REQUEST;
}

export class DRIVER_EXTENSION {
  AddDevice: DRIVER_ADD_DEVICE | null = null;
  constructor(readonly DriverObject: DRIVER_OBJECT) {}
}

/** DRIVER_OBJECT: the loaded image of a driver and its entry points. */
export class DRIVER_OBJECT {
  ObHeader: OBJECT_HEADER | null = null;
  readonly Type = 4;
  /** First device object the driver created (linked through NextDevice). */
  DeviceObject: DEVICE_OBJECT | null = null;
  Flags = 0;
  readonly DriverExtension: DRIVER_EXTENSION;
  /** `\Driver\Name`. */
  readonly DriverName: string;
  DriverStartIo: DRIVER_STARTIO | null = null;
  DriverUnload: DRIVER_UNLOAD | null = null;
  readonly MajorFunction: DRIVER_DISPATCH[];
  /** Driver-private storage the emulator offers beside the WDK fields (a typed "global"). */
  DriverContext: any = null;
  /** An unload was asked for while a device was open: it happens when the last one closes. */
  unloadPending = false;
  /** Its kernel address, from the load until the unload (ObjectAtAddress resolves it). */
  readonly address: number;
  constructor(DriverName: string) {
    this.DriverName = DriverName;
    this.DriverExtension = new DRIVER_EXTENSION(this);
    this.MajorFunction = new Array(IRP_MJ_MAXIMUM_FUNCTION + 1).fill(IopInvalidDeviceRequest);
    this.address = ObpInsertObjectAddress(this);
  }
}
export type PDRIVER_OBJECT = DRIVER_OBJECT;
