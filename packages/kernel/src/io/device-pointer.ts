import { cur } from "../context.js";
import type { Box } from "../box.js";
import { KeBugCheckEx } from "../ke/bugcheck.js";
import { DRIVER_VERIFIER_DETECTED_VIOLATION, DRIVER_VERIFIER_IOMANAGER_VIOLATION, VF_RULE_IRQL_IO_PASSIVE5 } from "../ke/bugcheck-codes.js";
import { Executive, KernelMode, KeWaitForSingleObject, KiCheckWait, type KWAIT, type KWAIT_BLOCK } from "../ke/dispatcher.js";
import { IrqlName, PASSIVE_LEVEL } from "../ke/irql.js";
import { KWAIT_CALL } from "../ke/wait-call.js";
import { NT_SUCCESS, NtStatusName, STATUS_PENDING, type NTSTATUS } from "../ntstatus.js";
import { ObDereferenceObject, ObReferenceObject } from "../ob/object.js";
import { FILE_NON_DIRECTORY_FILE, FILE_OPEN, IRP_CREATE_OPERATION, IRP_DEFER_IO_COMPLETION, IRP_MJ_CREATE, IRP_SYNCHRONOUS_API } from "./constants.js";
import { DEVICE_OBJECT, IoGetAttachedDevice, IoGetRelatedDeviceObject } from "./device.js";
import { FILE_OBJECT, IopReferenceFileObject } from "./file.js";
import { IoCallDriver } from "./complete.js";
import { IopCompleteRequest } from "./io-completion.js";
import { IO_STATUS_BLOCK, IoAllocateIrp, IoGetNextIrpStackLocation, IRP_KIND_USER } from "./irp.js";
import { IopCloseHandle, IopParseDevice } from "./nt-file.js";

/**
 * What IoGetDeviceObjectPointer does, as Windows does it: ZwOpenFile of the name from
 * kernel mode (a file object, IRP_MJ_CREATE to the top of the device's stack, waited for
 * if the driver pends it), ObReferenceObjectByHandle, then ZwClose of the handle, which
 * sends IRP_MJ_CLEANUP at once. The caller keeps the file object's reference; its
 * ObDereferenceObject sends IRP_MJ_CLOSE.
 */
function* IopGetDeviceObjectPointer(
  ObjectName: string,
  DesiredAccess: number,
  FileObject: Box<FILE_OBJECT | null>,
  DeviceObject: Box<DEVICE_OBJECT | null>,
): Generator<KWAIT_BLOCK, NTSTATUS, NTSTATUS> {
  const m = cur;
  FileObject.value = null;
  DeviceObject.value = null;
  const fo = IopParseDevice(ObjectName, DesiredAccess);
  if (typeof fo === "number") return fo;
  const dev = fo.DeviceObject;
  const access = fo.GrantedAccess;
  const top = IoGetAttachedDevice(dev);
  const thread = m.cpu.thread!;
  const iosb = new IO_STATUS_BLOCK();
  const irp = IoAllocateIrp(top.StackSize, false)!;
  irp.kind = IRP_KIND_USER;
  irp.RequestorMode = KernelMode;
  irp.Tail.Overlay.Thread = thread;
  irp.Tail.Overlay.OriginalFileObject = fo;
  IopReferenceFileObject(fo);
  irp.UserIosb = iosb;
  irp.Flags = IRP_DEFER_IO_COMPLETION | IRP_CREATE_OPERATION | IRP_SYNCHRONOUS_API;
  const sl = IoGetNextIrpStackLocation(irp);
  sl.MajorFunction = IRP_MJ_CREATE;
  sl.FileObject = fo;
  sl.Parameters.Create.SecurityContext = { DesiredAccess: access };
  sl.Parameters.Create.Options = (FILE_OPEN << 24) | FILE_NON_DIRECTORY_FILE;
  sl.Parameters.Create.ShareAccess = 0;
  dev.openCount++;
  thread.IrpList.add(irp);
  iosb.Status = STATUS_PENDING;
  fo.Event.SignalState = 0;
  let status = IoCallDriver(top, irp);
  if (status !== STATUS_PENDING && irp.completed && !irp.PendingReturned) {
    // Completed inside the call: the I/O manager finishes it here (IRP_DEFER_IO_COMPLETION).
    status = irp.IoStatus.Status;
    IopCompleteRequest(irp);
  } else {
    if (status !== STATUS_PENDING && !irp.completed && m.checked) {
      KeBugCheckEx(DRIVER_VERIFIER_IOMANAGER_VIOLATION, 0x226, 0, irp.address, top.address, `A dispatch routine returned ${NtStatusName(status)} without completing the IRP, passing it down, or returning STATUS_PENDING.`);
    }
    // The create is synchronous: the I/O manager waits on the file object's event, which
    // the completion's special kernel APC sets in this thread.
    if (iosb.Status === STATUS_PENDING) yield* KeWaitForSingleObject(fo.Event, Executive, KernelMode, false, null);
    status = iosb.Status;
  }
  if (!NT_SUCCESS(status)) {
    // A failed create leaves nothing behind: no cleanup or close is sent.
    dev.openCount--;
    fo.closed = true;
    ObDereferenceObject(fo); // frees the file object (and its address); being closed, it sends no IRP_MJ_CLOSE
    return status;
  }
  // The file object holds the device object until it is closed.
  ObReferenceObject(dev);
  // ZwOpenFile's kernel handle, referenced by ObReferenceObjectByHandle, then closed.
  fo.ObHeader!.HandleCount = 1;
  const handles = m.systemProcess.handles;
  const h = handles.insert(fo, access);
  ObReferenceObject(fo);
  DeviceObject.value = IoGetRelatedDeviceObject(fo);
  FileObject.value = fo;
  IopCloseHandle(handles, h, false);
  return status;
}

/**
 * `IoGetDeviceObjectPointer(ObjectName, DesiredAccess, FileObject, DeviceObject)`: opens
 * the named device from kernel mode and returns the top device of its stack and a
 * referenced file object (ObDereferenceObject it when done: that sends IRP_MJ_CLOSE). The
 * driver sees IRP_MJ_CREATE, then IRP_MJ_CLEANUP at once (the open's handle is closed
 * before this returns). A waiting DDI, at PASSIVE_LEVEL, since the create may pend:
 * `const status = yield* IoGetDeviceObjectPointer(name, FILE_READ_DATA, fo, dev)`.
 */
export function IoGetDeviceObjectPointer(
  ObjectName: string,
  DesiredAccess: number,
  FileObject: Box<FILE_OBJECT | null>,
  DeviceObject: Box<DEVICE_OBJECT | null>,
): KWAIT<NTSTATUS> {
  const m = cur;
  const irql = m.cpu.Irql;
  if (m.checked && irql !== PASSIVE_LEVEL) {
    KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, VF_RULE_IRQL_IO_PASSIVE5, irql, 0, 0, `IoGetDeviceObjectPointer was called at ${IrqlName(irql)}; it is callable at PASSIVE_LEVEL only (rule IrqlIoPassive5).`);
  }
  KiCheckWait("IoGetDeviceObjectPointer", null);
  return new KWAIT_CALL("IoGetDeviceObjectPointer", IopGetDeviceObjectPointer(ObjectName, DesiredAccess, FileObject, DeviceObject));
}
