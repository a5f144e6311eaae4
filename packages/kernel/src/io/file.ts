import { KEVENT } from "../ke/dispatcher.js";
import { ObDereferenceObject, type OBJECT_HEADER } from "../ob/object.js";
import { ObpInsertObjectAddress } from "../ob/object-address.js";
import type { NTSTATUS } from "../ntstatus.js";
import type { DEVICE_OBJECT } from "./device.js";
import type { IoCompletionObject } from "./completion-port.js";

/** FILE_OBJECT: one open of a device. Drivers keep per-open state in FsContext / FsContext2. */
export class FILE_OBJECT {
  ObHeader: OBJECT_HEADER | null = null;
  readonly Type = 5;
  /** The device the name resolved to (the I/O goes to the top of its stack). */
  DeviceObject: DEVICE_OBJECT;
  FsContext: any = null;
  FsContext2: any = null;
  Flags = 0;
  /** What followed the device name in the open path (`\Device\Nonpnp\file.log` → `\file.log`). */
  FileName: string;
  CurrentByteOffset = 0;
  readonly Event = new KEVENT();
  /**
   * The file object lock of a synchronous file object (FO_SYNCHRONOUS_IO): one request at
   * a time, as Windows serializes them; others wait on `Lock` (a synchronization event).
   */
  Busy = false;
  Waiters = 0;
  readonly Lock = new KEVENT();
  FinalStatus: NTSTATUS = 0;
  /** Set by CreateIoCompletionPort: where completions of overlapped I/O go. */
  CompletionContext: { Port: IoCompletionObject; Key: number } | null = null;
  ReadAccess = false;
  WriteAccess = false;
  DeleteAccess = false;
  SharedRead = false;
  SharedWrite = false;
  SharedDelete = false;
  /** Access granted at open (the handle's granted access). */
  GrantedAccess = 0;
  cleanupDone = false;
  closed = false;
  /** Its kernel address, from the open until the last reference goes (ObjectAtAddress resolves it). */
  readonly address: number;
  constructor(DeviceObject: DEVICE_OBJECT, FileName: string) {
    this.Lock.autoReset = true;
    this.Lock.Type = 1; // EventSynchronizationObject
    this.DeviceObject = DeviceObject;
    this.FileName = FileName;
    this.address = ObpInsertObjectAddress(this);
  }
}
export type PFILE_OBJECT = FILE_OBJECT;

/*
 * ObReferenceObject / ObDereferenceObject for a file object, on the I/O path: the same
 * counts, but a property access V8 sees on one class only (the generic forms see every
 * object type and go megamorphic).
 */
export function IopReferenceFileObject(fo: FILE_OBJECT): void {
  fo.ObHeader!.PointerCount++;
}

export function IopDereferenceFileObject(fo: FILE_OBJECT): void {
  const h = fo.ObHeader!;
  if (h.PointerCount > 1) h.PointerCount--;
  else ObDereferenceObject(fo);
}
