import { describe, expect, it } from "vitest";
import {
  boot, WDF_VIOLATION, ExFreePool, IoGetDeviceInterfaces, MemoryTraceSink, Out, PsCreateSystemThread, ReadMultiSz, STATUS_SUCCESS, type DRIVER_OBJECT, type Machine,
  type NTSTATUS,
} from "@wdfjs/kernel";
import { ERROR_IO_PENDING, ERROR_OPERATION_ABORTED, FILE_FLAG_OVERLAPPED, GENERIC_READ, GENERIC_WRITE, OPEN_EXISTING, OVERLAPPED, Win32Process, type HANDLE } from "@wdfjs/win32";
import {
  FxIoStopProcessingForPowerHold, FxIoStopProcessingForPowerPurgeManaged, FxIoStopProcessingForPowerPurgeNonManaged, FxObjectHandleGetPtr, FX_TYPE_DEVICE,
  type FxDevice, type FxIoStopProcessingForPowerAction, WDF_QUEUE_FATAL_ERROR,
} from "@wdfjs/framework";
import { expectBugCheck } from "../../framework/test/helpers.js";
import {
  WDF_DRIVER_CONFIG, WDF_DRIVER_CONFIG_INIT, WDF_IO_QUEUE_CONFIG, WDF_IO_QUEUE_CONFIG_INIT, WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE, WdfDeviceConfigureRequestDispatching,
  WdfDeviceCreate, WdfDeviceCreateDeviceInterface, WdfDriverCreate, WdfFalse, WdfIoQueueCreate, WdfIoQueueDispatchParallel, WdfIoQueueGetState, WdfIoQueuePnpHeld,
  WdfRequestCompleteWithInformation, WdfRequestMarkCancelable, WdfRequestStopAcknowledge, WdfRequestStopActionPurge, WdfRequestStopActionSuspend,
  WdfRequestStopRequestCancelable, WdfRequestTypeWrite, WdfRequestUnmarkCancelable, WdfFdoInitSetFilter, WdfTrue, WdfUseDefault, WdfDriverInitNonPnpDriver,
  WdfControlDeviceInitAllocate, WdfIoQueueStop, WdfDeviceInitAssignName, WdfDeviceCreateSymbolicLink, WdfControlFinishInitializing, type PWDFDEVICE_INIT, type WDFDEVICE, type WDFDRIVER, type WDFQUEUE,
  type WDFREQUEST,
} from "../src/index.js";

/*
 * A KMDF function driver whose default (power-managed by default) parallel queue keeps every read
 * until the test completes it, and whose write queue is not power-managed. The test plays the
 * PnP/power machine: it calls the I/O package's stop and resume for power on a system thread.
 */
const GUID = "{5b0d3f44-7a1e-4c1b-9d0e-6f1a2b3c4d5e}";

type OnStop = "ack" | "requeue" | "nothing" | "complete";
interface Driver {
  device: WDFDEVICE | null;
  readQueue: WDFQUEUE | null;
  writeQueue: WDFQUEUE | null;
  held: WDFREQUEST[];
  log: string[];
  onStop: OnStop;
  cancelable: boolean;
  noEvtIoStop: boolean;
}

function makeDriver(d: Driver) {
  function EvtDeviceAdd(_Driver: WDFDRIVER, DeviceInit: PWDFDEVICE_INIT): NTSTATUS {
    const device = Out<WDFDEVICE | null>(null);
    let status = WdfDeviceCreate(Out(DeviceInit), null, device);
    if (status !== STATUS_SUCCESS) return status;
    d.device = device.value;
    const config = new WDF_IO_QUEUE_CONFIG();
    WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(config, WdfIoQueueDispatchParallel);
    config.EvtIoRead = (_q, Request, Length) => {
      d.log.push(`read ${Length}`);
      if (d.cancelable) WdfRequestMarkCancelable(Request, (r) => WdfRequestCompleteWithInformation(r, 0xc0000120 | 0, 0));
      d.held.push(Request);
    };
    if (!d.noEvtIoStop) {
      config.EvtIoStop = (_q, Request, ActionFlags) => {
        d.log.push(`stop ${ActionFlags.toString(16)}`);
        if (d.onStop === "ack") WdfRequestStopAcknowledge(Request, false);
        else if (d.onStop === "requeue") {
          if ((ActionFlags & WdfRequestStopRequestCancelable) !== 0) WdfRequestUnmarkCancelable(Request);
          d.held.splice(d.held.indexOf(Request), 1);
          WdfRequestStopAcknowledge(Request, true);
        } else if (d.onStop === "complete") {
          d.held.splice(d.held.indexOf(Request), 1);
          WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, 0);
        }
      };
    }
    config.EvtIoResume = (_q, Request) => d.log.push(`resume ${d.held.indexOf(Request)}`);
    const queue = Out<WDFQUEUE | null>(null);
    status = WdfIoQueueCreate(device.value!, config, null, queue);
    if (status !== STATUS_SUCCESS) return status;
    d.readQueue = queue.value;
    const writes = new WDF_IO_QUEUE_CONFIG();
    WDF_IO_QUEUE_CONFIG_INIT(writes, WdfIoQueueDispatchParallel);
    writes.PowerManaged = WdfFalse;
    writes.EvtIoWrite = (_q, Request, Length) => WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, Length);
    status = WdfIoQueueCreate(device.value!, writes, null, queue);
    if (status !== STATUS_SUCCESS) return status;
    d.writeQueue = queue.value;
    status = WdfDeviceConfigureRequestDispatching(device.value!, queue.value!, WdfRequestTypeWrite);
    if (status !== STATUS_SUCCESS) return status;
    return WdfDeviceCreateDeviceInterface(device.value!, GUID, null);
  }
  return function DriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
    const config = new WDF_DRIVER_CONFIG();
    WDF_DRIVER_CONFIG_INIT(config, EvtDeviceAdd);
    return WdfDriverCreate(DriverObject, RegistryPath, null, config, null);
  };
}

