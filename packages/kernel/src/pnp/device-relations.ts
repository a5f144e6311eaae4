import { DEVICE_OBJECT } from "../io/device.js";
import { ReadUlong, WriteUlong } from "../mm/access.js";
import { ReadObjectPointer, WriteObjectPointer } from "../ob/object-identity.js";

/*
 * DEVICE_RELATIONS (wdm.h) lives in emulated memory with its documented x64 layout, as
 * the PnP manager and bus drivers exchange it: the driver allocates it from paged pool
 * and returns its address in Irp->IoStatus.Information; the receiver reads it and frees
 * it with ExFreePool.
 *
 *   typedef struct _DEVICE_RELATIONS {
 *     ULONG Count;                 // offset 0 (4 bytes of padding follow)
 *     PDEVICE_OBJECT Objects[1];   // offset 8, 8 bytes each
 *   } DEVICE_RELATIONS;
 */

/** IRP_MJ_PNP's minor function whose result is a DEVICE_RELATIONS. */
export const IRP_MN_QUERY_DEVICE_RELATIONS = 0x07;

/** DEVICE_RELATION_TYPE: which relations IRP_MN_QUERY_DEVICE_RELATIONS asks for. */
export const BusRelations = 0;
export const EjectionRelations = 1;
export const PowerRelations = 2;
export const RemovalRelations = 3;
export const TargetDeviceRelation = 4;
export const SingleBusRelations = 5;
export const TransportRelations = 6;
export type DEVICE_RELATION_TYPE = number;

/** FIELD_OFFSET(DEVICE_RELATIONS, Count). */
export const DEVICE_RELATIONS_COUNT_OFFSET = 0;
/** FIELD_OFFSET(DEVICE_RELATIONS, Objects): the ULONG Count is padded to the pointers' 8-byte alignment. */
export const DEVICE_RELATIONS_OBJECTS_OFFSET = 8;

/**
 * The bytes a DEVICE_RELATIONS of `Count` objects takes: what C writes as
 * `FIELD_OFFSET(DEVICE_RELATIONS, Objects) + Count * sizeof(PDEVICE_OBJECT)`.
 */
export function DEVICE_RELATIONS_SIZE(Count: number): number {
  return DEVICE_RELATIONS_OBJECTS_OFFSET + Count * 8;
}

/** `Relations->Count`. */
export function ReadDeviceRelationsCount(Relations: number): number {
  return ReadUlong(Relations + DEVICE_RELATIONS_COUNT_OFFSET);
}

/** `Relations->Count = Count`. */
export function WriteDeviceRelationsCount(Relations: number, Count: number): void {
  WriteUlong(Relations + DEVICE_RELATIONS_COUNT_OFFSET, Count);
}

/**
 * `Relations->Objects[Index]`, followed to the device object (null for a NULL entry).
 * As in C nothing checks Index against Count; a pointer that is not a live device
 * object is PAGE_FAULT_IN_NONPAGED_AREA (0x50).
 */
export function ReadDeviceRelationsObject(Relations: number, Index: number): DEVICE_OBJECT | null {
  return ReadObjectPointer(Relations + DEVICE_RELATIONS_OBJECTS_OFFSET + Index * 8, DEVICE_OBJECT);
}

/**
 * `Relations->Objects[Index] = DeviceObject`. The sender takes a reference on each
 * device object it reports (ObReferenceObject), which the receiver drops, as in Windows.
 */
export function WriteDeviceRelationsObject(Relations: number, Index: number, DeviceObject: DEVICE_OBJECT | null): void {
  WriteObjectPointer(Relations + DEVICE_RELATIONS_OBJECTS_OFFSET + Index * 8, DeviceObject);
}
