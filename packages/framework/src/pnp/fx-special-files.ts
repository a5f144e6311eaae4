import {
  DeviceUsageTypeDumpFile, DO_POWER_INRUSH, DO_POWER_PAGABLE, IoAllocateIrp, IoCompleteRequest, IoForwardIrpSynchronously,
  IoFreeIrp, IoGetAttachedDeviceReference, IoGetCurrentIrpStackLocation, IoInvalidateDeviceState, IoSetNextIrpStackLocation,
  IO_NO_INCREMENT, NT_SUCCESS, ObDereferenceObject, STATUS_INSUFFICIENT_RESOURCES, STATUS_NOT_IMPLEMENTED, STATUS_NOT_SUPPORTED, STATUS_SUCCESS,
  type DEVICE_OBJECT, type IRP, type KWAIT_GENERATOR, type NTSTATUS,
} from "@wdfjs/kernel";
import { FxRelatedDevices } from "./fx-device-relations.js";
import type { FxPkgPnp } from "./fx-pkg-pnp.js";
import { PowerMarkNonpageable, PowerMarkPageable } from "./power-state-table.js";
import { WdfSpecialFileMax, WdfSpecialFilePaging, type WDF_SPECIAL_FILE_TYPE } from "./wdf-pnp-power-callbacks.js";

/** `IsUsagePowerRelated`: paging, hibernation and dump files decide DO_POWER_PAGABLE; boot and the later ones do not. */
function FxIsUsagePowerRelated(Type: WDF_SPECIAL_FILE_TYPE): boolean {
  return Type >= WdfSpecialFilePaging && Type <= 3;
}

/**
 * `SendDeviceUsageNotificationWorker` (supportkm.cpp): a copy of the notification, in a new IRP,
 * to the top of another stack (the PDO's parent, a dependent device); with Revert, the opposite
 * InPath, to undo one that stack accepted. Its status starts as STATUS_NOT_SUPPORTED.
 */
function* FxSendDeviceUsageNotification(Related: DEVICE_OBJECT, Original: IRP, Revert: boolean): KWAIT_GENERATOR<NTSTATUS> {
  const top = IoGetAttachedDeviceReference(Related);
  // One location more than the stack needs: the current one holds the copy, as FxIrp's InitNextStackUsingStack leaves it.
  const Irp = IoAllocateIrp(top.StackSize + 1, false);
  if (Irp === null) {
    ObDereferenceObject(top);
    return STATUS_INSUFFICIENT_RESOURCES;
  }
  IoSetNextIrpStackLocation(Irp);
  const from = IoGetCurrentIrpStackLocation(Original);
  const sl = IoGetCurrentIrpStackLocation(Irp);
  sl.MajorFunction = from.MajorFunction;
  sl.MinorFunction = from.MinorFunction;
  sl.Parameters.UsageNotification.Type = from.Parameters.UsageNotification.Type;
  sl.Parameters.UsageNotification.InPath = Revert ? !from.Parameters.UsageNotification.InPath : from.Parameters.UsageNotification.InPath;
  Irp.IoStatus.Status = STATUS_NOT_SUPPORTED;
  yield* IoForwardIrpSynchronously(top, Irp);
  const status = Irp.IoStatus.Status;
  IoFreeIrp(Irp);
  ObDereferenceObject(top);
  return status;
}

/**
 * The special files of one device (`FxPkgPnp`'s `m_SpecialSupport`, `m_SpecialFileCount`,
 * `m_UsageDependentDeviceList`) and `PnpDeviceUsageNotification` (fxpkgpnp.cpp), which answers
 * IRP_MN_DEVICE_USAGE_NOTIFICATION for an FDO, a filter and a PDO alike.
 */
export class FxSpecialFiles {
  /** WdfDeviceSetSpecialFileSupport, by WDF_SPECIAL_FILE_TYPE - 1: off until the driver turns it on. */
  readonly supported: boolean[] = [false, false, false, false, false, false];
  /** How many special files of each type the device holds now. */
  readonly counts = new Int32Array(WdfSpecialFileMax - 1);
  /** WdfDeviceAddDependentUsageDeviceObject's devices: their stacks are told of each notification too. */
  readonly dependents = new FxRelatedDevices();

