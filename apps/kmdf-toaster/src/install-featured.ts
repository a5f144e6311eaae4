/**
 * The featured toaster's packages: wdffeatured.inx (the toaster's hardware and compatible IDs,
 * class Toaster, a KMDF service) over the WDM bus, optionally with a KMDF filter from
 * filter.inx as the toaster's UpperFilters; and toastmon.inx (root-enumerated `root\toastmon`).
 */
import type { Machine } from "@wdfjs/kernel";
import {
  BUS_HARDWARE_ID, BUSENUM_COMPATIBLE_ID, BUSENUM_ROOT_HWID, BUSENUM_SERVICE, BusEnumDriverEntry, GUID_DEVCLASS_TOASTER, TOASTER_SERVICE, TOASTMON_ROOT_HWID,
  TOASTMON_SERVICE, ToasterLog,
} from "@wdfjs/sample-wdm-toaster";
import { FilterDriverEntry } from "./filter.js";
import { ToasterFeaturedDriverEntry } from "./func-featured.js";
import { SidebandFilterDriverEntry } from "./sideband.js";
import { KmdfToasterLog } from "./log.js";
import { ToastMonDriverEntry } from "./toastmon.js";

/** The filter service filter.inx installs (`UpperFilters = filter`). */
export const KMDF_FILTER_SERVICE = "kmdffilter";

export interface InstallKmdfToasterFeaturedOptions {
  /** Record what every driver sees (default true). */
  readonly log?: boolean;
  /**
   * A KMDF upper filter on every toaster: the generic filter forwarding with send-and-forget, or
   * with a completion routine (FORWARD_REQUEST_WITH_COMPLETION), or the sideband filter.
   */
  readonly filter?: "send-and-forget" | "completion-routine" | "sideband";
  /** Also install the KMDF toastmon on `root\toastmon` (default false). */
  readonly monitor?: boolean;
}

export interface InstalledKmdfToasterFeatured {
  readonly log: KmdfToasterLog;
  /** The bus device's instance path. */
  readonly busInstance: string;
  /** toastmon's device instance path, when installed. */
  readonly monitorInstance: string | null;
}

/** Installs the WDM bus and the featured KMDF toaster (and the filter, toastmon); the root-enumerated devices start. */
export function installKmdfToasterFeatured(machine: Machine, options: InstallKmdfToasterFeaturedOptions = {}): InstalledKmdfToasterFeatured {
  const log = new KmdfToasterLog(options.log ?? true);
  machine.installDriverPackage({ service: BUSENUM_SERVICE, hardwareIds: [{ id: BUSENUM_ROOT_HWID }], class: "System", framework: "WDM", DriverEntry: BusEnumDriverEntry(new ToasterLog(false)) });
  const filter = options.filter;
  if (filter !== undefined) {
    const DriverEntry = filter === "sideband" ? SidebandFilterDriverEntry(log) : FilterDriverEntry({ FORWARD_REQUEST_WITH_COMPLETION: filter === "completion-routine" });
    machine.pnp.installFilterService({ service: KMDF_FILTER_SERVICE, DriverEntry });
  }
  machine.installDriverPackage({
    service: TOASTER_SERVICE,
    hardwareIds: [{ id: BUS_HARDWARE_ID }],
    compatibleIds: [{ id: BUSENUM_COMPATIBLE_ID, rank: 1 }],
    class: "Toaster",
    classGuid: GUID_DEVCLASS_TOASTER,
    ...(filter !== undefined ? { upperFilters: [KMDF_FILTER_SERVICE] } : {}),
    framework: "KMDF",
    DriverEntry: ToasterFeaturedDriverEntry(log),
  });
  const busInstance = machine.pnp.createRootDevice({ hardwareIds: [BUSENUM_ROOT_HWID], class: "System" });
  const monitorInstance = options.monitor ? installKmdfToastMon(machine, log) : null;
  machine.run();
  return { log, busInstance, monitorInstance };
}

/**
 * Installs the KMDF toastmon (toastmon.inx) and creates its root-enumerated device; returns its
 * instance path. Works beside either toaster function driver (installKmdfToaster or the featured one).
 */
export function installKmdfToastMon(machine: Machine, log: KmdfToasterLog): string {
  machine.installDriverPackage({ service: TOASTMON_SERVICE, hardwareIds: [{ id: TOASTMON_ROOT_HWID }], class: "System", framework: "KMDF", DriverEntry: ToastMonDriverEntry(log) });
  const instance = machine.pnp.createRootDevice({ hardwareIds: [TOASTMON_ROOT_HWID], class: "System" });
  // Not machine.run(): with toasters present, toastmon's timer ticks every second for ever.
  machine.runFor(0);
  return instance;
}
