/**
 * wdfwrongirql.sys — a PASSIVE_LEVEL function called at DISPATCH_LEVEL.
 *
 * The bug: the driver has a second control device, `\Device\WdfWrongIrqlAux`, that it names for
 * user mode only when asked (IOCTL_BUG_TRIGGER), and it does so while it has raised to
 * DISPATCH_LEVEL; WdfDeviceCreateSymbolicLink is PASSIVE_LEVEL only (wdfdevice.h). The checked
 * flavor's KMDF verifier does not bug check for this: FxVerifierCheckIrqlLevel traces it
 * (`wdf.wrong-irql`), breaks into an attached debugger and fails the call with
 * STATUS_INVALID_DEVICE_REQUEST, which the driver passes on (the caller sees
 * ERROR_INVALID_FUNCTION, and no `\\.\WdfWrongIrqlAux`). The free flavor does not check: the link
 * is made, and the bug waits for the day the code it calls touches paged memory.
 * The fix: do PASSIVE_LEVEL work at PASSIVE_LEVEL (before raising, or in a work item).
 */
import { DISPATCH_LEVEL, KeLowerIrql, KeRaiseIrql, NT_SUCCESS, Out, STATUS_INSUFFICIENT_RESOURCES, STATUS_SUCCESS, type DRIVER_OBJECT, type KIRQL, type NTSTATUS } from "@wdfjs/kernel";
import {
  WdfControlDeviceInitAllocate, WdfControlFinishInitializing, WdfDeviceCreate, WdfDeviceCreateSymbolicLink, WdfDeviceInitAssignName,
  WdfDeviceInitFree, WdfGetDriver, WdfRequestComplete, type PWDFDEVICE_INIT, type WDFDEVICE, type WDFREQUEST,
} from "@wdfjs/kmdf";
import { BugDriverEntry, BugGetContext, IOCTL_BUG_TRIGGER } from "../common.js";

export const WDF_WRONG_IRQL_NAME = "WdfWrongIrql";
/** The second device, which gets its link only through the trigger. */
export const WDF_WRONG_IRQL_AUX = "WdfWrongIrqlAux";

function WrongIrqlEvtIoDeviceControl(Device: WDFDEVICE, Request: WDFREQUEST, _OutputBufferLength: number, _InputBufferLength: number, IoControlCode: number): void {
  let status = STATUS_SUCCESS;
  if (IoControlCode === IOCTL_BUG_TRIGGER) {
    const context = BugGetContext(Device);
    context.LastRequest = Request;
    const old = Out<KIRQL>(0);
    KeRaiseIrql(DISPATCH_LEVEL, old);
    status = WdfDeviceCreateSymbolicLink(context.LastObject as WDFDEVICE, `\\DosDevices\\${WDF_WRONG_IRQL_AUX}`);
    KeLowerIrql(old.value);
  }
  WdfRequestComplete(Request, status);
}

/** The auxiliary control device, unnamed for user mode until the trigger. */
function CreateAuxDevice(): WDFDEVICE | null {
  const init = Out<PWDFDEVICE_INIT>(WdfControlDeviceInitAllocate(WdfGetDriver()!, "D:P(A;;GA;;;SY)(A;;GA;;;BA)(A;;GA;;;WD)"));
  if (init.value === null) return null;
  const device = Out<WDFDEVICE | null>(null);
  let status = WdfDeviceInitAssignName(init.value, `\\Device\\${WDF_WRONG_IRQL_AUX}`);
  if (NT_SUCCESS(status)) status = WdfDeviceCreate(init, null, device);
  if (!NT_SUCCESS(status)) {
    WdfDeviceInitFree(init.value);
    return null;
  }
  WdfControlFinishInitializing(device.value!);
  return device.value;
}

export function WdfWrongIrqlDriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
  const device = Out<WDFDEVICE | null>(null);
  const status = BugDriverEntry(DriverObject, RegistryPath, WDF_WRONG_IRQL_NAME, WrongIrqlEvtIoDeviceControl, device);
  if (!NT_SUCCESS(status)) return status;
  const aux = CreateAuxDevice();
  if (aux === null) return STATUS_INSUFFICIENT_RESOURCES;
  BugGetContext(device.value!).LastObject = aux;
  return STATUS_SUCCESS;
}
