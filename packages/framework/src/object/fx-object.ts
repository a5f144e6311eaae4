import { type Machine } from "@wdfjs/kernel";
import { cur } from "@wdfjs/kernel/internal";
import { FxVerifierBugCheck, WDF_INVALID_HANDLE, WDF_OBJECT_ERROR } from "../verifier.js";
import type { WDF_OBJECT_CONTEXT_TYPE_INFO } from "./context.js";
import type { FxCallbackLock } from "../sync/fx-callback-lock.js";
import {
  FX_TYPE_DEVICE, FX_TYPE_DEVICE_BASE, FX_TYPE_OBJECT, WdfExecutionLevelInheritFromParent, WdfSynchronizationScopeInheritFromParent,
  type EVT_WDF_OBJECT_CONTEXT_CLEANUP, type EVT_WDF_OBJECT_CONTEXT_DESTROY, type WDF_EXECUTION_LEVEL, type WDF_SYNCHRONIZATION_SCOPE, type WDFOBJECT, type WDFTYPE,
} from "./types.js";

/** `FxObjectState` (fxobject.hpp): the states this core goes through. */
export const FxObjectStateCreated = 1;
export const FxObjectStateDisposingDisposeChildren = 2;
export const FxObjectStateDisposed = 3;
export const FxObjectStateDeletedAndDisposed = 4;
export const FxObjectStateDestroyed = 5;
export type FxObjectState = 1 | 2 | 3 | 4 | 5;

/** `FxContextHeader`: one context of an object, with the callbacks of the attributes that brought it. */
export interface FxContextHeader {
  readonly TypeInfo: WDF_OBJECT_CONTEXT_TYPE_INFO | null;
  readonly Context: object | null;
  readonly EvtCleanupCallback: EVT_WDF_OBJECT_CONTEXT_CLEANUP | null;
  readonly EvtDestroyCallback: EVT_WDF_OBJECT_CONTEXT_DESTROY | null;
}

/**
 * A freed object (and its slot) stays as it was this long (objects freed since): the free flavor
 * reads it through a stale handle, as freed pool stays readable until reused; then its slot may
 * be reused, under the next generation. Short, as a lookaside list is LIFO (WDF's next request
 * reuses the memory of the last one freed), so the objects the I/O path cycles through stay few
 * and in the processor's cache.
 */
const FREED_KEPT = 16;
/** How many freed recyclable objects a table keeps, in quarantine and for reuse (a power of 2). */
const RECYCLED_KEPT = 256;
const RECYCLED_MASK = RECYCLED_KEPT - 1;
/** The contexts of an object that has none: shared, never written (addContext replaces it). */
const NO_CONTEXTS: FxContextHeader[] = [];
/**
 * A handle is `((generation << SLOT_BITS | slot) + 1) * 4`: 4-byte aligned like the pointers it
 * stands for, never 0, and small enough to stay a small integer for the engine (2^29 at most).
 * The generation (a slot's reuse count) makes a stale handle name nothing rather than the slot's
 * next object.
 */
const SLOT_BITS = 20;
const SLOT_MASK = (1 << SLOT_BITS) - 1;
const GENERATION_MASK = 0x7f;

/**
 * One machine's framework objects: handle → object, context → object, and the recently freed.
 * Slots are reused from a free stack (O(1) insert and remove, no growing map on the I/O path)
 * once their object is out of quarantine. Each slot's live handle and object type sit in arrays
 * beside the objects, so a lookup compares numbers and never reads an object's fields (objects
 * of many classes pass through one lookup).
 */
