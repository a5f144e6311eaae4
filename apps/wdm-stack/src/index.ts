/**
 * @wdfjs/sample-wdm-stack: a three-deep raw WDM device stack (lower driver, function
 * driver, upper filter), its client, and the IOCTL the benchmark sends through it.
 */
export * from "./ioctl.js";
export { StackLog, logOf, type StackDriverRole, type StackLogEntry } from "./log.js";
export { StackLowerDriverEntry, LOWER_DEVICE_EXTENSION } from "./lower.js";
export { StackFunctionDriverEntry, StackFunctionAddDevice, FUNCTION_DEVICE_EXTENSION, STATUS_CONTINUE_COMPLETION } from "./function.js";
export { StackFilterDriverEntry, StackForgetfulFilterDriverEntry, StackFilterAddDevice, FILTER_DEVICE_EXTENSION } from "./filter.js";
export { installStack, type InstallStackOptions, type InstalledStack } from "./install.js";
export { StackClient, resultUlong, type StackCallResult, type StampResult, type PendingStackCall } from "./client.js";