function load(options: Partial<Driver> = {}, trace: MemoryTraceSink | null = null) {
  const machine = boot({ seed: 3, trace });
  const d: Driver = { device: null, readQueue: null, writeQueue: null, held: [], log: [], onStop: "ack", cancelable: false, noEvtIoStop: false, ...options };
  machine.installDriverPackage({ service: "kpower", hardwareIds: [{ id: "root\\kpower" }], class: "System", framework: "WDM", DriverEntry: makeDriver(d) });
  machine.pnp.createRootDevice({ hardwareIds: ["root\\kpower"], class: "System" });
  machine.run();
  const link = machine.runInKernel(() => {
    const list = Out(0);
    expect(IoGetDeviceInterfaces(GUID, null, 0, list)).toBe(STATUS_SUCCESS);
    const r = ReadMultiSz(list.value);
    ExFreePool(list.value);
    return r[0]!;
  });
  const app = Win32Process.create(machine, "power.exe");
  const h = app.CreateFile(link.replace(/^\\\?\?\\/, "\\\\?\\"), GENERIC_READ | GENERIC_WRITE, 0, null, OPEN_EXISTING, FILE_FLAG_OVERLAPPED, 0);
  expect(h).not.toBe(-1);
  return { machine, d, app, h };
}

function pendingRead(app: Win32Process, h: HANDLE, length: number): OVERLAPPED {
  const ov = new OVERLAPPED();
  ov.hEvent = app.CreateEvent(null, true, false, null);
  expect(app.ReadFile(h, app.alloc(length), length, null, ov)).toBe(false);
  expect(app.GetLastError()).toBe(ERROR_IO_PENDING);
  return ov;
}

function result(app: Win32Process, h: HANDLE, ov: OVERLAPPED): number | string {
  const n = Out(0);
  return app.GetOverlappedResult(h, ov, n, false) ? n.value : `error ${app.GetLastError()}`;
}

/** The PnP/power machine's part: stop for power on a system thread, which may wait. */
function stopForPower(machine: Machine, d: Driver, Action: FxIoStopProcessingForPowerAction, log: string[]): void {
  machine.runInKernel(() => {
    const fx = FxObjectHandleGetPtr(d.device!, FX_TYPE_DEVICE) as FxDevice;
    PsCreateSystemThread(Out(0), 0, null, null, null, function* () {
      log.push("stopping");
      yield* fx.pkgIo.stopProcessingForPower(Action);
      log.push("stopped");
    }, null);
  });
  machine.run();
}

function resumeForPower(machine: Machine, d: Driver): void {
  machine.runInKernel(() => (FxObjectHandleGetPtr(d.device!, FX_TYPE_DEVICE) as FxDevice).pkgIo.resumeProcessingForPower());
  machine.run();
}

function complete(machine: Machine, Request: WDFREQUEST, Information: number): void {
  machine.runInKernel(() => WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, Information));
  machine.run();
}

function state(machine: Machine, Queue: WDFQUEUE): number {
  return machine.runInKernel(() => WdfIoQueueGetState(Queue, null, null));
}

