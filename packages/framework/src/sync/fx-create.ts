import { NT_SUCCESS, type NTSTATUS } from "@wdfjs/kernel";
import type { PWDF_OBJECT_ATTRIBUTES } from "../object/attributes.js";
import type { FxObject } from "../object/fx-object.js";
import { FxObjectCommit } from "../object/object-api.js";

/**
 * The common end of `WdfTimerCreate`, `WdfDpcCreate` and `WdfWorkItemCreate`: the object joins
 * the parent the attributes name, then takes its parent's callback lock (`_GetEffectiveLock`).
 * A failure deletes it without its callbacks, as `DeleteFromFailedCreate` does.
 */
export function FxCreateParentedObject(object: FxObject & { resolveLock(parent: FxObject): NTSTATUS }, Attributes: PWDF_OBJECT_ATTRIBUTES): NTSTATUS {
  let status = FxObjectCommit(object, Attributes, null);
  if (NT_SUCCESS(status)) status = object.resolveLock(object.parent!);
  if (!NT_SUCCESS(status)) {
    object.contexts.length = 0;
    object.deleteObject();
  }
  return status;
}
