/**
 * toastmon.c of WDK general/toaster/toastDrv/kmdf/toastmon: a root-enumerated KMDF driver
 * (`root\toastmon`) that watches for toasters. It registers for GUID_DEVINTERFACE_TOASTER
 * arrivals (IoRegisterPlugPlayNotification; the framework has no WDF form of it); for each toaster
 * it opens a remote WDFIOTARGET by the interface's symbolic link, creates two requests and a
 * passive-level timer that every second posts a 100-byte read and a 120-byte write; the
 * completion routines scrub the requests for reuse. The target's query-remove, remove-canceled and
 * remove-complete callbacks close, reopen and delete it; D0Exit and D0Entry purge and restart the
 * targets. The WMI arrival notification (RegisterForWMINotification) is not ported.
 * The WDM port of the same monitor is `@wdfjs/sample-wdm-toaster`'s toastmon.ts.
 */
import {
  EventCategoryDeviceInterfaceChange, FILE_SHARE_READ, FILE_SHARE_WRITE, GUID_DEVICE_INTERFACE_ARRIVAL, IoRegisterPlugPlayNotification, IoUnregisterPlugPlayNotification,
  NonPagedPoolNx, NT_SUCCESS, Out, PNPNOTIFY_DEVICE_INTERFACE_INCLUDE_EXISTING_INTERFACES, POOL_TAG, STATUS_INVALID_DEVICE_REQUEST, STATUS_SUCCESS,
  type DEVICE_INTERFACE_CHANGE_NOTIFICATION, type DRIVER_OBJECT, type KWAIT_GENERATOR, type NTSTATUS, type PNP_NOTIFICATION_ENTRY,
} from "@wdfjs/kernel";
import {
  WDF_DECLARE_CONTEXT_TYPE_WITH_NAME, WDF_DRIVER_CONFIG, WDF_DRIVER_CONFIG_INIT, WDF_IO_TARGET_OPEN_PARAMS, WDF_IO_TARGET_OPEN_PARAMS_INIT_OPEN_BY_NAME,
  WDF_IO_TARGET_OPEN_PARAMS_INIT_REOPEN, WDF_OBJECT_ATTRIBUTES, WDF_OBJECT_ATTRIBUTES_INIT, WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE, WDF_PNPPOWER_EVENT_CALLBACKS,
  WDF_PNPPOWER_EVENT_CALLBACKS_INIT, WDF_REL_TIMEOUT_IN_MS, WDF_REL_TIMEOUT_IN_SEC, WDF_REQUEST_REUSE_NO_FLAGS, WDF_REQUEST_REUSE_PARAMS, WDF_REQUEST_REUSE_PARAMS_INIT,
  WDF_TIMER_CONFIG, WDF_TIMER_CONFIG_INIT, WdfCollectionAdd, WdfCollectionCreate, WdfCollectionGetCount, WdfCollectionGetItem, WdfCollectionRemove, WdfDeviceCreate,
  WdfDeviceInitSetPnpPowerEventCallbacks, WdfDriverCreate, WdfDriverWdmGetDriverObject, WdfExecutionLevelPassive, WdfGetDriver, WdfIoTargetCloseForQueryRemove,
  WdfIoTargetCreate, WdfIoTargetFormatRequestForRead, WdfIoTargetFormatRequestForWrite, WdfIoTargetOpen, WdfIoTargetPurge, WdfIoTargetPurgeIoAndWait, WdfIoTargetStart,
  WdfMemoryCreate, WdfObjectDelete, WdfRequestCreate, WdfRequestGetStatus, WdfRequestReuse, WdfRequestSend, WdfRequestSetCompletionRoutine, WdfTimerCreate, WdfTimerStart,
  WdfTimerStop, WdfWaitLockAcquire, WdfWaitLockCreate, WdfWaitLockRelease, type PWDF_REQUEST_COMPLETION_PARAMS, type PWDFDEVICE_INIT, type WDF_POWER_DEVICE_STATE,
  type WDFCOLLECTION, type WDFDEVICE, type WDFDRIVER, type WDFIOTARGET, type WDFMEMORY, type WDFOBJECT, type WDFREQUEST, type WDFTIMER, type WDFWAITLOCK,
} from "@wdfjs/kmdf";
import { GUID_DEVINTERFACE_TOASTER } from "@wdfjs/sample-wdm-toaster";
import type { KmdfToasterLog } from "./log.js";

