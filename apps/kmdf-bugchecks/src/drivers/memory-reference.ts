/**
 * wdfmemref.sys — WDF_VIOLATION (0x10D), WDF_VERIFIER_FATAL_ERROR (0x3).
 *
 * The bug: the driver keeps the WDFMEMORY of the request's input buffer for later (a "last
 * command" it means to log), takes a reference on it with WdfObjectReference, and completes the
 * request without dropping the reference. That memory is the IRP's buffer, which the I/O manager
 * takes back at completion: the framework finds the reference (`m_IrpReferenceCount`, fxrequest.cpp
 * ~L775) and stops the machine, P2 the request, P3 the count of references (1). Not a verifier
 * option: both flavors.
 * The fix: copy what it needs out of the buffer and WdfObjectDereference the memory before
 * WdfRequestComplete.
 */
import { NT_SUCCESS, Out, STATUS_SUCCESS, type DRIVER_OBJECT, type NTSTATUS } from "@wdfjs/kernel";
import { WdfObjectReference, WdfRequestComplete, WdfRequestRetrieveInputMemory, type WDFDEVICE, type WDFMEMORY, type WDFREQUEST } from "@wdfjs/kmdf";
import { BugDriverEntry, BugGetContext, IOCTL_BUG_TRIGGER } from "../common.js";

export const WDF_MEMORY_REFERENCE_NAME = "WdfMemRef";

function MemRefEvtIoDeviceControl(Device: WDFDEVICE, Request: WDFREQUEST, _OutputBufferLength: number, _InputBufferLength: number, IoControlCode: number): void {
  if (IoControlCode !== IOCTL_BUG_TRIGGER) {
    WdfRequestComplete(Request, STATUS_SUCCESS);
    return;
  }
  const context = BugGetContext(Device);
  context.LastRequest = Request;
  const memory = Out<WDFMEMORY | null>(null);
  const status = WdfRequestRetrieveInputMemory(Request, memory);
  if (NT_SUCCESS(status)) {
    WdfObjectReference(memory.value!);
    context.LastObject = memory.value!;
  }
  // (missing: WdfObjectDereference(memory.value) once the command is logged)
  WdfRequestComplete(Request, status);
}

export function WdfMemRefDriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
  return BugDriverEntry(DriverObject, RegistryPath, WDF_MEMORY_REFERENCE_NAME, MemRefEvtIoDeviceControl);
}
