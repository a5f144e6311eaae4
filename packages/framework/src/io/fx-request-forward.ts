import {
  IoCopyCurrentIrpStackLocationToNext, IoGetCurrentIrpStackLocation, IoSetNextIrpStackLocation, IoSkipCurrentIrpStackLocation, NT_SUCCESS, STATUS_INFO_LENGTH_MISMATCH,
  STATUS_INVALID_DEVICE_REQUEST, STATUS_INVALID_PARAMETER, type NTSTATUS,
} from "@wdfjs/kernel";
import type { FxIoQueue } from "./fx-io-queue.js";
import type { FxRequest } from "./fx-request.js";

/** `WDF_REQUEST_FORWARD_OPTIONS_FLAGS` (wdfrequest.h). */
export const WDF_REQUEST_FORWARD_OPTION_SEND_AND_FORGET = 0x1;

/** `WDF_REQUEST_FORWARD_OPTIONS` (wdfrequest.h); `sizeof` is 0x8. */
export class WDF_REQUEST_FORWARD_OPTIONS {
  Size = 0;
  Flags = 0;
}
export type PWDF_REQUEST_FORWARD_OPTIONS = WDF_REQUEST_FORWARD_OPTIONS;
export const WDF_REQUEST_FORWARD_OPTIONS_SIZE = 0x8;

/** `WDF_REQUEST_FORWARD_OPTIONS_INIT`: no flags. */
export function WDF_REQUEST_FORWARD_OPTIONS_INIT(ForwardOptions: WDF_REQUEST_FORWARD_OPTIONS): void {
  ForwardOptions.Size = WDF_REQUEST_FORWARD_OPTIONS_SIZE;
  ForwardOptions.Flags = 0;
}

/** `VerifyRequestIsDriverOwned` + `VerifyRequestIsNotCancelable`: only a request the driver has, not marked cancelable, may move. */
function FxRequestIsMovable(request: FxRequest): boolean {
  return request.queue !== null && request.driverOwned && request.cancelRoutine === null;
}

/**
 * `WdfRequestRequeue` (fxrequestapi.cpp, `FxIoQueue::Requeue`): a request the driver retrieved
 * goes back to the head of its manual queue; no queue, not the driver's, marked cancelable or
 * another dispatch type: STATUS_INVALID_DEVICE_REQUEST.
 */
export function FxRequestRequeue(request: FxRequest): NTSTATUS {
  if (!FxRequestIsMovable(request)) return STATUS_INVALID_DEVICE_REQUEST;
  return request.queue!.requeue(request);
}

/**
 * `WdfRequestForwardToParentDeviceIoQueue` (fxrequestapi.cpp, `FxIoQueue::ForwardRequestToParent`
 * with `VerifyForwardRequestToParent`): a PDO's request goes to a queue of its parent FDO. The
 * options must have their size (STATUS_INFO_LENGTH_MISMATCH) and no flag but SEND_AND_FORGET
 * (STATUS_INVALID_PARAMETER). The request must be the driver's and not cancelable, its device a
 * PDO created with WdfPdoInitAllowForwardingRequestToParent, the queue its parent's: else
 * STATUS_INVALID_DEVICE_REQUEST. The IRP moves one location down, to the parent's device; a
 * refusal of the destination (a queue that does not accept) moves it back, and the driver keeps it.
 */
export function FxRequestForwardToParent(request: FxRequest, destination: FxIoQueue, Options: WDF_REQUEST_FORWARD_OPTIONS): NTSTATUS {
  if (Options.Size !== WDF_REQUEST_FORWARD_OPTIONS_SIZE) return STATUS_INFO_LENGTH_MISMATCH;
  if ((Options.Flags & ~WDF_REQUEST_FORWARD_OPTION_SEND_AND_FORGET) !== 0) return STATUS_INVALID_PARAMETER;
  const source = request.queue;
  if (source === null || !FxRequestIsMovable(request) || destination === source) return STATUS_INVALID_DEVICE_REQUEST;
  const pdo = source.device.Init.Pdo;
  if (pdo === null || pdo.Parent !== destination.device || !pdo.ForwardRequestToParent) return STATUS_INVALID_DEVICE_REQUEST;
  const irp = request.Irp!;
  IoCopyCurrentIrpStackLocationToNext(irp);
  IoSetNextIrpStackLocation(irp);
  IoGetCurrentIrpStackLocation(irp).DeviceObject = destination.device.DeviceObject;
  const status = destination.forwardRequest(request);
  if (!NT_SUCCESS(status)) {
    // Back at the PDO's own location, as the driver had it.
    IoSkipCurrentIrpStackLocation(irp);
  }
  return status;
}
