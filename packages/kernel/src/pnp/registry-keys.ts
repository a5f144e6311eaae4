import type { ConfigurationManager } from "../cm/configuration-manager.js";
import { REG_DWORD, REG_EXPAND_SZ, REG_MULTI_SZ, REG_SZ } from "../cm/constants.js";
import type { CmKeyNode, CmValue } from "../cm/key.js";
import { decodeRegistryData, encodeRegistryData, type RegistryData } from "../cm/value-data.js";

/*
 * The PnP manager's registry keys, written and read as Windows' INF processing and PnP
 * manager do:
 *   Services\<service>                 Type, Start, ErrorControl, ImagePath (a package's AddService)
 *   Control\Class\{ClassGuid}          Class, UpperFilters/LowerFilters (class filters)
 *   Control\Class\{ClassGuid}\NNNN     the device's software key (DriverDesc, ProviderName, MatchingDeviceId...)
 *   Enum\<instance path>               the device's hardware key (HardwareID, Service, ClassGUID, Driver, filters...)
 * Paths are component arrays below \REGISTRY, so a device costs no path parsing.
 */

export const REGSTR_PATH_SERVICES = "\\Registry\\Machine\\SYSTEM\\CurrentControlSet\\Services";
export const REGSTR_PATH_ENUM = "\\Registry\\Machine\\SYSTEM\\CurrentControlSet\\Enum";
export const REGSTR_PATH_CLASS = "\\Registry\\Machine\\SYSTEM\\CurrentControlSet\\Control\\Class";
export const REGSTR_PATH_DEVICE_CLASSES = "\\Registry\\Machine\\SYSTEM\\CurrentControlSet\\Control\\DeviceClasses";
export const REGSTR_PATH_HWPROFILE_CURRENT = "\\Registry\\Machine\\SYSTEM\\CurrentControlSet\\Hardware Profiles\\Current\\System\\CurrentControlSet";

const CCS = ["Machine", "SYSTEM", "CurrentControlSet"];
const SERVICES = [...CCS, "Services"];
const ENUM = [...CCS, "Enum"];
const CLASS = [...CCS, "Control", "Class"];

/** Services\<service> Type: SERVICE_KERNEL_DRIVER. */
export const SERVICE_KERNEL_DRIVER = 0x1;
/** Start: SERVICE_DEMAND_START (a PnP driver is loaded when a device needs it). */
export const SERVICE_DEMAND_START = 0x3;
/** ErrorControl: SERVICE_ERROR_NORMAL. */
export const SERVICE_ERROR_NORMAL = 0x1;
/** Enum\...\ConfigFlags: 0 once the device is installed (CONFIGFLAG_REINSTALL, CONFIGFLAG_FAILEDINSTALL otherwise). */
export const CONFIGFLAG_REINSTALL = 0x20;
export const CONFIGFLAG_FAILEDINSTALL = 0x40;

/** GUID_DEVCLASS_* of the setup classes a package may name without a classGuid. */
const KNOWN_CLASSES: Record<string, string> = {
  SYSTEM: "{4d36e97d-e325-11ce-bfc1-08002be10318}",
  UNKNOWN: "{4d36e97e-e325-11ce-bfc1-08002be10318}",
};
const NO_CLASS = "{00000000-0000-0000-0000-000000000000}";

/** The setup class GUID of a package (its classGuid, or the GUID of a well-known class name). */
export function PiClassGuidOf(className: string, classGuid: string | undefined): string {
  return classGuid ?? KNOWN_CLASSES[className.toUpperCase()] ?? NO_CLASS;
}

/**
 * Identical values are shared between keys (ten thousand toasters have one Service value,
 * one ClassGUID, one HardwareID list): the registry replaces a value, never changes its bytes
 * in place, so sharing is invisible to drivers and hosts, and a device's keys stay small.
 */
const shared = new Map<string, CmValue>();
/** Value names upper-cased once (the registry's map keys). */
const upperNames = new Map<string, string>();

let slab = new Uint8Array(0);
let slabUsed = 0;
function slabCopy(b: Uint8Array): Uint8Array {
  if (b.length > 256) return b;
  if (slabUsed + b.length > slab.length) {
    slab = new Uint8Array(16384);
    slabUsed = 0;
  }
  const view = slab.subarray(slabUsed, slabUsed + b.length);
  view.set(b);
  slabUsed += (b.length + 7) & ~7;
  return view;
}

