import {
  IoCallDriver, IoCompleteRequest, IoCopyCurrentIrpStackLocationToNext, IoGetCurrentIrpStackLocation, IoMarkIrpPending, IoSetCompletionRoutine,
  IoSkipCurrentIrpStackLocation, IO_NO_INCREMENT, NT_SUCCESS, STATUS_ACCESS_DENIED, STATUS_INVALID_DEVICE_REQUEST, STATUS_INVALID_DEVICE_STATE,
  STATUS_INVALID_PARAMETER, STATUS_PENDING, STATUS_SUCCESS, type DEVICE_OBJECT, type FILE_OBJECT, type IRP, type KWAIT_GENERATOR, type NTSTATUS,
} from "@wdfjs/kernel";
import { isRoutineGenerator } from "@wdfjs/kernel/internal";
import { FxRunQueueCallback } from "../io/fx-callback-wait.js";
import { FxObjectStateCreated } from "../object/fx-object.js";
import { FxObjectCommit } from "../object/object-api.js";
import { FxIoQueue } from "../io/fx-io-queue.js";
import { FxRequest } from "../io/fx-request.js";
import {
  FxFileObject, FxFileObjectClassNormalize, WdfFileObjectNotRequired, WdfFileObjectWdfCanUseFsContext, WdfFileObjectWdfCanUseFsContext2,
  WdfFileObjectWdfCannotUseFsContexts, type FxFileObjectInfo,
} from "../io/fx-file-object.js";
import { WDF_IO_QUEUE_CONFIG, WDF_IO_QUEUE_CONFIG_INIT, WdfFalse, WdfIoQueueDispatchManual, WdfRequestTypeCreate, WdfTrue, WdfUseDefault } from "../io/queue-config.js";
import type { FxDevice } from "./fx-device.js";

/** `STATUS_DEVICE_CONFIGURATION_ERROR`: a create without a WDM file object on a device that needs one. */
export const STATUS_DEVICE_CONFIGURATION_ERROR = 0xc0000182 | 0;

/**
 * `FxPkgGeneral` (fxpkggeneral.cpp): a device's create, cleanup and close. Create: the exclusive
 * check, a WDFFILEOBJECT (unless the class is WdfFileObjectNotRequired), then the request goes to
 * the queue configured for creates, or to EvtDeviceFileCreate (the driver completes it), or, with
 * neither, is completed with STATUS_SUCCESS (or forwarded down with AutoForwardCleanupClose). A
 * create that fails deletes the file object. Cleanup: EvtFileCleanup, then the requests of that
 * file still waiting in the device's queues are cancelled. Close: EvtFileClose, then the file
 * object is deleted.
 */
export class FxPkgGeneral {
  /** `m_FileObjectClass` of the device: WdfFileObjectNotRequired without a file object config (kernel mode). */
  readonly fileObjectClass: number;
  /** `m_AutoForwardCleanupClose`: TRUE by default for filters; never for control devices. */
  readonly autoForwardCleanupClose: boolean;
  /** `m_DriverCreatedQueue`: WdfDeviceConfigureRequestDispatching(..., WdfRequestTypeCreate). */
  driverCreatedQueue: FxIoQueue | null = null;
  /** `m_DefaultQueueForCreates`: a manual, non-power-managed queue the create passes through before EvtDeviceFileCreate. */
  private defaultQueueForCreates: FxIoQueue | null = null;
  /** `m_FileObjectListHead`: the device's WDFFILEOBJECTs by WDM file object. */
  private readonly fileObjects = new Map<FILE_OBJECT | null, FxFileObject>();

  constructor(readonly device: FxDevice, readonly info: FxFileObjectInfo | null) {
    this.fileObjectClass = info === null ? WdfFileObjectNotRequired : info.Config.FileObjectClass;
    const auto = info === null ? WdfUseDefault : info.Config.AutoForwardCleanupClose;
    const legacy = device.Init.IsControlDeviceInit;
    this.autoForwardCleanupClose = !legacy && (auto === WdfTrue || (auto === WdfUseDefault && device.Init.IsFdoInit && device.Init.Filter));
  }

  /**
   * `FxPkgGeneral::ConfigureForwarding`: creates go to the queue; it needs EvtIoDefault (or to be
   * manual) (STATUS_INVALID_DEVICE_REQUEST); a second queue is STATUS_INVALID_PARAMETER.
   */
  configureForwarding(queue: FxIoQueue): NTSTATUS {
    if (!queue.isIoEventHandlerRegistered(WdfRequestTypeCreate)) return STATUS_INVALID_DEVICE_REQUEST;
    if (this.driverCreatedQueue !== null) return STATUS_INVALID_PARAMETER;
    this.driverCreatedQueue = queue;
    return STATUS_SUCCESS;
  }

