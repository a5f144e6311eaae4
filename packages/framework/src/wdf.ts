/**
 * `@wdfjs/framework/wdf`: the public WDF names of the core — the wdf*.h types, constants,
 * structures with their `_INIT` helpers, state enums and object functions — exactly as a driver
 * sees them. A style re-exports this module whole (`export * from "@wdfjs/framework/wdf"`), so
 * each name is listed once, here, for KMDF and UMDF alike; the framework's own machinery (Fx*)
 * stays out of it.
 */
export {
  WdfDeviceIoUndefined, WdfDeviceIoNeither, WdfDeviceIoBuffered, WdfDeviceIoDirect, WdfDeviceIoBufferedOrDirect, type WDF_DEVICE_IO_TYPE,
} from "./device/fx-device-init.js";
export {
  WDF_DEVICE_PROPERTY_DATA, WDF_DEVICE_PROPERTY_DATA_INIT, type PWDF_DEVICE_PROPERTY_DATA,
} from "./device/fx-device-property.js";
export {
  WdfDeviceShutdown, WdfDeviceLastChanceShutdown, type WDF_DEVICE_SHUTDOWN_FLAGS, type EVT_WDF_DEVICE_SHUTDOWN_NOTIFICATION,
  type PFN_WDF_DEVICE_SHUTDOWN_NOTIFICATION,
} from "./device/fx-shutdown.js";
export {
  WDF_FILEOBJECT_CONFIG, WDF_FILEOBJECT_CONFIG_INIT, WdfFileObjectInvalid, WdfFileObjectNotRequired, WdfFileObjectWdfCanUseFsContext,
  WdfFileObjectWdfCanUseFsContext2, WdfFileObjectWdfCannotUseFsContexts, WdfFileObjectCanBeOptional, type WDF_FILEOBJECT_CLASS,
  type PWDF_FILEOBJECT_CONFIG, type EVT_WDF_DEVICE_FILE_CREATE, type EVT_WDF_FILE_CLOSE, type EVT_WDF_FILE_CLEANUP,
} from "./io/fx-file-object.js";
export {
  type EVT_WDF_IO_IN_CALLER_CONTEXT,
} from "./io/fx-pkg-io.js";
export {
  WDF_REQUEST_PARAMETERS, WDF_REQUEST_PARAMETERS_INIT, type PWDF_REQUEST_PARAMETERS, type EVT_WDF_REQUEST_CANCEL,
} from "./io/fx-request.js";
export {
  WDF_IO_QUEUE_CONFIG, WDF_IO_QUEUE_CONFIG_INIT, WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE, WdfIoQueueDispatchInvalid, WdfIoQueueDispatchSequential,
  WdfIoQueueDispatchParallel, WdfIoQueueDispatchManual, WdfIoQueueDispatchMax, WdfFalse, WdfTrue, WdfUseDefault, WdfRequestTypeCreate,
  WdfRequestTypeRead, WdfRequestTypeWrite, WdfRequestTypeDeviceControl, WdfRequestTypeDeviceControlInternal, WdfRequestTypeOther,
  WdfIoQueueAcceptRequests, WdfIoQueueDispatchRequests, WdfIoQueueNoRequests, WdfIoQueueDriverNoRequests, WdfIoQueuePnpHeld,
  WdfRequestStopActionInvalid, WdfRequestStopActionSuspend, WdfRequestStopActionPurge, WdfRequestStopRequestCancelable, type PWDF_IO_QUEUE_CONFIG,
  type WDF_IO_QUEUE_DISPATCH_TYPE, type WDF_TRI_STATE, type WDF_REQUEST_TYPE, type EVT_WDF_IO_QUEUE_IO_DEFAULT, type EVT_WDF_IO_QUEUE_IO_READ,
  type EVT_WDF_IO_QUEUE_IO_WRITE, type EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL, type EVT_WDF_IO_QUEUE_IO_INTERNAL_DEVICE_CONTROL, type WDF_IO_QUEUE_STATE,
  type EVT_WDF_IO_QUEUE_STATE, type EVT_WDF_IO_QUEUE_IO_CANCELED_ON_QUEUE, type WDF_REQUEST_STOP_ACTION_FLAGS, type EVT_WDF_IO_QUEUE_IO_STOP,
  type EVT_WDF_IO_QUEUE_IO_RESUME,
} from "./io/queue-config.js";
export {
  WDF_OBJECT_ATTRIBUTES, WDF_OBJECT_ATTRIBUTES_INIT, WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE, WDF_OBJECT_ATTRIBUTES_SET_CONTEXT_TYPE,
  type PWDF_OBJECT_ATTRIBUTES,
} from "./object/attributes.js";
export {
  WDF_DECLARE_CONTEXT_TYPE, WDF_DECLARE_CONTEXT_TYPE_WITH_NAME, WDF_GET_CONTEXT_TYPE_INFO, type WDF_CONTEXT_TYPE,
} from "./object/context.js";
export {
  WdfObjectAllocateContext, WdfObjectContextGetObject, WdfObjectCreate, WdfObjectDelete, WdfObjectDereference, WdfObjectDereferenceActual,
  WdfObjectDereferenceWithTag, WdfObjectGetTypedContextWorker, WdfObjectReference, WdfObjectReferenceActual, WdfObjectReferenceWithTag,
} from "./object/object-api.js";
export {
  WdfExecutionLevelInvalid, WdfExecutionLevelInheritFromParent, WdfExecutionLevelPassive, WdfExecutionLevelDispatch, WdfSynchronizationScopeInvalid,
  WdfSynchronizationScopeInheritFromParent, WdfSynchronizationScopeDevice, WdfSynchronizationScopeQueue, WdfSynchronizationScopeNone, type WDFOBJECT,
  type EVT_WDF_OBJECT_CONTEXT_CLEANUP, type EVT_WDF_OBJECT_CONTEXT_DESTROY, type PFN_WDF_OBJECT_CONTEXT_CLEANUP, type PFN_WDF_OBJECT_CONTEXT_DESTROY,
} from "./object/types.js";
export {
  WdfPowerDeviceInvalid, WdfPowerDeviceD0, WdfPowerDeviceD1, WdfPowerDeviceD2, WdfPowerDeviceD3, WdfPowerDeviceD3Final,
  WdfPowerDevicePrepareForHibernation, type WDF_POWER_DEVICE_STATE,
} from "./pnp/pnp-callbacks.js";
export * from "./pnp/pnp-states.js";
export * from "./pnp/power-policy-states.js";
export * from "./pnp/power-states.js";
export {
  WDFMEMORY_OFFSET, WDF_MEMORY_DESCRIPTOR, WDF_MEMORY_DESCRIPTOR_INIT_BUFFER, WDF_MEMORY_DESCRIPTOR_INIT_HANDLE, WDF_MEMORY_DESCRIPTOR_INIT_MDL,
  WdfMemoryDescriptorTypeInvalid, WdfMemoryDescriptorTypeBuffer, WdfMemoryDescriptorTypeMdl, WdfMemoryDescriptorTypeHandle, type PWDFMEMORY_OFFSET,
  type PWDF_MEMORY_DESCRIPTOR, type WDF_MEMORY_DESCRIPTOR_TYPE,
} from "./support/fx-memory.js";
export * from "./sync/timeouts.js";
export {
  WDF_IO_TARGET_OPEN_PARAMS, WDF_IO_TARGET_OPEN_PARAMS_INIT_EXISTING_DEVICE, WDF_IO_TARGET_OPEN_PARAMS_INIT_CREATE_BY_NAME,
  WDF_IO_TARGET_OPEN_PARAMS_INIT_OPEN_BY_NAME, WDF_IO_TARGET_OPEN_PARAMS_INIT_REOPEN, WdfIoTargetStateUndefined, WdfIoTargetStarted,
  WdfIoTargetStopped, WdfIoTargetClosedForQueryRemove, WdfIoTargetClosed, WdfIoTargetDeleted, WdfIoTargetPurged, WdfIoTargetOpenUndefined,
  WdfIoTargetOpenUseExistingDevice, WdfIoTargetOpenByName, WdfIoTargetOpenReopen, WdfIoTargetOpenLocalTargetByFile, WdfIoTargetSentIoUndefined,
  WdfIoTargetCancelSentIo, WdfIoTargetWaitForSentIoToComplete, WdfIoTargetLeaveSentIoPending, WdfIoTargetPurgeIoUndefined, WdfIoTargetPurgeIoAndWait,
  WdfIoTargetPurgeIo, WDF_REQUEST_SEND_OPTIONS, WDF_REQUEST_SEND_OPTIONS_INIT, WDF_REQUEST_SEND_OPTIONS_SET_TIMEOUT, WDF_REQUEST_SEND_OPTION_TIMEOUT,
  WDF_REQUEST_SEND_OPTION_SYNCHRONOUS, WDF_REQUEST_SEND_OPTION_IGNORE_TARGET_STATE, WDF_REQUEST_SEND_OPTION_SEND_AND_FORGET,
  WDF_REQUEST_SEND_OPTION_IMPERSONATE_CLIENT, WDF_REQUEST_SEND_OPTION_IMPERSONATION_IGNORE_FAILURE, WDF_REQUEST_COMPLETION_PARAMS,
  WDF_REQUEST_COMPLETION_PARAMS_INIT, WdfRequestTypeNoFormat, WDF_REQUEST_REUSE_PARAMS, WDF_REQUEST_REUSE_PARAMS_INIT, WDF_REQUEST_REUSE_NO_FLAGS,
  WDF_REQUEST_REUSE_SET_NEW_IRP, type WDF_IO_TARGET_STATE, type WDF_IO_TARGET_OPEN_TYPE, type WDF_IO_TARGET_SENT_IO_ACTION,
  type WDF_IO_TARGET_PURGE_IO_ACTION, type PWDF_IO_TARGET_OPEN_PARAMS, type EVT_WDF_IO_TARGET_QUERY_REMOVE, type EVT_WDF_IO_TARGET_REMOVE_CANCELED,
  type EVT_WDF_IO_TARGET_REMOVE_COMPLETE, type PWDF_REQUEST_SEND_OPTIONS, type PWDF_REQUEST_COMPLETION_PARAMS,
  type EVT_WDF_REQUEST_COMPLETION_ROUTINE, type PFN_WDF_REQUEST_COMPLETION_ROUTINE, type PWDF_REQUEST_REUSE_PARAMS,
} from "./targets/io-target-types.js";
export {
  STATUS_IO_TIMEOUT,
} from "./wdfstatus.js";
export * from "./object/handles.js";
export * from "./driver/wdf-driver-config.js";
export * from "./pnp/wdf-pnp-power-callbacks.js";
export * from "./pnp/wdf-power-policy-settings.js";
export * from "./pnp/wdf-device-capabilities.js";
export * from "./sync/wdf-sync-configs.js";
export { STATUS_INVALID_PARAMETER_4 } from "./io/fx-io-queue-create.js";
export {
  WDF_IO_QUEUE_FORWARD_PROGRESS_POLICY, WDF_IO_QUEUE_FORWARD_PROGRESS_POLICY_DEFAULT_INIT, WDF_IO_QUEUE_FORWARD_PROGRESS_POLICY_EXAMINE_INIT,
  WDF_IO_QUEUE_FORWARD_PROGRESS_POLICY_PAGINGIO_INIT, WdfIoForwardProgressActionInvalid, WdfIoForwardProgressActionFailRequest,
  WdfIoForwardProgressActionUseReservedRequest, WdfIoForwardProgressInvalidPolicy, WdfIoForwardProgressReservedPolicyAlwaysUseReservedRequest,
  WdfIoForwardProgressReservedPolicyUseExamine, WdfIoForwardProgressReservedPolicyPagingIO, type WDF_IO_FORWARD_PROGRESS_ACTION,
  type WDF_IO_FORWARD_PROGRESS_RESERVED_POLICY, type PWDF_IO_QUEUE_FORWARD_PROGRESS_POLICY, type EVT_WDF_IO_WDM_IRP_FOR_FORWARD_PROGRESS,
  type PFN_WDF_IO_WDM_IRP_FOR_FORWARD_PROGRESS, type EVT_WDF_IO_ALLOCATE_RESOURCES_FOR_RESERVED_REQUEST,
  type PFN_WDF_IO_ALLOCATE_RESOURCES_FOR_RESERVED_REQUEST, type EVT_WDF_IO_ALLOCATE_REQUEST_RESOURCES, type PFN_WDF_IO_ALLOCATE_REQUEST_RESOURCES,
} from "./io/forward-progress.js";
export {
  WDF_REQUEST_FORWARD_OPTIONS, WDF_REQUEST_FORWARD_OPTIONS_INIT, WDF_REQUEST_FORWARD_OPTION_SEND_AND_FORGET, type PWDF_REQUEST_FORWARD_OPTIONS,
} from "./io/fx-request-forward.js";
export { WdfObjectQuery } from "./object/object-query.js";
export {
  WDF_DRIVER_VERSION_AVAILABLE_PARAMS, WDF_DRIVER_VERSION_AVAILABLE_PARAMS_INIT, type PWDF_DRIVER_VERSION_AVAILABLE_PARAMS,
} from "./driver/fx-driver-version.js";
export {
  WDF_IO_TYPE_CONFIG, WDF_IO_TYPE_CONFIG_INIT, WDF_REMOVE_LOCK_OPTIONS, WDF_REMOVE_LOCK_OPTIONS_INIT, WDF_REMOVE_LOCK_OPTION_ACQUIRE_FOR_IO,
  WdfReleaseHardwareOrderOnFailureInvalid, WdfReleaseHardwareOrderOnFailureEarly, WdfReleaseHardwareOrderOnFailureAfterDescendants, WdfDeviceFailedUndefined,
  WdfDeviceFailedAttemptRestart, WdfDeviceFailedNoRestart, type PWDF_IO_TYPE_CONFIG, type PWDF_REMOVE_LOCK_OPTIONS, type WDF_RELEASE_HARDWARE_ORDER_ON_FAILURE,
  type WDF_DEVICE_FAILED_ACTION,
} from "./device/fx-device-options.js";
export {
  StateNotificationInvalid, StateNotificationEnterState, StateNotificationPostProcessState, StateNotificationLeaveState, StateNotificationAllStates,
  type WDF_STATE_NOTIFICATION_TYPE, type WDF_DEVICE_PNP_NOTIFICATION_DATA, type WDF_DEVICE_POWER_NOTIFICATION_DATA, type WDF_DEVICE_POWER_POLICY_NOTIFICATION_DATA,
  type PCWDF_DEVICE_PNP_NOTIFICATION_DATA, type PCWDF_DEVICE_POWER_NOTIFICATION_DATA, type PCWDF_DEVICE_POWER_POLICY_NOTIFICATION_DATA,
  type EVT_WDF_DEVICE_PNP_STATE_CHANGE_NOTIFICATION, type EVT_WDF_DEVICE_POWER_STATE_CHANGE_NOTIFICATION, type EVT_WDF_DEVICE_POWER_POLICY_STATE_CHANGE_NOTIFICATION,
  type PFN_WDF_DEVICE_PNP_STATE_CHANGE_NOTIFICATION, type PFN_WDF_DEVICE_POWER_STATE_CHANGE_NOTIFICATION, type PFN_WDF_DEVICE_POWER_POLICY_STATE_CHANGE_NOTIFICATION,
} from "./pnp/fx-state-change-callbacks.js";
export { WDF_INSERT_AT_END } from "./support/fx-cm-res-list.js";
export { type WDFIORESLIST } from "./support/fx-io-res-list.js";
export { STATUS_ARRAY_BOUNDS_EXCEEDED } from "./wdfstatus.js";
export {
  WDF_PDO_EVENT_CALLBACKS, WDF_PDO_EVENT_CALLBACKS_INIT, type PWDF_PDO_EVENT_CALLBACKS, type WDFIORESREQLIST, type EVT_WDF_DEVICE_RESOURCES_QUERY,
  type EVT_WDF_DEVICE_RESOURCE_REQUIREMENTS_QUERY, type EVT_WDF_DEVICE_EJECT, type EVT_WDF_DEVICE_SET_LOCK, type EVT_WDF_DEVICE_ENABLE_WAKE_AT_BUS,
  type EVT_WDF_DEVICE_DISABLE_WAKE_AT_BUS, type EVT_WDF_DEVICE_REPORTED_MISSING,
} from "./pnp/wdf-pdo-event-callbacks.js";
export {
  WDF_DISPATCH_IRP_TO_IO_QUEUE_NO_FLAGS, WDF_DISPATCH_IRP_TO_IO_QUEUE_INVOKE_INCALLERCTX_CALLBACK, WDF_DISPATCH_IRP_TO_IO_QUEUE_PREPROCESSED_IRP,
  type EVT_WDFDEVICE_WDM_IRP_PREPROCESS, type PFN_WDFDEVICE_WDM_IRP_PREPROCESS,
} from "./device/fx-irp-preprocess.js";
export {
  WDF_FDO_EVENT_CALLBACKS, WDF_FDO_EVENT_CALLBACKS_INIT, type PWDF_FDO_EVENT_CALLBACKS, type EVT_WDF_DEVICE_FILTER_RESOURCE_REQUIREMENTS,
  type EVT_WDF_DEVICE_REMOVE_ADDED_RESOURCES,
} from "./pnp/fx-fdo-event-callbacks.js";
export { type EVT_WDFDEVICE_WDM_IRP_DISPATCH, type PFN_WDFDEVICE_WDM_IRP_DISPATCH } from "./io/fx-dynamic-dispatch.js";