export class FxObjectTable {
  readonly slots: (FxObject | null)[] = [];
  /** The handle of the object in each slot, 0 while the slot is free. */
  readonly handles: number[] = [];
  /** The type (`WDFTYPE`) of the object in each slot. */
  readonly types: number[] = [];
  private readonly generations: number[] = [];
  private readonly freeSlots: number[] = [];
  private liveCount = 0;
  /** The last FREED_KEPT freed objects not recyclable, a ring: their slots are not reused yet. */
  private readonly freed: (FxObject | null)[] = new Array<FxObject | null>(FREED_KEPT).fill(null);
  private readonly freedSlots: number[] = new Array<number>(FREED_KEPT).fill(-1);
  private freedNext = 0;
  /**
   * Freed recyclable objects (the I/O package's requests), oldest first, a ring of RECYCLED_KEPT:
   * the newest FREED_KEPT are in quarantine, the older ones are a lookaside list's free entries.
   * Each keeps its slot (`slots` still names it; `handles` says the slot is unused) so that reusing
   * it is a new generation in the same slot, with nothing to unlink or link again. `recycleHead`
   * is where the oldest is and `recycleCount` how many there are.
   */
  private readonly recycleRing: (FxObject | null)[] = new Array<FxObject | null>(RECYCLED_KEPT).fill(null);
  private recycleHead = 0;
  private recycleCount = 0;
  readonly contexts = new WeakMap<object, FxObject>();
  /** The sending halves of recycled requests (FxRequestSendState, targets/), reset, for the next request that sends. */
  readonly spareSendStates: object[] = [];
  /**
   * The driver whose code is running (in C, the `FxDriverGlobals` its DDI calls pass): the
   * default parent of the objects it creates without one. Set by the style's driver creation and
   * by the framework around each call into a driver.
   */
  driver: FxObject | null = null;
  /** The machine's flavor is the checked one (the KMDF verifier on); read on every request. */
  readonly checked: boolean;
  constructor(readonly machine: Machine) {
    this.checked = machine.checked;
  }

  insert(object: FxObject): number {
    let slot = this.freeSlots.pop();
    if (slot === undefined) {
      slot = this.slots.length;
      // The last slot is never used: a NULL handle's slot, so that a freed slot's 0 never matches it.
      if (slot >= SLOT_MASK) throw new Error(`wdfjs: more than ${SLOT_MASK} framework objects are alive in one machine`);
      this.slots.push(null);
      this.handles.push(0);
      this.types.push(0);
      this.generations.push(0);
    }
    return this.occupy(object, slot);
  }

  private occupy(object: FxObject, slot: number): number {
    const handle = (((this.generations[slot]! << SLOT_BITS) | slot) + 1) << 2;
    this.slots[slot] = object;
    this.handles[slot] = handle;
    this.types[slot] = object.type;
    this.liveCount++;
    return handle;
  }

  remove(object: FxObject): void {
    const handle = object.handle;
    const slot = ((handle >>> 2) - 1) & SLOT_MASK;
    if (this.handles[slot] !== handle) return;
    this.handles[slot] = 0;
    this.generations[slot] = (this.generations[slot]! + 1) & GENERATION_MASK;
    this.liveCount--;
    this.slots[slot] = null;
    // Quarantine: the object and its slot wait FREED_KEPT frees; then the slot is free.
    const i = this.freedNext;
    const evictedSlot = this.freedSlots[i]!;
    this.freed[i] = object;
    this.freedSlots[i] = slot;
    this.freedNext = i + 1 === FREED_KEPT ? 0 : i + 1;
    if (evictedSlot >= 0) this.freeSlots.push(evictedSlot);
  }

  /**
   * `remove` for a recyclable object (an FxRequest of the I/O package deleting itself, as a plain
   * leaf): its handle goes stale and it joins the ring, keeping its slot. The ring full, the oldest
   * is dropped and its slot freed.
   */
  removeRecyclable(object: FxObject): void {
    // The slot's generation moves on when the object is reused (or dropped): its handle has it.
    this.handles[((object.handle >>> 2) - 1) & SLOT_MASK] = 0;
    this.liveCount--;
    if (this.recycleCount === RECYCLED_KEPT) this.dropOldestRecyclable();
    this.recycleRing[(this.recycleHead + this.recycleCount++) & RECYCLED_MASK] = object;
  }

  private dropOldestRecyclable(): void {
    const evicted = this.recycleRing[this.recycleHead]!;
    this.recycleRing[this.recycleHead] = null;
    this.recycleHead = (this.recycleHead + 1) & RECYCLED_MASK;
    this.recycleCount--;
    const x = (evicted.handle >>> 2) - 1;
    const slot = x & SLOT_MASK;
    this.generations[slot] = ((x >>> SLOT_BITS) + 1) & GENERATION_MASK;
    this.slots[slot] = null;
    this.freeSlots.push(slot);
  }

  /**
   * The oldest freed recyclable object whose quarantine (FREED_KEPT later frees) is over, in its
   * slot again under the next generation's handle; or null. The caller resets its fields.
   */
  takeRecycled(): FxObject | null {
    if (this.recycleCount <= FREED_KEPT) return null;
    const object = this.recycleRing[this.recycleHead]!;
    this.recycleHead = (this.recycleHead + 1) & RECYCLED_MASK;
    this.recycleCount--;
    // The next generation in the same slot (the freed handle carries the last one).
    const x = (object.handle >>> 2) - 1;
    const slot = x & SLOT_MASK;
    const handle = (((((x >>> SLOT_BITS) + 1) & GENERATION_MASK) << SLOT_BITS | slot) + 1) << 2;
    this.handles[slot] = handle;
    this.liveCount++;
    object.handle = handle;
    return object;
  }

