/**
 * wdfirqlleak.sys — WDF_VIOLATION (0x10D), WDF_VERIFIER_IRQL_MISMATCH (0xE).
 *
 * The bug: EvtIoDeviceControl raises to DISPATCH_LEVEL to update its counters "atomically" and
 * returns without KeLowerIrql. The framework (KMDF's enhanced verifier, VerifyIrqlExit) compares
 * the IRQL an event callback returns at with the IRQL it was called at and stops the machine in
 * the checked flavor: P2 the IRQL at entry (PASSIVE_LEVEL), P3 the IRQL at return
 * (DISPATCH_LEVEL). The free flavor does not look: the thread goes back to user mode at
 * DISPATCH_LEVEL, which the system call return catches as IRQL_GT_ZERO_AT_SYSTEM_SERVICE (0x4A).
 * The fix: KeLowerIrql(old) before returning (or a WDFSPINLOCK, which cannot be left held unseen).
 */
import { DISPATCH_LEVEL, KeRaiseIrql, Out, STATUS_SUCCESS, type DRIVER_OBJECT, type KIRQL, type NTSTATUS } from "@wdfjs/kernel";
import { WdfRequestComplete, type WDFDEVICE, type WDFREQUEST } from "@wdfjs/kmdf";
import { BugDriverEntry, BugGetContext, IOCTL_BUG_TRIGGER } from "../common.js";

export const WDF_IRQL_LEAK_NAME = "WdfIrqlLeak";

function IrqlLeakEvtIoDeviceControl(Device: WDFDEVICE, Request: WDFREQUEST, _OutputBufferLength: number, _InputBufferLength: number, IoControlCode: number): void {
  if (IoControlCode === IOCTL_BUG_TRIGGER) {
    const old = Out<KIRQL>(0);
    KeRaiseIrql(DISPATCH_LEVEL, old);
    BugGetContext(Device).LastRequest = Request;
    // (missing: KeLowerIrql(old.value);)
  }
  WdfRequestComplete(Request, STATUS_SUCCESS);
}

export function WdfIrqlLeakDriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
  return BugDriverEntry(DriverObject, RegistryPath, WDF_IRQL_LEAK_NAME, IrqlLeakEvtIoDeviceControl);
}
