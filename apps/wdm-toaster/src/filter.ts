/**
 * filter.sys: the WDK's generic WDM device filter (general/toaster/filter), installed as
 * an upper and a lower device filter of the toaster (devupper, devlower) and as an upper
 * and a lower class filter of the Toaster class (clsupper, clslower). It passes every
 * request down untouched; it logs what it sees so the stack order shows.
 */
import {
  DO_BUFFERED_IO, DO_DEVICE_INITIALIZING, DO_DIRECT_IO, DO_POWER_PAGABLE, Executive, FILE_DEVICE_SECURE_OPEN, IO_NO_INCREMENT, IO_REMOVE_LOCK,
  IoAcquireRemoveLock, IoAttachDeviceToDeviceStack, IoCallDriver, IoCompleteRequest, IoCopyCurrentIrpStackLocationToNext, IoCreateDevice, IoDeleteDevice,
  IoDetachDevice, IoGetCurrentIrpStackLocation, IoInitializeRemoveLock, IoReleaseRemoveLock, IoReleaseRemoveLockAndWait, IoSetCompletionRoutine,
  IoSkipCurrentIrpStackLocation, IRP_MJ_MAXIMUM_FUNCTION, IRP_MJ_PNP, IRP_MJ_POWER, IRP_MN_REMOVE_DEVICE, IRP_MN_START_DEVICE, KeInitializeEvent,
  KernelMode, KEVENT, KeSetEvent, KeWaitForSingleObject, NotificationEvent, NT_SUCCESS, Out, PoCallDriver, POOL_TAG, PoStartNextPowerIrp,
  STATUS_MORE_PROCESSING_REQUIRED, STATUS_NO_SUCH_DEVICE, STATUS_PENDING, STATUS_SUCCESS,
  type DEVICE_OBJECT, type DRIVER_INITIALIZE, type DRIVER_OBJECT, type IRP, type KWAIT_GENERATOR, type NTSTATUS,
} from "@wdfjs/kernel";
import type { ToasterLog } from "./log.js";
import { Deleted, NotStarted, PnPMinorName, PowerMinorName, SET_NEW_PNP_STATE, Started, type DEVICE_PNP_STATE } from "./pnp-state.js";

const FILTER_POOL_TAG = POOL_TAG("liFT");

export class FILTER_DEVICE_EXTENSION {
  Self: DEVICE_OBJECT | null = null;
  NextLowerDriver: DEVICE_OBJECT | null = null;
  DevicePnPState: DEVICE_PNP_STATE = NotStarted;
  PreviousPnPState: DEVICE_PNP_STATE = NotStarted;
  readonly RemoveLock = new IO_REMOVE_LOCK();
  constructor(
    /** The service this instance of filter.sys runs as: how it signs the log. */
    readonly Name: string,
    readonly Log: ToasterLog,
  ) {}
}

interface FilterContext {
  readonly Name: string;
  readonly Log: ToasterLog;
}

function FilterAddDevice(DriverObject: DRIVER_OBJECT, PhysicalDeviceObject: DEVICE_OBJECT): NTSTATUS {
  const c = DriverObject.DriverContext as FilterContext;
  const deviceObject = Out<DEVICE_OBJECT | null>(null);
  // A filter takes the device type and characteristics of the device below it.
  const status = IoCreateDevice(DriverObject, () => new FILTER_DEVICE_EXTENSION(c.Name, c.Log), null, PhysicalDeviceObject.DeviceType, FILE_DEVICE_SECURE_OPEN, false, deviceObject);
  if (!NT_SUCCESS(status)) return status;
  const fdo = deviceObject.value!;
  const ext = fdo.DeviceExtension as FILTER_DEVICE_EXTENSION;
  ext.NextLowerDriver = IoAttachDeviceToDeviceStack(fdo, PhysicalDeviceObject);
  if (ext.NextLowerDriver === null) {
    IoDeleteDevice(fdo);
    return STATUS_NO_SUCH_DEVICE;
  }
  // The I/O manager looks at the top device's flags: copy the buffering method and power
  // pagability of the device below, so the filter is invisible.
  fdo.Flags |= ext.NextLowerDriver.Flags & (DO_BUFFERED_IO | DO_DIRECT_IO | DO_POWER_PAGABLE);
  fdo.DeviceType = ext.NextLowerDriver.DeviceType;
  fdo.Characteristics = ext.NextLowerDriver.Characteristics;
  ext.Self = fdo;
  IoInitializeRemoveLock(ext.RemoveLock, FILTER_POOL_TAG, 1, 100);
  fdo.Flags &= ~DO_DEVICE_INITIALIZING;
  c.Log.add(`${c.Name} AddDevice`);
  return STATUS_SUCCESS;
}

function complete(Irp: IRP, status: NTSTATUS): NTSTATUS {
  Irp.IoStatus.Status = status;
  IoCompleteRequest(Irp, IO_NO_INCREMENT);
  return status;
}

