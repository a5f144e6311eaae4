/**
 * stackfunction.sys: the function driver, attached on the lower device in AddDevice.
 * - IOCTL_STACK_COPY, IOCTL_STACK_ECHO and IOCTL_STACK_STAMP: answered here, synchronously.
 * - IOCTL_STACK_PEND: forwarded to the lower driver with its stack location copied and
 *   a completion routine that propagates pending (`if (Irp->PendingReturned)
 *   IoMarkIrpPending(Irp)`).
 * - IOCTL_STACK_OWN_IRP: answered with an IRP of its own (IoAllocateIrp) sent to the
 *   lower driver; its completion routine copies the answer, frees that IRP, completes
 *   the original and returns STATUS_MORE_PROCESSING_REQUIRED so the I/O manager does not
 *   touch the freed IRP.
 * - create, close, cleanup: passed down untouched (IoSkipCurrentIrpStackLocation).
 */
import {
  DO_BUFFERED_IO, DO_DEVICE_INITIALIZING, ExAllocatePool2, ExFreePoolWithTag, FILE_DEVICE_UNKNOWN, IO_NO_INCREMENT,
  IoAllocateIrp, IoAttachDeviceToDeviceStack, IoCallDriver, IoCompleteRequest, IoCopyCurrentIrpStackLocationToNext,
  IoCreateDevice, IoDeleteDevice, IoDetachDevice, IoFreeIrp, IoGetCurrentIrpStackLocation, IoGetNextIrpStackLocation,
  IoMarkIrpPending, IoSetCompletionRoutine, IoSkipCurrentIrpStackLocation, IRP_MJ_CLEANUP, IRP_MJ_CLOSE, IRP_MJ_CREATE,
  IRP_MJ_DEVICE_CONTROL, IRP_MJ_INTERNAL_DEVICE_CONTROL, NT_SUCCESS, Out, POOL_FLAG_NON_PAGED, POOL_TAG, ReadBytes, ReadUlong,
  STATUS_BUFFER_TOO_SMALL, STATUS_INSUFFICIENT_RESOURCES, STATUS_INVALID_DEVICE_REQUEST, STATUS_MORE_PROCESSING_REQUIRED,
  STATUS_NO_SUCH_DEVICE, STATUS_PENDING, STATUS_SUCCESS, WriteBytes, WriteUlong, type DEVICE_OBJECT, type DRIVER_OBJECT,
  type IRP, type NTSTATUS,
} from "@wdfjs/kernel";
import { IOCTL_STACK_COPY, IOCTL_STACK_ECHO, IOCTL_STACK_LOWER_QUERY, IOCTL_STACK_OWN_IRP, IOCTL_STACK_PEND, IOCTL_STACK_STAMP, StackIoctlName } from "./ioctl.js";
import { logOf, type StackLog } from "./log.js";

/** wdm.h: what a completion routine returns to let completion go on. */
export const STATUS_CONTINUE_COMPLETION = STATUS_SUCCESS;

const TAG = POOL_TAG("StkF");

export class FUNCTION_DEVICE_EXTENSION {
  /** The device IoAttachDeviceToDeviceStack returned: where this driver sends IRPs. */
  LowerDevice: DEVICE_OBJECT | null = null;
  Log: StackLog | null = null;
  /** Requests answered with an IRP of our own, and those IRPs freed again. */
  OwnIrpsAllocated = 0;
  OwnIrpsFreed = 0;
}

/** What the completion routine of our own IRP needs: the request it answers and the buffer it lent. */
interface OwnIrpContext {
  readonly Device: DEVICE_OBJECT;
  readonly Original: IRP;
  readonly Buffer: number;
}

function majorName(major: number): string {
  return major === IRP_MJ_CREATE ? "CREATE" : major === IRP_MJ_CLOSE ? "CLOSE" : "CLEANUP";
}

function FunctionPassDown(DeviceObject: DEVICE_OBJECT, Irp: IRP): NTSTATUS {
  const e = DeviceObject.DeviceExtension as FUNCTION_DEVICE_EXTENSION;
  e.Log!.add("function", "dispatch", majorName(IoGetCurrentIrpStackLocation(Irp).MajorFunction), Irp);
  IoSkipCurrentIrpStackLocation(Irp);
  return IoCallDriver(e.LowerDevice!, Irp);
}

/** Completion of a forwarded IOCTL_STACK_PEND: the function driver's turn on the way up. */
function FunctionPendComplete(DeviceObject: DEVICE_OBJECT | null, Irp: IRP, Context: any): NTSTATUS {
  void Context;
  const e = DeviceObject!.DeviceExtension as FUNCTION_DEVICE_EXTENSION;
  // The rule every completion routine that returns STATUS_CONTINUE_COMPLETION follows.
  if (Irp.PendingReturned) IoMarkIrpPending(Irp);
  e.Log!.add("function", "completion", "PEND", Irp);
  return STATUS_CONTINUE_COMPLETION;
}

