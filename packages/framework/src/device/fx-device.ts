import {
  DO_BUFFERED_IO, DO_DEVICE_INITIALIZING, DO_DIRECT_IO, IoCompleteRequest, IoCreateDevice, IoCreateSymbolicLink, IoDeleteDevice,
  IoDeleteSymbolicLink, IoGetCurrentIrpStackLocation, IO_NO_INCREMENT, IRP_MJ_CLEANUP, IRP_MJ_CLOSE, IRP_MJ_CREATE, IRP_MJ_PNP,
  IRP_MJ_POWER, NT_SUCCESS, Out, STATUS_ACCESS_DENIED, STATUS_INVALID_DEVICE_REQUEST, STATUS_INVALID_DEVICE_STATE, STATUS_SUCCESS,
  type DEVICE_OBJECT, type IRP, type NTSTATUS,
} from "@wdfjs/kernel";
import { FxObject, FxObjectStateCreated } from "../object/fx-object.js";
import { FX_TYPE_DEVICE } from "../object/types.js";
import type { FxDriver } from "../driver/fx-driver.js";
import { FxPkgIo } from "../io/fx-pkg-io.js";
import { WdfDeviceIoBuffered, WdfDeviceIoDirect, type FxDeviceInit, type WDF_DEVICE_IO_TYPE } from "./fx-device-init.js";

/**
 * `FxDevice`: a framework device and its WDM device object, whose extension points back to it
 * (FxWdmDeviceExtension). Today a control device only: created from a control-device init,
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
  /** `FxPkgGeneral::m_OpenHandleCount`, without the source's bias of one for control devices. */
  openHandleCount = 0;

  constructor(readonly driver: FxDriver, readonly Init: FxDeviceInit) {
    super(FX_TYPE_DEVICE);
    this.Exclusive = Init.Exclusive;
    this.ReadWriteIoType = Init.ReadWriteIoType;
    this.DeviceName = Init.DeviceName;
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
    return STATUS_SUCCESS;
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

  /**
   * The framework's handling of an IRP for this device (`FxPkgGeneral` for create, cleanup and
   * close; the I/O package for the rest).
   */
  dispatch(Irp: IRP): NTSTATUS {
    const major = IoGetCurrentIrpStackLocation(Irp).MajorFunction;
    let status: NTSTATUS;
    if (major === IRP_MJ_CREATE) {
      // fxpkggeneral.cpp OnCreate: an exclusive device allows one open handle.
      if (this.Exclusive && this.openHandleCount > 0) status = STATUS_ACCESS_DENIED;
      else if (this.state !== FxObjectStateCreated) status = STATUS_INVALID_DEVICE_STATE;
      else {
        this.openHandleCount++;
        status = STATUS_SUCCESS;
      }
    } else if (major === IRP_MJ_CLOSE) {
      this.openHandleCount--;
      status = STATUS_SUCCESS;
    } else if (major === IRP_MJ_CLEANUP) {
      status = STATUS_SUCCESS;
    } else if (major === IRP_MJ_PNP || major === IRP_MJ_POWER) {
      // A control device is not in a PnP stack; such an IRP keeps the status it was sent with.
      status = Irp.IoStatus.Status;
    } else {
      return this.pkgIo.dispatch(Irp);
    }
    Irp.IoStatus.Status = status;
    Irp.IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
  }

  protected override disposeResources(): void {
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
