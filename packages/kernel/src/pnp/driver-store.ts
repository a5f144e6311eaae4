import type { ConfigurationManager } from "../cm/configuration-manager.js";
import type { DRIVER_INITIALIZE, DriverModule } from "../io/driver.js";
import { PiAddClassFilter, PiClassFilters, PiWriteClassKey, PiWriteServiceKey, PiWriteKmdfServiceSection } from "./registry-keys.js";

/*
 * Driver packages: our INF. A package names a service, the hardware and compatible IDs it
 * matches (with the INF's rank), its setup class and filters, and the module to load.
 * Installing it writes the registry as an INF does (Services\<service>, Control\Class\{guid}
 * and its class filters) and keeps the package for matching, as Windows keeps INFs in its
 * driver store; a device's keys are written when it gets its driver, and its stack is then
 * built from the registry (registry-keys.ts).
 *
 * What the registry cannot hold is code: a service's ImagePath names a .sys file, and here
 * the DriverEntry to run is kept in memory by service name (the store's module table), filled
 * by installing a package, a filter or a class filter, or by `machine.pnp.registerDriverModule`.
 */

export interface DriverPackageId {
  id: string;
  /** The INF's rank for this ID: lower is a better match (0 is best). */
  rank?: number;
}

export interface DriverPackage {
  /** The service name: `\Driver\<service>`, `...\Services\<service>`. */
  service: string;
  hardwareIds: DriverPackageId[];
  compatibleIds?: DriverPackageId[];
  /** The setup class name ("Toaster", "System"...). */
  class: string;
  classGuid?: string;
  /** Device-level filters (the device's UpperFilters/LowerFilters values): service names of other packages or filter entries. */
  upperFilters?: string[];
  lowerFilters?: string[];
  /** The device description (the software key's DriverDesc; the device's own text if absent). */
  description?: string;
  /** The INF's Provider (the software key's ProviderName). */
  provider?: string;
  /** Services\<service> DisplayName and Group (optional, as in an AddService section). */
  displayName?: string;
  group?: string;
  /**
   * The driver model: "WDM", or "KMDF" (the INF's `[*.Wdf]` section, `KmdfService` with
   * `KmdfLibraryVersion = 1.33`: written as `Services\<service>\Parameters\Wdf\KmdfLibraryVersion`).
   */
  framework: "WDM" | "KMDF";
  DriverEntry: DRIVER_INITIALIZE | DriverModule;
}

/** A class filter: `installClassFilter(classGuid, { upper, service, DriverEntry })`. */
export interface ClassFilter {
  upper: boolean;
  service: string;
  DriverEntry: DRIVER_INITIALIZE | DriverModule;
}

/** A filter service that is not a function driver of any device (a filter-only package). */
export interface FilterService {
  service: string;
  DriverEntry: DRIVER_INITIALIZE | DriverModule;
}

/** The result of matching a device against the store. */
export interface DriverMatch {
  pkg: DriverPackage;
  /** Windows' rank: 0x0000–0x0FFF a hardware ID match, 0x1000–0x3FFF a compatible ID match... */
  rank: number;
}

/**
 * Where installed packages live (for matching) and the machine's registry they write:
 * Services\<service>, Control\Class\{guid} with UpperFilters/LowerFilters; and the code of
 * each service by name, which the registry cannot hold.
 */
export interface DriverStore {
  addPackage(pkg: DriverPackage): void;
  addClassFilter(classGuid: string, filter: ClassFilter): void;
  addFilterService(filter: FilterService): void;
  /** Only the code of a service (its keys come from a saved registry or are written by hand). */
  registerModule(service: string, DriverEntry: DRIVER_INITIALIZE | DriverModule): void;
  /** The best package for a device's hardware and compatible IDs, or null. */
  match(hardwareIds: readonly string[], compatibleIds: readonly string[]): DriverMatch | null;
  /** A class's UpperFilters or LowerFilters, read from Control\Class\{guid}. */
  classFilters(classGuid: string, upper: boolean): readonly string[];
  /** The DriverEntry of a service (a package's, a filter service's or a class filter's). */
  serviceEntry(service: string): DRIVER_INITIALIZE | DriverModule | null;
  packages(): readonly DriverPackage[];
}

