/**
 * wdfpnpreenter.sys — WDF_VIOLATION (0x10D), WDF_PNP_FATAL_ERROR (0xC).
 *
 * The bug: a PnP function driver whose EvtDeviceD0Entry finds the "hardware" in a state it does
 * not like and asks its own stack to stop, by sending IRP_MN_QUERY_STOP_DEVICE to its device
 * object. It runs while the framework still holds the IRP_MN_START_DEVICE that started it: a
 * second state-changing PnP IRP while one is pending (FxPkgPnp::SetPendingPnpIrp) is a bug check
 * in both flavors, P2 the WDFDEVICE, P3 the new IRP.
 * The fix: fail EvtDeviceD0Entry (or call WdfDeviceSetFailed); only the PnP manager sends PnP IRPs.
 */
import {
  IoAllocateIrp, IoCallDriver, IoGetNextIrpStackLocation, IRP_MJ_PNP, IRP_MN_QUERY_STOP_DEVICE, Out, STATUS_NOT_SUPPORTED, STATUS_SUCCESS, type DRIVER_OBJECT,
  type NTSTATUS,
} from "@wdfjs/kernel";
import {
  WDF_DRIVER_CONFIG, WDF_DRIVER_CONFIG_INIT, WDF_OBJECT_ATTRIBUTES, WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE, WDF_PNPPOWER_EVENT_CALLBACKS,
  WDF_PNPPOWER_EVENT_CALLBACKS_INIT, WdfDeviceCreate, WdfDeviceInitSetPnpPowerEventCallbacks, WdfDeviceWdmGetDeviceObject, WdfDriverCreate,
  type PWDFDEVICE_INIT, type WDF_POWER_DEVICE_STATE, type WDFDEVICE, type WDFDRIVER,
} from "@wdfjs/kmdf";
import { BUG_DEVICE_CONTEXT, BugGetContext } from "../common.js";

export const WDF_PNP_REENTER_NAME = "WdfPnpReenter";
/** The hardware ID of the root-enumerated device the driver is installed for. */
export const WDF_PNP_REENTER_HARDWARE_ID = "root\\wdfpnpreenter";

function PnpReenterEvtDeviceD0Entry(Device: WDFDEVICE, _PreviousState: WDF_POWER_DEVICE_STATE): NTSTATUS {
  // "The hardware is not ready: stop the device" (wrong: the START is still pending).
  const self = WdfDeviceWdmGetDeviceObject(Device)!;
  const irp = IoAllocateIrp(self.StackSize, false)!;
  irp.IoStatus.Status = STATUS_NOT_SUPPORTED;
  const stack = IoGetNextIrpStackLocation(irp);
  stack.MajorFunction = IRP_MJ_PNP;
  stack.MinorFunction = IRP_MN_QUERY_STOP_DEVICE;
  BugGetContext(Device).LastRequest = irp.address;
  IoCallDriver(self, irp);
  return STATUS_SUCCESS;
}

function PnpReenterEvtDeviceAdd(_Driver: WDFDRIVER, DeviceInit: PWDFDEVICE_INIT): NTSTATUS {
  const pnp = new WDF_PNPPOWER_EVENT_CALLBACKS();
  WDF_PNPPOWER_EVENT_CALLBACKS_INIT(pnp);
  pnp.EvtDeviceD0Entry = PnpReenterEvtDeviceD0Entry;
  WdfDeviceInitSetPnpPowerEventCallbacks(DeviceInit, pnp);
  const attributes = new WDF_OBJECT_ATTRIBUTES();
  WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(attributes, BUG_DEVICE_CONTEXT);
  const device = Out<WDFDEVICE | null>(null);
  const status = WdfDeviceCreate(Out(DeviceInit), attributes, device);
  if (status === STATUS_SUCCESS) BugGetContext(device.value!).LastObject = device.value!;
  return status;
}

export function WdfPnpReenterDriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
  const config = new WDF_DRIVER_CONFIG();
  WDF_DRIVER_CONFIG_INIT(config, PnpReenterEvtDeviceAdd);
  return WdfDriverCreate(DriverObject, RegistryPath, null, config, null);
}
