/**
 * nonpnp.c's I/O callbacks: EvtIoInCallerContext (METHOD_NEITHER's user buffers probed and
 * locked in the caller's context), and the default queue's EvtIoRead / EvtIoWrite (the file the
 * open created, from its start) and EvtIoDeviceControl (the four transfer methods).
 */
import {
  ExAllocatePool2, ExFreePool, FILE_POSITION_INFORMATION_SIZE, FilePositionInformation, IO_STATUS_BLOCK, NT_SUCCESS, Out, PAGED_CODE,
  POOL_FLAG_NON_PAGED, ReadBytes, STATUS_INSUFFICIENT_RESOURCES, STATUS_INVALID_DEVICE_REQUEST, STATUS_INVALID_PARAMETER, STATUS_SUCCESS, WriteBytes,
  WriteUlong64, ZwReadFile, ZwSetInformationFile, ZwWriteFile, type KWAIT_GENERATOR, type NTSTATUS,
} from "@wdfjs/kernel";
import {
  WDF_OBJECT_ATTRIBUTES, WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE, WDF_REQUEST_PARAMETERS, WDF_REQUEST_PARAMETERS_INIT,
  WdfDeviceEnqueueRequest, WdfIoQueueGetDevice, WdfMemoryGetBuffer, WdfObjectAllocateContext, WdfRequestComplete, WdfRequestCompleteWithInformation,
  WdfRequestGetParameters, WdfRequestProbeAndLockUserBufferForRead, WdfRequestProbeAndLockUserBufferForWrite, WdfRequestRetrieveInputBuffer,
  WdfRequestRetrieveOutputBuffer, WdfRequestRetrieveUnsafeUserInputBuffer, WdfRequestRetrieveUnsafeUserOutputBuffer, WdfRequestSetInformation,
  WdfRequestTypeDeviceControl, type WDFDEVICE, type WDFMEMORY, type WDFQUEUE, type WDFREQUEST,
} from "@wdfjs/kmdf";
import { ControlGetData, GetRequestContext, REQUEST_CONTEXT, type CONTROL_DEVICE_EXTENSION, type KdPrintSink } from "./nonpnp-context.js";
import {
  DeviceDriverData, IOCTL_NONPNP_METHOD_BUFFERED, IOCTL_NONPNP_METHOD_IN_DIRECT, IOCTL_NONPNP_METHOD_NEITHER, IOCTL_NONPNP_METHOD_OUT_DIRECT, POOL_TAG,
} from "./public.js";

/**
 * `data` with its NUL. The C copies OutputBufferLength bytes from this 38-byte literal, reading
 * past it when the buffer is longer; here the bytes past it are zeros.
 */
function dataBytes(length: number): Uint8Array {
  const b = new Uint8Array(length);
  for (let i = 0; i < DeviceDriverData.length && i < length; i++) b[i] = DeviceDriverData.charCodeAt(i);
  return b;
}
const datalen = DeviceDriverData.length + 1;

