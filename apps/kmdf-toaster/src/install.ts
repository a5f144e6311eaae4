/**
 * The KMDF toaster's INFs as driver packages (wdfsimple.inx: the toaster hardware and compatible
 * IDs, class Toaster, a KMDF service). The bus is the WDM busenum.sys of `@wdfjs/sample-wdm-toaster`
 * (root-enumerated `root\busenum`): a KMDF function driver runs over a WDM bus driver's PDOs as it
 * does on Windows.
 */
import type { Machine } from "@wdfjs/kernel";
import {
  BUS_HARDWARE_ID, BUSENUM_COMPATIBLE_ID, BUSENUM_ROOT_HWID, BUSENUM_SERVICE, BusEnumDriverEntry, GUID_DEVCLASS_TOASTER, TOASTER_SERVICE, ToasterLog,
} from "@wdfjs/sample-wdm-toaster";
import { ToasterSimpleDriverEntry } from "./func-simple.js";
import { KmdfToasterLog } from "./log.js";

export interface InstallKmdfToasterOptions {
  /** Record what every driver sees (default true). */
  readonly log?: boolean;
}

export interface InstalledKmdfToaster {
  readonly log: KmdfToasterLog;
  /** The bus device's instance path. */
  readonly busInstance: string;
}

/** Installs the bus and the KMDF simple toaster function driver; the root-enumerated bus starts. */
export function installKmdfToaster(machine: Machine, options: InstallKmdfToasterOptions = {}): InstalledKmdfToaster {
  const log = new KmdfToasterLog(options.log ?? true);
  machine.installDriverPackage({ service: BUSENUM_SERVICE, hardwareIds: [{ id: BUSENUM_ROOT_HWID }], class: "System", framework: "WDM", DriverEntry: BusEnumDriverEntry(new ToasterLog(false)) });
  machine.installDriverPackage({
    service: TOASTER_SERVICE,
    hardwareIds: [{ id: BUS_HARDWARE_ID }],
    compatibleIds: [{ id: BUSENUM_COMPATIBLE_ID, rank: 1 }],
    class: "Toaster",
    classGuid: GUID_DEVCLASS_TOASTER,
    framework: "KMDF",
    DriverEntry: ToasterSimpleDriverEntry(log),
  });
  const busInstance = machine.pnp.createRootDevice({ hardwareIds: [BUSENUM_ROOT_HWID], class: "System" });
  machine.run();
  return { log, busInstance };
}