/** FilterPass: everything but PnP and power goes down as it came. */
function FilterPass(DeviceObject: DEVICE_OBJECT, Irp: IRP): NTSTATUS {
  const ext = DeviceObject.DeviceExtension as FILTER_DEVICE_EXTENSION;
  const status = IoAcquireRemoveLock(ext.RemoveLock, Irp);
  if (!NT_SUCCESS(status)) return complete(Irp, status);
  IoSkipCurrentIrpStackLocation(Irp);
  const st = IoCallDriver(ext.NextLowerDriver!, Irp);
  IoReleaseRemoveLock(ext.RemoveLock, Irp);
  return st;
}

function FilterStartCompletionRoutine(DeviceObject: DEVICE_OBJECT | null, Irp: IRP, Context: any): NTSTATUS {
  void DeviceObject;
  if (Irp.PendingReturned) KeSetEvent(Context as KEVENT, IO_NO_INCREMENT, false);
  return STATUS_MORE_PROCESSING_REQUIRED;
}

function* FilterDispatchPnp(DeviceObject: DEVICE_OBJECT, Irp: IRP): KWAIT_GENERATOR<NTSTATUS> {
  const ext = DeviceObject.DeviceExtension as FILTER_DEVICE_EXTENSION;
  const irpStack = IoGetCurrentIrpStackLocation(Irp);
  ext.Log.add(`${ext.Name} ${PnPMinorName(Irp)}`);
  let status = IoAcquireRemoveLock(ext.RemoveLock, Irp);
  if (!NT_SUCCESS(status)) return complete(Irp, status);
  switch (irpStack.MinorFunction) {
    case IRP_MN_START_DEVICE: {
      // The device below starts first; the filter waits for it to finish.
      const event = new KEVENT();
      KeInitializeEvent(event, NotificationEvent, false);
      IoCopyCurrentIrpStackLocationToNext(Irp);
      IoSetCompletionRoutine(Irp, FilterStartCompletionRoutine, event, true, true, true);
      status = IoCallDriver(ext.NextLowerDriver!, Irp);
      if (status === STATUS_PENDING) {
        yield* KeWaitForSingleObject(event, Executive, KernelMode, false, null);
        status = Irp.IoStatus.Status;
      }
      if (NT_SUCCESS(status)) {
        SET_NEW_PNP_STATE(ext, Started);
        // The lower driver may have changed its characteristics while starting.
        DeviceObject.Characteristics = ext.NextLowerDriver!.Characteristics;
      }
      ext.Log.add(`${ext.Name} START_DEVICE done`);
      complete(Irp, status);
      IoReleaseRemoveLock(ext.RemoveLock, Irp);
      return status;
    }
    case IRP_MN_REMOVE_DEVICE: {
      // Wait for the requests in flight, then detach and go.
      yield* IoReleaseRemoveLockAndWait(ext.RemoveLock, Irp);
      IoSkipCurrentIrpStackLocation(Irp);
      status = IoCallDriver(ext.NextLowerDriver!, Irp);
      SET_NEW_PNP_STATE(ext, Deleted);
      IoDetachDevice(ext.NextLowerDriver!);
      IoDeleteDevice(DeviceObject);
      return status;
    }
    default:
      // A filter does not change what the function driver decided: pass the IRP on.
      IoSkipCurrentIrpStackLocation(Irp);
      status = IoCallDriver(ext.NextLowerDriver!, Irp);
      IoReleaseRemoveLock(ext.RemoveLock, Irp);
      return status;
  }
}

function FilterDispatchPower(DeviceObject: DEVICE_OBJECT, Irp: IRP): NTSTATUS {
  const ext = DeviceObject.DeviceExtension as FILTER_DEVICE_EXTENSION;
  ext.Log.add(`${ext.Name} ${PowerMinorName(Irp)}`);
  PoStartNextPowerIrp(Irp);
  const status = IoAcquireRemoveLock(ext.RemoveLock, Irp);
  if (!NT_SUCCESS(status)) return complete(Irp, status);
  IoSkipCurrentIrpStackLocation(Irp);
  const st = PoCallDriver(ext.NextLowerDriver!, Irp);
  IoReleaseRemoveLock(ext.RemoveLock, Irp);
  return st;
}

/** filter.sys's DriverEntry, for the service `name`. */
export function FilterDriverEntry(name: string, log: ToasterLog): DRIVER_INITIALIZE {
  return (DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS => {
    void RegistryPath;
    const context: FilterContext = { Name: name, Log: log };
    DriverObject.DriverContext = context;
    log.add(`${name} DriverEntry`);
    for (let i = 0; i <= IRP_MJ_MAXIMUM_FUNCTION; i++) DriverObject.MajorFunction[i] = FilterPass;
    DriverObject.MajorFunction[IRP_MJ_PNP] = FilterDispatchPnp;
    DriverObject.MajorFunction[IRP_MJ_POWER] = FilterDispatchPower;
    DriverObject.DriverExtension.AddDevice = FilterAddDevice;
    DriverObject.DriverUnload = () => undefined;
    return STATUS_SUCCESS;
  };
}
