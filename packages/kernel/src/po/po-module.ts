import { ContainerModule, type ServiceIdentifier } from "../inversify.js";
import { PowerManager } from "./power-manager.js";

export const PowerManagerToken: ServiceIdentifier<PowerManager> = Symbol.for("wdfjs.PowerManager");

/** Po: one power manager (registered device stacks, system state, power IRP watchdog) per machine. */
export const poModule = new ContainerModule(({ bind }) => {
  bind(PowerManagerToken).toResolvedValue(() => new PowerManager()).inSingletonScope();
});
