import { cur } from "../context.js";
import { IoCallDriver } from "../io/complete.js";
import { DO_POWER_PAGABLE, IRP_MJ_POWER } from "../io/constants.js";
import { IoGetAttachedDeviceReference, type DEVICE_OBJECT } from "../io/device.js";
import { IoAllocateIrp, IoGetNextIrpStackLocation, type IRP } from "../io/irp.js";
import { ObDereferenceObject } from "../ob/object.js";
import { STATUS_NOT_SUPPORTED } from "../ntstatus.js";
import { PASSIVE_LEVEL } from "../ke/irql.js";

/**
 * The power manager sends a power IRP. A driver that set DO_POWER_PAGABLE is promised
 * its power IRPs at PASSIVE_LEVEL: asked from above it (a completion routine at
 * DISPATCH_LEVEL), the IRP goes out from a system worker thread instead.
 */
export function PopSendPowerIrp(top: DEVICE_OBJECT, Irp: IRP): void {
  const m = cur;
  if (m.cpu.Irql === PASSIVE_LEVEL || (top.Flags & DO_POWER_PAGABLE) === 0) {
    IoCallDriver(top, Irp);
    return;
  }
  m.scheduler.queueWork({
    run: () => {
      cur.cpu.driver = null;
      IoCallDriver(top, Irp);
    },
  });
}


/**
 * A power IRP of `MinorFunction` for the top of `DeviceObject`'s stack (referenced; the
 * caller drops the reference when the IRP is done), its status STATUS_NOT_SUPPORTED so a
 * driver that does not handle it passes it on untouched. Null if no IRP could be allocated.
 */
export function PopAllocatePowerIrp(DeviceObject: DEVICE_OBJECT, MinorFunction: number): { top: DEVICE_OBJECT; irp: IRP } | null {
  const top = IoGetAttachedDeviceReference(DeviceObject);
  const irp = IoAllocateIrp(top.StackSize, false);
  if (irp === null) {
    ObDereferenceObject(top);
    return null;
  }
  irp.IoStatus.Status = STATUS_NOT_SUPPORTED;
  const sl = IoGetNextIrpStackLocation(irp);
  sl.MajorFunction = IRP_MJ_POWER;
  sl.MinorFunction = MinorFunction;
  return { top, irp };
}
