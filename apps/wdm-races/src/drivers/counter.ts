/**
 * racecount.sys: the lost update. A counter in nonpaged pool that two parties add to:
 * the IRP_MJ_DEVICE_CONTROL dispatch routine (IOCTL_COUNTER_INCREMENT, at PASSIVE_LEVEL in
 * the caller's thread) and a periodic timer's DPC aimed at another processor
 * (KeSetTargetProcessorDpc), which adds one at each tick.
 *
 * - `racy`: both read, add and write back the ULONG (ReadUlong, then WriteUlong) with
 *   nothing held. In C that is `Extension->Count++`, a load and a store: when the DPC runs
 *   on its processor between the dispatch routine's load and its store (or the other way
 *   round), one of the two additions is lost.
 * - `locked`: the same read-modify-write under one KSPIN_LOCK, taken with
 *   KeAcquireSpinLock in the dispatch routine and KeAcquireSpinLockAtDpcLevel in the DPC.
 *   (`InterlockedIncrement` on the counter would do as well.)
 *
 * IOCTL_COUNTER_START (input: a ULONG tick count) starts the timer, one tick every
 * COUNTER_TICK_MS of machine time, for that many ticks; IOCTL_COUNTER_QUERY returns the
 * count and the ticks run so far (two ULONGs).
 */
import {
  CTL_CODE, ExAllocatePool2, ExFreePoolWithTag, FILE_ANY_ACCESS, FILE_DEVICE_UNKNOWN, IoGetCurrentIrpStackLocation,
  IRP_MJ_DEVICE_CONTROL, KDPC, KeAcquireSpinLock, KeAcquireSpinLockAtDpcLevel, KeCancelTimer, KeFlushQueuedDpcs,
  KeInitializeDpc, KeInitializeSpinLock, KeInitializeTimer, KeQueryActiveProcessorCount, KeReleaseSpinLock,
  KeReleaseSpinLockFromDpcLevel, KeRemoveQueueDpc, KeSetTargetProcessorDpc, KeSetTimerEx, KSPIN_LOCK, KTIMER, METHOD_BUFFERED,
  NT_SUCCESS, Out, POOL_FLAG_NON_PAGED, POOL_TAG, ReadUlong, STATUS_BUFFER_TOO_SMALL, STATUS_DEVICE_BUSY,
  STATUS_INSUFFICIENT_RESOURCES, STATUS_INVALID_DEVICE_REQUEST, STATUS_INVALID_PARAMETER, STATUS_SUCCESS, WriteUlong,
  type DEVICE_OBJECT, type DRIVER_INITIALIZE, type DRIVER_OBJECT, type IRP, type KIRQL, type NTSTATUS,
} from "@wdfjs/kernel";
import { CompleteIrp, CreateRaceDevice, DeleteRaceDevice } from "./common.js";

/** `racy`: read-modify-write with nothing held; `locked`: the fixed twin, under a spin lock. */
export type CounterVariant = "racy" | "locked";

export const COUNTER_NAME = "RaceCount";
/** The Win32 name a client opens. */
export const COUNTER_WIN32_NAME = `\\\\.\\${COUNTER_NAME}`;

/** Input: a ULONG, how many ticks to run. STATUS_DEVICE_BUSY while ticks are still running. */
export const IOCTL_COUNTER_START = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS);
/** Adds one to the counter. */
export const IOCTL_COUNTER_INCREMENT = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS);
/** Output: two ULONGs, the count and the ticks run so far. */
export const IOCTL_COUNTER_QUERY = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x802, METHOD_BUFFERED, FILE_ANY_ACCESS);

/** Machine time between two ticks of the timer. */
export const COUNTER_TICK_MS = 1;

const COUNTER_POOL_TAG = POOL_TAG("Race");

export class COUNTER_DEVICE_EXTENSION {
  constructor(readonly Variant: CounterVariant) {}
  /** The address of the ULONG counter, in nonpaged pool (the DPC reads it at DISPATCH_LEVEL). */
  Counter = 0;
  /** `locked`: guards the counter. */
  readonly Lock = new KSPIN_LOCK();
  readonly Timer = new KTIMER();
  readonly Dpc = new KDPC();
  /** Ticks asked for and ticks run; only the DPC writes Ticks once the timer runs (`locked`: under Lock). */
  TicksWanted = 0;
  Ticks = 0;
  /** The timer is set (written by the start request, and by the DPC at the last tick). */
  Running = false;
}

/** The counter's read-modify-write, as each variant does it (from the dispatch routine or the DPC). */
function AddOne(ext: COUNTER_DEVICE_EXTENSION, AtDpcLevel: boolean): void {
  if (ext.Variant === "racy") {
    // BUG: a load and a store with nothing held; the other party can run in between.
    const value = ReadUlong(ext.Counter);
    WriteUlong(ext.Counter, (value + 1) >>> 0);
    if (AtDpcLevel) ext.Ticks++;
    return;
  }
  if (AtDpcLevel) {
    KeAcquireSpinLockAtDpcLevel(ext.Lock);
    WriteUlong(ext.Counter, (ReadUlong(ext.Counter) + 1) >>> 0);
    ext.Ticks++;
    KeReleaseSpinLockFromDpcLevel(ext.Lock);
    return;
  }
  const irql = Out<KIRQL>(0);
  KeAcquireSpinLock(ext.Lock, irql);
  WriteUlong(ext.Counter, (ReadUlong(ext.Counter) + 1) >>> 0);
  KeReleaseSpinLock(ext.Lock, irql.value);
}

