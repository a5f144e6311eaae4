import { NT_SUCCESS, Out, STATUS_SUCCESS, type DRIVER_OBJECT, type Machine, type NTSTATUS } from "@wdfjs/kernel";
import {
  WDF_DRIVER_CONFIG, WDF_DRIVER_CONFIG_INIT, WDF_OBJECT_ATTRIBUTES, WDF_OBJECT_ATTRIBUTES_INIT, WdfControlDeviceInitAllocate, WdfControlFinishInitializing,
  WdfDeviceCreate, WdfDeviceCreateSymbolicLink, WdfDeviceInitAssignName, WdfDriverCreate, WdfDriverInitNonPnpDriver, type PWDFDEVICE_INIT, type WDFDEVICE,
  type WDFDRIVER,
} from "../src/index.js";

/**
 * A non-PnP KMDF test driver: a control device \Device\<name> linked as \DosDevices\<name>,
 * with device attributes from the test; `setup` adds queues, timers and the rest.
 */
export function loadControlDriver(
  m: Machine, name: string, setup: (device: WDFDEVICE, driver: WDFDRIVER) => NTSTATUS, deviceAttributes?: (a: WDF_OBJECT_ATTRIBUTES) => void,
  initSetup?: (init: PWDFDEVICE_INIT) => void,
): NTSTATUS {
  function DriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
    const config = new WDF_DRIVER_CONFIG();
    WDF_DRIVER_CONFIG_INIT(config, null);
    config.DriverInitFlags |= WdfDriverInitNonPnpDriver;
    config.EvtDriverUnload = () => {};
    const driver = Out<WDFDRIVER | null>(null);
    let status = WdfDriverCreate(DriverObject, RegistryPath, null, config, driver);
    if (!NT_SUCCESS(status)) return status;
    const init = Out<PWDFDEVICE_INIT>(WdfControlDeviceInitAllocate(driver.value!, "D:P(A;;GA;;;SY)(A;;GA;;;BA)"));
    WdfDeviceInitAssignName(init.value, `\\Device\\${name}`);
    initSetup?.(init.value);
    const attributes = new WDF_OBJECT_ATTRIBUTES();
    WDF_OBJECT_ATTRIBUTES_INIT(attributes);
    deviceAttributes?.(attributes);
    const device = Out<WDFDEVICE | null>(null);
    status = WdfDeviceCreate(init, attributes, device);
    if (!NT_SUCCESS(status)) return status;
    status = WdfDeviceCreateSymbolicLink(device.value!, `\\DosDevices\\${name}`);
    if (!NT_SUCCESS(status)) return status;
    status = setup(device.value!, driver.value!);
    if (!NT_SUCCESS(status)) return status;
    WdfControlFinishInitializing(device.value!);
    return STATUS_SUCCESS;
  }
  return m.loadDriver(name, DriverEntry);
}