/**
 * Completion of our own IRP (called with DeviceObject null: the IRP has no stack
 * location of ours). Copy the answer to the original request, give back what we
 * allocated, complete the original, and stop the I/O manager from going on with an IRP
 * it does not own.
 */
function FunctionOwnIrpComplete(DeviceObject: DEVICE_OBJECT | null, Irp: IRP, Context: any): NTSTATUS {
  void DeviceObject;
  const c = Context as OwnIrpContext;
  const e = c.Device.DeviceExtension as FUNCTION_DEVICE_EXTENSION;
  const log = e.Log!;
  log.add("function", "completion", "LOWER_QUERY", Irp, "own IRP: STATUS_MORE_PROCESSING_REQUIRED");
  const original = c.Original;
  const status = Irp.IoStatus.Status;
  if (NT_SUCCESS(status)) {
    WriteUlong(original.AssociatedIrp.SystemBuffer, ReadUlong(c.Buffer));
    original.IoStatus.Information = 4;
  } else {
    original.IoStatus.Information = 0;
  }
  original.IoStatus.Status = status;
  ExFreePoolWithTag(c.Buffer, TAG);
  log.add("function", "free-irp", "LOWER_QUERY", Irp);
  IoFreeIrp(Irp);
  e.OwnIrpsFreed++;
  log.add("function", "complete", "OWN_IRP", original);
  IoCompleteRequest(original, IO_NO_INCREMENT);
  return STATUS_MORE_PROCESSING_REQUIRED;
}

function FunctionEcho(Irp: IRP, InputLength: number, OutputLength: number): NTSTATUS {
  const n = InputLength < OutputLength ? InputLength : OutputLength;
  if (n > 0) {
    const sb = Irp.AssociatedIrp.SystemBuffer;
    WriteBytes(sb, ReadBytes(sb, n).reverse());
  }
  Irp.IoStatus.Information = n;
  return STATUS_SUCCESS;
}

function FunctionDeviceControl(DeviceObject: DEVICE_OBJECT, Irp: IRP): NTSTATUS {
  const e = DeviceObject.DeviceExtension as FUNCTION_DEVICE_EXTENSION;
  const p = IoGetCurrentIrpStackLocation(Irp).Parameters.DeviceIoControl;
  const code = p.IoControlCode;
  const log = e.Log!;
  let status: NTSTATUS;
  switch (code) {
    case IOCTL_STACK_COPY:
      log.add("function", "dispatch", "COPY", Irp);
      // The data is already in the shared system buffer: nothing to move.
      Irp.IoStatus.Information = p.InputBufferLength < p.OutputBufferLength ? p.InputBufferLength : p.OutputBufferLength;
      status = STATUS_SUCCESS;
      break;
    case IOCTL_STACK_ECHO:
      log.add("function", "dispatch", "ECHO", Irp);
      status = FunctionEcho(Irp, p.InputBufferLength, p.OutputBufferLength);
      break;
    case IOCTL_STACK_STAMP: {
      const sb = Irp.AssociatedIrp.SystemBuffer;
      if (p.InputBufferLength < 4 || p.OutputBufferLength < 8) {
        log.add("function", "dispatch", "STAMP", Irp, "buffer too small");
        status = STATUS_BUFFER_TOO_SMALL;
        Irp.IoStatus.Information = 0;
        break;
      }
      // What arrives here is what the filter left in the system buffer.
      const seen = ReadUlong(sb);
      log.add("function", "dispatch", "STAMP", Irp, `saw 0x${seen.toString(16)}`);
      WriteUlong(sb, seen);
      WriteUlong(sb + 4, (seen + 1) >>> 0);
      Irp.IoStatus.Information = 8;
      status = STATUS_SUCCESS;
      break;
    }
    case IOCTL_STACK_PEND:
      log.add("function", "dispatch", "PEND", Irp);
      IoCopyCurrentIrpStackLocationToNext(Irp);
      IoSetCompletionRoutine(Irp, FunctionPendComplete, null, true, true, true);
      return IoCallDriver(e.LowerDevice!, Irp);
    case IOCTL_STACK_OWN_IRP:
      log.add("function", "dispatch", "OWN_IRP", Irp);
      return FunctionOwnIrp(DeviceObject, Irp, p.InputBufferLength, p.OutputBufferLength);
    default:
      log.add("function", "dispatch", StackIoctlName(code), Irp, "unknown");
      status = STATUS_INVALID_DEVICE_REQUEST;
      Irp.IoStatus.Information = 0;
  }
  Irp.IoStatus.Status = status;
  IoCompleteRequest(Irp, IO_NO_INCREMENT);
  return status;
}

