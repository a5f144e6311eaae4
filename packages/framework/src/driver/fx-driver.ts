import {
  DO_DEVICE_INITIALIZING, IoCompleteRequest, IO_NO_INCREMENT, IRP_MJ_MAXIMUM_FUNCTION, NT_SUCCESS, STATUS_INVALID_DEVICE_REQUEST,
  type DEVICE_OBJECT, type DRIVER_OBJECT, type IRP, type KWAIT_GENERATOR, type NTSTATUS,
  IoGetCurrentIrpStackLocation as IoGetCurrentIrpStackLocationImported,
} from "@wdfjs/kernel";
import { FxObject, FxObjectTableOf } from "../object/fx-object.js";
import { FX_TYPE_DRIVER, WdfExecutionLevelDispatch, WdfSynchronizationScopeNone } from "../object/types.js";
import type { FxDevice } from "../device/fx-device.js";
import { FxPkgIoPresentAtOnce as FxPkgIoPresentAtOnceImported } from "../io/fx-pkg-io.js";
import { FxDeviceInit, FxDeviceInitTypeFdo } from "../device/fx-device-init.js";
import { FxVerifierCallbackIrqlEntry, FxVerifierCallbackIrqlExit } from "../verifier.js";

// The routines of other modules that this module's I/O path calls, as module constants: V8 reads an imported
// function through a cell, with a check, at every call (even inlined); a module's own constant
// is folded into the code.
const IoGetCurrentIrpStackLocation = IoGetCurrentIrpStackLocationImported;
const FxPkgIoPresentAtOnce = FxPkgIoPresentAtOnceImported;

// The WDF driver of each kernel driver object (in C, the FxDriverGlobals found from the
// DRIVER_OBJECT's extension). Keyed by the driver object itself, so machines stay independent.
const drivers = new WeakMap<DRIVER_OBJECT, FxDriver>();

/**
 * `FxDriver`: the framework's side of one loaded driver. It has no parent and the driver cannot
 * delete it (NoDeleteDDI); it is deleted, with every object parented to it, when the kernel
 * unloads the driver, after the style's unload callback. Unless the style asks not to, it owns the
 * DRIVER_OBJECT's dispatch table: every IRP_MJ_* goes to the framework, which routes it to the
 * FxDevice of the target device object (fxdriver.cpp `Initialize`, `Dispatch`).
 */
export class FxDriver extends FxObject {
  /** Called from the kernel's DriverUnload before the framework deletes the driver (`EvtDriverUnload`). */
  unloadCallback: ((driver: FxDriver) => void) | null = null;
  /** `EvtDriverDeviceAdd`, in framework terms: the style passes the init to the driver as its WDFDEVICE_INIT. */
  deviceAddCallback: ((driver: FxDriver, init: FxDeviceInit) => NTSTATUS) | null = null;

  /**
   * `FxDriverGlobals->Tag`: the pool tag of the framework's allocations for this driver and of
   * driver allocations made with tag 0 (WdfMemoryCreate); `WDF_DRIVER_CONFIG.DriverPoolTag` sets
   * it, else 'FxDr'.
   */
  Tag = 0x72447846;

  constructor(readonly DriverObject: DRIVER_OBJECT, readonly RegistryPath: string) {
    super(FX_TYPE_DRIVER);
    this.noDeleteDDI = true;
    // fxdriver.cpp: a KMDF driver's callbacks may run at DISPATCH_LEVEL, with no serialization.
    this.executionLevel = WdfExecutionLevelDispatch;
    this.synchronizationScope = WdfSynchronizationScopeNone;
  }

  /** The FxDriver of a kernel driver object, if WdfDriverCreate made one. */
  static fromDriverObject(DriverObject: DRIVER_OBJECT): FxDriver | undefined {
    return drivers.get(DriverObject);
  }

  /**
   * Binds the driver to its DRIVER_OBJECT and makes it the executing driver. `unloadable`: the
   * framework's DriverUnload is installed (fxdriver.cpp: always for a PnP driver, for a non-PnP
   * one only if it has an unload callback; without one the kernel cannot unload it).
   */
  register(installDispatch: boolean, unloadable: boolean, pnp = false): void {
    drivers.set(this.DriverObject, this);
    this.table.driver = this;
    const d = this.DriverObject;
    // fxdriver.cpp Initialize: with WdfDriverInitNoDispatchOverride (a miniport) the framework
    // leaves the dispatch table, DriverUnload and AddDevice to the driver and its port.
    if (!installDispatch) return;
    for (let mj = 0; mj <= IRP_MJ_MAXIMUM_FUNCTION; mj++) d.MajorFunction[mj] = FxDriverDispatch;
    d.DriverUnload = unloadable ? FxDriverUnload : null;
    // fxdriver.cpp Initialize: a PnP driver gets the framework's AddDevice.
    if (pnp) d.DriverExtension.AddDevice = FxDriverAddDevice;
  }

