import { NT_SUCCESS, ObDereferenceObject, ObReferenceObject, type DEVICE_OBJECT, type NTSTATUS } from "@wdfjs/kernel";
import { FxValidateObjectAttributes, type PWDF_OBJECT_ATTRIBUTES } from "../object/attributes.js";
import { FxObjectCommit } from "../object/object-api.js";
import { FxIoTarget } from "../targets/fx-io-target.js";
import { FxVerifierBugCheck, WDF_REQUIRED_PARAMETER_IS_NULL } from "../verifier.js";
import type { FxDriver } from "../driver/fx-driver.js";
import { FxDevice } from "./fx-device.js";
import { FxDeviceInit, FxDeviceInitTypeMiniport } from "./fx-device-init.js";
import { FX_TYPE_MP_DEVICE } from "../object/types.js";

/**
 * `FxMpDevice` (fxdevice.hpp): a miniport's WDFDEVICE over a device object its port driver
 * created. The framework does not own the WDM side: it created no device object and deletes none,
 * installed no dispatch routine for it (the port's table sends IRPs elsewhere), and has no PnP or
 * power package for it, so the driver deletes the WDFDEVICE itself (WdfObjectDelete) when its port
 * says the device is gone. It is a parent for framework objects, and with an attached device it
 * has a default I/O target for it (WdfDeviceGetIoTarget).
 */
export class FxMpDevice extends FxDevice {
  constructor(driver: FxDriver, DeviceObject: DEVICE_OBJECT, AttachedDevice: DEVICE_OBJECT | null, Pdo: DEVICE_OBJECT | null) {
    super(driver, new FxDeviceInit(driver, FxDeviceInitTypeMiniport), FX_TYPE_MP_DEVICE);
    this.DeviceObject = DeviceObject;
    this.AttachedDevice = AttachedDevice;
    this.PhysicalDevice = Pdo;
    // fxdevice.hpp: the WDFDEVICE holds a reference on the port's device object while it lives.
    ObReferenceObject(DeviceObject);
  }

  /** `FxMpDevice::Dispose`: the device objects are the port's; the framework drops its reference and forgets them. */
  protected override disposeResources(): void {
    const d = this.DeviceObject;
    if (d !== null) ObDereferenceObject(d);
    this.DeviceObject = null;
    this.AttachedDevice = null;
    this.PhysicalDevice = null;
  }
}

/**
 * `WdfDeviceMiniportCreate` before its IRQL check (fxdriverapikm.cpp): DeviceObject is required,
 * and AttachedDeviceObject and Pdo come together or not at all (else WDF_REQUIRED_PARAMETER_IS_NULL).
 */
export function FxDeviceMiniportValidate(DeviceObject: DEVICE_OBJECT | null, AttachedDeviceObject: DEVICE_OBJECT | null, Pdo: DEVICE_OBJECT | null): void {
  if (DeviceObject === null || DeviceObject === undefined) FxVerifierBugCheck(WDF_REQUIRED_PARAMETER_IS_NULL, 0, 0, "WdfDeviceMiniportCreate: DeviceObject is NULL.");
  if ((AttachedDeviceObject === null) !== (Pdo === null)) {
    FxVerifierBugCheck(WDF_REQUIRED_PARAMETER_IS_NULL, 0, 0, "WdfDeviceMiniportCreate: AttachedDeviceObject and Pdo must both be given or both be NULL.");
  }
}

/**
 * The rest of `WdfDeviceMiniportCreate`: the attributes (a parent may be named; else the driver),
 * the FxMpDevice, and with an attached device its default target, which the framework deletes
 * with the device. A failure deletes the half-made device without its callbacks.
 */
export function FxDeviceMiniportCreate(driver: FxDriver, Attributes: PWDF_OBJECT_ATTRIBUTES, DeviceObject: DEVICE_OBJECT, AttachedDeviceObject: DEVICE_OBJECT | null, Pdo: DEVICE_OBJECT | null): FxMpDevice | NTSTATUS {
  let status = FxValidateObjectAttributes(Attributes);
  if (!NT_SUCCESS(status)) return status;
  const device = new FxMpDevice(driver, DeviceObject, AttachedDeviceObject, Pdo);
  status = FxObjectCommit(device, Attributes, driver);
  if (!NT_SUCCESS(status)) {
    device.contexts.length = 0;
    device.deleteObject();
    return status;
  }
  if (AttachedDeviceObject !== null) {
    // fxdriverapikm.cpp: AllocateTarget(&m_DefaultTarget, SelfTarget=FALSE).
    const target = new FxIoTarget(device);
    target.initDefault(AttachedDeviceObject, Pdo);
    target.assignParent(device);
    target.noDeleteDDI = true;
    device.defaultTarget = target;
  }
  return device;
}