describe("power-managed queues: stop and resume for power", () => {
  it("a PnP device's default queue is power-managed: a hold tells the driver EvtIoStop(Suspend), waits for the acknowledgement, then holds new requests (WdfIoQueuePnpHeld)", () => {
    const { machine, d, app, h } = load();
    const r1 = pendingRead(app, h, 1);
    const power: string[] = [];
    stopForPower(machine, d, FxIoStopProcessingForPowerHold, power);
    expect(d.log).toEqual(["read 1", `stop ${WdfRequestStopActionSuspend.toString(16)}`]);
    expect(power).toEqual(["stopping", "stopped"]);
    expect(state(machine, d.readQueue!) & WdfIoQueuePnpHeld).toBe(WdfIoQueuePnpHeld);
    const r2 = pendingRead(app, h, 2);
    machine.run();
    expect(d.log).toEqual(["read 1", "stop 1"]);
    // The write queue is not power-managed: writes go on while the device is out of D0.
    const n = Out(0);
    expect(app.WriteFile(h, app.alloc(4), 4, n, null) || app.GetLastError() === ERROR_IO_PENDING).toBe(true);
    machine.run();
    expect(state(machine, d.writeQueue!) & WdfIoQueuePnpHeld).toBe(0);
    resumeForPower(machine, d);
    // The request the driver kept gets EvtIoResume; then the one that waited is presented.
    expect(d.log).toEqual(["read 1", "stop 1", "resume 0", "read 2"]);
    expect(state(machine, d.readQueue!) & WdfIoQueuePnpHeld).toBe(0);
    complete(machine, d.held[0]!, 1);
    complete(machine, d.held[1]!, 2);
    expect([result(app, h, r1), result(app, h, r2)]).toEqual([1, 2]);
  });

  it("the power thread waits until the driver acknowledges; an acknowledgement with requeue presents the request again first after the resume, without EvtIoResume", () => {
    const { machine, d, app, h } = load({ onStop: "nothing" });
    const r1 = pendingRead(app, h, 1);
    const power: string[] = [];
    stopForPower(machine, d, FxIoStopProcessingForPowerHold, power);
    expect(power).toEqual(["stopping"]);
    const r2 = pendingRead(app, h, 2);
    machine.runInKernel(() => {
      const first = d.held.shift()!;
      WdfRequestStopAcknowledge(first, true);
    });
    machine.run();
    expect(power).toEqual(["stopping", "stopped"]);
    resumeForPower(machine, d);
    expect(d.log).toEqual(["read 1", "stop 1", "read 1", "read 2"]);
    complete(machine, d.held[0]!, 1);
    complete(machine, d.held[1]!, 2);
    expect([result(app, h, r1), result(app, h, r2)]).toEqual([1, 2]);
  });

  it("a request marked cancelable is stopped with WdfRequestStopRequestCancelable; a queue without EvtIoStop makes the stop wait for completion", () => {
    const a = load({ cancelable: true, onStop: "requeue" });
    pendingRead(a.app, a.h, 3);
    const power: string[] = [];
    stopForPower(a.machine, a.d, FxIoStopProcessingForPowerHold, power);
    expect(a.d.log).toEqual(["read 3", `stop ${(WdfRequestStopActionSuspend | WdfRequestStopRequestCancelable).toString(16)}`]);
    expect(power).toEqual(["stopping", "stopped"]);

    const b = load({ noEvtIoStop: true });
    const r = pendingRead(b.app, b.h, 4);
    const waited: string[] = [];
    stopForPower(b.machine, b.d, FxIoStopProcessingForPowerHold, waited);
    expect(waited).toEqual(["stopping"]);
    complete(b.machine, b.d.held[0]!, 4);
    expect(waited).toEqual(["stopping", "stopped"]);
    expect(result(b.app, b.h, r)).toBe(4);
  });

  it("a purge for removal cancels waiting requests, tells held ones EvtIoStop(Purge), and fails new ones; the non-managed purge then takes the other queues", () => {
    const { machine, d, app, h } = load({ onStop: "complete" });
    pendingRead(app, h, 1);
    const power: string[] = [];
    stopForPower(machine, d, FxIoStopProcessingForPowerHold, power);
    // Held: this read waits in the queue.
    const waiting = pendingRead(app, h, 2);
    resumeForPower(machine, d);
    expect(d.log).toEqual(["read 1", "stop 1", "read 2"]);
    d.log.length = 0;
    const r3 = pendingRead(app, h, 3);
    stopForPower(machine, d, FxIoStopProcessingForPowerPurgeManaged, power);
    expect(d.log.filter((e) => e.startsWith("stop"))).toEqual([`stop ${WdfRequestStopActionPurge.toString(16)}`, `stop ${WdfRequestStopActionPurge.toString(16)}`]);
    expect([result(app, h, waiting), result(app, h, r3)]).toEqual([0, 0]);
    // New reads are refused by the purged queue (STATUS_INVALID_DEVICE_STATE).
    const n = Out(0);
    const ov = new OVERLAPPED();
    ov.hEvent = app.CreateEvent(null, true, false, null);
    expect(app.ReadFile(h, app.alloc(1), 1, n, ov)).toBe(false);
    expect(app.GetLastError()).not.toBe(ERROR_IO_PENDING);
    stopForPower(machine, d, FxIoStopProcessingForPowerPurgeNonManaged, power);
    expect(app.WriteFile(h, app.alloc(1), 1, n, ov)).toBe(false);
    expect(app.GetLastError()).not.toBe(ERROR_IO_PENDING);
    expect(power.filter((e) => e === "stopped").length).toBe(3);
  });

  it("a request that waits when the purge comes is cancelled (ERROR_OPERATION_ABORTED); one the driver kept after the hold gets EvtIoStop(Purge)", () => {
    const { machine, d, app, h } = load({ onStop: "ack" });
    pendingRead(app, h, 1);
    const power: string[] = [];
    stopForPower(machine, d, FxIoStopProcessingForPowerHold, power);
    const waiting = pendingRead(app, h, 2);
    stopForPower(machine, d, FxIoStopProcessingForPowerPurgeManaged, power);
    expect(result(app, h, waiting)).toBe(`error ${ERROR_OPERATION_ABORTED}`);
    // The read the driver kept after the hold is told again, now of a purge (WDF walks m_DriverOwned once more).
    expect(power).toEqual(["stopping", "stopped", "stopping", "stopped"]);
    expect(d.log).toEqual(["read 1", "stop 1", `stop ${WdfRequestStopActionPurge.toString(16)}`]);
  });

  it("the device's idle machine is told of each request a power-managed queue accepts, and of its completion", () => {
    const { machine, d, app, h } = load();
    const counts: string[] = [];
    machine.runInKernel(() => {
      (FxObjectHandleGetPtr(d.device!, FX_TYPE_DEVICE) as FxDevice).powerIdleHook = { ioIncrement: () => counts.push("+"), ioDecrement: () => counts.push("-") };
    });
    pendingRead(app, h, 1);
    const n = Out(0);
    app.WriteFile(h, app.alloc(4), 4, n, null);
    machine.run();
    expect(counts).toEqual(["+"]);
    complete(machine, d.held[0]!, 1);
    expect(counts).toEqual(["+", "-"]);
  });

  it("checked flavor: WdfRequestStopAcknowledge outside EvtIoStop is traced and ignored", () => {
    const trace = new MemoryTraceSink();
    const { machine, d, app, h } = load({}, trace);
    const r = pendingRead(app, h, 1);
    machine.runInKernel(() => WdfRequestStopAcknowledge(d.held[0]!, true));
    expect(trace.events.some((e) => e.kind === "wdf.stop-acknowledge-invalid")).toBe(true);
    complete(machine, d.held[0]!, 1);
    expect(result(app, h, r)).toBe(1);
    expect(machine.bugCheckData).toBeNull();
  });
});

