import { DISPATCH_LEVEL, HIGH_LEVEL, NT_SUCCESS, PASSIVE_LEVEL, STATUS_INFO_LENGTH_MISMATCH, STATUS_SUCCESS, type Box, type KDPC, type NTSTATUS } from "@wdfjs/kernel";
import { FxDpc, FxObjectHandleGetPtr, FxValidateObjectAttributesForParentHandle, FxVerifierCheckIrqlLevel, FX_TYPE_DPC, type PWDF_OBJECT_ATTRIBUTES, type WDFHANDLE, type WDFOBJECT } from "@wdfjs/framework";

export type WDFDPC = WDFHANDLE<"WDFDPC">;
/** `EVT_WDF_DPC` (DISPATCH_LEVEL). */
export type EVT_WDF_DPC = (Dpc: WDFDPC) => void;
export type PFN_WDF_DPC = EVT_WDF_DPC | null;

/** sizeof(WDF_DPC_CONFIG) on x64. */
export const WDF_DPC_CONFIG_SIZE = 24;

/** `WDF_DPC_CONFIG`: zeros until `WDF_DPC_CONFIG_INIT`. */
export class WDF_DPC_CONFIG {
  Size = 0;
  EvtDpcFunc: PFN_WDF_DPC = null;
  AutomaticSerialization = false;
}
export type PWDF_DPC_CONFIG = WDF_DPC_CONFIG;

/** `WDF_DPC_CONFIG_INIT`: AutomaticSerialization TRUE. */
export function WDF_DPC_CONFIG_INIT(Config: WDF_DPC_CONFIG, EvtDpcFunc: PFN_WDF_DPC): void {
  Config.Size = WDF_DPC_CONFIG_SIZE;
  Config.EvtDpcFunc = EvtDpcFunc;
  Config.AutomaticSerialization = true;
}

/**
 * `WdfDpcCreate` (fxdpcapi.cpp): a parent is required, under a device; Config Size; with
 * AutomaticSerialization the parent's lock must be a spin lock (else
 * STATUS_WDF_INCOMPATIBLE_EXECUTION_LEVEL).
 */
export function WdfDpcCreate(Config: PWDF_DPC_CONFIG, Attributes: PWDF_OBJECT_ATTRIBUTES, Dpc: Box<WDFDPC | null>): NTSTATUS {
  let status = FxVerifierCheckIrqlLevel("WdfDpcCreate", DISPATCH_LEVEL);
  if (!NT_SUCCESS(status)) return status;
  Dpc.value = null;
  status = FxValidateObjectAttributesForParentHandle(Attributes);
  if (!NT_SUCCESS(status)) return status;
  if (Config.Size !== WDF_DPC_CONFIG_SIZE) return STATUS_INFO_LENGTH_MISMATCH;
  const fn = Config.EvtDpcFunc;
  const dpc = FxDpc._create({ EvtDpcFunc: (d) => fn?.(d.handle as WDFDPC), AutomaticSerialization: Config.AutomaticSerialization }, Attributes!);
  if (typeof dpc === "number") return dpc;
  Dpc.value = dpc.handle as WDFDPC;
  return STATUS_SUCCESS;
}

function DpcOf(Dpc: WDFDPC): FxDpc {
  return FxObjectHandleGetPtr(Dpc, FX_TYPE_DPC) as FxDpc;
}

/** `WdfDpcEnqueue`: TRUE if the DPC was queued now, FALSE if it already was (any IRQL). */
export function WdfDpcEnqueue(Dpc: WDFDPC): boolean {
  const dpc = DpcOf(Dpc);
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfDpcEnqueue", HIGH_LEVEL))) return false;
  return dpc.enqueue();
}

/** `WdfDpcCancel`: TRUE if it was queued; with Wait (PASSIVE_LEVEL) queued DPCs finish first. */
export function WdfDpcCancel(Dpc: WDFDPC, Wait: boolean): boolean {
  const dpc = DpcOf(Dpc);
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfDpcCancel", Wait ? PASSIVE_LEVEL : HIGH_LEVEL))) return false;
  return dpc.cancel(Wait);
}

/** `WdfDpcGetParentObject`. */
export function WdfDpcGetParentObject(Dpc: WDFDPC): WDFOBJECT | null {
  return DpcOf(Dpc).parentObject?.handle ?? null;
}

/** `WdfDpcWdmGetDpc`: the KDPC inside. */
export function WdfDpcWdmGetDpc(Dpc: WDFDPC): KDPC {
  return DpcOf(Dpc).dpc;
}
