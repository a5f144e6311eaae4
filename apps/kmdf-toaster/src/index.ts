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
