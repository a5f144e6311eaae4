import {
  DO_BUFFERED_IO, DO_DEVICE_INITIALIZING, DO_POWER_INRUSH, DO_DIRECT_IO, DO_POWER_PAGABLE, IoCompleteRequest, IoCreateDevice, IoCreateSymbolicLink, IoDeleteDevice,
  IoDeleteSymbolicLink, IoGetCurrentIrpStackLocation, IO_NO_INCREMENT, IoAttachDeviceToDeviceStack, IoCallDriver, IoDetachDevice, IoRegisterDeviceInterface,
  IoSetDeviceInterfaceState, IoSkipCurrentIrpStackLocation, PoCallDriver, PoStartNextPowerIrp, STATUS_NO_SUCH_DEVICE, type KWAIT_GENERATOR, IRP_MJ_CLEANUP, IRP_MJ_CLOSE, IRP_MJ_CREATE, IRP_MJ_PNP, IRP_MJ_SHUTDOWN,
  IRP_MJ_POWER, NT_SUCCESS, Out, STATUS_ACCESS_DENIED, STATUS_INVALID_DEVICE_REQUEST, STATUS_INVALID_DEVICE_STATE, STATUS_SUCCESS,
  type DEVICE_OBJECT, type IRP, type NTSTATUS,
} from "@wdfjs/kernel";
import { FxObject } from "../object/fx-object.js";
import { FX_TYPE_DEVICE, FX_TYPE_DEVICE_BASE, type WDFTYPE } from "../object/types.js";
import { FxVerifierCallbackIrqlEntry, FxVerifierCallbackIrqlExit } from "../verifier.js";
import { WdfTrue, WdfUseDefault } from "../io/queue-config.js";
import type { FxDriver } from "../driver/fx-driver.js";
import { FxPkgIo } from "../io/fx-pkg-io.js";
import type { FxPowerIdleHook } from "../io/power-idle-hook.js";
import { FxPkgGeneral } from "./fx-pkg-general.js";
import { FxPkgFdo } from "../pnp/fx-pkg-fdo.js";
import { FxPkgPdo } from "../pnp/fx-pkg-pdo.js";
import type { FxPkgPnp } from "../pnp/fx-pkg-pnp.js";
import { FxDeviceOnShutdown, FxRegisterShutdownNotification, type EVT_WDF_DEVICE_SHUTDOWN_NOTIFICATION } from "./fx-shutdown.js";
import { FxIoTarget } from "../targets/fx-io-target.js";
import { FxAttachStateChangeCallbacks } from "../pnp/fx-state-change-callbacks.js";
import { FxDevicePreprocess } from "./fx-irp-preprocess.js";
import { FxDispatchStep1, type FxIrpDynamicDispatchInfo } from "../io/fx-dynamic-dispatch.js";
import { WdfDeviceIoBuffered, WdfDeviceIoDirect, type FxDeviceInit, type WDF_DEVICE_IO_TYPE } from "./fx-device-init.js";

/**
 * `FxDevice`: a framework device and its WDM device object, whose extension points back to it
 * (FxWdmDeviceExtension). A function or filter device (an FDO init from AddDevice) is attached
 * over its PDO and has a PnP package (`FxPkgFdo`); the PnP manager deletes it at REMOVE_DEVICE.
 * A control device is created from a control-device init,
 * opened and closed by the framework (no file-object callbacks yet), every other request failed
 * by the I/O package (its default queue, or STATUS_INVALID_DEVICE_REQUEST without one). A control device, unlike a PnP one, is
 * deleted by the driver (WdfObjectDelete) or with its driver at unload; either way its symbolic
 * link and device object go (fxdevicekm.cpp, `ControlDeviceDelete`).
 */
