import type { DRIVER_OBJECT, Machine, NTSTATUS } from "@wdfjs/kernel";
import { DriverEntry as AutoSyncDriverEntry } from "./autosync/driver.js";
import { DriverEntry as DriverSyncDriverEntry } from "./driversync/driver.js";
import { ECHO_HARDWARE_ID } from "./public.js";

/** The two drivers of general/echo/kmdf/driver: echo.sys (AutoSync) and echo_2.sys (DriverSync). */
export type EchoVariant = "AutoSync" | "DriverSync";

export const ECHO_DRIVERS: Readonly<Record<EchoVariant, (DriverObject: DRIVER_OBJECT, RegistryPath: string) => NTSTATUS>> = {
  AutoSync: AutoSyncDriverEntry,
  DriverSync: DriverSyncDriverEntry,
};

/**
 * What `devcon install echo.inf root\ECHO` does: the driver package for the hardware ID and a
 * root-enumerated device that has it; the PnP manager loads the driver, calls EvtDriverDeviceAdd
 * and starts the device. Returns the device instance ID.
 */
export function installEcho(machine: Machine, variant: EchoVariant = "AutoSync"): string {
  const service = variant === "AutoSync" ? "ECHO" : "ECHO_2";
  machine.installDriverPackage({ service, hardwareIds: [{ id: ECHO_HARDWARE_ID }], class: "Sample", framework: "WDM", DriverEntry: ECHO_DRIVERS[variant] });
  return machine.pnp.createRootDevice({ hardwareIds: [ECHO_HARDWARE_ID], class: "Sample" });
}