/** The timer's DPC, on the processor KeSetTargetProcessorDpc named, at DISPATCH_LEVEL. */
function CounterTimerDpc(Dpc: KDPC, DeferredContext: COUNTER_DEVICE_EXTENSION, SystemArgument1: unknown, SystemArgument2: unknown): void {
  void Dpc;
  void SystemArgument1;
  void SystemArgument2;
  const ext = DeferredContext;
  if (!ext.Running) return;
  // Counts the tick too (under the lock in the fixed twin, so a query sees both or neither).
  AddOne(ext, true);
  if (ext.Ticks >= ext.TicksWanted) {
    // The last tick: an idle device leaves no timer set.
    KeCancelTimer(ext.Timer);
    ext.Running = false;
  }
}

export function CounterDeviceControl(DeviceObject: DEVICE_OBJECT, Irp: IRP): NTSTATUS {
  const ext = DeviceObject.DeviceExtension as COUNTER_DEVICE_EXTENSION;
  const sl = IoGetCurrentIrpStackLocation(Irp);
  const buffer = Irp.AssociatedIrp.SystemBuffer;
  switch (sl.Parameters.DeviceIoControl.IoControlCode) {
    case IOCTL_COUNTER_START: {
      if (sl.Parameters.DeviceIoControl.InputBufferLength < 4) return CompleteIrp(Irp, STATUS_BUFFER_TOO_SMALL);
      const ticks = ReadUlong(buffer);
      if (ticks === 0) return CompleteIrp(Irp, STATUS_INVALID_PARAMETER);
      if (ext.Running) return CompleteIrp(Irp, STATUS_DEVICE_BUSY);
      ext.TicksWanted = ticks;
      ext.Ticks = 0;
      ext.Running = true;
      KeSetTimerEx(ext.Timer, -COUNTER_TICK_MS * 10_000, COUNTER_TICK_MS, ext.Dpc);
      return CompleteIrp(Irp, STATUS_SUCCESS);
    }
    case IOCTL_COUNTER_INCREMENT:
      AddOne(ext, false);
      return CompleteIrp(Irp, STATUS_SUCCESS);
    case IOCTL_COUNTER_QUERY: {
      if (sl.Parameters.DeviceIoControl.OutputBufferLength < 8) return CompleteIrp(Irp, STATUS_BUFFER_TOO_SMALL);
      if (ext.Variant === "racy") {
        // Not a snapshot: a tick may come between the two reads (counterapp reads again after the last one).
        WriteUlong(buffer, ReadUlong(ext.Counter));
        WriteUlong(buffer + 4, ext.Ticks);
        return CompleteIrp(Irp, STATUS_SUCCESS, 8);
      }
      const irql = Out<KIRQL>(0);
      KeAcquireSpinLock(ext.Lock, irql);
      const count = ReadUlong(ext.Counter);
      const ticks = ext.Ticks;
      KeReleaseSpinLock(ext.Lock, irql.value);
      WriteUlong(buffer, count);
      WriteUlong(buffer + 4, ticks);
      return CompleteIrp(Irp, STATUS_SUCCESS, 8);
    }
    default:
      return CompleteIrp(Irp, STATUS_INVALID_DEVICE_REQUEST);
  }
}

export function CounterUnload(DriverObject: DRIVER_OBJECT): void {
  const dev = DriverObject.DeviceObject;
  if (dev !== null) {
    const ext = dev.DeviceExtension as COUNTER_DEVICE_EXTENSION;
    // A timer or DPC left behind would fire into unloaded code (bug check 0xCE).
    KeCancelTimer(ext.Timer);
    KeRemoveQueueDpc(ext.Dpc);
    KeFlushQueuedDpcs();
    if (ext.Counter !== 0) ExFreePoolWithTag(ext.Counter, COUNTER_POOL_TAG);
    ext.Counter = 0;
  }
  DeleteRaceDevice(DriverObject, COUNTER_NAME);
}

/** racecount.sys's DriverEntry, built as the variant says (in C, the same source with or without the fix). */
export function CounterDriverEntry(variant: CounterVariant): DRIVER_INITIALIZE {
  return (DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS => {
    void RegistryPath;
    const device = Out<DEVICE_OBJECT | null>(null);
    const status = CreateRaceDevice(DriverObject, COUNTER_NAME, () => new COUNTER_DEVICE_EXTENSION(variant), device);
    if (!NT_SUCCESS(status)) return status;
    const ext = device.value!.DeviceExtension as COUNTER_DEVICE_EXTENSION;
    ext.Counter = ExAllocatePool2(POOL_FLAG_NON_PAGED, 4, COUNTER_POOL_TAG);
    if (ext.Counter === 0) {
      DeleteRaceDevice(DriverObject, COUNTER_NAME);
      return STATUS_INSUFFICIENT_RESOURCES;
    }
    WriteUlong(ext.Counter, 0);
    KeInitializeSpinLock(ext.Lock);
    KeInitializeTimer(ext.Timer);
    KeInitializeDpc(ext.Dpc, CounterTimerDpc, ext);
    // The tick is handled on the last processor, whichever one the requests come in on.
    KeSetTargetProcessorDpc(ext.Dpc, KeQueryActiveProcessorCount() - 1);
    DriverObject.MajorFunction[IRP_MJ_DEVICE_CONTROL] = CounterDeviceControl;
    DriverObject.DriverUnload = CounterUnload;
    return STATUS_SUCCESS;
  };
}