function set(reg: ConfigurationManager, k: CmKeyNode, name: string, type: number, data: RegistryData, share = true): void {
  let upper = upperNames.get(name);
  if (upper === undefined) upperNames.set(name, (upper = name.toUpperCase()));
  const key = !share ? null : typeof data === "string" || typeof data === "number" ? `${upper}:${type}:${data}` : Array.isArray(data) ? `${upper}:${type}:${data.join("\0")}` : null;
  const old = k.values.get(upper);
  let v = key === null ? undefined : shared.get(key);
  // A value keeps the case of the name it was first written with.
  if (v === undefined || (old !== undefined && old.name !== v.name)) {
    const encoded = encodeRegistryData(type, data);
    if (typeof encoded === "string") throw new Error(`wdfjs: registry value ${name}: ${encoded}`);
    // A value of one device (its Driver, its description) is a view of a shared slab: no buffer object each.
    const bytes = key === null ? slabCopy(encoded) : encoded;
    v = { name: old?.name ?? name, type, data: bytes };
    if (key !== null && old === undefined && shared.size < 4096) shared.set(key, v);
  }
  reg.setNodeValueObject(k, upper, v);
}

/** UTF-16LE decoded into one flat string (a device node keeps it: no chain of one-character concatenations). */
function utf16le(b: Uint8Array): string {
  const codes: number[] = [];
  for (let i = 0; i + 1 < b.length; i += 2) codes.push(b[i]! | (b[i + 1]! << 8));
  return String.fromCharCode(...codes);
}

function raw(k: CmKeyNode | undefined, name: string): CmValue | undefined {
  return k?.values.get(upperNames.get(name) ?? name.toUpperCase());
}

function str(k: CmKeyNode | undefined, name: string): string | null {
  const v = raw(k, name);
  if (v === undefined || (v.type !== REG_SZ && v.type !== REG_EXPAND_SZ)) return null;
  const s = utf16le(v.data);
  const nul = s.indexOf("\0");
  return nul < 0 ? s : s.slice(0, nul);
}

function multi(k: CmKeyNode | undefined, name: string): string[] {
  const v = raw(k, name);
  if (v === undefined) return [];
  if (v.type !== REG_MULTI_SZ) {
    const d = decodeRegistryData(v.type, v.data);
    return typeof d === "string" && d !== "" ? [d] : [];
  }
  const out: string[] = [];
  for (const s of utf16le(v.data).split("\0")) {
    if (s === "") break;
    out.push(s);
  }
  return out;
}

/** One string object for each service, class name and class GUID the device nodes hold. */
const interned = new Map<string, string>();
function intern(s: string): string {
  const known = interned.get(s);
  if (known !== undefined) return known;
  if (interned.size < 4096) interned.set(s, s);
  return s;
}


/** What an INF's AddService directive writes: `Services\<service>`. */
export function PiWriteServiceKey(reg: ConfigurationManager, service: string, displayName?: string, group?: string): void {
  const k = reg.createPath([...SERVICES, service], false);
  set(reg, k, "Type", REG_DWORD, SERVICE_KERNEL_DRIVER);
  set(reg, k, "Start", REG_DWORD, SERVICE_DEMAND_START);
  set(reg, k, "ErrorControl", REG_DWORD, SERVICE_ERROR_NORMAL);
  set(reg, k, "ImagePath", REG_EXPAND_SZ, `\\SystemRoot\\System32\\drivers\\${service}.sys`);
  if (displayName !== undefined) set(reg, k, "DisplayName", REG_SZ, displayName);
  if (group !== undefined) set(reg, k, "Group", REG_SZ, group);
}

/** The version of the KMDF library a KMDF package binds to (its INF's `KmdfLibraryVersion`). */
const kmdfLibraryVersion = "1.33";

/** An INF's `[*.Wdf]` KmdfService directive: `Services\<service>\Parameters\Wdf\KmdfLibraryVersion`. */
export function PiWriteKmdfServiceSection(reg: ConfigurationManager, service: string): void {
  const k = reg.createPath([...SERVICES, service, "Parameters", "Wdf"], false);
  set(reg, k, "KmdfLibraryVersion", REG_SZ, kmdfLibraryVersion);
}

/** An INF's [ClassInstall32] section: `Control\Class\{guid}` with its Class name. */
export function PiWriteClassKey(reg: ConfigurationManager, classGuid: string, className: string): void {
  const k = reg.createPath([...CLASS, classGuid], false);
  if (k.values.get("CLASS") === undefined) set(reg, k, "Class", REG_SZ, className);
}

/** A class filter's AddReg (FLG_ADDREG_APPEND): the service is appended to the class's UpperFilters or LowerFilters once. */
export function PiAddClassFilter(reg: ConfigurationManager, classGuid: string, service: string, upper: boolean): void {
  const k = reg.createPath([...CLASS, classGuid], false);
  const name = upper ? "UpperFilters" : "LowerFilters";
  const list = multi(k, name);
  if (list.some((s) => s.toUpperCase() === service.toUpperCase())) return;
  list.push(service);
  set(reg, k, name, REG_MULTI_SZ, list);
}

/** A class's UpperFilters or LowerFilters (service names, in order). */
export function PiClassFilters(reg: ConfigurationManager, classGuid: string, upper: boolean): string[] {
  return multi(reg.lookup([...CLASS, classGuid]), upper ? "UpperFilters" : "LowerFilters");
}

