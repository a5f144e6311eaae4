import { ContainerModule } from "../inversify.js";
import { PnpManagerToken } from "../machine-tokens.js";
import { PnpManager } from "./pnp-manager.js";

export { PnpManagerToken };

/**
 * PnP: one Plug and Play manager (device tree, driver store, arbiters, interfaces) per
 * machine. It is made the first time the machine needs it (`machine.pnp`), not at boot.
 */
export const pnpModule = new ContainerModule(({ bind }) => {
  bind(PnpManagerToken).to(PnpManager).inSingletonScope();
});
