/** general/echo/kmdf/driver/AutoSync/driver.c. */
import { currentMachine, NT_SUCCESS, type DRIVER_OBJECT, type NTSTATUS } from "@wdfjs/kernel";
import { EchoPrintDriverVersion, KdPrint } from "../driver-version.js";
import { WDF_DRIVER_CONFIG, WDF_DRIVER_CONFIG_INIT, WdfDriverCreate, type PWDFDEVICE_INIT, type WDFDRIVER } from "../kmdf.js";
import { EchoDeviceCreate } from "./device.js";

/** DriverEntry: the WDFDRIVER with EchoEvtDeviceAdd; a DBG build (the checked flavor) prints the framework's version. */
export function DriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
  const config = new WDF_DRIVER_CONFIG();
  WDF_DRIVER_CONFIG_INIT(config, EchoEvtDeviceAdd);
  const status = WdfDriverCreate(DriverObject, RegistryPath, null, config, null);
  if (!NT_SUCCESS(status)) {
    KdPrint(`Error: WdfDriverCreate failed 0x${(status >>> 0).toString(16)}`);
    return status;
  }
  // #if DBG
  if (currentMachine().checked) EchoPrintDriverVersion();
  return status;
}

/** EchoEvtDeviceAdd: the PnP manager found a root\ECHO device. */
export function EchoEvtDeviceAdd(Driver: WDFDRIVER, DeviceInit: PWDFDEVICE_INIT): NTSTATUS {
  void Driver;
  return EchoDeviceCreate(DeviceInit);
}
