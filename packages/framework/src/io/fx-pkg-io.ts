import {
  IoCompleteRequest, IoGetCurrentIrpStackLocation, IoMarkIrpPending, IO_NO_INCREMENT, IRP_MJ_MAXIMUM_FUNCTION, STATUS_INVALID_DEVICE_REQUEST, STATUS_PENDING,
  STATUS_SUCCESS, type IRP, type KWAIT_GENERATOR, type NTSTATUS,
} from "@wdfjs/kernel";
import { STATUS_WDF_BUSY } from "../wdfstatus.js";
import type { WDF_REQUEST_TYPE } from "./queue-config.js";
import type { FxIoQueue } from "./fx-io-queue.js";
import { FxRequest } from "./fx-request.js";
import type { FxIoStopProcessingForPowerAction } from "./power-actions.js";

/**
 * `FxPkgIo` (fxpkgio.cpp): a device's I/O package. Every IRP that no other package claims
 * (not create, cleanup, close, PnP or power) becomes a request on the queue configured for its
 * type (WdfDeviceConfigureRequestDispatching), else on the default queue. Without a
 * default queue the package fails the IRP with STATUS_INVALID_DEVICE_REQUEST. A request the
 * driver does not complete inside the dispatch leaves the IRP pending (IoMarkIrpPending,
 * STATUS_PENDING), to be completed by WdfRequestComplete later.
 */
export class FxPkgIo {
  defaultQueue: FxIoQueue | null = null;
  /** `m_DispatchTable`: by IRP major function, the queue WdfDeviceConfigureRequestDispatching chose; else the default queue. */
  readonly dispatchTable: (FxIoQueue | null)[] = new Array<FxIoQueue | null>(IRP_MJ_MAXIMUM_FUNCTION + 1).fill(null);

  /**
   * `FxPkgIo::ConfigureForwarding` (fxpkgio.cpp): the queue must be able to present the type (a
   * manual queue always can), must not be the default queue, and the type must not already go
   * to another queue (STATUS_WDF_BUSY). A WDF_REQUEST_TYPE is its IRP major function.
   */
  configureForwarding(queue: FxIoQueue, RequestType: WDF_REQUEST_TYPE): NTSTATUS {
    if (!queue.isIoEventHandlerRegistered(RequestType)) return STATUS_INVALID_DEVICE_REQUEST;
    if (queue === this.defaultQueue) return STATUS_INVALID_DEVICE_REQUEST;
    if (this.dispatchTable[RequestType] !== null) return STATUS_WDF_BUSY;
    this.dispatchTable[RequestType] = queue;
    return STATUS_SUCCESS;
  }

  dispatch(Irp: IRP): NTSTATUS {
    const queue = this.dispatchTable[IoGetCurrentIrpStackLocation(Irp).MajorFunction] ?? this.defaultQueue;
    if (queue === null) {
      Irp.IoStatus.Status = STATUS_INVALID_DEVICE_REQUEST;
      Irp.IoStatus.Information = 0;
      IoCompleteRequest(Irp, IO_NO_INCREMENT);
      return STATUS_INVALID_DEVICE_REQUEST;
    }
    const request = new FxRequest(Irp);
    queue.queueRequest(request);
    if (request.completed) return request.status;
    // Windows: a dispatch routine that returns STATUS_PENDING must have marked the IRP pending.
    IoMarkIrpPending(Irp);
    return STATUS_PENDING;
  }

  /** FxPkgIo::StopProcessingForPower: power-managed queues stop presenting; driver-held requests get EvtIoStop; waits until acknowledged. */
  *stopProcessingForPower(Action: FxIoStopProcessingForPowerAction): KWAIT_GENERATOR<void> { /* implemented by the queue work */ }
  /** FxPkgIo::ResumeProcessingForPower: power-managed queues present again (EvtIoResume for acknowledged requests). */
  resumeProcessingForPower(): void { /* implemented by the queue work */ }
}
