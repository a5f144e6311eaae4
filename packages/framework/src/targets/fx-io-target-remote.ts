import {
  EventCategoryTargetDeviceChange, GUID_TARGET_DEVICE_QUERY_REMOVE, GUID_TARGET_DEVICE_REMOVE_CANCELLED, GUID_TARGET_DEVICE_REMOVE_COMPLETE, IoGetDeviceObjectPointer,
  IoRegisterPlugPlayNotification, IoUnregisterPlugPlayNotificationEx, NT_SUCCESS, ObDereferenceObject, ObReferenceObject, Out, STATUS_INVALID_DEVICE_STATE,
  STATUS_INVALID_PARAMETER, STATUS_SUCCESS, type DEVICE_OBJECT, type FILE_OBJECT, type KWAIT_GENERATOR, type NTSTATUS, type PNP_NOTIFICATION_ENTRY,
  type TARGET_DEVICE_REMOVAL_NOTIFICATION,
} from "@wdfjs/kernel";
import { isRoutineGenerator } from "@wdfjs/kernel/internal";
import { FX_TYPE_IO_TARGET_REMOTE } from "../object/types.js";
import type { FxDevice } from "../device/fx-device.js";
import { FxIoTarget } from "./fx-io-target.js";
import {
  WdfIoTargetClosed, WdfIoTargetClosedForQueryRemove, WdfIoTargetOpenByName, WdfIoTargetOpenReopen, WdfIoTargetOpenUseExistingDevice, WdfIoTargetStarted,
  type EVT_WDF_IO_TARGET_QUERY_REMOVE, type EVT_WDF_IO_TARGET_REMOVE_CANCELED, type EVT_WDF_IO_TARGET_REMOVE_COMPLETE, WDF_IO_TARGET_OPEN_PARAMS, WDF_IO_TARGET_OPEN_PARAMS_INIT_REOPEN, type WDF_IO_TARGET_OPEN_TYPE,
} from "./io-target-types.js";

/** The bottom of a device's stack: its PDO. */
function PdoOf(Device: DEVICE_OBJECT): DEVICE_OBJECT {
  let d = Device;
  while (d.AttachedTo !== null) d = d.AttachedTo;
  return d;
}

/** Runs a driver callback that may wait (PASSIVE_LEVEL callbacks here may be generators) to its end. */
export function* FxRunMayWait<T>(r: T | KWAIT_GENERATOR<T>): KWAIT_GENERATOR<T> {
  if (isRoutineGenerator(r)) return (yield* r as KWAIT_GENERATOR<T>);
  return r as T;
}

/**
 * `FxIoTargetRemote` (fxiotargetremote.cpp, km/fxiotargetremotekm.cpp): a target on another
 * device stack, created closed and opened on an existing device object or by name. By name the
 * framework opens the device as ZwCreateFile does (IoGetDeviceObjectPointer: IRP_MJ_CREATE to
 * the top of the named stack, a file object the target keeps until it is closed) and registers
 * for target-device-change notification on that file object. Without the driver's callbacks, a
 * query-remove closes the target for it (the file object goes, so the removal is not vetoed),
 * a cancelled removal reopens it with the same parameters, and a completed removal closes it.
 */
export class FxIoTargetRemote extends FxIoTarget {
  private notification: PNP_NOTIFICATION_ENTRY | null = null;
  private EvtQueryRemove: EVT_WDF_IO_TARGET_QUERY_REMOVE | null = null;
  private EvtRemoveCanceled: EVT_WDF_IO_TARGET_REMOVE_CANCELED | null = null;
  private EvtRemoveComplete: EVT_WDF_IO_TARGET_REMOVE_COMPLETE | null = null;
  /** What a reopen opens again (`m_OpenParams`). */
  private openName = "";
  private openAccess = 0;
  private openDevice: DEVICE_OBJECT | null = null;
  private openFile: FILE_OBJECT | null = null;
  private openType: WDF_IO_TARGET_OPEN_TYPE = 0;
  /** The target referenced the device object itself (open on an existing device). */
  private referencedDevice: DEVICE_OBJECT | null = null;

  constructor(device: FxDevice) {
    super(device, FX_TYPE_IO_TARGET_REMOTE);
    this.targetState = WdfIoTargetClosed;
  }