export class FxDevice extends FxObject {
  DeviceObject: DEVICE_OBJECT | null = null;
  readonly Exclusive: boolean;
  readonly ReadWriteIoType: WDF_DEVICE_IO_TYPE;
  readonly DeviceName: string | null;
  SymbolicLinkName: string | null = null;
  /** The I/O package: the default queue and the requests of every IRP other packages do not take. */
  readonly pkgIo = new FxPkgIo();
  /** `WdfControlFinishInitializing` was called: too late for a default queue. */
  controlInitFinished = false;
  /** The PnP package of a function or filter device; null for a control device. */
  readonly pnp: FxPkgPnp | null;
  /** The PDO and the device this one is attached to (`m_PhysicalDevice`, `m_AttachedDevice`). */
  PhysicalDevice: DEVICE_OBJECT | null;
  AttachedDevice: DEVICE_OBJECT | null = null;
  readonly Filter: boolean;
  /**
   * `m_PowerPageableCapable`: the device may be DO_POWER_PAGABLE when no special file needs it
   * otherwise (a filter: the device below it was pageable when it attached; else the init's setting).
   */
  powerPageableCapable = false;
  /** Device interfaces registered on the PDO (`m_DeviceInterfaceHead`): their symbolic link names. */
  readonly interfaces: string[] = [];
  /** Beside each link, its interface class GUID and reference string as `{guid}\ref` (lower case), to find it again. */
  readonly interfaceIds: string[] = [];
  /** Links the driver disabled (WdfDeviceSetDeviceInterfaceState FALSE): starting the device leaves them off. */
  readonly interfacesOff = new Set<string>();
  /** `FxPkgGeneral::m_OpenHandleCount`, without the source's bias of one for control devices. */
  openHandleCount = 0;
  /** Create, cleanup and close: file objects and their callbacks. */
  readonly pkgGeneral: FxPkgGeneral;
  /** The device's idle machine, told by power-managed queues of each request they hold (set by the PnP/power package). */
  powerIdleHook: FxPowerIdleHook | null = null;
  /** `m_DefaultTarget`: a function or filter device's I/O target for the device below it (WdfDeviceGetIoTarget). */
  defaultTarget: FxIoTarget | null = null;
  /** `FxPkgGeneral::m_EvtDeviceShutdown`: set once the device object is registered for shutdown notifications. */
  shutdownNotification: EVT_WDF_DEVICE_SHUTDOWN_NOTIFICATION | null = null;
  /** `m_DynamicDispatchInfoListHead`: WdfDeviceConfigureWdmIrpDispatchCallback's callbacks (null: none). */
  dynamicDispatch: FxIrpDynamicDispatchInfo | null = null;

  /** `Type`: FX_TYPE_DEVICE, or FX_TYPE_MP_DEVICE for a miniport's (FxMpDevice). */
  constructor(readonly driver: FxDriver, readonly Init: FxDeviceInit, Type: WDFTYPE = FX_TYPE_DEVICE) {
    super(Type);
    this.Exclusive = Init.Exclusive;
    this.ReadWriteIoType = Init.ReadWriteIoType;
    this.DeviceName = Init.DeviceName;
    this.PhysicalDevice = Init.PhysicalDevice;
    this.Filter = Init.Filter;
    // fxdevice.cpp: an FDO owns power policy unless it is a filter or the driver said otherwise.
    const owner = Init.PowerPolicyOwnership === WdfTrue || (Init.PowerPolicyOwnership === WdfUseDefault && !Init.Filter);
    this.pnp = Init.IsFdoInit ? new FxPkgFdo(this, Init.PnpPowerCallbacks, owner) : Init.Pdo !== null ? new FxPkgPdo(this, Init.PnpPowerCallbacks, Init.Pdo) : null;
    if (this.pnp !== null) this.pnp.owner.callbacks = Init.PowerPolicyCallbacks;
    if (this.pnp !== null && Init.StateCallbacks !== null) FxAttachStateChangeCallbacks(this, Init.StateCallbacks, [this.pnp.pnp, this.pnp.power, this.pnp.pwrPol]);
    this.pkgGeneral = new FxPkgGeneral(this, Init.FileObject);
    this.pkgIo.device = this;
    this.pkgIo.inCallerContextCallback = Init.IoInCallerContextCallback;
    // A PnP device goes away with its stack at REMOVE_DEVICE, never by WdfObjectDelete.
    if (this.pnp !== null) this.noDeleteDDI = true;
  }

  /** Both kinds of WDFDEVICE answer to FX_TYPE_DEVICE_BASE (`FxDeviceBase::QueryInterface`). */
  override isOfType(Type: WDFTYPE): boolean {
    return Type === FX_TYPE_DEVICE_BASE;
  }

  /** Runs a driver callback with this device's driver as the executing one (its driver globals). */
  callDriver<T>(fn: () => T): T {
    const table = this.table;
    const previous = table.driver;
    table.driver = this.driver;
    try {
      const irql = FxVerifierCallbackIrqlEntry();
      const result = fn();
      FxVerifierCallbackIrqlExit(irql, "PnP/power event callback");
      return result;
    } finally {
      table.driver = previous;
    }
  }

