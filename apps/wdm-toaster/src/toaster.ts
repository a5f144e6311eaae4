/**
 * toaster.sys: the function driver for a toaster on the bus (the WDK's WDM
 * func/featured without WMI and wake; its power policy is in toaster-power.ts). A remove lock guards every request; the device
 * interface GUID_DEVINTERFACE_TOASTER is enabled when the device starts and disabled
 * when it stops or goes; requests that arrive while the device is stopping or stopped
 * wait in a queue and run when it starts again; removal fails them.
 */
import {
  DEVICE_CAPABILITIES, DevicePowerState, IRP_MN_QUERY_CAPABILITIES, PoSetPowerState, POWER_STATE, PowerDeviceD0, PowerDeviceUnspecified, PowerSystemWorking,
  type DEVICE_POWER_STATE, type SYSTEM_POWER_STATE,
  DO_BUFFERED_IO, DO_DEVICE_INITIALIZING, DO_POWER_PAGABLE, Executive, FILE_DEVICE_SECURE_OPEN, FILE_DEVICE_UNKNOWN, IO_NO_INCREMENT, IO_REMOVE_LOCK,
  IoAcquireRemoveLock, IoAttachDeviceToDeviceStack, IoCallDriver, IoCompleteRequest, IoCopyCurrentIrpStackLocationToNext, IoCreateDevice, IoDeleteDevice,
  IoDetachDevice, IoGetCurrentIrpStackLocation, IoInitializeRemoveLock, IoInvalidateDeviceState, IoMarkIrpPending, IoRegisterDeviceInterface,
  IoReleaseRemoveLock, IoReleaseRemoveLockAndWait, IoSetCompletionRoutine, IoSetDeviceInterfaceState, IoSkipCurrentIrpStackLocation, IRP_MJ_CLEANUP,
  IRP_MJ_CLOSE, IRP_MJ_CREATE, IRP_MJ_DEVICE_CONTROL, IRP_MJ_PNP, IRP_MJ_POWER, IRP_MJ_READ, IRP_MJ_SYSTEM_CONTROL, IRP_MJ_WRITE,
  IRP_MN_CANCEL_REMOVE_DEVICE, IRP_MN_CANCEL_STOP_DEVICE, IRP_MN_QUERY_PNP_DEVICE_STATE, IRP_MN_QUERY_REMOVE_DEVICE, IRP_MN_QUERY_STOP_DEVICE,
  IRP_MN_REMOVE_DEVICE, IRP_MN_START_DEVICE, IRP_MN_STOP_DEVICE, IRP_MN_SURPRISE_REMOVAL, KeInitializeEvent, KernelMode, KEVENT, KeSetEvent,
  KeWaitForSingleObject, NotificationEvent, NT_SUCCESS, Out, PNP_DEVICE_DONT_DISPLAY_IN_UI, PoCallDriver, POOL_TAG, PoStartNextPowerIrp,
  STATUS_DELETE_PENDING, STATUS_INVALID_DEVICE_REQUEST, STATUS_MORE_PROCESSING_REQUIRED, STATUS_NO_SUCH_DEVICE, STATUS_PENDING, STATUS_SUCCESS, STATUS_UNSUCCESSFUL,
  type DEVICE_OBJECT, type DRIVER_INITIALIZE, type DRIVER_OBJECT, type IRP, type KWAIT_GENERATOR, type NTSTATUS,
} from "@wdfjs/kernel";
import type { ToasterLog } from "./log.js";
import { ToasterDefaultPowerHandler, ToasterDispatchPowerStarted, ToasterSaveCapabilities } from "./toaster-power.js";
import {
  Deleted, NotStarted, PnPMinorName, PowerMinorName, RemovePending, RESTORE_PREVIOUS_PNP_STATE, SET_NEW_PNP_STATE, Started, StopPending, Stopped, SurpriseRemovePending,
  type DEVICE_PNP_STATE,
} from "./pnp-state.js";
import { GUID_DEVINTERFACE_TOASTER, IOCTL_TOASTER_DONT_DISPLAY_IN_UI_DEVICE } from "./public.js";

