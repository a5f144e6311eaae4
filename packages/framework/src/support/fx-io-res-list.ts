import {
  currentMachine, Internal, IoBuildResourceRequirementsList, ReadResourceRequirementsList, STATUS_ACCESS_DENIED, STATUS_INVALID_DEVICE_REQUEST,
  STATUS_SUCCESS, type IO_RESOURCE_DESCRIPTOR, type NTSTATUS,
} from "@wdfjs/kernel";
import { STATUS_ARRAY_BOUNDS_EXCEEDED } from "../wdfstatus.js";
import { FxObject } from "../object/fx-object.js";
import { FX_TYPE_IO_RES_LIST, FX_TYPE_IO_RES_REQ_LIST, type WDFHANDLE } from "../object/types.js";
import { FxObjectCommit } from "../object/object-api.js";
import { FxValidateObjectAttributes, FX_VALIDATE_OPTION_PARENT_NOT_ALLOWED, type PWDF_OBJECT_ATTRIBUTES } from "../object/attributes.js";
import { FxResourceAddAllowed, FxResourceRemoveAllowed, WDF_INSERT_AT_END } from "./fx-cm-res-list.js";

/** `WDFIORESLIST`: one alternative configuration of a WDFIORESREQLIST (`FxIoResList`). */
export type WDFIORESLIST = WDFHANDLE<"WDFIORESLIST">;

function refuse(why: string): void {
  currentMachine().trace?.event("wdf.api-error", null, `${why} (FxVerifierDbgBreakPoint)`);
}

function copyOf(d: IO_RESOURCE_DESCRIPTOR): IO_RESOURCE_DESCRIPTOR {
  return { ...d };
}

/** Two IO_RESOURCE_DESCRIPTORs with the same bytes (RtlCompareMemory of the whole structure; an absent member is 0). */
export function FxIoDescriptorsEqual(a: IO_RESOURCE_DESCRIPTOR, b: IO_RESOURCE_DESCRIPTOR): boolean {
  return a.Option === b.Option && a.Type === b.Type && a.ShareDisposition === b.ShareDisposition && a.Flags === b.Flags
    && (a.Length ?? 0) === (b.Length ?? 0) && (a.Alignment ?? 0) === (b.Alignment ?? 0) && (a.MinimumAddress ?? 0) === (b.MinimumAddress ?? 0)
    && (a.MaximumAddress ?? 0) === (b.MaximumAddress ?? 0) && (a.MinimumVector ?? 0) === (b.MinimumVector ?? 0) && (a.MaximumVector ?? 0) === (b.MaximumVector ?? 0);
}

/**
 * `FxIoResList` (fxresourcecollection.cpp): the descriptors of one IO_RESOURCE_LIST, children of
 * the requirements list that owns it (`m_OwningList`), with its access. Any change marks the
 * owner changed, so the filter writes a new WDM list only when something was changed.
 */
export class FxIoResList extends FxObject {
  readonly descriptors: IO_RESOURCE_DESCRIPTOR[] = [];
  Version = 1;
  Revision = 1;

  constructor(readonly owner: FxIoResReqList) {
    super(FX_TYPE_IO_RES_LIST);
  }

  /** `FxIoResourceListInsertDescriptor`: refused (a verifier break) when the owner takes no adds; past the end is STATUS_ARRAY_BOUNDS_EXCEEDED. */
  insertAt(Index: number, Descriptor: IO_RESOURCE_DESCRIPTOR): NTSTATUS {
    if ((this.owner.accessFlags & FxResourceAddAllowed) === 0) {
      refuse(`Adds not allowed on WDFIORESLIST 0x${this.handle.toString(16)}`);
      return STATUS_ACCESS_DENIED;
    }
    const n = this.descriptors.length;
    if (Index === WDF_INSERT_AT_END || Index === n) this.descriptors.push(copyOf(Descriptor));
    else if (Index < n) this.descriptors.splice(Index, 0, copyOf(Descriptor));
    else return STATUS_ARRAY_BOUNDS_EXCEEDED;
    this.owner.changed = true;
    return STATUS_SUCCESS;
  }

