import { NT_SUCCESS, STATUS_SUCCESS, type Box, type NTSTATUS } from "@wdfjs/kernel";
import { FxObjectHandleGetDeviceBasePtr as FxObjectHandleGetDeviceBasePtrImported, FxObjectHandleGetPtr as FxObjectHandleGetPtrImported, type FxDevice, type FxDeviceInit, type FxObject, type PWDFDEVICE_INIT, type WDFTYPE } from "@wdfjs/framework";
import { cur } from "@wdfjs/kernel/internal";
import { FxDeviceInitOf } from "./device-init.js";
import { WdfCheckIrql } from "./irql.js";

// The routines of other modules that this module's I/O path calls, as module constants: V8 reads an imported
// function through a cell, with a check, at every call (even inlined); a module's own constant
// is folded into the code.
const FxObjectHandleGetPtr = FxObjectHandleGetPtrImported;
const FxObjectHandleGetDeviceBasePtr = FxObjectHandleGetDeviceBasePtrImported;

// The steps every KMDF DDI starts and ends with (fx*api.cpp), so that each function of the face
// is only its handle lookup, IRQL check, call into the core and out-parameters.

/**
 * A DDI's object: `FxObjectHandleGetPtr` (a stale or wrong handle is WDF_INVALID_HANDLE), then
 * `FxVerifierCheckIrqlLevel` at its header's level; null when called above it (the DDI then
 * fails with STATUS_INVALID_DEVICE_REQUEST, the check's status, or does nothing).
 */
export function Enter<T extends FxObject>(Handle: number, Type: WDFTYPE, Routine: string): T | null {
  // Small, so that it is inlined whole into every DDI: the free flavor checks no IRQL.
  const object = FxObjectHandleGetPtr(Handle, Type) as T;
  return cur.checked ? EnterChecked(object, Routine) : object;
}

function EnterChecked<T extends FxObject>(object: T, Routine: string): T | null {
  return NT_SUCCESS(WdfCheckIrql(Routine)) ? object : null;
}

/**
 * `Enter` for a DDI that takes either kind of WDFDEVICE (FX_TYPE_DEVICE_BASE): a PnP or control
 * device found at once, a miniport's through the full lookup.
 */
export function EnterDeviceBase(Device: number, Routine: string): FxDevice | null {
  const device = FxObjectHandleGetDeviceBasePtr(Device) as FxDevice;
  return cur.checked ? EnterChecked(device, Routine) : device;
}

/** As `Enter`, for a `WdfDeviceInit*` / `WdfFdoInit*` / `WdfPdoInit*` DDI's init (NULL: WDF_REQUIRED_PARAMETER_IS_NULL). */
export function EnterInit(DeviceInit: PWDFDEVICE_INIT, Routine: string): FxDeviceInit | null {
  const init = FxDeviceInitOf(DeviceInit);
  return NT_SUCCESS(WdfCheckIrql(Routine)) ? init : null;
}

/** A creating DDI's end: the new object's handle in the out-parameter, or the failure's status. */
export function Created<H>(created: FxObject | NTSTATUS, Out: Box<H | null> | null): NTSTATUS {
  if (typeof created === "number") return created;
  if (Out !== null) Out.value = created.handle as H;
  return STATUS_SUCCESS;
}
