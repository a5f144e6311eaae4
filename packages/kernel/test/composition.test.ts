import { describe, expect, it } from "vitest";
import {
  boot, BugCheck, currentMachine, ExAllocatePool2, IoManagerToken, KeGetCurrentIrql, kernelModule, Machine, MachineContainerToken,
  MachineContribution, MachineOptionsToken, MachineToken, MemoryManagerToken, ObjectManagerToken, PASSIVE_LEVEL, POOL_FLAG_PAGED, POOL_TAG,
  PsGetCurrentProcess, ReadBytes, STATUS_SUCCESS, WriteBytes, IRP_MJ_DEVICE_CONTROL, IRP_MJ_READ, IoGetCurrentIrpStackLocation,
  NtDeviceIoControlFile, NtReadFile, NtClose, IO_STATUS_BLOCK, CTL_CODE, FILE_DEVICE_UNKNOWN, METHOD_BUFFERED, FILE_ANY_ACCESS,
} from "../src/index.js";
import { Container, ContainerModule, inject, injectable, type ServiceIdentifier } from "../src/inversify.js";
import { client, complete, open, tinyDriver, userAlloc } from "./helpers.js";

// A toy subsystem the kernel does not know: a "registry" with one hive in paged pool.
const Registry: ServiceIdentifier<Registry> = Symbol.for("wdfjs.test.Registry");
interface Registry {
  readonly machine: Machine;
  hive: number;
}

@injectable()
class RegistryImpl implements Registry {
  hive = 0;
  constructor(@inject(MachineToken) readonly machine: Machine) {}
}

/** What each contribution saw when its onBoot ran (no machines: a failed match would print them whole). */
interface Seen {
  name: string;
  /** `onBoot` got the machine being booted, and it is the executing one. */
  inside: boolean;
  irql: number;
  system: boolean;
}

function saw(name: string, machine: Machine): Seen {
  return { name, inside: currentMachine() === machine && machine.container.get<Machine>(MachineToken) === machine, irql: KeGetCurrentIrql(), system: PsGetCurrentProcess() === machine.systemProcess };
}

/** Identity without printing the operands (a Machine holds its physical memory). */
function same(a: unknown, b: unknown): boolean {
  return a === b;
}

@injectable()
class RegistryBoot implements MachineContribution {
  static seen: Seen[] = [];
  constructor(@inject(Registry) private readonly registry: Registry) {}
  onBoot(machine: Machine): void {
    RegistryBoot.seen.push(saw("registry", machine));
    // Kernel DDIs work at boot: the hive lives in the machine's paged pool.
    this.registry.hive = ExAllocatePool2(POOL_FLAG_PAGED, 64, POOL_TAG("CM  "));
  }
}

const registryModule = new ContainerModule(({ bind }) => {
  bind(Registry).to(RegistryImpl).inSingletonScope();
  bind(RegistryBoot).toSelf().inSingletonScope();
  bind(MachineContribution).toService(RegistryBoot);
});

function recorder(name: string, seen: Seen[]): ContainerModule {
  @injectable()
  class Recorder implements MachineContribution {
    onBoot(machine: Machine): void {
      seen.push(saw(name, machine));
    }
  }
  Object.defineProperty(Recorder, "name", { value: `${name}Contribution` });
  return new ContainerModule(({ bind }) => {
    bind(MachineContribution).to(Recorder).inSingletonScope();
  });
}