  /** `FxFileObject::_GetFileObjectFromWdm`: the WDFFILEOBJECT of a WDM file object, by the device's class. */
  getFileObject(FileObject: FILE_OBJECT | null): FxFileObject | null {
    switch (FxFileObjectClassNormalize(this.fileObjectClass)) {
      case WdfFileObjectWdfCanUseFsContext: return (FileObject?.FsContext as FxFileObject | null) ?? null;
      case WdfFileObjectWdfCanUseFsContext2: return (FileObject?.FsContext2 as FxFileObject | null) ?? null;
      case WdfFileObjectWdfCannotUseFsContexts: return this.fileObjects.get(FileObject) ?? null;
      default: return null;
    }
  }

  /** `FxFileObject::_CreateFileObject`. */
  private createFileObject(FileObject: FILE_OBJECT | null, out: { fo: FxFileObject | null }): NTSTATUS {
    const normalized = FxFileObjectClassNormalize(this.fileObjectClass);
    if (normalized === WdfFileObjectNotRequired) return STATUS_SUCCESS;
    // A create without a WDM file object (from a driver above) works only for an exclusive device
    // whose file objects are kept by the framework.
    if (FileObject === null && !(normalized === WdfFileObjectWdfCannotUseFsContexts && this.device.Exclusive)) return STATUS_DEVICE_CONFIGURATION_ERROR;
    const fo = new FxFileObject(this.device, FileObject);
    const status = FxObjectCommit(fo, this.info!.Attributes, this.device);
    if (!NT_SUCCESS(status)) {
      fo.deleteObject();
      return status;
    }
    if (normalized === WdfFileObjectWdfCanUseFsContext) FileObject!.FsContext = fo;
    else if (normalized === WdfFileObjectWdfCanUseFsContext2) FileObject!.FsContext2 = fo;
    else this.fileObjects.set(FileObject, fo);
    out.fo = fo;
    return STATUS_SUCCESS;
  }

  /** `FxFileObject::_DestroyFileObject`: its cleanup and destroy callbacks run. */
  destroyFileObject(FileObject: FILE_OBJECT | null): void {
    const fo = this.getFileObject(FileObject);
    if (fo === null) return;
    const normalized = FxFileObjectClassNormalize(this.fileObjectClass);
    if (normalized === WdfFileObjectWdfCanUseFsContext) FileObject!.FsContext = null;
    else if (normalized === WdfFileObjectWdfCanUseFsContext2) FileObject!.FsContext2 = null;
    else this.fileObjects.delete(FileObject);
    fo.deleteObject();
  }

  /** `FxPkgGeneral::CreateCompleted`: a failed create leaves no file object and no open handle. */
  createCompleted(Irp: IRP, Status: NTSTATUS): void {
    if (NT_SUCCESS(Status)) return;
    this.destroyFileObject(IoGetCurrentIrpStackLocation(Irp).FileObject);
    this.device.openHandleCount--;
  }

  /** `FxPkgGeneral::OnCreate` (the steps in the class comment). */
  onCreate(Irp: IRP): NTSTATUS {
    const device = this.device;
    const FileObject = IoGetCurrentIrpStackLocation(Irp).FileObject;
    device.openHandleCount++;
    let status: NTSTATUS = STATUS_SUCCESS;
    const out = { fo: null as FxFileObject | null };
    // fxpkggeneral.cpp OnCreate: an exclusive device allows one open handle.
    if (device.Exclusive && device.openHandleCount > 1) status = STATUS_ACCESS_DENIED;
    else if (device.state !== FxObjectStateCreated) status = STATUS_INVALID_DEVICE_STATE;
    else status = this.createFileObject(FileObject, out);
    if (!NT_SUCCESS(status)) {
      device.openHandleCount--;
      return this.completeIrp(Irp, status);
    }
    const config = this.info?.Config ?? null;
    const EvtDeviceFileCreate = config?.EvtDeviceFileCreate ?? null;
    if (this.driverCreatedQueue === null && EvtDeviceFileCreate === null) {
      if (this.autoForwardCleanupClose) {
        IoCopyCurrentIrpStackLocationToNext(Irp);
        IoSetCompletionRoutine(Irp, FxPkgGeneralCreateCompletionRoutine, this, true, true, true);
        return IoCallDriver(device.AttachedDevice!, Irp);
      }
      return this.completeIrp(Irp, STATUS_SUCCESS);
    }
    const request = new FxRequest(Irp);
    request.completionCallback = FxPkgGeneralCreateRequestCompleted;
    request.completionContext = this;
    if (this.driverCreatedQueue !== null) {
      this.driverCreatedQueue.queueRequest(request);
    } else {
      // Through the internal manual queue, so the driver owns a request it may forward or mark cancelable.
      const queue = this.createsQueue();
      queue.queueRequest(request);
      if (!request.completed && queue.retrieveNextRequest() === request) {
        const fo = out.fo;
        const r = device.callDriver(() => EvtDeviceFileCreate!(device.handle, request.handle, fo === null ? null : fo.handle));
        // EvtDeviceFileCreate runs at PASSIVE_LEVEL in the opener's thread and may wait (a generator,
        // such as the nonpnp sample's ZwCreateFile): it runs on there; the create is pending meanwhile.
        if (r !== undefined) FxRunQueueCallback(device, r, "EvtDeviceFileCreate");
      }
    }
    if (request.completed) return request.status;
    IoMarkIrpPending(Irp);
    return STATUS_PENDING;
  }