/** toastmon.h: the pool tag ("TMON") and the sizes of what the monitor reads and writes. */
export const DRIVER_TAG = POOL_TAG("TMON");
export const READ_BUF_SIZE = 100;
export const WRITE_BUF_SIZE = 120;

/** toastmon.h's DEVICE_EXTENSION: the monitor device's context (its WMI member is not ported; Log is the sample's KdPrint). */
export class DEVICE_EXTENSION {
  WdfDevice: WDFDEVICE | null = null;
  NotificationHandle: PNP_NOTIFICATION_ENTRY | null = null;
  TargetDeviceCollection: WDFCOLLECTION | null = null;
  TargetDeviceCollectionLock: WDFWAITLOCK | null = null;
  Log: KmdfToasterLog | null = null;
}
export const GetDeviceExtension = WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(DEVICE_EXTENSION, "GetDeviceExtension");

/** toastmon.h's TARGET_DEVICE_INFO: each toaster target's context. */
export class TARGET_DEVICE_INFO {
  DeviceExtension: DEVICE_EXTENSION | null = null;
  ReadRequest: WDFREQUEST | null = null;
  WriteRequest: WDFREQUEST | null = null;
  TimerForPostingRequests: WDFTIMER | null = null;
}
export const GetTargetDeviceInfo = WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(TARGET_DEVICE_INFO, "GetTargetDeviceInfo");

/** toastmon.h's TIMER_CONTEXT: which target a timer posts to. */
export class TIMER_CONTEXT {
  IoTarget: WDFIOTARGET | null = null;
}
export const GetTimerContext = WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(TIMER_CONTEXT, "GetTimerContext");

/** winnt.h's STANDARD_RIGHTS_ALL, the access toastmon asks for. */
const STANDARD_RIGHTS_ALL = 0x001f0000;

const hex = (s: NTSTATUS): string => `0x${(s >>> 0).toString(16)}`;
const KdPrint = (ext: DEVICE_EXTENSION | null, line: string): void => ext?.Log?.add(`toastmon ${line}`);

