/**
 * Building the stack as the PnP manager builds a device node: the lower driver's device
 * is the bottom (where a bus driver's PDO would be); then the function driver's
 * AddDevice and the upper filter's AddDevice run, each attaching on top with
 * IoAttachDeviceToDeviceStack, so StackSize grows 1 → 2 → 3.
 */
import { NT_SUCCESS, NtStatusName, type DEVICE_OBJECT, type DRIVER_INITIALIZE, type DRIVER_OBJECT, type Machine, type NTSTATUS } from "@wdfjs/kernel";
import { StackFilterDriverEntry, StackForgetfulFilterDriverEntry } from "./filter.js";
import { StackFunctionDriverEntry } from "./function.js";
import { STACK_FILTER_DRIVER, STACK_FUNCTION_DRIVER, STACK_LOWER_DRIVER } from "./ioctl.js";
import { StackLog } from "./log.js";
import { StackLowerDriverEntry } from "./lower.js";

export interface InstallStackOptions {
  /** Record every driver's calls in the stack log (default true; the benchmark turns it off). */
  readonly log?: boolean;
  /** Load the filter with the pending-propagation bug (StackForgetfulFilterDriverEntry). */
  readonly forgetfulFilter?: boolean;
}

export interface InstalledStack {
  /** The log the three drivers share (also each one's DriverObject.DriverContext). */
  readonly log: StackLog;
  readonly lowerDriver: DRIVER_OBJECT;
  readonly functionDriver: DRIVER_OBJECT;
  readonly filterDriver: DRIVER_OBJECT;
  /** `\Device\StackLower`, where the symbolic link points. */
  readonly bottom: DEVICE_OBJECT;
  /** The filter's device: where the I/O manager sends a client's requests. */
  readonly top: DEVICE_OBJECT;
  /** Unload the three drivers, top first, as the PnP manager removes a device node. */
  uninstall(): void;
}

function load(m: Machine, name: string, entry: DRIVER_INITIALIZE, log: StackLog): DRIVER_OBJECT {
  // The loader hands the shared log to the driver before its DriverEntry runs.
  const st = m.loadDriver(name, (DriverObject, RegistryPath) => {
    DriverObject.DriverContext = log;
    return entry(DriverObject, RegistryPath);
  });
  if (!NT_SUCCESS(st)) throw new Error(`wdm-stack: loading ${name} failed with ${NtStatusName(st)}`);
  return m.driver(name)!;
}

/** Call a driver's AddDevice for the device node whose PDO is `pdo`, as the PnP manager does (PASSIVE_LEVEL, System process). */
function addDevice(m: Machine, driver: DRIVER_OBJECT, pdo: DEVICE_OBJECT): void {
  const st: NTSTATUS = m.callDriverRoutine(driver, `AddDevice of ${driver.DriverName}`, () => driver.DriverExtension.AddDevice!(driver, pdo));
  if (!NT_SUCCESS(st)) throw new Error(`wdm-stack: AddDevice of ${driver.DriverName} failed with ${NtStatusName(st)}`);
}

/** Load the lower driver, the function driver and the upper filter into `m` and build the stack. */
export function installStack(m: Machine, options: InstallStackOptions = {}): InstalledStack {
  const log = new StackLog(options.log ?? true);
  const lowerDriver = load(m, STACK_LOWER_DRIVER, StackLowerDriverEntry, log);
  const functionDriver = load(m, STACK_FUNCTION_DRIVER, StackFunctionDriverEntry, log);
  const filterDriver = load(m, STACK_FILTER_DRIVER, options.forgetfulFilter ? StackForgetfulFilterDriverEntry : StackFilterDriverEntry, log);
  const bottom = lowerDriver.DeviceObject!;
  addDevice(m, functionDriver, bottom);
  addDevice(m, filterDriver, bottom);
  const top = filterDriver.DeviceObject!;
  return {
    log, lowerDriver, functionDriver, filterDriver, bottom, top,
    uninstall() {
      m.unloadDriver(STACK_FILTER_DRIVER);
      m.unloadDriver(STACK_FUNCTION_DRIVER);
      m.unloadDriver(STACK_LOWER_DRIVER);
    },
  };
}