  /** `WdfIoResourceListGetDescriptor`: a copy (`m_DescriptorClone`) of the descriptor at Index, null past the end. */
  getDescriptor(Index: number): IO_RESOURCE_DESCRIPTOR | null {
    const d = this.descriptors[Index];
    return d === undefined ? null : copyOf(d);
  }

  /** `WdfIoResourceListUpdateDescriptor`: the descriptor at Index replaced in place (no access check in WDF); none there is a verifier break. */
  update(Index: number, Descriptor: IO_RESOURCE_DESCRIPTOR): void {
    if (Index >= this.descriptors.length) {
      return refuse(`WDFIORESLIST 0x${this.handle.toString(16)}, cannot update item at index ${Index}, item not found, list item count is ${this.descriptors.length}`);
    }
    this.descriptors[Index] = copyOf(Descriptor);
    this.owner.changed = true;
  }

  /** `WdfIoResourceListRemove` (`RemoveAndDelete`): no remove access, or nothing at Index, is a verifier break. */
  removeAt(Index: number): void {
    if ((this.owner.accessFlags & FxResourceRemoveAllowed) === 0) return refuse(`Removes not allowed on WDFIORESLIST 0x${this.handle.toString(16)}, remove at index ${Index} failed`);
    if (Index >= this.descriptors.length) {
      return refuse(`WDFIORESLIST 0x${this.handle.toString(16)}, could not remove item at index ${Index} (not found), list item count is ${this.descriptors.length}`);
    }
    this.descriptors.splice(Index, 1);
    this.owner.changed = true;
  }

  /** `WdfIoResourceListRemoveByDescriptor`: the first equal descriptor goes; none equal is no error. */
  removeByDescriptor(Descriptor: IO_RESOURCE_DESCRIPTOR): void {
    if ((this.owner.accessFlags & FxResourceRemoveAllowed) === 0) return refuse(`Removes not allowed on WDFIORESLIST 0x${this.handle.toString(16)}`);
    const i = this.descriptors.findIndex((d) => FxIoDescriptorsEqual(d, Descriptor));
    if (i < 0) return;
    this.descriptors.splice(i, 1);
    this.owner.changed = true;
  }
}

/**
 * `FxIoResReqList` (fxresourcecollection.cpp): a WDFIORESREQLIST, the alternative lists of an
 * IO_RESOURCE_REQUIREMENTS_LIST as WDFIORESLIST children, with its interface type and slot. WDF
 * makes one only for EvtDeviceResourceRequirementsQuery and the two FDO filters, with all access,
 * and deletes it when the callback returns; the access flags are kept for the rule all the same.
 */
export class FxIoResReqList extends FxObject {
  readonly lists: FxIoResList[] = [];
  InterfaceType = Internal;
  SlotNumber = 0;
  changed = false;

  constructor(public accessFlags: number) {
    super(FX_TYPE_IO_RES_REQ_LIST);
  }

  /** `_CreateFromWdmList`: the list at `Address` (0: an empty one), committed under `Parent`. */
  static fromWdm(Parent: FxObject, Address: number, AccessFlags: number): FxIoResReqList {
    const req = new FxIoResReqList(AccessFlags);
    FxObjectCommit(req, null, Parent);
    if (Address === 0) return req;
    const wdm = ReadResourceRequirementsList(Address);
    req.InterfaceType = wdm.InterfaceType;
    req.SlotNumber = wdm.SlotNumber;
    for (const l of wdm.List) {
      const list = new FxIoResList(req);
      FxObjectCommit(list, null, req);
      list.Version = l.Version;
      list.Revision = l.Revision;
      for (const d of l.Descriptors) list.descriptors.push(d);
      req.lists.push(list);
    }
    return req;
  }

