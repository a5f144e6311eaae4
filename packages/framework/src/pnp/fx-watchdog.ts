import { DO_POWER_PAGABLE, KDPC, KeBugCheckEx, KeCancelTimer, KeInitializeDpc, KeInitializeTimer, KeSetTimer, KTIMER, WDF_VIOLATION } from "@wdfjs/kernel";
import { WDF_POWER_ROUTINE_TIMED_OUT } from "../verifier.js";
import { WdfDevStateNP, WdfDevStatePowerNames } from "./power-states.js";
import type { FxPkgPnp } from "./fx-pkg-pnp.js";

/** fxwatchdog.hpp: a non-pageable state's function has 10 minutes ("the same as the Vista timeout"); 24 hours with `m_ExtendWatchDogTimer`. */
export const FxWatchdogTimeoutSeconds = 60 * 10;

/**
 * The pageable power states that have a non-pageable twin (`...NP`, the `WdfDevStateNP` bit). The
 * emulation's power table has only the pageable rows: a device that is not power-pageable runs
 * them as their twins, so these are the states WDF would watch for it.
 */
const FxPowerStatesWithNPTwin: ReadonlySet<number> = (() => {
  const byName = new Map<string, number>();
  for (const [state, name] of WdfDevStatePowerNames) byName.set(name, state);
  const set = new Set<number>();
  for (const [state, name] of WdfDevStatePowerNames) {
    if ((state & WdfDevStateNP) === 0 || !name.endsWith("NP")) continue;
    const twin = byName.get(name.slice(0, -2));
    if (twin !== undefined) set.add(twin);
  }
  return set;
})();

/**
 * `FxWatchdog` (fxwatchdog.hpp): armed around the state function of a non-pageable power state,
 * where a driver callback that stalls (a page fault with the paging device powered down) wedges
 * the machine's sleep or hibernation. If the function has not returned when the timer fires,
 * `_WatchdogDpc` (fxpkgpnp.cpp ~L5516) stops the machine: WDF_VIOLATION 0x1
 * (WDF_POWER_ROUTINE_TIMED_OUT), in both flavors. WDF's P2 points at a
 * WDF_POWER_ROUTINE_TIMED_OUT_DATA; the emulation puts its fields in the parameters and the
 * explanation: P2 the WDFDEVICE, P3 the device object, the power and policy states named.
 */
export class FxWatchdog {
  private readonly timer = new KTIMER();
  private readonly dpc = new KDPC();
  private armed = false;

  constructor(readonly pkg: FxPkgPnp) {
    KeInitializeTimer(this.timer);
    KeInitializeDpc(this.dpc, FxWatchdogDpc, this);
  }

  /** `StartTimer`: only for a non-pageable state (or a pageable row a non-pageable device runs as its twin). */
  startTimer(State: number): void {
    if ((State & WdfDevStateNP) === 0) {
      const d = this.pkg.device.DeviceObject;
      if (d === null || (d.Flags & DO_POWER_PAGABLE) !== 0 || !FxPowerStatesWithNPTwin.has(State)) return;
    }
    this.armed = true;
    KeSetTimer(this.timer, -FxWatchdogTimeoutSeconds * 10_000_000, this.dpc);
  }

  /** `CancelTimer`: the state function returned in time. */
  cancelTimer(): void {
    if (!this.armed) return;
    this.armed = false;
    KeCancelTimer(this.timer);
  }
}

function FxWatchdogDpc(_Dpc: KDPC, watchdog: FxWatchdog): void {
  const pkg = watchdog.pkg;
  const device = pkg.device;
  const d = device.DeviceObject;
  const power = pkg.power.nameOf(pkg.power.state);
  const policy = pkg.pwrPol.nameOf(pkg.pwrPol.state);
  KeBugCheckEx(WDF_VIOLATION, WDF_POWER_ROUTINE_TIMED_OUT, device.handle, d?.address ?? 0, device.driver.handle,
    `The driver failed to return from a callback of WDFDEVICE 0x${device.handle.toString(16)} within ${FxWatchdogTimeoutSeconds} seconds ` +
    `(power state ${power}, power policy state ${policy}); this kept the machine from going to sleep.`,
    device.driver.DriverObject);
}
