import {
  DevicePowerState, IoCallDriver, IoCompleteRequest, IoCopyCurrentIrpStackLocationToNext, IoDetachDevice, IoForwardIrpSynchronously,
  IoGetCurrentIrpStackLocation, IoSkipCurrentIrpStackLocation, IO_NO_INCREMENT, IRP_MN_START_DEVICE, NT_SUCCESS,
  PoCallDriver, POWER_STATE, PoSetPowerState, PoStartNextPowerIrp, PowerDeviceD0, PowerSystemWorking, STATUS_SUCCESS, BusRelations, DEVICE_RELATIONS_SIZE,
  ExAllocatePool2, ExFreePool, IRP_MN_QUERY_DEVICE_RELATIONS, ObReferenceObject, POOL_FLAG_PAGED, POOL_TAG, ReadDeviceRelationsCount, ReadDeviceRelationsObject,
  STATUS_INSUFFICIENT_RESOURCES, IRP_MN_WAIT_WAKE, WriteDeviceRelationsCount, WriteDeviceRelationsObject, IRP_MN_QUERY_CAPABILITIES, IRP_MN_QUERY_PNP_DEVICE_STATE,
  RemovalRelations, IRP_MN_FILTER_RESOURCE_REQUIREMENTS, type DEVICE_OBJECT, type IRP, type KWAIT_GENERATOR, type NTSTATUS,
} from "@wdfjs/kernel";
import type { FxDevice } from "../device/fx-device.js";
import { FxAppendRelations } from "./fx-device-relations.js";
import { FxRemoveAddedResources, FxRestoreFilteredStart } from "./fx-fdo-event-callbacks.js";
import { FxPkgPnp } from "./fx-pkg-pnp.js";
import { FxFdoFilterResourceRequirements } from "./fx-resource-requirements.js";
import { FxChildPdoList } from "./fx-child-pdo-list.js";
import { FxApplyCapabilities } from "./fx-pnp-capabilities.js";
import type { FxPnpPowerCallbacks } from "./pnp-callbacks.js";

const PwrPolWakeArrivedEvent = 0x100;

/** What the FDO asks of its dynamic child lists (`FxChildList`, kept apart to avoid an import cycle). */
export interface FxBusChildList {
  scanForChildren(): KWAIT_GENERATOR<void>;
  processBusRelations(): KWAIT_GENERATOR<void>;
}

/**
 * `FxPkgFdo` (fxpkgfdo.cpp, fdopower.cpp): the PnP package of a function or filter device. START
 * goes down the stack before the machine prepares the hardware (bottom-up); the other
 * state-changing IRPs are processed here first and then sent down (top-down), REMOVE last of all
 * before the device is detached and deleted. As power-policy owner (an FDO by default) it holds
 * an Sx IRP until its own D IRP has taken the device to Dx; D0 IRPs power the stack below first.
 */
export class FxPkgFdo extends FxPkgPnp {
  readonly isPdo = false;
  /** The child PDOs reported in BusRelations (static children; a dynamic child list feeds it too). */
  readonly children = new FxChildPdoList();
  /** `WdfDeviceSetBusInformationForChildren`: what the children answer to IRP_MN_QUERY_BUS_INFORMATION. */
  busInformationForChildren: { BusTypeGuid: string; LegacyBusType: number; BusNumber: number } | null = null;
  /** The device's WDFCHILDLISTs (`m_EnumInfo->m_ChildListList`); the default one (`WdfFdoGetDefaultChildList`). */
  readonly childLists: FxBusChildList[] = [];
  defaultChildList: FxBusChildList | null = null;

  constructor(device: FxDevice, callbacks: FxPnpPowerCallbacks, powerPolicyOwner: boolean) {
    super(device, callbacks, powerPolicyOwner);
  }

  physicalDevice(): DEVICE_OBJECT | null {
    return this.device.PhysicalDevice;
  }

  *sendStartDeviceDownTheStack(): KWAIT_GENERATOR<boolean> {
    const irp = this.pendingPnpIrp!;
    const remove = this.device.Init.FdoEventCallbacks?.EvtDeviceRemoveAddedResources ?? null;
    const filtered = remove === null ? null : FxRemoveAddedResources(this, irp, remove);
    if (typeof filtered === "number") {
      irp.IoStatus.Status = filtered;
      return false;
    }
    yield* IoForwardIrpSynchronously(this.device.AttachedDevice!, irp);
    if (filtered !== null) FxRestoreFilteredStart(irp, filtered);
    return NT_SUCCESS(irp.IoStatus.Status);
  }