  private createsQueue(): FxIoQueue {
    if (this.defaultQueueForCreates === null) {
      const config = new WDF_IO_QUEUE_CONFIG();
      WDF_IO_QUEUE_CONFIG_INIT(config, WdfIoQueueDispatchManual);
      config.PowerManaged = WdfFalse;
      const queue = new FxIoQueue(this.device, config);
      FxObjectCommit(queue, null, this.device);
      this.defaultQueueForCreates = queue;
    }
    return this.defaultQueueForCreates;
  }

  /**
   * `FxPkgGeneral::OnCleanup`: EvtFileCleanup (with the WDFFILEOBJECT, or NULL without one), then
   * every queue of the device cancels the requests of that file object still waiting in it
   * (`FlushAllQueuesByFileObject`); requests the driver holds are its to complete.
   */
  onCleanup(Irp: IRP): NTSTATUS | KWAIT_GENERATOR<NTSTATUS> {
    const FileObject = IoGetCurrentIrpStackLocation(Irp).FileObject;
    const fo = this.getFileObject(FileObject);
    const EvtFileCleanup = this.info?.Config.EvtFileCleanup ?? null;
    if (EvtFileCleanup !== null) {
      const r = this.device.callDriver(() => EvtFileCleanup(fo === null ? null : fo.handle));
      // PASSIVE_LEVEL: a callback that waits (a generator) finishes before the file's requests are flushed.
      if (isRoutineGenerator(r)) return this.afterWait(r as KWAIT_GENERATOR<unknown>, Irp, false);
    }
    return this.cleanupDone(Irp);
  }

  private cleanupDone(Irp: IRP): NTSTATUS {
    const FileObject = IoGetCurrentIrpStackLocation(Irp).FileObject;
    if (FileObject !== null) for (const queue of [...this.device.pkgIo.queues]) queue.flushByFileObject(FileObject);
    return this.passOrComplete(Irp);
  }

  /** `FxPkgGeneral::OnClose`: EvtFileClose, the WDFFILEOBJECT deleted, one open handle fewer. */
  onClose(Irp: IRP): NTSTATUS | KWAIT_GENERATOR<NTSTATUS> {
    const FileObject = IoGetCurrentIrpStackLocation(Irp).FileObject;
    const fo = this.getFileObject(FileObject);
    const EvtFileClose = this.info?.Config.EvtFileClose ?? null;
    if (EvtFileClose !== null) {
      const r = this.device.callDriver(() => EvtFileClose(fo === null ? null : fo.handle));
      // PASSIVE_LEVEL: a callback that waits (ZwClose of a file it opened...) finishes before the file object goes.
      if (isRoutineGenerator(r)) return this.afterWait(r as KWAIT_GENERATOR<unknown>, Irp, true);
    }
    return this.closeDone(Irp);
  }

  /** The rest of a cleanup or close, once its callback's waits are over (the I/O manager sees STATUS_PENDING meanwhile). */
  private *afterWait(r: KWAIT_GENERATOR<unknown>, Irp: IRP, close: boolean): KWAIT_GENERATOR<NTSTATUS> {
    yield* r;
    return close ? this.closeDone(Irp) : this.cleanupDone(Irp);
  }

  private closeDone(Irp: IRP): NTSTATUS {
    const FileObject = IoGetCurrentIrpStackLocation(Irp).FileObject;
    this.destroyFileObject(FileObject);
    const status = this.passOrComplete(Irp);
    this.device.openHandleCount--;
    return status;
  }

  private passOrComplete(Irp: IRP): NTSTATUS {
    if (this.autoForwardCleanupClose) {
      IoSkipCurrentIrpStackLocation(Irp);
      return IoCallDriver(this.device.AttachedDevice!, Irp);
    }
    return this.completeIrp(Irp, STATUS_SUCCESS);
  }

  private completeIrp(Irp: IRP, Status: NTSTATUS): NTSTATUS {
    Irp.IoStatus.Status = Status;
    Irp.IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return Status;
  }
}

/** `FxPkgGeneral::_CreateCompletionRoutine`: a create the framework forwarded; a lower driver's failure undoes the open. */
function FxPkgGeneralCreateCompletionRoutine(_DeviceObject: DEVICE_OBJECT | null, Irp: IRP, Context: FxPkgGeneral): NTSTATUS {
  Context.createCompleted(Irp, Irp.IoStatus.Status);
  if (Irp.PendingReturned) IoMarkIrpPending(Irp);
  return Irp.IoStatus.Status;
}

/** The create request's completion (`FxPkgIoInProcessRequestComplete` → CreateCompleted). */
function FxPkgGeneralCreateRequestCompleted(request: FxRequest, Irp: IRP, Status: NTSTATUS): void {
  (request.completionContext as FxPkgGeneral).createCompleted(Irp, Status);
}
