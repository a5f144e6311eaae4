/**
 * buspdo.c of WDK general/toaster/toastDrv/kmdf/bus/static: the static bus makes its PDOs itself
 * (WdfPdoInitAllocate) and adds each as a static child. The PDO's identity, capabilities and
 * query interface are the dynamic bus's (`bus-dynamic/buspdo.ts`, the same code in both samples).
 */
import { NT_SUCCESS, Out, STATUS_INSUFFICIENT_RESOURCES, type NTSTATUS } from "@wdfjs/kernel";
import { WdfDeviceInitFree, WdfFdoAddStaticChild, WdfPdoInitAllocate, type WDFDEVICE } from "@wdfjs/kmdf";
import { Bus_CreatePdo as Bus_InitializeAndCreatePdo } from "../bus-dynamic/buspdo.js";

/**
 * Bus_CreatePdo (static): a PDO init of the bus, the child created from it, then
 * WdfFdoAddStaticChild so the next bus relations report it. An init no device consumed is freed.
 */
export function Bus_CreatePdo(Device: WDFDEVICE, HardwareIds: string, SerialNo: number): NTSTATUS {
  const pDeviceInit = WdfPdoInitAllocate(Device);
  if (pDeviceInit === null) return STATUS_INSUFFICIENT_RESOURCES;
  const hChild = Out<WDFDEVICE | null>(null);
  let status = Bus_InitializeAndCreatePdo(Device, pDeviceInit, HardwareIds, SerialNo, hChild);
  if (NT_SUCCESS(status)) status = WdfFdoAddStaticChild(Device, hChild.value!);
  if (!NT_SUCCESS(status) && hChild.value === null) WdfDeviceInitFree(pDeviceInit);
  return status;
}