const TOASTER_POOL_TAG = POOL_TAG("saoT");

/** How toaster.sys behaves; the tests turn on `holdReads` to have a read in flight. */
export interface ToasterDriverOptions {
  /** Keep reads pending until the device stops or goes (a toaster that never toasts). */
  readonly holdReads?: boolean;
  /** Refuse QUERY_REMOVE_DEVICE (a driver that cannot let go: the removal is vetoed). */
  readonly refuseQueryRemove?: boolean;
  /** Fail START_DEVICE after the lower drivers started (hardware that does not answer). */
  readonly failStart?: boolean;
  /** Refuse a system IRP_MN_QUERY_POWER with this status (a toaster that cannot sleep now). */
  readonly failQueryPower?: NTSTATUS;
}

/** QueueState: whether new requests run, or wait in NewRequestsQueue (not started, or not in D0). */
export const AllowRequests = 0;
export const HoldRequests = 1;

export class TOASTER_FDO_DATA {
  Self: DEVICE_OBJECT | null = null;
  UnderlyingPDO: DEVICE_OBJECT | null = null;
  NextLowerDriver: DEVICE_OBJECT | null = null;
  DevicePnPState: DEVICE_PNP_STATE = NotStarted;
  PreviousPnPState: DEVICE_PNP_STATE = NotStarted;
  readonly RemoveLock = new IO_REMOVE_LOCK();
  InterfaceName = "";
  /** Requests held while the device is not started (QueueState: HoldRequests). */
  readonly NewRequestsQueue: IRP[] = [];
  /** Reads held by `holdReads`. */
  readonly HeldReads: IRP[] = [];
  DontDisplayInUI = false;
  QueueState = AllowRequests;
  /** What QUERY_CAPABILITIES reported: the S-to-D mapping power.c uses. */
  readonly DeviceCaps = new DEVICE_CAPABILITIES();
  SystemPowerState: SYSTEM_POWER_STATE = PowerSystemWorking;
  DevicePowerState: DEVICE_POWER_STATE = PowerDeviceUnspecified;
  /** The system power IRP whose device IRP is outstanding (power IRPs of a device come one at a time). */
  PendingSIrp: IRP | null = null;
  constructor(
    readonly Log: ToasterLog,
    readonly Options: ToasterDriverOptions,
  ) {}
}

function complete(Irp: IRP, status: NTSTATUS, information = 0): NTSTATUS {
  Irp.IoStatus.Status = status;
  Irp.IoStatus.Information = information;
  IoCompleteRequest(Irp, IO_NO_INCREMENT);
  return status;
}

function ToasterAddDevice(DriverObject: DRIVER_OBJECT, PhysicalDeviceObject: DEVICE_OBJECT): NTSTATUS {
  const [log, options] = DriverObject.DriverContext as [ToasterLog, ToasterDriverOptions];
  const deviceObject = Out<DEVICE_OBJECT | null>(null);
  let status = IoCreateDevice(DriverObject, () => new TOASTER_FDO_DATA(log, options), null, FILE_DEVICE_UNKNOWN, FILE_DEVICE_SECURE_OPEN, false, deviceObject);
  if (!NT_SUCCESS(status)) return status;
  const fdo = deviceObject.value!;
  const fdoData = fdo.DeviceExtension as TOASTER_FDO_DATA;
  fdoData.Self = fdo;
  fdoData.UnderlyingPDO = PhysicalDeviceObject;
  IoInitializeRemoveLock(fdoData.RemoveLock, TOASTER_POOL_TAG, 1, 100);
  const link = Out("");
  status = IoRegisterDeviceInterface(PhysicalDeviceObject, GUID_DEVINTERFACE_TOASTER, null, link);
  if (!NT_SUCCESS(status)) {
    IoDeleteDevice(fdo);
    return status;
  }
  fdoData.InterfaceName = link.value;
  fdoData.NextLowerDriver = IoAttachDeviceToDeviceStack(fdo, PhysicalDeviceObject);
  if (fdoData.NextLowerDriver === null) {
    IoDeleteDevice(fdo);
    return STATUS_NO_SUCH_DEVICE;
  }
  fdo.Flags |= DO_BUFFERED_IO | DO_POWER_PAGABLE;
  fdo.Flags &= ~DO_DEVICE_INITIALIZING;
  log.add("toaster AddDevice");
  return STATUS_SUCCESS;
}

