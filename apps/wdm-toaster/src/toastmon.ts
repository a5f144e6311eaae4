/**
 * toastmon.sys: a root-enumerated driver (`root\toastmon`) that watches for toasters, as
 * the WDK's toastmon does. AddDevice registers for GUID_DEVINTERFACE_TOASTER arrivals and
 * removals (existing ones included); for each toaster that arrives it opens the device
 * by its interface name (IoGetDeviceObjectPointer), writes 120 bytes and reads 100 with
 * IRPs of its own, and closes it again (drops the file object).
 */
import {
  DO_DEVICE_INITIALIZING, EventCategoryDeviceInterfaceChange, Executive, FILE_DEVICE_UNKNOWN, FILE_OBJECT, FILE_READ_DATA, FILE_WRITE_DATA,
  GUID_DEVICE_INTERFACE_ARRIVAL, GUID_DEVICE_INTERFACE_REMOVAL, IO_STATUS_BLOCK, IoAttachDeviceToDeviceStack, IoBuildSynchronousFsdRequest, IoCallDriver,
  IoCreateDevice, IoDeleteDevice, IoDetachDevice, IoGetCurrentIrpStackLocation, IoGetDeviceObjectPointer, IoGetNextIrpStackLocation, IoRegisterPlugPlayNotification,
  IoSkipCurrentIrpStackLocation, IoUnregisterPlugPlayNotificationEx, IRP_MJ_PNP, IRP_MJ_POWER, IRP_MJ_READ, IRP_MJ_WRITE, IRP_MN_REMOVE_DEVICE,
  ExAllocatePool2, ExFreePoolWithTag, KeInitializeEvent, KernelMode, KEVENT, KeWaitForSingleObject, NotificationEvent, NT_SUCCESS, ObDereferenceObject, Out,
  PNPNOTIFY_DEVICE_INTERFACE_INCLUDE_EXISTING_INTERFACES, PoCallDriver, POOL_FLAG_NON_PAGED, POOL_TAG, PoStartNextPowerIrp, STATUS_INSUFFICIENT_RESOURCES,
  STATUS_NO_SUCH_DEVICE, STATUS_PENDING, STATUS_SUCCESS,
  type DEVICE_INTERFACE_CHANGE_NOTIFICATION, type DEVICE_OBJECT, type DRIVER_INITIALIZE, type DRIVER_OBJECT, type IRP, type KWAIT_GENERATOR, type NTSTATUS,
  type PNP_NOTIFICATION_ENTRY,
} from "@wdfjs/kernel";
import type { ToasterLog } from "./log.js";
import { GUID_DEVINTERFACE_TOASTER } from "./public.js";

const TOASTMON_POOL_TAG = POOL_TAG("MtsT");
export const READ_BUF_SIZE = 100;
export const WRITE_BUF_SIZE = 120;

export class TOASTMON_DEVICE_EXTENSION {
  Self: DEVICE_OBJECT | null = null;
  NextLowerDriver: DEVICE_OBJECT | null = null;
  NotificationHandle: PNP_NOTIFICATION_ENTRY | null = null;
  constructor(readonly Log: ToasterLog) {}
}

/** One read or write of `length` bytes to the toaster through its file object; the bytes transferred, or a failure status. */
function* ToastMon_SendIo(major: number, target: DEVICE_OBJECT, file: FILE_OBJECT, buffer: number, length: number): KWAIT_GENERATOR<[NTSTATUS, number]> {
  const event = new KEVENT();
  KeInitializeEvent(event, NotificationEvent, false);
  const iosb = new IO_STATUS_BLOCK();
  const irp = IoBuildSynchronousFsdRequest(major, target, buffer, length, 0, event, iosb);
  if (irp === null) return [STATUS_INSUFFICIENT_RESOURCES, 0];
  // The request is on behalf of our open of the toaster.
  IoGetNextIrpStackLocation(irp).FileObject = file;
  let status = IoCallDriver(target, irp);
  if (status === STATUS_PENDING) {
    yield* KeWaitForSingleObject(event, Executive, KernelMode, false, null);
    status = iosb.Status;
  }
  return [status, iosb.Information];
}

