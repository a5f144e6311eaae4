export * from "./public.js";
export { ToasterLog } from "./log.js";
export { NotStarted, Started, StopPending, Stopped, RemovePending, SurpriseRemovePending, Deleted, PnPMinorName, type DEVICE_PNP_STATE } from "./pnp-state.js";
export { FDO_DEVICE_DATA, PDO_DEVICE_DATA } from "./bus-data.js";
export { BusEnumDriverEntry } from "./busenum.js";
export { ToasterDriverEntry, TOASTER_FDO_DATA, type ToasterDriverOptions } from "./toaster.js";
export { FilterDriverEntry, FILTER_DEVICE_EXTENSION } from "./filter.js";
export { installToaster, type InstallToasterOptions, type InstalledToaster } from "./install.js";
export { enumMain, toastMain, GetInterfaceList, type ProgramResult } from "./clients.js";