  /** The slot a handle names (the generation is checked by comparing the whole handle). */
  private slotOf(handle: number): number {
    if (!(handle > 0) || (handle & 3) !== 0) return -1;
    const slot = ((handle >>> 2) - 1) & SLOT_MASK;
    return slot < this.slots.length ? slot : -1;
  }

  lookup(handle: number): FxObject | undefined {
    const slot = this.slotOf(handle);
    return slot >= 0 && this.handles[slot] === handle ? this.slots[slot]! : undefined;
  }

  lookupFreed(handle: number): FxObject | undefined {
    if (this.machine.checked) return undefined;
    for (const object of this.freed) if (object !== null && object.handle === handle) return object;
    for (let i = this.recycleCount - 1; i >= 0 && i >= this.recycleCount - FREED_KEPT; i--) {
      const object = this.recycleRing[(this.recycleHead + i) & RECYCLED_MASK]!;
      if (object.handle === handle) return object;
    }
    return undefined;
  }

  /** Live objects, for leak checks and tests. */
  get count(): number {
    return this.liveCount;
  }
}

// Per-machine data lives on the machine, under a symbol only this module knows, as the kernel
// keeps none of its own state outside a machine: any number of machines run in one process
// independently. (A property, not a WeakMap: every handle lookup reads it.)
const TABLE: unique symbol = Symbol("wdfjs.framework.objectTable");
type MachineWithTable = Machine & { [TABLE]?: FxObjectTable };

/** The executing machine's object table (small: every DDI's handle lookup starts here). */
export function FxObjectTableOf(): FxObjectTable {
  return (cur as MachineWithTable)[TABLE] ?? FxObjectTableCreate();
}

function FxObjectTableCreate(): FxObjectTable {
  const m = cur as MachineWithTable;
  return (m[TABLE] = new FxObjectTable(m));
}

/**
 * `FxObject`: what every framework handle stands for. The styles derive their objects from it
 * (a device, a queue, a request); the generic `WDFOBJECT` of `WdfObjectCreate` is a plain one.
 *
 * Lifetime (fxobjectstatemachine.cpp): the count starts at 1 (the creation reference, which
 * deletion releases); a child holds a reference on its parent. Deleting disposes children first,
 * depth first in creation order, each running its cleanup callbacks, then the object's own; then
 * the children are deleted and the creation reference released. Destroy callbacks run when the
 * count reaches 0, so a parent is destroyed after its children.
 */
export class FxObject {
  handle: WDFOBJECT;
  readonly table: FxObjectTable;
  parent: FxObject | null = null;
  /** Children in creation order: a list through the objects (O(1) to add and to unlink). */
  firstChild: FxObject | null = null;
  lastChild: FxObject | null = null;
  prevSibling: FxObject | null = null;
  nextSibling: FxObject | null = null;
  refCount = 1;
  state: FxObjectState = FxObjectStateCreated;
  /** The object's context spaces (a shared empty list until the first is added). */
  contexts: FxContextHeader[] = NO_CONTEXTS;
  executionLevel: WDF_EXECUTION_LEVEL = WdfExecutionLevelInheritFromParent;
  synchronizationScope: WDF_SYNCHRONIZATION_SCOPE = WdfSynchronizationScopeInheritFromParent;
  /** The callback lock of a device or queue with automatic serialization (made on first use, `m_CallbackLockPtr`). */
  callbackLock: FxCallbackLock | null = null;
  /**
   * What FxCallbackInvoke resolved for this object's callbacks, once (an object's scope, level and
   * parents do not change after it is created): 0 not yet, 1 no lock, 2 no lock and passive-level, 3 `invokeLock`.
   */
  invokeResolution = 0;
  invokeLock: FxCallbackLock | null = null;
  /** `IsNoDeleteDDI`: the framework owns the object's lifetime; `WdfObjectDelete` is refused. */
  noDeleteDDI = false;
  /** References by tag (checked flavor), to name a leak's owner. */
  tags: Map<unknown, number> | null = null;

  constructor(readonly type: WDFTYPE = FX_TYPE_OBJECT, table: FxObjectTable = FxObjectTableOf()) {
    this.table = table;
    this.handle = table.insert(this);
  }

