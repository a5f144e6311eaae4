import { NT_SUCCESS, STATUS_INFO_LENGTH_MISMATCH, STATUS_SUCCESS, type NTSTATUS } from "@wdfjs/kernel";
import { STATUS_WDF_EXECUTION_LEVEL_INVALID, STATUS_WDF_OBJECT_ATTRIBUTES_INVALID, STATUS_WDF_PARENT_ASSIGNMENT_NOT_ALLOWED, STATUS_WDF_PARENT_NOT_SPECIFIED, STATUS_WDF_SYNCHRONIZATION_SCOPE_INVALID } from "../wdfstatus.js";
import { isContextTypeInfo, WDF_GET_CONTEXT_TYPE_INFO, type PCWDF_OBJECT_CONTEXT_TYPE_INFO, type WDF_CONTEXT_TYPE } from "./context.js";
import {
  WdfExecutionLevelDispatch, WdfExecutionLevelInheritFromParent, WdfSynchronizationScopeInheritFromParent, WdfSynchronizationScopeNone,
  type PFN_WDF_OBJECT_CONTEXT_CLEANUP, type PFN_WDF_OBJECT_CONTEXT_DESTROY, type WDF_EXECUTION_LEVEL, type WDF_SYNCHRONIZATION_SCOPE, type WDFOBJECT,
} from "./types.js";

/** sizeof(WDF_OBJECT_ATTRIBUTES) on x64: what `WDF_OBJECT_ATTRIBUTES_INIT` puts in Size. */
export const WDF_OBJECT_ATTRIBUTES_SIZE = 56;

/**
 * `WDF_OBJECT_ATTRIBUTES`. A new one is all zeros, as an uninitialised C struct on a zeroed
 * stack would be: Size 0 is refused (STATUS_INFO_LENGTH_MISMATCH) until `WDF_OBJECT_ATTRIBUTES_INIT`.
 */
export class WDF_OBJECT_ATTRIBUTES {
  Size = 0;
  EvtCleanupCallback: PFN_WDF_OBJECT_CONTEXT_CLEANUP = null;
  EvtDestroyCallback: PFN_WDF_OBJECT_CONTEXT_DESTROY = null;
  ExecutionLevel: WDF_EXECUTION_LEVEL = 0;
  SynchronizationScope: WDF_SYNCHRONIZATION_SCOPE = 0;
  ParentObject: WDFOBJECT | null = null;
  ContextSizeOverride = 0;
  ContextTypeInfo: PCWDF_OBJECT_CONTEXT_TYPE_INFO = null;
}
export type PWDF_OBJECT_ATTRIBUTES = WDF_OBJECT_ATTRIBUTES | null;

/** `WDF_OBJECT_ATTRIBUTES_INIT`: zeroes, sets Size, and both levels to inherit from the parent. */
export function WDF_OBJECT_ATTRIBUTES_INIT(Attributes: WDF_OBJECT_ATTRIBUTES): void {
  Attributes.Size = WDF_OBJECT_ATTRIBUTES_SIZE;
  Attributes.EvtCleanupCallback = null;
  Attributes.EvtDestroyCallback = null;
  Attributes.ExecutionLevel = WdfExecutionLevelInheritFromParent;
  Attributes.SynchronizationScope = WdfSynchronizationScopeInheritFromParent;
  Attributes.ParentObject = null;
  Attributes.ContextSizeOverride = 0;
  Attributes.ContextTypeInfo = null;
}

/** `WDF_OBJECT_ATTRIBUTES_SET_CONTEXT_TYPE(a, T)`. */
export function WDF_OBJECT_ATTRIBUTES_SET_CONTEXT_TYPE<T extends object>(Attributes: WDF_OBJECT_ATTRIBUTES, Type: WDF_CONTEXT_TYPE<T>): void {
  Attributes.ContextTypeInfo = WDF_GET_CONTEXT_TYPE_INFO(Type).UniqueType;
}

/** `WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(a, T)`: INIT, then the context type. */
export function WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE<T extends object>(Attributes: WDF_OBJECT_ATTRIBUTES, Type: WDF_CONTEXT_TYPE<T>): void {
  WDF_OBJECT_ATTRIBUTES_INIT(Attributes);
  WDF_OBJECT_ATTRIBUTES_SET_CONTEXT_TYPE(Attributes, Type);
}

