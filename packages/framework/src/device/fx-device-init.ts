import { FILE_DEVICE_SECURE_OPEN, FILE_DEVICE_UNKNOWN, type DEVICE_OBJECT } from "@wdfjs/kernel";
import type { FxDriver } from "../driver/fx-driver.js";
import type { FxPnpPowerCallbacks, FxPowerPolicyCallbacks } from "../pnp/pnp-callbacks.js";
import type { FxDevice } from "./fx-device.js";
import type { EVT_WDF_IO_IN_CALLER_CONTEXT } from "../io/fx-pkg-io.js";
import type { FxFileObjectInfo } from "../io/fx-file-object.js";
import type { WDF_OBJECT_ATTRIBUTES } from "../object/attributes.js";
import type { FxPdoInit } from "../pnp/fx-pdo-init.js";
import type { EVT_WDF_DEVICE_SHUTDOWN_NOTIFICATION } from "./fx-shutdown.js";
import type { FxChildListCallbacks } from "../pnp/fx-child-list-types.js";
import type { FxStateChangeCallbacks } from "../pnp/fx-state-change-callbacks.js";
import type { FxIrpPreprocessInfo } from "./fx-irp-preprocess.js";
import type { WDF_FDO_EVENT_CALLBACKS } from "../pnp/fx-fdo-event-callbacks.js";

/** `WDF_DEVICE_IO_TYPE` (wdfdevice.h). */
export const WdfDeviceIoUndefined = 0;
export const WdfDeviceIoNeither = 1;
export const WdfDeviceIoBuffered = 2;
export const WdfDeviceIoDirect = 3;
export const WdfDeviceIoBufferedOrDirect = 4;
export type WDF_DEVICE_IO_TYPE = 0 | 1 | 2 | 3 | 4;

/** `FxDeviceInitType` (fxdeviceinit.hpp). */
export const FxDeviceInitTypeFdo = 0;
export const FxDeviceInitTypePdo = 1;
export const FxDeviceInitTypeControlDevice = 2;
/** Not in fxdeviceinit.hpp: the init wdfjs gives a miniport's device (`FxMpDevice`), which has no WDFDEVICE_INIT of its own. */
export const FxDeviceInitTypeMiniport = 3;
export type FxDeviceInitType = 0 | 1 | 2 | 3;

/**
 * `WDFDEVICE_INIT`: what a driver says about a device before it is created, with the defaults of
 * its constructor (fxdeviceinit.cpp): buffered I/O, FILE_DEVICE_UNKNOWN, FILE_DEVICE_SECURE_OPEN,
 * not exclusive, unnamed. Consumed by the device creation that succeeds, or freed by the driver.
 */
export class FxDeviceInit {
  ReadWriteIoType: WDF_DEVICE_IO_TYPE = WdfDeviceIoBuffered;
  DeviceType = FILE_DEVICE_UNKNOWN;
  Characteristics = FILE_DEVICE_SECURE_OPEN;
  DeviceName: string | null = null;
  Exclusive = false;
  /** The control device's security descriptor, kept as given (the emulated I/O manager does no access checks). */
  Sddl: string | null = null;
  /** The PDO an FDO init was made for in AddDevice (`WdfFdoInitWdmGetPhysicalDevice`). */
  PhysicalDevice: DEVICE_OBJECT | null = null;
  /** `WdfFdoInitSetFilter`: IRPs the device has no queue for go down the stack untouched. */
  Filter = false;
  /** `WdfDeviceInitSetPnpPowerEventCallbacks`, in framework terms. */
  PnpPowerCallbacks: FxPnpPowerCallbacks = {};
  /** `WdfDeviceInitSetFileObjectConfig`: the file object config and attributes (`DeviceInit->FileObject`). */
  FileObject: FxFileObjectInfo | null = null;
  /** `WdfDeviceInitSetIoInCallerContextCallback`. */
  IoInCallerContextCallback: EVT_WDF_IO_IN_CALLER_CONTEXT | null = null;
  /** `WdfDeviceInitSetRequestAttributes`: a copy of the attributes every request of the device gets. */
  RequestAttributes: WDF_OBJECT_ATTRIBUTES | null = null;
  /** `WdfDeviceInitSetPowerPolicyEventCallbacks`, in framework terms. */
  PowerPolicyCallbacks: FxPowerPolicyCallbacks = {};
  /** `WdfDeviceInitSetPowerPolicyOwnership`: a WDF_TRI_STATE (WdfUseDefault: an FDO owns, a filter does not). */
  PowerPolicyOwnership = 2;
  /** `WdfFdoInitSetDefaultChildListConfig`: the default WDFCHILDLIST's callbacks and attributes (null: none). */
  DefaultChildListConfig: FxChildListCallbacks | null = null;
  DefaultChildListAttributes: WDF_OBJECT_ATTRIBUTES | null = null;
  /** `WdfDeviceInitSetPowerPageable` / `...NotPageable`: false keeps DO_POWER_PAGABLE off the device object. */
  PowerPageable = true;
  /** A PDO init's identity and parent (`WdfPdoInitAllocate`); null for other inits. */
  Pdo: FxPdoInit | null = null;
  /** `DeviceInit->Control`: WdfControlDeviceInitSetShutdownNotification's callback and WDF_DEVICE_SHUTDOWN_FLAGS. */
  readonly Control: { ShutdownNotification: EVT_WDF_DEVICE_SHUTDOWN_NOTIFICATION | null; Flags: number } = { ShutdownNotification: null, Flags: 0 };
  /** The device WdfDeviceCreate made from this init, for AddDevice to finish. */
  createdDevice: FxDevice | null = null;
  /** Set when a device was created from it or it was freed: it may not be used again. */
  consumed = false;
  /** `DeviceInit->Security.DeviceClass`: `WdfDeviceInitSetDeviceClass`'s GUID (null: not set). */
  DeviceClass: string | null = null;
  /** `WdfDeviceInitSetRemoveLockOptions`: WDF_REMOVE_LOCK_OPTION_* flags. */
  RemoveLockOptionFlags = 0;
  /** `WdfDeviceInitSetReleaseHardwareOrderOnFailure`: a WDF_RELEASE_HARDWARE_ORDER_ON_FAILURE (0: not set). */
  ReleaseHardwareOrderOnFailure = 0;
  /** `WdfDeviceInitSetPowerInrush`: the device needs inrush current at power-up (DO_POWER_INRUSH). */
  Inrush = false;
  /** `WdfDeviceInitRegister*StateChangeCallback`: the driver's per-state notifications (null: none). */
  StateCallbacks: FxStateChangeCallbacks | null = null;
  /** `WdfDeviceInitAssignWdmIrpPreprocessCallback`: the preprocess callbacks by major function (null: none). */
  PreprocessInfo: FxIrpPreprocessInfo | null = null;
  /** `WdfFdoInitSetEventCallbacks`: a copy of the FDO's WDF_FDO_EVENT_CALLBACKS (null: none). */
  FdoEventCallbacks: WDF_FDO_EVENT_CALLBACKS | null = null;

  constructor(readonly Driver: FxDriver, readonly InitType: FxDeviceInitType) {}

  get IsControlDeviceInit(): boolean {
    return this.InitType === FxDeviceInitTypeControlDevice;
  }

  get IsFdoInit(): boolean {
    return this.InitType === FxDeviceInitTypeFdo;
  }
}
