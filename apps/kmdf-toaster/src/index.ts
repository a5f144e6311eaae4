/**
 * @wdfjs/sample-kmdf-toaster: the KMDF toaster family of the WDK (general/toaster/toastDrv/kmdf),
 * driven by the same enum and toast clients as the WDM toaster.
 */
export { KmdfToasterLog } from "./log.js";
export { ToasterSimpleDriverEntry, FDO_DATA, ToasterFdoGetData } from "./func-simple.js";
export { installKmdfToaster, type InstallKmdfToasterOptions, type InstalledKmdfToaster, type KmdfToasterBus } from "./install.js";
export { FilterDriverEntry, FILTER_EXTENSION, FilterGetData, type FilterOptions } from "./filter.js";
export { BusDynamicDriverEntry } from "./bus-dynamic/busenum.js";
export { BusStaticDriverEntry } from "./bus-static/busenum.js";
export { PDO_IDENTIFICATION_DESCRIPTION, PDO_DEVICE_DATA, PdoGetData } from "./bus-dynamic/buspdo.js";
export { GUID_TOASTER_INTERFACE_STANDARD, TOASTER_INTERFACE_STANDARD, TOASTER_INTERFACE_STANDARD_SIZE } from "./bus-interface.js";
export { ToasterFeaturedDriverEntry } from "./func-featured.js";
export { FDO_DATA as FEATURED_FDO_DATA, ToasterFdoGetData as ToasterFeaturedFdoGetData } from "./func-featured-data.js";
export { DbgDevicePowerString } from "./func-featured-power.js";
export { ToastMonDriverEntry, DEVICE_EXTENSION as TOASTMON_DEVICE_EXTENSION, TARGET_DEVICE_INFO, READ_BUF_SIZE, WRITE_BUF_SIZE } from "./toastmon.js";
export {
  installKmdfToasterFeatured, installKmdfToastMon, KMDF_FILTER_SERVICE, type InstallKmdfToasterFeaturedOptions, type InstalledKmdfToasterFeatured,
} from "./install-featured.js";
export {
  SidebandFilterDriverEntry, SIDEBAND_FILTER_EXTENSION, SidebandFilterGetData, CONTROL_DEVICE_EXTENSION, ControlGetData, NTDEVICE_NAME_STRING, SYMBOLIC_NAME_STRING,
} from "./sideband.js";
