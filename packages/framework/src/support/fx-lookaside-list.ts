import {
  ExAllocateFromNPagedLookasideList, ExAllocateFromPagedLookasideList, ExDeleteNPagedLookasideList, ExDeletePagedLookasideList, ExFreeToNPagedLookasideList,
  ExFreeToPagedLookasideList, ExInitializeNPagedLookasideList, ExInitializePagedLookasideList, NPAGED_LOOKASIDE_LIST, PAGED_LOOKASIDE_LIST, PagedPool,
  NT_SUCCESS, STATUS_INSUFFICIENT_RESOURCES, STATUS_INVALID_PARAMETER, STATUS_SUCCESS, type Box, type NTSTATUS, type POOL_TYPE,
} from "@wdfjs/kernel";
import { FxObject, FxObjectHandleGetAnyPtr, FxObjectHandleGetPtr, FxObjectTableOf } from "../object/fx-object.js";
import { FX_TYPE_DEVICE, FX_TYPE_MP_DEVICE, FX_TYPE_LOOKASIDE, IFX_TYPE_MEMORY } from "../object/types.js";
import { FxValidateObjectAttributes } from "../object/attributes.js";
import type { FxDriver } from "../driver/fx-driver.js";
import { FxObjectCommit } from "../object/object-api.js";
import type { PWDF_OBJECT_ATTRIBUTES } from "../object/attributes.js";
import { FxMemoryObject } from "./fx-memory.js";

/**
 * `FxLookasideList` (fxlookasidelist.cpp, fxnpagedlookasidelistkm.cpp, fxpagedlookasidelist.cpp):
 * a WDFLOOKASIDE over an executive lookaside list of BufferSize blocks from paged or nonpaged
 * pool. Each WdfMemoryCreateFromLookaside gives a WDFMEMORY (with the memory attributes given at
 * creation) whose buffer goes back to the list when the memory object is destroyed. A memory
 * object keeps the list alive: deleting the WDFLOOKASIDE first only makes its handle stale; the
 * executive list is deleted when the last buffer is back.
 */
/** `FxDeviceBase::_SearchForDevice`: the device the attributes' parent belongs to, if any. */
function DeviceAncestor(Attributes: PWDF_OBJECT_ATTRIBUTES): FxObject | null {
  if (Attributes === null || Attributes.ParentObject === null) return null;
  for (let o: FxObject | null = FxObjectHandleGetAnyPtr(Attributes.ParentObject); o !== null; o = o.parent) {
    if (o.type === FX_TYPE_DEVICE || o.type === FX_TYPE_MP_DEVICE) return o;
  }
  return null;
}

export class FxLookasideList extends FxObject {
  private readonly npaged: NPAGED_LOOKASIDE_LIST | null;
  private readonly paged: PAGED_LOOKASIDE_LIST | null;

  constructor(readonly BufferSize: number, readonly PoolType: POOL_TYPE, readonly PoolTag: number, readonly MemoryAttributes: PWDF_OBJECT_ATTRIBUTES) {
    super(FX_TYPE_LOOKASIDE);
    if ((PoolType & 1) === PagedPool) {
      this.paged = new PAGED_LOOKASIDE_LIST();
      this.npaged = null;
      ExInitializePagedLookasideList(this.paged, null, null, 0, BufferSize, PoolTag, 0);
    } else {
      this.npaged = new NPAGED_LOOKASIDE_LIST();
      this.paged = null;
      ExInitializeNPagedLookasideList(this.npaged, null, null, 0, BufferSize, PoolTag, 0);
    }
  }

  /**
   * `WdfLookasideListCreate`'s core (fxlookasidelistapi.cpp): a zero size is
   * STATUS_INVALID_PARAMETER; tag 0 is the driver's; a paged list's two sets of attributes may not
   * name parents under different devices (STATUS_INVALID_PARAMETER). Parented to the driver unless
   * the lookaside attributes say otherwise.
   */
  static create(LookasideAttributes: PWDF_OBJECT_ATTRIBUTES, BufferSize: number, PoolType: POOL_TYPE, MemoryAttributes: PWDF_OBJECT_ATTRIBUTES, PoolTag: number,
    Lookaside: Box<FxLookasideList | null>): NTSTATUS {
    Lookaside.value = null;
    if (!Number.isInteger(BufferSize) || BufferSize <= 0) return STATUS_INVALID_PARAMETER;
    let status = FxValidateObjectAttributes(LookasideAttributes);
    if (NT_SUCCESS(status)) status = FxValidateObjectAttributes(MemoryAttributes);
    if (!NT_SUCCESS(status)) return status;
    if ((PoolType & 1) === PagedPool) {
      const a = DeviceAncestor(LookasideAttributes);
      const b = DeviceAncestor(MemoryAttributes);
      if (a !== null && b !== null && a !== b) return STATUS_INVALID_PARAMETER;
    }
    const driver = FxObjectTableOf().driver as FxDriver | null;
    const lookaside = new FxLookasideList(BufferSize, PoolType, PoolTag !== 0 ? PoolTag : (driver?.Tag ?? 0), MemoryAttributes);
    status = FxObjectCommit(lookaside, LookasideAttributes);
    if (!NT_SUCCESS(status)) {
      lookaside.contexts.length = 0;
      lookaside.deleteObject();
      return status;
    }
    Lookaside.value = lookaside;
    return STATUS_SUCCESS;
  }

  /**
   * `FxLookasideList::Allocate` + commit (WdfMemoryCreateFromLookaside): a buffer from the list
   * as a WDFMEMORY parented as the memory attributes say (the driver by default).
   */
  allocate(Memory: Box<FxMemoryBufferFromLookaside | null>): NTSTATUS {
    Memory.value = null;
    const buffer = this.paged !== null ? ExAllocateFromPagedLookasideList(this.paged) : ExAllocateFromNPagedLookasideList(this.npaged!);
    if (buffer === 0) return STATUS_INSUFFICIENT_RESOURCES;
    const memory = new FxMemoryBufferFromLookaside(this, buffer);
    const status = FxObjectCommit(memory, this.MemoryAttributes);
    if (status !== STATUS_SUCCESS) {
      memory.contexts.length = 0;
      memory.deleteObject();
      return status;
    }
    Memory.value = memory;
    return STATUS_SUCCESS;
  }

  /** A buffer back from a destroyed memory object. */
  reclaim(buffer: number): void {
    if (this.paged !== null) ExFreeToPagedLookasideList(this.paged, buffer);
    else ExFreeToNPagedLookasideList(this.npaged!, buffer);
  }

  protected override destroyResources(): void {
    if (this.paged !== null) ExDeletePagedLookasideList(this.paged);
    else ExDeleteNPagedLookasideList(this.npaged!);
  }
}

/** `FxMemoryBufferFromLookaside`: a WDFMEMORY whose buffer is a lookaside block; it holds a reference on its list. */
export class FxMemoryBufferFromLookaside extends FxMemoryObject {
  private buffer: number;

  constructor(private readonly lookaside: FxLookasideList, buffer: number) {
    super(IFX_TYPE_MEMORY);
    this.buffer = buffer;
    lookaside.reference(this);
  }

  get Buffer(): number {
    return this.buffer;
  }

  get BufferSize(): number {
    return this.lookaside.BufferSize;
  }

  protected override destroyResources(): void {
    if (this.buffer === 0) return;
    this.lookaside.reclaim(this.buffer);
    this.buffer = 0;
    this.lookaside.dereference(this);
  }
}
