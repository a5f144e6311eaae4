export * from "./errors.js";
export * from "./constants.js";
export * from "./overlapped.js";
export { Win32Thread, Win32Process, Win32ThreadBase, Win32ThreadContext, type LPTHREAD_START_ROUTINE, type LPOVERLAPPED_COMPLETION_ROUTINE } from "./process.js";
export { AsyncDevice, Win32Error } from "./async.js";
