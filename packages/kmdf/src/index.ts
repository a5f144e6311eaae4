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
export * from "./pnp-states.js";
export * from "./pdo.js";
export * from "./device-state.js";
export * from "./power-policy.js";
