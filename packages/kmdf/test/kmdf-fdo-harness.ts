import { NT_SUCCESS, Out, STATUS_SUCCESS, type DRIVER_OBJECT, type IO_RESOURCE_REQUIREMENTS_LIST, type Machine, type NTSTATUS } from "@wdfjs/kernel";
import {
  WDF_DRIVER_CONFIG, WDF_DRIVER_CONFIG_INIT, WDF_PNPPOWER_EVENT_CALLBACKS, WDF_PNPPOWER_EVENT_CALLBACKS_INIT, WdfDeviceCreate, WdfDeviceInitSetPnpPowerEventCallbacks,
  WdfDriverCreate, type PWDFDEVICE_INIT, type WDFCMRESLIST, type WDFDEVICE, type WDFDRIVER,
} from "../src/index.js";

/**
 * A small KMDF function driver on a root-enumerated device for the tests of single DDIs: its
 * EvtDriverDeviceAdd lets the test work on the init (`onInit`) and on the new device (`onDevice`),
 * and logs the PnP/power callbacks it gets.
 */
export interface FdoLog {
  events: string[];
  driver: WDFDRIVER | null;
  device: WDFDEVICE | null;
  onInit?: (init: PWDFDEVICE_INIT) => void;
  onDevice?: (device: WDFDEVICE) => NTSTATUS | void;
  onD0Exit?: (device: WDFDEVICE) => void;
  onPrepare?: (device: WDFDEVICE, raw: WDFCMRESLIST, translated: WDFCMRESLIST) => NTSTATUS | void;
  /** More callbacks before WdfDeviceInitSetPnpPowerEventCallbacks copies them. */
  onCallbacks?: (callbacks: WDF_PNPPOWER_EVENT_CALLBACKS) => void;
}

export function newFdoLog(extra: Partial<FdoLog> = {}): FdoLog {
  return { events: [], driver: null, device: null, ...extra };
}

export function fdoDriver(log: FdoLog) {
  function EvtDeviceAdd(_Driver: WDFDRIVER, DeviceInit: PWDFDEVICE_INIT): NTSTATUS {
    const pnp = new WDF_PNPPOWER_EVENT_CALLBACKS();
    WDF_PNPPOWER_EVENT_CALLBACKS_INIT(pnp);
    const ev = (what: string): void => void log.events.push(what);
    pnp.EvtDevicePrepareHardware = (d, raw, translated) => (ev("PrepareHardware"), log.onPrepare?.(d, raw, translated) ?? STATUS_SUCCESS);
    pnp.EvtDeviceD0Entry = () => (ev("D0Entry"), STATUS_SUCCESS);
    pnp.EvtDeviceD0Exit = (d) => (ev("D0Exit"), log.onD0Exit?.(d), STATUS_SUCCESS);
    pnp.EvtDeviceReleaseHardware = () => (ev("ReleaseHardware"), STATUS_SUCCESS);
    pnp.EvtDeviceSurpriseRemoval = () => ev("SurpriseRemoval");
    pnp.EvtDeviceQueryRemove = () => (ev("QueryRemove"), STATUS_SUCCESS);
    log.onCallbacks?.(pnp);
    WdfDeviceInitSetPnpPowerEventCallbacks(DeviceInit, pnp);
    log.onInit?.(DeviceInit);
    const device = Out<WDFDEVICE | null>(null);
    const status = WdfDeviceCreate(Out(DeviceInit), null, device);
    if (!NT_SUCCESS(status)) return status;
    log.device = device.value;
    return log.onDevice?.(device.value!) ?? STATUS_SUCCESS;
  }
  return function DriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
    const config = new WDF_DRIVER_CONFIG();
    WDF_DRIVER_CONFIG_INIT(config, EvtDeviceAdd);
    const driver = Out<WDFDRIVER | null>(null);
    const status = WdfDriverCreate(DriverObject, RegistryPath, null, config, driver);
    log.driver = driver.value;
    return status;
  };
}

/** Installs the driver for `root\<service>` and creates the device (with the resources it requires); returns its instance path. */
export function installFdo(m: Machine, log: FdoLog, service = "kmore", requirements?: IO_RESOURCE_REQUIREMENTS_LIST): string {
  m.installDriverPackage({ service, hardwareIds: [{ id: `root\\${service}` }], class: "System", framework: "WDM", DriverEntry: fdoDriver(log) });
  return m.pnp.createRootDevice({ hardwareIds: [`root\\${service}`], class: "System", ...(requirements ? { requirements } : {}) });
}