  constructor(private readonly pkg: FxPkgPnp) {}

  /** `IsInSpecialUse`: any special file but PostDisplay (the device then reports PNP_DEVICE_NOT_DISABLEABLE). */
  isInSpecialUse(): boolean {
    const c = this.counts;
    return c[0] !== 0 || c[1] !== 0 || c[2] !== 0 || c[3] !== 0 || c[5] !== 0;
  }

  /** `SetUsageNotificationFlags`: the count first, then DO_POWER_PAGABLE for a power-related file. Returns the old flags. */
  private setFlags(Type: number, InPath: boolean): number {
    const d = this.pkg.device;
    const dev = d.DeviceObject!;
    const oldFlags = dev.Flags;
    this.counts[Type - 1]! += InPath ? 1 : -1;
    if (!FxIsUsagePowerRelated(Type)) return oldFlags;
    if (d.Filter) {
      // A filter follows the device below it.
      const below = d.AttachedDevice?.Flags ?? 0;
      dev.Flags = (oldFlags & ~(DO_POWER_PAGABLE | DO_POWER_INRUSH)) | (below & (DO_POWER_PAGABLE | DO_POWER_INRUSH));
    } else if (InPath) {
      // A device in the paging, hibernation or dump path must not page while it powers up or down.
      dev.Flags &= ~DO_POWER_PAGABLE;
    } else if (d.powerPageableCapable && !this.isInSpecialUse()) {
      dev.Flags |= DO_POWER_PAGABLE;
    }
    return oldFlags;
  }

  /** `RevertUsageNotificationFlags`: the count back, the old flags restored. */
  private revertFlags(Type: number, InPath: boolean, OldFlags: number): void {
    this.counts[Type - 1]! += InPath ? -1 : 1;
    this.pkg.device.DeviceObject!.Flags = OldFlags;
  }

  /** `CommitUsageNotification`: the power machine learns a change of pageability; the PnP manager re-reads the device state. */
  private *commit(OldFlags: number): KWAIT_GENERATOR<void> {
    const pkg = this.pkg;
    const newFlags = pkg.device.DeviceObject!.Flags;
    if ((OldFlags & DO_POWER_PAGABLE) !== 0 && (newFlags & DO_POWER_PAGABLE) === 0) yield* pkg.power.processEvent(PowerMarkNonpageable);
    if ((OldFlags & DO_POWER_PAGABLE) === 0 && (newFlags & DO_POWER_PAGABLE) !== 0) yield* pkg.power.processEvent(PowerMarkPageable);
    const pdo = pkg.physicalDevice();
    if (pdo !== null) IoInvalidateDeviceState(pdo);
  }

  /** Tells every dependent stack (those before `upTo` only, when given) of the opposite notification. */
  private *revertDependents(Irp: IRP, upTo: DEVICE_OBJECT | null): KWAIT_GENERATOR<void> {
    const list = this.dependents.devices;
    for (let i = 0; i < list.length && list[i] !== upTo; i++) yield* FxSendDeviceUsageNotification(list[i]!, Irp, true);
  }

  /** The stack below is told the file is not there after all (an FDO reuses the IRP, InPath FALSE; a PDO reverts its parent). */
  private *revertBelow(Irp: IRP): KWAIT_GENERATOR<void> {
    const pkg = this.pkg;
    const parent = pkg.usageParentDevice();
    if (parent !== null) {
      yield* FxSendDeviceUsageNotification(parent, Irp, true);
      return;
    }
    if (pkg.isPdo) return;
    // The next location gets InPath FALSE (IoForwardIrpSynchronously copies the current one, so it carries the change for the call).
    const p = IoGetCurrentIrpStackLocation(Irp).Parameters.UsageNotification;
    const inPath = p.InPath;
    p.InPath = false;
    // The IRP's documentation: its status is set to success before it is sent down.
    Irp.IoStatus.Status = STATUS_SUCCESS;
    yield* IoForwardIrpSynchronously(pkg.device.AttachedDevice!, Irp);
    p.InPath = inPath;
  }

