import { NT_SUCCESS, STATUS_INVALID_DEVICE_REQUEST, STATUS_SUCCESS, type Box, type NTSTATUS } from "@wdfjs/kernel";
import {
  FxCollection, FxCreateObject, FxObjectHandleGetAnyPtr, FxObjectHandleGetPtr, FxVerifierBugCheck, FX_TYPE_COLLECTION, WDF_OBJECT_ERROR, type PWDF_OBJECT_ATTRIBUTES,
  type WDFCOLLECTION, type WDFOBJECT,
} from "@wdfjs/framework";
import { Created, Enter } from "./ddi.js";
import { WdfCheckIrql } from "./irql.js";

// Also exported here, where it was defined before the core took it (wdftypes.h).
export type { WDFCOLLECTION } from "@wdfjs/framework";

const CollectionAt = (Collection: WDFCOLLECTION, Routine: string) => Enter<FxCollection>(Collection, FX_TYPE_COLLECTION, Routine);

/** `WdfCollectionCreate`: an empty collection, parented to the driver unless the attributes say otherwise. */
export function WdfCollectionCreate(CollectionAttributes: PWDF_OBJECT_ATTRIBUTES, Collection: Box<WDFCOLLECTION | null>): NTSTATUS {
  const status = WdfCheckIrql("WdfCollectionCreate");
  if (!NT_SUCCESS(status)) return status;
  Collection.value = null;
  return Created(FxCreateObject(new FxCollection(), CollectionAttributes), Collection);
}

/** `WdfCollectionGetCount`. */
export function WdfCollectionGetCount(Collection: WDFCOLLECTION): number {
  return CollectionAt(Collection, "WdfCollectionGetCount")?.count ?? 0;
}

/** `WdfCollectionAdd`: the object goes at the end, referenced while it is in the collection. */
export function WdfCollectionAdd(Collection: WDFCOLLECTION, Object: WDFOBJECT): NTSTATUS {
  const collection = FxObjectHandleGetPtr(Collection, FX_TYPE_COLLECTION) as FxCollection;
  const object = FxObjectHandleGetAnyPtr(Object);
  if (!NT_SUCCESS(WdfCheckIrql("WdfCollectionAdd"))) return STATUS_INVALID_DEVICE_REQUEST;
  collection.add(object);
  return STATUS_SUCCESS;
}

/**
 * `WdfCollectionRemove`: the object's first entry goes and its reference is released; an object
 * not in the collection is a driver bug (fxcollectionapi.cpp: WDF_OBJECT_ERROR here, P2 the item,
 * P3 the collection, in the checked flavor).
 */
export function WdfCollectionRemove(Collection: WDFCOLLECTION, Item: WDFOBJECT): void {
  const collection = CollectionAt(Collection, "WdfCollectionRemove");
  if (collection === null) return;
  if (!collection.remove(FxObjectHandleGetAnyPtr(Item)) && collection.table.machine.checked) {
    FxVerifierBugCheck(WDF_OBJECT_ERROR, Item, Collection, "WdfCollectionRemove: the object is not in the collection.");
  }
}

/** `WdfCollectionRemoveItem`: by index; an index past the end does nothing (the source traces it). */
export function WdfCollectionRemoveItem(Collection: WDFCOLLECTION, Index: number): void {
  CollectionAt(Collection, "WdfCollectionRemoveItem")?.removeAt(Index);
}

/** `WdfCollectionGetItem`: the object at Index, or NULL past the end. */
export function WdfCollectionGetItem(Collection: WDFCOLLECTION, Index: number): WDFOBJECT | null {
  return CollectionAt(Collection, "WdfCollectionGetItem")?.getItem(Index)?.handle ?? null;
}

/** `WdfCollectionGetFirstItem`: NULL when empty. */
export function WdfCollectionGetFirstItem(Collection: WDFCOLLECTION): WDFOBJECT | null {
  return CollectionAt(Collection, "WdfCollectionGetFirstItem")?.first?.handle ?? null;
}

/** `WdfCollectionGetLastItem`: NULL when empty. */
export function WdfCollectionGetLastItem(Collection: WDFCOLLECTION): WDFOBJECT | null {
  return CollectionAt(Collection, "WdfCollectionGetLastItem")?.last?.handle ?? null;
}
