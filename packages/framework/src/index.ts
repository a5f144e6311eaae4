/**
 * @wdfjs/framework: the Windows Driver Frameworks core shared by KMDF and UMDF (WDF's
 * `src/framework/shared/`): framework objects behind opaque handles, their attributes, typed
 * context spaces, parents, reference counts and deletion, and the WDF_VIOLATION checks.
 * Nothing here is specific to one style; `@wdfjs/kmdf` and `@wdfjs/umdf` build on it.
 */
export * from "./wdfstatus.js";
export * from "./verifier.js";
export * from "./object/types.js";
export {
  WDF_DECLARE_CONTEXT_TYPE, WDF_DECLARE_CONTEXT_TYPE_WITH_NAME, WDF_GET_CONTEXT_TYPE_INFO, WDF_OBJECT_CONTEXT_TYPE_INFO_SIZE,
  type PCWDF_OBJECT_CONTEXT_TYPE_INFO, type WDF_CONTEXT_TYPE, type WDF_OBJECT_CONTEXT_TYPE_INFO,
} from "./object/context.js";
export * from "./object/attributes.js";
export * from "./object/fx-object.js";
export * from "./object/object-api.js";
export * from "./driver/fx-driver.js";
export * from "./device/fx-device-init.js";
export * from "./device/fx-device.js";
export * from "./device/fx-pkg-fdo.js";
export * from "./io/queue-config.js";
export * from "./io/fx-request.js";
export * from "./io/fx-io-queue.js";
export * from "./io/fx-pkg-io.js";
export * from "./support/fx-memory.js";
export * from "./io/power-actions.js";
export * from "./io/power-idle-hook.js";
export * from "./io/fx-io-queue-power.js";
export * from "./io/fx-request-buffers.js";
export * from "./io/fx-file-object.js";
export * from "./device/fx-pkg-general.js";
export * from "./support/fx-lookaside-list.js";
export * from "./targets/io-target-types.js";
export * from "./targets/fx-request-send.js";
export * from "./targets/fx-io-target.js";
export * from "./targets/fx-io-target-remote.js";
export * from "./targets/fx-driver-request.js";
export * from "./targets/fx-sync-send.js";
export * from "./targets/fx-send.js";
export * from "./device/fx-shutdown.js";
