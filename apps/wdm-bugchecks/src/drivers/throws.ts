/**
 * thrower.sys — KMODE_EXCEPTION_NOT_HANDLED (0x1E).
 *
 * Two ways kernel code lets an exception escape, both fatal in every flavor:
 * - IOCTL_BUG_TRIGGER: the driver has a bug that throws (a JavaScript exception, to the
 *   kernel what a C++ throw is: P1 0xE06D7363).
 * - IOCTL_BUG_TRIGGER_NEITHER: a METHOD_NEITHER request hands the driver the caller's
 *   raw input address, and the driver reads it with no __try around the access. A bad
 *   address raises STATUS_ACCESS_VIOLATION that nothing handles: P1 0xC0000005, P4 the
 *   address.
 * IOCTL_BUG_NEITHER_GUARDED is the same read done right: inside __try, so the caller
 * gets ERROR_NOACCESS and the machine lives.
 */
import {
  __try, ProbeForRead, ReadUlong, STATUS_SUCCESS, UserMode, WriteUlong, type DEVICE_OBJECT, type DRIVER_OBJECT, type IRP, type NTSTATUS,
  IoGetCurrentIrpStackLocation,
} from "@wdfjs/kernel";
import { CompleteIrp, CreateBugDevice, IOCTL_BUG_NEITHER_GUARDED, IOCTL_BUG_TRIGGER, IOCTL_BUG_TRIGGER_NEITHER, UnknownIoctl } from "../common.js";

export const THROWER_NAME = "Thrower";

/** The driver's table of answers, one short of what the code below believes. */
const ANSWERS = [10, 20, 30] as const;

function Lookup(index: number): number {
  const v = ANSWERS[index];
  if (v === undefined) throw new RangeError(`answer ${index} does not exist`);
  return v;
}

function ThrowerControl(DeviceObject: DEVICE_OBJECT, Irp: IRP, IoControlCode: number): NTSTATUS {
  void DeviceObject;
  const sl = IoGetCurrentIrpStackLocation(Irp);
  if (IoControlCode === IOCTL_BUG_TRIGGER) {
    // "The last answer" — off by one.
    WriteUlong(Irp.AssociatedIrp.SystemBuffer, Lookup(ANSWERS.length));
    return CompleteIrp(Irp, STATUS_SUCCESS, 4);
  }
  if (IoControlCode === IOCTL_BUG_TRIGGER_NEITHER) {
    // The caller's address, read with no __try: a bad one is an unhandled exception.
    ReadUlong(sl.Parameters.DeviceIoControl.Type3InputBuffer);
    return CompleteIrp(Irp, STATUS_SUCCESS);
  }
  if (IoControlCode === IOCTL_BUG_NEITHER_GUARDED) {
    const input = sl.Parameters.DeviceIoControl.Type3InputBuffer;
    return __try(
      () => {
        if (Irp.RequestorMode === UserMode) ProbeForRead(input, 4, 1);
        ReadUlong(input);
        return CompleteIrp(Irp, STATUS_SUCCESS);
      },
      (code) => CompleteIrp(Irp, code),
    );
  }
  return UnknownIoctl(Irp);
}

export function ThrowerDriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
  void RegistryPath;
  return CreateBugDevice(DriverObject, THROWER_NAME, () => null, ThrowerControl);
}
