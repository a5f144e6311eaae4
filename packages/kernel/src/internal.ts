/**
 * @wdfjs/kernel/internal: the kernel's own machinery, for the other wdfjs packages that are
 * built on it (the Win32 layer's system call loop, the test support's seeded generator).
 *
 * Not a public API: no semver promise, and anything here may change or go in any release.
 * Drivers and host programs use "@wdfjs/kernel", which exports the WDK's names, the public
 * types and the host API.
 */
/** The executing machine (the noMachine stand-in, which throws on any use, while none is): for the hot paths that cannot afford a call. */
export { cur } from "./context.js";
export { KiAbandonServiceWaits, KiDeferServiceWait, KiNextServiceWait, KiServiceWait } from "./ke/service-wait.js";
export { KiRunRoutine, isRoutineGenerator } from "./ke/routine.js";
export { SeededRandom } from "./ke/random.js";
export { KiSchedulingPoint, Preemption } from "./ke/preempt.js";
export { Scheduler } from "./ke/scheduler.js";
export { Strand } from "./ke/strand.js";
export { Clock, realClockSource } from "./ke/clock.js";
export { KPRCB } from "./ke/kprcb.js";
export { KWAIT_CALL } from "./ke/wait-call.js";
export { KiDispatchInterrupt, KiDpcsQueued, KiInsertQueueDpc, KiInsertTimerDpc, drainDpcQueue } from "./ke/dpc.js";
export { KiSpinLockContended } from "./ke/spin-lock.js";
export {
  DispatcherHeader, KWAIT_OPERATION, KiAddWaiter, KiBeginWait, KiCheckUnconsumedWait, KiCheckWait, KiRundownMutants, KiTestWaitNow,
  KiUnconsumedWait, consume, isSignaled, signal, testWait,
} from "./ke/dispatcher.js";
export { isKernelAddress } from "./mm/layout.js";
export { MemoryManager } from "./mm/memory-manager.js";
export { OBJECT_HEADER, ObHeaderOf } from "./ob/object.js";
export { clientWait } from "./ob/nt-object.js";
export { HandleTable } from "./ob/handle-table.js";
export { Namespace, SymbolicLink } from "./ob/namespace.js";
export { ObjectAddressTable } from "./ob/object-address.js";
export { ThreadIrpList } from "./ps/process.js";
export { startSystemThread } from "./ps/system-thread.js";
export { MapGenericFileAccess } from "./io/constants.js";
export {
  CreateParameters, DeviceIoControlParameters, IoParameters, IrpAssociated, IrpLookaside, IrpTailOverlay, IRP_KIND_DRIVER, IRP_KIND_THREADED,
  IRP_KIND_USER, OtherParameters, ReadWriteParameters,
} from "./io/irp.js";
export { IopInvalidDeviceRequest } from "./io/driver.js";
export { IopDeleteDeviceObject } from "./io/device.js";
export { IopDereferenceFileObject, IopReferenceFileObject } from "./io/file.js";
export { IoCompletionObject } from "./io/completion-port.js";
export { IopDeleteFile, IopSendFileIrp } from "./io/nt-file.js";
export { PopDeviceObjectFreed, PopPhysicalDeviceObject, PopUnwatchIrp, PopWatchIrp, PopWatchedIrp, POP_9F_FREED_WITH_POWER_IRP, POP_9F_IRP_BLOCKED } from "./po/power-manager.js";
export { PopSendPowerIrp } from "./po/send.js";
export { PopRegisterDeviceStack, PopUnregisterDeviceStack, PopSetSystemPowerState, PopWakeSystem } from "./po/system-power.js";
export { PopForgetIdleDevice, PopIdleDevicePoweredUp } from "./po/idle.js";
export { PopIdleDevice, PopIdlePoll, POP_IDLE_TAG } from "./po/power-manager.js";
export { CM_KEY_BODY, CmKeyNode, type CmValue } from "./cm/key.js";
export { ConfigurationManager, checkRegistrySnapshot, splitPath as CmSplitPath } from "./cm/configuration-manager.js";
export { CmpMapKeyAccess, CmpReferenceKeyHandle } from "./cm/nt-key.js";
export { encodeRegistryData, decodeRegistryData } from "./cm/value-data.js";
export {
  CmCreateKeyPath, CmDeleteKeyTree, CmEnumerateSubkeys, CmKeyExists, CmOpenKeyPath, CmQueryValue, CmQueryValueData, CmSetValue,
} from "./cm/cm-api.js";
export { MemoryDriverStore, RegistryDriverStore } from "./pnp/driver-store.js";
export { ResourceArbiter } from "./pnp/arbiter.js";
export { DeviceInterfaces } from "./pnp/device-interface.js";
export { PnpParameterViews } from "./pnp/irp-parameters.js";