export function ToasterDispatchPnpComplete(DeviceObject: DEVICE_OBJECT | null, Irp: IRP, Context: any): NTSTATUS {
  void DeviceObject;
  if (Irp.PendingReturned) KeSetEvent(Context as KEVENT, IO_NO_INCREMENT, false);
  // The dispatch routine owns the IRP again and will complete it.
  return STATUS_MORE_PROCESSING_REQUIRED;
}

/** ToasterSendIrpSynchronously: forward and wait for the lower drivers. */
function* ToasterSendIrpSynchronously(DeviceObject: DEVICE_OBJECT, Irp: IRP): KWAIT_GENERATOR<NTSTATUS> {
  const event = new KEVENT();
  KeInitializeEvent(event, NotificationEvent, false);
  IoCopyCurrentIrpStackLocationToNext(Irp);
  IoSetCompletionRoutine(Irp, ToasterDispatchPnpComplete, event, true, true, true);
  let status = IoCallDriver(DeviceObject, Irp);
  if (status === STATUS_PENDING) {
    yield* KeWaitForSingleObject(event, Executive, KernelMode, false, null);
    status = Irp.IoStatus.Status;
  }
  return status;
}

/** Run the requests held while the device was not started or not in D0 (ToasterProcessQueuedRequests). */
export function ToasterProcessQueuedRequests(fdoData: TOASTER_FDO_DATA): void {
  for (const irp of fdoData.NewRequestsQueue.splice(0)) {
    const major = IoGetCurrentIrpStackLocation(irp).MajorFunction;
    ToasterDispatchIo(fdoData, irp, major);
    // The queued request kept its remove lock; the dispatch above took another.
    IoReleaseRemoveLock(fdoData.RemoveLock, irp);
  }
}

/** Fail the held requests (removal): STATUS_NO_SUCH_DEVICE, each one's lock released. */
function ToasterCancelQueued(fdoData: TOASTER_FDO_DATA, held: IRP[]): void {
  for (const irp of held.splice(0)) {
    complete(irp, STATUS_NO_SUCH_DEVICE);
    IoReleaseRemoveLock(fdoData.RemoveLock, irp);
  }
}

