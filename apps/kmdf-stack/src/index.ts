/**
 * @wdfjs/sample-kmdf-stack: a three-deep KMDF stack (the generic KMDF filter over a KMDF function
 * driver over a root-enumerated PDO) answering the WDM stack sample's IOCTLs, for the benchmark's
 * KMDF-versus-WDM figure and its tests.
 */
export { KStackFunctionDriverEntry, GUID_DEVINTERFACE_KSTACK } from "./function.js";
export { installKmdfStack, KSTACK_ROOT_HWID, KSTACK_FUNCTION_SERVICE, KSTACK_FILTER_SERVICE, type InstallKmdfStackOptions } from "./install.js";
export { KStackDevicePath } from "./client.js";
