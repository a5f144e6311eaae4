import { cur } from "../context.js";
import { VfIrqlTooHigh } from "../verifier/irql-rules.js";
import { DISPATCH_LEVEL } from "../ke/irql.js";
import { ObDereferenceObject, ObReferenceObject } from "../ob/object.js";
import type { KWAIT_GENERATOR } from "../ke/dispatcher.js";
import type { DEVICE_OBJECT } from "./device.js";
import { KiRunRoutine } from "../ke/routine.js";

export type IO_WORKITEM_ROUTINE = (DeviceObject: DEVICE_OBJECT, Context: any) => void | KWAIT_GENERATOR<void>;

export const CriticalWorkQueue = 0;
export const DelayedWorkQueue = 1;
export const HyperCriticalWorkQueue = 2;

/** IO_WORKITEM: passive-level work run by a system worker thread on behalf of a device. */
export class IO_WORKITEM {
  queued = false;
  constructor(readonly DeviceObject: DEVICE_OBJECT) {}
}

export function IoAllocateWorkItem(DeviceObject: DEVICE_OBJECT): IO_WORKITEM {
  return new IO_WORKITEM(DeviceObject);
}

export function IoFreeWorkItem(IoWorkItem: IO_WORKITEM): void {
  IoWorkItem.queued = false;
}

/**
 * `IoQueueWorkItem`: the routine runs later at PASSIVE_LEVEL in the System process. The
 * device object is referenced until it has run, so its driver cannot unload under it.
 * A routine that waits is written as a generator and runs as a worker thread would.
 */
export function IoQueueWorkItem(IoWorkItem: IO_WORKITEM, WorkerRoutine: IO_WORKITEM_ROUTINE, QueueType: number, Context: any): void {
  void QueueType;
  const m = cur;
  if (m.checked && m.cpu.Irql > DISPATCH_LEVEL) VfIrqlTooHigh("IoQueueWorkItem", DISPATCH_LEVEL);
  const dev = IoWorkItem.DeviceObject;
  ObReferenceObject(dev);
  IoWorkItem.queued = true;
  m.scheduler.queueWork({
    run: () => {
      const cpu = cur.cpu;
      IoWorkItem.queued = false;
      cpu.driver = dev.DriverObject;
      // A system worker thread runs it; a routine that waits keeps that worker until it ends.
      KiRunRoutine(WorkerRoutine(dev, Context), `the work item routine of ${dev.DriverObject.DriverName}`, () => ObDereferenceObject(dev));
    },
  });
}
