import type { NTSTATUS } from "@wdfjs/kernel";

/*
 * The framework's own NTSTATUS values (wdfstatus.h), and the one NT informational status the
 * object DDIs return that the kernel does not use itself.
 */
const s = (v: number): NTSTATUS => v | 0;

/** `WdfObjectAllocateContext`: the object already has a context of this type (informational, so NT_SUCCESS). */
export const STATUS_OBJECT_NAME_EXISTS = s(0x40000000);

/** `WdfDriverCreate` called a second time for one driver (fxdriverapi.cpp). */
export const STATUS_DRIVER_INTERNAL_ERROR = s(0xc0000183);

export const STATUS_WDF_QUEUED = s(0x40200000);
export const STATUS_WDF_POSTED = s(0x40200002);
export const STATUS_WDF_NO_PACKAGE = s(0xc0200200);
export const STATUS_WDF_INTERNAL_ERROR = s(0xc0200201);
export const STATUS_WDF_PAUSED = s(0xc0200203);
export const STATUS_WDF_BUSY = s(0xc0200204);
export const STATUS_WDF_IO_TIMEOUT_NOT_SENT = s(0xc0200205);
export const STATUS_WDF_DEVICE_REMOVED_NOT_SENT = s(0xc0200206);
export const STATUS_WDF_REQUEST_ALREADY_PENDING = s(0xc0200207);
export const STATUS_WDF_REQUEST_INVALID_STATE = s(0xc0200208);
export const STATUS_WDF_OBJECT_ATTRIBUTES_INVALID = s(0xc0200209);
export const STATUS_WDF_TOO_FRAGMENTED = s(0xc020020a);
export const STATUS_WDF_NO_CALLBACK = s(0xc020020b);
export const STATUS_WDF_INCOMPATIBLE_EXECUTION_LEVEL = s(0xc020020c);
export const STATUS_WDF_PARENT_ALREADY_ASSIGNED = s(0xc020020d);
export const STATUS_WDF_PARENT_IS_SELF = s(0xc020020e);
export const STATUS_WDF_PARENT_ASSIGNMENT_NOT_ALLOWED = s(0xc020020f);
export const STATUS_WDF_SYNCHRONIZATION_SCOPE_INVALID = s(0xc0200210);
export const STATUS_WDF_EXECUTION_LEVEL_INVALID = s(0xc0200211);
export const STATUS_WDF_PARENT_NOT_SPECIFIED = s(0xc0200212);
export const STATUS_WDF_TOO_MANY_TRANSFERS = s(0xc0200213);
export const STATUS_WDF_NOT_ENOUGH_MAP_REGISTERS = s(0xc0200214);

/** An NT status the kernel does not use itself: a sent request whose timeout passed (`WDF_REQUEST_SEND_OPTION_TIMEOUT`). */
export const STATUS_IO_TIMEOUT = s(0xc00000b5);

/** `FxRequestBase::ValidateTarget`: the driver's own IRP has too few stack locations for the target. */
export const STATUS_REQUEST_NOT_ACCEPTED = s(0xc00000d0);

/** `ValidateMemoryOffsets`: a WDFMEMORY_OFFSET window past the end of its memory. */
export const STATUS_INTEGER_OVERFLOW = s(0xc0000095);
/** An NT status WdfRegistryQueryMultiString/QueryMemory return for a value without data. */
export const STATUS_RESOURCE_DATA_NOT_FOUND = s(0xc0000089);

/** STATUS_ARRAY_BOUNDS_EXCEEDED (ntstatus.h): an index past the end of a framework collection. */
export const STATUS_ARRAY_BOUNDS_EXCEEDED = s(0xc000008c);
