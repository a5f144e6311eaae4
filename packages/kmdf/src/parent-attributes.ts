import { STATUS_INFO_LENGTH_MISMATCH, STATUS_SUCCESS, type NTSTATUS } from "@wdfjs/kernel";
import { FxObjectHandleGetPtr, FX_TYPE_OBJECT, STATUS_WDF_PARENT_NOT_SPECIFIED, WDF_OBJECT_ATTRIBUTES_SIZE, type PWDF_OBJECT_ATTRIBUTES } from "@wdfjs/framework";

/**
 * `FxValidateObjectAttributesForParentHandle`: attributes that name a parent (NULL attributes or
 * parent → STATUS_WDF_PARENT_NOT_SPECIFIED, a wrong Size → STATUS_INFO_LENGTH_MISMATCH); the
 * parent handle must be a live object (WDF_INVALID_HANDLE otherwise).
 */
export function FxValidateParentHandle(Attributes: PWDF_OBJECT_ATTRIBUTES): NTSTATUS {
  if (Attributes === null) return STATUS_WDF_PARENT_NOT_SPECIFIED;
  if (Attributes.Size !== WDF_OBJECT_ATTRIBUTES_SIZE) return STATUS_INFO_LENGTH_MISMATCH;
  if (Attributes.ParentObject === null) return STATUS_WDF_PARENT_NOT_SPECIFIED;
  FxObjectHandleGetPtr(Attributes.ParentObject, FX_TYPE_OBJECT);
  return STATUS_SUCCESS;
}
