import { NT_SUCCESS, STATUS_INFO_LENGTH_MISMATCH, STATUS_SUCCESS, type NTSTATUS } from "@wdfjs/kernel";
import { FxValidateObjectAttributes, WDF_OBJECT_ATTRIBUTES_SIZE, type PWDF_OBJECT_ATTRIBUTES } from "../object/attributes.js";
import { FxObjectHandleGetAnyPtr, type FxObject } from "../object/fx-object.js";
import { FxObjectCommit } from "../object/object-api.js";
import { STATUS_WDF_PARENT_NOT_SPECIFIED } from "../wdfstatus.js";

/**
 * `FxValidateObjectAttributesForParentHandle`: attributes that name a parent (NULL attributes or
 * parent → STATUS_WDF_PARENT_NOT_SPECIFIED, a wrong Size → STATUS_INFO_LENGTH_MISMATCH); the
 * parent handle must be a live object (WDF_INVALID_HANDLE otherwise).
 */
export function FxValidateObjectAttributesForParentHandle(Attributes: PWDF_OBJECT_ATTRIBUTES): NTSTATUS {
  if (Attributes === null) return STATUS_WDF_PARENT_NOT_SPECIFIED;
  if (Attributes.Size !== WDF_OBJECT_ATTRIBUTES_SIZE) return STATUS_INFO_LENGTH_MISMATCH;
  if (Attributes.ParentObject === null) return STATUS_WDF_PARENT_NOT_SPECIFIED;
  FxObjectHandleGetAnyPtr(Attributes.ParentObject);
  return STATUS_SUCCESS;
}

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

/**
 * A simple object's creation (`WdfSpinLockCreate`, `WdfWaitLockCreate`, `WdfStringCreate`,
 * `WdfCollectionCreate`): the attributes checked, the object committed under the attributes'
 * parent or the executing driver; a failure deletes it without its callbacks.
 */
export function FxCreateObject<T extends FxObject>(object: T, Attributes: PWDF_OBJECT_ATTRIBUTES): T | NTSTATUS {
  let status = FxValidateObjectAttributes(Attributes);
  if (NT_SUCCESS(status)) status = FxObjectCommit(object, Attributes);
  if (NT_SUCCESS(status)) return object;
  object.contexts.length = 0;
  object.deleteObject();
  return status;
}