  /** `CreateWdmList`: a new IO_RESOURCE_REQUIREMENTS_LIST in paged pool; 0 for an empty list (or no pool). */
  toWdm(BusNumber: number): number {
    if (this.lists.length === 0) return 0;
    return IoBuildResourceRequirementsList({
      ListSize: 0, InterfaceType: this.InterfaceType, BusNumber, SlotNumber: this.SlotNumber, AlternativeLists: this.lists.length,
      List: this.lists.map((l) => ({ Version: l.Version, Revision: l.Revision, Count: l.descriptors.length, Descriptors: l.descriptors })),
    });
  }

  setSlotNumber(SlotNumber: number): void {
    if (this.SlotNumber !== SlotNumber) this.changed = true;
    this.SlotNumber = SlotNumber;
  }

  setInterfaceType(InterfaceType: number): void {
    if (this.InterfaceType !== InterfaceType) this.changed = true;
    this.InterfaceType = InterfaceType;
  }

  /** `WdfIoResourceListCreate`: an empty WDFIORESLIST of this list (not yet in it); attributes may not name a parent. */
  createList(Attributes: PWDF_OBJECT_ATTRIBUTES): FxIoResList | NTSTATUS {
    const status = FxValidateObjectAttributes(Attributes, FX_VALIDATE_OPTION_PARENT_NOT_ALLOWED);
    if (status !== STATUS_SUCCESS) return status;
    const list = new FxIoResList(this);
    const committed = FxObjectCommit(list, Attributes, this);
    return committed === STATUS_SUCCESS ? list : committed;
  }

  /** `FxIoResourceRequirementsListInsertIoResList`: only a list created for this one; no add access is STATUS_ACCESS_DENIED, past the end STATUS_ARRAY_BOUNDS_EXCEEDED. */
  insertAt(Index: number, List: FxIoResList): NTSTATUS {
    if (List.owner !== this) return STATUS_INVALID_DEVICE_REQUEST;
    if ((this.accessFlags & FxResourceAddAllowed) === 0) {
      refuse(`Adds not allowed on WDFIORESREQLIST 0x${this.handle.toString(16)}, add at index ${Index} failed`);
      return STATUS_ACCESS_DENIED;
    }
    const n = this.lists.length;
    if (Index === WDF_INSERT_AT_END || Index === n) this.lists.push(List);
    else if (Index < n) this.lists.splice(Index, 0, List);
    else return STATUS_ARRAY_BOUNDS_EXCEEDED;
    this.changed = true;
    return STATUS_SUCCESS;
  }

  getList(Index: number): FxIoResList | null {
    return this.lists[Index] ?? null;
  }

  /** `WdfIoResourceRequirementsListRemove` (`RemoveAndDelete`): the list at Index is removed and deleted; no access or none there is a verifier break. */
  removeAt(Index: number): void {
    if ((this.accessFlags & FxResourceRemoveAllowed) === 0) return refuse(`Removes not allowed on WDFIORESREQLIST 0x${this.handle.toString(16)}, remove at index ${Index} failed`);
    const list = this.lists[Index];
    if (list === undefined) {
      return refuse(`WDFIORESREQLIST 0x${this.handle.toString(16)}, could not remove list at index ${Index} (not found), list item count is ${this.lists.length}`);
    }
    this.lists.splice(Index, 1);
    this.changed = true;
    list.deleteObject();
  }

  /** `WdfIoResourceRequirementsListRemoveByIoResList`: that list removed and deleted; one not in the list is no error. */
  removeList(List: FxIoResList): void {
    if ((this.accessFlags & FxResourceRemoveAllowed) === 0) return refuse(`WDFIORESREQLIST 0x${this.handle.toString(16)}: Removes not allowed`);
    const i = this.lists.indexOf(List);
    if (i < 0) return;
    this.lists.splice(i, 1);
    this.changed = true;
    List.deleteObject();
  }
}