/** The KMDF toastmon's DriverEntry; `log` collects its KdPrint lines. */
export function ToastMonDriverEntry(log: KmdfToasterLog) {
  /** ToastMon_EvtDeviceAdd: the monitor device, its collection of targets and their lock, and the interface registration. */
  function ToastMon_EvtDeviceAdd(_Driver: WDFDRIVER, DeviceInit: PWDFDEVICE_INIT): NTSTATUS {
    log.add("toastmon ToastMon_EvtDeviceAdd routine");
    let attributes = new WDF_OBJECT_ATTRIBUTES();
    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(attributes, DEVICE_EXTENSION);
    attributes.EvtCleanupCallback = ToastMon_EvtDeviceContextCleanup;
    const pnpCallbacks = new WDF_PNPPOWER_EVENT_CALLBACKS();
    WDF_PNPPOWER_EVENT_CALLBACKS_INIT(pnpCallbacks);
    pnpCallbacks.EvtDeviceD0Entry = ToastMon_EvtDeviceD0Entry;
    pnpCallbacks.EvtDeviceD0Exit = ToastMon_EvtDeviceD0Exit;
    WdfDeviceInitSetPnpPowerEventCallbacks(DeviceInit, pnpCallbacks);
    const hDevice = Out<WDFDEVICE | null>(null);
    let status = WdfDeviceCreate(Out(DeviceInit), attributes, hDevice);
    if (!NT_SUCCESS(status)) return status;
    const device = hDevice.value!;
    const deviceExtension = GetDeviceExtension(device)!;
    deviceExtension.WdfDevice = device;
    deviceExtension.Log = log;

    attributes = new WDF_OBJECT_ATTRIBUTES();
    WDF_OBJECT_ATTRIBUTES_INIT(attributes);
    attributes.ParentObject = device;
    const collection = Out<WDFCOLLECTION | null>(null);
    status = WdfCollectionCreate(attributes, collection);
    if (!NT_SUCCESS(status)) return status;
    deviceExtension.TargetDeviceCollection = collection.value;
    WDF_OBJECT_ATTRIBUTES_INIT(attributes);
    attributes.ParentObject = device;
    const lock = Out<WDFWAITLOCK | null>(null);
    status = WdfWaitLockCreate(attributes, lock);
    if (!NT_SUCCESS(status)) return status;
    deviceExtension.TargetDeviceCollectionLock = lock.value;

    // Arrivals of the toasters already started come at once, even before this device starts.
    // The registration references the driver object: ContextCleanup must undo it.
    const entry = Out<PNP_NOTIFICATION_ENTRY | null>(null);
    status = IoRegisterPlugPlayNotification(EventCategoryDeviceInterfaceChange, PNPNOTIFY_DEVICE_INTERFACE_INCLUDE_EXISTING_INTERFACES, GUID_DEVINTERFACE_TOASTER,
      WdfDriverWdmGetDriverObject(WdfGetDriver()!)!, ToastMon_PnpNotifyInterfaceChange, deviceExtension, entry);
    if (!NT_SUCCESS(status)) {
      KdPrint(deviceExtension, `RegisterPnPNotifiction failed: ${hex(status)}`);
      return status;
    }
    deviceExtension.NotificationHandle = entry.value;
    // RegisterForWMINotification: not ported.
    return STATUS_SUCCESS;
  }

  return function DriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
    log.add("toastmon DriverEntry: ToastMon Driver Sample - Driver Framework Edition.");
    const config = new WDF_DRIVER_CONFIG();
    WDF_DRIVER_CONFIG_INIT(config, ToastMon_EvtDeviceAdd);
    return WdfDriverCreate(DriverObject, RegistryPath, null, config, null);
  };
}

/** ToastMon_EvtDeviceContextCleanup: the monitor device goes; its targets, children of the device, go with it. */
function ToastMon_EvtDeviceContextCleanup(Device: WDFOBJECT): void {
  const deviceExtension = GetDeviceExtension(Device)!;
  KdPrint(deviceExtension, "ToastMon_EvtDeviceContextCleanup");
  if (deviceExtension.NotificationHandle !== null) IoUnregisterPlugPlayNotification(deviceExtension.NotificationHandle);
  deviceExtension.NotificationHandle = null;
  deviceExtension.TargetDeviceCollection = null;
}

/** ToastMon_EvtDeviceD0Entry: (re)start every target and its timer. */
function* ToastMon_EvtDeviceD0Entry(Device: WDFDEVICE, _PreviousState: WDF_POWER_DEVICE_STATE): KWAIT_GENERATOR<NTSTATUS> {
  const deviceExtension = GetDeviceExtension(Device)!;
  KdPrint(deviceExtension, "ToastMon_EvtDeviceD0Entry");
  yield* WdfWaitLockAcquire(deviceExtension.TargetDeviceCollectionLock!, null);
  const count = WdfCollectionGetCount(deviceExtension.TargetDeviceCollection!);
  for (let i = 0; i < count; i++) {
    const ioTarget = WdfCollectionGetItem(deviceExtension.TargetDeviceCollection!, i) as WDFIOTARGET;
    const status = WdfIoTargetStart(ioTarget);
    if (!NT_SUCCESS(status)) {
      KdPrint(deviceExtension, `WdfIoTargetStart failed: ${hex(status)}`);
      continue;
    }
    WdfTimerStart(GetTargetDeviceInfo(ioTarget)!.TimerForPostingRequests!, WDF_REL_TIMEOUT_IN_MS(1));
  }
  WdfWaitLockRelease(deviceExtension.TargetDeviceCollectionLock!);
  return STATUS_SUCCESS;
}

