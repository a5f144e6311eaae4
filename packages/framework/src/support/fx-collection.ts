import { FxObject } from "../object/fx-object.js";
import { FX_TYPE_COLLECTION } from "../object/types.js";

/** One entry of a collection's list (`FxCollectionEntry`). */
interface FxCollectionEntry {
  readonly object: FxObject;
  prev: FxCollectionEntry | null;
  next: FxCollectionEntry | null;
}

/**
 * `FxCollection` (fxcollection.cpp): an ordered list of objects, each referenced while it is in
 * the list (added at the tail, O(1); removed by object or index). Deleting the collection
 * releases its items; it does not delete them.
 */
export class FxCollection extends FxObject {
  private head: FxCollectionEntry | null = null;
  private tail: FxCollectionEntry | null = null;
  count = 0;

  constructor() {
    super(FX_TYPE_COLLECTION);
  }

  add(object: FxObject): void {
    object.reference(this);
    const entry: FxCollectionEntry = { object, prev: this.tail, next: null };
    if (this.tail !== null) this.tail.next = entry;
    else this.head = entry;
    this.tail = entry;
    this.count++;
  }

  private entryAt(Index: number): FxCollectionEntry | null {
    if (!(Index >= 0 && Index < this.count)) return null;
    let e = this.head;
    for (let i = 0; e !== null && i < Index; i++) e = e.next;
    return e;
  }

  private find(object: FxObject): FxCollectionEntry | null {
    for (let e = this.head; e !== null; e = e.next) if (e.object === object) return e;
    return null;
  }

  getItem(Index: number): FxObject | null {
    return this.entryAt(Index)?.object ?? null;
  }

  get first(): FxObject | null {
    return this.head?.object ?? null;
  }

  get last(): FxObject | null {
    return this.tail?.object ?? null;
  }

  /** Removes the first entry of the object; false if it is not in the collection. */
  remove(object: FxObject): boolean {
    const e = this.find(object);
    if (e === null) return false;
    this.unlink(e);
    return true;
  }

  removeAt(Index: number): boolean {
    const e = this.entryAt(Index);
    if (e === null) return false;
    this.unlink(e);
    return true;
  }

  private unlink(e: FxCollectionEntry): void {
    if (e.prev !== null) e.prev.next = e.next;
    else this.head = e.next;
    if (e.next !== null) e.next.prev = e.prev;
    else this.tail = e.prev;
    this.count--;
    e.object.dereference(this);
  }

  protected override disposeResources(): void {
    while (this.head !== null) this.unlink(this.head);
  }
}