  /**
   * `FxDevice::CreateDevice`: IoCreateDevice with the init's name, type, characteristics and
   * exclusivity (passed to the I/O manager as WDF does, besides the framework's own check at
   * create), then the I/O type as DO_BUFFERED_IO / DO_DIRECT_IO. DO_DEVICE_INITIALIZING stays
   * set until `finishInitializing`.
   */
  createDevice(): NTSTATUS {
    const out = Out<DEVICE_OBJECT | null>(null);
    const init = this.Init;
    const status = IoCreateDevice(this.driver.DriverObject, () => this, init.DeviceName, init.DeviceType, init.Characteristics, init.Exclusive, out);
    if (!NT_SUCCESS(status)) return status;
    const d = out.value!;
    if (this.ReadWriteIoType === WdfDeviceIoBuffered) d.Flags |= DO_BUFFERED_IO;
    else if (this.ReadWriteIoType === WdfDeviceIoDirect) d.Flags |= DO_DIRECT_IO;
    this.DeviceObject = d;
    // fxdevicekm.cpp: an inrush device's power IRPs come at PASSIVE_LEVEL, one at a time (WdfDeviceInitSetPowerInrush).
    if (init.Inrush) d.Flags |= DO_POWER_INRUSH;
    this.powerPageableCapable = init.PowerPageable;
    if (this.pnp !== null && this.pnp.isPdo) {
      // fxdevicekm.cpp PdoInitialize: the device object is the stack's PDO; power IRPs come at PASSIVE_LEVEL.
      this.PhysicalDevice = d;
      d.Flags = (d.Flags | DO_POWER_PAGABLE) & ~DO_DEVICE_INITIALIZING;
      this.pnp.addDevice();
    } else if (this.PhysicalDevice !== null) {
      // fxdevicekm.cpp `FdoInitialize`... `AttachDevice`: on top of the PDO's stack as it is now.
      const attached = IoAttachDeviceToDeviceStack(d, this.PhysicalDevice);
      if (attached === null) return STATUS_NO_SUCH_DEVICE;
      this.AttachedDevice = attached;
      this.pnp?.addDevice();
      d.Flags |= attached.Flags & DO_POWER_PAGABLE;
      if (!init.PowerPageable) d.Flags &= ~DO_POWER_PAGABLE;
      if (this.Filter) this.powerPageableCapable = (d.Flags & DO_POWER_PAGABLE) !== 0;
      // fxdevice.cpp `SetFilterIoType`: a filter takes the I/O type of the device below it, so the
      // IRPs it passes down carry the buffers that device expects.
      if (this.Filter) d.Flags = (d.Flags & ~(DO_BUFFERED_IO | DO_DIRECT_IO)) | (attached.Flags & (DO_BUFFERED_IO | DO_DIRECT_IO));
      // fxdevice.cpp `FdoInitialize`: the default target, a child of the device the framework deletes with it.
      const target = new FxIoTarget(this);
      target.initDefault(attached, this.PhysicalDevice);
      target.assignParent(this);
      target.noDeleteDDI = true;
      this.defaultTarget = target;
    }
    // FxPkgGeneral::PostCreateDeviceInitialize: a control device's shutdown notifications.
    return FxRegisterShutdownNotification(this, init);
  }

  /**
   * `FxDevice::CreateDeviceInterface`: registered on the PDO now; enabled when the device starts
   * (the PnP machine's EnableInterfaces state), or at once if it already has.
   */
  createDeviceInterface(InterfaceClassGuid: string, ReferenceString: string | null): NTSTATUS {
    if (this.PhysicalDevice === null) return STATUS_INVALID_DEVICE_REQUEST;
    const link = Out("");
    let status = IoRegisterDeviceInterface(this.PhysicalDevice, InterfaceClassGuid, ReferenceString, link);
    if (!NT_SUCCESS(status)) return status;
    if (!this.interfaces.includes(link.value)) {
      this.interfaces.push(link.value);
      this.interfaceIds.push(`${InterfaceClassGuid}\\${ReferenceString ?? ""}`.toLowerCase());
    }
    if (this.pnp?.started === true) status = IoSetDeviceInterfaceState(link.value, true);
    return status;
  }

  /** Enables or disables every device interface (at start, and at removal). */
  setInterfacesState(Enable: boolean): void {
    for (const link of this.interfaces) if (!Enable || !this.interfacesOff.has(link)) IoSetDeviceInterfaceState(link, Enable);
  }

  /** REMOVE_DEVICE: the framework deletes the device, its children first, then the device object. */
  deleteFromRemove(): void {
    this.noDeleteDDI = false;
    this.deleteObject();
  }

  /** EvtDriverDeviceAdd failed after creating the device: detached and deleted, as WDF does. */
  deleteFromFailedAdd(): void {
    if (this.AttachedDevice !== null) {
      IoDetachDevice(this.AttachedDevice);
      this.AttachedDevice = null;
    }
    this.deleteFromRemove();
  }