  protected completePnpIrp(Irp: IRP, status: NTSTATUS): NTSTATUS {
    const minor = IoGetCurrentIrpStackLocation(Irp).MinorFunction;
    // START came back up already; a failure stops here; the rest goes on down.
    if (minor === IRP_MN_START_DEVICE || !NT_SUCCESS(status)) {
      Irp.IoStatus.Status = status;
      IoCompleteRequest(Irp, IO_NO_INCREMENT);
      return status;
    }
    Irp.IoStatus.Status = status;
    IoSkipCurrentIrpStackLocation(Irp);
    return IoCallDriver(this.device.AttachedDevice!, Irp);
  }

  finishRemove(): void {
    const Irp = this.pendingPnpIrp!;
    const d = this.device;
    const lower = d.AttachedDevice!;
    Irp.IoStatus.Status = STATUS_SUCCESS;
    IoSkipCurrentIrpStackLocation(Irp);
    const status = IoCallDriver(lower, Irp);
    // Windows: detach, then delete (the WDFDEVICE with its children and cleanup callbacks).
    IoDetachDevice(lower);
    d.AttachedDevice = null;
    this.markPnpIrpDone(status);
    d.deleteFromRemove();
  }

  protected dispatchOtherPnp(Irp: IRP): NTSTATUS | KWAIT_GENERATOR<NTSTATUS> {
    const sl = IoGetCurrentIrpStackLocation(Irp);
    // Capabilities and device state: the lower drivers answer first, this device adjusts on the way up.
    if (sl.MinorFunction === IRP_MN_QUERY_CAPABILITIES || sl.MinorFunction === IRP_MN_QUERY_PNP_DEVICE_STATE) return this.adjustOnTheWayUp(Irp);
    // The requirement filters: EvtDeviceFilterRemoveResourceRequirements down, EvtDeviceFilterAddResourceRequirements up.
    if (sl.MinorFunction === IRP_MN_FILTER_RESOURCE_REQUIREMENTS) {
      const c = this.device.Init.FdoEventCallbacks;
      if (c != null && (c.EvtDeviceFilterAddResourceRequirements !== null || c.EvtDeviceFilterRemoveResourceRequirements !== null)) {
        return FxFdoFilterResourceRequirements(this, Irp, this.device.AttachedDevice!);
      }
    }
    if (sl.MinorFunction === IRP_MN_QUERY_DEVICE_RELATIONS && sl.Parameters.QueryDeviceRelations.Type === BusRelations) {
      if (this.childLists.length > 0) return this.dynamicBusRelations(Irp);
      const status = this.busRelations(Irp);
      if (!NT_SUCCESS(status)) {
        Irp.IoStatus.Status = status;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        return status;
      }
    }
    // fxpkgfdo.cpp PnpQueryDeviceRelations: RemovalRelations get the driver's removal PDOs on the way down.
    if (sl.MinorFunction === IRP_MN_QUERY_DEVICE_RELATIONS && sl.Parameters.QueryDeviceRelations.Type === RemovalRelations) {
      const status = FxAppendRelations(Irp, this.removalRelations);
      if (!NT_SUCCESS(status)) {
        Irp.IoStatus.Status = status;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        return status;
      }
    }
    // Windows: a function or filter driver passes on the PnP IRPs it does not handle, status untouched.
    IoSkipCurrentIrpStackLocation(Irp);
    return IoCallDriver(this.device.AttachedDevice!, Irp);
  }

  /** BusRelations with dynamic child lists: each list first creates its new PDOs and drops its missing ones. */
  private *dynamicBusRelations(Irp: IRP): KWAIT_GENERATOR<NTSTATUS> {
    for (let i = 0; i < this.childLists.length; i++) yield* this.childLists[i]!.processBusRelations();
    const status = this.busRelations(Irp);
    if (!NT_SUCCESS(status)) {
      Irp.IoStatus.Status = status;
      IoCompleteRequest(Irp, IO_NO_INCREMENT);
      return status;
    }
    IoSkipCurrentIrpStackLocation(Irp);
    return IoCallDriver(this.device.AttachedDevice!, Irp);
  }

  override *scanForChildren(): KWAIT_GENERATOR<void> {
    for (let i = 0; i < this.childLists.length; i++) yield* this.childLists[i]!.scanForChildren();
  }

  removeChildList(list: FxBusChildList): void {
    let w = 0;
    for (let r = 0; r < this.childLists.length; r++) if (this.childLists[r] !== list) this.childLists[w++] = this.childLists[r]!;
    this.childLists.length = w;
    if (this.defaultChildList === list) this.defaultChildList = null;
  }

  private *adjustOnTheWayUp(Irp: IRP): KWAIT_GENERATOR<NTSTATUS> {
    yield* IoForwardIrpSynchronously(this.device.AttachedDevice!, Irp);
    const sl = IoGetCurrentIrpStackLocation(Irp);
    if (sl.MinorFunction === IRP_MN_QUERY_CAPABILITIES) {
      if (NT_SUCCESS(Irp.IoStatus.Status)) FxApplyCapabilities(sl.Parameters.DeviceCapabilities.Capabilities, this.pnpCapabilities, this.powerCapabilities);
    } else this.answerPnpDeviceState(Irp);
    const status = Irp.IoStatus.Status;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
  }

