import {
  currentMachine, FILE_DEVICE_SECURE_OPEN, IoCompleteRequest, IoInvalidateDeviceState, IoSetCancelRoutine, IoSetDeviceInterfaceState, IO_NO_INCREMENT, STATUS_CANCELLED,
  STATUS_INVALID_DEVICE_REQUEST, STATUS_INVALID_DEVICE_STATE, STATUS_INVALID_PARAMETER, STATUS_PENDING, STATUS_SUCCESS, type DEVICE_OBJECT, type NTSTATUS,
} from "@wdfjs/kernel";
import { FxPkgPdo } from "../pnp/fx-pkg-pdo.js";
import { WdfDeviceIoDirect, WdfDeviceIoBuffered, WdfDeviceIoUndefined, type FxDeviceInit, type WDF_DEVICE_IO_TYPE } from "./fx-device-init.js";
import { FxDevice } from "./fx-device.js";
import { WdfDevStatePnpStarted } from "../pnp/pnp-states.js";

// The settings of a device and of its init that wdfdevice.h adds beside WdfDeviceCreate
// (fxdeviceapi.cpp, fxdeviceinitapi.cpp, km/fxdeviceinitkm.cpp), shared by KMDF and UMDF.

/** `sizeof(WDF_IO_TYPE_CONFIG)`: Size, ReadWriteIoType, DeviceControlIoType, DirectTransferThreshold. */
export const WDF_IO_TYPE_CONFIG_SIZE = 16;

/** `WDF_IO_TYPE_CONFIG` (wdfdevice.h): KMDF uses ReadWriteIoType; the rest is UMDF's. */
export class WDF_IO_TYPE_CONFIG {
  Size = 0;
  ReadWriteIoType: WDF_DEVICE_IO_TYPE = WdfDeviceIoUndefined;
  DeviceControlIoType: WDF_DEVICE_IO_TYPE = WdfDeviceIoUndefined;
  DirectTransferThreshold = 0;
}
export type PWDF_IO_TYPE_CONFIG = WDF_IO_TYPE_CONFIG;

/** `WDF_IO_TYPE_CONFIG_INIT`: buffered for both. */
export function WDF_IO_TYPE_CONFIG_INIT(IoTypeConfig: WDF_IO_TYPE_CONFIG): void {
  IoTypeConfig.Size = WDF_IO_TYPE_CONFIG_SIZE;
  IoTypeConfig.ReadWriteIoType = WdfDeviceIoBuffered;
  IoTypeConfig.DeviceControlIoType = WdfDeviceIoBuffered;
  IoTypeConfig.DirectTransferThreshold = 0;
}

/** `WDF_REMOVE_LOCK_OPTIONS_FLAGS`, `WDF_REMOVE_LOCK_OPTIONS` and its `_INIT` (wdfdevice.h). */
export const WDF_REMOVE_LOCK_OPTION_ACQUIRE_FOR_IO = 0x00000001;
export const WDF_REMOVE_LOCK_OPTIONS_SIZE = 8;
export class WDF_REMOVE_LOCK_OPTIONS {
  Size = 0;
  Flags = 0;
}
export type PWDF_REMOVE_LOCK_OPTIONS = WDF_REMOVE_LOCK_OPTIONS;
export function WDF_REMOVE_LOCK_OPTIONS_INIT(RemoveLockOptions: WDF_REMOVE_LOCK_OPTIONS, Flags: number): void {
  RemoveLockOptions.Size = WDF_REMOVE_LOCK_OPTIONS_SIZE;
  RemoveLockOptions.Flags = Flags;
}

/** `WDF_RELEASE_HARDWARE_ORDER_ON_FAILURE` (wdfdevice.h). */
export const WdfReleaseHardwareOrderOnFailureInvalid = 0;
export const WdfReleaseHardwareOrderOnFailureEarly = 1;
export const WdfReleaseHardwareOrderOnFailureAfterDescendants = 2;
export type WDF_RELEASE_HARDWARE_ORDER_ON_FAILURE = number;

/** `WDF_DEVICE_FAILED_ACTION` (wdfdevice.h). */
export const WdfDeviceFailedUndefined = 0;
export const WdfDeviceFailedAttemptRestart = 1;
export const WdfDeviceFailedNoRestart = 2;
export type WDF_DEVICE_FAILED_ACTION = number;

