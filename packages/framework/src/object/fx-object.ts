import { currentMachine, type Machine } from "@wdfjs/kernel";
import { FxVerifierBugCheck, WDF_INVALID_HANDLE, WDF_OBJECT_ERROR } from "../verifier.js";
import type { WDF_OBJECT_CONTEXT_TYPE_INFO } from "./context.js";
import type { FxCallbackLock } from "../sync/fx-callback-lock.js";
import {
  FX_TYPE_OBJECT, WdfExecutionLevelInheritFromParent, WdfSynchronizationScopeInheritFromParent,
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

/** A freed object stays readable this long (objects freed since) in the free flavor, as freed pool does until reused. */
const FREED_KEPT = 64;
const HANDLE_BASE = 0x10000;
const HANDLE_STEP = 0x10;

/** One machine's framework objects: handle → object, context → object, and the recently freed. */
export class FxObjectTable {
  private readonly live = new Map<number, FxObject>();
  private readonly freed = new Map<number, FxObject>();
  readonly contexts = new WeakMap<object, FxObject>();
  private next = HANDLE_BASE;
  /**
   * The driver whose code is running (in C, the `FxDriverGlobals` its DDI calls pass): the
   * default parent of the objects it creates without one. Set by the style's driver creation and
   * by the framework around each call into a driver.
   */
  driver: FxObject | null = null;
  constructor(readonly machine: Machine) {}

  insert(object: FxObject): number {
    const handle = this.next;
    this.next += HANDLE_STEP;
    this.live.set(handle, object);
    return handle;
  }

  remove(object: FxObject): void {
    this.live.delete(object.handle);
    if (this.machine.checked) return;
    this.freed.set(object.handle, object);
    if (this.freed.size > FREED_KEPT) this.freed.delete(this.freed.keys().next().value!);
  }

  lookup(handle: number): FxObject | undefined {
    return this.live.get(handle);
  }

  lookupFreed(handle: number): FxObject | undefined {
    return this.freed.get(handle);
  }

  /** Live objects, for leak checks and tests. */
  get count(): number {
    return this.live.size;
  }
}

// Per-machine data lives beside the machine, keyed by it, as the kernel keeps none of its own
// state outside a machine: any number of machines run in one process independently.
const tables = new WeakMap<Machine, FxObjectTable>();

/** The executing machine's object table. */
export function FxObjectTableOf(machine: Machine = currentMachine()): FxObjectTable {
  let table = tables.get(machine);
  if (table === undefined) {
    table = new FxObjectTable(machine);
    tables.set(machine, table);
  }
  return table;
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
  readonly handle: WDFOBJECT;
  readonly table: FxObjectTable;
  parent: FxObject | null = null;
  /** Children in creation order: a list through the objects (O(1) to add and to unlink). */
  firstChild: FxObject | null = null;
  lastChild: FxObject | null = null;
  prevSibling: FxObject | null = null;
  nextSibling: FxObject | null = null;
  refCount = 1;
  state: FxObjectState = FxObjectStateCreated;
  readonly contexts: FxContextHeader[] = [];
  executionLevel: WDF_EXECUTION_LEVEL = WdfExecutionLevelInheritFromParent;
  synchronizationScope: WDF_SYNCHRONIZATION_SCOPE = WdfSynchronizationScopeInheritFromParent;
  /** The callback lock of a device or queue with automatic serialization (made on first use, `m_CallbackLockPtr`). */
  callbackLock: FxCallbackLock | null = null;
  /** `IsNoDeleteDDI`: the framework owns the object's lifetime; `WdfObjectDelete` is refused. */
  noDeleteDDI = false;
  /** References by tag (checked flavor), to name a leak's owner. */
  readonly tags: Map<unknown, number> | null;

  constructor(readonly type: WDFTYPE = FX_TYPE_OBJECT, table: FxObjectTable = FxObjectTableOf()) {
    this.table = table;
    this.handle = table.insert(this);
    this.tags = table.machine.checked ? new Map() : null;
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
    this.contexts.push(header);
    if (header.Context !== null) this.table.contexts.set(header.Context, this);
  }

  reference(Tag: unknown): void {
    this.refCount++;
    if (this.tags !== null && Tag !== null && Tag !== undefined) this.tags.set(Tag, (this.tags.get(Tag) ?? 0) + 1);
  }

  dereference(Tag: unknown): void {
    if (this.tags !== null && Tag !== null && Tag !== undefined) {
      const n = (this.tags.get(Tag) ?? 0) - 1;
      if (n <= 0) this.tags.delete(Tag);
      else this.tags.set(Tag, n);
    }
    this.release();
  }

  /** `DeleteObject` (WdfObjectDelete once the NoDeleteDDI check passed). A second delete does nothing. */
  deleteObject(): void {
    if (this.state !== FxObjectStateCreated) return;
    this.dispose();
    this.deletedAndDisposed();
  }

  /** Children first (depth first, creation order), then this object's cleanup callbacks. */
  private dispose(): void {
    this.state = FxObjectStateDisposingDisposeChildren;
    for (let child = this.firstChild; child !== null; child = child.nextSibling) {
      if (child.state === FxObjectStateCreated) child.dispose();
    }
    for (const c of this.contexts) c.EvtCleanupCallback?.(this.handle);
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
    for (const c of this.contexts) c.EvtDestroyCallback?.(this.handle);
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
  const table = FxObjectTableOf();
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