  /**
   * fxpkgfdo.cpp PnpQueryDeviceRelations(BusRelations): the relations a driver above put in the
   * IRP, plus each present child PDO (referenced), in a new list; the old one is freed.
   */
  private busRelations(Irp: IRP): NTSTATUS {
    const previous = Irp.IoStatus.Information;
    const before: DEVICE_OBJECT[] = [];
    if (NT_SUCCESS(Irp.IoStatus.Status) && previous !== 0) {
      const n = ReadDeviceRelationsCount(previous);
      for (let i = 0; i < n; i++) before.push(ReadDeviceRelationsObject(previous, i)!);
    }
    const mine = this.children.relations();
    const r = ExAllocatePool2(POOL_FLAG_PAGED, DEVICE_RELATIONS_SIZE(before.length + mine.length), POOL_TAG("FxBR"));
    if (r === 0) return STATUS_INSUFFICIENT_RESOURCES;
    WriteDeviceRelationsCount(r, before.length + mine.length);
    for (let i = 0; i < before.length; i++) WriteDeviceRelationsObject(r, i, before[i]!);
    for (let i = 0; i < mine.length; i++) {
      ObReferenceObject(mine[i]!);
      WriteDeviceRelationsObject(r, before.length + i, mine[i]!);
    }
    if (previous !== 0 && NT_SUCCESS(Irp.IoStatus.Status)) ExFreePool(previous);
    Irp.IoStatus.Information = r;
    Irp.IoStatus.Status = STATUS_SUCCESS;
    return STATUS_SUCCESS;
  }

  protected dispatchOtherPower(Irp: IRP): NTSTATUS {
    // The owner's own WAIT_WAKE on its way to the bus driver: the policy learns it is armed below.
    if (this.isPowerPolicyOwner && IoGetCurrentIrpStackLocation(Irp).MinorFunction === IRP_MN_WAIT_WAKE) this.pwrPol.post(PwrPolWakeArrivedEvent);
    PoStartNextPowerIrp(Irp);
    IoSkipCurrentIrpStackLocation(Irp);
    return PoCallDriver(this.device.AttachedDevice!, Irp);
  }

  protected *dispatchSystemSetPower(Irp: IRP): KWAIT_GENERATOR<NTSTATUS> {
    if (!this.isPowerPolicyOwner) return this.dispatchOtherPower(Irp);
    this.systemPowerState = IoGetCurrentIrpStackLocation(Irp).Parameters.Power.State.SystemState;
    this.systemIrpAction = IoGetCurrentIrpStackLocation(Irp).Parameters.Power.ShutdownType;
    const toS0 = this.systemPowerState === PowerSystemWorking;
    // fdopower.cpp: the S IRP goes down first; on its way back up the policy machine sees it
    // (Sx: the D IRP is requested and the S IRP completes when the device is in Dx).
    yield* IoForwardIrpSynchronously(this.device.AttachedDevice!, Irp);
    const status = Irp.IoStatus.Status;
    if (toS0) {
      yield* this.systemPowerEvent(Irp, true);
      PoStartNextPowerIrp(Irp);
      IoCompleteRequest(Irp, IO_NO_INCREMENT);
      return status;
    }
    yield* this.systemPowerEvent(Irp, false);
    return status;
  }

  protected *lowerDevicePowerUp(Irp: IRP): KWAIT_GENERATOR<boolean> {
    // RaiseDevicePower: the stack below reaches D0 before this device's D0Entry.
    yield* IoForwardIrpSynchronously(this.device.AttachedDevice!, Irp);
    if (NT_SUCCESS(Irp.IoStatus.Status)) return true;
    PoStartNextPowerIrp(Irp);
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return false;
  }

  releasePendingDeviceIrp(): void {
    const Irp = this.takePendingDeviceIrp();
    if (Irp === null) return;
    const d = this.device.DeviceObject!;
    const state = IoGetCurrentIrpStackLocation(Irp).Parameters.Power.State.DeviceState;
    PoSetPowerState(d, DevicePowerState, new POWER_STATE(state));
    PoStartNextPowerIrp(Irp);
    if (state === PowerDeviceD0) {
      IoCompleteRequest(Irp, IO_NO_INCREMENT);
      this.setReleasedStatus(Irp.IoStatus.Status);
      return;
    }
    // LowerDevicePower: this device is in Dx; the IRP goes on down.
    IoCopyCurrentIrpStackLocationToNext(Irp);
    this.setReleasedStatus(PoCallDriver(this.device.AttachedDevice!, Irp));
  }
}