/** IOCTL_STACK_OWN_IRP: ask the lower driver with an IRP we allocate, answer when it comes back. */
function FunctionOwnIrp(DeviceObject: DEVICE_OBJECT, Irp: IRP, InputLength: number, OutputLength: number): NTSTATUS {
  const e = DeviceObject.DeviceExtension as FUNCTION_DEVICE_EXTENSION;
  let status: NTSTATUS = STATUS_SUCCESS;
  let own: IRP | null = null;
  let buffer = 0;
  if (InputLength < 4 || OutputLength < 4) status = STATUS_BUFFER_TOO_SMALL;
  else {
    // Exactly as many stack locations as the stack below needs: none for us, so our
    // completion routine will get a null DeviceObject and finds its device in Context.
    own = IoAllocateIrp(e.LowerDevice!.StackSize, false);
    buffer = own === null ? 0 : ExAllocatePool2(POOL_FLAG_NON_PAGED, 4, TAG);
    if (own === null || buffer === 0) {
      if (own !== null) IoFreeIrp(own);
      status = STATUS_INSUFFICIENT_RESOURCES;
    }
  }
  if (status !== STATUS_SUCCESS) {
    Irp.IoStatus.Status = status;
    Irp.IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
  }
  e.OwnIrpsAllocated++;
  e.Log!.add("function", "allocate-irp", "LOWER_QUERY", own!);
  WriteUlong(buffer, ReadUlong(Irp.AssociatedIrp.SystemBuffer));
  own!.AssociatedIrp.SystemBuffer = buffer;
  const sl = IoGetNextIrpStackLocation(own!);
  sl.MajorFunction = IRP_MJ_INTERNAL_DEVICE_CONTROL;
  sl.Parameters.DeviceIoControl.IoControlCode = IOCTL_STACK_LOWER_QUERY;
  sl.Parameters.DeviceIoControl.InputBufferLength = 4;
  sl.Parameters.DeviceIoControl.OutputBufferLength = 4;
  const context: OwnIrpContext = { Device: DeviceObject, Original: Irp, Buffer: buffer };
  IoSetCompletionRoutine(own!, FunctionOwnIrpComplete, context, true, true, true);
  // The original may complete before IoCallDriver returns or long after: pending either way.
  IoMarkIrpPending(Irp);
  IoCallDriver(e.LowerDevice!, own!);
  return STATUS_PENDING;
}

/** The PnP manager's call for the device node: create our device and attach it on top of the stack. */
export function StackFunctionAddDevice(DriverObject: DRIVER_OBJECT, PhysicalDeviceObject: DEVICE_OBJECT): NTSTATUS {
  const dev = Out<DEVICE_OBJECT | null>(null);
  const status = IoCreateDevice(DriverObject, () => new FUNCTION_DEVICE_EXTENSION(), null, FILE_DEVICE_UNKNOWN, 0, false, dev);
  if (!NT_SUCCESS(status)) return status;
  const fdo = dev.value!;
  const e = fdo.DeviceExtension as FUNCTION_DEVICE_EXTENSION;
  e.Log = logOf(DriverObject);
  e.LowerDevice = IoAttachDeviceToDeviceStack(fdo, PhysicalDeviceObject);
  if (e.LowerDevice === null) {
    IoDeleteDevice(fdo);
    return STATUS_NO_SUCH_DEVICE;
  }
  fdo.Flags |= DO_BUFFERED_IO;
  fdo.Flags &= ~DO_DEVICE_INITIALIZING;
  return STATUS_SUCCESS;
}

function FunctionUnload(DriverObject: DRIVER_OBJECT): void {
  for (let d = DriverObject.DeviceObject; d !== null; d = DriverObject.DeviceObject) {
    const e = d.DeviceExtension as FUNCTION_DEVICE_EXTENSION;
    if (e.LowerDevice !== null) IoDetachDevice(e.LowerDevice);
    IoDeleteDevice(d);
  }
}

export function StackFunctionDriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
  void RegistryPath;
  logOf(DriverObject);
  DriverObject.DriverExtension.AddDevice = StackFunctionAddDevice;
  DriverObject.MajorFunction[IRP_MJ_CREATE] = FunctionPassDown;
  DriverObject.MajorFunction[IRP_MJ_CLOSE] = FunctionPassDown;
  DriverObject.MajorFunction[IRP_MJ_CLEANUP] = FunctionPassDown;
  DriverObject.MajorFunction[IRP_MJ_DEVICE_CONTROL] = FunctionDeviceControl;
  DriverObject.DriverUnload = FunctionUnload;
  return STATUS_SUCCESS;
}
