import {
  IoGetCurrentIrpStackLocation, IRP_MJ_DEVICE_CONTROL, IRP_MJ_INTERNAL_DEVICE_CONTROL, IRP_MJ_READ, IRP_MJ_WRITE, STATUS_CANCELLED, STATUS_INVALID_DEVICE_REQUEST,
  STATUS_INVALID_PARAMETER, STATUS_SUCCESS, type NTSTATUS,
} from "@wdfjs/kernel";
import { FxObject } from "../object/fx-object.js";
import { FX_TYPE_QUEUE } from "../object/types.js";
import { STATUS_WDF_NO_CALLBACK } from "../wdfstatus.js";
import type { FxDevice } from "../device/fx-device.js";
import type { FxRequest } from "./fx-request.js";
import {
  WdfIoQueueDispatchManual, WdfIoQueueDispatchParallel, WdfIoQueueDispatchSequential, type EVT_WDF_IO_QUEUE_IO_DEFAULT,
  type EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL, type EVT_WDF_IO_QUEUE_IO_READ, type EVT_WDF_IO_QUEUE_IO_WRITE, type WDF_IO_QUEUE_CONFIG,
  type WDF_IO_QUEUE_DISPATCH_TYPE,
} from "./queue-config.js";

/**
 * `FxIoQueue` (fxioqueue.cpp): a device's queue of requests. Requests wait in a FIFO (linked
 * through the requests, O(1) both ends) until the dispatch type lets the driver have one:
 * sequential one at a time, parallel up to NumberOfPresentedRequests, manual never (the driver
 * retrieves them; not yet). A completion lets the next one go. Not power-managed: only control
 * devices have queues so far, and their queues never are.
 */
export class FxIoQueue extends FxObject {
  readonly DispatchType: WDF_IO_QUEUE_DISPATCH_TYPE;
  readonly AllowZeroLengthRequests: boolean;
  readonly MaxParallelQueuePresentedRequests: number;
  private readonly IoDefault: EVT_WDF_IO_QUEUE_IO_DEFAULT | null;
  private readonly IoRead: EVT_WDF_IO_QUEUE_IO_READ | null;
  private readonly IoWrite: EVT_WDF_IO_QUEUE_IO_WRITE | null;
  private readonly IoDeviceControl: EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL | null;
  private readonly IoInternalDeviceControl: EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL | null;
  /** Requests presented to the driver and not yet completed (`m_DriverIoCount`). */
  driverIoCount = 0;
  /** Requests waiting (`m_Queue`). */
  queuedCount = 0;
  private head: FxRequest | null = null;
  private tail: FxRequest | null = null;
  /** Nonzero while the dispatch loop runs, so a completion inside a callback does not recurse into it. */
  private dispatching = 0;

  constructor(readonly device: FxDevice, Config: WDF_IO_QUEUE_CONFIG) {
    super(FX_TYPE_QUEUE);
    this.DispatchType = Config.DispatchType;
    this.AllowZeroLengthRequests = Config.AllowZeroLengthRequests;
    this.MaxParallelQueuePresentedRequests = Config.DispatchType === WdfIoQueueDispatchParallel ? Config.Settings.Parallel.NumberOfPresentedRequests >>> 0 : 1;
    this.IoDefault = Config.EvtIoDefault;
    this.IoRead = Config.EvtIoRead;
    this.IoWrite = Config.EvtIoWrite;
    this.IoDeviceControl = Config.EvtIoDeviceControl;
    this.IoInternalDeviceControl = Config.EvtIoInternalDeviceControl;
  }

  /** `FxIoQueue::Initialize`'s checks of the configuration (fxioqueue.cpp). */
  static validateConfig(Config: WDF_IO_QUEUE_CONFIG): NTSTATUS {
    const t = Config.DispatchType;
    if (t !== WdfIoQueueDispatchSequential && t !== WdfIoQueueDispatchParallel && t !== WdfIoQueueDispatchManual) return STATUS_INVALID_PARAMETER;
    const any = Config.EvtIoDefault !== null || Config.EvtIoRead !== null || Config.EvtIoWrite !== null || Config.EvtIoDeviceControl !== null || Config.EvtIoInternalDeviceControl !== null;
    if (t !== WdfIoQueueDispatchManual && !any) return STATUS_WDF_NO_CALLBACK;
    if (t === WdfIoQueueDispatchManual && any) return STATUS_INVALID_PARAMETER;
    if (t !== WdfIoQueueDispatchParallel && Config.Settings.Parallel.NumberOfPresentedRequests !== 0) return STATUS_INVALID_PARAMETER;
    return STATUS_SUCCESS;
  }

