/** The echo sample as KMDF drivers (AutoSync and DriverSync), installed as root\ECHO, and echoapp as their client. */
export * from "./public.js";
export * from "./install.js";
export * from "./client.js";
export * as AutoSync from "./autosync/index.js";
export * as DriverSync from "./driversync/index.js";
