import { IoAllocateWorkItem, IoFreeWorkItem, IoQueueWorkItem, KeGetCurrentIrql, DelayedWorkQueue, PASSIVE_LEVEL, type DEVICE_OBJECT, type IO_WORKITEM, type KWAIT_GENERATOR } from "@wdfjs/kernel";
import { isRoutineGenerator, KiRunRoutine } from "@wdfjs/kernel/internal";
import type { FxDevice } from "../device/fx-device.js";

/**
 * What a driver callback that waits returned (a generator: `yield* WdfIoTargetSendIoctlSynchronously(...)`
 * inside an EvtIoDeviceControl), run to its end. At PASSIVE_LEVEL it runs on in the calling
 * thread, as the kernel runs a waiting dispatch routine (the IRP's dispatch returns
 * STATUS_PENDING if it waits); above PASSIVE_LEVEL (a request presented from a completion at
 * DISPATCH_LEVEL) it goes to a system worker thread, as WDF defers a passive-level queue's
 * callbacks to a work item. Anything else a callback returns is ignored, as C ignores it.
 */
export function FxRunQueueCallback(device: FxDevice, r: unknown, name: string): void {
  if (!isRoutineGenerator(r)) return;
  const generator = r as KWAIT_GENERATOR<unknown>;
  if (KeGetCurrentIrql() === PASSIVE_LEVEL || device.DeviceObject === null) {
    KiRunRoutine(generator, name, ignore);
    return;
  }
  const item = IoAllocateWorkItem(device.DeviceObject);
  IoQueueWorkItem(item, FxCallbackWorkItem, DelayedWorkQueue, { item, generator });
}

function ignore(): void {}

function* FxCallbackWorkItem(_DeviceObject: DEVICE_OBJECT, Context: { item: IO_WORKITEM; generator: KWAIT_GENERATOR<unknown> }): KWAIT_GENERATOR<void> {
  try {
    yield* Context.generator;
  } finally {
    IoFreeWorkItem(Context.item);
  }
}
