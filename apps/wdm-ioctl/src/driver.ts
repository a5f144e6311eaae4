/**
 * sioctl.sys / nonpnp as a raw WDM driver: the WDK ioctl sample (general/ioctl/wdm,
 * with the IOCTL codes and string of its KMDF twin general/ioctl/kmdf). It shows how
 * the I/O manager hands a driver the caller's buffers for each transfer method:
 *
 * - METHOD_BUFFERED: one system buffer, copied in before and out after.
 * - METHOD_IN_DIRECT / METHOD_OUT_DIRECT: the input in a system buffer, the output
 *   buffer described by a locked MDL the driver maps with MmGetSystemAddressForMdlSafe.
 * - METHOD_NEITHER: the raw user addresses, which the driver must probe inside
 *   `__try` while it still runs in the caller's context, then lock and map with MDLs
 *   of its own (sioctl.c's CheckBufferAccess and MapUserModeAddress).
 *
 * Like the KMDF twin (and unlike sioctl.c, which insists on 38 bytes), a short output
 * buffer gets the string truncated: Information = min(OutputBufferLength, 38).
 *
 * The device is not exclusive, as sioctl.c creates it (Exclusive FALSE): a second open
 * succeeds (the KMDF twin "nonpnp" is the exclusive one). One extra
 * IOCTL, IOCTL_NONPNP_SET_MESSAGE, requires FILE_WRITE_ACCESS: the I/O manager refuses
 * it on a handle opened for reading only, before the driver ever sees it.
 */
import {
  __try, CTL_CODE, FILE_ANY_ACCESS, FILE_DEVICE_SECURE_OPEN, FILE_DEVICE_UNKNOWN, FILE_WRITE_ACCESS, IO_NO_INCREMENT, IoAllocateMdl,
  IoCompleteRequest, IoCreateDevice, IoCreateSymbolicLink, IoDeleteDevice, IoDeleteSymbolicLink, IoFreeMdl,
  IoGetCurrentIrpStackLocation, IoReadAccess, IoWriteAccess, IRP_MJ_CLOSE, IRP_MJ_CREATE, IRP_MJ_DEVICE_CONTROL, MdlMappingNoExecute,
  METHOD_BUFFERED, METHOD_IN_DIRECT, METHOD_NEITHER, METHOD_OUT_DIRECT, MmGetMdlByteCount, MmGetSystemAddressForMdlSafe,
  MmProbeAndLockPages, MmUnlockPages, NormalPagePriority, NT_SUCCESS, NtStatusName, Out, PAGED_CODE, ProbeForRead, ProbeForWrite, ReadBytes,
  STATUS_INSUFFICIENT_RESOURCES, STATUS_INVALID_DEVICE_REQUEST, STATUS_INVALID_PARAMETER, STATUS_SUCCESS, UserMode, WriteBytes,
  type Box, type DEVICE_OBJECT, type DRIVER_OBJECT, type IO_STACK_LOCATION, type IRP, type LOCK_OPERATION, type MDL, type NTSTATUS,
} from "@wdfjs/kernel";

export const NT_DEVICE_NAME = "\\Device\\SIOCTL";
export const DOS_DEVICE_NAME = "\\DosDevices\\IoctlTest";
/** The Win32 name a client opens. */
export const IOCTL_WIN32_NAME = "\\\\.\\IoctlTest";

/** public.h: the device type of the sample's control codes. */
export const FILEIO_TYPE = 40001;
export const IOCTL_NONPNP_METHOD_IN_DIRECT = CTL_CODE(FILEIO_TYPE, 0x900, METHOD_IN_DIRECT, FILE_ANY_ACCESS);
export const IOCTL_NONPNP_METHOD_OUT_DIRECT = CTL_CODE(FILEIO_TYPE, 0x901, METHOD_OUT_DIRECT, FILE_ANY_ACCESS);
export const IOCTL_NONPNP_METHOD_BUFFERED = CTL_CODE(FILEIO_TYPE, 0x902, METHOD_BUFFERED, FILE_ANY_ACCESS);
export const IOCTL_NONPNP_METHOD_NEITHER = CTL_CODE(FILEIO_TYPE, 0x903, METHOD_NEITHER, FILE_ANY_ACCESS);
/** Ours: replaces the string the driver returns. It changes device state, so it needs write access. */
export const IOCTL_NONPNP_SET_MESSAGE = CTL_CODE(FILEIO_TYPE, 0x904, METHOD_BUFFERED, FILE_WRITE_ACCESS);

/** The string the driver writes into every output buffer (37 characters and a NUL). */
export const DeviceDriverMessage = "this String is from Device Driver !!!";
/** The longest message IOCTL_NONPNP_SET_MESSAGE accepts, without its NUL. */
export const MAX_MESSAGE_LENGTH = 255;

