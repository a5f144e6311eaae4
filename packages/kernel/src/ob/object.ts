import { cur } from "../context.js";
import { KeBugCheckEx } from "../ke/bugcheck.js";
import { PASSIVE_LEVEL } from "../ke/irql.js";

export const REFERENCE_BY_POINTER = 0x18;

/** The object header every Ob-managed object carries: counts, name, type. */
export class OBJECT_HEADER {
  PointerCount = 1;
  HandleCount = 0;
  ObjectName: string | null = null;
  constructor(
    readonly TypeName: string,
    /** Called when the last reference goes (the type's delete procedure). */
    readonly DeleteProcedure: ((object: any) => void) | null,
  ) {}
}

export interface ObObject {
  ObHeader: OBJECT_HEADER | null;
}

export function ObHeaderOf(Object: ObObject): OBJECT_HEADER {
  return (Object.ObHeader ??= new OBJECT_HEADER(Object.constructor.name, null));
}

/** `ObReferenceObject` (ObfReferenceObject). */
export function ObReferenceObject(Object: ObObject): void {
  ObHeaderOf(Object).PointerCount++;
}

/**
 * `ObDereferenceObject`. When the count reaches zero the type's delete procedure
 * runs (for a file object, IRP_MJ_CLOSE). Dereferencing a dead object is
 * REFERENCE_BY_POINTER, as in Windows.
 */
export function ObDereferenceObject(Object: ObObject): void {
  const h = ObHeaderOf(Object);
  if (h.PointerCount <= 0) {
    KeBugCheckEx(REFERENCE_BY_POINTER, 0, 0, h.PointerCount, h.HandleCount, `ObDereferenceObject was called on a ${h.TypeName} whose reference count is already zero.`);
  }
  if (--h.PointerCount !== 0) return;
  const m = cur;
  if (h.DeleteProcedure === null) {
    m.ob.addresses.remove(Object);
  } else if (m.cpu.Irql > PASSIVE_LEVEL) {
    // Above PASSIVE_LEVEL (an APC completing the last IRP of a closed file, a DPC), Ob
    // defers the delete procedure to a system worker thread, as Windows does.
    m.scheduler.queueWork({ run: () => ObpDeleteObject(Object) });
  } else {
    ObpDeleteObject(Object);
  }
}

/**
 * The last reference is gone: the type's delete procedure runs, then the object's
 * memory is freed, which here means its address stops resolving (ObpDeleteObject frees
 * the pool block after the delete procedure, which may still use the object).
 */
function ObpDeleteObject(Object: ObObject): void {
  Object.ObHeader!.DeleteProcedure!(Object);
  cur.ob.addresses.remove(Object);
}

export function ObGetObjectPointerCount(Object: ObObject): number {
  return ObHeaderOf(Object).PointerCount;
}
