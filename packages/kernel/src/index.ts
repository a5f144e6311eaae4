/**
 * @wdfjs/kernel: the emulated NT executive. WDK-named DDIs for drivers, system
 * services for the client layer, and the Machine that hosts them.
 *
 * Only the public API is exported here: the WDK's names, the public types and the host
 * API (boot, Machine, BugCheck...). The kernel's own machinery (Ki*, Iop*, the
 * scheduler's helpers) is in "./internal.ts", which other wdfjs packages import as
 * "@wdfjs/kernel/internal" and nobody else should. test/public-api.test.ts keeps it so.
 */
export * from "./ntstatus.js";
export * from "./box.js";
export { Machine, type MachineOptions, type Flavor } from "./machine.js";
export { boot, kernelModule, machineModule, MachineContribution } from "./composition.js";
export { MachineOptionsToken, MachineToken, MachineContainerToken } from "./machine-tokens.js";
export { mmModule, MemoryManagerToken } from "./mm/mm-module.js";
export { obModule, ObjectManagerToken } from "./ob/ob-module.js";
export { ioModule, IoManagerToken } from "./io/io-module.js";
export { poModule, PowerManagerToken } from "./po/po-module.js";
export { cmModule, ConfigurationManagerToken } from "./cm/cm-module.js";
export { currentMachine, isInsideMachine } from "./context.js";
export * from "./trace.js";

// Ke
export * from "./ke/irql.js";
export * from "./ke/irql-ddi.js";
export {
  KSPIN_LOCK, KeInitializeSpinLock, KeAcquireSpinLock, KeAcquireSpinLockRaiseToDpc, KeReleaseSpinLock, KeAcquireSpinLockAtDpcLevel,
  KeReleaseSpinLockFromDpcLevel, KeTestSpinLock
} from "./ke/spin-lock.js";
export {
  LowImportance, MediumImportance, HighImportance, MediumHighImportance, DpcObject, ThreadedDpcObject, KDPC, KeInitializeDpc,
  KeInitializeThreadedDpc, KeSetTargetProcessorDpc, KeSetImportanceDpc, KeInsertQueueDpc, KeRemoveQueueDpc,
  type PKDEFERRED_ROUTINE
} from "./ke/dpc.js";
export * from "./ke/timer.js";
export {
  NotificationEvent, SynchronizationEvent, EventObject, EventNotificationObject, EventSynchronizationObject,
  TimerNotificationObject, TimerSynchronizationObject, SemaphoreObject, TimerObject, ThreadObject, ProcessObject, MutantObject,
  WaitAll, WaitAny, Executive, UserRequest, KernelMode, UserMode, IO_NO_INCREMENT, EVENT_INCREMENT, KEVENT, KSEMAPHORE, KMUTEX,
  WDFJS_WAIT_NOT_YIELDED, WDFJS_ROUTINE_RETURNED_PROMISE, WDFJS_YIELDED_NOT_A_WAIT, KeInitializeEvent, KeSetEvent, KeResetEvent,
  KeClearEvent, KeReadStateEvent, KeInitializeSemaphore, KeReleaseSemaphore, KeReadStateSemaphore, KeWaitForSingleObject,
  KeWaitForMutexObject, KeWaitForMultipleObjects, KeDelayExecutionThread, KePulseEvent, KeInitializeMutex, KeReadStateMutex,
  KeReleaseMutex, KeQueryInterruptTime, KeQuerySystemTime, MAXIMUM_WAIT_OBJECTS, THREAD_WAIT_OBJECTS, type EVENT_TYPE,
  type WAIT_TYPE, type KPROCESSOR_MODE, type KMUTANT, type KWAIT_BLOCK, type KWAIT_GENERATOR, type KWAIT, type KWAIT_STATUS,
  type DispatcherHeader, type KWAIT_OPERATION
} from "./ke/dispatcher.js";
export {
  WDF_REL_TIMEOUT_IN_MS, RELATIVE_MS, type ClockSource, type Clock
} from "./ke/clock.js";
export * from "./ke/interlocked.js";
export * from "./ke/time.js";
export * from "./ke/exception.js";
export * from "./ke/device-queue.js";
export * from "./ke/guarded-region.js";
export type { KWAIT_CALL } from "./ke/wait-call.js";
export type { KPRCB } from "./ke/kprcb.js";
export { BugCheck, MachineStopped, KeBugCheckEx, KeBugCheck, formatBugCheck, formatBugCheckLine, type BugCheckData } from "./ke/bugcheck.js";
export * from "./ke/bugcheck-codes.js";
export { MachineDeadlock, MachineUsageError, type Scheduler, type WorkQueueItem } from "./ke/scheduler.js";
export type { Strand, StrandState } from "./ke/strand.js";
export type { MachineEventSource } from "./ke/source.js";
export type { SeededRandom } from "./ke/random.js";
export type { Preemption, PreemptionOptions } from "./ke/preempt.js";
export { exploreSeeds, type ExploreOptions, type ExploreResult } from "./ke/explore.js";

