import { DISPATCH_LEVEL, NT_SUCCESS, STATUS_SUCCESS, type Box, type NTSTATUS } from "@wdfjs/kernel";
import {
  FxCollection, FxCreateObject, FxObjectHandleGetPtr, FxVerifierBugCheck, FxVerifierCheckIrqlLevel, FX_TYPE_COLLECTION, FX_TYPE_OBJECT,
  WDF_OBJECT_ERROR, type PWDF_OBJECT_ATTRIBUTES, type WDFHANDLE, type WDFOBJECT,
} from "@wdfjs/framework";

export type WDFCOLLECTION = WDFHANDLE<"WDFCOLLECTION">;

function CollectionOf(Collection: WDFCOLLECTION, Routine: string): FxCollection | null {
  const collection = FxObjectHandleGetPtr(Collection, FX_TYPE_COLLECTION) as FxCollection;
  return NT_SUCCESS(FxVerifierCheckIrqlLevel(Routine, DISPATCH_LEVEL)) ? collection : null;
}

/** `WdfCollectionCreate`: an empty collection, parented to the driver unless the attributes say otherwise. */
export function WdfCollectionCreate(CollectionAttributes: PWDF_OBJECT_ATTRIBUTES, Collection: Box<WDFCOLLECTION | null>): NTSTATUS {
  const status = FxVerifierCheckIrqlLevel("WdfCollectionCreate", DISPATCH_LEVEL);
  if (!NT_SUCCESS(status)) return status;
  Collection.value = null;
  const collection = FxCreateObject(new FxCollection(), CollectionAttributes);
  if (typeof collection === "number") return collection;
  Collection.value = collection.handle as WDFCOLLECTION;
  return STATUS_SUCCESS;
}

/** `WdfCollectionGetCount`. */
export function WdfCollectionGetCount(Collection: WDFCOLLECTION): number {
  return CollectionOf(Collection, "WdfCollectionGetCount")?.count ?? 0;
}

/** `WdfCollectionAdd`: the object goes at the end, referenced while it is in the collection. */
export function WdfCollectionAdd(Collection: WDFCOLLECTION, Object: WDFOBJECT): NTSTATUS {
  const collection = FxObjectHandleGetPtr(Collection, FX_TYPE_COLLECTION) as FxCollection;
  const object = FxObjectHandleGetPtr(Object, FX_TYPE_OBJECT);
  const status = FxVerifierCheckIrqlLevel("WdfCollectionAdd", DISPATCH_LEVEL);
  if (!NT_SUCCESS(status)) return status;
  collection.add(object);
  return STATUS_SUCCESS;
}

/**
 * `WdfCollectionRemove`: the object's first entry goes and its reference is released. An object
 * not in the collection is a driver bug: fxcollectionapi.cpp breaks and bug checks
 * (WDF_OBJECT_ERROR here, P2 the item, P3 the collection, in the checked flavor).
 */
export function WdfCollectionRemove(Collection: WDFCOLLECTION, Item: WDFOBJECT): void {
  const collection = CollectionOf(Collection, "WdfCollectionRemove");
  if (collection === null) return;
  const object = FxObjectHandleGetPtr(Item, FX_TYPE_OBJECT);
  if (!collection.remove(object) && collection.table.machine.checked) {
    FxVerifierBugCheck(WDF_OBJECT_ERROR, Item, Collection, "WdfCollectionRemove: the object is not in the collection.");
  }
}

/** `WdfCollectionRemoveItem`: by index; an index past the end does nothing (the source traces it). */
export function WdfCollectionRemoveItem(Collection: WDFCOLLECTION, Index: number): void {
  CollectionOf(Collection, "WdfCollectionRemoveItem")?.removeAt(Index);
}

/** `WdfCollectionGetItem`: the object at Index, or NULL past the end. */
export function WdfCollectionGetItem(Collection: WDFCOLLECTION, Index: number): WDFOBJECT | null {
  return CollectionOf(Collection, "WdfCollectionGetItem")?.getItem(Index)?.handle ?? null;
}

/** `WdfCollectionGetFirstItem`: NULL when empty. */
export function WdfCollectionGetFirstItem(Collection: WDFCOLLECTION): WDFOBJECT | null {
  return CollectionOf(Collection, "WdfCollectionGetFirstItem")?.first?.handle ?? null;
}

/** `WdfCollectionGetLastItem`: NULL when empty. */
export function WdfCollectionGetLastItem(Collection: WDFCOLLECTION): WDFOBJECT | null {
  return CollectionOf(Collection, "WdfCollectionGetLastItem")?.last?.handle ?? null;
}