function* ToasterDispatchPnp(DeviceObject: DEVICE_OBJECT, Irp: IRP): KWAIT_GENERATOR<NTSTATUS> {
  const fdoData = DeviceObject.DeviceExtension as TOASTER_FDO_DATA;
  const stack = IoGetCurrentIrpStackLocation(Irp);
  fdoData.Log.add(`toaster ${PnPMinorName(Irp)}`);
  let status = IoAcquireRemoveLock(fdoData.RemoveLock, Irp);
  if (!NT_SUCCESS(status)) return complete(Irp, status);
  switch (stack.MinorFunction) {
    case IRP_MN_START_DEVICE:
      // The bus driver and the lower filters start first.
      status = yield* ToasterSendIrpSynchronously(fdoData.NextLowerDriver!, Irp);
      if (NT_SUCCESS(status) && fdoData.Options.failStart) status = STATUS_UNSUCCESSFUL;
      if (NT_SUCCESS(status)) {
        // A started device is in D0.
        fdoData.DevicePowerState = PowerDeviceD0;
        PoSetPowerState(DeviceObject, DevicePowerState, new POWER_STATE(PowerDeviceD0));
        SET_NEW_PNP_STATE(fdoData, Started);
        status = IoSetDeviceInterfaceState(fdoData.InterfaceName, true);
        ToasterProcessQueuedRequests(fdoData);
      }
      fdoData.Log.add("toaster START_DEVICE done");
      complete(Irp, status, Irp.IoStatus.Information);
      IoReleaseRemoveLock(fdoData.RemoveLock, Irp);
      return status;

    case IRP_MN_QUERY_STOP_DEVICE:
      // New requests wait in the queue until the device starts again or the stop is cancelled.
      SET_NEW_PNP_STATE(fdoData, StopPending);
      Irp.IoStatus.Status = STATUS_SUCCESS;
      break;

    case IRP_MN_CANCEL_STOP_DEVICE:
      // The lower drivers must see the cancel first.
      status = yield* ToasterSendIrpSynchronously(fdoData.NextLowerDriver!, Irp);
      if (NT_SUCCESS(status) && fdoData.DevicePnPState === StopPending) {
        RESTORE_PREVIOUS_PNP_STATE(fdoData);
        ToasterProcessQueuedRequests(fdoData);
      }
      complete(Irp, status, Irp.IoStatus.Information);
      IoReleaseRemoveLock(fdoData.RemoveLock, Irp);
      return status;

    case IRP_MN_STOP_DEVICE:
      SET_NEW_PNP_STATE(fdoData, Stopped);
      IoSetDeviceInterfaceState(fdoData.InterfaceName, false);
      ToasterCancelQueued(fdoData, fdoData.HeldReads);
      Irp.IoStatus.Status = STATUS_SUCCESS;
      break;

    case IRP_MN_QUERY_REMOVE_DEVICE:
      if (fdoData.Options.refuseQueryRemove) {
        // The veto: the IRP goes no further down.
        complete(Irp, STATUS_UNSUCCESSFUL);
        IoReleaseRemoveLock(fdoData.RemoveLock, Irp);
        return STATUS_UNSUCCESSFUL;
      }
      SET_NEW_PNP_STATE(fdoData, RemovePending);
      Irp.IoStatus.Status = STATUS_SUCCESS;
      break;

    case IRP_MN_CANCEL_REMOVE_DEVICE:
      status = yield* ToasterSendIrpSynchronously(fdoData.NextLowerDriver!, Irp);
      if (NT_SUCCESS(status) && fdoData.DevicePnPState === RemovePending) {
        RESTORE_PREVIOUS_PNP_STATE(fdoData);
        ToasterProcessQueuedRequests(fdoData);
      }
      complete(Irp, status, Irp.IoStatus.Information);
      IoReleaseRemoveLock(fdoData.RemoveLock, Irp);
      return status;

    case IRP_MN_SURPRISE_REMOVAL:
      // The hardware is gone: fail what waits, and what comes, until REMOVE_DEVICE.
      SET_NEW_PNP_STATE(fdoData, SurpriseRemovePending);
      IoSetDeviceInterfaceState(fdoData.InterfaceName, false);
      ToasterCancelQueued(fdoData, fdoData.NewRequestsQueue);
      ToasterCancelQueued(fdoData, fdoData.HeldReads);
      Irp.IoStatus.Status = STATUS_SUCCESS;
      break;

    case IRP_MN_REMOVE_DEVICE: {
      // After a surprise removal the interface is disabled already.
      if (fdoData.DevicePnPState !== SurpriseRemovePending) IoSetDeviceInterfaceState(fdoData.InterfaceName, false);
      SET_NEW_PNP_STATE(fdoData, Deleted);
      ToasterCancelQueued(fdoData, fdoData.NewRequestsQueue);
      ToasterCancelQueued(fdoData, fdoData.HeldReads);
      Irp.IoStatus.Status = STATUS_SUCCESS;
      IoSkipCurrentIrpStackLocation(Irp);
      status = IoCallDriver(fdoData.NextLowerDriver!, Irp);
      // Wait for every request that holds the lock, then go.
      yield* IoReleaseRemoveLockAndWait(fdoData.RemoveLock, Irp);
      IoDetachDevice(fdoData.NextLowerDriver!);
      IoDeleteDevice(DeviceObject);
      return status;
    }

    case IRP_MN_QUERY_CAPABILITIES: {
      // The bus fills the capabilities in; keep its S-to-D mapping for power.c.
      status = yield* ToasterSendIrpSynchronously(fdoData.NextLowerDriver!, Irp);
      if (NT_SUCCESS(status)) ToasterSaveCapabilities(fdoData, stack.Parameters.DeviceCapabilities.Capabilities);
      complete(Irp, status, Irp.IoStatus.Information);
      IoReleaseRemoveLock(fdoData.RemoveLock, Irp);
      return status;
    }

    case IRP_MN_QUERY_PNP_DEVICE_STATE:
      // IOCTL_TOASTER_DONT_DISPLAY_IN_UI_DEVICE asked to be hidden from Device Manager.
      if (fdoData.DontDisplayInUI) {
        Irp.IoStatus.Information |= PNP_DEVICE_DONT_DISPLAY_IN_UI;
        Irp.IoStatus.Status = STATUS_SUCCESS;
      }
      break;

    default:
      break;
  }
  IoSkipCurrentIrpStackLocation(Irp);
  status = IoCallDriver(fdoData.NextLowerDriver!, Irp);
  IoReleaseRemoveLock(fdoData.RemoveLock, Irp);
  return status;
}

