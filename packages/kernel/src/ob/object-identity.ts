import { cur } from "../context.js";
import { KeBugCheckEx } from "../ke/bugcheck.js";
import { PAGE_FAULT_IN_NONPAGED_AREA } from "../ke/bugcheck-codes.js";
import { DEVICE_OBJECT } from "../io/device.js";
import { DRIVER_OBJECT } from "../io/driver.js";
import { FILE_OBJECT } from "../io/file.js";
import { IRP } from "../io/irp.js";
import { ReadPointer, WritePointer } from "../mm/access.js";
import { formatAddress } from "../mm/layout.js";
import { MDL } from "../mm/mdl.js";

/*
 * Object identity for drivers: where C passes a pointer, a TypeScript driver passes the
 * object, or, where only a number fits (`IoStatus.Information`, a pointer field in
 * emulated memory), the object's address. These names are ours, not the WDK's.
 */

/** A class of kernel objects (`DEVICE_OBJECT`, `KEVENT`...), as ObReferenceObjectByHandle takes one. */
export type ObjectClass<T> = abstract new (...args: any[]) => T;

/**
 * The kernel address of `Object` in the executing machine (0 for null). Driver,
 * device and file objects and IRPs have one from their creation: the pointer, which
 * like a C pointer still reads the same after the object is freed. Anything else (an
 * MDL, a KEVENT or other dispatcher object, a KDPC, a driver's own context) is given
 * one the first time it is asked for, in this machine; it goes back when the object's
 * last Ob reference goes, when an MDL is freed (IoFreeMdl), or when the driver that
 * asked unloads.
 */
export function AddressOfObject(Object: object | null): number {
  if (Object === null || typeof Object !== "object") return 0;
  if (Object instanceof IRP || Object instanceof DEVICE_OBJECT || Object instanceof FILE_OBJECT || Object instanceof DRIVER_OBJECT) return Object.address;
  const m = cur;
  const address = m.ob.addresses.giveOnRequest(Object, m.cpu.driver);
  // IoFreeMdl gives the address back; the field tells it there is one, with one test.
  if (Object instanceof MDL) Object.address = address;
  return address;
}

/**
 * The object at `Address` in the executing machine, or null: for an address nothing
 * lives at (never given, freed, another machine's, not a number), or, given
 * `ObjectType`, an object of another type. A query like the debugger's `!object`: it
 * never bug-checks. (An IRP waiting in the I/O manager's lookaside list still resolves,
 * with Type 0: its memory is still an IRP's.)
 */
export function ObjectAtAddress(Address: number): object | null;
export function ObjectAtAddress<T>(Address: number, ObjectType: ObjectClass<T>): T | null;
export function ObjectAtAddress<T>(Address: number, ObjectType?: ObjectClass<T>): T | object | null {
  const o = cur.ob.addresses.lookup(Address);
  if (o === null || (ObjectType !== undefined && !(o instanceof ObjectType))) return null;
  return o;
}

/**
 * Reads the pointer at `Address` in emulated memory and follows it to the object of
 * `ObjectType` there (null for a NULL pointer): what C does with
 * `Relations->Objects[i]->Flags`. A pointer to no live object of that type is what
 * dereferencing it is in C, PAGE_FAULT_IN_NONPAGED_AREA (0x50); here the fault comes
 * when the pointer becomes an object, since a TypeScript driver cannot hold a bad one.
 */
export function ReadObjectPointer<T>(Address: number, ObjectType: ObjectClass<T>): T | null {
  const p = ReadPointer(Address);
  if (p === 0) return null;
  const o = cur.ob.addresses.lookup(p);
  if (o instanceof ObjectType) return o;
  return badObjectPointer(Address, p, o, ObjectType);
}

/** Writes `Object`'s address (0 for null) at `Address` as a 64-bit pointer. */
export function WriteObjectPointer(Address: number, Object: object | null): void {
  WritePointer(Address, AddressOfObject(Object));
}

function badObjectPointer(Address: number, p: number, o: object | null, ObjectType: ObjectClass<unknown>): never {
  const there = o === null ? "nothing lives there (freed, never allocated, or another machine's)" : `it is a ${o.constructor.name}`;
  return KeBugCheckEx(PAGE_FAULT_IN_NONPAGED_AREA, p, 0, 0, 0,
    `The pointer at ${formatAddress(Address)} was followed as a ${ObjectType.name} to ${formatAddress(p)}, but ${there}.`);
}
