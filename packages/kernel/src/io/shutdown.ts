import { cur } from "../context.js";
import { VF_RULE_IRQL_IO_PASSIVE1 } from "../ke/bugcheck-codes.js";
import { Executive, KEVENT, KeInitializeEvent, KernelMode, KeWaitForSingleObject, NotificationEvent, type KWAIT_GENERATOR } from "../ke/dispatcher.js";
import { PASSIVE_LEVEL } from "../ke/irql.js";
import type { Machine } from "../machine.js";
import { STATUS_PENDING, STATUS_SUCCESS, type NTSTATUS } from "../ntstatus.js";
import { ObDereferenceObject, ObReferenceObject } from "../ob/object.js";
import { VfIrqlTooHigh } from "../verifier/irql-rules.js";
import { IoBuildSynchronousFsdRequest } from "./build.js";
import { IoCallDriver } from "./complete.js";
import { DO_SHUTDOWN_REGISTERED, IRP_MJ_SHUTDOWN } from "./constants.js";
import { IoGetAttachedDeviceReference, type DEVICE_OBJECT } from "./device.js";
import { IO_STATUS_BLOCK } from "./irp.js";

/*
 * Shutdown notifications (iomgr's shutdown list, as ReactOS `IoRegisterShutdownNotification` and
 * `IoShutdownSystem` keep it): a driver asks for an IRP_MJ_SHUTDOWN when the system shuts down,
 * either early (file systems still work) or as a last chance (after they are flushed). The
 * lists are the machine's (`machine.io`); each entry holds a reference on its device.
 * IoDeleteDevice takes a registered device off both lists (DO_SHUTDOWN_REGISTERED).
 */

function IopCheckPassive(routine: string): void {
  const m = cur;
  if (m.checked && m.cpu.Irql !== PASSIVE_LEVEL) VfIrqlTooHigh(routine, PASSIVE_LEVEL, VF_RULE_IRQL_IO_PASSIVE1);
}

function IopRegister(list: Set<DEVICE_OBJECT>, DeviceObject: DEVICE_OBJECT, routine: string): NTSTATUS {
  IopCheckPassive(routine);
  // One entry per device and list; a second registration keeps the first.
  if (list.has(DeviceObject)) return STATUS_SUCCESS;
  ObReferenceObject(DeviceObject);
  list.add(DeviceObject);
  DeviceObject.Flags |= DO_SHUTDOWN_REGISTERED;
  return STATUS_SUCCESS;
}

/**
 * `IoRegisterShutdownNotification` (PASSIVE_LEVEL): the device gets an IRP_MJ_SHUTDOWN at the
 * start of a shutdown, while file systems still work; the most recently registered first.
 */
export function IoRegisterShutdownNotification(DeviceObject: DEVICE_OBJECT): NTSTATUS {
  return IopRegister(cur.io.shutdownList, DeviceObject, "IoRegisterShutdownNotification");
}

/**
 * `IoRegisterLastChanceShutdownNotification` (PASSIVE_LEVEL): the device gets an IRP_MJ_SHUTDOWN
 * after the file systems are flushed (no file I/O, no paging, from then on).
 */
export function IoRegisterLastChanceShutdownNotification(DeviceObject: DEVICE_OBJECT): NTSTATUS {
  return IopRegister(cur.io.lastChanceShutdownList, DeviceObject, "IoRegisterLastChanceShutdownNotification");
}

/** `IoUnregisterShutdownNotification` (PASSIVE_LEVEL): the device leaves both lists. */
export function IoUnregisterShutdownNotification(DeviceObject: DEVICE_OBJECT): void {
  IopCheckPassive("IoUnregisterShutdownNotification");
  IopUnregisterShutdown(DeviceObject);
}

/** @internal Both lists lose the device and their references to it (IoDeleteDevice too). */
export function IopUnregisterShutdown(DeviceObject: DEVICE_OBJECT): void {
  const io = cur.io;
  if (io.shutdownList.delete(DeviceObject)) ObDereferenceObject(DeviceObject);
  if (io.lastChanceShutdownList.delete(DeviceObject)) ObDereferenceObject(DeviceObject);
  DeviceObject.Flags &= ~DO_SHUTDOWN_REGISTERED;
}

/**
 * `IopShutdownSystem(Phase)` (Windows' IoShutdownSystem): phase 0 sends IRP_MJ_SHUTDOWN to every device on the shutdown list,
 * phase 1 to those on the last-chance list, each time to the top of the device's stack, the last
 * registered first, one at a time (a synchronous IRP, waited for). The list is used up: each
 * device is told once.
 */
export function* IopShutdownSystem(Phase: 0 | 1): KWAIT_GENERATOR<void> {
  const io = cur.io;
  const list = Phase === 0 ? io.shutdownList : io.lastChanceShutdownList;
  const devices = [...list].reverse();
  list.clear();
  for (const DeviceObject of devices) {
    if (!DeviceObject.deletePending) {
      const top = IoGetAttachedDeviceReference(DeviceObject);
      const event = new KEVENT();
      KeInitializeEvent(event, NotificationEvent, false);
      const iosb = new IO_STATUS_BLOCK();
      const irp = IoBuildSynchronousFsdRequest(IRP_MJ_SHUTDOWN, top, 0, 0, null, event, iosb);
      if (irp !== null && IoCallDriver(top, irp) === STATUS_PENDING) yield* KeWaitForSingleObject(event, Executive, KernelMode, false, null);
      ObDereferenceObject(top);
    }
    if (!io.shutdownList.has(DeviceObject) && !io.lastChanceShutdownList.has(DeviceObject)) DeviceObject.Flags &= ~DO_SHUTDOWN_REGISTERED;
    ObDereferenceObject(DeviceObject);
  }
}

/**
 * `machine.shutdown()`: the I/O manager's part of a system shutdown, as a system thread: phase 0
 * (shutdown notifications), then phase 1 (last-chance notifications). The S5 power IRPs to PnP
 * stacks are `machine.sleep(PowerSystemShutdown)`'s.
 */
export function IopHostShutdown(m: Machine): NTSTATUS {
  return m.callDriverRoutine(null, "shutdown", function* () {
    yield* IopShutdownSystem(0);
    yield* IopShutdownSystem(1);
    return STATUS_SUCCESS;
  });
}
