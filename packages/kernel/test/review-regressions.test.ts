import { describe, expect, it } from "vitest";
import {
  APC_LEVEL, boot, DO_BUFFERED_IO, ExRaiseStatus, IoAllocateIrp, IoBuildDeviceIoControlRequest, IoCallDriver, IoCompleteRequest,
  IoFreeIrp, IoGetCurrentIrpStackLocation, IoGetNextIrpStackLocation, IoSetCompletionRoutine, IoSetNextIrpStackLocation,
  IO_STATUS_BLOCK, IRP_MJ_INTERNAL_DEVICE_CONTROL, KEVENT, KeDelayExecutionThread, KeGetCurrentIrql, KeInitializeEvent,
  KeInitializeSemaphore, KeLowerIrql, KeRaiseIrql, KeReleaseSemaphore, KernelMode, KeWaitForSingleObject, KSEMAPHORE, Out,
  PsCreateSystemThread, CTL_CODE, FILE_ANY_ACCESS, FILE_DEVICE_UNKNOWN, METHOD_OUT_DIRECT, NotificationEvent, STATUS_MORE_PROCESSING_REQUIRED,
  STATUS_SEMAPHORE_LIMIT_EXCEEDED, STATUS_SUCCESS, STATUS_TIMEOUT, SehException, type DEVICE_OBJECT,
} from "../src/index.js";
import { complete, tinyDriver } from "./helpers.js";

describe("rules a review found missing", () => {
  it("a driver's own IRP with its own stack location may be freed in its completion routine (checked flavor)", () => {
    const m = boot({ flavor: "checked" });
    const drv = tinyDriver({ name: "Low", dispatch: { [IRP_MJ_INTERNAL_DEVICE_CONTROL]: (_d, irp) => complete(irp, STATUS_SUCCESS) } });
    expect(m.loadDriver("low", drv.DriverEntry)).toBe(STATUS_SUCCESS);
    const lower = drv.device!;
    let freed = false;
    m.runInKernel(() => {
      const irp = IoAllocateIrp(lower.StackSize + 1, false)!;
      IoSetNextIrpStackLocation(irp);
      IoGetCurrentIrpStackLocation(irp).DeviceObject = lower;
      IoGetNextIrpStackLocation(irp).MajorFunction = IRP_MJ_INTERNAL_DEVICE_CONTROL;
      IoSetCompletionRoutine(irp, (_d, Irp) => {
        IoFreeIrp(Irp);
        freed = true;
        return STATUS_MORE_PROCESSING_REQUIRED;
      }, null, true, true, true);
      expect(IoCallDriver(lower, irp)).toBe(STATUS_SUCCESS);
    });
    expect(freed).toBe(true);
    expect(m.stopped).toBe(false);
  });

  it("a system thread may wait at APC_LEVEL and resumes at APC_LEVEL", () => {
    for (const flavor of ["checked", "free"] as const) {
      const m = boot({ flavor });
      const seen: { status: number; irql: number }[] = [];
      m.runInKernel(() => {
        const ev = new KEVENT();
        KeInitializeEvent(ev, NotificationEvent, false);
        PsCreateSystemThread(Out(0), 0, null, null, null, function* () {
          const old = Out(0);
          KeRaiseIrql(APC_LEVEL, old);
          const status = yield* KeWaitForSingleObject(ev, 0, KernelMode, false, -10_000);
          seen.push({ status, irql: KeGetCurrentIrql() });
          KeLowerIrql(old.value);
        }, null);
      });
      m.run();
      expect(seen).toEqual([{ status: STATUS_TIMEOUT, irql: APC_LEVEL }]);
      expect(m.stopped).toBe(false);
    }
  });

  it("KeDelayExecutionThread returns STATUS_SUCCESS when the interval passes", () => {
    const m = boot();
    const got: number[] = [];
    m.runInKernel(() => {
      PsCreateSystemThread(Out(0), 0, null, null, null, function* () {
        got.push(yield* KeDelayExecutionThread(KernelMode, false, -50_000));
      }, null);
    });
    m.run();
    expect(got).toEqual([STATUS_SUCCESS]);
    expect(m.now).toBe(5);
  });

  it("KeReleaseSemaphore past the limit raises STATUS_SEMAPHORE_LIMIT_EXCEEDED", () => {
    const m = boot();
    m.runInKernel(() => {
      const sem = new KSEMAPHORE();
      KeInitializeSemaphore(sem, 0, 1);
      expect(KeReleaseSemaphore(sem, 0, 1, false)).toBe(0);
      let code = 0;
      try {
        KeReleaseSemaphore(sem, 0, 1, false);
      } catch (e) {
        code = (e as SehException).ExceptionCode;
      }
      expect(code).toBe(STATUS_SEMAPHORE_LIMIT_EXCEEDED);
      expect(sem.SignalState).toBe(1);
    });
    void ExRaiseStatus;
  });

  it("IoBuildDeviceIoControlRequest with a bad output buffer returns NULL and leaks nothing", () => {
    const m = boot({ flavor: "checked" });
    const drv = tinyDriver({ name: "Target", flags: DO_BUFFERED_IO });
    expect(m.loadDriver("target", drv.DriverEntry)).toBe(STATUS_SUCCESS);
    const code = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x900, METHOD_OUT_DIRECT, FILE_ANY_ACCESS);
    const before = m.mm.pool.usage.find((u) => u.tag === "IoBd")?.bytes ?? 0;
    m.runInKernel(() => {
      const ev = new KEVENT();
      KeInitializeEvent(ev, NotificationEvent, false);
      const device: DEVICE_OBJECT = drv.device!;
      // An unmapped user address as the output buffer: MmProbeAndLockPages raises inside the builder.
      const irp = IoBuildDeviceIoControlRequest(code, device, 0, 0, 0x6666_0000, 64, false, ev, new IO_STATUS_BLOCK());
      expect(irp).toBeNull();
    });
    expect(m.stopped).toBe(false);
    expect(m.mm.pool.usage.find((u) => u.tag === "IoBd")?.bytes ?? 0).toBe(before);
    void IoCompleteRequest;
  });
});
