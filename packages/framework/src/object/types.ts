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
/** `FX_TYPE_MP_DEVICE`: a miniport's WDFDEVICE (WdfDeviceMiniportCreate); the DDIs that take FX_TYPE_DEVICE refuse it. */
export const FX_TYPE_MP_DEVICE = 0x1014;
/** `FX_TYPE_DEVICE_BASE`: what both kinds of WDFDEVICE answer to; the few DDIs a miniport's device may use ask for it. */
export const FX_TYPE_DEVICE_BASE = 0x1030;
export const FX_TYPE_QUEUE = 0x1003;
export const FX_TYPE_WMI_PROVIDER = 0x1004;
export const FX_TYPE_REG_KEY = 0x1006;
export const FX_TYPE_STRING = 0x1007;
export const FX_TYPE_REQUEST = 0x1008;
export const FX_TYPE_LOOKASIDE = 0x1009;
export const IFX_TYPE_MEMORY = 0x100a;
export const FX_TYPE_IRPQUEUE = 0x100b;
export const FX_TYPE_USEROBJECT = 0x100c;
export const FX_TYPE_COLLECTION = 0x100e;
export const FX_TYPE_VERIFIERLOCK = 0x1012;
export const FX_TYPE_SYSTEMTHREAD = 0x1013;
export const FX_TYPE_DPC = 0x1015;
export const FX_TYPE_FILEOBJECT = 0x1018;
export const FX_TYPE_MEMORY_PREALLOCATED = 0x1022;
export const FX_TYPE_WAIT_LOCK = 0x1023;
export const FX_TYPE_SPIN_LOCK = 0x1024;
export const FX_TYPE_WORKITEM = 0x1025;
export const FX_TYPE_INTERRUPT = 0x1027;
export const FX_TYPE_TIMER = 0x1028;
export const FX_TYPE_CHILD_LIST = 0x1029;
export const FX_TYPE_REQUEST_MEMORY = 0x1032;
export const FX_TYPE_IO_RES_LIST = 0x1035;
export const FX_TYPE_CM_RES_LIST = 0x1036;
export const FX_TYPE_IO_RES_REQ_LIST = 0x1037;
/** `FX_TYPES_IO_TARGET_BASE = 0x1200`. */
export const FX_TYPE_IO_TARGET = 0x1200;
export const FX_TYPE_IO_TARGET_REMOTE = 0x1201;
export const FX_TYPE_IO_TARGET_SELF = 0x1205;
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
