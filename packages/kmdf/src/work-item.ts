import { DISPATCH_LEVEL, NT_SUCCESS, PASSIVE_LEVEL, STATUS_INFO_LENGTH_MISMATCH, STATUS_INVALID_PARAMETER, STATUS_SUCCESS, type Box, type KWAIT_GENERATOR, type NTSTATUS } from "@wdfjs/kernel";
import { FxObjectHandleGetPtr, FxValidateObjectAttributesForParentHandle, FxVerifierCheckIrqlLevel, FxWorkItem, FX_TYPE_WORKITEM, type PWDF_OBJECT_ATTRIBUTES, type WDFHANDLE, type WDFOBJECT } from "@wdfjs/framework";

export type WDFWORKITEM = WDFHANDLE<"WDFWORKITEM">;
/** `EVT_WDF_WORKITEM` (PASSIVE_LEVEL): a routine that waits is a generator. */
export type EVT_WDF_WORKITEM = (WorkItem: WDFWORKITEM) => void | KWAIT_GENERATOR<void>;
export type PFN_WDF_WORKITEM = EVT_WDF_WORKITEM | null;

/** sizeof(WDF_WORKITEM_CONFIG) on x64. */
export const WDF_WORKITEM_CONFIG_SIZE = 24;

/** `WDF_WORKITEM_CONFIG`: zeros until `WDF_WORKITEM_CONFIG_INIT`. */
export class WDF_WORKITEM_CONFIG {
  Size = 0;
  EvtWorkItemFunc: PFN_WDF_WORKITEM = null;
  AutomaticSerialization = false;
}
export type PWDF_WORKITEM_CONFIG = WDF_WORKITEM_CONFIG;

/** `WDF_WORKITEM_CONFIG_INIT`: AutomaticSerialization TRUE. */
export function WDF_WORKITEM_CONFIG_INIT(Config: WDF_WORKITEM_CONFIG, EvtWorkItemFunc: PFN_WDF_WORKITEM): void {
  Config.Size = WDF_WORKITEM_CONFIG_SIZE;
  Config.EvtWorkItemFunc = EvtWorkItemFunc;
  Config.AutomaticSerialization = true;
}

/**
 * `WdfWorkItemCreate` (fxworkitemapi.cpp): a parent is required, under a device; Config Size;
 * no callback → STATUS_INVALID_PARAMETER; with AutomaticSerialization the parent's lock must be
 * a passive-level one (else STATUS_WDF_INCOMPATIBLE_EXECUTION_LEVEL).
 */
export function WdfWorkItemCreate(Config: PWDF_WORKITEM_CONFIG, Attributes: PWDF_OBJECT_ATTRIBUTES, WorkItem: Box<WDFWORKITEM | null>): NTSTATUS {
  let status = FxVerifierCheckIrqlLevel("WdfWorkItemCreate", DISPATCH_LEVEL);
  if (!NT_SUCCESS(status)) return status;
  WorkItem.value = null;
  status = FxValidateObjectAttributesForParentHandle(Attributes);
  if (!NT_SUCCESS(status)) return status;
  if (Config.Size !== WDF_WORKITEM_CONFIG_SIZE) return STATUS_INFO_LENGTH_MISMATCH;
  const fn = Config.EvtWorkItemFunc;
  if (fn === null) return STATUS_INVALID_PARAMETER;
  const item = FxWorkItem._create({ EvtWorkItemFunc: (w) => fn(w.handle as WDFWORKITEM), AutomaticSerialization: Config.AutomaticSerialization }, Attributes!);
  if (typeof item === "number") return item;
  WorkItem.value = item.handle as WDFWORKITEM;
  return STATUS_SUCCESS;
}

function WorkItemOf(WorkItem: WDFWORKITEM): FxWorkItem {
  return FxObjectHandleGetPtr(WorkItem, FX_TYPE_WORKITEM) as FxWorkItem;
}

/** `WdfWorkItemEnqueue`: runs the callback once at PASSIVE_LEVEL; enqueuing it again before it runs does nothing. */
export function WdfWorkItemEnqueue(WorkItem: WDFWORKITEM): void {
  const item = WorkItemOf(WorkItem);
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfWorkItemEnqueue", DISPATCH_LEVEL))) return;
  item.enqueue();
}

/** `WdfWorkItemFlush` (PASSIVE_LEVEL): waits (`yield*`) until the queued or running callback has returned. */
export function* WdfWorkItemFlush(WorkItem: WDFWORKITEM): KWAIT_GENERATOR<void> {
  const item = WorkItemOf(WorkItem);
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfWorkItemFlush", PASSIVE_LEVEL))) return;
  yield* item.flush();
}

/** `WdfWorkItemGetParentObject`. */
export function WdfWorkItemGetParentObject(WorkItem: WDFWORKITEM): WDFOBJECT | null {
  const item = WorkItemOf(WorkItem);
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfWorkItemGetParentObject", DISPATCH_LEVEL))) return null;
  return item.parentObject?.handle ?? null;
}