  /** A filter's IRP that it has no use for, sent down untouched. */
  passDown(Irp: IRP): NTSTATUS {
    IoSkipCurrentIrpStackLocation(Irp);
    return IoCallDriver(this.AttachedDevice!, Irp);
  }

  /** `FxDevice::CreateSymbolicLink`: one link per device, to its name (an unnamed device has none to link). */
  createSymbolicLink(SymbolicLinkName: string): NTSTATUS {
    if (this.SymbolicLinkName !== null || this.DeviceName === null) return STATUS_INVALID_DEVICE_REQUEST;
    const status = IoCreateSymbolicLink(SymbolicLinkName, this.DeviceName);
    if (NT_SUCCESS(status)) this.SymbolicLinkName = SymbolicLinkName;
    return status;
  }

  /** `WdfControlFinishInitializing`: the device may now be opened. */
  finishInitializing(): void {
    this.controlInitFinished = true;
    if (this.DeviceObject !== null) this.DeviceObject.Flags &= ~DO_DEVICE_INITIALIZING;
  }

  /** `FxDevice::Dispatch`: the driver's WDM preprocess callback for the IRP if it has one, else `dispatchWorker`. */
  dispatch(Irp: IRP): NTSTATUS | KWAIT_GENERATOR<NTSTATUS> {
    // The common case first: an IRP whose queue is known with nothing to decide on the way.
    const queue = this.pkgIo.route(IoGetCurrentIrpStackLocation(Irp).MajorFunction);
    if (queue !== null) return this.pkgIo.dispatchToQueue(Irp, queue);
    return this.Init.PreprocessInfo === null ? this.dispatchWorker(Irp) : (FxDevicePreprocess(this, Irp) ?? this.dispatchWorker(Irp));
  }

  /**
   * The framework's handling of an IRP for this device (`FxPkgGeneral` for create, cleanup and
   * close; the I/O package for the rest).
   */
  dispatchWorker(Irp: IRP): NTSTATUS | KWAIT_GENERATOR<NTSTATUS> {
    const major = IoGetCurrentIrpStackLocation(Irp).MajorFunction;
    let status: NTSTATUS;
    const pnp = this.pnp;
    if (pnp !== null && (this.AttachedDevice !== null || pnp.isPdo)) {
      if (major === IRP_MJ_PNP) return pnp.dispatchPnp(Irp);
      if (major === IRP_MJ_POWER) return pnp.dispatchPower(Irp);
      // fxpkggeneral.cpp / fxpkgio.cpp: a filter forwards what it has no queue for, and what would
      // reach a default queue that has no callback for its type (FxPkgIo::Dispatch, "Forward").
      if (this.Filter && major !== IRP_MJ_CREATE && major !== IRP_MJ_CLEANUP && major !== IRP_MJ_CLOSE && this.pkgIo.inCallerContextCallback === null) {
        const queue = this.pkgIo.dispatchTable[major] ?? this.pkgIo.defaultQueue;
        if (queue === null || (queue === this.pkgIo.defaultQueue && !queue.isIoEventHandlerRegistered(major))) return this.passDown(Irp);
      }
    }
    // FxPkgGeneral: create, cleanup and close (forwarded down by a filter's AutoForwardCleanupClose).
    if (major === IRP_MJ_CREATE) return this.pkgGeneral.onCreate(Irp);
    if (major === IRP_MJ_CLEANUP) return this.pkgGeneral.onCleanup(Irp);
    if (major === IRP_MJ_CLOSE) return this.pkgGeneral.onClose(Irp);
    if (major === IRP_MJ_SHUTDOWN) return FxDeviceOnShutdown(this, Irp);
    if (major === IRP_MJ_PNP || major === IRP_MJ_POWER) {
      // A control device is not in a PnP stack; such an IRP keeps the status it was sent with.
      status = Irp.IoStatus.Status;
    } else {
      return this.dynamicDispatch === null ? this.pkgIo.dispatch(Irp) : FxDispatchStep1(this, Irp);
    }
    Irp.IoStatus.Status = status;
    Irp.IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
  }

  protected override disposeResources(): void {
    this.interfaces.length = 0;
    this.interfaceIds.length = 0;
    this.interfacesOff.clear();
    if (this.SymbolicLinkName !== null) {
      IoDeleteSymbolicLink(this.SymbolicLinkName);
      this.SymbolicLinkName = null;
    }
    const d = this.DeviceObject;
    if (d !== null) {
      this.DeviceObject = null;
      IoDeleteDevice(d);
    }
  }
}