// Rtl
export * from "./rtl/list-entry.js";

// Ex
export * from "./ex/fast-mutex.js";
export * from "./ex/resource.js";

// Mm
export {
  PAGE_SIZE, PAGE_SHIFT, KERNEL_BASE, KERNEL_END, MM_USER_PROBE_ADDRESS, MM_HIGHEST_USER_ADDRESS, MM_LOWEST_USER_ADDRESS,
  BYTE_OFFSET, PAGE_ALIGN, ADDRESS_AND_SIZE_TO_SPAN_PAGES, ROUND_TO_PAGES, formatAddress
} from "./mm/layout.js";
export * from "./mm/access.js";
export * from "./mm/mdl.js";
export * from "./mm/probe.js";
export { POOL_FLAG_CACHE_ALIGNED, POOL_FLAG_REQUIRED_START, POOL_FLAG_SESSION, POOL_FLAG_NON_PAGED, POOL_FLAG_NON_PAGED_EXECUTE, POOL_FLAG_PAGED, POOL_FLAG_RAISE_ON_FAILURE, POOL_FLAG_UNINITIALIZED, POOL_FLAG_USE_QUOTA, POOL_TAG, PoolTagName, NonPagedPool, NonPagedPoolNx, PagedPool, type POOL_TYPE, type PoolTagUsage } from "./mm/pool.js";
export type { MemoryManager, MemoryStatistics } from "./mm/memory-manager.js";

// Ob
export {
  REFERENCE_BY_POINTER, ObReferenceObject, ObDereferenceObject, ObGetObjectPointerCount, type ObObject, type OBJECT_HEADER
} from "./ob/object.js";
export {
  NtCreateEvent, NtSetEvent, NtResetEvent, NtWaitForSingleObject, NtWaitForMultipleObjects, NtDelayExecution, NtRemoveIoCompletion,
  NtSetIoCompletion, ObReferenceObjectByHandle, ZwClose
} from "./ob/nt-object.js";
export type { Namespace, SymbolicLink } from "./ob/namespace.js";
export { type HandleTable, KERNEL_HANDLE_MASK, ObIsKernelHandle } from "./ob/handle-table.js";
export { type ObjectAddressTable, OBJECT_ADDRESS_GRANULE } from "./ob/object-address.js";
export { AddressOfObject, ObjectAtAddress, ReadObjectPointer, WriteObjectPointer, type ObjectClass } from "./ob/object-identity.js";
export {
  OBJECT_ATTRIBUTES, InitializeObjectAttributes, OBJECT_ATTRIBUTES_SIZE, OBJ_INHERIT, OBJ_PERMANENT, OBJ_EXCLUSIVE, OBJ_CASE_INSENSITIVE,
  OBJ_OPENIF, OBJ_OPENLINK, OBJ_KERNEL_HANDLE, OBJ_FORCE_ACCESS_CHECK, OBJ_IGNORE_IMPERSONATED_DEVICEMAP, OBJ_DONT_REPARSE,
  OBJ_VALID_ATTRIBUTES, type POBJECT_ATTRIBUTES,
} from "./ob/object-attributes.js";

