import type { FxRequest } from "./fx-request.js";

/**
 * The requests a queue's driver owns (`m_DriverOwned`, a LIST_ENTRY through the requests in WDF):
 * an intrusive doubly linked list, so adding and removing a request on the I/O path costs two
 * pointer writes and no hashing. A request is on at most one such list.
 */
export class FxRequestList {
  private head: FxRequest | null = null;

  add(request: FxRequest): void {
    if (request.ownedList === this) return;
    request.ownedList = this;
    request.ownedPrev = null;
    request.ownedNext = this.head;
    if (this.head !== null) this.head.ownedPrev = request;
    this.head = request;
  }

  delete(request: FxRequest): boolean {
    if (request.ownedList !== this) return false;
    const prev = request.ownedPrev;
    const next = request.ownedNext;
    if (prev !== null) prev.ownedNext = next;
    else this.head = next;
    if (next !== null) next.ownedPrev = prev;
    // Off the list is `ownedList` null; the links are rewritten when it joins one again.
    request.ownedList = null;
    return true;
  }

  has(request: FxRequest): boolean {
    return request.ownedList === this;
  }

  /** Oldest first, as a snapshot (callers change the list while they walk it). */
  *[Symbol.iterator](): IterableIterator<FxRequest> {
    const all: FxRequest[] = [];
    for (let r = this.head; r !== null; r = r.ownedNext) all.push(r);
    for (let i = all.length - 1; i >= 0; i--) yield all[i]!;
  }
}