/** The I/O callbacks of one loaded nonpnp driver, printing to its KdPrint sink. */
export function NonPnpIoCallbacks(KdPrint: KdPrintSink) {
  /** PrintChars: the bytes as characters, "." for the unprintable ones (the C prints datalen bytes even past a shorter buffer; we stop at its end). */
  function PrintChars(BufferAddress: number, CountChars: number): void {
    if (CountChars === 0) return;
    let line = "";
    for (const c of ReadBytes(BufferAddress, CountChars)) line += c > 31 && c !== 127 ? String.fromCharCode(c) : ".";
    KdPrint(line);
  }

  /**
   * Before any queue sees the request, in the caller's thread: a METHOD_NEITHER IOCTL's user
   * buffers are probed, locked and kept in a request context; every request then goes to the
   * I/O package's queues. A failure completes the request with its status.
   */
  function NonPnpEvtDeviceIoInCallerContext(Device: WDFDEVICE, Request: WDFREQUEST): void {
    PAGED_CODE();
    const params = new WDF_REQUEST_PARAMETERS();
    WDF_REQUEST_PARAMETERS_INIT(params);
    WdfRequestGetParameters(Request, params);
    let status: NTSTATUS;
    End: {
      // Anything but METHOD_NEITHER needs nothing done in the caller's context.
      if (!(params.Type === WdfRequestTypeDeviceControl && params.Parameters.DeviceIoControl.IoControlCode === IOCTL_NONPNP_METHOD_NEITHER)) {
        status = WdfDeviceEnqueueRequest(Device, Request);
        if (!NT_SUCCESS(status)) {
          KdPrint(`Error forwarding Request 0x${(status >>> 0).toString(16)}`);
          break End;
        }
        return;
      }
      KdPrint("EvtIoPreProcess: received METHOD_NEITHER ioctl");
      // The I/O manager passed the user addresses: Type3InputBuffer and UserBuffer.
      const inBuf = Out(0);
      const inBufLen = Out(0);
      const outBuf = Out(0);
      const outBufLen = Out(0);
      status = WdfRequestRetrieveUnsafeUserInputBuffer(Request, 0, inBuf, inBufLen);
      if (!NT_SUCCESS(status)) {
        KdPrint(`Error WdfRequestRetrieveUnsafeUserInputBuffer failed 0x${(status >>> 0).toString(16)}`);
        break End;
      }
      status = WdfRequestRetrieveUnsafeUserOutputBuffer(Request, 0, outBuf, outBufLen);
      if (!NT_SUCCESS(status)) {
        KdPrint(`Error WdfRequestRetrieveUnsafeUserOutputBuffer failed 0x${(status >>> 0).toString(16)}`);
        break End;
      }
      // A context for the memory objects of the two buffers.
      const attributes = new WDF_OBJECT_ATTRIBUTES();
      WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(attributes, REQUEST_CONTEXT);
      const context = Out<object | null>(null);
      status = WdfObjectAllocateContext(Request, attributes, context);
      if (!NT_SUCCESS(status)) {
        KdPrint(`Error WdfObjectAllocateContext failed 0x${(status >>> 0).toString(16)}`);
        break End;
      }
      const reqContext = context.value as REQUEST_CONTEXT;
      // Probe-and-lock maps the pages to system space in a WDFMEMORY, a child of the request
      // freed when it completes; a zero length is STATUS_INVALID_USER_BUFFER.
      const memory = Out<WDFMEMORY | null>(null);
      status = WdfRequestProbeAndLockUserBufferForRead(Request, inBuf.value, inBufLen.value, memory);
      if (!NT_SUCCESS(status)) {
        KdPrint(`Error WdfRequestProbeAndLockUserBufferForRead failed 0x${(status >>> 0).toString(16)}`);
        break End;
      }
      reqContext.InputMemoryBuffer = memory.value;
      status = WdfRequestProbeAndLockUserBufferForWrite(Request, outBuf.value, outBufLen.value, memory);
      if (!NT_SUCCESS(status)) {
        KdPrint(`Error WdfRequestProbeAndLockUserBufferForWrite failed 0x${(status >>> 0).toString(16)}`);
        break End;
      }
      reqContext.OutputMemoryBuffer = memory.value;
      // Finally to the I/O package.
      status = WdfDeviceEnqueueRequest(Device, Request);
      if (!NT_SUCCESS(status)) {
        KdPrint(`Error WdfDeviceEnqueueRequest failed 0x${(status >>> 0).toString(16)}`);
        break End;
      }
      return;
    }
    KdPrint(`EvtIoPreProcess failed 0x${(status >>> 0).toString(16)}`);
    WdfRequestComplete(Request, status);
  }

  /**
   * The file position back to 0 (FILE_POSITION_INFORMATION; on the stack in C, here in pool
   * memory, since the information services take its address), then `transfer`; its status.
   */
  function* rewindThen(devExt: CONTROL_DEVICE_EXTENSION, ioStatus: IO_STATUS_BLOCK): KWAIT_GENERATOR<NTSTATUS> {
    const position = ExAllocatePool2(POOL_FLAG_NON_PAGED, FILE_POSITION_INFORMATION_SIZE, POOL_TAG);
    if (position === 0) return STATUS_INSUFFICIENT_RESOURCES;
    WriteUlong64(position, 0); // CurrentByteOffset.QuadPart
    const status = yield* ZwSetInformationFile(devExt.FileHandle, ioStatus, position, FILE_POSITION_INFORMATION_SIZE, FilePositionInformation);
    ExFreePool(position);
    return status;
  }

  /** IRP_MJ_READ: `Length` bytes from the start of the file into the system buffer (buffered I/O). */
  function* FileEvtIoRead(Queue: WDFQUEUE, Request: WDFREQUEST, Length: number): KWAIT_GENERATOR<void> {
    let status: NTSTATUS = STATUS_SUCCESS;
    let bytesRead = 0;
    KdPrint(`FileEvtIoRead: Request: 0x${Request.toString(16)}, Queue: 0x${Queue.toString(16)}`);
    PAGED_CODE();
    const outBuf = Out(0);
    const bufLength = Out(0);
    status = WdfRequestRetrieveOutputBuffer(Request, 0, outBuf, bufLength);
    if (!NT_SUCCESS(status)) {
      WdfRequestComplete(Request, status);
      return;
    }
    const devExt = ControlGetData(WdfIoQueueGetDevice(Queue)!) as CONTROL_DEVICE_EXTENSION;
    if (devExt.FileHandle !== 0) {
      const ioStatus = new IO_STATUS_BLOCK();
      status = yield* rewindThen(devExt, ioStatus);
      if (NT_SUCCESS(status)) {
        status = yield* ZwReadFile(devExt.FileHandle, null, null, null, ioStatus, outBuf.value, Length, null, null);
        if (!NT_SUCCESS(status)) KdPrint(`ZwReadFile failed with status 0x${(status >>> 0).toString(16)}`);
        status = ioStatus.Status;
        bytesRead = ioStatus.Information;
      }
    }
    WdfRequestCompleteWithInformation(Request, status, bytesRead);
  }

  /** IRP_MJ_WRITE: the system buffer's `Length` bytes to the start of the file. */
  function* FileEvtIoWrite(Queue: WDFQUEUE, Request: WDFREQUEST, Length: number): KWAIT_GENERATOR<void> {
    let status: NTSTATUS = STATUS_SUCCESS;
    let bytesWritten = 0;
    KdPrint(`FileEvtIoWrite: Request: 0x${Request.toString(16)}, Queue: 0x${Queue.toString(16)}`);
    PAGED_CODE();
    const inBuf = Out(0);
    const bufLength = Out(0);
    status = WdfRequestRetrieveInputBuffer(Request, 0, inBuf, bufLength);
    if (!NT_SUCCESS(status)) {
      WdfRequestComplete(Request, status);
      return;
    }
    const devExt = ControlGetData(WdfIoQueueGetDevice(Queue)!) as CONTROL_DEVICE_EXTENSION;
    if (devExt.FileHandle !== 0) {
      const ioStatus = new IO_STATUS_BLOCK();
      status = yield* rewindThen(devExt, ioStatus);
      if (NT_SUCCESS(status)) {
        status = yield* ZwWriteFile(devExt.FileHandle, null, null, null, ioStatus, inBuf.value, Length, null, null);
        if (!NT_SUCCESS(status)) KdPrint(`ZwWriteFile failed with status 0x${(status >>> 0).toString(16)}`);
        status = ioStatus.Status;
        bytesWritten = ioStatus.Information;
      }
    }
    WdfRequestCompleteWithInformation(Request, status, bytesWritten);
  }

  /**
   * IRP_MJ_DEVICE_CONTROL: a zero-length input or output buffer is STATUS_INVALID_PARAMETER;
   * BUFFERED, OUT_DIRECT and NEITHER print the input and return the driver's string
   * (Information min(output length, 38)); IN_DIRECT prints both buffers (the "output" one carries
   * data to the driver) and returns the output length; other codes STATUS_INVALID_DEVICE_REQUEST.
   */
  function FileEvtIoDeviceControl(_Queue: WDFQUEUE, Request: WDFREQUEST, OutputBufferLength: number, InputBufferLength: number, IoControlCode: number): void {
    let status: NTSTATUS = STATUS_SUCCESS; // Assume success
    PAGED_CODE();
    if (!OutputBufferLength || !InputBufferLength) {
      WdfRequestComplete(Request, STATUS_INVALID_PARAMETER);
      return;
    }
    const inBuf = Out(0);
    const outBuf = Out(0);
    const buffer = Out(0);
    const bufSize = Out(0);
    switch (IoControlCode) {
      case IOCTL_NONPNP_METHOD_BUFFERED:
        KdPrint("Called IOCTL_NONPNP_METHOD_BUFFERED");
        // One system buffer for both: read the input before writing the output.
        status = WdfRequestRetrieveInputBuffer(Request, 0, inBuf, bufSize);
        if (!NT_SUCCESS(status)) {
          status = STATUS_INSUFFICIENT_RESOURCES;
          break;
        }
        PrintChars(inBuf.value, InputBufferLength);
        status = WdfRequestRetrieveOutputBuffer(Request, 0, outBuf, bufSize);
        if (!NT_SUCCESS(status)) {
          status = STATUS_INSUFFICIENT_RESOURCES;
          break;
        }
        WriteBytes(outBuf.value, dataBytes(OutputBufferLength));
        PrintChars(outBuf.value, Math.min(datalen, OutputBufferLength));
        // The I/O manager copies Information bytes of the system buffer back to the caller.
        WdfRequestSetInformation(Request, OutputBufferLength < datalen ? OutputBufferLength : datalen);
        break;
      case IOCTL_NONPNP_METHOD_IN_DIRECT:
        KdPrint("Called IOCTL_NONPNP_METHOD_IN_DIRECT");
        status = WdfRequestRetrieveInputBuffer(Request, 0, inBuf, bufSize);
        if (!NT_SUCCESS(status)) {
          status = STATUS_INSUFFICIENT_RESOURCES;
          break;
        }
        PrintChars(inBuf.value, InputBufferLength);
        // The MDL's system address; for this method the buffer brings data to the driver.
        status = WdfRequestRetrieveOutputBuffer(Request, 0, buffer, bufSize);
        if (!NT_SUCCESS(status)) break;
        PrintChars(buffer.value, OutputBufferLength);
        // The bytes taken from the output buffer (MmGetMdlByteCount of the IRP's MDL).
        WdfRequestSetInformation(Request, OutputBufferLength);
        break;
      case IOCTL_NONPNP_METHOD_OUT_DIRECT:
        KdPrint("Called IOCTL_NONPNP_METHOD_OUT_DIRECT");
        status = WdfRequestRetrieveInputBuffer(Request, 0, inBuf, bufSize);
        if (!NT_SUCCESS(status)) {
          status = STATUS_INSUFFICIENT_RESOURCES;
          break;
        }
        PrintChars(inBuf.value, InputBufferLength);
        status = WdfRequestRetrieveOutputBuffer(Request, 0, buffer, bufSize);
        if (!NT_SUCCESS(status)) break;
        WriteBytes(buffer.value, dataBytes(OutputBufferLength));
        PrintChars(buffer.value, Math.min(datalen, OutputBufferLength));
        WdfRequestSetInformation(Request, OutputBufferLength < datalen ? OutputBufferLength : datalen);
        break;
      case IOCTL_NONPNP_METHOD_NEITHER: {
        KdPrint("Called IOCTL_NONPNP_METHOD_NEITHER");
        // EvtIoInCallerContext locked the user buffers and kept them in the request's context:
        // usable here, in any context.
        const reqContext = GetRequestContext(Request) as REQUEST_CONTEXT;
        const inBufLength = Out(0);
        const outBufLength = Out(0);
        const input = WdfMemoryGetBuffer(reqContext.InputMemoryBuffer!, inBufLength);
        const output = WdfMemoryGetBuffer(reqContext.OutputMemoryBuffer!, outBufLength);
        if (input === 0 || output === 0) {
          // The C sets the status and goes on to copy; a locked buffer is never NULL.
          status = STATUS_INVALID_PARAMETER;
          break;
        }
        PrintChars(input, inBufLength.value);
        WriteBytes(output, dataBytes(outBufLength.value));
        PrintChars(output, Math.min(datalen, outBufLength.value));
        WdfRequestSetInformation(Request, outBufLength.value < datalen ? outBufLength.value : datalen);
        break;
      }
      default:
        status = STATUS_INVALID_DEVICE_REQUEST;
        KdPrint(`ERROR: unrecognized IOCTL ${(IoControlCode >>> 0).toString(16)}`);
        break;
    }
    KdPrint(`Completing Request 0x${Request.toString(16)} with status 0x${(status >>> 0).toString(16)}`);
    WdfRequestComplete(Request, status);
  }

  return { NonPnpEvtDeviceIoInCallerContext, FileEvtIoRead, FileEvtIoWrite, FileEvtIoDeviceControl };
}