/** Read, write and device control once the device is started. */
function ToasterDispatchIo(fdoData: TOASTER_FDO_DATA, Irp: IRP, major: number): NTSTATUS {
  const stack = IoGetCurrentIrpStackLocation(Irp);
  let status = IoAcquireRemoveLock(fdoData.RemoveLock, Irp);
  if (!NT_SUCCESS(status)) return complete(Irp, status);
  switch (major) {
    case IRP_MJ_READ:
      fdoData.Log.add(`toaster READ ${stack.Parameters.Read.Length}`);
      if (fdoData.Options.holdReads) {
        IoMarkIrpPending(Irp);
        // The remove lock stays held with the request.
        fdoData.HeldReads.push(Irp);
        return STATUS_PENDING;
      }
      // A toaster has nothing to read: success, no bytes.
      status = complete(Irp, STATUS_SUCCESS, 0);
      break;
    case IRP_MJ_WRITE:
      fdoData.Log.add(`toaster WRITE ${stack.Parameters.Write.Length}`);
      status = complete(Irp, STATUS_SUCCESS, stack.Parameters.Write.Length);
      break;
    default:
      if (stack.Parameters.DeviceIoControl.IoControlCode === IOCTL_TOASTER_DONT_DISPLAY_IN_UI_DEVICE) {
        // Hide the device: the PnP manager asks QUERY_PNP_DEVICE_STATE again.
        fdoData.DontDisplayInUI = true;
        IoInvalidateDeviceState(fdoData.UnderlyingPDO!);
        status = complete(Irp, STATUS_SUCCESS);
      } else {
        status = complete(Irp, STATUS_INVALID_DEVICE_REQUEST);
      }
  }
  IoReleaseRemoveLock(fdoData.RemoveLock, Irp);
  return status;
}

/** ToasterDispatchIO: hold requests while not started, fail them once removed. */
function ToasterDispatchIO(DeviceObject: DEVICE_OBJECT, Irp: IRP): NTSTATUS {
  const fdoData = DeviceObject.DeviceExtension as TOASTER_FDO_DATA;
  const major = IoGetCurrentIrpStackLocation(Irp).MajorFunction;
  const state = fdoData.DevicePnPState;
  if ((state === Started || state === RemovePending) && fdoData.QueueState === AllowRequests) return ToasterDispatchIo(fdoData, Irp, major);
  // Not started, or powered down (HoldRequests): the request waits for START or D0.
  if (state === Started || state === RemovePending || state === StopPending || state === Stopped || state === NotStarted) {
    const status = IoAcquireRemoveLock(fdoData.RemoveLock, Irp);
    if (!NT_SUCCESS(status)) return complete(Irp, status);
    IoMarkIrpPending(Irp);
    fdoData.NewRequestsQueue.push(Irp);
    return STATUS_PENDING;
  }
  return complete(Irp, STATUS_NO_SUCH_DEVICE);
}

