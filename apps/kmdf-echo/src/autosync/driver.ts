/** general/echo/kmdf/driver/AutoSync/driver.c. */
import type { DRIVER_OBJECT, NTSTATUS } from "@wdfjs/kernel";
import { WDF_DRIVER_CONFIG, WDF_DRIVER_CONFIG_INIT, WdfDriverCreate, type PWDFDEVICE_INIT, type WDFDRIVER } from "../kmdf.js";
import { EchoDeviceCreate } from "./device.js";

/** DriverEntry: the WDFDRIVER with EchoEvtDeviceAdd. (EchoPrintDriverVersion, a DBG-only trace, is left out.) */
export function DriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
  const config = new WDF_DRIVER_CONFIG();
  WDF_DRIVER_CONFIG_INIT(config, EchoEvtDeviceAdd);
  return WdfDriverCreate(DriverObject, RegistryPath, null, config, null);
}

/** EchoEvtDeviceAdd: the PnP manager found a root\ECHO device. */
export function EchoEvtDeviceAdd(Driver: WDFDRIVER, DeviceInit: PWDFDEVICE_INIT): NTSTATUS {
  void Driver;
  return EchoDeviceCreate(DeviceInit);
}
