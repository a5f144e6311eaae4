import { DISPATCH_LEVEL, NT_SUCCESS, STATUS_NOT_FOUND, type NTSTATUS } from "@wdfjs/kernel";
import { FxVerifierCheckIrqlLevel } from "../verifier.js";
import { FxObjectHandleGetAnyPtr } from "./fx-object.js";
import type { WDFOBJECT } from "./types.js";

/**
 * `WdfObjectQuery` (fxobjectapi.cpp, `FxObject::_ObjectQuery` in fxobjectkm.cpp): a query of an
 * object by GUID, an extension point for test hooks. The shipping framework answers no GUID, in
 * both builds: STATUS_NOT_FOUND, with the buffer untouched (the handle is still checked).
 */
export function WdfObjectQuery(Object: WDFOBJECT, _Guid: string, _QueryBufferLength: number, _QueryBuffer: number): NTSTATUS {
  FxObjectHandleGetAnyPtr(Object);
  const status = FxVerifierCheckIrqlLevel("WdfObjectQuery", DISPATCH_LEVEL);
  return NT_SUCCESS(status) ? STATUS_NOT_FOUND : status;
}
