import {
  BusRelations, IoInvalidateDeviceRelations, BusQueryCompatibleIDs, BusQueryDeviceID, BusQueryHardwareIDs, BusQueryInstanceID, DEVICE_RELATIONS_SIZE, DevicePowerState, DeviceTextDescription,
  DeviceTextLocationInformation, ExAllocatePool2, IoAllocateWideStrings, IoCompleteRequest, IoGetCurrentIrpStackLocation, IO_NO_INCREMENT,
  IRP_MN_EJECT, IRP_MN_QUERY_BUS_INFORMATION, IRP_MN_QUERY_PNP_DEVICE_STATE, IRP_MN_QUERY_CAPABILITIES, IRP_MN_QUERY_DEVICE_RELATIONS, IRP_MN_QUERY_DEVICE_TEXT, IRP_MN_QUERY_ID,
  IRP_MN_QUERY_POWER, IRP_MN_QUERY_RESOURCE_REQUIREMENTS, IRP_MN_QUERY_RESOURCES, ObReferenceObject, POOL_FLAG_PAGED, POOL_TAG, POWER_STATE,
  PoSetPowerState, PoStartNextPowerIrp, STATUS_INSUFFICIENT_RESOURCES, STATUS_SUCCESS, SystemPowerState, TargetDeviceRelation, WriteDeviceRelationsCount,
  WriteDeviceRelationsObject, WritePnpBusInformation, PNP_BUS_INFORMATION_SIZE, IRP_MN_WAIT_WAKE, IoMarkIrpPending, IoSetCancelRoutine,
  IoReleaseCancelSpinLock, STATUS_CANCELLED, STATUS_DEVICE_BUSY, STATUS_PENDING, BusQueryContainerID, RemovalRelations, EjectionRelations, IRP_MN_SET_LOCK,
  NT_SUCCESS, STATUS_UNSUCCESSFUL,
  type DEVICE_CAPABILITIES, type DEVICE_OBJECT, type IRP, type KWAIT_GENERATOR, type NTSTATUS,
} from "@wdfjs/kernel";
import type { FxDevice } from "../device/fx-device.js";
import { FxPkgPnp } from "./fx-pkg-pnp.js";
import { FxPkgFdo } from "./fx-pkg-fdo.js";
import type { FxPnpPowerCallbacks } from "./pnp-callbacks.js";
import type { FxPdoInit } from "./fx-pdo-init.js";
import { FxApplyCapabilities } from "./fx-pnp-capabilities.js";
import { FxAppendRelations, FxRelatedDevices } from "./fx-device-relations.js";
import { FxPdoQueryResourceRequirements } from "./fx-resource-requirements.js";
import { FxPdoQueryResources } from "./fx-pdo-resources.js";
import type { WDFDEVICE } from "../object/handles.js";

const WDF_TAG = POOL_TAG("FxPd");

/**
 * `FxPkgPdo` (fxpkgpdo.cpp, pdopower.cpp): the PnP package of a child device a KMDF bus driver
 * created. It is the bottom of its stack: it completes its own PnP and power IRPs, answers the
 * PnP manager's questions (IDs, device text, capabilities, bus information, target relation, no
 * resources) from the PDO init, and is deleted only when its parent reported it missing (or with
 * its parent); a REMOVE while still present leaves it waiting to be started again.
 */
export class FxPkgPdo extends FxPkgPnp {
  readonly isPdo = true;
  /** `m_DeviceReportedMissing`: WdfPdoMarkMissing (or the parent's removal). */
  reportedMissing = false;
  /** `m_EjectionDeviceList`: WdfPdoAddEjectionRelationsPhysicalDevice's PDOs, reported as EjectionRelations. */
  readonly ejectionRelations = new FxRelatedDevices();

  constructor(device: FxDevice, callbacks: FxPnpPowerCallbacks, readonly pdo: FxPdoInit) {
    // pdopower.cpp: a raw PDO owns its stack's power policy (there is no function driver).
    super(device, callbacks, pdo.Raw);
  }

  physicalDevice(): DEVICE_OBJECT | null {
    return this.device.DeviceObject;
  }

  override usageParentDevice(): DEVICE_OBJECT | null {
    return this.pdo.Parent.DeviceObject;
  }

  override pdoReportedMissing(): boolean {
    return this.reportedMissing;
  }

