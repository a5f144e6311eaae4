import { currentMachine, ReadCmResourceList, STATUS_ACCESS_DENIED, STATUS_SUCCESS, type CM_PARTIAL_RESOURCE_DESCRIPTOR, type NTSTATUS } from "@wdfjs/kernel";
import { STATUS_ARRAY_BOUNDS_EXCEEDED } from "../wdfstatus.js";
import { FxObject } from "../object/fx-object.js";
import { FX_TYPE_CM_RES_LIST } from "../object/types.js";
import { FxObjectCommit } from "../object/object-api.js";
import type { FxPkgPnp } from "../pnp/fx-pkg-pnp.js";

/** `FxResourceAccessFlags` (fxresource.hpp): what a driver may do to a resource list. */
export const FxResourceNoAccess = 0x0000;
export const FxResourceAddAllowed = 0x0001;
export const FxResourceRemoveAllowed = 0x0002;
export const FxResourceAllAccessAllowed = FxResourceAddAllowed | FxResourceRemoveAllowed;

/** `WDF_INSERT_AT_END` (wdfresource.h): the index that appends. */
export const WDF_INSERT_AT_END = 0xffffffff;

/**
 * `FxCmResList` (fxresourcecollection.cpp): a WDFCMRESLIST, the partial descriptors of the first
 * full descriptor of a CM_RESOURCE_LIST (WDF asserts there is one), each a copy the driver reads
 * through `WdfCmResourceListGetDescriptor`. The lists EvtDevicePrepareHardware gets are built at
 * each START with no access: adding or removing is refused (STATUS_ACCESS_DENIED, or a verifier
 * break for the VOID removals). A resource list is small and positional, so it is an array.
 */
export class FxCmResList extends FxObject {
  readonly descriptors: CM_PARTIAL_RESOURCE_DESCRIPTOR[] = [];
  accessFlags = FxResourceNoAccess;
  /** `m_Changed`: a descriptor was added or removed since the list was built. */
  changed = false;

  constructor() {
    super(FX_TYPE_CM_RES_LIST);
  }

  /** `BuildFromWdmList`: the descriptors of the list at `Address` (0: none), copied, with `AccessFlags`. */
  buildFromWdmList(Address: number, AccessFlags: number): void {
    this.descriptors.length = 0;
    this.accessFlags = AccessFlags;
    this.changed = false;
    if (Address === 0) return;
    const list = ReadCmResourceList(Address);
    for (const d of list.List[0]?.PartialResourceList.PartialDescriptors ?? []) this.descriptors.push({ ...d, u: { ...d.u } });
  }

  /** `GetDescriptor`: the descriptor at Index, or null past the end. */
  getDescriptor(Index: number): CM_PARTIAL_RESOURCE_DESCRIPTOR | null {
    return this.descriptors[Index] ?? null;
  }

  /** `FxResourceCollection::AddAt`: refused without add access; an index past the end (not WDF_INSERT_AT_END) is STATUS_ARRAY_BOUNDS_EXCEEDED. */
  addAt(Index: number, Descriptor: CM_PARTIAL_RESOURCE_DESCRIPTOR): NTSTATUS {
    if ((this.accessFlags & FxResourceAddAllowed) === 0) {
      this.refuse(`Adds not allowed on WDFCMRESLIST 0x${this.handle.toString(16)}, add at index ${Index} failed`);
      return STATUS_ACCESS_DENIED;
    }
    const copy = { ...Descriptor, u: { ...Descriptor.u } };
    if (Index === WDF_INSERT_AT_END || Index === this.descriptors.length) this.descriptors.push(copy);
    else if (Index < this.descriptors.length) this.descriptors.splice(Index, 0, copy);
    else return STATUS_ARRAY_BOUNDS_EXCEEDED;
    this.changed = true;
    return STATUS_SUCCESS;
  }

  /** `RemoveAndDelete`: false (with a verifier break) without remove access or past the end. */
  removeAt(Index: number): boolean {
    if ((this.accessFlags & FxResourceRemoveAllowed) === 0) {
      this.refuse(`Removes not allowed on WDFCMRESLIST 0x${this.handle.toString(16)}, remove at index ${Index} failed`);
      return false;
    }
    if (Index >= this.descriptors.length) {
      this.refuse(`WDFCMRESLIST 0x${this.handle.toString(16)}, could not remove list at index ${Index} (not found), list item count is ${this.descriptors.length}`);
      return false;
    }
    this.descriptors.splice(Index, 1);
    this.changed = true;
    return true;
  }

  /** `WdfCmResourceListRemoveByDescriptor`: the first descriptor equal in every field (RtlCompareMemory) is removed. */
  removeByDescriptor(Descriptor: CM_PARTIAL_RESOURCE_DESCRIPTOR): void {
    if ((this.accessFlags & FxResourceRemoveAllowed) === 0) {
      this.refuse(`Removes not allowed on WDFCMRESLIST 0x${this.handle.toString(16)}`);
      return;
    }
    const i = this.descriptors.findIndex((d) => d === Descriptor || FxCmDescriptorsEqual(d, Descriptor));
    if (i >= 0) this.removeAt(i);
  }

  private refuse(why: string): void {
    currentMachine().trace?.event("wdf.api-error", null, `${why} (FxVerifierDbgBreakPoint)`);
  }
}

/** Two partial descriptors with the same bytes (type, share, flags and the union's members). */
export function FxCmDescriptorsEqual(a: CM_PARTIAL_RESOURCE_DESCRIPTOR, b: CM_PARTIAL_RESOURCE_DESCRIPTOR): boolean {
  if (a.Type !== b.Type || a.ShareDisposition !== b.ShareDisposition || a.Flags !== b.Flags) return false;
  const u = a.u;
  const v = b.u;
  return u.Start === v.Start && u.Length === v.Length && u.Level === v.Level && u.Vector === v.Vector && u.Affinity === v.Affinity;
}

/**
 * `FxPkgPnp::PnpPrepareHardware`'s lists: the package's raw or translated WDFCMRESLIST (made at the
 * first START, parented to the device, which deletes it) rebuilt from the START IRP's list, no access.
 */
export function FxBuildCmResList(pkg: FxPkgPnp, Translated: boolean, Address: number): FxCmResList {
  let list = Translated ? pkg.cmResources : pkg.cmResourcesRaw;
  if (list === null) {
    list = new FxCmResList();
    FxObjectCommit(list, null, pkg.device);
    list.noDeleteDDI = true;
    if (Translated) pkg.cmResources = list;
    else pkg.cmResourcesRaw = list;
  }
  list.buildFromWdmList(Address, FxResourceNoAccess);
  return list;
}
