/**
 * @wdfjs/kernel: the emulated NT executive. WDK-named DDIs for drivers, system
 * services for the client layer, and the Machine that hosts them.
 */
export * from "./ntstatus.js";
export * from "./box.js";
export { Machine, type MachineOptions, type Flavor } from "./machine.js";
export { boot, kernelModule, machineModule, MachineContribution } from "./composition.js";
export { MachineOptionsToken, MachineToken, MachineContainerToken } from "./machine-tokens.js";
export { mmModule, MemoryManagerToken } from "./mm/mm-module.js";
export { obModule, ObjectManagerToken } from "./ob/ob-module.js";
export { ioModule, IoManagerToken } from "./io/io-module.js";
export { currentMachine, isInsideMachine } from "./context.js";
export * from "./trace.js";

// Ke
export * from "./ke/irql.js";
export * from "./ke/irql-ddi.js";
export * from "./ke/spin-lock.js";
export * from "./ke/dpc.js";
export * from "./ke/timer.js";
export * from "./ke/dispatcher.js";
export * from "./ke/clock.js";
export * from "./ke/interlocked.js";
export * from "./ke/time.js";
export * from "./ke/exception.js";
export * from "./ke/device-queue.js";
export * from "./ke/guarded-region.js";
export { KWAIT_CALL } from "./ke/wait-call.js";
export { KPRCB } from "./ke/kprcb.js";
export { BugCheck, KeBugCheckEx, KeBugCheck, formatBugCheck, type BugCheckData } from "./ke/bugcheck.js";
export * from "./ke/bugcheck-codes.js";
export { MachineDeadlock, MachineUsageError, Scheduler, type WorkQueueItem } from "./ke/scheduler.js";
export { Strand, type StrandState } from "./ke/strand.js";
export type { MachineEventSource } from "./ke/source.js";
export { KiDeferServiceWait, KiServiceWait, KiNextServiceWait, KiAbandonServiceWaits } from "./ke/service-wait.js";
export { KiRunRoutine, isRoutineGenerator } from "./ke/routine.js";
export { SeededRandom } from "./ke/random.js";
export { Preemption, KiSchedulingPoint, type PreemptionOptions } from "./ke/preempt.js";
export { exploreSeeds, type ExploreOptions, type ExploreResult } from "./ke/explore.js";

// Rtl
export * from "./rtl/list-entry.js";

// Ex
export * from "./ex/fast-mutex.js";
export * from "./ex/resource.js";

// Mm
export * from "./mm/layout.js";
export * from "./mm/access.js";
export * from "./mm/mdl.js";
export * from "./mm/probe.js";
export { POOL_FLAG_CACHE_ALIGNED, POOL_FLAG_NON_PAGED, POOL_FLAG_NON_PAGED_EXECUTE, POOL_FLAG_PAGED, POOL_FLAG_RAISE_ON_FAILURE, POOL_FLAG_UNINITIALIZED, POOL_FLAG_USE_QUOTA, POOL_TAG, PoolTagName, NonPagedPool, NonPagedPoolNx, PagedPool, type POOL_TYPE, type PoolTagUsage } from "./mm/pool.js";
export { MemoryManager, type MemoryStatistics } from "./mm/memory-manager.js";

// Ob
export * from "./ob/object.js";
export * from "./ob/nt-object.js";
export { Namespace, SymbolicLink } from "./ob/namespace.js";
export { HandleTable, KERNEL_HANDLE_MASK, ObIsKernelHandle } from "./ob/handle-table.js";
export { ObjectAddressTable, OBJECT_ADDRESS_GRANULE } from "./ob/object-address.js";
export { AddressOfObject, ObjectAtAddress, ReadObjectPointer, WriteObjectPointer, type ObjectClass } from "./ob/object-identity.js";
export {
  OBJECT_ATTRIBUTES, InitializeObjectAttributes, OBJECT_ATTRIBUTES_SIZE, OBJ_INHERIT, OBJ_PERMANENT, OBJ_EXCLUSIVE, OBJ_CASE_INSENSITIVE,
  OBJ_OPENIF, OBJ_OPENLINK, OBJ_KERNEL_HANDLE, OBJ_FORCE_ACCESS_CHECK, OBJ_IGNORE_IMPERSONATED_DEVICEMAP, OBJ_DONT_REPARSE,
  OBJ_VALID_ATTRIBUTES, type POBJECT_ATTRIBUTES,
} from "./ob/object-attributes.js";

// Ps
export * from "./ps/process.js";
export * from "./ps/system-thread.js";

// Io
export * from "./io/constants.js";
export * from "./io/irp.js";
export * from "./io/driver.js";
export * from "./io/device.js";
export * from "./io/file.js";
export * from "./io/complete.js";
export * from "./io/cancel.js";
export * from "./io/csq.js";
export * from "./io/start-io.js";
export * from "./io/build.js";
export * from "./io/work-item.js";
export * from "./io/completion-port.js";
export * from "./io/irp-query.js";
export * from "./io/share-access.js";
export * from "./io/remove-lock.js";
export * from "./io/forward.js";
export * from "./io/device-pointer.js";
export { NtCreateFile, NtClose, NtReadFile, NtWriteFile, NtDeviceIoControlFile, NtCancelIoFile, NtCancelIoFileEx, NtCreateIoCompletion, NtSetInformationFileCompletion, FileCompletionInformation } from "./io/nt-file.js";
export * from "./mm/virtual.js";
export * from "./mm/lookaside.js";

// PnP: the structures drivers exchange (the PnP manager itself is not emulated yet)
export * from "./pnp/device-relations.js";