  *sendStartDeviceDownTheStack(): KWAIT_GENERATOR<boolean> {
    // Nothing below a PDO.
    return true;
  }

  protected completePnpIrp(Irp: IRP, status: NTSTATUS): NTSTATUS {
    Irp.IoStatus.Status = status;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
  }

  /** PdoRemoved: REMOVE completed; a PDO reported missing is deleted with its device object. */
  finishRemove(): void {
    const Irp = this.pendingPnpIrp;
    if (Irp !== null) {
      this.markPnpIrpDone(this.completePnpIrp(Irp, STATUS_SUCCESS));
    }
    const parent = this.pdo.Parent.pnp;
    if (parent instanceof FxPkgFdo) parent.children.remove(this.device);
    this.pdo.DescriptionEntry?.pdoRemoved();
    this.device.deleteFromRemove();
  }

  private complete(Irp: IRP, status: NTSTATUS, information?: number): NTSTATUS {
    Irp.IoStatus.Status = status;
    if (information !== undefined) Irp.IoStatus.Information = information;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
  }

  protected dispatchOtherPnp(Irp: IRP): NTSTATUS {
    const sl = IoGetCurrentIrpStackLocation(Irp);
    const pdo = this.pdo;
    switch (sl.MinorFunction) {
      case IRP_MN_QUERY_ID: {
        const t = sl.Parameters.QueryId.IdType;
        const ids = t === BusQueryDeviceID ? (pdo.DeviceID !== null ? [pdo.DeviceID] : null)
          : t === BusQueryInstanceID ? (pdo.InstanceID !== null ? [pdo.InstanceID] : null)
          : t === BusQueryHardwareIDs ? (pdo.HardwareIDs.length > 0 ? pdo.HardwareIDs : null)
          : t === BusQueryCompatibleIDs ? (pdo.CompatibleIDs.length > 0 ? pdo.CompatibleIDs : null)
          : t === BusQueryContainerID ? (pdo.ContainerID !== null ? [pdo.ContainerID] : null) : null;
        // fxpkgpdo.cpp PnpQueryId: an ID the driver did not assign keeps the IRP's status.
        if (ids === null) return this.complete(Irp, Irp.IoStatus.Status);
        const p = IoAllocateWideStrings(ids, t === BusQueryHardwareIDs || t === BusQueryCompatibleIDs, WDF_TAG);
        return p === 0 ? this.complete(Irp, STATUS_INSUFFICIENT_RESOURCES) : this.complete(Irp, STATUS_SUCCESS, p);
      }
      case IRP_MN_QUERY_DEVICE_TEXT: {
        const q = sl.Parameters.QueryDeviceText;
        // fxpkgpdo.cpp PnpQueryDeviceText: the asked locale, else the default locale's text.
        let text = pdo.DeviceText.find((d) => d.LocaleId === q.LocaleId) ?? pdo.DeviceText.find((d) => d.LocaleId === pdo.DefaultLocale) ?? null;
        if (text === null || (q.DeviceTextType !== DeviceTextDescription && q.DeviceTextType !== DeviceTextLocationInformation)) {
          text = null;
        }
        if (text === null) return this.complete(Irp, Irp.IoStatus.Status);
        const s = q.DeviceTextType === DeviceTextDescription ? text.DeviceDescription : text.DeviceLocation;
        const p = IoAllocateWideStrings([s], false, WDF_TAG);
        return p === 0 ? this.complete(Irp, STATUS_INSUFFICIENT_RESOURCES) : this.complete(Irp, STATUS_SUCCESS, p);
      }
      case IRP_MN_QUERY_CAPABILITIES: {
        const caps = sl.Parameters.DeviceCapabilities.Capabilities;
        this.fillCapabilities(caps);
        return this.complete(Irp, STATUS_SUCCESS);
      }
      case IRP_MN_QUERY_BUS_INFORMATION: {
        const info = this.busInformation();
        if (info === null) return this.complete(Irp, Irp.IoStatus.Status);
        const p = ExAllocatePool2(POOL_FLAG_PAGED, PNP_BUS_INFORMATION_SIZE, WDF_TAG);
        if (p === 0) return this.complete(Irp, STATUS_INSUFFICIENT_RESOURCES);
        WritePnpBusInformation(p, info.BusTypeGuid, info.LegacyBusType, info.BusNumber);
        return this.complete(Irp, STATUS_SUCCESS, p);
      }
      case IRP_MN_QUERY_DEVICE_RELATIONS: {
        // fxpkgpdo.cpp PnpQueryDeviceRelations: the removal and ejection PDOs the driver listed.
        const type = sl.Parameters.QueryDeviceRelations.Type;
        if (type === RemovalRelations || type === EjectionRelations) {
          return this.complete(Irp, FxAppendRelations(Irp, type === RemovalRelations ? this.removalRelations : this.ejectionRelations));
        }
        if (type !== TargetDeviceRelation) return this.complete(Irp, Irp.IoStatus.Status);
        const r = ExAllocatePool2(POOL_FLAG_PAGED, DEVICE_RELATIONS_SIZE(1), WDF_TAG);
        if (r === 0) return this.complete(Irp, STATUS_INSUFFICIENT_RESOURCES);
        const self = this.device.DeviceObject!;
        WriteDeviceRelationsCount(r, 1);
        ObReferenceObject(self);
        WriteDeviceRelationsObject(r, 0, self);
        return this.complete(Irp, STATUS_SUCCESS, r);
      }
      case IRP_MN_QUERY_RESOURCES:
        if (pdo.EventCallbacks?.EvtDeviceResourcesQuery) return this.complete(Irp, FxPdoQueryResources(this, Irp, pdo.EventCallbacks.EvtDeviceResourcesQuery));
        return this.complete(Irp, Irp.IoStatus.Status);
      case IRP_MN_SET_LOCK: {
        // fxpkgpdo.cpp PnpSetLock: EvtDeviceSetLock decides (none: STATUS_UNSUCCESSFUL).
        const cb = pdo.EventCallbacks?.EvtDeviceSetLock ?? null;
        const lock = sl.Parameters.SetLock.Lock;
        const status = cb === null ? STATUS_UNSUCCESSFUL : this.device.callDriver(() => cb(this.device.handle as WDFDEVICE, lock));
        return NT_SUCCESS(status) ? this.complete(Irp, status, 0) : this.complete(Irp, status);
      }
      case IRP_MN_QUERY_RESOURCE_REQUIREMENTS:
        // EvtDeviceResourceRequirementsQuery fills a WDFIORESREQLIST; without it the list stays empty (Information 0), the status as sent.
        if (pdo.EventCallbacks?.EvtDeviceResourceRequirementsQuery) return this.complete(Irp, FxPdoQueryResourceRequirements(this, Irp, pdo.EventCallbacks.EvtDeviceResourceRequirementsQuery));
        return this.complete(Irp, Irp.IoStatus.Status);
      case IRP_MN_QUERY_PNP_DEVICE_STATE:
        this.answerPnpDeviceState(Irp);
        return this.complete(Irp, Irp.IoStatus.Status);
      case IRP_MN_EJECT: {
        // fxpkgpdo.cpp PnpEventEjectHardware: EvtDeviceEject first (none: success); a failure is
        // EjectFailed and the IRP's status.
        const eject = pdo.EventCallbacks?.EvtDeviceEject ?? null;
        const ejected = eject === null ? STATUS_SUCCESS : this.device.callDriver(() => eject(this.device.handle as WDFDEVICE));
        if (!NT_SUCCESS(ejected)) return this.complete(Irp, ejected);
        // The ejected child is reported missing, so the bus relations drop it and its last REMOVE deletes it.
        this.reportedMissing = true;
        const parent = this.pdo.Parent.pnp;
        const parentPdo = this.pdo.Parent.PhysicalDevice;
        if (parent instanceof FxPkgFdo && parent.children.markMissing(this.device) && parentPdo !== null) IoInvalidateDeviceRelations(parentPdo, BusRelations);
        return this.complete(Irp, STATUS_SUCCESS);
      }
      default:
        return this.complete(Irp, Irp.IoStatus.Status);
    }
  }