describe("composition", () => {
  it("boot() alone builds the kernel's subsystems from one container kept on the machine", () => {
    const m = boot({ memoryBytes: 16 * 1024 * 1024 });
    expect(m).toBeInstanceOf(Machine);
    expect(m.container).toBeInstanceOf(Container);
    expect(same(m.container.get(MachineToken), m)).toBe(true);
    expect(same(m.container.get(MachineContainerToken), m.container)).toBe(true);
    expect(same(m.container.get(MemoryManagerToken), m.mm)).toBe(true);
    expect(same(m.container.get(ObjectManagerToken), m.ob)).toBe(true);
    expect(same(m.container.get(IoManagerToken), m.io)).toBe(true);
    expect(same(m.container.get(MachineOptionsToken), m.options)).toBe(true);
    expect(m.mm.physical.maxFrames * 4096).toBe(16 * 1024 * 1024);
  });

  it("a module's service is reachable through machine.container and is the machine's own", () => {
    const m = boot({}, registryModule);
    const registry = m.container.get<Registry>(Registry);
    expect(registry).toBeInstanceOf(RegistryImpl);
    expect(same(registry.machine, m)).toBe(true);
    expect(same(m.container.get<Registry>(Registry), registry)).toBe(true);
  });

  it("two machines booted with the same module get separate singletons", () => {
    const a = boot({ seed: 1 }, registryModule);
    const b = boot({ seed: 2 }, registryModule);
    const ra = a.container.get<Registry>(Registry);
    const rb = b.container.get<Registry>(Registry);
    expect(same(a.container, b.container)).toBe(false);
    expect(same(ra, rb)).toBe(false);
    expect(same(ra.machine, a)).toBe(true);
    expect(same(rb.machine, b)).toBe(true);
    expect(same(a.mm, b.mm)).toBe(false);
    expect(same(a.ob, b.ob)).toBe(false);
    expect(same(a.io, b.io)).toBe(false);
    expect(same(b.container.get(MachineToken), b)).toBe(true);
  });

  it("contributions run once at boot, inside the machine, at PASSIVE_LEVEL in the System process", () => {
    RegistryBoot.seen = [];
    const m = boot({}, registryModule);
    expect(RegistryBoot.seen).toEqual([{ name: "registry", inside: true, irql: PASSIVE_LEVEL, system: true }]);
    const registry = m.container.get<Registry>(Registry);
    expect(registry.hive).not.toBe(0);
    // The hive is real paged pool of this machine.
    m.runInKernel(() => WriteBytes(registry.hive, [1, 2, 3]));
    expect([...m.runInKernel(() => ReadBytes(registry.hive, 3))]).toEqual([1, 2, 3]);
    m.run();
    expect(RegistryBoot.seen).toHaveLength(1);
  });

  it("contributions run in module load order", () => {
    const seen: Seen[] = [];
    const m = boot({}, recorder("first", seen), recorder("second", seen), recorder("third", seen));
    expect(seen.map((s) => s.name)).toEqual(["first", "second", "third"]);
    expect(seen.every((s) => s.inside && s.irql === PASSIVE_LEVEL && s.system)).toBe(true);
    expect(m.stopped).toBe(false);
  });

  it("a machine booted with no contributions boots", () => {
    const m = boot();
    expect(m.container.getAll(MachineContribution, { optional: true })).toEqual([]);
    m.run();
    expect(m.stopped).toBe(false);
  });

  it("kernelModule still composes a machine in a container of one's own", () => {
    const container = new Container();
    container.bind(MachineOptionsToken).toConstantValue({ processors: 1 });
    container.bind(MachineContainerToken).toConstantValue(container);
    container.load(kernelModule);
    const m = container.get(MachineToken);
    expect(m.processors).toHaveLength(1);
    expect(same(m.container, container)).toBe(true);
  });

  it("a module that throws while loading fails boot with a clear error", () => {
    const broken = new ContainerModule(() => {
      throw new Error("the hive file is missing");
    });
    let error: unknown = null;
    try {
      boot({}, registryModule, broken);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe("boot: module 2 of 2 failed to load: Error: the hive file is missing");
    expect(((error as Error).cause as Error).message).toBe("the hive file is missing");
  });

  it("a contribution that throws at boot bug-checks the machine and fails boot naming it", () => {
    @injectable()
    class FaultyBoot implements MachineContribution {
      onBoot(): void {
        throw new RangeError("no room for the SYSTEM hive");
      }
    }
    const faulty = new ContainerModule(({ bind }) => {
      bind(MachineContribution).to(FaultyBoot);
    });
    let error: unknown = null;
    try {
      boot({}, faulty);
    } catch (e) {
      error = e;
    }
    expect((error as Error).message).toBe(
      "boot: FaultyBoot.onBoot failed: RangeError: no room for the SYSTEM hive (the machine bug-checked: KMODE_EXCEPTION_NOT_HANDLED)",
    );
    const bugCheck = (error as Error).cause as BugCheck;
    expect(bugCheck).toBeInstanceOf(BugCheck);
    expect((bugCheck as { cause?: unknown }).cause).toBeInstanceOf(RangeError);
  });

  it("a service that cannot be built fails boot with a clear error", () => {
    const Missing: ServiceIdentifier<unknown> = Symbol.for("wdfjs.test.Missing");
    @injectable()
    class NeedsMissing implements MachineContribution {
      constructor(@inject(Missing) readonly missing: unknown) {}
      onBoot(): void {}
    }
    const module = new ContainerModule(({ bind }) => {
      bind(MachineContribution).to(NeedsMissing);
    });
    expect(() => boot({}, module)).toThrow(/^boot: could not build the machine's services: .*wdfjs\.test\.Missing/);
  });

  it("nothing on the I/O path asks the container for anything", () => {
    const m = boot({}, registryModule);
    const asked: string[] = [];
    const container = m.container as unknown as Record<string, unknown>;
    for (const method of ["get", "getAll", "getAsync", "getAllAsync", "isBound", "isCurrentBound"]) {
      const original = container[method] as (...args: unknown[]) => unknown;
      container[method] = (...args: unknown[]) => {
        asked.push(`${method}(${String(args[0])})`);
        return original.apply(m.container, args);
      };
    }
    const ioctl = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS);
    const drv = tinyDriver({
      name: "Composed",
      dispatch: {
        [IRP_MJ_DEVICE_CONTROL]: (_d, irp) => {
          const n = IoGetCurrentIrpStackLocation(irp).Parameters.DeviceIoControl.InputBufferLength;
          WriteBytes(irp.AssociatedIrp.SystemBuffer, ReadBytes(irp.AssociatedIrp.SystemBuffer, n).map((b) => b + 1));
          return complete(irp, STATUS_SUCCESS, n);
        },
        [IRP_MJ_READ]: (_d, irp) => complete(irp, STATUS_SUCCESS, IoGetCurrentIrpStackLocation(irp).Parameters.Read.Length),
      },
    });
    expect(m.loadDriver("Composed", drv.DriverEntry)).toBe(STATUS_SUCCESS);
    const c = client(m);
    const { status, handle } = open(m, c, "\\??\\Composed");
    expect(status).toBe(STATUS_SUCCESS);
    const buf = userAlloc(m, c);
    const iosb = new IO_STATUS_BLOCK();
    for (let i = 0; i < 3; i++) {
      expect(m.syscall(c.thread, () => NtDeviceIoControlFile(handle, 0, null, null, iosb, ioctl, buf, 4, buf + 64, 4))).toBe(STATUS_SUCCESS);
      expect(m.syscall(c.thread, () => NtReadFile(handle, 0, null, null, iosb, buf, 16, null, 0))).toBe(STATUS_SUCCESS);
    }
    expect(m.syscall(c.thread, () => NtClose(handle))).toBe(STATUS_SUCCESS);
    m.run();
    m.unloadDriver("Composed");
    expect(asked).toEqual([]);
    // The spy itself works: boot-time code that does ask is seen.
    m.container.get(MachineToken);
    expect(asked).toHaveLength(1);
    expect(drv.majors.length).toBeGreaterThan(6);
  });
});
