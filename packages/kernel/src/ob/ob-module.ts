import { ContainerModule, type ServiceIdentifier } from "../inversify.js";
import { ObjectManager } from "./object-manager.js";

export const ObjectManagerToken: ServiceIdentifier<ObjectManager> = Symbol.for("wdfjs.ObjectManager");

/** Ob: one object manager (one namespace) per machine. */
export const obModule = new ContainerModule(({ bind }) => {
  bind(ObjectManagerToken).toResolvedValue(() => new ObjectManager()).inSingletonScope();
});
