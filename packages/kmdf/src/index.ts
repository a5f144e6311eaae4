/**
 * @wdfjs/kmdf: the KMDF face of wdfjs (WDF's `src/framework/kmdf/`): the WDFDRIVER, WDFDEVICE_INIT
 * and WDFDEVICE functions with the KMDF 1.33 names, over the shared core of `@wdfjs/framework`.
 * The object functions, attributes and context declarations are the framework's, re-exported so a
 * driver imports one package.
 */
export * from "./driver.js";
export * from "./device-init.js";
export * from "./device.js";
export * from "./pnp-power.js";
export * from "./queue.js";
export * from "./request.js";
export * from "./memory.js";
export * from "./request-wdm.js";
export * from "./file-object.js";
export * from "./lookaside.js";
export {
  WDF_DECLARE_CONTEXT_TYPE, WDF_DECLARE_CONTEXT_TYPE_WITH_NAME, WDF_GET_CONTEXT_TYPE_INFO, WDF_OBJECT_ATTRIBUTES, WDF_OBJECT_ATTRIBUTES_INIT,
  WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE, WDF_OBJECT_ATTRIBUTES_SET_CONTEXT_TYPE, WdfObjectAllocateContext, WdfObjectContextGetObject,
  WdfObjectCreate, WdfObjectDelete, WdfObjectDereference, WdfObjectDereferenceActual, WdfObjectDereferenceWithTag, WdfObjectGetTypedContextWorker,
  WdfObjectReference, WdfObjectReferenceActual, WdfObjectReferenceWithTag, WdfDeviceIoUndefined, WdfDeviceIoNeither, WdfDeviceIoBuffered,
  WdfDeviceIoDirect, WdfDeviceIoBufferedOrDirect, WdfExecutionLevelInvalid, WdfExecutionLevelInheritFromParent, WdfExecutionLevelPassive,
  WdfExecutionLevelDispatch, WdfSynchronizationScopeInvalid, WdfSynchronizationScopeInheritFromParent, WdfSynchronizationScopeDevice,
  WdfSynchronizationScopeQueue, WdfSynchronizationScopeNone, WdfDevStatePnpInvalid, WdfDevStatePnpObjectCreated, WdfDevStatePnpInit,
  WdfDevStatePnpInitStarting, WdfDevStatePnpHardwareAvailable, WdfDevStatePnpEnableInterfaces, WdfDevStatePnpQueryRemovePending,
  WdfDevStatePnpQueryStopPending, WdfDevStatePnpRemoved, WdfDevStatePnpRemovingDisableInterfaces, WdfDevStatePnpStarted,
  WdfDevStatePnpStartedRemoving, WdfDevStatePnpSurpriseRemoveIoStarted, WdfDevStatePnpFailed, WdfDevStatePnpFailedIoStarting, WdfDevStatePnpFailedOwnHardware, WdfDevStatePnpFdoRemoved, WdfDevStatePnpFinal,
  WdfPowerDeviceInvalid, WdfPowerDeviceD0, WdfPowerDeviceD1, WdfPowerDeviceD2, WdfPowerDeviceD3, WdfPowerDeviceD3Final,
  WdfPowerDevicePrepareForHibernation, type WDF_DEVICE_PNP_STATE, type WDF_POWER_DEVICE_STATE,
  type PWDF_OBJECT_ATTRIBUTES, type WDF_DEVICE_IO_TYPE, type WDFOBJECT, type WDF_CONTEXT_TYPE, type EVT_WDF_OBJECT_CONTEXT_CLEANUP,
  type EVT_WDF_OBJECT_CONTEXT_DESTROY, type PFN_WDF_OBJECT_CONTEXT_CLEANUP, type PFN_WDF_OBJECT_CONTEXT_DESTROY,
} from "@wdfjs/framework";
export {
  WDF_IO_QUEUE_CONFIG, WDF_IO_QUEUE_CONFIG_INIT, WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE, WdfIoQueueDispatchInvalid, WdfIoQueueDispatchSequential,
  WdfIoQueueDispatchParallel, WdfIoQueueDispatchManual, WdfIoQueueDispatchMax, WdfFalse, WdfTrue, WdfUseDefault, WDF_REQUEST_PARAMETERS,
  WDF_REQUEST_PARAMETERS_INIT, WdfRequestTypeCreate, WdfRequestTypeRead, WdfRequestTypeWrite, WdfRequestTypeDeviceControl,
  WdfRequestTypeDeviceControlInternal, WdfRequestTypeOther,
  type PWDF_IO_QUEUE_CONFIG, type WDF_IO_QUEUE_DISPATCH_TYPE, type WDF_TRI_STATE, type PWDF_REQUEST_PARAMETERS, type WDF_REQUEST_TYPE,
  type EVT_WDF_IO_QUEUE_IO_DEFAULT, type EVT_WDF_IO_QUEUE_IO_READ, type EVT_WDF_IO_QUEUE_IO_WRITE, type EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL,
  type EVT_WDF_IO_QUEUE_IO_INTERNAL_DEVICE_CONTROL, WdfIoQueueAcceptRequests, WdfIoQueueDispatchRequests, WdfIoQueueNoRequests,
  WdfIoQueueDriverNoRequests, WdfIoQueuePnpHeld, type WDF_IO_QUEUE_STATE, type EVT_WDF_IO_QUEUE_STATE, type EVT_WDF_IO_QUEUE_IO_CANCELED_ON_QUEUE, type EVT_WDF_REQUEST_CANCEL,
} from "@wdfjs/framework";
export { WdfFunctionMaxIrql } from "./irql-table.js";
export { WdfCheckIrql, WdfFunctionIrql } from "./irql.js";
export {
  WdfRequestStopActionInvalid, WdfRequestStopActionSuspend, WdfRequestStopActionPurge, WdfRequestStopRequestCancelable,
  type WDF_REQUEST_STOP_ACTION_FLAGS, type EVT_WDF_IO_QUEUE_IO_STOP, type EVT_WDF_IO_QUEUE_IO_RESUME,
} from "@wdfjs/framework";
export type { EVT_WDF_IO_IN_CALLER_CONTEXT } from "@wdfjs/framework";
export {
  WDF_FILEOBJECT_CONFIG, WDF_FILEOBJECT_CONFIG_INIT, WdfFileObjectInvalid, WdfFileObjectNotRequired, WdfFileObjectWdfCanUseFsContext,
  WdfFileObjectWdfCanUseFsContext2, WdfFileObjectWdfCannotUseFsContexts, WdfFileObjectCanBeOptional, type WDF_FILEOBJECT_CLASS,
  type PWDF_FILEOBJECT_CONFIG, type EVT_WDF_DEVICE_FILE_CREATE, type EVT_WDF_FILE_CLOSE, type EVT_WDF_FILE_CLEANUP,
} from "@wdfjs/framework";
export * from "./io-target.js";
export * from "./request-send.js";
export {
  WDF_IO_TARGET_OPEN_PARAMS, WDF_IO_TARGET_OPEN_PARAMS_INIT_EXISTING_DEVICE, WDF_IO_TARGET_OPEN_PARAMS_INIT_CREATE_BY_NAME, WDF_IO_TARGET_OPEN_PARAMS_INIT_OPEN_BY_NAME,
  WDF_IO_TARGET_OPEN_PARAMS_INIT_REOPEN, WdfIoTargetStateUndefined, WdfIoTargetStarted, WdfIoTargetStopped, WdfIoTargetClosedForQueryRemove, WdfIoTargetClosed,
  WdfIoTargetDeleted, WdfIoTargetPurged, WdfIoTargetOpenUndefined, WdfIoTargetOpenUseExistingDevice, WdfIoTargetOpenByName, WdfIoTargetOpenReopen,
  WdfIoTargetOpenLocalTargetByFile, WdfIoTargetSentIoUndefined, WdfIoTargetCancelSentIo, WdfIoTargetWaitForSentIoToComplete, WdfIoTargetLeaveSentIoPending,
  WdfIoTargetPurgeIoUndefined, WdfIoTargetPurgeIoAndWait, WdfIoTargetPurgeIo, WDF_REQUEST_SEND_OPTIONS, WDF_REQUEST_SEND_OPTIONS_INIT, WDF_REQUEST_SEND_OPTIONS_SET_TIMEOUT,
  WDF_REQUEST_SEND_OPTION_TIMEOUT, WDF_REQUEST_SEND_OPTION_SYNCHRONOUS, WDF_REQUEST_SEND_OPTION_IGNORE_TARGET_STATE, WDF_REQUEST_SEND_OPTION_SEND_AND_FORGET,
  WDF_REQUEST_SEND_OPTION_IMPERSONATE_CLIENT, WDF_REQUEST_SEND_OPTION_IMPERSONATION_IGNORE_FAILURE, WDF_REQUEST_COMPLETION_PARAMS, WDF_REQUEST_COMPLETION_PARAMS_INIT,
  WdfRequestTypeNoFormat, WDF_REQUEST_REUSE_PARAMS, WDF_REQUEST_REUSE_PARAMS_INIT, WDF_REQUEST_REUSE_NO_FLAGS, WDF_REQUEST_REUSE_SET_NEW_IRP, STATUS_IO_TIMEOUT,
  type WDF_IO_TARGET_STATE, type WDF_IO_TARGET_OPEN_TYPE, type WDF_IO_TARGET_SENT_IO_ACTION, type WDF_IO_TARGET_PURGE_IO_ACTION, type PWDF_IO_TARGET_OPEN_PARAMS,
  type EVT_WDF_IO_TARGET_QUERY_REMOVE, type EVT_WDF_IO_TARGET_REMOVE_CANCELED, type EVT_WDF_IO_TARGET_REMOVE_COMPLETE, type PWDF_REQUEST_SEND_OPTIONS,
  type PWDF_REQUEST_COMPLETION_PARAMS, type EVT_WDF_REQUEST_COMPLETION_ROUTINE, type PFN_WDF_REQUEST_COMPLETION_ROUTINE, type PWDF_REQUEST_REUSE_PARAMS,
} from "@wdfjs/framework";
export * from "./timer.js";
export * from "./dpc.js";
export * from "./work-item.js";
export * from "./sync.js";
export * from "./string.js";
export * from "./collection.js";
export {
  WDF_REL_TIMEOUT_IN_MS, WDF_REL_TIMEOUT_IN_SEC, WDF_REL_TIMEOUT_IN_US, WDF_ABS_TIMEOUT_IN_MS, WDF_ABS_TIMEOUT_IN_SEC, WDF_ABS_TIMEOUT_IN_US,
  WDF_TIMEOUT_TO_MS, WDF_TIMEOUT_TO_SEC, WDF_TIMEOUT_TO_US,
} from "@wdfjs/framework";
export * from "./request-attributes.js";
export * from "./registry.js";
export * from "./pnp-states.js";
export * from "./pdo.js";
export * from "./device-state.js";
export * from "./power-policy.js";
export {
  WdfDeviceShutdown, WdfDeviceLastChanceShutdown, type WDF_DEVICE_SHUTDOWN_FLAGS, type EVT_WDF_DEVICE_SHUTDOWN_NOTIFICATION, type PFN_WDF_DEVICE_SHUTDOWN_NOTIFICATION,
} from "@wdfjs/framework";
export * from "./child-list.js";
export * from "./query-interface.js";