/** ToastMon_EvtDeviceD0Exit: purge every target (its sent I/O cancelled and waited for) and stop its timer. */
function* ToastMon_EvtDeviceD0Exit(Device: WDFDEVICE, _TargetState: WDF_POWER_DEVICE_STATE): KWAIT_GENERATOR<NTSTATUS> {
  const deviceExtension = GetDeviceExtension(Device)!;
  KdPrint(deviceExtension, "ToastMon_EvtDeviceD0Exit");
  yield* WdfWaitLockAcquire(deviceExtension.TargetDeviceCollectionLock!, null);
  const count = WdfCollectionGetCount(deviceExtension.TargetDeviceCollection!);
  for (let i = 0; i < count; i++) {
    const ioTarget = WdfCollectionGetItem(deviceExtension.TargetDeviceCollection!, i) as WDFIOTARGET;
    yield* WdfIoTargetPurge(ioTarget, WdfIoTargetPurgeIoAndWait);
    WdfTimerStop(GetTargetDeviceInfo(ioTarget)!.TimerForPostingRequests!, true);
  }
  WdfWaitLockRelease(deviceExtension.TargetDeviceCollectionLock!);
  return STATUS_SUCCESS;
}

/**
 * ToastMon_PnpNotifyInterfaceChange (PASSIVE_LEVEL, a system worker thread): on arrival, open a
 * target on the toaster and add it to the collection. Removal needs nothing here: the target's
 * own remove callbacks (the framework's target-device notification) clean up.
 */
function* ToastMon_PnpNotifyInterfaceChange(NotificationStruct: DEVICE_INTERFACE_CHANGE_NOTIFICATION, Context: unknown): KWAIT_GENERATOR<NTSTATUS> {
  const deviceExtension = Context as DEVICE_EXTENSION;
  if (NotificationStruct.Event !== GUID_DEVICE_INTERFACE_ARRIVAL) {
    KdPrint(deviceExtension, `Removal Interface Notification ${NotificationStruct.SymbolicLinkName}`);
    return STATUS_SUCCESS;
  }
  KdPrint(deviceExtension, `Arrival Notification ${NotificationStruct.SymbolicLinkName}`);
  const ioTarget = Out<WDFIOTARGET | null>(null);
  let status: NTSTATUS = yield* Toastmon_OpenDevice(deviceExtension.WdfDevice!, NotificationStruct.SymbolicLinkName, ioTarget);
  if (!NT_SUCCESS(status)) {
    KdPrint(deviceExtension, `Unable to open control device ${hex(status)}`);
    return status;
  }
  yield* WdfWaitLockAcquire(deviceExtension.TargetDeviceCollectionLock!, null);
  // The collection references the target until WdfCollectionRemove.
  status = WdfCollectionAdd(deviceExtension.TargetDeviceCollection!, ioTarget.value!);
  if (!NT_SUCCESS(status)) {
    KdPrint(deviceExtension, `WdfCollectionAdd failed ${hex(status)}`);
    WdfObjectDelete(ioTarget.value!);
  }
  WdfWaitLockRelease(deviceExtension.TargetDeviceCollectionLock!);
  return STATUS_SUCCESS;
}