function ToasterCreateClose(DeviceObject: DEVICE_OBJECT, Irp: IRP): NTSTATUS {
  const fdoData = DeviceObject.DeviceExtension as TOASTER_FDO_DATA;
  const major = IoGetCurrentIrpStackLocation(Irp).MajorFunction;
  // A removed device takes no new handles; closing the old ones always works.
  if (major === IRP_MJ_CREATE && (fdoData.DevicePnPState === SurpriseRemovePending || fdoData.DevicePnPState === Deleted)) {
    return complete(Irp, STATUS_DELETE_PENDING);
  }
  if (major === IRP_MJ_CLEANUP) {
    // The handle's last reference is going: its held requests end with it.
    const file = IoGetCurrentIrpStackLocation(Irp).FileObject;
    const mine = fdoData.HeldReads.filter((r) => IoGetCurrentIrpStackLocation(r).FileObject === file);
    for (const r of mine) fdoData.HeldReads.splice(fdoData.HeldReads.indexOf(r), 1);
    ToasterCancelQueued(fdoData, mine);
  }
  return complete(Irp, STATUS_SUCCESS);
}

/** ToasterDispatchPower: power.c's policy (toaster-power.ts) for a started device; anything else passes down. */
function ToasterDispatchPower(DeviceObject: DEVICE_OBJECT, Irp: IRP): NTSTATUS {
  const fdoData = DeviceObject.DeviceExtension as TOASTER_FDO_DATA;
  fdoData.Log.add(`toaster ${PowerMinorName(Irp)}`);
  // A removed device takes no power IRPs.
  if (fdoData.DevicePnPState === Deleted) {
    PoStartNextPowerIrp(Irp);
    return complete(Irp, STATUS_NO_SUCH_DEVICE);
  }
  const status = IoAcquireRemoveLock(fdoData.RemoveLock, Irp);
  if (!NT_SUCCESS(status)) {
    PoStartNextPowerIrp(Irp);
    return complete(Irp, status);
  }
  // Not started: the device has no power state to manage yet.
  if (fdoData.DevicePnPState === NotStarted) return ToasterDefaultPowerHandler(fdoData, Irp);
  return ToasterDispatchPowerStarted(fdoData, Irp);
}

function ToasterSystemControl(DeviceObject: DEVICE_OBJECT, Irp: IRP): NTSTATUS {
  const fdoData = DeviceObject.DeviceExtension as TOASTER_FDO_DATA;
  IoSkipCurrentIrpStackLocation(Irp);
  return IoCallDriver(fdoData.NextLowerDriver!, Irp);
}

/** toaster.sys's DriverEntry. */
export function ToasterDriverEntry(log: ToasterLog, options: ToasterDriverOptions = {}): DRIVER_INITIALIZE {
  return (DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS => {
    void RegistryPath;
    DriverObject.DriverContext = [log, options];
    log.add("toaster DriverEntry");
    DriverObject.MajorFunction[IRP_MJ_PNP] = ToasterDispatchPnp;
    DriverObject.MajorFunction[IRP_MJ_POWER] = ToasterDispatchPower;
    DriverObject.MajorFunction[IRP_MJ_CREATE] = ToasterCreateClose;
    DriverObject.MajorFunction[IRP_MJ_CLOSE] = ToasterCreateClose;
    DriverObject.MajorFunction[IRP_MJ_CLEANUP] = ToasterCreateClose;
    DriverObject.MajorFunction[IRP_MJ_READ] = ToasterDispatchIO;
    DriverObject.MajorFunction[IRP_MJ_WRITE] = ToasterDispatchIO;
    DriverObject.MajorFunction[IRP_MJ_DEVICE_CONTROL] = ToasterDispatchIO;
    DriverObject.MajorFunction[IRP_MJ_SYSTEM_CONTROL] = ToasterSystemControl;
    DriverObject.DriverExtension.AddDevice = ToasterAddDevice;
    DriverObject.DriverUnload = () => undefined;
    return STATUS_SUCCESS;
  };
}
