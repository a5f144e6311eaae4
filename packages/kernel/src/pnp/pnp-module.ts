import { ContainerModule, type ServiceIdentifier } from "../inversify.js";
import { MachineContribution } from "../composition.js";
import { PnpManager } from "./pnp-manager.js";

export const PnpManagerToken: ServiceIdentifier<PnpManager> = Symbol.for("wdfjs.PnpManager");

/** PnP: one Plug and Play manager (device tree, driver store, arbiters, interfaces) per machine. */
export const pnpModule = new ContainerModule(({ bind }) => {
  bind(PnpManager).toSelf().inSingletonScope();
  bind(PnpManagerToken).toService(PnpManager);
  bind(MachineContribution).toService(PnpManager);
});
