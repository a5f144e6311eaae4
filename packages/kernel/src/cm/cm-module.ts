import { ContainerModule, type ServiceIdentifier } from "../inversify.js";
import { MachineOptionsToken } from "../machine-tokens.js";
import type { MachineOptions } from "../machine.js";
import { ConfigurationManager } from "./configuration-manager.js";

export const ConfigurationManagerToken: ServiceIdentifier<ConfigurationManager> = Symbol.for("wdfjs.ConfigurationManager");

/** Cm: one registry (configuration manager) per machine, seeded from `boot({ registry })` if given. */
export const cmModule = new ContainerModule(({ bind }) => {
  bind(ConfigurationManagerToken)
    .toResolvedValue((options: MachineOptions) => new ConfigurationManager(options.registry), [MachineOptionsToken])
    .inSingletonScope();
});