/** Toastmon_OpenDevice: a remote target opened by the symbolic link, its two requests and its passive timer (started at 1 ms). */
function* Toastmon_OpenDevice(Device: WDFDEVICE, SymbolicLink: string, Target: { value: WDFIOTARGET | null }): KWAIT_GENERATOR<NTSTATUS> {
  const deviceExtension = GetDeviceExtension(Device)!;
  let attributes = new WDF_OBJECT_ATTRIBUTES();
  WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(attributes, TARGET_DEVICE_INFO);
  const target = Out<WDFIOTARGET | null>(null);
  let status = WdfIoTargetCreate(deviceExtension.WdfDevice!, attributes, target);
  if (!NT_SUCCESS(status)) return status;
  const ioTarget = target.value!;
  const targetDeviceInfo = GetTargetDeviceInfo(ioTarget)!;
  targetDeviceInfo.DeviceExtension = deviceExtension;

  // Opening from the notification callback is safe only because the toaster's driver starts no
  // PnP action on open. Registering the remove callbacks makes closing and reopening our job.
  const openParams = new WDF_IO_TARGET_OPEN_PARAMS();
  WDF_IO_TARGET_OPEN_PARAMS_INIT_OPEN_BY_NAME(openParams, SymbolicLink, STANDARD_RIGHTS_ALL);
  openParams.ShareAccess = FILE_SHARE_WRITE | FILE_SHARE_READ;
  openParams.EvtIoTargetQueryRemove = ToastMon_EvtIoTargetQueryRemove;
  openParams.EvtIoTargetRemoveCanceled = ToastMon_EvtIoTargetRemoveCanceled;
  openParams.EvtIoTargetRemoveComplete = ToastMon_EvtIoTargetRemoveComplete;
  status = yield* WdfIoTargetOpen(ioTarget, openParams);
  if (!NT_SUCCESS(status)) {
    KdPrint(deviceExtension, `WdfIoTargetOpen failed with status ${hex(status)}`);
    WdfObjectDelete(ioTarget);
    return status;
  }

  // One read and one write request, children of the target.
  for (const which of ["ReadRequest", "WriteRequest"] as const) {
    attributes = new WDF_OBJECT_ATTRIBUTES();
    WDF_OBJECT_ATTRIBUTES_INIT(attributes);
    attributes.ParentObject = ioTarget;
    const request = Out<WDFREQUEST | null>(null);
    status = WdfRequestCreate(attributes, ioTarget, request);
    if (!NT_SUCCESS(status)) {
      WdfObjectDelete(ioTarget);
      return status;
    }
    targetDeviceInfo[which] = request.value;
  }

  // A passive-level timer, child of the target so the target outlives its callbacks; not
  // serialized with the device (its lock would be the wrong level).
  const wdfTimerConfig = new WDF_TIMER_CONFIG();
  WDF_TIMER_CONFIG_INIT(wdfTimerConfig, Toastmon_EvtTimerPostRequests);
  attributes = new WDF_OBJECT_ATTRIBUTES();
  WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(attributes, TIMER_CONTEXT);
  attributes.ParentObject = ioTarget;
  attributes.ExecutionLevel = WdfExecutionLevelPassive;
  wdfTimerConfig.AutomaticSerialization = false;
  const timer = Out<WDFTIMER | null>(null);
  status = WdfTimerCreate(wdfTimerConfig, attributes, timer);
  if (!NT_SUCCESS(status)) {
    KdPrint(deviceExtension, `WdfTimerCreate failed ${hex(status)}`);
    WdfObjectDelete(ioTarget);
    return status;
  }
  targetDeviceInfo.TimerForPostingRequests = timer.value;
  GetTimerContext(timer.value!)!.IoTarget = ioTarget;
  // The first tick at once (1 ms); each tick schedules the next.
  WdfTimerStart(timer.value!, WDF_REL_TIMEOUT_IN_MS(1));
  Target.value = ioTarget;
  return status;
}

