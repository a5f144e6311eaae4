import { DISPATCH_LEVEL, NT_SUCCESS, PASSIVE_LEVEL, STATUS_INVALID_DEVICE_STATE, type KWAIT_GENERATOR, type NTSTATUS } from "@wdfjs/kernel";
import { FxObjectHandleGetPtr, FxVerifierCheckIrqlLevel, FX_TYPE_DEVICE, type FxDevice, type WDFDEVICE } from "@wdfjs/framework";
import { Enter } from "./ddi.js";

// The functions behind the WdfDeviceStopIdle / WdfDeviceResumeIdle macros (fxdeviceapi.cpp
// StopIdleWorker, ResumeIdleWorker): a power reference on the power-policy owner's idle machine.
// The tag, line and file of the ...Actual forms only label the reference in WDF's tracking.

function StopIdleWorker(Device: WDFDEVICE, WaitForD0: boolean, Routine: string): NTSTATUS | KWAIT_GENERATOR<NTSTATUS> {
  const device = FxObjectHandleGetPtr(Device, FX_TYPE_DEVICE) as FxDevice;
  const status = FxVerifierCheckIrqlLevel(Routine, WaitForD0 ? PASSIVE_LEVEL : DISPATCH_LEVEL);
  if (!NT_SUCCESS(status)) return status;
  const pkg = device.pnp;
  // Only the power-policy owner has an idle machine to hold: STATUS_INVALID_DEVICE_STATE.
  if (pkg === null || !pkg.isPowerPolicyOwner) return STATUS_INVALID_DEVICE_STATE;
  return WaitForD0 ? pkg.owner.idle.stopIdleAndWait() : pkg.owner.idle.stopIdle();
}

function ResumeIdleWorker(Device: WDFDEVICE, Routine: string): void {
  const pkg = Enter<FxDevice>(Device, FX_TYPE_DEVICE, Routine)?.pnp ?? null;
  if (pkg !== null && pkg.isPowerPolicyOwner) pkg.owner.idle.ioDecrement();
}

/**
 * `WdfDeviceStopIdleNoTrack`: a power reference not tracked by tag. WaitForD0 TRUE: PASSIVE_LEVEL,
 * a waiting call (`yield*`) that returns once in D0; FALSE: STATUS_PENDING while powering up.
 * Not the power-policy owner: STATUS_INVALID_DEVICE_STATE.
 */
export function WdfDeviceStopIdleNoTrack(Device: WDFDEVICE, WaitForD0: true): KWAIT_GENERATOR<NTSTATUS>;
export function WdfDeviceStopIdleNoTrack(Device: WDFDEVICE, WaitForD0: false): NTSTATUS;
export function WdfDeviceStopIdleNoTrack(Device: WDFDEVICE, WaitForD0: boolean): NTSTATUS | KWAIT_GENERATOR<NTSTATUS> {
  return StopIdleWorker(Device, WaitForD0, "WdfDeviceStopIdleNoTrack");
}

/** `WdfDeviceStopIdleActual`: as WdfDeviceStopIdleNoTrack, the reference labelled with Tag, Line and File. */
export function WdfDeviceStopIdleActual(Device: WDFDEVICE, WaitForD0: true, Tag: unknown, Line: number, File: string | null): KWAIT_GENERATOR<NTSTATUS>;
export function WdfDeviceStopIdleActual(Device: WDFDEVICE, WaitForD0: false, Tag: unknown, Line: number, File: string | null): NTSTATUS;
export function WdfDeviceStopIdleActual(Device: WDFDEVICE, WaitForD0: boolean, _Tag: unknown, _Line: number, _File: string | null): NTSTATUS | KWAIT_GENERATOR<NTSTATUS> {
  return StopIdleWorker(Device, WaitForD0, "WdfDeviceStopIdleActual");
}

/** `WdfDeviceResumeIdleNoTrack`: drops a WdfDeviceStopIdleNoTrack reference (not the owner: nothing). */
export function WdfDeviceResumeIdleNoTrack(Device: WDFDEVICE): void {
  ResumeIdleWorker(Device, "WdfDeviceResumeIdleNoTrack");
}

/** `WdfDeviceResumeIdleActual`: drops a WdfDeviceStopIdleActual reference. */
export function WdfDeviceResumeIdleActual(Device: WDFDEVICE, _Tag: unknown, _Line: number, _File: string | null): void {
  ResumeIdleWorker(Device, "WdfDeviceResumeIdleActual");
}
