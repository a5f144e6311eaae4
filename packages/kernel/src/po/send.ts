import { cur } from "../context.js";
import { IoCallDriver } from "../io/complete.js";
import { DO_POWER_PAGABLE } from "../io/constants.js";
import type { DEVICE_OBJECT } from "../io/device.js";
import type { IRP } from "../io/irp.js";
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

