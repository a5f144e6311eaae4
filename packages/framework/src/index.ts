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
export * from "./sync/fx-callback-lock.js";
export * from "./sync/fx-timer.js";
export * from "./sync/fx-dpc.js";
export * from "./sync/fx-work-item.js";
export * from "./sync/fx-spin-lock.js";
export * from "./support/fx-collection.js";
export * from "./support/fx-string.js";
export * from "./sync/timeouts.js";
export * from "./sync/fx-create.js";
export * from "./support/fx-reg-key.js";
export * from "./pnp/pnp-states.js";
export * from "./pnp/power-states.js";
export * from "./pnp/power-policy-states.js";
export * from "./pnp/pnp-callbacks.js";
export * from "./pnp/fx-state-machine.js";
export { FxPnpStateTable } from "./pnp/pnp-state-table.js";
export { FxPowerStateTable } from "./pnp/power-state-table.js";
export { FxPowerPolicyStateTable } from "./pnp/power-policy-state-table.js";
export * from "./pnp/fx-pkg-pnp.js";
export * from "./pnp/fx-pkg-fdo.js";
export * from "./pnp/fx-pdo-init.js";
export * from "./pnp/fx-child-pdo-list.js";
export * from "./pnp/fx-pkg-pdo.js";
export * from "./pnp/fx-pnp-capabilities.js";
export * from "./pnp/fx-power-idle-machine.js";
export * from "./pnp/fx-wait-wake.js";
export * from "./pnp/fx-self-managed-io.js";
export * from "./pnp/fx-power-policy-owner.js";
export * from "./device/fx-shutdown.js";
export * from "./pnp/fx-child-list-types.js";
export * from "./pnp/fx-child-list-entry.js";
export * from "./pnp/fx-child-list.js";
export * from "./pnp/fx-query-interface.js";
export * from "./pnp/fx-watchdog.js";
export * from "./object/handles.js";
export * from "./driver/wdf-driver-config.js";
export * from "./driver/fx-driver-create.js";
export * from "./pnp/wdf-pnp-power-callbacks.js";
export {
  WDF_DEVICE_POWER_POLICY_IDLE_SETTINGS, WDF_DEVICE_POWER_POLICY_IDLE_SETTINGS_INIT, WDF_DEVICE_POWER_POLICY_IDLE_SETTINGS_SIZE, WDF_DEVICE_POWER_POLICY_WAKE_SETTINGS,
  WDF_DEVICE_POWER_POLICY_WAKE_SETTINGS_INIT, WDF_DEVICE_POWER_POLICY_WAKE_SETTINGS_SIZE, type PWDF_DEVICE_POWER_POLICY_IDLE_SETTINGS,
  type PWDF_DEVICE_POWER_POLICY_WAKE_SETTINGS,
} from "./pnp/wdf-power-policy-settings.js";
export {
  WDF_DEVICE_PNP_CAPABILITIES, WDF_DEVICE_PNP_CAPABILITIES_INIT, WDF_DEVICE_POWER_CAPABILITIES, WDF_DEVICE_POWER_CAPABILITIES_INIT, WDF_DEVICE_STATE,
  WDF_DEVICE_STATE_INIT, type PPNP_BUS_INFORMATION, type PWDF_DEVICE_PNP_CAPABILITIES, type PWDF_DEVICE_POWER_CAPABILITIES, type PWDF_DEVICE_STATE,
} from "./pnp/wdf-device-capabilities.js";
export * from "./pnp/fx-device-config.js";
export * from "./sync/wdf-sync-configs.js";
export * from "./sync/fx-sync-create.js";
export * from "./device/fx-device-create.js";
export * from "./device/fx-mp-device.js";
export * from "./io/fx-io-queue-create.js";
export * from "./support/fx-memory-create.js";
export * from "./io/forward-progress.js";
export * from "./io/fx-request-forward.js";
export * from "./support/fx-reg-key-objects.js";
export * from "./object/object-query.js";
export * from "./io/fx-file-object-process.js";
export * from "./targets/fx-io-target-query.js";
export * from "./targets/fx-format-others.js";
export * from "./driver/fx-driver-version.js";
export * from "./device/fx-device-options.js";
export {
  FxStateChangeCallbacks, FxRegisterStateChangeCallback, FxAttachStateChangeCallbacks, FxStateMachinePnp, FxStateMachinePower, FxStateMachinePowerPolicy,
  type EVT_WDF_DEVICE_PNP_STATE_CHANGE_NOTIFICATION, type EVT_WDF_DEVICE_POWER_STATE_CHANGE_NOTIFICATION, type EVT_WDF_DEVICE_POWER_POLICY_STATE_CHANGE_NOTIFICATION,
  type PFN_WDF_DEVICE_PNP_STATE_CHANGE_NOTIFICATION, type PFN_WDF_DEVICE_POWER_STATE_CHANGE_NOTIFICATION, type PFN_WDF_DEVICE_POWER_POLICY_STATE_CHANGE_NOTIFICATION,
  type WDF_DEVICE_PNP_NOTIFICATION_DATA, type WDF_DEVICE_POWER_NOTIFICATION_DATA, type WDF_DEVICE_POWER_POLICY_NOTIFICATION_DATA,
} from "./pnp/fx-state-change-callbacks.js";
export * from "./support/fx-cm-res-list.js";
export * from "./support/fx-io-res-list.js";
export * from "./pnp/fx-device-relations.js";
export * from "./pnp/fx-special-files.js";
export * from "./pnp/wdf-pdo-event-callbacks.js";
export * from "./device/fx-device-property.js";
export * from "./device/fx-irp-preprocess.js";
export * from "./pnp/fx-fdo-event-callbacks.js";
export * from "./io/fx-dynamic-dispatch.js";
