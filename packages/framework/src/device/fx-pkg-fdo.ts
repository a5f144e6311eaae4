import {
  IoCallDriver, IoCompleteRequest, IoDetachDevice, IoForwardIrpSynchronously, IoGetCurrentIrpStackLocation, IoSetDeviceInterfaceState,
  IoSkipCurrentIrpStackLocation, IO_NO_INCREMENT, IRP_MN_CANCEL_REMOVE_DEVICE, IRP_MN_CANCEL_STOP_DEVICE, IRP_MN_QUERY_REMOVE_DEVICE,
  IRP_MN_QUERY_STOP_DEVICE, IRP_MN_REMOVE_DEVICE, IRP_MN_START_DEVICE, IRP_MN_SURPRISE_REMOVAL, NT_SUCCESS, STATUS_SUCCESS,
  type IRP, type KWAIT_GENERATOR, type NTSTATUS,
} from "@wdfjs/kernel";
import type { FxDevice } from "./fx-device.js";

/** `WDF_DEVICE_PNP_STATE` (wdfdevice.h): the states this simplified package passes through, with their values. */
export const WdfDevStatePnpInvalid = 0x00;
export const WdfDevStatePnpObjectCreated = 0x100;
export const WdfDevStatePnpInit = 0x105;
export const WdfDevStatePnpInitStarting = 0x106;
export const WdfDevStatePnpHardwareAvailable = 0x108;
export const WdfDevStatePnpEnableInterfaces = 0x109;
export const WdfDevStatePnpQueryRemovePending = 0x10c;
export const WdfDevStatePnpQueryStopPending = 0x110;
export const WdfDevStatePnpRemoved = 0x113;
export const WdfDevStatePnpRemovingDisableInterfaces = 0x117;
export const WdfDevStatePnpStarted = 0x119;
export const WdfDevStatePnpStartedRemoving = 0x11c;
export const WdfDevStatePnpSurpriseRemoveIoStarted = 0x127;
export const WdfDevStatePnpFailedIoStarting = 0x129;
export const WdfDevStatePnpFailedOwnHardware = 0x12a;
export const WdfDevStatePnpFailed = 0x12b;
export const WdfDevStatePnpFdoRemoved = 0x124;
export const WdfDevStatePnpFinal = 0x135;
export type WDF_DEVICE_PNP_STATE = number;

/** `WDF_POWER_DEVICE_STATE` (wdfdevice.h). */
export const WdfPowerDeviceInvalid = 0;
export const WdfPowerDeviceD0 = 1;
export const WdfPowerDeviceD1 = 2;
export const WdfPowerDeviceD2 = 3;
export const WdfPowerDeviceD3 = 4;
export const WdfPowerDeviceD3Final = 5;
export const WdfPowerDevicePrepareForHibernation = 6;
export type WDF_POWER_DEVICE_STATE = number;

/**
 * The PnP/power callbacks of a device in framework terms (the style layer wraps the driver's
 * `EvtDevice*` functions, which take handles). A missing callback counts as success.
 */
export interface FxPnpPowerCallbacks {
  prepareHardware?: ((Device: FxDevice, ResourcesRaw: number, ResourcesTranslated: number) => NTSTATUS) | undefined;
  releaseHardware?: ((Device: FxDevice, ResourcesTranslated: number) => NTSTATUS) | undefined;
  d0Entry?: ((Device: FxDevice, PreviousState: WDF_POWER_DEVICE_STATE) => NTSTATUS) | undefined;
  d0Exit?: ((Device: FxDevice, TargetState: WDF_POWER_DEVICE_STATE) => NTSTATUS) | undefined;
  selfManagedIoInit?: ((Device: FxDevice) => NTSTATUS) | undefined;
  selfManagedIoFlush?: ((Device: FxDevice) => void) | undefined;
  selfManagedIoCleanup?: ((Device: FxDevice) => void) | undefined;
  surpriseRemoval?: ((Device: FxDevice) => void) | undefined;
}

/** How many transitions `FxPkgFdo.history` keeps (WDF's `m_PnpMachine.m_States.History` has 8). */
export const FxPnpHistorySize = 8;

