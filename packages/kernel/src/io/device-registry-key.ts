import { cur } from "../context.js";
import type { Box } from "../box.js";
import { CmOpenKeyPath } from "../cm/cm-api.js";
import { PASSIVE_LEVEL } from "../ke/irql.js";
import { STATUS_INVALID_PARAMETER, STATUS_OBJECT_NAME_NOT_FOUND, type NTSTATUS } from "../ntstatus.js";
import { PipRequirePdo } from "../pnp/device-interface.js";
import { PiHardwareKeyPath, PiSoftwareKeyPath, REGSTR_PATH_DEVICE_CLASSES, REGSTR_PATH_HWPROFILE_CURRENT } from "../pnp/registry-keys.js";
import { VfIrqlTooHigh } from "../verifier/irql-rules.js";
import { VF_RULE_IRQL_ZW_PASSIVE } from "../ke/bugcheck-codes.js";
import type { DEVICE_OBJECT } from "./device.js";

/** IoOpenDeviceRegistryKey DevInstKeyType (wdm.h). */
export const PLUGPLAY_REGKEY_DEVICE = 1;
export const PLUGPLAY_REGKEY_DRIVER = 2;
export const PLUGPLAY_REGKEY_CURRENT_HWPROFILE = 4;

/**
 * `IoOpenDeviceRegistryKey(DeviceObject, DevInstKeyType, DesiredAccess, DevInstRegKey)`: a
 * kernel handle to a device's hardware key (PLUGPLAY_REGKEY_DEVICE: `Enum\<instance>\Device
 * Parameters`, created if missing) or software key (PLUGPLAY_REGKEY_DRIVER:
 * `Control\Class\{guid}\NNNN`, which exists once the device has a driver: before that,
 * STATUS_OBJECT_NAME_NOT_FOUND); with PLUGPLAY_REGKEY_CURRENT_HWPROFILE, the same keys under
 * `Hardware Profiles\Current`. The caller closes it with ZwClose. DeviceObject must be a PDO
 * the PnP manager enumerated: anything else is bug check 0xCA/2, as Windows' PnP DDIs stop
 * on an invalid PDO. PASSIVE_LEVEL only.
 */
export function IoOpenDeviceRegistryKey(DeviceObject: DEVICE_OBJECT, DevInstKeyType: number, DesiredAccess: number, DevInstRegKey: Box<number>): NTSTATUS {
  const m = cur;
  if (m.checked && m.cpu.Irql !== PASSIVE_LEVEL) VfIrqlTooHigh("IoOpenDeviceRegistryKey", PASSIVE_LEVEL, VF_RULE_IRQL_ZW_PASSIVE);
  DevInstRegKey.value = 0;
  PipRequirePdo(DeviceObject, "IoOpenDeviceRegistryKey");
  const n = DeviceObject.DeviceNode!;
  const profile = (DevInstKeyType & PLUGPLAY_REGKEY_CURRENT_HWPROFILE) !== 0;
  const kind = DevInstKeyType & ~PLUGPLAY_REGKEY_CURRENT_HWPROFILE;
  let path: string;
  if (kind === PLUGPLAY_REGKEY_DEVICE) {
    path = profile ? `${REGSTR_PATH_HWPROFILE_CURRENT}\\Enum\\${n.InstancePath}` : `${PiHardwareKeyPath(n.InstancePath)}\\Device Parameters`;
  } else if (kind === PLUGPLAY_REGKEY_DRIVER) {
    if (n.DriverKeyName === "") return STATUS_OBJECT_NAME_NOT_FOUND;
    path = profile ? `${REGSTR_PATH_HWPROFILE_CURRENT}\\Control\\Class\\${n.DriverKeyName}` : PiSoftwareKeyPath(n.DriverKeyName);
  } else {
    // Exactly one of DEVICE and DRIVER.
    return STATUS_INVALID_PARAMETER;
  }
  return CmOpenKeyPath(DevInstRegKey, path, DesiredAccess, true);
}

/**
 * `IoOpenDeviceInterfaceRegistryKey(SymbolicLinkName, DesiredAccess, DeviceInterfaceKey)`: the
 * interface instance's own key, `Control\DeviceClasses\{guid}\##?#<instance>#{guid}\#<reference>\Device Parameters`
 * (created if missing). STATUS_OBJECT_NAME_NOT_FOUND for a link that was never registered.
 */
export function IoOpenDeviceInterfaceRegistryKey(SymbolicLinkName: string, DesiredAccess: number, DeviceInterfaceKey: Box<number>): NTSTATUS {
  const m = cur;
  if (m.checked && m.cpu.Irql !== PASSIVE_LEVEL) VfIrqlTooHigh("IoOpenDeviceInterfaceRegistryKey", PASSIVE_LEVEL, VF_RULE_IRQL_ZW_PASSIVE);
  DeviceInterfaceKey.value = 0;
  const i = typeof SymbolicLinkName === "string" ? m.pnp.interfaces.lookup(SymbolicLinkName) : undefined;
  if (i === undefined) return STATUS_OBJECT_NAME_NOT_FOUND;
  // The link `\??\ROOT#X#0000#{guid}` is the key `##?#ROOT#X#0000#{guid}`; the reference string's key is `#<ref>` ("#" for none).
  const instanceKey = `##?#${i.link.slice(4)}`;
  const ref = i.name.length > i.link.length ? i.name.slice(i.link.length + 1) : "";
  return CmOpenKeyPath(DeviceInterfaceKey, `${REGSTR_PATH_DEVICE_CLASSES}\\${i.guid}\\${instanceKey}\\#${ref}\\Device Parameters`, DesiredAccess, true);
}
