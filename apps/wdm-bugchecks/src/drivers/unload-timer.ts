/**
 * timerleft.sys — DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS (0xCE).
 *
 * The bug: IOCTL_BUG_TRIGGER starts polling the device with a periodic timer, and
 * DriverUnload deletes the device and the link but never calls KeCancelTimer. Once the
 * driver's image is gone, the timer would fire into unloaded code; Windows stops the
 * machine when the driver unloads with it still set. (A driver that never started
 * polling unloads fine.)
 * The fix: KeCancelTimer in DriverUnload (and KeFlushQueuedDpcs for a DPC in flight).
 */
import {
  IoDeleteDevice, IoDeleteSymbolicLink, KDPC, KeInitializeDpc, KeInitializeTimer, KeSetTimerEx, KTIMER, STATUS_SUCCESS,
  type DEVICE_OBJECT, type DRIVER_OBJECT, type IRP, type NTSTATUS,
} from "@wdfjs/kernel";
import { CompleteIrp, CreateBugDevice, IOCTL_BUG_TRIGGER, UnknownIoctl } from "../common.js";

export const TIMER_LEFT_NAME = "TimerLeft";
export const POLL_PERIOD_MS = 100;

export class TIMER_LEFT_EXTENSION {
  readonly Timer = new KTIMER();
  readonly Dpc = new KDPC();
  Polls = 0;
}

function TimerLeftPoll(Dpc: KDPC, DeferredContext: any, SystemArgument1: any, SystemArgument2: any): void {
  void Dpc;
  void SystemArgument1;
  void SystemArgument2;
  (DeferredContext as TIMER_LEFT_EXTENSION).Polls++;
}

function TimerLeftControl(DeviceObject: DEVICE_OBJECT, Irp: IRP, IoControlCode: number): NTSTATUS {
  if (IoControlCode !== IOCTL_BUG_TRIGGER) return UnknownIoctl(Irp);
  const e = DeviceObject.DeviceExtension as TIMER_LEFT_EXTENSION;
  KeSetTimerEx(e.Timer, -POLL_PERIOD_MS * 10_000, POLL_PERIOD_MS, e.Dpc);
  return CompleteIrp(Irp, STATUS_SUCCESS);
}

function TimerLeftUnload(DriverObject: DRIVER_OBJECT): void {
  // (missing: KeCancelTimer(&e->Timer);)
  IoDeleteSymbolicLink(`\\DosDevices\\${TIMER_LEFT_NAME}`);
  if (DriverObject.DeviceObject !== null) IoDeleteDevice(DriverObject.DeviceObject);
}

export function TimerLeftDriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
  void RegistryPath;
  const dev = { value: null as DEVICE_OBJECT | null };
  const status = CreateBugDevice(DriverObject, TIMER_LEFT_NAME, () => new TIMER_LEFT_EXTENSION(), TimerLeftControl, dev);
  if (status !== STATUS_SUCCESS) return status;
  const e = dev.value!.DeviceExtension as TIMER_LEFT_EXTENSION;
  KeInitializeTimer(e.Timer);
  KeInitializeDpc(e.Dpc, TimerLeftPoll, e);
  DriverObject.DriverUnload = TimerLeftUnload;
  return STATUS_SUCCESS;
}
