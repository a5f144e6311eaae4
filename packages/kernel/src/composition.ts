import { Container, ContainerModule, type ServiceIdentifier } from "./inversify.js";
import { BugCheck } from "./ke/bugcheck.js";
import { Machine, type MachineOptions } from "./machine.js";
import { MachineContainerToken, MachineOptionsToken, MachineToken } from "./machine-tokens.js";
import { ioModule } from "./io/io-module.js";
import { mmModule } from "./mm/mm-module.js";
import { obModule } from "./ob/ob-module.js";
import { poModule } from "./po/po-module.js";
import { cmModule } from "./cm/cm-module.js";
import { pnpModule } from "./pnp/pnp-module.js";
import { describeThrown, validateMachineOptions } from "./machine-options.js";

/**
 * The boot-time extension point (a multi-binding, Theia's contribution idiom): a module
 * binds its contribution with `bind(MachineContribution).toService(...)` and takes part
 * in boot without the kernel knowing it.
 */
export const MachineContribution: ServiceIdentifier<MachineContribution> = Symbol.for("wdfjs.MachineContribution");
export interface MachineContribution {
  /**
   * Called once per machine after it is built, in module load order, inside the machine
   * (System process, PASSIVE_LEVEL), so kernel DDIs work. An exception that escapes
   * bug-checks the machine and fails `boot`.
   */
  onBoot(machine: Machine): void;
}

/** The machine itself, built from the subsystems the other modules bind. */
export const machineModule = new ContainerModule(({ bind }) => {
  bind(MachineToken).to(Machine).inSingletonScope();
});

/** The kernel's composition: Mm, Ob, Io, Po, Cm, the machine and PnP, one singleton each per container (per machine). */
export const kernelModule = new ContainerModule((options) => {
  mmModule.load(options);
  obModule.load(options);
  ioModule.load(options);
  poModule.load(options);
  cmModule.load(options);
  machineModule.load(options);
  pnpModule.load(options);
});

/**
 * Boot a machine: build a container from the kernel's modules and then `modules` (in that
 * order), build the machine, and run every MachineContribution's `onBoot`. The container
 * stays on the machine (`machine.container`) for its lifetime; nothing global is shared,
 * so two machines booted with the same modules get separate singletons.
 */
export function boot(options: MachineOptions = {}, ...modules: ContainerModule[]): Machine {
  validateMachineOptions(options);
  const container = new Container();
  container.bind(MachineOptionsToken).toConstantValue(options);
  container.bind(MachineContainerToken).toConstantValue(container);
  container.load(kernelModule);
  for (let i = 0; i < modules.length; i++) {
    try {
      container.load(modules[i]!);
    } catch (e) {
      throw new Error(`boot: module ${i + 1} of ${modules.length} failed to load: ${describe(e)}`, { cause: e });
    }
  }
  let machine: Machine;
  let contributions: MachineContribution[];
  try {
    machine = container.get(MachineToken);
    contributions = container.getAll(MachineContribution, { optional: true });
  } catch (e) {
    throw new Error(`boot: could not build the machine's services: ${describe(e)}`, { cause: e });
  }
  for (const contribution of contributions) {
    try {
      machine.runInKernel(() => contribution.onBoot(machine));
    } catch (e) {
      throw new Error(`boot: ${contribution.constructor?.name ?? "a MachineContribution"}.onBoot failed: ${describe(e)}`, { cause: e });
    }
  }
  return machine;
}

function describe(e: unknown): string {
  if (e instanceof BugCheck) {
    const cause = (e as { cause?: unknown }).cause;
    return cause === undefined ? `the machine bug-checked (${e.data.name})` : `${describe(cause)} (the machine bug-checked: ${e.data.name})`;
  }
  return describeThrown(e);
}