  private fillCapabilities(caps: DEVICE_CAPABILITIES): void {
    // fxpkgpdo.cpp PnpQueryCapabilities: a raw PDO may run without a function driver; a KMDF PDO supports surprise removal.
    caps.RawDeviceOK = this.pdo.Raw;
    caps.SurpriseRemovalOK = true;
    FxApplyCapabilities(caps, this.pnpCapabilities, this.powerCapabilities);
  }

  private busInformation(): { BusTypeGuid: string; LegacyBusType: number; BusNumber: number } | null {
    const parent = this.pdo.Parent.pnp;
    return parent instanceof FxPkgFdo ? parent.busInformationForChildren : null;
  }

  protected dispatchOtherPower(Irp: IRP): NTSTATUS {
    const sl = IoGetCurrentIrpStackLocation(Irp);
    if (sl.MinorFunction === IRP_MN_WAIT_WAKE) return this.holdWaitWake(Irp);
    // The bottom of the stack agrees to QUERY_POWER; WAIT_WAKE and the rest keep the status they came with.
    const status = sl.MinorFunction === IRP_MN_QUERY_POWER ? STATUS_SUCCESS : Irp.IoStatus.Status;
    PoStartNextPowerIrp(Irp);
    return this.complete(Irp, status);
  }

  /** The WAIT_WAKE the bus keeps until the device signals wake (machine.signalWake) or it is cancelled. */
  waitWakeIrp: IRP | null = null;

