import { DISPATCH_LEVEL, NT_SUCCESS, STATUS_DELETE_PENDING, STATUS_INFO_LENGTH_MISMATCH, STATUS_SUCCESS, type Box, type NTSTATUS } from "@wdfjs/kernel";
import { FxVerifierCheckIrqlLevel } from "../verifier.js";
import { STATUS_OBJECT_NAME_EXISTS, STATUS_WDF_OBJECT_ATTRIBUTES_INVALID } from "../wdfstatus.js";
import { FxValidateObjectAttributes, FxValidateObjectAttributesForContext, WDF_OBJECT_ATTRIBUTES_SIZE, type PWDF_OBJECT_ATTRIBUTES, type WDF_OBJECT_ATTRIBUTES } from "./attributes.js";
import { setTypedContextWorker, type WDF_OBJECT_CONTEXT_TYPE_INFO } from "./context.js";
import { FxObject, FxObjectHandleGetAnyPtr as FxObjectHandleGetAnyPtrImported, FxObjectHandleGetPtr, FxObjectStateCreated, FxObjectTableOf } from "./fx-object.js";
import { FX_TYPE_OBJECT, type WDFOBJECT } from "./types.js";

// The routines of other modules that this module's I/O path calls, as module constants: V8 reads an imported
// function through a cell, with a check, at every call (even inlined); a module's own constant
// is folded into the code.
const FxObjectHandleGetAnyPtr = FxObjectHandleGetAnyPtrImported;

/**
 * `FxObject::_ObjectQuery`-free part of creation shared by every creating DDI: the attributes'
 * first context, callbacks, levels and parent. Returns a status; on failure the object is deleted.
 * `DefaultParent` is the object's default parent: by default the executing driver (the table's
 * `driver`), as the summary of framework objects gives for WDFOBJECT, WDFMEMORY, WDFSTRING, ...;
 * null for an object with none (the driver itself).
 */
export function FxObjectCommit(object: FxObject, Attributes: PWDF_OBJECT_ATTRIBUTES, DefaultParent: FxObject | null = object.table.driver): NTSTATUS {
  let parent = DefaultParent;
  if (Attributes !== null) {
    object.executionLevel = Attributes.ExecutionLevel;
    object.synchronizationScope = Attributes.SynchronizationScope;
    object.addContext({
      TypeInfo: Attributes.ContextTypeInfo,
      Context: Attributes.ContextTypeInfo === null ? null : new Attributes.ContextTypeInfo.Type(),
      EvtCleanupCallback: Attributes.EvtCleanupCallback,
      EvtDestroyCallback: Attributes.EvtDestroyCallback,
    });
    if (Attributes.ParentObject !== null) parent = FxObjectHandleGetAnyPtr(Attributes.ParentObject);
  }
  if (parent !== null) {
    // fxobject.cpp AddChildObjectInternal: a parent already being deleted takes no children.
    if (parent.state !== FxObjectStateCreated) return STATUS_DELETE_PENDING;
    object.assignParent(parent);
  }
  return STATUS_SUCCESS;
}

/** `WdfObjectCreate`: a generic object, parented as the attributes say. */
export function WdfObjectCreate(Attributes: PWDF_OBJECT_ATTRIBUTES, Object: Box<WDFOBJECT | null>): NTSTATUS {
  Object.value = null;
  let status = FxVerifierCheckIrqlLevel("WdfObjectCreate", DISPATCH_LEVEL);
  if (!NT_SUCCESS(status)) return status;
  status = FxValidateObjectAttributes(Attributes);
  if (!NT_SUCCESS(status)) return status;
  const object = new FxObject(FX_TYPE_OBJECT);
  const committed = FxObjectCommit(object, Attributes);
  if (!NT_SUCCESS(committed)) {
    // Not yet the driver's: the failed object goes without its callbacks.
    object.contexts.length = 0;
    object.deleteObject();
    return committed;
  }
  Object.value = object.handle;
  return STATUS_SUCCESS;
}

/**
 * `WdfObjectDelete`. An object whose lifetime the framework owns (NoDeleteDDI: the driver, a PnP
 * device, a default queue, ...) is not deleted; Windows traces the attempt and breaks into an
 * attached debugger (fxobjectapi.cpp), which the machine's trace records.
 */
export function WdfObjectDelete(Object: WDFOBJECT): void {
  const object = FxObjectHandleGetAnyPtr(Object);
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfObjectDelete", DISPATCH_LEVEL))) return;
  if (object.noDeleteDDI) {
    object.table.machine.trace?.event("wdf.delete-refused", null, `WdfObjectDelete(0x${Object.toString(16)}): the object does not allow WdfObjectDelete (STATUS_CANNOT_DELETE)`);
    return;
  }
  object.deleteObject();
}