/** The device extension: the current message and what the driver saw (its KdPrint output). */
export class IOCTL_DEVICE_EXTENSION {
  Message = DeviceDriverMessage;
  /** IRP_MJ_DEVICE_CONTROL requests that reached the driver. */
  DeviceControlCount = 0;
  /** The debug output of SIOCTL_KDPRINT, newest last (bounded). */
  readonly DebugOutput: string[] = [];
}

const MAX_DEBUG_LINES = 64;
/** PrintChars shows at most this many bytes of a buffer. */
const PRINT_LIMIT = 256;

function SIOCTL_KDPRINT(ext: IOCTL_DEVICE_EXTENSION, line: string): void {
  // A window of the last MAX_DEBUG_LINES lines: the shift moves at most that many, whatever the traffic.
  if (ext.DebugOutput.length >= MAX_DEBUG_LINES) ext.DebugOutput.shift();
  ext.DebugOutput.push(line);
}

/** PrintChars: the bytes as text, unprintable ones as '.', stopping at the first NUL. */
function PrintChars(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) {
    if (b === 0) break;
    s += b > 31 && b < 127 ? String.fromCharCode(b) : ".";
  }
  return s;
}

/** The first bytes of a buffer as PrintChars shows them (touching only those bytes). */
function PeekChars(Address: number, Length: number): string {
  return PrintChars(ReadBytes(Address, Math.min(Length, PRINT_LIMIT)));
}

/** The message as the bytes C's `sizeof(DeviceDriverMessage)` covers: the text and its NUL. */
function MessageBytes(ext: IOCTL_DEVICE_EXTENSION): Uint8Array {
  const m = ext.Message;
  const bytes = new Uint8Array(m.length + 1);
  for (let i = 0; i < m.length; i++) bytes[i] = m.charCodeAt(i) & 0xff;
  return bytes;
}

export function SioctlCreateClose(DeviceObject: DEVICE_OBJECT, Irp: IRP): NTSTATUS {
  void DeviceObject;
  PAGED_CODE();
  Irp.IoStatus.Status = STATUS_SUCCESS;
  Irp.IoStatus.Information = 0;
  IoCompleteRequest(Irp, IO_NO_INCREMENT);
  return STATUS_SUCCESS;
}

/** METHOD_BUFFERED: input and output share Irp->AssociatedIrp.SystemBuffer; read before writing. */
function SioctlMethodBuffered(ext: IOCTL_DEVICE_EXTENSION, Irp: IRP, InputBufferLength: number, OutputBufferLength: number): NTSTATUS {
  const buf = Irp.AssociatedIrp.SystemBuffer;
  SIOCTL_KDPRINT(ext, `Data from User : ${PeekChars(buf, InputBufferLength)}`);
  const data = MessageBytes(ext);
  const n = Math.min(OutputBufferLength, data.length);
  // The I/O manager copies Information bytes of the system buffer back to the caller.
  WriteBytes(buf, data.subarray(0, n));
  SIOCTL_KDPRINT(ext, `Data to User : ${PrintChars(data.subarray(0, n))}`);
  Irp.IoStatus.Information = n;
  return STATUS_SUCCESS;
}

/**
 * METHOD_IN_DIRECT: the "output" buffer carries data to the driver. Its MDL is locked
 * for reading; the driver reads it through a system address and reports its length.
 */
function SioctlMethodInDirect(ext: IOCTL_DEVICE_EXTENSION, Irp: IRP, InputBufferLength: number): NTSTATUS {
  SIOCTL_KDPRINT(ext, `Data from User in InputBuffer: ${PeekChars(Irp.AssociatedIrp.SystemBuffer, InputBufferLength)}`);
  const mdl = Irp.MdlAddress;
  const buffer = mdl === null ? 0 : MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority | MdlMappingNoExecute);
  if (buffer === 0) return STATUS_INSUFFICIENT_RESOURCES;
  const length = MmGetMdlByteCount(mdl!);
  SIOCTL_KDPRINT(ext, `Data from User in OutputBuffer: ${PeekChars(buffer, length)}`);
  Irp.IoStatus.Information = length;
  return STATUS_SUCCESS;
}

/** METHOD_OUT_DIRECT: the driver writes the output through the system address of the locked MDL. */
function SioctlMethodOutDirect(ext: IOCTL_DEVICE_EXTENSION, Irp: IRP, InputBufferLength: number, OutputBufferLength: number): NTSTATUS {
  SIOCTL_KDPRINT(ext, `Data from User : ${PeekChars(Irp.AssociatedIrp.SystemBuffer, InputBufferLength)}`);
  const mdl = Irp.MdlAddress;
  const buffer = mdl === null ? 0 : MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority | MdlMappingNoExecute);
  if (buffer === 0) return STATUS_INSUFFICIENT_RESOURCES;
  const data = MessageBytes(ext);
  const n = Math.min(OutputBufferLength, data.length);
  WriteBytes(buffer, data.subarray(0, n));
  SIOCTL_KDPRINT(ext, `Data to User : ${PrintChars(data.subarray(0, n))}`);
  Irp.IoStatus.Information = n;
  return STATUS_SUCCESS;
}

