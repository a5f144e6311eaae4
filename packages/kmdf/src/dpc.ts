import { HIGH_LEVEL, NT_SUCCESS, PASSIVE_LEVEL, type Box, type KDPC, type NTSTATUS } from "@wdfjs/kernel";
import {
  FxDpcCreate, FxObjectHandleGetPtr, FxVerifierCheckIrqlLevel, FX_TYPE_DPC, type FxDpc, type PWDF_DPC_CONFIG, type PWDF_OBJECT_ATTRIBUTES, type WDFDPC,
  type WDFOBJECT,
} from "@wdfjs/framework";
import { Created, Enter } from "./ddi.js";
import { WdfCheckIrql } from "./irql.js";

// Also exported here, where it was defined before the core took it (wdftypes.h).
export type { WDFDPC } from "@wdfjs/framework";

const DpcOf = (Dpc: WDFDPC) => FxObjectHandleGetPtr(Dpc, FX_TYPE_DPC) as FxDpc;

/** `WdfDpcCreate` (fxdpcapi.cpp): the core's `FxDpcCreate` (a parent under a device is required). */
export function WdfDpcCreate(Config: PWDF_DPC_CONFIG, Attributes: PWDF_OBJECT_ATTRIBUTES, Dpc: Box<WDFDPC | null>): NTSTATUS {
  const status = WdfCheckIrql("WdfDpcCreate");
  if (!NT_SUCCESS(status)) return status;
  Dpc.value = null;
  return Created(FxDpcCreate(Config, Attributes), Dpc);
}

/** `WdfDpcEnqueue`: TRUE if the DPC was queued now, FALSE if it already was (any IRQL). */
export function WdfDpcEnqueue(Dpc: WDFDPC): boolean {
  return Enter<FxDpc>(Dpc, FX_TYPE_DPC, "WdfDpcEnqueue")?.enqueue() ?? false;
}

/** `WdfDpcCancel`: TRUE if it was queued; with Wait (PASSIVE_LEVEL) queued DPCs finish first. */
export function WdfDpcCancel(Dpc: WDFDPC, Wait: boolean): boolean {
  const dpc = DpcOf(Dpc);
  return NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfDpcCancel", Wait ? PASSIVE_LEVEL : HIGH_LEVEL)) && dpc.cancel(Wait);
}

/** `WdfDpcGetParentObject`. */
export function WdfDpcGetParentObject(Dpc: WDFDPC): WDFOBJECT | null {
  return DpcOf(Dpc).parentObject?.handle ?? null;
}

/** `WdfDpcWdmGetDpc`: the KDPC inside. */
export function WdfDpcWdmGetDpc(Dpc: WDFDPC): KDPC {
  return DpcOf(Dpc).dpc;
}
