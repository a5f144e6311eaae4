import type { IoParameters } from "../io/irp.js";
import { POWER_STATE, type POWER_ACTION, type POWER_STATE_TYPE, type SYSTEM_POWER_STATE } from "./power-state.js";

/*
 * The IRP_MJ_POWER views of a stack location's Parameters union (wdm.h):
 *
 *   struct { union { ULONG SystemContext; SYSTEM_POWER_STATE_CONTEXT SystemPowerStateContext; };
 *            POWER_STATE_TYPE Type; POWER_STATE State; POWER_ACTION ShutdownType; } Power;
 *   struct { SYSTEM_POWER_STATE PowerState; } WaitWake;
 *
 * Like the other views they read and write the union's shared slots, so
 * Parameters.WaitWake.PowerState is Parameters.Power.SystemContext, and
 * IoCopyCurrentIrpStackLocationToNext copies them with the rest.
 */

/** Parameters.Power.State: a POWER_STATE that lives in the stack location's third slot. */
class PowerStateView extends POWER_STATE {
  constructor(private readonly p: IoParameters) {
    super(0);
  }
  override get SystemState(): number {
    return this.p.a3;
  }
  override set SystemState(v: number) {
    this.p.a3 = v;
  }
  override get DeviceState(): number {
    return this.p.a3;
  }
  override set DeviceState(v: number) {
    this.p.a3 = v;
  }
}

export class PowerParameters {
  private readonly state: PowerStateView;
  constructor(private readonly p: IoParameters) {
    this.state = new PowerStateView(p);
  }
  get SystemContext(): number { return this.p.a1; }
  set SystemContext(v: number) { this.p.a1 = v; }
  get Type(): POWER_STATE_TYPE { return this.p.a2; }
  set Type(v: POWER_STATE_TYPE) { this.p.a2 = v; }
  /** The state asked for; assigning a POWER_STATE copies its value, as a C struct assignment does. */
  get State(): POWER_STATE { return this.state; }
  set State(v: POWER_STATE) { this.p.a3 = v.SystemState; }
  get ShutdownType(): POWER_ACTION { return this.p.a4; }
  set ShutdownType(v: POWER_ACTION) { this.p.a4 = v; }
}

export class WaitWakeParameters {
  constructor(private readonly p: IoParameters) {}
  /** The least-powered system state from which the device may wake the system. */
  get PowerState(): SYSTEM_POWER_STATE { return this.p.a1; }
  set PowerState(v: SYSTEM_POWER_STATE) { this.p.a1 = v; }
}
