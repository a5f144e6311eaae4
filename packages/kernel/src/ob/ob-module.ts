import { ContainerModule, type ServiceIdentifier } from "../inversify.js";
import { ObjectManager } from "./object-manager.js";
import { MemoryManagerToken } from "../mm/mm-module.js";
import type { MemoryManager } from "../mm/memory-manager.js";

export const ObjectManagerToken: ServiceIdentifier<ObjectManager> = Symbol.for("wdfjs.ObjectManager");

/** Ob: one object manager (one namespace) per machine. */
export const obModule = new ContainerModule(({ bind }) => {
  // The object manager hands out object addresses from the memory manager's kernel space.
  bind(ObjectManagerToken).toResolvedValue((mm: MemoryManager) => new ObjectManager(mm), [MemoryManagerToken]).inSingletonScope();
});
