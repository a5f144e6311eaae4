/**
 * wdfppofilter.sys — WDF_VIOLATION (0x10D), WDF_POWER_MULTIPLE_PPO (0xD).
 *
 * The bug: an upper filter that claims power policy ownership (WdfDeviceInitSetPowerPolicyOwnership
 * TRUE) above a KMDF function driver, which owns it by default: two owners in one stack. When the
 * system sleeps, the function driver requests its D IRP; the filter, on top of the stack, gets it
 * first and, thinking itself the owner, finds a D IRP it did not request (fdopower.cpp
 * DispatchDeviceSetPower): a bug check in both flavors, P2 the filter's device object, P3 the IRP,
 * P4 the filter's driver globals.
 * `WdfPpoFunctionDriverEntry` is the correct function driver below it.
 * The fix: only the function driver owns power policy, unless it gives it up (FALSE) for one filter.
 */
import { Out, STATUS_SUCCESS, type DRIVER_OBJECT, type NTSTATUS } from "@wdfjs/kernel";
import {
  WDF_DRIVER_CONFIG, WDF_DRIVER_CONFIG_INIT, WDF_PNPPOWER_EVENT_CALLBACKS, WDF_PNPPOWER_EVENT_CALLBACKS_INIT, WdfDeviceCreate,
  WdfDeviceInitSetPnpPowerEventCallbacks, WdfDeviceInitSetPowerPolicyOwnership, WdfDriverCreate, WdfFdoInitSetFilter, type PWDFDEVICE_INIT,
  type WDF_POWER_DEVICE_STATE, type WDFDEVICE, type WDFDRIVER,
} from "@wdfjs/kmdf";

export const WDF_PPO_FILTER_NAME = "WdfPpoFilter";
/** The function driver the filter sits on. */
export const WDF_PPO_FUNCTION_NAME = "WdfPpoFunction";
/** The hardware ID of the root-enumerated device the function driver is installed for. */
export const WDF_PPO_HARDWARE_ID = "root\\wdfppo";

function PpoEvtDeviceD0Exit(_Device: WDFDEVICE, _TargetState: WDF_POWER_DEVICE_STATE): NTSTATUS {
  return STATUS_SUCCESS;
}

function PpoFilterEvtDeviceAdd(_Driver: WDFDRIVER, DeviceInit: PWDFDEVICE_INIT): NTSTATUS {
  WdfFdoInitSetFilter(DeviceInit);
  WdfDeviceInitSetPowerPolicyOwnership(DeviceInit, true); // (a filter must not: the function driver owns it)
  return WdfDeviceCreate(Out(DeviceInit), null, Out<WDFDEVICE | null>(null));
}

function PpoFunctionEvtDeviceAdd(_Driver: WDFDRIVER, DeviceInit: PWDFDEVICE_INIT): NTSTATUS {
  const pnp = new WDF_PNPPOWER_EVENT_CALLBACKS();
  WDF_PNPPOWER_EVENT_CALLBACKS_INIT(pnp);
  pnp.EvtDeviceD0Exit = PpoEvtDeviceD0Exit;
  WdfDeviceInitSetPnpPowerEventCallbacks(DeviceInit, pnp);
  return WdfDeviceCreate(Out(DeviceInit), null, Out<WDFDEVICE | null>(null));
}

export function WdfPpoFilterDriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
  const config = new WDF_DRIVER_CONFIG();
  WDF_DRIVER_CONFIG_INIT(config, PpoFilterEvtDeviceAdd);
  return WdfDriverCreate(DriverObject, RegistryPath, null, config, null);
}

export function WdfPpoFunctionDriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
  const config = new WDF_DRIVER_CONFIG();
  WDF_DRIVER_CONFIG_INIT(config, PpoFunctionEvtDeviceAdd);
  return WdfDriverCreate(DriverObject, RegistryPath, null, config, null);
}
