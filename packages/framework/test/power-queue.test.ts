import { describe, expect, it } from "vitest";
import {
  boot, IoAllocateIrp, IoGetNextIrpStackLocation, IoSetCompletionRoutine, IoSetNextIrpStackLocation, IRP_MJ_READ, Out, PsCreateSystemThread, STATUS_CANCELLED,
  STATUS_INVALID_DEVICE_STATE, STATUS_MORE_PROCESSING_REQUIRED, STATUS_SUCCESS, type DRIVER_OBJECT, type IRP, type Machine, type NTSTATUS,
} from "@wdfjs/kernel";
import {
  FxDevice, FxDeviceInit, FxDeviceInitTypeControlDevice, FxDeviceInitTypeFdo, FxDriver, FxIoQueue, FxIoStopProcessingForPowerHold,
  FxIoStopProcessingForPowerPurgeManaged, FxObjectCommit, FxObjectHandleGetPtr, FxRequest, FxRequestStopAcknowledge, FX_TYPE_REQUEST, WDF_IO_QUEUE_CONFIG,
  WDF_IO_QUEUE_CONFIG_INIT, WdfIoQueueDispatchParallel, WdfIoQueuePnpHeld, WdfRequestStopActionPurge, WdfRequestStopActionSuspend, WdfTrue, WdfUseDefault,
  type FxDeviceInitType, type FxIoStopProcessingForPowerAction,
} from "../src/index.js";

/*
 * The I/O package's power interface without a driver model on top (what KMDF and UMDF share):
 * a framework device, a parallel queue whose callbacks are the test's, and requests made from
 * IRPs the test allocates; the test plays the PnP/power machine on a system thread.
 */
interface Rig {
  machine: Machine;
  device: FxDevice;
  queue: FxIoQueue;
  log: string[];
  presented: FxRequest[];
  completed: NTSTATUS[];
}

function rig(initType: FxDeviceInitType, filter: boolean, PowerManaged: number, onStop: (r: FxRequest, flags: number) => void = () => {}): Rig {
  const machine = boot({ seed: 8 });
  const log: string[] = [];
  const presented: FxRequest[] = [];
  const completed: NTSTATUS[] = [];
  let device: FxDevice | null = null;
  let queue: FxIoQueue | null = null;
  machine.loadDriver("fxpower", (DriverObject: DRIVER_OBJECT, RegistryPath: string) => {
    const driver = new FxDriver(DriverObject, RegistryPath);
    FxObjectCommit(driver, null, null);
    const init = new FxDeviceInit(driver, initType);
    init.Filter = filter;
    device = new FxDevice(driver, init);
    FxObjectCommit(device, null, driver);
    const config = new WDF_IO_QUEUE_CONFIG();
    WDF_IO_QUEUE_CONFIG_INIT(config, WdfIoQueueDispatchParallel);
    config.PowerManaged = PowerManaged;
    config.EvtIoRead = (_q, Request, Length) => {
      log.push(`read ${Length}`);
      presented.push(FxObjectHandleGetPtr(Request, FX_TYPE_REQUEST) as FxRequest);
    };
    config.EvtIoStop = (_q, Request, ActionFlags) => {
      log.push(`stop ${ActionFlags}`);
      onStop(FxObjectHandleGetPtr(Request, FX_TYPE_REQUEST) as FxRequest, ActionFlags);
    };
    config.EvtIoResume = () => log.push("resume");
    queue = new FxIoQueue(device, config);
    FxObjectCommit(queue, null, device);
    return STATUS_SUCCESS;
  });
  return { machine, device: device!, queue: queue!, log, presented, completed };
}

/** A read IRP the test owns; its completion routine records the status and keeps the IRP. */
function read(r: Rig, Length: number): void {
  r.machine.runInKernel(() => {
    const irp = IoAllocateIrp(2, false)!;
    const next = IoGetNextIrpStackLocation(irp);
    next.MajorFunction = IRP_MJ_READ;
    next.Parameters.Read.Length = Length;
    IoSetCompletionRoutine(irp, (_d, Irp: IRP) => {
      r.completed.push(Irp.IoStatus.Status);
      return STATUS_MORE_PROCESSING_REQUIRED;
    }, null, true, true, true);
    IoSetNextIrpStackLocation(irp);
    r.queue.queueRequest(new FxRequest(irp));
  });
}

function stop(r: Rig, Action: FxIoStopProcessingForPowerAction): string[] {
  const power: string[] = [];
  r.machine.runInKernel(() => {
    PsCreateSystemThread(Out(0), 0, null, null, null, function* () {
      yield* r.device.pkgIo.stopProcessingForPower(Action);
      power.push("stopped");
    }, null);
  });
  r.machine.run();
  return power;
}

describe("FxPkgIo stop and resume for power", () => {
  it("hold: EvtIoStop(Suspend) for the request the driver has, the thread waits for its acknowledgement, new requests wait; resume: EvtIoResume, then they are presented", () => {
    const r = rig(FxDeviceInitTypeFdo, false, WdfUseDefault);
    read(r, 1);
    const power = stop(r, FxIoStopProcessingForPowerHold);
    expect(power).toEqual([]);
    expect(r.log).toEqual(["read 1", `stop ${WdfRequestStopActionSuspend}`]);
    read(r, 2);
    expect(r.queue.getState() & WdfIoQueuePnpHeld).toBe(WdfIoQueuePnpHeld);
    r.machine.runInKernel(() => FxRequestStopAcknowledge(r.presented[0]!, false));
    r.machine.run();
    expect(power).toEqual(["stopped"]);
    r.machine.runInKernel(() => r.device.pkgIo.resumeProcessingForPower());
    expect(r.log).toEqual(["read 1", "stop 1", "resume", "read 2"]);
    expect(r.queue.getState() & WdfIoQueuePnpHeld).toBe(0);
  });

  it("purge: a waiting request is cancelled, the driver's is told WdfRequestStopActionPurge, the thread goes on when it completes; new requests are refused", () => {
    const r = rig(FxDeviceInitTypeFdo, false, WdfTrue, (request, flags) => {
      if (flags & WdfRequestStopActionPurge) request.complete(STATUS_SUCCESS);
      else FxRequestStopAcknowledge(request, false);
    });
    read(r, 1);
    expect(stop(r, FxIoStopProcessingForPowerHold)).toEqual(["stopped"]);
    read(r, 2);
    expect(stop(r, FxIoStopProcessingForPowerPurgeManaged)).toEqual(["stopped"]);
    expect(r.log).toEqual(["read 1", `stop ${WdfRequestStopActionSuspend}`, `stop ${WdfRequestStopActionPurge}`]);
    expect(r.completed).toEqual([STATUS_CANCELLED, STATUS_SUCCESS]);
    read(r, 3);
    expect(r.completed).toEqual([STATUS_CANCELLED, STATUS_SUCCESS, STATUS_INVALID_DEVICE_STATE]);
  });

  it("PowerManaged: WdfUseDefault is off for a filter; a control device's queue never is, even with WdfTrue", () => {
    for (const [type, filter, managed, expected] of [
      [FxDeviceInitTypeFdo, false, WdfUseDefault, true], [FxDeviceInitTypeFdo, true, WdfUseDefault, false], [FxDeviceInitTypeFdo, true, WdfTrue, true],
      [FxDeviceInitTypeControlDevice, false, WdfTrue, false],
    ] as const) {
      expect(rig(type, filter, managed).queue.PowerManaged).toBe(expected);
    }
  });
});