// Ps
export {
  EPROCESS, KTHREAD, type ThreadState, type KernelApc, type UserApc, type DeferredServiceWait, type ETHREAD, type PEPROCESS,
  type PKTHREAD, type ThreadIrpList
} from "./ps/process.js";
export {
  PsCreateSystemThread, PsTerminateSystemThread, PsGetCurrentThread, PsGetCurrentProcess, IoGetCurrentProcess, NtCreateThreadEx,
  NtQueueApcThread, PsGetThreadExitStatus, type KSTART_ROUTINE, type PUSER_THREAD_START_ROUTINE
} from "./ps/system-thread.js";

// Io
export {
  IRP_MJ_CREATE, IRP_MJ_CREATE_NAMED_PIPE, IRP_MJ_CLOSE, IRP_MJ_READ, IRP_MJ_WRITE, IRP_MJ_QUERY_INFORMATION,
  IRP_MJ_SET_INFORMATION, IRP_MJ_FLUSH_BUFFERS, IRP_MJ_DEVICE_CONTROL, IRP_MJ_INTERNAL_DEVICE_CONTROL, IRP_MJ_SHUTDOWN,
  IRP_MJ_CLEANUP, IRP_MJ_POWER, IRP_MJ_SYSTEM_CONTROL, IRP_MJ_PNP, IRP_MJ_MAXIMUM_FUNCTION, IrpMajorNames, SL_PENDING_RETURNED,
  SL_ERROR_RETURNED, SL_INVOKE_ON_CANCEL, SL_INVOKE_ON_SUCCESS, SL_INVOKE_ON_ERROR, IRP_NOCACHE, IRP_PAGING_IO,
  IRP_MOUNT_COMPLETION, IRP_SYNCHRONOUS_API, IRP_ASSOCIATED_IRP, IRP_BUFFERED_IO, IRP_DEALLOCATE_BUFFER, IRP_INPUT_OPERATION,
  IRP_CREATE_OPERATION, IRP_READ_OPERATION, IRP_WRITE_OPERATION, IRP_CLOSE_OPERATION, IRP_DEFER_IO_COMPLETION, DO_VERIFY_VOLUME,
  DO_BUFFERED_IO, DO_EXCLUSIVE, DO_DIRECT_IO, DO_MAP_IO_BUFFER, DO_DEVICE_INITIALIZING, DO_SHUTDOWN_REGISTERED,
  DO_BUS_ENUMERATED_DEVICE, DO_POWER_PAGABLE, DOE_UNLOAD_PENDING, DOE_DELETE_PENDING, DOE_REMOVE_PENDING, DOE_REMOVE_PROCESSED, DOE_START_PENDING, DO_POWER_INRUSH, FILE_REMOVABLE_MEDIA, FILE_READ_ONLY_DEVICE,
  FILE_DEVICE_SECURE_OPEN, FILE_AUTOGENERATED_DEVICE_NAME, FILE_DEVICE_BEEP, FILE_DEVICE_CONTROLLER, FILE_DEVICE_DISK,
  FILE_DEVICE_KEYBOARD, FILE_DEVICE_NULL, FILE_DEVICE_SERIAL_PORT, FILE_DEVICE_UNKNOWN, FILE_DEVICE_BUS_EXTENDER, METHOD_BUFFERED,
  METHOD_IN_DIRECT, METHOD_OUT_DIRECT, METHOD_NEITHER, METHOD_DIRECT_TO_HARDWARE, METHOD_DIRECT_FROM_HARDWARE, FILE_ANY_ACCESS,
  FILE_SPECIAL_ACCESS, FILE_READ_ACCESS, FILE_WRITE_ACCESS, CTL_CODE, DEVICE_TYPE_FROM_CTL_CODE, METHOD_FROM_CTL_CODE,
  FUNCTION_FROM_CTL_CODE, ACCESS_FROM_CTL_CODE, DELETE, READ_CONTROL, SYNCHRONIZE, STANDARD_RIGHTS_REQUIRED, GENERIC_READ,
  GENERIC_WRITE, GENERIC_EXECUTE, GENERIC_ALL, MAXIMUM_ALLOWED, FILE_READ_DATA, FILE_WRITE_DATA, FILE_APPEND_DATA, FILE_READ_EA,
  FILE_WRITE_EA, FILE_EXECUTE, FILE_READ_ATTRIBUTES, FILE_WRITE_ATTRIBUTES, FILE_ALL_ACCESS, FILE_GENERIC_READ, FILE_GENERIC_WRITE,
  FILE_GENERIC_EXECUTE, FILE_SHARE_READ, FILE_SHARE_WRITE, FILE_SHARE_DELETE, FILE_SUPERSEDE, FILE_OPEN, FILE_CREATE, FILE_OPEN_IF,
  FILE_OVERWRITE, FILE_OVERWRITE_IF, FILE_SYNCHRONOUS_IO_ALERT, FILE_SYNCHRONOUS_IO_NONALERT, FILE_NON_DIRECTORY_FILE,
  FO_SYNCHRONOUS_IO, FO_ALERTABLE_IO, FO_HANDLE_CREATED, FO_CLEANUP_COMPLETE, IO_TYPE_DRIVER, IO_TYPE_DEVICE, IO_TYPE_IRP,
  IO_TYPE_FILE, IoReadAccess, IoWriteAccess, IoModifyAccess, FILE_OPENED, type LOCK_OPERATION
} from "./io/constants.js";
export {
  IO_STATUS_BLOCK, IO_STACK_LOCATION, IRP, IoAllocateIrp, IoSizeOfIrp, IoInitializeIrp, IoReuseIrp, IoFreeIrp,
  IoGetCurrentIrpStackLocation, IoGetNextIrpStackLocation, IoSkipCurrentIrpStackLocation, IoSetNextIrpStackLocation,
  IoCopyCurrentIrpStackLocationToNext, IoSetCompletionRoutine, IoSetCompletionRoutineEx, IoMarkIrpPending,
  IoGetRemainingStackLocations, IoGetCurrentIrpStackLocationIndex, type PIO_APC_ROUTINE, type IO_COMPLETION_ROUTINE,
  type DRIVER_CANCEL, type IO_SECURITY_CONTEXT, type PIRP, type IoParameters, type ReadWriteParameters,
  type DeviceIoControlParameters, type CreateParameters, type OtherParameters, type IrpTailOverlay, type IrpAssociated,
  type IrpLookaside
} from "./io/irp.js";
export {
  DRIVER_EXTENSION, DRIVER_OBJECT, type DRIVER_DISPATCH, type DRIVER_UNLOAD, type DRIVER_ADD_DEVICE, type DRIVER_STARTIO,
  type DRIVER_INITIALIZE, type DriverModule, type PDRIVER_OBJECT
} from "./io/driver.js";
export {
  DEVICE_OBJECT, IoCreateDevice, IoDeleteDevice, IoCreateSymbolicLink, IoDeleteSymbolicLink, IoGetAttachedDevice,
  IoGetAttachedDeviceReference, IoGetRelatedDeviceObject, IoGetLowerDeviceObject, IoAttachDeviceToDeviceStack,
  IoAttachDeviceToDeviceStackSafe, IoDetachDevice, type PDEVICE_OBJECT
} from "./io/device.js";
export {
  FILE_OBJECT, type PFILE_OBJECT
} from "./io/file.js";
export * from "./io/complete.js";
export * from "./io/cancel.js";
export * from "./io/csq.js";
export * from "./io/start-io.js";
export * from "./io/build.js";
export * from "./io/work-item.js";
export {
  type IoCompletionPacket, type IoCompletionObject
} from "./io/completion-port.js";
export * from "./io/irp-query.js";
export * from "./io/share-access.js";
export * from "./io/remove-lock.js";
export * from "./io/forward.js";
export * from "./io/device-pointer.js";
export { NtCreateFile, NtClose, NtReadFile, NtWriteFile, NtDeviceIoControlFile, NtCancelIoFile, NtCancelIoFileEx, NtCreateIoCompletion, NtSetInformationFileCompletion, FileCompletionInformation } from "./io/nt-file.js";
export * from "./mm/virtual.js";
export * from "./mm/lookaside.js";

