/**
 * Framework handles. In C every WDF handle is an opaque pointer (`WDFOBJECT` is a `HANDLE`,
 * `WDFDEVICE` a pointer to a distinct incomplete struct); here a handle is a number that the
 * machine's handle table maps to its object, and each specific handle type is a branded number
 * so that a `WDFDEVICE` cannot be passed where a `WDFQUEUE` is expected. Every handle is a
 * `WDFOBJECT`, as every C handle converts to one.
 */
declare const handleType: unique symbol;
export type WDFOBJECT = number;
export type WDFHANDLE<Name extends string> = number & { readonly [handleType]: Name };

/** The framework's internal object types (fxtypes.h, `FX_TYPES_BASE = 0x1000`): parameter 3 of WDF_INVALID_HANDLE. */
export const FX_TYPE_OBJECT = 0x1000;
export const FX_TYPE_DRIVER = 0x1001;
export const FX_TYPE_DEVICE = 0x1002;
export const FX_TYPE_QUEUE = 0x1003;
export const FX_TYPE_REQUEST = 0x1008;
export type WDFTYPE = number;

/** `WDF_EXECUTION_LEVEL` (wdfobject.h). */
export const WdfExecutionLevelInvalid = 0;
export const WdfExecutionLevelInheritFromParent = 1;
export const WdfExecutionLevelPassive = 2;
export const WdfExecutionLevelDispatch = 3;
export type WDF_EXECUTION_LEVEL = 0 | 1 | 2 | 3;

/** `WDF_SYNCHRONIZATION_SCOPE` (wdfobject.h). */
export const WdfSynchronizationScopeInvalid = 0;
export const WdfSynchronizationScopeInheritFromParent = 1;
export const WdfSynchronizationScopeDevice = 2;
export const WdfSynchronizationScopeQueue = 3;
export const WdfSynchronizationScopeNone = 4;
export type WDF_SYNCHRONIZATION_SCOPE = 0 | 1 | 2 | 3 | 4;

/** `EVT_WDF_OBJECT_CONTEXT_CLEANUP` / `EVT_WDF_OBJECT_CONTEXT_DESTROY`. */
export type EVT_WDF_OBJECT_CONTEXT_CLEANUP = (Object: WDFOBJECT) => void;
export type EVT_WDF_OBJECT_CONTEXT_DESTROY = (Object: WDFOBJECT) => void;
export type PFN_WDF_OBJECT_CONTEXT_CLEANUP = EVT_WDF_OBJECT_CONTEXT_CLEANUP | null;
export type PFN_WDF_OBJECT_CONTEXT_DESTROY = EVT_WDF_OBJECT_CONTEXT_DESTROY | null;
