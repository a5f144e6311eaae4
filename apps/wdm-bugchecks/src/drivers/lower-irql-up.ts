/**
 * irqlmixup.sys — IRQL_NOT_LESS_OR_EQUAL (0xA) in the free flavor; Driver Verifier's
 * DRIVER_VERIFIER_DETECTED_VIOLATION (0xC4), P1 0x31, in the checked flavor.
 *
 * The bug: the handler raises to APC_LEVEL to keep APCs away while it updates its
 * state, then "restores" the IRQL with KeLowerIrql(DISPATCH_LEVEL) (a constant copied
 * from other code) instead of the old IRQL KeRaiseIrql returned. KeLowerIrql must not
 * raise. Checked: P2 is the current IRQL (1, APC_LEVEL), P3 the requested one (2,
 * DISPATCH_LEVEL). Free: the checked HAL's IRQL_NOT_LESS_OR_EQUAL, P2 the current IRQL.
 * The fix: KeLowerIrql(OldIrql).
 */
import {
  APC_LEVEL, DISPATCH_LEVEL, KeLowerIrql, KeRaiseIrql, Out, STATUS_SUCCESS, type DEVICE_OBJECT, type DRIVER_OBJECT, type IRP,
  type KIRQL, type NTSTATUS,
} from "@wdfjs/kernel";
import { CompleteIrp, CreateBugDevice, IOCTL_BUG_TRIGGER, UnknownIoctl } from "../common.js";

export const IRQL_MIXUP_NAME = "IrqlMixup";

export class IRQL_MIXUP_EXTENSION {
  Updates = 0;
}

function IrqlMixupControl(DeviceObject: DEVICE_OBJECT, Irp: IRP, IoControlCode: number): NTSTATUS {
  if (IoControlCode !== IOCTL_BUG_TRIGGER) return UnknownIoctl(Irp);
  const e = DeviceObject.DeviceExtension as IRQL_MIXUP_EXTENSION;
  const old = Out<KIRQL>(0);
  KeRaiseIrql(APC_LEVEL, old);
  e.Updates++;
  KeLowerIrql(DISPATCH_LEVEL);
  return CompleteIrp(Irp, STATUS_SUCCESS);
}

export function IrqlMixupDriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
  void RegistryPath;
  return CreateBugDevice(DriverObject, IRQL_MIXUP_NAME, () => new IRQL_MIXUP_EXTENSION(), IrqlMixupControl);
}
