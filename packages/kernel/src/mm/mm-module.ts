import { ContainerModule, type ServiceIdentifier } from "../inversify.js";
import type { MachineOptions } from "../machine.js";
import { MachineOptionsToken } from "../machine-tokens.js";
import { MemoryManager } from "./memory-manager.js";

export const MemoryManagerToken: ServiceIdentifier<MemoryManager> = Symbol.for("wdfjs.MemoryManager");

const DEFAULT_MEMORY_BYTES = 128 * 1024 * 1024;

/** Mm: one memory manager per machine, sized by `MachineOptions.memoryBytes`. */
export const mmModule = new ContainerModule(({ bind }) => {
  bind(MemoryManagerToken)
    .toResolvedValue((options: MachineOptions) => new MemoryManager(options.memoryBytes ?? DEFAULT_MEMORY_BYTES), [MachineOptionsToken])
    .inSingletonScope();
});
