import { KSPIN_LOCK } from "../ke/spin-lock.js";
import { IrpLookaside } from "./irp.js";

/** The I/O manager's per-machine state: IRP lookaside lists and the cancel spin lock. */
export class IoManager {
  readonly irpLookaside = new IrpLookaside();
  readonly cancelSpinLock = new KSPIN_LOCK();
}
