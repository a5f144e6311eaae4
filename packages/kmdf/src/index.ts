/**
 * @wdfjs/kmdf: the KMDF face of wdfjs (WDF's `src/framework/kmdf/`): the WDFDRIVER, WDFDEVICE_INIT
 * and WDFDEVICE functions with the KMDF 1.33 names, over the shared core of `@wdfjs/framework`.
 * The object functions, attributes and context declarations are the framework's, re-exported so a
 * driver imports one package.
 */
export * from "./driver.js";
export * from "./device-init.js";
export * from "./device.js";
export * from "./miniport.js";
export * from "./pnp-power.js";
export * from "./queue.js";
export * from "./request.js";
export * from "./memory.js";
export * from "./request-wdm.js";
export * from "./file-object.js";
export * from "./lookaside.js";
export * from "@wdfjs/framework/wdf";
export { WdfFunctionMaxIrql } from "./irql-table.js";
export { WdfCheckIrql, WdfFunctionIrql } from "./irql.js";
export * from "./io-target.js";
export * from "./request-send.js";
export * from "./timer.js";
export * from "./dpc.js";
export * from "./work-item.js";
export * from "./sync.js";
export * from "./string.js";
export * from "./collection.js";
export * from "./request-attributes.js";
export * from "./registry.js";
export * from "./pdo.js";
export * from "./device-state.js";
export * from "./power-policy.js";
export {
  WdfDeviceShutdown, WdfDeviceLastChanceShutdown, type WDF_DEVICE_SHUTDOWN_FLAGS, type EVT_WDF_DEVICE_SHUTDOWN_NOTIFICATION, type PFN_WDF_DEVICE_SHUTDOWN_NOTIFICATION,
} from "@wdfjs/framework";
export * from "./child-list.js";
export * from "./query-interface.js";
export * from "./queue-find.js";
export * from "./request-more.js";
export * from "./registry-objects.js";
export * from "./io-target-more.js";
export * from "./device-settings.js";
export * from "./device-init-options.js";
export * from "./idle-references.js";
export * from "./driver-version.js";
export * from "./resources.js";
export * from "./io-resources.js";
export * from "./pdo-events.js";
export * from "./device-property.js";
export * from "./wdm-irp.js";
export * from "./verifier.js";
export * from "./special-files.js";