/** `FxVerifierDbgBreakPoint` with the source's trace: the refused call does nothing. */
function refuse(Routine: string, why: string): void {
  currentMachine().trace?.event("wdf.api-error", null, `${Routine}: ${why} (FxVerifierDbgBreakPoint)`);
}

/** `WDFDEVICE_INIT::AssignIoType` (km/fxdeviceinitkm.cpp): an undefined or out-of-range read/write type is refused. */
export function FxDeviceInitAssignIoType(Init: FxDeviceInit, IoTypeConfig: WDF_IO_TYPE_CONFIG): void {
  const t = IoTypeConfig.ReadWriteIoType;
  if (t === WdfDeviceIoUndefined || t > WdfDeviceIoDirect) return refuse("WdfDeviceInitSetIoTypeEx", `out of range Read/Write IoType ${t}, STATUS_INVALID_PARAMETER`);
  Init.ReadWriteIoType = t;
}

/** `WdfDeviceInitSetRemoveLockOptions`: a wrong Size, unknown flags or a control device's init are refused. */
export function FxDeviceInitSetRemoveLockOptions(Init: FxDeviceInit, Options: WDF_REMOVE_LOCK_OPTIONS): void {
  const routine = "WdfDeviceInitSetRemoveLockOptions";
  if (Options.Size !== WDF_REMOVE_LOCK_OPTIONS_SIZE) return refuse(routine, `Size ${Options.Size} incorrect, expected ${WDF_REMOVE_LOCK_OPTIONS_SIZE}`);
  if ((Options.Flags & ~WDF_REMOVE_LOCK_OPTION_ACQUIRE_FOR_IO) !== 0) return refuse(routine, `Flags 0x${Options.Flags.toString(16)} invalid`);
  if (Init.IsControlDeviceInit) return refuse(routine, "not supported on control devices");
  Init.RemoveLockOptionFlags = Options.Flags;
}

/** `WdfDeviceInitSetReleaseHardwareOrderOnFailure`: Invalid or beyond AfterDescendants is refused. */
export function FxDeviceInitSetReleaseHardwareOrderOnFailure(Init: FxDeviceInit, Order: WDF_RELEASE_HARDWARE_ORDER_ON_FAILURE): void {
  if (Order === WdfReleaseHardwareOrderOnFailureInvalid || Order > WdfReleaseHardwareOrderOnFailureAfterDescendants) {
    return refuse("WdfDeviceInitSetReleaseHardwareOrderOnFailure", `out of range WDF_RELEASE_HARDWARE_ORDER_ON_FAILURE ${Order}`);
  }
  Init.ReleaseHardwareOrderOnFailure = Order;
}

/** `WdfDeviceInitAssignSDDLString`: NULL clears it (a control device must keep one: STATUS_INVALID_DEVICE_REQUEST's caller check). */
export function FxDeviceInitAssignSddl(Init: FxDeviceInit, Sddl: string | null): NTSTATUS {
  if (Sddl !== null && typeof Sddl !== "string") return STATUS_INVALID_PARAMETER;
  Init.Sddl = Sddl;
  return STATUS_SUCCESS;
}

/** `WdfWdmDeviceGetWdfDeviceHandle`: the framework device behind a device object, or null for one the framework did not create. */
export function FxDeviceFromDeviceObject(DeviceObject: DEVICE_OBJECT | null): FxDevice | null {
  const ext: unknown = DeviceObject?.DeviceExtension ?? null;
  return ext instanceof FxDevice && ext.DeviceObject === DeviceObject ? ext : null;
}

/** `WdfDeviceSetCharacteristics`: the device object's characteristics, FILE_DEVICE_SECURE_OPEN always kept. */
export function FxDeviceSetCharacteristics(Device: FxDevice, DeviceCharacteristics: number): void {
  if (Device.DeviceObject !== null) Device.DeviceObject.Characteristics = (DeviceCharacteristics | FILE_DEVICE_SECURE_OPEN) >>> 0;
}

/** `WdfDeviceSetStaticStopRemove` (fxdeviceapi.cpp): FALSE counts up `m_DeviceStopCount`, TRUE counts it down. */
export function FxDeviceSetStaticStopRemove(Device: FxDevice, Stoppable: boolean): void {
  const pnp = Device.pnp;
  if (pnp === null) return;
  if (Stoppable) {
    if (pnp.deviceStopCount > 0) pnp.deviceStopCount--;
  } else {
    pnp.deviceStopCount++;
  }
}