/** `WdfObjectReference` / `WdfObjectReferenceWithTag` / `WdfObjectReferenceActual`. */
export function WdfObjectReferenceActual(Handle: WDFOBJECT, Tag: unknown = null, _Line = 0, _File: string | null = null): void {
  const object = FxObjectHandleGetAnyPtr(Handle);
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfObjectReferenceActual", DISPATCH_LEVEL))) return;
  object.reference(Tag);
}
export function WdfObjectReferenceWithTag(Handle: WDFOBJECT, Tag: unknown): void {
  WdfObjectReferenceActual(Handle, Tag);
}
export function WdfObjectReference(Handle: WDFOBJECT): void {
  WdfObjectReferenceActual(Handle, null);
}

/** `WdfObjectDereference` / `...WithTag` / `...Actual`: releases a reference the driver took; never a way to delete. */
export function WdfObjectDereferenceActual(Handle: WDFOBJECT, Tag: unknown = null, _Line = 0, _File: string | null = null): void {
  const object = FxObjectHandleGetAnyPtr(Handle);
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfObjectDereferenceActual", DISPATCH_LEVEL))) return;
  object.dereference(Tag);
}
export function WdfObjectDereferenceWithTag(Handle: WDFOBJECT, Tag: unknown): void {
  WdfObjectDereferenceActual(Handle, Tag);
}
export function WdfObjectDereference(Handle: WDFOBJECT): void {
  WdfObjectDereferenceActual(Handle, null);
}

/** `WdfObjectGetTypedContextWorker`: the object's context of the type, or null. */
export function WdfObjectGetTypedContextWorker<T extends object>(Handle: WDFOBJECT, TypeInfo: WDF_OBJECT_CONTEXT_TYPE_INFO<T>): T | null {
  const object = FxObjectHandleGetAnyPtr(Handle);
  const unique = TypeInfo.UniqueType;
  const contexts = object.contexts;
  for (let i = 0; i < contexts.length; i++) {
    const c = contexts[i]!;
    if (c.TypeInfo !== null && c.TypeInfo.UniqueType === unique) return c.Context as T;
  }
  return null;
}
setTypedContextWorker(WdfObjectGetTypedContextWorker);

/**
 * `WdfObjectAllocateContext`: another context, of a type the object does not have yet
 * (STATUS_OBJECT_NAME_EXISTS, with the existing context, if it has). The attributes carry the
 * type and may carry cleanup and destroy callbacks; a parent or levels are not for contexts.
 */
export function WdfObjectAllocateContext(Handle: WDFOBJECT, ContextAttributes: WDF_OBJECT_ATTRIBUTES, Context: Box<object | null> | null): NTSTATUS {
  const object = FxObjectHandleGetAnyPtr(Handle);
  if (Context !== null) Context.value = null;
  let status = FxVerifierCheckIrqlLevel("WdfObjectAllocateContext", DISPATCH_LEVEL);
  if (!NT_SUCCESS(status)) return status;
  if (ContextAttributes.Size !== WDF_OBJECT_ATTRIBUTES_SIZE) return STATUS_INFO_LENGTH_MISMATCH;
  status = FxValidateObjectAttributesForContext(ContextAttributes);
  if (!NT_SUCCESS(status)) return status;
  const info = ContextAttributes.ContextTypeInfo;
  if (info === null || ContextAttributes.ParentObject !== null) return STATUS_WDF_OBJECT_ATTRIBUTES_INVALID;
  // FxObjectAllocateContext: only while the object is alive and not being deleted.
  if (object.state !== FxObjectStateCreated) return STATUS_DELETE_PENDING;
  const existing = WdfObjectGetTypedContextWorker(Handle, info);
  if (existing !== null) {
    status = STATUS_OBJECT_NAME_EXISTS;
    if (Context !== null) Context.value = existing;
    return status;
  }
  const made = new info.Type();
  object.addContext({ TypeInfo: info, Context: made, EvtCleanupCallback: ContextAttributes.EvtCleanupCallback, EvtDestroyCallback: ContextAttributes.EvtDestroyCallback });
  if (Context !== null) Context.value = made;
  return STATUS_SUCCESS;
}

/** `WdfObjectContextGetObject`: the object a context belongs to (null for anything that is not a context). */
export function WdfObjectContextGetObject(ContextPointer: object): WDFOBJECT | null {
  return FxObjectTableOf().contexts.get(ContextPointer)?.handle ?? null;
}
