/**
 * The KMDF stack as the PnP manager builds it: a root-enumerated device `root\kstack` whose
 * function driver is kstackfunc.sys (KMDF) with the generic KMDF filter (the toaster sample's
 * filter.c) as its UpperFilters. So a request goes filter → KMDF FDO → the root enumerator's PDO,
 * the same three-deep shape as the WDM stack sample.
 */
import { DeviceNodeStarted, type Machine } from "@wdfjs/kernel";
import { FilterDriverEntry } from "@wdfjs/sample-kmdf-toaster";
import { KStackFunctionDriverEntry } from "./function.js";

export const KSTACK_ROOT_HWID = "root\\kstack";
export const KSTACK_FUNCTION_SERVICE = "kstackfunc";
export const KSTACK_FILTER_SERVICE = "kstackfilter";

export interface InstallKmdfStackOptions {
  /** The filter forwards with a completion routine instead of send-and-forget (filter.c's FORWARD_REQUEST_WITH_COMPLETION). */
  readonly completionRoutine?: boolean;
  /** Leave the filter out: two deep. */
  readonly noFilter?: boolean;
}

/** Installs the two KMDF drivers and creates the root-enumerated device; the stack starts. Returns its instance path. */
export function installKmdfStack(machine: Machine, options: InstallKmdfStackOptions = {}): string {
  if (!options.noFilter) {
    machine.pnp.installFilterService({ service: KSTACK_FILTER_SERVICE, DriverEntry: FilterDriverEntry({ FORWARD_REQUEST_WITH_COMPLETION: options.completionRoutine ?? false }) });
  }
  machine.installDriverPackage({
    service: KSTACK_FUNCTION_SERVICE,
    hardwareIds: [{ id: KSTACK_ROOT_HWID }],
    class: "System",
    framework: "KMDF",
    DriverEntry: KStackFunctionDriverEntry,
    ...(options.noFilter ? {} : { upperFilters: [KSTACK_FILTER_SERVICE] }),
  });
  const instance = machine.pnp.createRootDevice({ hardwareIds: [KSTACK_ROOT_HWID], class: "System" });
  machine.run();
  const node = machine.pnp.node(instance);
  if (node === null || node.State !== DeviceNodeStarted) throw new Error(`kmdf-stack: the device did not start (problem ${node?.Problem}, status 0x${((node?.ProblemStatus ?? 0) >>> 0).toString(16)})`);
  return instance;
}