  private complete(Irp: IRP, status: NTSTATUS): NTSTATUS {
    Irp.IoStatus.Status = status;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
  }

  /**
   * `PnpDeviceUsageNotification`: a type the driver did not turn on fails at once with
   * STATUS_NOT_IMPLEMENTED (out of the path, and a filter in it, always go on). Then: the count and
   * flags set; a PDO's parent stack told, then the dependent stacks (a failure unwinds those told);
   * the power-policy owner held in D0; the IRP sent down (an FDO) and, if the stack below agreed,
   * EvtDeviceUsageNotification / ...Ex (which may veto: the stack below and the dependents are
   * told to undo). A failure anywhere restores the count and flags; a success commits them.
   */
  *dispatch(Irp: IRP): KWAIT_GENERATOR<NTSTATUS> {
    const pkg = this.pkg;
    const device = pkg.device;
    const p = IoGetCurrentIrpStackLocation(Irp).Parameters.UsageNotification;
    const type = p.Type;
    const inPath = p.InPath;
    const known = type >= WdfSpecialFilePaging && type < WdfSpecialFileMax;
    if (!known || (inPath && !device.Filter && !this.supported[type - 1])) return this.complete(Irp, STATUS_NOT_IMPLEMENTED);

    const oldFlags = this.setFlags(type, inPath);
    let status: NTSTATUS = STATUS_SUCCESS;
    const parent = pkg.usageParentDevice();
    if (parent !== null) status = yield* FxSendDeviceUsageNotification(parent, Irp, false);
    if (NT_SUCCESS(status)) {
      const list = this.dependents.devices.slice();
      for (let i = 0; i < list.length; i++) {
        status = yield* FxSendDeviceUsageNotification(list[i]!, Irp, false);
        if (!NT_SUCCESS(status)) {
          yield* this.revertDependents(Irp, list[i]!);
          // WDF leaves the parent and the count as they are here; the emulation unwinds them too.
          if (parent !== null) yield* FxSendDeviceUsageNotification(parent, Irp, true);
          break;
        }
      }
    }
    if (!NT_SUCCESS(status)) {
      this.revertFlags(type, inPath, oldFlags);
      return this.complete(Irp, status);
    }

    // The stack is in D0 while its devices change between pageable and not.
    let referenced = false;
    if (pkg.isPowerPolicyOwner) {
      status = yield* pkg.owner.idle.powerReference();
      referenced = NT_SUCCESS(status);
    }
    if (NT_SUCCESS(status)) {
      Irp.IoStatus.Status = STATUS_SUCCESS;
      if (!pkg.isPdo) yield* IoForwardIrpSynchronously(device.AttachedDevice!, Irp);
      status = Irp.IoStatus.Status;
    }
    if (!NT_SUCCESS(status)) {
      this.revertFlags(type, inPath, oldFlags);
      yield* this.revertDependents(Irp, null);
      if (parent !== null) yield* FxSendDeviceUsageNotification(parent, Irp, true);
    } else {
      // Only one of the two is set (WdfDeviceInitSetPnpPowerEventCallbacks refuses both).
      const cb = pkg.callbacks;
      const plain = cb.usageNotification;
      if (plain !== undefined) yield* pkg.invoke((d) => plain(d, type, inPath), undefined);
      const ex = cb.usageNotificationEx;
      status = yield* pkg.invoke(ex ? (d) => ex(d, type, inPath) : undefined, STATUS_SUCCESS);
      if (!NT_SUCCESS(status)) {
        yield* this.revertBelow(Irp);
        this.revertFlags(type, inPath, oldFlags);
        yield* this.revertDependents(Irp, null);
      } else {
        yield* this.commit(oldFlags);
        // A device in the dump path cannot idle: a crash dump may come at any time.
        if (pkg.isPowerPolicyOwner && type === DeviceUsageTypeDumpFile) {
          if (inPath) pkg.owner.idle.ioIncrement();
          else pkg.owner.idle.ioDecrement();
        }
      }
    }
    if (referenced) pkg.owner.idle.ioDecrement();
    return this.complete(Irp, status);
  }
}