// PnP: the PnP manager, its DDIs and the structures drivers exchange
export * from "./pnp/device-relations.js";

// Po: the power manager
export * from "./po/power-state.js";
export * from "./po/po-ddi.js";
export { PoRegisterDeviceForIdleDetection, PoSetDeviceBusy } from "./po/idle.js";
export type { PowerParameters, WaitWakeParameters } from "./po/power-parameters.js";
export type { PowerManager } from "./po/power-manager.js";
// Cm: the registry
export * from "./cm/constants.js";
export {
  ZwCreateKey, ZwOpenKey, ZwOpenKeyEx, ZwDeleteKey, ZwSetValueKey, ZwQueryValueKey, ZwDeleteValueKey, ZwEnumerateKey, ZwEnumerateValueKey,
  ZwQueryKey, ZwFlushKey, NtCreateKey, NtOpenKey, NtOpenKeyEx, NtDeleteKey, NtSetValueKey, NtQueryValueKey, NtDeleteValueKey, NtEnumerateKey,
  NtEnumerateValueKey, NtQueryKey, NtFlushKey,
} from "./cm/nt-key.js";
export {
  RTL_QUERY_REGISTRY_TABLE, RtlQueryRegistryValues, RtlWriteRegistryValue, RtlCheckRegistryKey, RtlCreateRegistryKey, RtlDeleteRegistryValue,
  type PRTL_QUERY_REGISTRY_ROUTINE, type PRTL_QUERY_REGISTRY_TABLE,
} from "./cm/rtl-registry.js";
export type { ConfigurationManager, RegistrySnapshot, RegistryValueSnapshot, RegistryValue } from "./cm/configuration-manager.js";
export type { RegistryData } from "./cm/value-data.js";
export * from "./pnp/pnp-constants.js";
export * from "./pnp/resources.js";
export * from "./pnp/resource-memory.js";
export * from "./pnp/device-capabilities.js";
export * from "./pnp/wide-string.js";
export * from "./pnp/bus-information.js";
export * from "./pnp/pnp-ddi.js";
export * from "./pnp/device-property-data.js";
export {
  IoRegisterDeviceInterface, IoSetDeviceInterfaceState, IoGetDeviceInterfaces, IoRegisterPlugPlayNotification,
  IoUnregisterPlugPlayNotificationEx, IoUnregisterPlugPlayNotification, PNP_NOTIFICATION_ENTRY,
  DEVICE_INTERFACE_INCLUDE_NONACTIVE, type DEVICE_INTERFACE_CHANGE_NOTIFICATION, type TARGET_DEVICE_REMOVAL_NOTIFICATION, type DRIVER_NOTIFICATION_CALLBACK_ROUTINE,
  type DeviceInterfaceEvent,
} from "./pnp/device-interface.js";
export * from "./pnp/device-node.js";
export {
  NtPlugPlayControl, PlugPlayControlGetInterfaceDeviceList, PlugPlayControlRegisterNotification, PLUGPLAY_CONTROL_INTERFACE_DEVICE_LIST_DATA,
  PLUGPLAY_CONTROL_NOTIFICATION_DATA, type PLUGPLAY_EVENT, type PPLUGPLAY_NOTIFICATION_ROUTINE,
} from "./pnp/plug-play-control.js";
export { IoOpenDeviceRegistryKey, IoOpenDeviceInterfaceRegistryKey, PLUGPLAY_REGKEY_DEVICE, PLUGPLAY_REGKEY_DRIVER, PLUGPLAY_REGKEY_CURRENT_HWPROFILE } from "./io/device-registry-key.js";
export {
  REGSTR_PATH_SERVICES, REGSTR_PATH_ENUM, REGSTR_PATH_CLASS, REGSTR_PATH_DEVICE_CLASSES, REGSTR_PATH_HWPROFILE_CURRENT, SERVICE_KERNEL_DRIVER, SERVICE_DEMAND_START,
  SERVICE_ERROR_NORMAL, CONFIGFLAG_REINSTALL, CONFIGFLAG_FAILEDINSTALL,
} from "./pnp/registry-keys.js";
export type { DriverPackage, DriverPackageId, ClassFilter, FilterService, DriverStore, DriverMatch } from "./pnp/driver-store.js";
export { PnpManager, type RootDeviceDescription, type PnpLogEntry } from "./pnp/pnp-manager.js";
export { pnpModule, PnpManagerToken } from "./pnp/pnp-module.js";
export type {
  StartDeviceParameters, QueryDeviceRelationsParameters, QueryIdParameters, DeviceCapabilitiesParameters, QueryInterfaceParameters,
  UsageNotificationParameters, QueryDeviceTextParameters,
} from "./pnp/irp-parameters.js";
// Fs: file I/O for drivers and clients, and the in-memory boot volume (C:, \SystemRoot)
export {
  FILE_DIRECTORY_FILE, FILE_WRITE_THROUGH, FILE_SEQUENTIAL_ONLY, FILE_NO_INTERMEDIATE_BUFFERING, FILE_CREATE_TREE_CONNECTION, FILE_COMPLETE_IF_OPLOCKED,
  FILE_NO_EA_KNOWLEDGE, FILE_RANDOM_ACCESS, FILE_DELETE_ON_CLOSE, FILE_OPEN_BY_FILE_ID, FILE_OPEN_FOR_BACKUP_INTENT, FILE_NO_COMPRESSION,
  FILE_OPEN_REPARSE_POINT, FILE_VALID_OPTION_FLAGS, FILE_MAXIMUM_DISPOSITION, FILE_SUPERSEDED, FILE_CREATED, FILE_OVERWRITTEN, FILE_EXISTS,
  FILE_DOES_NOT_EXIST, FILE_LIST_DIRECTORY, FILE_ADD_FILE, FILE_ADD_SUBDIRECTORY, FILE_TRAVERSE, FILE_DELETE_CHILD, FILE_ATTRIBUTE_READONLY,
  FILE_ATTRIBUTE_HIDDEN, FILE_ATTRIBUTE_SYSTEM, FILE_ATTRIBUTE_DIRECTORY, FILE_ATTRIBUTE_ARCHIVE, FILE_ATTRIBUTE_NORMAL, FILE_ATTRIBUTE_TEMPORARY,
  FILE_ATTRIBUTE_VALID_FLAGS, FILE_WRITE_TO_END_OF_FILE, FILE_USE_FILE_POINTER_POSITION, FILE_DEVICE_DISK_FILE_SYSTEM, FileDirectoryInformation,
  FileBasicInformation, FileStandardInformation, FileInternalInformation, FileNameInformation, FileRenameInformation, FileDispositionInformation,
  FilePositionInformation, FileAllocationInformation, FileEndOfFileInformation, FileMaximumInformation, FILE_BASIC_INFORMATION_SIZE,
  FILE_STANDARD_INFORMATION_SIZE, FILE_POSITION_INFORMATION_SIZE, FILE_END_OF_FILE_INFORMATION_SIZE, FILE_DISPOSITION_INFORMATION_SIZE,
  QueryFileParameters, SetFileParameters,
} from "./io/file-information.js";
export { NtQueryInformationFile, NtSetInformationFile, NtOpenFile, NtDeleteFile } from "./io/nt-file-information.js";
export { IoRegisterShutdownNotification, IoRegisterLastChanceShutdownNotification, IoUnregisterShutdownNotification } from "./io/shutdown.js";
export { ZwCreateFile, ZwOpenFile, ZwReadFile, ZwWriteFile, ZwQueryInformationFile, ZwSetInformationFile, ZwDeleteFile } from "./io/zw-file.js";
export { RAMFS_VOLUME_NAME, RAMFS_SYSTEM_DIRECTORY, RAMFS_DEFAULT_CAPACITY } from "./fs/ramfs-volume.js";
export { INTERFACE, type PINTERFACE, type PINTERFACE_REFERENCE, type PINTERFACE_DEREFERENCE } from "./pnp/interface.js";
