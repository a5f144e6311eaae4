/*
 * The shapes a dynamic child list works with (wdfchildlist.h). A description is a driver object
 * whose class extends a header; where C passes `&description.Header` a driver passes the object
 * itself, and C's CONTAINING_RECORD is a type assertion. The framework keeps its own copies:
 * a new object of the same class, filled by the driver's Duplicate callback (or copied member by
 * member, as RtlCopyMemory would).
 */

/** `WDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER`: what identifies one child on the bus. */
export class WDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER {
  IdentificationDescriptionSize = 0;
}
export type PWDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER = WDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER;

/** `WDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER_INIT`: zeroes the description's members and records its size. */
export function WDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER_INIT(Header: WDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER, IdentificationDescriptionSize: number): void {
  FxZeroDescription(Header);
  Header.IdentificationDescriptionSize = IdentificationDescriptionSize;
}

/** `WDF_CHILD_ADDRESS_DESCRIPTION_HEADER`: where a child is on the bus (may change while it stays the same child). */
export class WDF_CHILD_ADDRESS_DESCRIPTION_HEADER {
  AddressDescriptionSize = 0;
}
export type PWDF_CHILD_ADDRESS_DESCRIPTION_HEADER = WDF_CHILD_ADDRESS_DESCRIPTION_HEADER;

/** `WDF_CHILD_ADDRESS_DESCRIPTION_HEADER_INIT`. */
export function WDF_CHILD_ADDRESS_DESCRIPTION_HEADER_INIT(Header: WDF_CHILD_ADDRESS_DESCRIPTION_HEADER, AddressDescriptionSize: number): void {
  FxZeroDescription(Header);
  Header.AddressDescriptionSize = AddressDescriptionSize;
}

/** RtlZeroMemory over a description: numbers 0, booleans FALSE, everything else NULL. */
function FxZeroDescription(d: object): void {
  const r = d as Record<string, unknown>;
  for (const k of Object.keys(r)) {
    const v = r[k];
    r[k] = typeof v === "number" ? 0 : typeof v === "boolean" ? false : typeof v === "bigint" ? 0n : null;
  }
}

/** RtlCopyMemory of a description into another of the same class. */
export function FxCopyDescription(dst: object, src: object): void {
  Object.assign(dst, src);
}

/** A new description of the source's class, not yet filled. */
export function FxAllocateDescription<T extends object>(like: T): T {
  return Object.create(Object.getPrototypeOf(like) as object) as T;
}

/** RtlCompareMemory == size: every member equal. */
export function FxDescriptionsEqual(a: object, b: object): boolean {
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const ka = Object.keys(ra);
  if (ka.length !== Object.keys(rb).length) return false;
  for (const k of ka) if (ra[k] !== rb[k]) return false;
  return true;
}

/** `WDF_CHILD_LIST_RETRIEVE_DEVICE_STATUS`. */
export const WdfChildListRetrieveDeviceUndefined = 0;
export const WdfChildListRetrieveDeviceSuccess = 1;
export const WdfChildListRetrieveDeviceNotYetCreated = 2;
export const WdfChildListRetrieveDeviceNoSuchDevice = 3;
export type WDF_CHILD_LIST_RETRIEVE_DEVICE_STATUS = 0 | 1 | 2 | 3;

type Id = WDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER;
type Addr = WDF_CHILD_ADDRESS_DESCRIPTION_HEADER;

/**
 * The driver's child-list callbacks as the core calls them (`FxChildList` m_Evt*), each with the
 * list's handle first. Style faces fill it from their config structure.
 */
export interface FxChildListCallbacks {
  readonly IdentificationDescriptionSize: number;
  readonly AddressDescriptionSize: number;
  readonly CreateDevice: (ChildList: any, Id: Id, ChildInit: any) => unknown;
  readonly ScanForChildren?: ((ChildList: any) => unknown) | null;
  readonly IdentificationDescriptionCopy?: ((ChildList: any, Source: Id, Destination: Id) => void) | null;
  readonly IdentificationDescriptionDuplicate?: ((ChildList: any, Source: Id, Destination: Id) => number) | null;
  readonly IdentificationDescriptionCleanup?: ((ChildList: any, Id: Id) => void) | null;
  readonly IdentificationDescriptionCompare?: ((ChildList: any, First: Id, Second: Id) => boolean) | null;
  readonly AddressDescriptionCopy?: ((ChildList: any, Source: Addr, Destination: Addr) => void) | null;
  readonly AddressDescriptionDuplicate?: ((ChildList: any, Source: Addr, Destination: Addr) => number) | null;
  readonly AddressDescriptionCleanup?: ((ChildList: any, Addr: Addr) => void) | null;
  readonly DeviceReenumerated?: ((ChildList: any, OldDevice: any, OldAddress: Addr | null, NewAddress: Addr | null) => boolean) | null;
}
