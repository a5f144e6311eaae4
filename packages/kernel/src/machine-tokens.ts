import type { Container, ServiceIdentifier } from "./inversify.js";
import type { Machine, MachineOptions } from "./machine.js";
import type { PnpManager } from "./pnp/pnp-manager.js";

// The machine's own service identifiers. They live apart from machine.ts (and import
// nothing at run time) so the subsystem modules can name them without an import cycle.

export const MachineOptionsToken: ServiceIdentifier<MachineOptions> = Symbol.for("wdfjs.MachineOptions");
export const MachineToken: ServiceIdentifier<Machine> = Symbol.for("wdfjs.Machine");
/** The container that built the machine; it lives as long as the machine (`machine.container`). */
export const MachineContainerToken: ServiceIdentifier<Container> = Symbol.for("wdfjs.MachineContainer");
/** The machine's PnP manager (pnp/pnp-module.ts binds it; `machine.pnp` makes it on first use). */
export const PnpManagerToken: ServiceIdentifier<PnpManager> = Symbol.for("wdfjs.PnpManager");