  /**
   * pdopower.cpp DispatchWaitWake: the bus driver holds the WAIT_WAKE (one at a time:
   * STATUS_DEVICE_BUSY for a second) with a cancel routine; the platform completes it on wake.
   */
  private holdWaitWake(Irp: IRP): NTSTATUS {
    PoStartNextPowerIrp(Irp);
    // One the platform completed (machine.signalWake took its cancel routine) no longer counts.
    if (this.waitWakeIrp !== null && this.waitWakeIrp.CancelRoutine !== null) return this.complete(Irp, STATUS_DEVICE_BUSY);
    this.waitWakeIrp = Irp;
    IoMarkIrpPending(Irp);
    IoSetCancelRoutine(Irp, FxPkgPdoWaitWakeCancel);
    if (Irp.Cancel && IoSetCancelRoutine(Irp, null) !== null) {
      this.waitWakeIrp = null;
      this.complete(Irp, STATUS_CANCELLED);
    }
    return STATUS_PENDING;
  }

  protected *dispatchSystemSetPower(Irp: IRP): KWAIT_GENERATOR<NTSTATUS> {
    const state = IoGetCurrentIrpStackLocation(Irp).Parameters.Power.State.SystemState;
    PoSetPowerState(this.device.DeviceObject!, SystemPowerState, new POWER_STATE(state));
    if (this.isPowerPolicyOwner) {
      Irp.IoStatus.Status = STATUS_SUCCESS;
      yield* this.systemPowerEvent(Irp, state === 1);
      if (state === 1) {
        PoStartNextPowerIrp(Irp);
        return this.complete(Irp, STATUS_SUCCESS);
      }
      return STATUS_SUCCESS;
    }
    PoStartNextPowerIrp(Irp);
    return this.complete(Irp, STATUS_SUCCESS);
  }

  protected *lowerDevicePowerUp(): KWAIT_GENERATOR<boolean> {
    return true;
  }

  releasePendingDeviceIrp(): void {
    const Irp = this.takePendingDeviceIrp();
    if (Irp === null) return;
    const state = IoGetCurrentIrpStackLocation(Irp).Parameters.Power.State.DeviceState;
    PoSetPowerState(this.device.DeviceObject!, DevicePowerState, new POWER_STATE(state));
    PoStartNextPowerIrp(Irp);
    this.setReleasedStatus(this.complete(Irp, STATUS_SUCCESS));
  }
}

/** The held WAIT_WAKE's cancel routine: the PDO lets it go with STATUS_CANCELLED. */
function FxPkgPdoWaitWakeCancel(DeviceObject: DEVICE_OBJECT, Irp: IRP): void {
  IoReleaseCancelSpinLock(Irp.CancelIrql);
  const fx = DeviceObject.DeviceExtension as FxDevice;
  if (fx.pnp instanceof FxPkgPdo && fx.pnp.waitWakeIrp === Irp) fx.pnp.waitWakeIrp = null;
  Irp.IoStatus.Status = STATUS_CANCELLED;
  Irp.IoStatus.Information = 0;
  IoCompleteRequest(Irp, IO_NO_INCREMENT);
}
