import { NT_SUCCESS, type Box, type KWAIT_GENERATOR, type NTSTATUS } from "@wdfjs/kernel";
import { FxWorkItemCreate, FX_TYPE_WORKITEM, type FxWorkItem, type PWDF_OBJECT_ATTRIBUTES, type PWDF_WORKITEM_CONFIG, type WDFOBJECT, type WDFWORKITEM } from "@wdfjs/framework";
import { Created, Enter } from "./ddi.js";
import { WdfCheckIrql } from "./irql.js";

// Also exported here, where it was defined before the core took it (wdftypes.h).
export type { WDFWORKITEM } from "@wdfjs/framework";

/** `WdfWorkItemCreate` (fxworkitemapi.cpp): the core's `FxWorkItemCreate` (a parent under a device and a callback are required). */
export function WdfWorkItemCreate(Config: PWDF_WORKITEM_CONFIG, Attributes: PWDF_OBJECT_ATTRIBUTES, WorkItem: Box<WDFWORKITEM | null>): NTSTATUS {
  const status = WdfCheckIrql("WdfWorkItemCreate");
  if (!NT_SUCCESS(status)) return status;
  WorkItem.value = null;
  return Created(FxWorkItemCreate(Config, Attributes), WorkItem);
}

/** `WdfWorkItemEnqueue`: runs the callback once at PASSIVE_LEVEL; enqueuing it again before it runs does nothing. */
export function WdfWorkItemEnqueue(WorkItem: WDFWORKITEM): void {
  Enter<FxWorkItem>(WorkItem, FX_TYPE_WORKITEM, "WdfWorkItemEnqueue")?.enqueue();
}

/** `WdfWorkItemFlush` (PASSIVE_LEVEL): waits (`yield*`) until the queued or running callback has returned. */
export function* WdfWorkItemFlush(WorkItem: WDFWORKITEM): KWAIT_GENERATOR<void> {
  const item = Enter<FxWorkItem>(WorkItem, FX_TYPE_WORKITEM, "WdfWorkItemFlush");
  if (item !== null) yield* item.flush();
}

/** `WdfWorkItemGetParentObject`. */
export function WdfWorkItemGetParentObject(WorkItem: WDFWORKITEM): WDFOBJECT | null {
  return Enter<FxWorkItem>(WorkItem, FX_TYPE_WORKITEM, "WdfWorkItemGetParentObject")?.parentObject?.handle ?? null;
}
