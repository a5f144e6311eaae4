/**
 * The INFs of the family as driver packages: busenum.inf (the root-enumerated bus
 * `root\busenum`), toaster.inf (the toaster's hardware and compatible IDs, Toaster class,
 * the device filters devupper and devlower as UpperFilters/LowerFilters) and the class
 * filters clsupper and clslower under the Toaster class key.
 */
import type { Machine } from "@wdfjs/kernel";
import { BusEnumDriverEntry } from "./busenum.js";
import { FilterDriverEntry } from "./filter.js";
import { ToasterLog } from "./log.js";
import {
  BUS_HARDWARE_ID, BUSENUM_COMPATIBLE_ID, BUSENUM_ROOT_HWID, BUSENUM_SERVICE, CLSLOWER_SERVICE, CLSUPPER_SERVICE, DEVLOWER_SERVICE, DEVUPPER_SERVICE,
  GUID_DEVCLASS_TOASTER, TOASTER_SERVICE, TOASTMON_ROOT_HWID, TOASTMON_SERVICE,
} from "./public.js";
import { ToastMonDriverEntry } from "./toastmon.js";
import { ToasterDriverEntry, type ToasterDriverOptions } from "./toaster.js";

export interface InstallToasterOptions {
  /** Install the four filters (default true). */
  readonly filters?: boolean;
  /** Record what every driver sees (default true). */
  readonly log?: boolean;
  /** Install toastmon.sys on a root-enumerated device `root\toastmon` (default false). */
  readonly monitor?: boolean;
  /** toaster.sys's options. */
  readonly toaster?: ToasterDriverOptions;
}

export interface InstalledToaster {
  readonly log: ToasterLog;
  /** The bus device's instance path (`ROOT\SYSTEM\0000` on a fresh machine). */
  readonly busInstance: string;
}

/** Install the toaster packages into `machine` and create the root-enumerated bus, which starts. */
export function installToaster(machine: Machine, options: InstallToasterOptions = {}): InstalledToaster {
  const log = new ToasterLog(options.log ?? true);
  const filters = options.filters ?? true;
  machine.installDriverPackage({ service: BUSENUM_SERVICE, hardwareIds: [{ id: BUSENUM_ROOT_HWID }], class: "System", framework: "WDM", DriverEntry: BusEnumDriverEntry(log) });
  if (filters) {
    machine.pnp.installFilterService({ service: DEVUPPER_SERVICE, DriverEntry: FilterDriverEntry(DEVUPPER_SERVICE, log) });
    machine.pnp.installFilterService({ service: DEVLOWER_SERVICE, DriverEntry: FilterDriverEntry(DEVLOWER_SERVICE, log) });
    machine.pnp.installClassFilter(GUID_DEVCLASS_TOASTER, { upper: true, service: CLSUPPER_SERVICE, DriverEntry: FilterDriverEntry(CLSUPPER_SERVICE, log) });
    machine.pnp.installClassFilter(GUID_DEVCLASS_TOASTER, { upper: false, service: CLSLOWER_SERVICE, DriverEntry: FilterDriverEntry(CLSLOWER_SERVICE, log) });
  }
  machine.installDriverPackage({
    service: TOASTER_SERVICE,
    hardwareIds: [{ id: BUS_HARDWARE_ID }],
    compatibleIds: [{ id: BUSENUM_COMPATIBLE_ID, rank: 1 }],
    class: "Toaster",
    classGuid: GUID_DEVCLASS_TOASTER,
    ...(filters ? { upperFilters: [DEVUPPER_SERVICE], lowerFilters: [DEVLOWER_SERVICE] } : {}),
    framework: "WDM",
    DriverEntry: ToasterDriverEntry(log, options.toaster ?? {}),
  });
  const busInstance = machine.pnp.createRootDevice({ hardwareIds: [BUSENUM_ROOT_HWID], class: "System" });
  if (options.monitor) {
    machine.installDriverPackage({ service: TOASTMON_SERVICE, hardwareIds: [{ id: TOASTMON_ROOT_HWID }], class: "System", framework: "WDM", DriverEntry: ToastMonDriverEntry(log) });
    machine.pnp.createRootDevice({ hardwareIds: [TOASTMON_ROOT_HWID], class: "System" });
  }
  machine.run();
  return { log, busInstance };
}
