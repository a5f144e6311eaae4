/**
 * wdfprepirql.sys — WDF_VIOLATION (0x10D), WDF_VERIFIER_IRQL_MISMATCH (0xE), from a PnP callback.
 *
 * The bug: a PnP function driver's EvtDevicePrepareHardware raises to APC_LEVEL to keep an APC
 * from interrupting its "register setup" and returns without lowering. The framework calls it at
 * PASSIVE_LEVEL when the PnP manager starts the device and, in the checked flavor, compares the
 * IRQL it returns at (VerifyIrqlExit): P2 PASSIVE_LEVEL, P3 APC_LEVEL. The machine stops while
 * the device is being started.
 * The fix: KeLowerIrql(old) (or KeEnterCriticalRegion/KeLeaveCriticalRegion, which is what it meant).
 */
import { APC_LEVEL, KeRaiseIrql, Out, STATUS_SUCCESS, type DRIVER_OBJECT, type KIRQL, type NTSTATUS } from "@wdfjs/kernel";
import {
  WDF_DRIVER_CONFIG, WDF_DRIVER_CONFIG_INIT, WDF_PNPPOWER_EVENT_CALLBACKS, WDF_PNPPOWER_EVENT_CALLBACKS_INIT, WdfDeviceCreate,
  WdfDeviceInitSetPnpPowerEventCallbacks, WdfDriverCreate, type PWDFDEVICE_INIT, type WDFCMRESLIST, type WDFDEVICE, type WDFDRIVER,
} from "@wdfjs/kmdf";

export const WDF_PREPARE_IRQL_NAME = "WdfPrepIrql";
/** The hardware ID of the root-enumerated device the driver is installed for. */
export const WDF_PREPARE_IRQL_HARDWARE_ID = "root\\wdfprepirql";

function PrepIrqlEvtDevicePrepareHardware(_Device: WDFDEVICE, _ResourcesRaw: WDFCMRESLIST, _ResourcesTranslated: WDFCMRESLIST): NTSTATUS {
  const old = Out<KIRQL>(0);
  KeRaiseIrql(APC_LEVEL, old);
  // ... program the registers ...
  // (missing: KeLowerIrql(old.value);)
  return STATUS_SUCCESS;
}

function PrepIrqlEvtDeviceAdd(_Driver: WDFDRIVER, DeviceInit: PWDFDEVICE_INIT): NTSTATUS {
  const pnp = new WDF_PNPPOWER_EVENT_CALLBACKS();
  WDF_PNPPOWER_EVENT_CALLBACKS_INIT(pnp);
  pnp.EvtDevicePrepareHardware = PrepIrqlEvtDevicePrepareHardware;
  WdfDeviceInitSetPnpPowerEventCallbacks(DeviceInit, pnp);
  return WdfDeviceCreate(Out(DeviceInit), null, Out<WDFDEVICE | null>(null));
}

export function WdfPrepIrqlDriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
  const config = new WDF_DRIVER_CONFIG();
  WDF_DRIVER_CONFIG_INIT(config, PrepIrqlEvtDeviceAdd);
  return WdfDriverCreate(DriverObject, RegistryPath, null, config, null);
}
