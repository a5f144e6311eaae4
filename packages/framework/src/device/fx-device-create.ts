import { NT_SUCCESS, STATUS_INVALID_PARAMETER, STATUS_SUCCESS, type NTSTATUS } from "@wdfjs/kernel";
import {
  FxValidateObjectAttributes, FX_VALIDATE_OPTION_EXECUTION_LEVEL_ALLOWED, FX_VALIDATE_OPTION_PARENT_NOT_ALLOWED, FX_VALIDATE_OPTION_SYNCHRONIZATION_SCOPE_ALLOWED,
  type PWDF_OBJECT_ATTRIBUTES,
} from "../object/attributes.js";
import { FxObjectCommit } from "../object/object-api.js";
import { FxDevice } from "./fx-device.js";
import type { FxDeviceInit } from "./fx-device-init.js";
import { FxChildListCreate } from "../pnp/fx-child-list.js";
import { FxPkgFdo } from "../pnp/fx-pkg-fdo.js";

/** `WdfFdoInitSetDefaultChildListConfig` honoured at creation: an FDO's default WDFCHILDLIST. */
function FxCreateDefaultChildList(device: FxDevice): NTSTATUS {
  const callbacks = device.Init.DefaultChildListConfig;
  if (callbacks === null || !(device.pnp instanceof FxPkgFdo)) return STATUS_SUCCESS;
  const list = FxChildListCreate(device, callbacks, device.Init.DefaultChildListAttributes, true);
  return typeof list === "number" ? list : STATUS_SUCCESS;
}

/**
 * `WdfDeviceCreate` after its IRQL check (fxdeviceapi.cpp, `FxDevice::_Create`): an init already
 * used → STATUS_INVALID_PARAMETER; the attributes may not name a parent
 * (STATUS_WDF_PARENT_ASSIGNMENT_NOT_ALLOWED): the device's parent is its driver, or for a child
 * PDO its bus FDO (fxdevicekm.cpp PdoInitialize). A control device, a function or filter device
 * attached over the PDO, or a PDO; a success consumes the init.
 */
export function FxDeviceCreate(init: FxDeviceInit, Attributes: PWDF_OBJECT_ATTRIBUTES): FxDevice | NTSTATUS {
  if (init.consumed) return STATUS_INVALID_PARAMETER;
  let status = FxValidateObjectAttributes(Attributes, FX_VALIDATE_OPTION_PARENT_NOT_ALLOWED | FX_VALIDATE_OPTION_EXECUTION_LEVEL_ALLOWED | FX_VALIDATE_OPTION_SYNCHRONIZATION_SCOPE_ALLOWED);
  if (!NT_SUCCESS(status)) return status;
  const device = new FxDevice(init.Driver, init);
  status = FxObjectCommit(device, Attributes, init.Pdo !== null ? init.Pdo.Parent : init.Driver);
  if (NT_SUCCESS(status)) status = device.createDevice();
  // fxdevicekm.cpp PdoInitialize: a PDO that may forward to its parent has room for the parent's stack too.
  if (NT_SUCCESS(status) && init.Pdo?.ForwardRequestToParent === true) device.DeviceObject!.StackSize += init.Pdo.Parent.DeviceObject!.StackSize;
  if (NT_SUCCESS(status)) status = FxCreateDefaultChildList(device);
  if (!NT_SUCCESS(status)) {
    // FxObject::DeleteFromFailedCreate: the driver never had the device; its callbacks do not run.
    device.contexts.length = 0;
    device.deleteObject();
    return status;
  }
  init.consumed = true;
  init.createdDevice = device;
  device.pkgIo.requestAttributes = init.RequestAttributes;
  return device;
}
