import type { FxFileObject } from "./fx-file-object.js";

/**
 * `FxFileObject::GetInitiatorProcessId` (fxfileobjectkm.cpp): `IoGetInitiatorProcess` of the WDM
 * file object, which names a process only when a file was created on behalf of another process;
 * the wdfjs I/O manager creates every file object for the process that opens it, so the answer
 * is 0, as Windows gives for an ordinary CreateFile. A WDFFILEOBJECT without a WDM file object is
 * traced (WDF breaks into the debugger) and is 0 too.
 */
export function FxFileObjectGetInitiatorProcessId(fileObject: FxFileObject): number {
  if (fileObject.FileObject === null) {
    fileObject.table.machine.trace?.event("wdf.file-object", null,
      `WdfFileObjectGetInitiatorProcessId(0x${fileObject.handle.toString(16)}): no WDM file object to get the initiator process from`);
  }
  return 0;
}