/**
 * `FxPkgPnp::SetDeviceFailed`: the device marks itself failed and asks the PnP manager to query
 * its state (IoInvalidateDeviceState); IRP_MN_QUERY_PNP_DEVICE_STATE then reports PNP_DEVICE_FAILED
 * and the stack is removed. For AttemptRestart WDF first asks the bus to reenumerate the device
 * (AskParentToRemoveAndReenumerate, a bus interface the emulated buses lack), then invalidates as here.
 * An out-of-range action is refused.
 */
export function FxDeviceSetFailed(Device: FxDevice, FailedAction: WDF_DEVICE_FAILED_ACTION): void {
  if (FailedAction < WdfDeviceFailedAttemptRestart || FailedAction > WdfDeviceFailedNoRestart) return refuse("WdfDeviceSetFailed", `invalid FailedAction ${FailedAction}`);
  const pnp = Device.pnp;
  if (pnp === null) return;
  pnp.deviceFailed = true;
  pnp.failedAction = FailedAction;
  const pdo = pnp.physicalDevice();
  if (pdo !== null) IoInvalidateDeviceState(pdo);
}

/** `FxDeviceInterface` lookup (fxdeviceinterfaceapi.cpp): the symbolic link of the device's interface of that class and reference string, or null. */
export function FxDeviceInterfaceLink(Device: FxDevice, InterfaceClassGuid: string, ReferenceString: string | null): string | null {
  const i = Device.interfaceIds.indexOf(`${InterfaceClassGuid}\\${ReferenceString ?? ""}`.toLowerCase());
  return i < 0 ? null : Device.interfaces[i]!;
}

/**
 * `WdfDeviceSetDeviceInterfaceStateWorker`: the interface's state; on a started device at once
 * (IoSetDeviceInterfaceState), and a disabled one stays off when the device starts again. An
 * interface the device did not create, or a control device, is a verifier break.
 */
export function FxDeviceSetInterfaceState(Device: FxDevice, InterfaceClassGuid: string, ReferenceString: string | null, Enable: boolean): void {
  const link = Device.pnp === null ? null : FxDeviceInterfaceLink(Device, InterfaceClassGuid, ReferenceString);
  if (link === null) return refuse("WdfDeviceSetDeviceInterfaceState", `no device interface ${InterfaceClassGuid} (${ReferenceString ?? "no reference string"}) on this device`);
  if (Enable) Device.interfacesOff.delete(link);
  else Device.interfacesOff.add(link);
  // Interfaces are on while the device is started (PnP EnableInterfaces until the stop or removal).
  if (Device.pnp!.state === WdfDevStatePnpStarted) IoSetDeviceInterfaceState(link, Enable);
}

/**
 * `WdfDeviceIndicateWakeStatus` (km/fxdeviceapikm.cpp): the bus driver completes its child's held
 * IRP_MN_WAIT_WAKE with WaitWakeStatus. STATUS_PENDING or STATUS_CANCELLED is STATUS_INVALID_PARAMETER;
 * a device that does not own wait-wake IRPs (not a PDO) STATUS_INVALID_DEVICE_STATE; none held
 * (or being cancelled) STATUS_INVALID_DEVICE_REQUEST.
 */
export function FxDeviceIndicateWakeStatus(Device: FxDevice, WaitWakeStatus: NTSTATUS): NTSTATUS {
  if (WaitWakeStatus === STATUS_PENDING || WaitWakeStatus === STATUS_CANCELLED) return STATUS_INVALID_PARAMETER;
  const pnp = Device.pnp;
  if (!(pnp instanceof FxPkgPdo)) return STATUS_INVALID_DEVICE_STATE;
  const irp = pnp.waitWakeIrp;
  if (irp === null || IoSetCancelRoutine(irp, null) === null) return STATUS_INVALID_DEVICE_REQUEST;
  pnp.waitWakeIrp = null;
  irp.IoStatus.Status = WaitWakeStatus;
  IoCompleteRequest(irp, IO_NO_INCREMENT);
  return STATUS_SUCCESS;
}