  /**
   * `FxObject::QueryInterface` for handle types: whether the object also answers to a handle type
   * other than its own (a preallocated or request memory is an `IFX_TYPE_MEMORY`, a remote I/O
   * target an `FX_TYPE_IO_TARGET`).
   */
  isOfType(_Type: WDFTYPE): boolean {
    return false;
  }

  /** `AssignParentObject`: the child references its parent until it is destroyed. */
  assignParent(parent: FxObject): void {
    this.parent = parent;
    this.prevSibling = parent.lastChild;
    if (parent.lastChild !== null) parent.lastChild.nextSibling = this;
    else parent.firstChild = this;
    parent.lastChild = this;
    parent.refCount++;
  }

  addContext(header: FxContextHeader): void {
    if (this.contexts === NO_CONTEXTS) this.contexts = [header];
    else this.contexts.push(header);
    if (header.Context !== null) this.table.contexts.set(header.Context, this);
  }

  reference(Tag: unknown): void {
    this.refCount++;
    if (Tag !== null && Tag !== undefined && this.table.machine.checked) {
      const tags = (this.tags ??= new Map());
      tags.set(Tag, (tags.get(Tag) ?? 0) + 1);
    }
  }

  dereference(Tag: unknown): void {
    if (this.tags !== null && Tag !== null && Tag !== undefined) {
      const n = (this.tags.get(Tag) ?? 0) - 1;
      if (n <= 0) this.tags.delete(Tag);
      else this.tags.set(Tag, n);
    }
    this.release();
  }

  /**
   * The object has no context space. (With no parent, no children and no reference but its
   * creation one, it is a plain leaf: its deletion runs no driver callback and unlinks nothing.)
   */
  protected get hasNoContexts(): boolean {
    return this.contexts === NO_CONTEXTS;
  }

  /** `DeleteObject` (WdfObjectDelete once the NoDeleteDDI check passed). A second delete does nothing. */
  deleteObject(): void {
    if (this.state !== FxObjectStateCreated) return;
    if (this.firstChild === null && this.contexts === NO_CONTEXTS && this.refCount === 1 && this.parent === null) {
      // A leaf with no callbacks, no parent and no other reference (a request on the I/O path):
      // the same states, disposed then destroyed, without walking children, contexts or parents.
      this.state = FxObjectStateDisposingDisposeChildren;
      this.disposeResources();
      this.state = FxObjectStateDeletedAndDisposed;
      this.refCount = 0;
      this.destroyResources();
      this.state = FxObjectStateDestroyed;
      this.table.remove(this);
      return;
    }
    this.dispose();
    this.deletedAndDisposed();
  }

  /** Children first (depth first, creation order), then this object's cleanup callbacks. */
  private dispose(): void {
    this.state = FxObjectStateDisposingDisposeChildren;
    for (let child = this.firstChild; child !== null; child = child.nextSibling) {
      if (child.state === FxObjectStateCreated) child.dispose();
    }
    const contexts = this.contexts;
    for (let i = 0; i < contexts.length; i++) contexts[i]!.EvtCleanupCallback?.(this.handle);
    this.disposeResources();
    this.state = FxObjectStateDisposed;
  }

  /** `Dispose`: what a derived object gives back when it is deleted, after its cleanup callbacks. */
  protected disposeResources(): void {}

  /** `DeletedAndDisposedWorkerLocked`: delete the children (`DestroyChildren`), release the creation reference. */
  private deletedAndDisposed(): void {
    this.state = FxObjectStateDeletedAndDisposed;
    for (let child = this.firstChild; child !== null; ) {
      // The child may unlink itself (destroyed): take its sibling first.
      const next = child.nextSibling;
      if (child.state === FxObjectStateDisposed) child.deletedAndDisposed();
      child = next;
    }
    this.release();
  }

  private release(): void {
    if (this.state === FxObjectStateDestroyed) {
      // A freed object's handle used in the free flavor: the count of dead memory changes, nothing runs.
      this.refCount--;
      return;
    }
    if (--this.refCount > 0) return;
    if (this.state === FxObjectStateCreated) {
      // fxobject.cpp ~L124: an object that reaches 0 without WdfObjectDelete while it still has a
      // parent or children "was freed using WdfObjectDereference(), not WdfObjectDelete()".
      if (this.parent !== null || this.firstChild !== null) {
        FxVerifierBugCheck(WDF_OBJECT_ERROR, this.handle, this.handle, "An object was freed with WdfObjectDereference, not WdfObjectDelete.");
      }
      this.dispose();
      this.state = FxObjectStateDeletedAndDisposed;
    }
    this.destroy();
  }

