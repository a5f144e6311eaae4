export * from "./errors.js";
export * from "./constants.js";
export * from "./overlapped.js";
export { Win32Thread, Win32Process } from "./process.js";
export { AsyncDevice, Win32Error } from "./async.js";