/**
 * Windows' driver ranking (ranking of drivers for a device): a match on the device's
 * n-th hardware ID against the INF's rank r gives 0x0000 + n*0x100 + r; on a compatible
 * ID (or an INF compatible entry), 0x2000 + ...; lower wins.
 */
function rankOf(deviceIds: readonly string[], base: number, pkgIds: readonly DriverPackageId[] | undefined, pkgBase: number): number {
  if (pkgIds === undefined) return -1;
  let best = -1;
  for (let n = 0; n < deviceIds.length; n++) {
    const id = deviceIds[n]!.toUpperCase();
    for (const p of pkgIds) {
      if (p.id.toUpperCase() !== id) continue;
      const r = base + pkgBase + Math.min(n, 0xf) * 0x100 + Math.min(p.rank ?? 0, 0xff);
      if (best < 0 || r < best) best = r;
    }
  }
  return best;
}

/** The driver store of one machine: packages and modules in memory, everything else in its registry. */
export class RegistryDriverStore implements DriverStore {
  private readonly pkgs: DriverPackage[] = [];
  private readonly services = new Map<string, DRIVER_INITIALIZE | DriverModule>();

  constructor(private readonly registry: ConfigurationManager) {}

  addPackage(pkg: DriverPackage): void {
    PiWriteServiceKey(this.registry, pkg.service, pkg.displayName, pkg.group);
    if (pkg.framework === "KMDF") PiWriteKmdfServiceSection(this.registry, pkg.service);
    if (pkg.classGuid !== undefined) PiWriteClassKey(this.registry, pkg.classGuid, pkg.class);
    const i = this.pkgs.findIndex((p) => p.service.toUpperCase() === pkg.service.toUpperCase());
    if (i >= 0) this.pkgs[i] = pkg;
    else this.pkgs.push(pkg);
    this.services.set(pkg.service.toUpperCase(), pkg.DriverEntry);
  }

  addClassFilter(classGuid: string, filter: ClassFilter): void {
    PiWriteServiceKey(this.registry, filter.service);
    PiAddClassFilter(this.registry, classGuid, filter.service, filter.upper);
    this.services.set(filter.service.toUpperCase(), filter.DriverEntry);
  }

  addFilterService(filter: FilterService): void {
    PiWriteServiceKey(this.registry, filter.service);
    this.services.set(filter.service.toUpperCase(), filter.DriverEntry);
  }

  registerModule(service: string, DriverEntry: DRIVER_INITIALIZE | DriverModule): void {
    this.services.set(service.toUpperCase(), DriverEntry);
  }

  match(hardwareIds: readonly string[], compatibleIds: readonly string[]): DriverMatch | null {
    let best: DriverMatch | null = null;
    for (const pkg of this.pkgs) {
      // A device hardware ID against the INF's hardware IDs is the best kind of match,
      // then a device compatible ID against them, then either against the INF's compatible IDs.
      const candidates = [
        rankOf(hardwareIds, 0x0000, pkg.hardwareIds, 0),
        rankOf(compatibleIds, 0x2000, pkg.hardwareIds, 0),
        rankOf(hardwareIds, 0x1000, pkg.compatibleIds, 0),
        rankOf(compatibleIds, 0x3000, pkg.compatibleIds, 0),
      ].filter((r) => r >= 0);
      if (candidates.length === 0) continue;
      const r = Math.min(...candidates);
      if (best === null || r < best.rank) best = { pkg, rank: r };
    }
    return best;
  }

  classFilters(classGuid: string, upper: boolean): readonly string[] {
    return PiClassFilters(this.registry, classGuid, upper);
  }

  serviceEntry(service: string): DRIVER_INITIALIZE | DriverModule | null {
    return this.services.get(service.toUpperCase()) ?? null;
  }

  packages(): readonly DriverPackage[] {
    return this.pkgs;
  }
}

/** The former name (the store was in memory before the registry backed it). */
export { RegistryDriverStore as MemoryDriverStore };