/** What a device's hardware key says about its driver (IopAddDevice reads these), or null if it names no service. */
export interface DeviceRegistryDriver {
  Service: string;
  ClassGUID: string;
  Class: string;
  Driver: string;
  UpperFilters: string[];
  LowerFilters: string[];
}

export function PiReadDeviceDriver(reg: ConfigurationManager, instancePath: string): DeviceRegistryDriver | null {
  const k = reg.lookup([...ENUM, ...instancePath.split("\\")]);
  const Service = str(k, "Service");
  if (Service === null || Service === "") return null;
  return {
    Service: intern(Service), ClassGUID: intern(str(k, "ClassGUID") ?? ""), Class: intern(str(k, "Class") ?? ""), Driver: str(k, "Driver") ?? "",
    UpperFilters: multi(k, "UpperFilters"), LowerFilters: multi(k, "LowerFilters"),
  };
}

/** What the PnP manager knows of a device and its chosen package when it installs the device. */
export interface DeviceInstall {
  instancePath: string;
  hardwareIds: readonly string[];
  compatibleIds: readonly string[];
  deviceDesc: string;
  locationInformation: string;
  service: string;
  className: string;
  classGuid: string;
  upperFilters: readonly string[] | undefined;
  lowerFilters: readonly string[] | undefined;
  /** The ID that matched (MatchingDeviceId) and the package's description. */
  matchingDeviceId: string;
  driverDesc: string;
  providerName: string;
}

/**
 * Installing a device (SetupDiInstallDevice): its hardware key `Enum\<instance path>` and a
 * new software key `Control\Class\{guid}\NNNN` (the first free number, as the class installer
 * picks it). A device reinstalled with the same class keeps its software key. Returns the
 * software key's name, `{guid}\NNNN` (the hardware key's Driver value).
 */
export function PiInstallDevice(reg: ConfigurationManager, d: DeviceInstall, hint: Map<string, number>): string {
  PiWriteClassKey(reg, d.classGuid, d.className);
  const hw = reg.createPath([...ENUM, ...d.instancePath.split("\\")], false);
  const old = str(hw, "Driver");
  let driverKey: string;
  if (old !== null && old.toUpperCase().startsWith(`${d.classGuid.toUpperCase()}\\`)) {
    driverKey = old;
  } else {
    const classKey = reg.createPath([...CLASS, d.classGuid], false);
    const g = d.classGuid.toUpperCase();
    let n = hint.get(g) ?? 0;
    while (classKey.subkey(String(n).padStart(4, "0")) !== undefined) n++;
    hint.set(g, n + 1);
    driverKey = `${d.classGuid}\\${String(n).padStart(4, "0")}`;
  }
  if (d.deviceDesc !== "") set(reg, hw, "DeviceDesc", REG_SZ, d.deviceDesc, false);
  if (d.locationInformation !== "") set(reg, hw, "LocationInformation", REG_SZ, d.locationInformation, false);
  set(reg, hw, "HardwareID", REG_MULTI_SZ, d.hardwareIds);
  if (d.compatibleIds.length > 0) set(reg, hw, "CompatibleIDs", REG_MULTI_SZ, d.compatibleIds);
  set(reg, hw, "Service", REG_SZ, d.service);
  set(reg, hw, "ClassGUID", REG_SZ, d.classGuid);
  set(reg, hw, "Class", REG_SZ, d.className);
  set(reg, hw, "Driver", REG_SZ, driverKey, false);
  set(reg, hw, "ConfigFlags", REG_DWORD, 0);
  // The package's device filters replace the ones of a previous driver (the new INF's AddReg).
  if (d.upperFilters !== undefined && d.upperFilters.length > 0) set(reg, hw, "UpperFilters", REG_MULTI_SZ, d.upperFilters);
  else hw.values.delete("UPPERFILTERS");
  if (d.lowerFilters !== undefined && d.lowerFilters.length > 0) set(reg, hw, "LowerFilters", REG_MULTI_SZ, d.lowerFilters);
  else hw.values.delete("LOWERFILTERS");
  const sw = reg.createPath([...CLASS, ...driverKey.split("\\")], false);
  set(reg, sw, "DriverDesc", REG_SZ, d.driverDesc);
  if (d.providerName !== "") set(reg, sw, "ProviderName", REG_SZ, d.providerName);
  set(reg, sw, "MatchingDeviceId", REG_SZ, d.matchingDeviceId.toLowerCase());
  set(reg, sw, "InfPath", REG_SZ, `oem_${d.service.toLowerCase()}.inf`);
  set(reg, sw, "InfSection", REG_SZ, d.service);
  return driverKey;
}

/** The hardware key's path: `...\Enum\<instance path>`. */
export function PiHardwareKeyPath(instancePath: string): string {
  return `${REGSTR_PATH_ENUM}\\${instancePath}`;
}

/** The software key's path: `...\Control\Class\{guid}\NNNN`. */
export function PiSoftwareKeyPath(driverKeyName: string): string {
  return `${REGSTR_PATH_CLASS}\\${driverKeyName}`;
}