/**
 * CheckBufferAccess (sioctl.c): the range must be user space (ProbeForRead raises for a
 * kernel address) and the caller must be able to write its output range
 * (ProbeForWrite touches every page). Raised exceptions become the status.
 */
function CheckBufferAccess(InputBuffer: number, InputBufferLength: number, OutputBuffer: number, OutputBufferLength: number): NTSTATUS {
  PAGED_CODE();
  return __try(
    () => {
      ProbeForRead(InputBuffer, InputBufferLength, 1);
      ProbeForWrite(OutputBuffer, OutputBufferLength, 1);
      return STATUS_SUCCESS;
    },
    (ExceptionCode) => ExceptionCode,
  );
}

/**
 * MapUserModeAddress (sioctl.c): describe a user buffer with an MDL, lock its pages
 * (MmProbeAndLockPages raises on a page that is not there, so inside `__try`) and map
 * them at a system address that stays valid in any context and at any IRQL.
 */
function MapUserModeAddress(Buffer: number, Length: number, Operation: LOCK_OPERATION, OutputMdl: Box<MDL | null>, MappedBuffer: Box<number>): NTSTATUS {
  PAGED_CODE();
  const mdl = IoAllocateMdl(Buffer, Length, false, true, null);
  if (mdl === null) return STATUS_INSUFFICIENT_RESOURCES;
  const status = __try(
    () => {
      MmProbeAndLockPages(mdl, UserMode, Operation);
      return STATUS_SUCCESS;
    },
    (ExceptionCode) => ExceptionCode,
  );
  if (!NT_SUCCESS(status)) {
    IoFreeMdl(mdl);
    return status;
  }
  const buffer = MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority | MdlMappingNoExecute);
  if (buffer === 0) {
    MmUnlockPages(mdl);
    IoFreeMdl(mdl);
    return STATUS_INSUFFICIENT_RESOURCES;
  }
  OutputMdl.value = mdl;
  MappedBuffer.value = buffer;
  return STATUS_SUCCESS;
}

function FreeAndUnlockMdl(Mdl: MDL): void {
  MmUnlockPages(Mdl);
  IoFreeMdl(Mdl);
}

/**
 * METHOD_NEITHER: Type3InputBuffer and Irp->UserBuffer are the caller's own addresses,
 * unchecked by the I/O manager. We are the top (only) driver and run in the caller's
 * thread, so they mean what the caller meant; still, either may be a kernel address or
 * be freed by another thread at any moment. So we probe them inside `__try`, then lock
 * and map them with MDLs before touching them: a bad buffer becomes the request's
 * status (STATUS_ACCESS_VIOLATION), never a bug check.
 */
function SioctlMethodNeither(ext: IOCTL_DEVICE_EXTENSION, Irp: IRP, IrpSp: IO_STACK_LOCATION, InputBufferLength: number, OutputBufferLength: number): NTSTATUS {
  const inBuf = IrpSp.Parameters.DeviceIoControl.Type3InputBuffer;
  const outBuf = Irp.UserBuffer;
  let status = CheckBufferAccess(inBuf, InputBufferLength, outBuf, OutputBufferLength);
  if (!NT_SUCCESS(status)) {
    SIOCTL_KDPRINT(ext, `Exception while accessing the buffers in METHOD_NEITHER: ${NtStatusName(status)}`);
    return status;
  }
  const mdl = Out<MDL | null>(null);
  const mapped = Out(0);
  status = MapUserModeAddress(inBuf, InputBufferLength, IoReadAccess, mdl, mapped);
  if (!NT_SUCCESS(status)) {
    SIOCTL_KDPRINT(ext, `Exception while locking inBuf in METHOD_NEITHER: ${NtStatusName(status)}`);
    return status;
  }
  SIOCTL_KDPRINT(ext, `Data from User (SystemAddress) : ${PeekChars(mapped.value, InputBufferLength)}`);
  FreeAndUnlockMdl(mdl.value!);

  status = MapUserModeAddress(outBuf, OutputBufferLength, IoWriteAccess, mdl, mapped);
  if (!NT_SUCCESS(status)) {
    SIOCTL_KDPRINT(ext, `Exception while locking outBuf in METHOD_NEITHER: ${NtStatusName(status)}`);
    return status;
  }
  const data = MessageBytes(ext);
  const n = Math.min(OutputBufferLength, data.length);
  WriteBytes(mapped.value, data.subarray(0, n));
  SIOCTL_KDPRINT(ext, `Data to User : ${PrintChars(data.subarray(0, n))}`);
  FreeAndUnlockMdl(mdl.value!);
  Irp.IoStatus.Information = n;
  return STATUS_SUCCESS;
}