  protected override disposeResources(): void {
    drivers.delete(this.DriverObject);
    if (this.table.driver === this) this.table.driver = null;
  }
}

/**
 * The dispatch routine the framework puts in every MajorFunction slot (`FxDevice::Dispatch`):
 * the device object's extension is its FxDevice, which handles the IRP with the driver's globals
 * current. A device object that is not the framework's (a port's, when its miniport did not ask
 * for WdfDriverInitNoDispatchOverride) fails the IRP as the I/O
 * manager's default routine would.
 */
export function FxDriverDispatch(DeviceObject: DEVICE_OBJECT, Irp: IRP): NTSTATUS | KWAIT_GENERATOR<NTSTATUS> {
  const device = DeviceObject.DeviceExtension as FxDevice | null;
  if (device === null || typeof device !== "object" || !("dispatch" in device)) {
    Irp.IoStatus.Status = STATUS_INVALID_DEVICE_REQUEST;
    Irp.IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_INVALID_DEVICE_REQUEST;
  }
  // The I/O path's common case first: a request presented at once to the queue its IRP goes to.
  const queue = device.table.checked ? null : device.pkgIo.route(IoGetCurrentIrpStackLocation(Irp).MajorFunction);
  if (queue !== null && device.pkgIo.requestAttributes === null && queue.canPresentAtOnce(Irp)) return FxPkgIoPresentAtOnce(Irp, queue);
  const table = device.table;
  const previous = table.driver;
  const driver = device.driver;
  if (previous === driver) return device.dispatch(Irp);
  table.driver = driver;
  try {
    return device.dispatch(Irp);
  } finally {
    table.driver = previous;
  }
}

/**
 * The AddDevice the framework installs (`FxDriver::AddDevice`): an FDO init for the PDO, given to
 * EvtDriverDeviceAdd; if the callback created the device and succeeded, the device may be opened
 * (DO_DEVICE_INITIALIZING cleared). A failing callback's device is deleted (it never joined a stack
 * the PnP manager will remove).
 */
export function FxDriverAddDevice(DriverObject: DRIVER_OBJECT, PhysicalDeviceObject: DEVICE_OBJECT): NTSTATUS {
  const driver = FxDriver.fromDriverObject(DriverObject);
  if (driver === undefined || driver.deviceAddCallback === null) return STATUS_INVALID_DEVICE_REQUEST;
  const init = new FxDeviceInit(driver, FxDeviceInitTypeFdo);
  init.PhysicalDevice = PhysicalDeviceObject;
  const table = driver.table;
  const previous = table.driver;
  table.driver = driver;
  try {
    const irql = FxVerifierCallbackIrqlEntry();
    const status = driver.deviceAddCallback(driver, init);
    FxVerifierCallbackIrqlExit(irql, "EvtDriverDeviceAdd");
    const device = init.createdDevice;
    if (device !== null) {
      if (NT_SUCCESS(status)) device.DeviceObject!.Flags &= ~DO_DEVICE_INITIALIZING;
      else device.deleteFromFailedAdd();
    }
    return status;
  } finally {
    table.driver = previous;
  }
}

/**
 * The DriverUnload the framework installs (`FxDriver::Unload`): the style's unload callback,
 * then the driver object is deleted with everything parented to it (its control devices first).
 */
export function FxDriverUnload(DriverObject: DRIVER_OBJECT): void {
  const driver = FxDriver.fromDriverObject(DriverObject);
  if (driver === undefined) return;
  const table = FxObjectTableOf();
  const previous = table.driver;
  table.driver = driver;
  try {
    const irql = FxVerifierCallbackIrqlEntry();
    driver.unloadCallback?.(driver);
    FxVerifierCallbackIrqlExit(irql, "EvtDriverUnload");
    driver.deleteObject();
  } finally {
    table.driver = previous === driver ? null : previous;
  }
}
