import { KeBugCheckEx } from "../ke/bugcheck.js";
import { FAST_FAIL_CORRUPT_LIST_ENTRY, KERNEL_SECURITY_CHECK_FAILURE } from "../ke/bugcheck-codes.js";

/**
 * LIST_ENTRY: the circular doubly linked list Windows threads through the structures it
 * queues (an IRP through `Irp.Tail.Overlay.ListEntry`), so queueing allocates nothing and
 * inserting or removing any entry costs O(1). A list head is a LIST_ENTRY of its own;
 * an empty list's head points at itself.
 *
 * C recovers the structure from the address of its field (CONTAINING_RECORD); a
 * JavaScript object cannot, so an entry embedded in a structure names it (`Container`).
 */
export class LIST_ENTRY<T = any> {
  Flink: LIST_ENTRY<T>;
  Blink: LIST_ENTRY<T>;
  /** The structure this entry is a field of (null for a list head): what CONTAINING_RECORD returns. */
  readonly Container: T | null;
  /** A new entry is linked to itself, as InitializeListHead leaves it. */
  constructor(Container: T | null = null) {
    this.Flink = this;
    this.Blink = this;
    this.Container = Container;
  }
}
export type PLIST_ENTRY<T = any> = LIST_ENTRY<T>;

/**
 * Windows checks the neighbours' links on every insert and remove (since Windows 8, even
 * in the free build) and fails fast on a mismatch: a double remove, an entry inserted
 * twice, or a list written over.
 */
function FatalListEntryError(Entry: LIST_ENTRY, what: string): never {
  return KeBugCheckEx(
    KERNEL_SECURITY_CHECK_FAILURE, FAST_FAIL_CORRUPT_LIST_ENTRY, 0, 0, 0,
    `${what}: the LIST_ENTRY's neighbours do not point back at it (an entry removed twice, inserted twice, or a list head never initialised).${Entry.Container !== null ? ` The entry belongs to a ${(Entry.Container as object).constructor.name}.` : ""}`,
  );
}

/** `InitializeListHead`: an empty list. */
export function InitializeListHead(ListHead: LIST_ENTRY): void {
  ListHead.Flink = ListHead;
  ListHead.Blink = ListHead;
}

/** `IsListEmpty`. */
export function IsListEmpty(ListHead: LIST_ENTRY): boolean {
  return ListHead.Flink === ListHead;
}

/** `InsertTailList`: `Entry` becomes the last of the list. */
export function InsertTailList<T>(ListHead: LIST_ENTRY<T>, Entry: LIST_ENTRY<T>): void {
  const Blink = ListHead.Blink;
  if (Blink.Flink !== ListHead) FatalListEntryError(ListHead, "InsertTailList");
  Entry.Flink = ListHead;
  Entry.Blink = Blink;
  Blink.Flink = Entry;
  ListHead.Blink = Entry;
}

/** `InsertHeadList`: `Entry` becomes the first of the list. */
export function InsertHeadList<T>(ListHead: LIST_ENTRY<T>, Entry: LIST_ENTRY<T>): void {
  const Flink = ListHead.Flink;
  if (Flink.Blink !== ListHead) FatalListEntryError(ListHead, "InsertHeadList");
  Entry.Flink = Flink;
  Entry.Blink = ListHead;
  Flink.Blink = Entry;
  ListHead.Flink = Entry;
}

/**
 * `RemoveEntryList`: unlinks `Entry` from whatever list holds it; true if that list is
 * now empty. The entry's own links are left as they were, as in C.
 */
export function RemoveEntryList(Entry: LIST_ENTRY): boolean {
  const Flink = Entry.Flink;
  const Blink = Entry.Blink;
  if (Flink.Blink !== Entry || Blink.Flink !== Entry) FatalListEntryError(Entry, "RemoveEntryList");
  Blink.Flink = Flink;
  Flink.Blink = Blink;
  return Flink === Blink;
}

/** `RemoveHeadList`: unlinks and returns the first entry (the head itself if the list is empty). */
export function RemoveHeadList<T>(ListHead: LIST_ENTRY<T>): LIST_ENTRY<T> {
  const Entry = ListHead.Flink;
  const Flink = Entry.Flink;
  if (Entry.Blink !== ListHead || Flink.Blink !== Entry) FatalListEntryError(ListHead, "RemoveHeadList");
  ListHead.Flink = Flink;
  Flink.Blink = ListHead;
  return Entry;
}

/** `RemoveTailList`: unlinks and returns the last entry (the head itself if the list is empty). */
export function RemoveTailList<T>(ListHead: LIST_ENTRY<T>): LIST_ENTRY<T> {
  const Entry = ListHead.Blink;
  const Blink = Entry.Blink;
  if (Entry.Flink !== ListHead || Blink.Flink !== Entry) FatalListEntryError(ListHead, "RemoveTailList");
  ListHead.Blink = Blink;
  Blink.Flink = ListHead;
  return Entry;
}

/**
 * `CONTAINING_RECORD(Address, Type, Field)`: the structure an entry is a field of. `Type`
 * and `Field` document the call as in C (`CONTAINING_RECORD(entry, IRP,
 * "Tail.Overlay.ListEntry")`); the entry knows its structure.
 */
export function CONTAINING_RECORD<T>(Address: LIST_ENTRY<T>, Type?: abstract new (...args: any[]) => T, Field?: string): T {
  void Type;
  void Field;
  return Address.Container as T;
}