  /**
   * `FxIoTargetRemote::Open`: only a closed target opens (STATUS_INVALID_DEVICE_STATE). A reopen
   * uses the parameters of the last open. On success the target is started.
   */
  *open(Params: WDF_IO_TARGET_OPEN_PARAMS): KWAIT_GENERATOR<NTSTATUS> {
    if (this.targetState !== WdfIoTargetClosed && this.targetState !== WdfIoTargetClosedForQueryRemove) return STATUS_INVALID_DEVICE_STATE;
    let type = Params.Type;
    if (type === WdfIoTargetOpenReopen) {
      type = this.openType;
    } else {
      this.EvtQueryRemove = Params.EvtIoTargetQueryRemove;
      this.EvtRemoveCanceled = Params.EvtIoTargetRemoveCanceled;
      this.EvtRemoveComplete = Params.EvtIoTargetRemoveComplete;
      this.openType = type;
      this.openName = Params.TargetDeviceName;
      this.openAccess = Params.DesiredAccess;
      this.openDevice = Params.TargetDeviceObject;
      this.openFile = Params.TargetFileObject;
    }
    let device: DEVICE_OBJECT;
    let file: FILE_OBJECT | null = null;
    if (type === WdfIoTargetOpenUseExistingDevice) {
      if (this.openDevice === null) return STATUS_INVALID_PARAMETER;
      device = this.openDevice;
      file = this.openFile;
      ObReferenceObject(device);
      this.referencedDevice = device;
    } else if (type === WdfIoTargetOpenByName) {
      if (typeof this.openName !== "string" || this.openName.length === 0) return STATUS_INVALID_PARAMETER;
      const fo = Out<FILE_OBJECT | null>(null);
      const dev = Out<DEVICE_OBJECT | null>(null);
      const status = yield* IoGetDeviceObjectPointer(this.openName, this.openAccess, fo, dev);
      if (!NT_SUCCESS(status)) return status;
      device = dev.value!;
      file = fo.value;
    } else {
      return STATUS_INVALID_PARAMETER;
    }
    this.TargetDevice = device;
    this.TargetPdo = PdoOf(device);
    this.TargetFileObject = file;
    this.TargetStackSize = device.StackSize;
    if (file !== null && this.notification === null) {
      const entry = Out<PNP_NOTIFICATION_ENTRY | null>(null);
      const status = IoRegisterPlugPlayNotification(EventCategoryTargetDeviceChange, 0, file, this.device.driver.DriverObject, FxIoTargetRemoteNotification, this, entry);
      if (NT_SUCCESS(status)) this.notification = entry.value;
    }
    this.targetState = WdfIoTargetStarted;
    return STATUS_SUCCESS;
  }

  /**
   * `FxIoTargetRemote::Close`: no more requests (those waiting are cancelled, those sent
   * cancelled and waited for), then the file object or device reference goes (IRP_MJ_CLOSE to
   * the driver). Closing for a query-remove keeps the notification, so a cancelled removal can
   * reopen the target.
   */
  *close(ForQueryRemove: boolean): KWAIT_GENERATOR<void> {
    const wasOpen = this.TargetDevice !== null;
    this.beginClose(ForQueryRemove ? WdfIoTargetClosedForQueryRemove : WdfIoTargetClosed);
    yield* this.waitForSentIo();
    if (!ForQueryRemove) this.unregister();
    if (!wasOpen) return;
    const file = this.TargetFileObject;
    const device = this.referencedDevice;
    this.TargetFileObject = null;
    this.TargetDevice = null;
    this.TargetPdo = null;
    this.referencedDevice = null;
    if (file !== null && device === null) ObDereferenceObject(file);
    if (device !== null) ObDereferenceObject(device);
  }

  private unregister(): void {
    if (this.notification !== null) {
      IoUnregisterPlugPlayNotificationEx(this.notification);
      this.notification = null;
    }
  }

  /** What the PnP manager's target-device notification does to the target (fxiotargetremotekm.cpp `_PlugPlayNotification`). */
  *notify(Event: string): KWAIT_GENERATOR<NTSTATUS> {
    const handle = this.handle;
    if (Event === GUID_TARGET_DEVICE_QUERY_REMOVE) {
      const cb = this.EvtQueryRemove;
      if (cb !== null) return yield* FxRunMayWait(this.device.callDriver(() => cb(handle)));
      yield* this.close(true);
    } else if (Event === GUID_TARGET_DEVICE_REMOVE_CANCELLED) {
      const cb = this.EvtRemoveCanceled;
      if (cb !== null) yield* FxRunMayWait<void>(this.device.callDriver(() => cb(handle)));
      else if (this.targetState === WdfIoTargetClosedForQueryRemove) {
        const reopen = new WDF_IO_TARGET_OPEN_PARAMS();
        WDF_IO_TARGET_OPEN_PARAMS_INIT_REOPEN(reopen);
        yield* this.open(reopen);
      }
    } else if (Event === GUID_TARGET_DEVICE_REMOVE_COMPLETE) {
      const cb = this.EvtRemoveComplete;
      if (cb !== null) yield* FxRunMayWait<void>(this.device.callDriver(() => cb(handle)));
      else yield* this.close(false);
    }
    return STATUS_SUCCESS;
  }

  /** Deleted (by the driver or with its device): closed, its file object released. */
  protected override disposeResources(): void {
    super.disposeResources();
    this.unregister();
    const file = this.TargetFileObject;
    const device = this.referencedDevice;
    this.TargetFileObject = null;
    this.TargetDevice = null;
    this.referencedDevice = null;
    if (file !== null && device === null) ObDereferenceObject(file);
    if (device !== null) ObDereferenceObject(device);
  }
}

function FxIoTargetRemoteNotification(Notification: TARGET_DEVICE_REMOVAL_NOTIFICATION, Context: FxIoTargetRemote): KWAIT_GENERATOR<NTSTATUS> {
  return Context.notify(Notification.Event);
}