/**
 * A simplified `FxPkgFdo` / `FxPkgPnp` (fxpkgfdo.cpp, fxpkgpnp.cpp): IRP_MJ_PNP for a function or
 * filter device, handled in straight-line code rather than WDF's table-driven PnP, power and
 * power-policy machines. The current `WDF_DEVICE_PNP_STATE` and a ring of the last transitions
 * are kept with the state machine's names; the callbacks run in the reference's order
 * (§1.6): start = PrepareHardware, D0Entry(D3Final), SelfManagedIoInit, interfaces enabled;
 * removal = D0Exit(D3Final), ReleaseHardware, interfaces disabled, SelfManagedIoFlush, and at
 * REMOVE_DEVICE SelfManagedIoCleanup; surprise removal = EvtDeviceSurpriseRemoval first, then the same.
 */
export class FxPkgFdo {
  state: WDF_DEVICE_PNP_STATE = WdfDevStatePnpInit;
  /** The last transitions, oldest first (at most FxPnpHistorySize). */
  readonly history: WDF_DEVICE_PNP_STATE[] = [WdfDevStatePnpObjectCreated, WdfDevStatePnpInit];
  /** Called on every transition; the machine's trace also gets a `wdf.pnp-state` event (the tracing hook). */
  onTransition: ((from: WDF_DEVICE_PNP_STATE, to: WDF_DEVICE_PNP_STATE) => void) | null = null;
  /** The device was started (D0, hardware prepared) and not yet torn down. */
  started = false;
  private hardwarePrepared = false;
  private inD0 = false;
  private selfManagedIoInitialized = false;
  /** The translated resource list START_DEVICE brought, given back to EvtDeviceReleaseHardware. */
  private resourcesTranslated = 0;

  constructor(readonly device: FxDevice, readonly callbacks: FxPnpPowerCallbacks) {}

  setState(to: WDF_DEVICE_PNP_STATE): void {
    const from = this.state;
    this.state = to;
    this.history.push(to);
    // Bounded at FxPnpHistorySize entries: dropping the oldest costs a fixed 8-element move.
    if (this.history.length > FxPnpHistorySize) this.history.shift();
    this.onTransition?.(from, to);
    this.device.table.machine.trace?.event("wdf.pnp-state", null, `WDFDEVICE 0x${this.device.handle.toString(16)}: 0x${from.toString(16)} -> 0x${to.toString(16)}`);
  }

  dispatch(Irp: IRP): NTSTATUS | KWAIT_GENERATOR<NTSTATUS> {
    const minor = IoGetCurrentIrpStackLocation(Irp).MinorFunction;
    switch (minor) {
      case IRP_MN_START_DEVICE:
        return this.start(Irp);
      case IRP_MN_QUERY_REMOVE_DEVICE:
        this.setState(WdfDevStatePnpQueryRemovePending);
        return this.passDown(Irp, STATUS_SUCCESS);
      case IRP_MN_QUERY_STOP_DEVICE:
        this.setState(WdfDevStatePnpQueryStopPending);
        return this.passDown(Irp, STATUS_SUCCESS);
      case IRP_MN_CANCEL_REMOVE_DEVICE:
      case IRP_MN_CANCEL_STOP_DEVICE:
        if (this.started) this.setState(WdfDevStatePnpStarted);
        return this.passDown(Irp, STATUS_SUCCESS);
      case IRP_MN_SURPRISE_REMOVAL:
        this.setState(WdfDevStatePnpSurpriseRemoveIoStarted);
        this.device.callDriver(() => this.callbacks.surpriseRemoval?.(this.device));
        this.tearDown(false);
        return this.passDown(Irp, STATUS_SUCCESS);
      case IRP_MN_REMOVE_DEVICE:
        return this.remove(Irp);
      default:
        // Windows: a function or filter driver passes on the PnP IRPs it does not handle, status untouched.
        return this.passDown(Irp, Irp.IoStatus.Status);
    }
  }

  private passDown(Irp: IRP, status: NTSTATUS): NTSTATUS {
    Irp.IoStatus.Status = status;
    IoSkipCurrentIrpStackLocation(Irp);
    return IoCallDriver(this.device.AttachedDevice!, Irp);
  }

  private complete(Irp: IRP, status: NTSTATUS): NTSTATUS {
    Irp.IoStatus.Status = status;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
  }