/** ToastMon_EvtIoTargetQueryRemove: the toaster may go: stop posting and close our handle so we do not veto. */
function* ToastMon_EvtIoTargetQueryRemove(IoTarget: WDFIOTARGET): KWAIT_GENERATOR<NTSTATUS> {
  const targetDeviceInfo = GetTargetDeviceInfo(IoTarget)!;
  KdPrint(targetDeviceInfo.DeviceExtension, "Device Removal (query remove) Notification");
  WdfTimerStop(targetDeviceInfo.TimerForPostingRequests!, true);
  yield* WdfIoTargetCloseForQueryRemove(IoTarget);
  return STATUS_SUCCESS;
}

/** ToastMon_EvtIoTargetRemoveCanceled: the toaster stays: reopen the target and post again. */
function* ToastMon_EvtIoTargetRemoveCanceled(IoTarget: WDFIOTARGET): KWAIT_GENERATOR<void> {
  const targetDeviceInfo = GetTargetDeviceInfo(IoTarget)!;
  KdPrint(targetDeviceInfo.DeviceExtension, "Device Removal (remove cancelled) Notification");
  const openParams = new WDF_IO_TARGET_OPEN_PARAMS();
  WDF_IO_TARGET_OPEN_PARAMS_INIT_REOPEN(openParams);
  const status: NTSTATUS = yield* WdfIoTargetOpen(IoTarget, openParams);
  if (!NT_SUCCESS(status)) {
    KdPrint(targetDeviceInfo.DeviceExtension, `WdfIoTargetOpen failed ${hex(status)}`);
    WdfObjectDelete(IoTarget);
    return;
  }
  WdfTimerStart(targetDeviceInfo.TimerForPostingRequests!, WDF_REL_TIMEOUT_IN_SEC(1));
}

/** ToastMon_EvtIoTargetRemoveComplete: the toaster is gone (removed or surprise-removed): forget and delete its target. */
function* ToastMon_EvtIoTargetRemoveComplete(IoTarget: WDFIOTARGET): KWAIT_GENERATOR<void> {
  const targetDeviceInfo = GetTargetDeviceInfo(IoTarget)!;
  const deviceExtension = targetDeviceInfo.DeviceExtension!;
  KdPrint(deviceExtension, "Device Removal (remove complete) Notification");
  WdfTimerStop(targetDeviceInfo.TimerForPostingRequests!, true);
  yield* WdfWaitLockAcquire(deviceExtension.TargetDeviceCollectionLock!, null);
  WdfCollectionRemove(deviceExtension.TargetDeviceCollection!, IoTarget);
  WdfWaitLockRelease(deviceExtension.TargetDeviceCollectionLock!);
  WdfObjectDelete(IoTarget);
}

/** Toastmon_EvtTimerPostRequests (PASSIVE_LEVEL): post whichever request is back, and tick again in a second. */
function Toastmon_EvtTimerPostRequests(Timer: WDFTIMER): void {
  const ioTarget = GetTimerContext(Timer)!.IoTarget!;
  const targetInfo = GetTargetDeviceInfo(ioTarget)!;
  // Racy by design, as in the sample: a request still out is simply not posted this tick.
  if (targetInfo.ReadRequest !== null) ToastMon_PostReadRequests(ioTarget);
  if (targetInfo.WriteRequest !== null) ToastMon_PostWriteRequests(ioTarget);
  WdfTimerStart(targetInfo.TimerForPostingRequests!, WDF_REL_TIMEOUT_IN_SEC(1));
}

/** ToastMon_PostReadRequests: a READ_BUF_SIZE read with a fresh memory object (child of the request). */
function ToastMon_PostReadRequests(IoTarget: WDFIOTARGET): NTSTATUS {
  return ToastMon_PostRequest(IoTarget, "ReadRequest", READ_BUF_SIZE);
}

/** ToastMon_PostWriteRequests: a WRITE_BUF_SIZE write with a fresh memory object (child of the request). */
function ToastMon_PostWriteRequests(IoTarget: WDFIOTARGET): NTSTATUS {
  return ToastMon_PostRequest(IoTarget, "WriteRequest", WRITE_BUF_SIZE);
}