describe("which queues are power-managed (FxIoQueue::Initialize)", () => {
  /** A filter over the power test's device, its default queue (PowerManaged as given) keeping reads. */
  function loadWithFilter(PowerManaged: number) {
    const held: WDFREQUEST[] = [];
    let filterDevice: WDFDEVICE | null = null;
    let filterQueue: WDFQUEUE | null = null;
    const machine = boot({ seed: 5 });
    const d: Driver = { device: null, readQueue: null, writeQueue: null, held: [], log: [], onStop: "ack", cancelable: false, noEvtIoStop: false };
    machine.pnp.installFilterService({
      service: "kfilt",
      DriverEntry: (DriverObject: DRIVER_OBJECT, RegistryPath: string) => {
        const config = new WDF_DRIVER_CONFIG();
        WDF_DRIVER_CONFIG_INIT(config, (_Driver, DeviceInit) => {
          WdfFdoInitSetFilter(DeviceInit);
          const device = Out<WDFDEVICE | null>(null);
          let status = WdfDeviceCreate(Out(DeviceInit), null, device);
          if (status !== STATUS_SUCCESS) return status;
          filterDevice = device.value;
          const q = new WDF_IO_QUEUE_CONFIG();
          WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(q, WdfIoQueueDispatchParallel);
          q.PowerManaged = PowerManaged;
          q.EvtIoRead = (_queue, Request) => held.push(Request);
          const queue = Out<WDFQUEUE | null>(null);
          status = WdfIoQueueCreate(device.value!, q, null, queue);
          filterQueue = queue.value;
          return status;
        });
        return WdfDriverCreate(DriverObject, RegistryPath, null, config, null);
      },
    });
    machine.installDriverPackage({
      service: "kpower", hardwareIds: [{ id: "root\\kpower" }], class: "System", framework: "WDM", DriverEntry: makeDriver(d), upperFilters: ["kfilt"],
    });
    machine.pnp.createRootDevice({ hardwareIds: ["root\\kpower"], class: "System" });
    machine.run();
    const power: string[] = [];
    stopForPower(machine, { ...d, device: filterDevice }, FxIoStopProcessingForPowerHold, power);
    expect(power).toEqual(["stopping", "stopped"]);
    return machine.runInKernel(() => WdfIoQueueGetState(filterQueue!, null, null)) & WdfIoQueuePnpHeld;
  }

  it("a filter's queues are not power-managed by default; WdfTrue makes one so", () => {
    expect(loadWithFilter(WdfUseDefault)).toBe(0);
    expect(loadWithFilter(WdfTrue)).toBe(WdfIoQueuePnpHeld);
  });

  it("a control device's queue is never power-managed, even with WdfTrue: a hold leaves it presenting", () => {
    const machine = boot({ seed: 6 });
    let device: WDFDEVICE | null = null;
    let queue: WDFQUEUE | null = null;
    const reads: string[] = [];
    expect(machine.loadDriver("ctl", (DriverObject: DRIVER_OBJECT, RegistryPath: string) => {
      const config = new WDF_DRIVER_CONFIG();
      WDF_DRIVER_CONFIG_INIT(config, null);
      config.DriverInitFlags |= WdfDriverInitNonPnpDriver;
      const driver = Out<WDFDRIVER | null>(null);
      let status = WdfDriverCreate(DriverObject, RegistryPath, null, config, driver);
      if (status !== STATUS_SUCCESS) return status;
      const init = Out<PWDFDEVICE_INIT>(WdfControlDeviceInitAllocate(driver.value!, "D:P(A;;GA;;;SY)"));
      WdfDeviceInitAssignName(init.value, "\\Device\\CTLPOWER");
      const dev = Out<WDFDEVICE | null>(null);
      status = WdfDeviceCreate(init, null, dev);
      if (status !== STATUS_SUCCESS) return status;
      device = dev.value;
      const q = new WDF_IO_QUEUE_CONFIG();
      WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(q, WdfIoQueueDispatchParallel);
      q.PowerManaged = WdfTrue;
      q.EvtIoRead = (_queue, Request, Length) => {
        reads.push(`read ${Length}`);
        WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, Length);
      };
      const qh = Out<WDFQUEUE | null>(null);
      status = WdfIoQueueCreate(dev.value!, q, null, qh);
      queue = qh.value;
      if (status !== STATUS_SUCCESS) return status;
      status = WdfDeviceCreateSymbolicLink(dev.value!, "\\DosDevices\\CTLPOWER");
      WdfControlFinishInitializing(dev.value!);
      return status;
    })).toBe(STATUS_SUCCESS);
    const power: string[] = [];
    const d: Driver = { device, readQueue: queue, writeQueue: null, held: [], log: [], onStop: "ack", cancelable: false, noEvtIoStop: false };
    stopForPower(machine, d, FxIoStopProcessingForPowerHold, power);
    expect(state(machine, queue!) & WdfIoQueuePnpHeld).toBe(0);
    const app = Win32Process.create(machine, "ctl.exe");
    const h = app.CreateFile("\\\\.\\CTLPOWER", GENERIC_READ, 0, null, OPEN_EXISTING, 0, 0);
    const n = Out(0);
    expect(app.ReadFile(h, app.alloc(3), 3, n, null)).toBe(true);
    expect(reads).toEqual(["read 3"]);
  });
});

describe("queue verifier", () => {
  it("WdfIoQueueStop with a StopComplete while another is pending is WDF_QUEUE_FATAL_ERROR (WDF_VIOLATION 0xA)", () => {
    const { machine, d, app, h } = load();
    pendingRead(app, h, 1);
    machine.runInKernel(() => WdfIoQueueStop(d.readQueue!, () => {}, null));
    const data = expectBugCheck(machine, WDF_VIOLATION, () => machine.runInKernel(() => WdfIoQueueStop(d.readQueue!, () => {}, null)));
    expect(data.BugCheckParameter1).toBe(WDF_QUEUE_FATAL_ERROR);
  });
});
