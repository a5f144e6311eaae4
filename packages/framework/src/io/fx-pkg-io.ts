import { IoCompleteRequest, IoMarkIrpPending, IO_NO_INCREMENT, STATUS_INVALID_DEVICE_REQUEST, STATUS_PENDING, type IRP, type NTSTATUS } from "@wdfjs/kernel";
import type { FxIoQueue } from "./fx-io-queue.js";
import { FxRequest } from "./fx-request.js";

/**
 * `FxPkgIo` (fxpkgio.cpp): a device's I/O package. Every IRP that no other package claims
 * (not create, cleanup, close, PnP or power) becomes a request on the default queue. Without a
 * default queue the package fails the IRP with STATUS_INVALID_DEVICE_REQUEST. A request the
 * driver does not complete inside the dispatch leaves the IRP pending (IoMarkIrpPending,
 * STATUS_PENDING), to be completed by WdfRequestComplete later.
 */
export class FxPkgIo {
  defaultQueue: FxIoQueue | null = null;

  dispatch(Irp: IRP): NTSTATUS {
    const queue = this.defaultQueue;
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
}