/** The notification callback: PASSIVE_LEVEL, on a system worker thread. */
function* ToastMon_PnpNotifyInterfaceChange(Notification: DEVICE_INTERFACE_CHANGE_NOTIFICATION, Context: any): KWAIT_GENERATOR<NTSTATUS> {
  const ext = Context as TOASTMON_DEVICE_EXTENSION;
  const log = ext.Log;
  if (Notification.Event === GUID_DEVICE_INTERFACE_REMOVAL) {
    log.add(`toastmon removal ${Notification.SymbolicLinkName}`);
    return STATUS_SUCCESS;
  }
  if (Notification.Event !== GUID_DEVICE_INTERFACE_ARRIVAL) return STATUS_SUCCESS;
  log.add(`toastmon arrival ${Notification.SymbolicLinkName}`);
  const file = Out<FILE_OBJECT | null>(null);
  const target = Out<DEVICE_OBJECT | null>(null);
  const status = yield* IoGetDeviceObjectPointer(Notification.SymbolicLinkName, FILE_READ_DATA | FILE_WRITE_DATA, file, target);
  if (!NT_SUCCESS(status)) {
    // The toaster may already be going: nothing to talk to.
    log.add(`toastmon open failed 0x${(status >>> 0).toString(16)}`);
    return STATUS_SUCCESS;
  }
  const buffer = ExAllocatePool2(POOL_FLAG_NON_PAGED, WRITE_BUF_SIZE, TOASTMON_POOL_TAG);
  if (buffer !== 0) {
    const [ws, written] = yield* ToastMon_SendIo(IRP_MJ_WRITE, target.value!, file.value!, buffer, WRITE_BUF_SIZE);
    log.add(`toastmon write 0x${(ws >>> 0).toString(16)} ${written}`);
    const [rs, read] = yield* ToastMon_SendIo(IRP_MJ_READ, target.value!, file.value!, buffer, READ_BUF_SIZE);
    log.add(`toastmon read 0x${(rs >>> 0).toString(16)} ${read}`);
    ExFreePoolWithTag(buffer, TOASTMON_POOL_TAG);
  } else {
    log.add("toastmon no memory");
  }
  // Dropping the file object closes our open of the toaster: it may be removed now.
  ObDereferenceObject(file.value!);
  return STATUS_SUCCESS;
}

function ToastMon_AddDevice(DriverObject: DRIVER_OBJECT, PhysicalDeviceObject: DEVICE_OBJECT): NTSTATUS {
  const log = DriverObject.DriverContext as ToasterLog;
  const deviceObject = Out<DEVICE_OBJECT | null>(null);
  let status = IoCreateDevice(DriverObject, () => new TOASTMON_DEVICE_EXTENSION(log), null, FILE_DEVICE_UNKNOWN, 0, false, deviceObject);
  if (!NT_SUCCESS(status)) return status;
  const fdo = deviceObject.value!;
  const ext = fdo.DeviceExtension as TOASTMON_DEVICE_EXTENSION;
  ext.Self = fdo;
  ext.NextLowerDriver = IoAttachDeviceToDeviceStack(fdo, PhysicalDeviceObject);
  if (ext.NextLowerDriver === null) {
    IoDeleteDevice(fdo);
    return STATUS_NO_SUCH_DEVICE;
  }
  const entry = Out<PNP_NOTIFICATION_ENTRY | null>(null);
  status = IoRegisterPlugPlayNotification(EventCategoryDeviceInterfaceChange, PNPNOTIFY_DEVICE_INTERFACE_INCLUDE_EXISTING_INTERFACES, GUID_DEVINTERFACE_TOASTER,
    DriverObject, ToastMon_PnpNotifyInterfaceChange, ext, entry);
  if (!NT_SUCCESS(status)) {
    IoDetachDevice(ext.NextLowerDriver);
    IoDeleteDevice(fdo);
    return status;
  }
  ext.NotificationHandle = entry.value;
  fdo.Flags &= ~DO_DEVICE_INITIALIZING;
  log.add("toastmon AddDevice");
  return STATUS_SUCCESS;
}

function ToastMon_DispatchPnp(DeviceObject: DEVICE_OBJECT, Irp: IRP): NTSTATUS {
  const ext = DeviceObject.DeviceExtension as TOASTMON_DEVICE_EXTENSION;
  if (IoGetCurrentIrpStackLocation(Irp).MinorFunction === IRP_MN_REMOVE_DEVICE) {
    // No callback starts once the registration is gone.
    if (ext.NotificationHandle !== null) IoUnregisterPlugPlayNotificationEx(ext.NotificationHandle);
    ext.NotificationHandle = null;
    Irp.IoStatus.Status = STATUS_SUCCESS;
    IoSkipCurrentIrpStackLocation(Irp);
    const status = IoCallDriver(ext.NextLowerDriver!, Irp);
    IoDetachDevice(ext.NextLowerDriver!);
    IoDeleteDevice(DeviceObject);
    return status;
  }
  IoSkipCurrentIrpStackLocation(Irp);
  return IoCallDriver(ext.NextLowerDriver!, Irp);
}

function ToastMon_DispatchPower(DeviceObject: DEVICE_OBJECT, Irp: IRP): NTSTATUS {
  const ext = DeviceObject.DeviceExtension as TOASTMON_DEVICE_EXTENSION;
  PoStartNextPowerIrp(Irp);
  IoSkipCurrentIrpStackLocation(Irp);
  return PoCallDriver(ext.NextLowerDriver!, Irp);
}

/** toastmon.sys's DriverEntry. */
export function ToastMonDriverEntry(log: ToasterLog): DRIVER_INITIALIZE {
  return (DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS => {
    void RegistryPath;
    DriverObject.DriverContext = log;
    DriverObject.MajorFunction[IRP_MJ_PNP] = ToastMon_DispatchPnp;
    DriverObject.MajorFunction[IRP_MJ_POWER] = ToastMon_DispatchPower;
    DriverObject.DriverExtension.AddDevice = ToastMon_AddDevice;
    DriverObject.DriverUnload = () => undefined;
    return STATUS_SUCCESS;
  };
}
