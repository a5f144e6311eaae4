/**
 * wdfstalld0exit.sys — WDF_VIOLATION (0x10D), WDF_POWER_ROUTINE_TIMED_OUT (0x1).
 *
 * The bug: a function driver for a device in the paging path (WdfDeviceInitSetPowerNotPageable:
 * its power callbacks must not page, so WDF watches them) whose EvtDeviceD0Exit waits, with no
 * timeout, for the "hardware" to acknowledge the power-down; the acknowledgement never comes.
 * The framework's watchdog (FxWatchdog, armed around the power machine's non-pageable state
 * functions) fires after 10 minutes of machine time and stops the machine in both flavors
 * (FxWatchdog::_WatchdogDpc, fxpkgpnp.cpp ~L5516): P2 the WDFDEVICE, P3 its device object.
 * The fix: wait with a timeout and give up; never block a power callback on something that may
 * not happen.
 */
import { Executive, KeInitializeEvent, KernelMode, KeWaitForSingleObject, KEVENT, NotificationEvent, Out, STATUS_SUCCESS, type DRIVER_OBJECT, type KWAIT_GENERATOR, type NTSTATUS } from "@wdfjs/kernel";
import {
  WDF_DECLARE_CONTEXT_TYPE_WITH_NAME, WDF_DRIVER_CONFIG, WDF_DRIVER_CONFIG_INIT, WDF_OBJECT_ATTRIBUTES, WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE, WDF_PNPPOWER_EVENT_CALLBACKS, WDF_PNPPOWER_EVENT_CALLBACKS_INIT, WdfDeviceCreate,
  WdfDeviceInitSetPnpPowerEventCallbacks, WdfDeviceInitSetPowerNotPageable, WdfDriverCreate, type PWDFDEVICE_INIT, type WDF_POWER_DEVICE_STATE,
  type WDFDEVICE, type WDFDRIVER,
} from "@wdfjs/kmdf";

export const WDF_STALL_D0EXIT_NAME = "WdfStallD0Exit";
/** The hardware ID of the root-enumerated device the driver is installed for. */
export const WDF_STALL_D0EXIT_HARDWARE_ID = "root\\wdfstalld0exit";

/** The device context: the event the "hardware" sets when it has powered down (it never does). */
export class STALL_DEVICE_CONTEXT {
  readonly PowerDownAcknowledged = new KEVENT();
}
const StallGetContext = WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(STALL_DEVICE_CONTEXT, "StallGetContext");

function* StallEvtDeviceD0Exit(Device: WDFDEVICE, _TargetState: WDF_POWER_DEVICE_STATE): KWAIT_GENERATOR<NTSTATUS> {
  // (should be: a timeout, and carry on without the acknowledgement)
  yield* KeWaitForSingleObject(StallGetContext(Device).PowerDownAcknowledged, Executive, KernelMode, false, null);
  return STATUS_SUCCESS;
}

function StallEvtDeviceAdd(_Driver: WDFDRIVER, DeviceInit: PWDFDEVICE_INIT): NTSTATUS {
  WdfDeviceInitSetPowerNotPageable(DeviceInit);
  const pnp = new WDF_PNPPOWER_EVENT_CALLBACKS();
  WDF_PNPPOWER_EVENT_CALLBACKS_INIT(pnp);
  pnp.EvtDeviceD0Exit = StallEvtDeviceD0Exit;
  WdfDeviceInitSetPnpPowerEventCallbacks(DeviceInit, pnp);
  const attributes = new WDF_OBJECT_ATTRIBUTES();
  WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(attributes, STALL_DEVICE_CONTEXT);
  const device = Out<WDFDEVICE | null>(null);
  const status = WdfDeviceCreate(Out(DeviceInit), attributes, device);
  if (status !== STATUS_SUCCESS) return status;
  KeInitializeEvent(StallGetContext(device.value!).PowerDownAcknowledged, NotificationEvent, false);
  return STATUS_SUCCESS;
}

export function WdfStallD0ExitDriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
  const config = new WDF_DRIVER_CONFIG();
  WDF_DRIVER_CONFIG_INIT(config, StallEvtDeviceAdd);
  return WdfDriverCreate(DriverObject, RegistryPath, null, config, null);
}
