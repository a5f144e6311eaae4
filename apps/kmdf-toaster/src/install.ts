/**
 * The KMDF toaster's INFs as driver packages (wdfsimple.inx: the toaster hardware and compatible
 * IDs, class Toaster, a KMDF service). The bus (root-enumerated `root\busenum`) is the WDM
 * busenum.sys of `@wdfjs/sample-wdm-toaster`, or the KMDF dynamic (dynambus.inx) or static
 * (statbus.inx) bus of this package: a KMDF function driver runs over either bus's PDOs.
 */
import { REG_DWORD, type Machine } from "@wdfjs/kernel";
import {
  BUS_HARDWARE_ID, BUSENUM_COMPATIBLE_ID, BUSENUM_ROOT_HWID, BUSENUM_SERVICE, BusEnumDriverEntry, GUID_DEVCLASS_TOASTER, TOASTER_SERVICE, ToasterLog,
} from "@wdfjs/sample-wdm-toaster";
import { ToasterSimpleDriverEntry } from "./func-simple.js";
import { KmdfToasterLog } from "./log.js";
import { BusDynamicDriverEntry } from "./bus-dynamic/busenum.js";
import { BusStaticDriverEntry } from "./bus-static/busenum.js";

/** Which toaster bus driver enumerates the toasters. */
export type KmdfToasterBus = "wdm" | "dynamic" | "static";

export interface InstallKmdfToasterOptions {
  /** Record what every driver sees (default true). */
  readonly log?: boolean;
  /** The bus driver: the WDM busenum.sys (default), or the KMDF dynamic or static bus. */
  readonly bus?: KmdfToasterBus;
  /** The bus device key's `NumberOfToasters` (Bus_DoStaticEnumeration's pre-enumeration; KMDF buses). */
  readonly numberOfToasters?: number;
}

export interface InstalledKmdfToaster {
  readonly log: KmdfToasterLog;
  /** The bus device's instance path. */
  readonly busInstance: string;
}

/** Installs the bus and the KMDF simple toaster function driver; the root-enumerated bus starts. */
export function installKmdfToaster(machine: Machine, options: InstallKmdfToasterOptions = {}): InstalledKmdfToaster {
  const log = new KmdfToasterLog(options.log ?? true);
  const bus = options.bus ?? "wdm";
  if (bus === "wdm") {
    machine.installDriverPackage({ service: BUSENUM_SERVICE, hardwareIds: [{ id: BUSENUM_ROOT_HWID }], class: "System", framework: "WDM", DriverEntry: BusEnumDriverEntry(new ToasterLog(false)) });
  } else {
    machine.installDriverPackage({
      service: bus === "dynamic" ? "dynambus" : "statbus", hardwareIds: [{ id: BUSENUM_ROOT_HWID }], class: "System", framework: "KMDF",
      DriverEntry: bus === "dynamic" ? BusDynamicDriverEntry(log) : BusStaticDriverEntry(log),
    });
  }
  machine.installDriverPackage({
    service: TOASTER_SERVICE,
    hardwareIds: [{ id: BUS_HARDWARE_ID }],
    compatibleIds: [{ id: BUSENUM_COMPATIBLE_ID, rank: 1 }],
    class: "Toaster",
    classGuid: GUID_DEVCLASS_TOASTER,
    framework: "KMDF",
    DriverEntry: ToasterSimpleDriverEntry(log),
  });
  if (options.numberOfToasters !== undefined) {
    // The INF's HKR AddReg of the bus's hardware key, written before the device is installed.
    machine.registry.setValue(`${ENUM_ROOT_SYSTEM}\\${nextRootInstance(machine)}\\Device Parameters`, "NumberOfToasters", REG_DWORD, options.numberOfToasters);
  }
  const busInstance = machine.pnp.createRootDevice({ hardwareIds: [BUSENUM_ROOT_HWID], class: "System" });
  machine.run();
  return { log, busInstance };
}

const ENUM_ROOT_SYSTEM = "HKLM\\SYSTEM\\CurrentControlSet\\Enum\\ROOT\\SYSTEM";

/** The instance the next root-enumerated System device gets (ROOT\SYSTEM\NNNN). */
function nextRootInstance(machine: Machine): string {
  let n = 0;
  while (machine.pnp.node(`ROOT\\SYSTEM\\${n.toString().padStart(4, "0")}`) !== null) n++;
  return n.toString().padStart(4, "0");
}