  private *start(Irp: IRP): KWAIT_GENERATOR<NTSTATUS> {
    // Windows starts a stack bottom-up: the lower drivers finish START_DEVICE before this one.
    yield* IoForwardIrpSynchronously(this.device.AttachedDevice!, Irp);
    if (!NT_SUCCESS(Irp.IoStatus.Status)) return this.complete(Irp, Irp.IoStatus.Status);
    const sl = IoGetCurrentIrpStackLocation(Irp);
    const raw = sl.Parameters.StartDevice.AllocatedResources;
    const translated = sl.Parameters.StartDevice.AllocatedResourcesTranslated;
    const cb = this.callbacks;
    const d = this.device;
    this.resourcesTranslated = translated;
    this.setState(WdfDevStatePnpInitStarting);
    let status = d.callDriver(() => cb.prepareHardware?.(d, raw, translated) ?? STATUS_SUCCESS);
    if (NT_SUCCESS(status)) {
      this.hardwarePrepared = true;
      this.setState(WdfDevStatePnpHardwareAvailable);
      status = d.callDriver(() => cb.d0Entry?.(d, WdfPowerDeviceD3Final) ?? STATUS_SUCCESS);
    }
    if (NT_SUCCESS(status)) {
      this.inD0 = true;
      status = d.callDriver(() => cb.selfManagedIoInit?.(d) ?? STATUS_SUCCESS);
      this.selfManagedIoInitialized = true;
    }
    if (!NT_SUCCESS(status)) {
      // Simplified: WDF's failure states (FailedIoStarting, FailedOwnHardware...) become one
      // teardown; the PnP manager then sends REMOVE_DEVICE.
      this.tearDown(false);
      return this.complete(Irp, status);
    }
    this.started = true;
    this.setState(WdfDevStatePnpEnableInterfaces);
    d.setInterfacesState(true);
    this.setState(WdfDevStatePnpStarted);
    return this.complete(Irp, STATUS_SUCCESS);
  }

  /**
   * Leaves D0 and gives the hardware back, in the order of WDF's remove states: the power-policy stop
   * (EvtDeviceD0Exit), then `PnpEventRemovingDisableInterfaces` / `FailedOwnHardware`
   * (EvtDeviceReleaseHardware), then `PnpCleanupForRemove`: interfaces disabled, then
   * EvtDeviceSelfManagedIoFlush ("surprise remove path releases hardware first then disables the
   * interfaces, so do the same in the graceful remove path", pnpstatemachine.cpp). Each callback
   * runs only if its start-side partner did.
   */
  private tearDown(graceful: boolean): void {
    const cb = this.callbacks;
    const d = this.device;
    if (!graceful) this.setState(WdfDevStatePnpFailedIoStarting);
    if (this.inD0) {
      this.inD0 = false;
      d.callDriver(() => cb.d0Exit?.(d, WdfPowerDeviceD3Final));
    }
    this.setState(graceful ? WdfDevStatePnpRemovingDisableInterfaces : WdfDevStatePnpFailedOwnHardware);
    this.started = false;
    if (this.hardwarePrepared) {
      this.hardwarePrepared = false;
      d.callDriver(() => cb.releaseHardware?.(d, this.resourcesTranslated));
    }
    d.setInterfacesState(false);
    if (this.selfManagedIoInitialized) d.callDriver(() => cb.selfManagedIoFlush?.(d));
    if (!graceful) this.setState(WdfDevStatePnpFailed);
  }

  private remove(Irp: IRP): NTSTATUS {
    if (this.state !== WdfDevStatePnpFailed) {
      this.setState(WdfDevStatePnpStartedRemoving);
      this.tearDown(true);
    }
    // pnpstatemachine.cpp PnpEventRemoved: self-managed I/O is cleaned up once, at removal.
    this.setState(WdfDevStatePnpRemoved);
    if (this.selfManagedIoInitialized) {
      this.selfManagedIoInitialized = false;
      const d = this.device;
      d.callDriver(() => this.callbacks.selfManagedIoCleanup?.(d));
    }
    const lower = this.device.AttachedDevice!;
    const status = this.passDown(Irp, STATUS_SUCCESS);
    // Windows: detach, then delete (the WDFDEVICE with its children and cleanup callbacks).
    IoDetachDevice(lower);
    this.device.AttachedDevice = null;
    this.setState(WdfDevStatePnpFdoRemoved);
    this.setState(WdfDevStatePnpFinal);
    this.device.deleteFromRemove();
    return status;
  }
}
