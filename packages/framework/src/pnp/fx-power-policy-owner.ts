import { IRP_MN_SET_POWER, NT_SUCCESS, PoRequestPowerIrp, PowerDeviceD3, POWER_STATE, STATUS_PENDING, type DEVICE_OBJECT, type DEVICE_POWER_STATE, type IO_STATUS_BLOCK } from "@wdfjs/kernel";
import type { FxPkgPnp } from "./fx-pkg-pnp.js";
import type { FxPowerPolicyCallbacks } from "./pnp-callbacks.js";
import { FxPowerIdleMachine } from "./fx-power-idle-machine.js";
import { FxWaitWake } from "./fx-wait-wake.js";

const PwrPolS0IdlePolicyChangedEvent = 0x2000;

/**
 * `FxPowerPolicyOwnerSettings` (fxpowerpolicystatemachine.hpp, `m_PowerPolicyMachine.m_Owner`):
 * what only the stack's power-policy owner has — the idle and wake settings, the idle machine,
 * the wake callbacks, its WAIT_WAKE, and the D IRPs it requests for itself.
 */
export class FxPowerPolicyOwner {
  /** The idle machine; the power-managed queues count their requests through `device.powerIdleHook`. */
  readonly idle: FxPowerIdleMachine;
  /** The WAIT_WAKE the owner keeps while armed. */
  readonly waitWake: FxWaitWake;
  /** `WdfDeviceInitSetPowerPolicyEventCallbacks`. */
  callbacks: FxPowerPolicyCallbacks = {};
  /** `WdfDeviceAssignSxWakeSettings` as the policy uses them (`m_WakeSettings`): off until assigned. */
  readonly sxWakeSettings = { Enabled: false, DxState: PowerDeviceD3 };
  /** `WdfDeviceAssignS0IdleSettings` as the policy uses them (`m_IdleSettings`): off until assigned. */
  readonly idleSettings = { Enabled: false, DxState: PowerDeviceD3, WakeFromS0Capable: false, PowerUpIdleDeviceOnSystemWake: false };
  /** The owner requested the D IRP now arriving (`m_RequestedPowerUpIrp` / `m_RequestedPowerDownIrp`). */
  requestedPowerIrp = false;

  constructor(private readonly pkg: FxPkgPnp) {
    this.idle = new FxPowerIdleMachine(pkg);
    this.waitWake = new FxWaitWake(pkg);
  }

  /**
   * `FxPkgPnp::PowerPolicySetS0IdleSettings`: the idle policy from now on; a started device
   * re-decides (PwrPolS0IdlePolicyChanged, from a work item as the caller may be at DISPATCH_LEVEL).
   */
  setS0IdleSettings(Enabled: boolean, DxState: DEVICE_POWER_STATE, IdleTimeoutMs: number, WakeFromS0Capable: boolean, PowerUpIdleDeviceOnSystemWake: boolean): void {
    const s = this.idleSettings;
    s.Enabled = Enabled;
    s.DxState = DxState;
    s.WakeFromS0Capable = WakeFromS0Capable;
    s.PowerUpIdleDeviceOnSystemWake = PowerUpIdleDeviceOnSystemWake;
    this.idle.timeoutMs = IdleTimeoutMs;
    this.idle.post(PwrPolS0IdlePolicyChangedEvent);
  }

  /** The owner asks for a D IRP (`PowerPolicySendDevicePowerRequest`): D0, D3 for a system sleep, the idle Dx state. */
  requestDevicePower(state: DEVICE_POWER_STATE): boolean {
    const pdo = this.pkg.physicalDevice();
    if (pdo === null) return false;
    this.requestedPowerIrp = true;
    const status = PoRequestPowerIrp(pdo, IRP_MN_SET_POWER, new POWER_STATE(state), FxPowerPolicyRequestComplete, this, null);
    if (status !== STATUS_PENDING && !NT_SUCCESS(status)) {
      this.requestedPowerIrp = false;
      return false;
    }
    return true;
  }
}

/** PoRequestPowerIrp's callback for the owner's D IRPs: nothing to do, the D IRP's own path moved the machines. */
function FxPowerPolicyRequestComplete(_DeviceObject: DEVICE_OBJECT, _MinorFunction: number, _PowerState: POWER_STATE, _Context: FxPowerPolicyOwner, _IoStatus: IO_STATUS_BLOCK): void {
  // The machines learned of the power change from the D IRP as it passed through this device.
}
