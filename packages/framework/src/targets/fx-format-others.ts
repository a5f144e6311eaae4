import { IoGetNextIrpStackLocation, IRP_MJ_INTERNAL_DEVICE_CONTROL, NT_SUCCESS, STATUS_SUCCESS, type NTSTATUS } from "@wdfjs/kernel";
import type { FxRequest } from "../io/fx-request.js";
import { WdfRequestTypeDeviceControlInternal } from "../io/queue-config.js";
import type { PWDFMEMORY_OFFSET } from "../support/fx-memory.js";
import { FxRequestValidateTarget } from "./fx-driver-request.js";
import type { FxIoTarget } from "./fx-io-target.js";
import { FxRequestReleaseFormat, FxRequestSendStateOf, type FxRequestBuffer } from "./fx-request-send.js";
import { FxRequestBufferFromHandle } from "./fx-send.js";

/**
 * `FxIoTarget::FormatInternalIoctlOthersRequest` (fxiotarget.cpp): the next location becomes an
 * IRP_MJ_INTERNAL_DEVICE_CONTROL with the code, whose Others.Argument1, Argument2 and Argument4
 * are the three buffers' addresses (Argument3 is the code's place); no buffer is copied or mapped.
 * The completion parameters report the code and the buffers' WDFMEMORY handles.
 */
export function FxFormatInternalIoctlOthers(target: FxIoTarget, request: FxRequest, IoctlCode: number, buffers: readonly FxRequestBuffer[]): NTSTATUS {
  const s = FxRequestSendStateOf(request);
  FxRequestReleaseFormat(request);
  const stack = IoGetNextIrpStackLocation(request.Irp!);
  stack.MajorFunction = IRP_MJ_INTERNAL_DEVICE_CONTROL;
  stack.MinorFunction = 0;
  stack.Flags = 0;
  stack.Parameters.DeviceIoControl.IoControlCode = IoctlCode;
  const o = stack.Parameters.Others;
  o.Argument1 = buffers[0]!.Address;
  o.Argument2 = buffers[1]!.Address;
  o.Argument4 = buffers[2]!.Address;
  stack.FileObject = target.TargetFileObject;
  s.hasContext = true;
  s.completionParams.Type = WdfRequestTypeDeviceControlInternal;
  if (!request.allocatedFromIo) request.setSendType(WdfRequestTypeDeviceControlInternal);
  const others = s.completionParams.Parameters.Others;
  others.Argument1 = buffers[0]!.Memory;
  others.Argument2 = buffers[1]!.Memory;
  others.Argument3 = IoctlCode;
  others.Argument4 = buffers[2]!.Memory;
  return STATUS_SUCCESS;
}

/** `WdfIoTargetFormatRequestForInternalIoctlOthers`: each WDFMEMORY window checked, the request validated for the target, then formatted. */
export function FxIoTargetFormatInternalIoctlOthers(
  target: FxIoTarget, request: FxRequest, IoctlCode: number, Memories: readonly (number | null)[], Offsets: readonly PWDFMEMORY_OFFSET[],
): NTSTATUS {
  const buffers: FxRequestBuffer[] = [];
  for (let i = 0; i < 3; i++) {
    const b = FxRequestBufferFromHandle(Memories[i] ?? null, Offsets[i] ?? null);
    if (typeof b === "number") return b;
    buffers.push(b);
  }
  const status = FxRequestValidateTarget(request, target);
  return NT_SUCCESS(status) ? FxFormatInternalIoctlOthers(target, request, IoctlCode, buffers) : status;
}