/** The body the sample's two Post functions share: take the request (InterlockedExchangePointer), format, send; on failure put it back. */
function ToastMon_PostRequest(IoTarget: WDFIOTARGET, which: "ReadRequest" | "WriteRequest", size: number): NTSTATUS {
  const targetInfo = GetTargetDeviceInfo(IoTarget)!;
  const request = targetInfo[which];
  targetInfo[which] = null;
  let status: NTSTATUS;
  if (request === null) {
    status = STATUS_INVALID_DEVICE_REQUEST;
  } else {
    const attributes = new WDF_OBJECT_ATTRIBUTES();
    WDF_OBJECT_ATTRIBUTES_INIT(attributes);
    attributes.ParentObject = request;
    const memory = Out<WDFMEMORY | null>(null);
    status = WdfMemoryCreate(attributes, NonPagedPoolNx, DRIVER_TAG, size, memory, null);
    if (NT_SUCCESS(status)) {
      status = which === "ReadRequest"
        ? WdfIoTargetFormatRequestForRead(IoTarget, request, memory.value!, null, null)
        : WdfIoTargetFormatRequestForWrite(IoTarget, request, memory.value!, null, null);
    }
    if (NT_SUCCESS(status)) {
      WdfRequestSetCompletionRoutine(request, which === "ReadRequest" ? Toastmon_ReadRequestCompletionRoutine : Toastmon_WriteRequestCompletionRoutine, targetInfo);
      if (WdfRequestSend(request, IoTarget, null) === false) status = WdfRequestGetStatus(request);
    }
    if (!NT_SUCCESS(status)) KdPrint(targetInfo.DeviceExtension, `${which === "ReadRequest" ? "Read" : "Write"} post failed ${hex(status)}`);
  }
  if (!NT_SUCCESS(status)) targetInfo[which] = request;
  return status;
}

/** Toastmon_ReadRequestCompletionRoutine: delete the buffer, scrub the request for reuse, give it back to the timer. */
function Toastmon_ReadRequestCompletionRoutine(Request: WDFREQUEST, Target: WDFIOTARGET, CompletionParams: PWDF_REQUEST_COMPLETION_PARAMS, _Context: unknown): void {
  Toastmon_RequestCompleted(Request, Target, CompletionParams, "ReadRequest");
}

/** Toastmon_WriteRequestCompletionRoutine: as the read's. */
function Toastmon_WriteRequestCompletionRoutine(Request: WDFREQUEST, Target: WDFIOTARGET, CompletionParams: PWDF_REQUEST_COMPLETION_PARAMS, _Context: unknown): void {
  Toastmon_RequestCompleted(Request, Target, CompletionParams, "WriteRequest");
}

function Toastmon_RequestCompleted(Request: WDFREQUEST, Target: WDFIOTARGET, CompletionParams: PWDF_REQUEST_COMPLETION_PARAMS, which: "ReadRequest" | "WriteRequest"): void {
  const targetInfo = GetTargetDeviceInfo(Target)!;
  const { Status, Information } = CompletionParams.IoStatus;
  KdPrint(targetInfo.DeviceExtension, `${which === "ReadRequest" ? "read" : "write"} ${hex(Status)} ${Information}`);
  // Driver-created requests have no WdfRequestRetrieve* buffers: the memory comes from the completion parameters.
  const buffer = which === "ReadRequest" ? CompletionParams.Parameters.Read.Buffer : CompletionParams.Parameters.Write.Buffer;
  WdfObjectDelete(buffer as unknown as WDFMEMORY);
  // Reuse clears the completion parameters: everything needed was read above.
  const params = new WDF_REQUEST_REUSE_PARAMS();
  WDF_REQUEST_REUSE_PARAMS_INIT(params, WDF_REQUEST_REUSE_NO_FLAGS, STATUS_SUCCESS);
  WdfRequestReuse(Request, params);
  // Not reposted here: a lower driver completing at once would make this recursive.
  targetInfo[which] = Request;
}