/** IOCTL_NONPNP_SET_MESSAGE (buffered): the input, up to its first NUL, becomes the message. */
function SioctlSetMessage(ext: IOCTL_DEVICE_EXTENSION, Irp: IRP, InputBufferLength: number): NTSTATUS {
  const text = PrintChars(ReadBytes(Irp.AssociatedIrp.SystemBuffer, Math.min(InputBufferLength, MAX_MESSAGE_LENGTH)));
  if (text.length === 0) return STATUS_INVALID_PARAMETER;
  ext.Message = text;
  SIOCTL_KDPRINT(ext, `Message set to : ${text}`);
  Irp.IoStatus.Information = 0;
  return STATUS_SUCCESS;
}

export function SioctlDeviceControl(DeviceObject: DEVICE_OBJECT, Irp: IRP): NTSTATUS {
  PAGED_CODE();
  const ext = DeviceObject.DeviceExtension as IOCTL_DEVICE_EXTENSION;
  ext.DeviceControlCount++;
  const irpSp = IoGetCurrentIrpStackLocation(Irp);
  const code = irpSp.Parameters.DeviceIoControl.IoControlCode;
  const inBufLength = irpSp.Parameters.DeviceIoControl.InputBufferLength;
  const outBufLength = irpSp.Parameters.DeviceIoControl.OutputBufferLength;
  let status: NTSTATUS;
  Irp.IoStatus.Information = 0;
  if (code === IOCTL_NONPNP_SET_MESSAGE) {
    status = inBufLength === 0 ? STATUS_INVALID_PARAMETER : SioctlSetMessage(ext, Irp, inBufLength);
  } else if (inBufLength === 0 || outBufLength === 0) {
    status = STATUS_INVALID_PARAMETER;
  } else {
    switch (code) {
      case IOCTL_NONPNP_METHOD_BUFFERED:
        status = SioctlMethodBuffered(ext, Irp, inBufLength, outBufLength);
        break;
      case IOCTL_NONPNP_METHOD_IN_DIRECT:
        status = SioctlMethodInDirect(ext, Irp, inBufLength);
        break;
      case IOCTL_NONPNP_METHOD_OUT_DIRECT:
        status = SioctlMethodOutDirect(ext, Irp, inBufLength, outBufLength);
        break;
      case IOCTL_NONPNP_METHOD_NEITHER:
        status = SioctlMethodNeither(ext, Irp, irpSp, inBufLength, outBufLength);
        break;
      default:
        SIOCTL_KDPRINT(ext, `ERROR: unrecognized IOCTL 0x${(code >>> 0).toString(16).toUpperCase().padStart(8, "0")}`);
        status = STATUS_INVALID_DEVICE_REQUEST;
        break;
    }
  }
  // Complete with the status we return, as the verifier insists.
  Irp.IoStatus.Status = status;
  IoCompleteRequest(Irp, IO_NO_INCREMENT);
  return status;
}

export function SioctlUnloadDriver(DriverObject: DRIVER_OBJECT): void {
  PAGED_CODE();
  IoDeleteSymbolicLink(DOS_DEVICE_NAME);
  if (DriverObject.DeviceObject !== null) IoDeleteDevice(DriverObject.DeviceObject);
}

export function DriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
  void RegistryPath;
  const device = Out<DEVICE_OBJECT | null>(null);
  // Not an exclusive device, as sioctl.c (the KMDF nonpnp twin is exclusive).
  let status = IoCreateDevice(DriverObject, () => new IOCTL_DEVICE_EXTENSION(), NT_DEVICE_NAME, FILE_DEVICE_UNKNOWN, FILE_DEVICE_SECURE_OPEN, false, device);
  if (!NT_SUCCESS(status)) return status;
  DriverObject.MajorFunction[IRP_MJ_CREATE] = SioctlCreateClose;
  DriverObject.MajorFunction[IRP_MJ_CLOSE] = SioctlCreateClose;
  DriverObject.MajorFunction[IRP_MJ_DEVICE_CONTROL] = SioctlDeviceControl;
  DriverObject.DriverUnload = SioctlUnloadDriver;
  status = IoCreateSymbolicLink(DOS_DEVICE_NAME, NT_DEVICE_NAME);
  if (!NT_SUCCESS(status)) IoDeleteDevice(device.value!);
  return status;
}