  /**
   * Deleting a queue (with its device) cancels the requests still waiting in it, as a purge
   * does; the device stops routing to it.
   */
  protected override disposeResources(): void {
    if (this.device.pkgIo.defaultQueue === this) this.device.pkgIo.defaultQueue = null;
    while (this.head !== null) {
      const request = this.head;
      this.head = request.next;
      request.next = null;
      this.queuedCount--;
      request.queue = null;
      request.complete(STATUS_CANCELLED);
    }
    this.tail = null;
  }

  /** `FxIoQueue::QueueRequest`: the request joins the FIFO; the queue presents what it may. */
  queueRequest(request: FxRequest): void {
    request.queue = this;
    request.next = null;
    if (this.tail === null) this.head = request;
    else this.tail.next = request;
    this.tail = request;
    this.queuedCount++;
    this.dispatchEvents();
  }

  /** The driver (or the framework) completed a presented request: the queue may present another. */
  requestCompleted(request: FxRequest): void {
    void request;
    this.driverIoCount--;
    this.dispatchEvents();
  }

  /** `FxIoQueue::DispatchEvents`: present requests while the dispatch type allows (fxioqueue.cpp ~L3040). */
  private dispatchEvents(): void {
    if (this.dispatching > 0 || this.DispatchType === WdfIoQueueDispatchManual) return;
    this.dispatching++;
    try {
      while (this.head !== null && this.driverIoCount < this.MaxParallelQueuePresentedRequests) {
        const request = this.head;
        this.head = request.next;
        if (this.head === null) this.tail = null;
        request.next = null;
        this.queuedCount--;
        this.driverIoCount++;
        this.dispatchRequestToDriver(request);
      }
    } finally {
      this.dispatching--;
    }
  }

  /**
   * `FxIoQueue::DispatchRequestToDriver` (fxioqueue.cpp ~L3230): the callback for the major
   * function, else EvtIoDefault, else the framework fails the request with
   * STATUS_INVALID_DEVICE_REQUEST. A zero-length read or write is completed with STATUS_SUCCESS
   * unless the queue allows zero-length requests, whether it would go to EvtIoRead/EvtIoWrite or
   * to EvtIoDefault.
   */
  private dispatchRequestToDriver(request: FxRequest): void {
    const major = request.MajorFunction;
    const parameters = IoGetCurrentIrpStackLocation(request.Irp!).Parameters;
    const queue = this.handle;
    const handle = request.handle;
    if (major === IRP_MJ_READ && this.IoRead !== null) {
      const length = parameters.Read.Length;
      if (length === 0 && !this.AllowZeroLengthRequests) request.complete(STATUS_SUCCESS);
      else this.IoRead(queue, handle, length);
    } else if (major === IRP_MJ_WRITE && this.IoWrite !== null) {
      const length = parameters.Write.Length;
      if (length === 0 && !this.AllowZeroLengthRequests) request.complete(STATUS_SUCCESS);
      else this.IoWrite(queue, handle, length);
    } else if (major === IRP_MJ_DEVICE_CONTROL && this.IoDeviceControl !== null) {
      const d = parameters.DeviceIoControl;
      this.IoDeviceControl(queue, handle, d.OutputBufferLength, d.InputBufferLength, d.IoControlCode);
    } else if (major === IRP_MJ_INTERNAL_DEVICE_CONTROL && this.IoInternalDeviceControl !== null) {
      const d = parameters.DeviceIoControl;
      this.IoInternalDeviceControl(queue, handle, d.OutputBufferLength, d.InputBufferLength, d.IoControlCode);
    } else if (this.IoDefault !== null) {
      if ((major === IRP_MJ_READ || major === IRP_MJ_WRITE) && parameters.Read.Length === 0 && !this.AllowZeroLengthRequests) request.complete(STATUS_SUCCESS);
      else this.IoDefault(queue, handle);
    } else {
      request.complete(STATUS_INVALID_DEVICE_REQUEST);
    }
  }
}