/** Which attributes a creating DDI accepts (`FX_VALIDATE_OPTION_*` of fxvalidatefunctions.cpp). */
export const FX_VALIDATE_OPTION_NONE_SPECIFIED = 0x0;
export const FX_VALIDATE_OPTION_PARENT_NOT_ALLOWED = 0x1;
export const FX_VALIDATE_OPTION_PARENT_REQUIRED = 0x2;
export const FX_VALIDATE_OPTION_EXECUTION_LEVEL_ALLOWED = 0x4;
export const FX_VALIDATE_OPTION_SYNCHRONIZATION_SCOPE_ALLOWED = 0x8;
export const FX_VALIDATE_OPTION_ATTRIBUTES_REQUIRED = 0x10;

/** `FxValidateObjectAttributes`: the statuses the reference lists, in the source's order. */
export function FxValidateObjectAttributes(Attributes: PWDF_OBJECT_ATTRIBUTES, Flags = FX_VALIDATE_OPTION_NONE_SPECIFIED): NTSTATUS {
  if (Attributes === null) {
    return Flags & FX_VALIDATE_OPTION_PARENT_REQUIRED ? STATUS_WDF_PARENT_NOT_SPECIFIED : Flags & FX_VALIDATE_OPTION_ATTRIBUTES_REQUIRED ? STATUS_WDF_OBJECT_ATTRIBUTES_INVALID : STATUS_SUCCESS;
  }
  if (Attributes.Size !== WDF_OBJECT_ATTRIBUTES_SIZE) return STATUS_INFO_LENGTH_MISMATCH;
  const status = FxValidateObjectAttributesForContext(Attributes);
  if (!NT_SUCCESS(status)) return status;
  if (Attributes.ParentObject !== null && Flags & FX_VALIDATE_OPTION_PARENT_NOT_ALLOWED) return STATUS_WDF_PARENT_ASSIGNMENT_NOT_ALLOWED;
  if (Attributes.ParentObject === null && Flags & FX_VALIDATE_OPTION_PARENT_REQUIRED) return STATUS_WDF_PARENT_NOT_SPECIFIED;
  if (Attributes.ExecutionLevel !== WdfExecutionLevelInheritFromParent && !(Flags & FX_VALIDATE_OPTION_EXECUTION_LEVEL_ALLOWED)) return STATUS_WDF_EXECUTION_LEVEL_INVALID;
  if (Attributes.ExecutionLevel < WdfExecutionLevelInheritFromParent || Attributes.ExecutionLevel > WdfExecutionLevelDispatch) return STATUS_WDF_EXECUTION_LEVEL_INVALID;
  const scope = Attributes.SynchronizationScope;
  if (scope !== WdfSynchronizationScopeInheritFromParent && scope !== WdfSynchronizationScopeNone && !(Flags & FX_VALIDATE_OPTION_SYNCHRONIZATION_SCOPE_ALLOWED)) return STATUS_WDF_SYNCHRONIZATION_SCOPE_INVALID;
  if (scope < WdfSynchronizationScopeInheritFromParent || scope > WdfSynchronizationScopeNone) return STATUS_WDF_SYNCHRONIZATION_SCOPE_INVALID;
  return STATUS_SUCCESS;
}

/** The context part of the check: a type info that a declaration made; an override only with a type. */
export function FxValidateObjectAttributesForContext(Attributes: WDF_OBJECT_ATTRIBUTES): NTSTATUS {
  if (Attributes.Size !== WDF_OBJECT_ATTRIBUTES_SIZE) return STATUS_INFO_LENGTH_MISMATCH;
  const info = Attributes.ContextTypeInfo;
  if (info === null) return Attributes.ContextSizeOverride !== 0 ? STATUS_WDF_OBJECT_ATTRIBUTES_INVALID : STATUS_SUCCESS;
  if (!isContextTypeInfo(info) || info.ContextName === "") return STATUS_WDF_OBJECT_ATTRIBUTES_INVALID;
  return STATUS_SUCCESS;
}
