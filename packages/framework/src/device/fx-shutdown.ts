import {
  IoCallDriver, IoCompleteRequest, IoRegisterLastChanceShutdownNotification, IoRegisterShutdownNotification, IoSkipCurrentIrpStackLocation,
  IoUnregisterShutdownNotification, IO_NO_INCREMENT, NT_SUCCESS, STATUS_SUCCESS, type IRP, type KWAIT_GENERATOR, type NTSTATUS,
} from "@wdfjs/kernel";
import { isRoutineGenerator } from "@wdfjs/kernel/internal";
import type { FxDeviceInit } from "./fx-device-init.js";
import type { FxDevice } from "./fx-device.js";

/** `WDF_DEVICE_SHUTDOWN_FLAGS` (wdfcontrol.h): which shutdown notifications a control device asks for. */
export const WdfDeviceShutdown = 0x01;
export const WdfDeviceLastChanceShutdown = 0x02;
export type WDF_DEVICE_SHUTDOWN_FLAGS = number;

/** `EVT_WDF_DEVICE_SHUTDOWN_NOTIFICATION` (PASSIVE_LEVEL; a normal notification may wait: a generator). */
export type EVT_WDF_DEVICE_SHUTDOWN_NOTIFICATION = (Device: any) => void;
export type PFN_WDF_DEVICE_SHUTDOWN_NOTIFICATION = EVT_WDF_DEVICE_SHUTDOWN_NOTIFICATION;

/**
 * `WdfControlDeviceInitSetShutdownNotification`'s checks (fxdeviceinitapi.cpp): only a control
 * device's init, only the two flags; a refusal is traced and ignored (FxVerifierDbgBreakPoint).
 * Flags accumulate over calls; the last callback is the one kept.
 */
export function FxControlDeviceInitSetShutdownNotification(init: FxDeviceInit, Notification: EVT_WDF_DEVICE_SHUTDOWN_NOTIFICATION, Flags: number): void {
  let problem: string | null = null;
  if (!init.IsControlDeviceInit) problem = "not a PWDFDEVICE_INIT for a control device";
  else if ((Flags & ~(WdfDeviceShutdown | WdfDeviceLastChanceShutdown)) !== 0) problem = `WdfDeviceShutdown Flags 0x${Flags.toString(16)} are invalid`;
  if (problem !== null) {
    init.Driver.table.machine.trace?.event("wdf.shutdown-notification", null, `WdfControlDeviceInitSetShutdownNotification: ${problem}; ignored`);
    return;
  }
  init.Control.ShutdownNotification = Notification;
  init.Control.Flags |= Flags;
}

/**
 * `FxPkgGeneral::PostCreateDeviceInitialize`'s kernel-mode part: the device object is registered
 * for the notifications the init asked for; if one registration fails, both are undone and the
 * status fails the device's creation. IoDeleteDevice unregisters, so nothing is tracked after.
 */
export function FxRegisterShutdownNotification(device: FxDevice, init: FxDeviceInit): NTSTATUS {
  const flags = init.Control.Flags;
  const d = device.DeviceObject;
  if (flags === 0 || d === null) return STATUS_SUCCESS;
  let status: NTSTATUS = STATUS_SUCCESS;
  if ((flags & WdfDeviceShutdown) !== 0) status = IoRegisterShutdownNotification(d);
  if (NT_SUCCESS(status) && (flags & WdfDeviceLastChanceShutdown) !== 0) status = IoRegisterLastChanceShutdownNotification(d);
  if (NT_SUCCESS(status)) device.shutdownNotification = init.Control.ShutdownNotification;
  else IoUnregisterShutdownNotification(d);
  return status;
}

/**
 * `FxPkgGeneral::OnShutdown` (IRP_MJ_SHUTDOWN): EvtDeviceShutdownNotification, then a filter
 * passes the IRP down and any other device completes it with STATUS_SUCCESS. A notification
 * that waits (a generator) runs on in the shutdown thread before the IRP goes on.
 */
export function FxDeviceOnShutdown(device: FxDevice, Irp: IRP): NTSTATUS | KWAIT_GENERATOR<NTSTATUS> {
  const notification = device.shutdownNotification;
  if (notification !== null) {
    const r = device.callDriver(() => notification(device.handle));
    if (isRoutineGenerator(r)) return FxDeviceShutdownAfterWait(device, Irp, r as KWAIT_GENERATOR<unknown>);
  }
  return FxDeviceShutdownDone(device, Irp);
}

function* FxDeviceShutdownAfterWait(device: FxDevice, Irp: IRP, r: KWAIT_GENERATOR<unknown>): KWAIT_GENERATOR<NTSTATUS> {
  yield* r;
  return FxDeviceShutdownDone(device, Irp);
}

function FxDeviceShutdownDone(device: FxDevice, Irp: IRP): NTSTATUS {
  if (device.Filter && device.AttachedDevice !== null) {
    IoSkipCurrentIrpStackLocation(Irp);
    return IoCallDriver(device.AttachedDevice, Irp);
  }
  Irp.IoStatus.Status = STATUS_SUCCESS;
  Irp.IoStatus.Information = 0;
  IoCompleteRequest(Irp, IO_NO_INCREMENT);
  return STATUS_SUCCESS;
}
