/**
 * @wdfjs/sample-kmdf-toaster: the KMDF toaster family of the WDK (general/toaster/toastDrv/kmdf),
 * driven by the same enum and toast clients as the WDM toaster.
 */
export { KmdfToasterLog } from "./log.js";
export { ToasterSimpleDriverEntry, FDO_DATA, ToasterFdoGetData } from "./func-simple.js";
export { installKmdfToaster, type InstallKmdfToasterOptions, type InstalledKmdfToaster } from "./install.js";
export { FilterDriverEntry, FILTER_EXTENSION, FilterGetData, type FilterOptions } from "./filter.js";
