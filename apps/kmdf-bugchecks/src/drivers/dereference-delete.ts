/**
 * wdfderef.sys — WDF_VIOLATION (0x10D), WDF_OBJECT_ERROR (0x7).
 *
 * The bug: for each request the driver creates a scratch WDFOBJECT (parented, by default, to its
 * driver) and "frees" it with WdfObjectDereference instead of WdfObjectDelete. That drops the
 * creation reference; an object that reaches zero while it still has a parent was freed the wrong
 * way, and the framework stops the machine in both flavors (fxobject.cpp: not a verifier option):
 * P2 the object's handle, P3 the object.
 * The fix: WdfObjectDelete (WdfObjectDereference only releases a WdfObjectReference).
 */
import { NT_SUCCESS, Out, STATUS_SUCCESS, type DRIVER_OBJECT, type NTSTATUS } from "@wdfjs/kernel";
import { WdfObjectCreate, WdfObjectDereference, WdfRequestComplete, type WDFDEVICE, type WDFOBJECT, type WDFREQUEST } from "@wdfjs/kmdf";
import { BugDriverEntry, BugGetContext, IOCTL_BUG_TRIGGER } from "../common.js";

export const WDF_DEREF_NAME = "WdfDeref";

function DerefEvtIoDeviceControl(Device: WDFDEVICE, Request: WDFREQUEST, _OutputBufferLength: number, _InputBufferLength: number, IoControlCode: number): void {
  if (IoControlCode !== IOCTL_BUG_TRIGGER) {
    WdfRequestComplete(Request, STATUS_SUCCESS);
    return;
  }
  const scratch = Out<WDFOBJECT | null>(null);
  const status = WdfObjectCreate(null, scratch);
  if (NT_SUCCESS(status)) {
    BugGetContext(Device).LastObject = scratch.value!;
    // ... use it ...
    WdfObjectDereference(scratch.value!); // (should be: WdfObjectDelete)
  }
  WdfRequestComplete(Request, status);
}

export function WdfDerefDriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
  return BugDriverEntry(DriverObject, RegistryPath, WDF_DEREF_NAME, DerefEvtIoDeviceControl);
}