  /** The object's destructor: what it holds until its last reference goes (a WDFMEMORY's pool buffer), after EvtDestroyCallback. */
  protected destroyResources(): void {}

  private destroy(): void {
    const contexts = this.contexts;
    for (let i = 0; i < contexts.length; i++) contexts[i]!.EvtDestroyCallback?.(this.handle);
    this.destroyResources();
    this.state = FxObjectStateDestroyed;
    this.table.remove(this);
    const parent = this.parent;
    if (parent !== null) {
      if (this.prevSibling !== null) this.prevSibling.nextSibling = this.nextSibling;
      else parent.firstChild = this.nextSibling;
      if (this.nextSibling !== null) this.nextSibling.prevSibling = this.prevSibling;
      else parent.lastChild = this.prevSibling;
      this.prevSibling = this.nextSibling = null;
      parent.release();
    }
  }
}

/**
 * `FxObjectHandleGetPtr`: the object of a handle, of the type the DDI needs (any object for
 * `FX_TYPE_OBJECT`). A handle that names no object of the type is WDF_INVALID_HANDLE (P2 handle,
 * P3 expected type) in both flavors: the source's type check is not a verifier option. A handle
 * whose object was freed is caught by the checked flavor's handle tracking; in the free flavor the
 * DDI reads the freed object (still there until its memory is reused), as Windows does.
 */
export function FxObjectHandleGetPtr(Handle: WDFOBJECT | null, Type: WDFTYPE): FxObject {
  // Small, so that it is inlined into every DDI: the live object of the exact type, else the rest
  // (a value that is not a live handle never equals the number in the slot it names; one that is
  // not a number at all looks in the slot no handle names, rather than throw in the shift).
  const table = FxObjectTableOf();
  const slot = typeof Handle === "number" ? ((Handle >>> 2) - 1) & SLOT_MASK : SLOT_MASK;
  return table.handles[slot] === Handle && table.types[slot] === Type ? table.slots[slot]! : FxObjectHandleGetPtrSlow(table, Handle, Type);
}

/** `FxObjectHandleGetPtr` for `FX_TYPE_DEVICE_BASE`: a PnP or control device at once, a miniport's (FX_TYPE_MP_DEVICE) through the rest. */
export function FxObjectHandleGetDeviceBasePtr(Handle: WDFOBJECT | null): FxObject {
  const table = FxObjectTableOf();
  const slot = typeof Handle === "number" ? ((Handle >>> 2) - 1) & SLOT_MASK : SLOT_MASK;
  return table.handles[slot] === Handle && table.types[slot] === FX_TYPE_DEVICE ? table.slots[slot]! : FxObjectHandleGetPtrSlow(table, Handle, FX_TYPE_DEVICE_BASE);
}

/** `FxObjectHandleGetPtr` for `FX_TYPE_OBJECT` (any live object: the context accessors' lookup). */
export function FxObjectHandleGetAnyPtr(Handle: WDFOBJECT | null): FxObject {
  const table = FxObjectTableOf();
  const slot = typeof Handle === "number" ? ((Handle >>> 2) - 1) & SLOT_MASK : SLOT_MASK;
  return table.handles[slot] === Handle && slot < table.slots.length ? table.slots[slot]! : FxObjectHandleGetPtrSlow(table, Handle, FX_TYPE_OBJECT);
}

/** `FxObjectHandleGetPtr` past the common case: another handle type the object answers to, a freed object (free flavor), or WDF_INVALID_HANDLE. */
function FxObjectHandleGetPtrSlow(table: FxObjectTable, Handle: WDFOBJECT | null, Type: WDFTYPE): FxObject {
  const h = typeof Handle === "number" ? Handle : 0;
  let object = table.lookup(h);
  if (object === undefined && !table.machine.checked) object = table.lookupFreed(h);
  if (object === undefined) {
    const why = h === 0 ? "A NULL handle was passed to a framework function." : "A handle that is not (or no longer) a framework object was passed to a framework function.";
    return FxVerifierBugCheck(WDF_INVALID_HANDLE, h, Type, why);
  }
  if (Type !== FX_TYPE_OBJECT && object.type !== Type && !object.isOfType(Type)) {
    return FxVerifierBugCheck(WDF_INVALID_HANDLE, h, Type, "A framework handle of another type was passed to a framework function.");
  }
  return object;
}
