import { describe, expect, it } from "vitest";
import { boot, CTL_CODE, DelayedWorkQueue, ExFreePool, FILE_ANY_ACCESS, FILE_DEVICE_UNKNOWN, IoAllocateWorkItem, IoGetDeviceInterfaces, IoQueueWorkItem, METHOD_BUFFERED, MemoryTraceSink, Out, ReadMultiSz, PowerSystemSleeping3, CM_PROB_FAILED_POST_START, STATUS_DEVICE_NOT_READY, STATUS_INVALID_DEVICE_REQUEST, STATUS_PENDING, STATUS_SUCCESS, type DRIVER_OBJECT, type Machine, type NTSTATUS } from "@wdfjs/kernel";
import { FxObjectHandleGetPtr, FX_TYPE_DEVICE, type FxDevice } from "@wdfjs/framework";
import { GENERIC_READ, GENERIC_WRITE, INVALID_HANDLE_VALUE, OPEN_EXISTING, Win32Process } from "@wdfjs/win32";
import {
  IdleCannotWakeFromS0, WDF_DEVICE_POWER_POLICY_IDLE_SETTINGS, WDF_DEVICE_POWER_POLICY_IDLE_SETTINGS_INIT, WDF_DRIVER_CONFIG, WDF_DRIVER_CONFIG_INIT,
  WDF_PNPPOWER_EVENT_CALLBACKS, WDF_PNPPOWER_EVENT_CALLBACKS_INIT, WdfDeviceAssignS0IdleSettings, WdfDeviceCreate, WdfDeviceGetDevicePowerPolicyState,
  WdfDeviceInitSetPnpPowerEventCallbacks, WdfDeviceResumeIdle, WdfDeviceStopIdle, WdfDevStatePwrPolStartedIdleCapable, WdfDevStatePwrPolWaitingUnarmed,
  WdfDriverCreate, WdfDeviceWdmGetDeviceObject, WdfPowerDeviceD3, WdfPowerDeviceD3Final, WdfFdoInitSetFilter, type PWDFDEVICE_INIT, type WDFDEVICE, type WDFDRIVER,
  WDF_IO_QUEUE_CONFIG, WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE, WDF_REQUEST_SEND_OPTIONS, WDF_REQUEST_SEND_OPTIONS_INIT, WDF_REQUEST_SEND_OPTION_SEND_AND_FORGET,
  WdfDeviceCreateDeviceInterface, WdfDeviceGetIoTarget, WdfIoQueueCreate, WdfIoQueueDispatchParallel, WdfIoQueueGetDevice, WdfRequestComplete, WdfRequestGetStatus, WdfRequestSend,
  type EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL,
} from "../src/index.js";

/*
 * Idle power-down (WdfDeviceAssignS0IdleSettings): after the idle timeout on machine time with
 * nothing keeping the device busy, the power-policy owner takes it to its idle Dx state; I/O
 * (a power-managed queue's request, or WdfDeviceStopIdle) brings it back to D0. States per
 * powerpolicystatemachine.cpp; callbacks per the reference's Dx and D0 sequences (§1.6).
 */

const names = (d: number) => (d === WdfPowerDeviceD3Final ? "D3Final" : d === WdfPowerDeviceD3 ? "D3" : String(d));

interface Rig {
  m: Machine;
  path: string;
  calls: string[];
  policy: string[];
  device: WDFDEVICE;
}

/** The rig's device interface, registered when it has a queue (`forward`). */
const GUID_DEVINTERFACE_KIDLE = "{0f6c2e31-5a7d-4b1e-9c3a-6d2b8e4f1a70}";
const IOCTL_KIDLE_ANY = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x900, METHOD_BUFFERED, FILE_ANY_ACCESS);

function rig(timeoutMs: number, failReturnToD0 = false, EvtIoDeviceControl: EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL | null = null): Rig {
  const trace = new MemoryTraceSink();
  const m = boot({ trace });
  const calls: string[] = [];
  let device: WDFDEVICE | null = null;
  function EvtDeviceAdd(_Driver: WDFDRIVER, DeviceInit: PWDFDEVICE_INIT): NTSTATUS {
    const cb = new WDF_PNPPOWER_EVENT_CALLBACKS();
    WDF_PNPPOWER_EVENT_CALLBACKS_INIT(cb);
    cb.EvtDeviceD0Entry = (_d, prev) => (calls.push(`D0Entry(${names(prev)})`), failReturnToD0 && prev === WdfPowerDeviceD3 ? STATUS_DEVICE_NOT_READY : STATUS_SUCCESS);
    cb.EvtDeviceD0Exit = (_d, target) => (calls.push(`D0Exit(${names(target)})`), STATUS_SUCCESS);
    cb.EvtDeviceReleaseHardware = () => (calls.push("ReleaseHardware"), STATUS_SUCCESS);
    WdfDeviceInitSetPnpPowerEventCallbacks(DeviceInit, cb);
    const out = Out<WDFDEVICE | null>(null);
    const status = WdfDeviceCreate(Out(DeviceInit), null, out);
    if (status !== STATUS_SUCCESS) return status;
    device = out.value!;
    const idle = new WDF_DEVICE_POWER_POLICY_IDLE_SETTINGS();
    WDF_DEVICE_POWER_POLICY_IDLE_SETTINGS_INIT(idle, IdleCannotWakeFromS0);
    idle.IdleTimeout = timeoutMs;
    if (EvtIoDeviceControl !== null) {
      // A default queue (power-managed: the device is not a filter) and an interface to open.
      const config = new WDF_IO_QUEUE_CONFIG();
      WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(config, WdfIoQueueDispatchParallel);
      config.EvtIoDeviceControl = EvtIoDeviceControl;
      const queueStatus = WdfIoQueueCreate(device, config, null, null);
      if (queueStatus !== STATUS_SUCCESS) return queueStatus;
      const interfaceStatus = WdfDeviceCreateDeviceInterface(device, GUID_DEVINTERFACE_KIDLE, null);
      if (interfaceStatus !== STATUS_SUCCESS) return interfaceStatus;
    }
    return WdfDeviceAssignS0IdleSettings(device, idle);
  }
  m.installDriverPackage({
    service: "kidle", hardwareIds: [{ id: "root\\kidle" }], class: "System", framework: "WDM",
    DriverEntry: (DriverObject: DRIVER_OBJECT, RegistryPath: string) => {
      const config = new WDF_DRIVER_CONFIG();
      WDF_DRIVER_CONFIG_INIT(config, EvtDeviceAdd);
      return WdfDriverCreate(DriverObject, RegistryPath, null, config, null);
    },
  });
  const path = m.pnp.createRootDevice({ hardwareIds: ["root\\kidle"], class: "System" });
  // The work of "now" (not the idle timer, which is machine time away).
  m.runFor(0);
  const r: Rig = { m, path, calls, policy: [], device: device! };
  let seen = 0;
  Object.defineProperty(r, "policy", {
    get: () => {
      const out: string[] = [];
      for (; seen < trace.events.length; seen++) {
        const e = trace.events[seen]!;
        if (e.kind === "wdf.power-policy-state") out.push((e.detail ?? "").split(" -> ")[1]!.replace("WdfDevStatePwrPol", ""));
      }
      return out;
    },
  });
  void r.policy;
  calls.length = 0;
  return r;
}

/** A Win32 client's DeviceIoControl on the rig's interface; true if it succeeded. */
function ioctl(r: Rig): boolean {
  const link = r.m.runInKernel(() => {
    const list = Out(0);
    IoGetDeviceInterfaces(GUID_DEVINTERFACE_KIDLE, null, 0, list);
    const paths = ReadMultiSz(list.value);
    ExFreePool(list.value);
    return paths[0]!;
  });
  const app = Win32Process.create(r.m, "client.exe");
  const h = app.CreateFile(link.replace(/^\\\?\?\\/, "\\\\?\\"), GENERIC_READ | GENERIC_WRITE, 0, null, OPEN_EXISTING, 0, 0);
  expect(h).not.toBe(INVALID_HANDLE_VALUE);
  const ok = app.DeviceIoControl(h, IOCTL_KIDLE_ANY, 0, 0, 0, 0, Out(0), null);
  app.CloseHandle(h);
  return ok;
}

const policyState = (r: Rig) => r.m.runInKernel(() => WdfDeviceGetDevicePowerPolicyState(r.device));

describe("idle power-down", () => {
  it("with idle settings the started device is idle-capable; after the idle timeout it goes to D3 through WDF's timer-expired states", () => {
    const r = rig(1000);
    expect(policyState(r)).toBe(WdfDevStatePwrPolStartedIdleCapable);
    r.m.runFor(999);
    expect(r.calls).toEqual([]);
    r.m.runFor(2);
    r.m.run();
    expect(r.calls).toEqual(["D0Exit(D3)"]);
    expect(r.policy).toEqual(["IdleCapableDeviceIdle", "TimerExpiredNoWake", "TimerExpiredNoWakeCompletePowerDown", "WaitingUnarmedQueryIdle", "WaitingUnarmed"]);
  });

  it("I/O arriving while idle in Dx powers the device up (D0Entry(D3)); while it is busy the timer does not run", () => {
    const r = rig(1000);
    r.m.runFor(1001);
    r.m.run();
    void r.policy;
    r.calls.length = 0;
    const fx = r.m.runInKernel(() => FxObjectHandleGetPtr(r.device, FX_TYPE_DEVICE) as FxDevice);
    // What a power-managed queue does when it accepts a request.
    r.m.runInKernel(() => fx.powerIdleHook!.ioIncrement());
    r.m.run();
    expect(r.calls).toEqual(["D0Entry(D3)"]);
    expect(r.policy).toEqual(["WaitingUnarmedQueryIdle", "S0NoWakePowerUp", "S0NoWakeCompletePowerUp", "StartingDecideS0Wake", "StartedIdleCapable"]);
    r.m.runFor(10_000);
    expect(r.calls).toEqual(["D0Entry(D3)"]);
    r.m.runInKernel(() => fx.powerIdleHook!.ioDecrement());
    r.m.runFor(1001);
    r.m.run();
    expect(r.calls).toEqual(["D0Entry(D3)", "D0Exit(D3)"]);
  });

  it("a request the power-managed queue forwards with send-and-forget keeps the device busy only until it is sent: the device idles after the timeout", () => {
    const forget = new WDF_REQUEST_SEND_OPTIONS();
    WDF_REQUEST_SEND_OPTIONS_INIT(forget, WDF_REQUEST_SEND_OPTION_SEND_AND_FORGET);
    const forwarded: string[] = [];
    const r = rig(1000, false, (Queue, Request) => {
      forwarded.push("forward");
      if (!WdfRequestSend(Request, WdfDeviceGetIoTarget(WdfIoQueueGetDevice(Queue)!)!, forget)) WdfRequestComplete(Request, WdfRequestGetStatus(Request));
    });
    r.m.runFor(500);
    // The root enumerator's PDO fails an IOCTL it does not know; what matters is that it went.
    expect(ioctl(r)).toBe(false);
    expect(forwarded).toEqual(["forward"]);
    // The timer restarted when the request left the queue: 1000 ms from the forward, not from the start.
    r.m.runFor(999);
    expect(r.calls).toEqual([]);
    r.m.runFor(2);
    r.m.run();
    expect(r.calls).toEqual(["D0Exit(D3)"]);
  });

  it("WdfDeviceStopIdle(FALSE) on an idle device: STATUS_PENDING and a power-up; WdfDeviceResumeIdle lets it idle again", () => {
    const r = rig(500);
    r.m.runFor(501);
    r.m.run();
    expect(policyState(r)).toBe(WdfDevStatePwrPolWaitingUnarmed);
    r.calls.length = 0;
    expect(r.m.runInKernel(() => WdfDeviceStopIdle(r.device, false))).toBe(STATUS_PENDING);
    r.m.run();
    expect(r.calls).toEqual(["D0Entry(D3)"]);
    expect(r.m.runInKernel(() => WdfDeviceStopIdle(r.device, false))).toBe(STATUS_SUCCESS);
    r.m.runInKernel(() => WdfDeviceResumeIdle(r.device));
    r.m.runFor(5000);
    expect(r.calls).toEqual(["D0Entry(D3)"]);
    r.m.runInKernel(() => WdfDeviceResumeIdle(r.device));
    r.m.runFor(501);
    r.m.run();
    expect(r.calls).toEqual(["D0Entry(D3)", "D0Exit(D3)"]);
  });

  it("WdfDeviceStopIdle(TRUE) from a PASSIVE_LEVEL work item waits until the device is back in D0", () => {
    const r = rig(500);
    r.m.runFor(501);
    r.m.run();
    r.calls.length = 0;
    r.m.runInKernel(() => {
      const item = IoAllocateWorkItem(WdfDeviceWdmGetDeviceObject(r.device)!);
      IoQueueWorkItem(item, function* () {
        r.calls.push("StopIdle called");
        const status = yield* WdfDeviceStopIdle(r.device, true);
        r.calls.push(`StopIdle returned ${status}`);
        WdfDeviceResumeIdle(r.device);
      }, DelayedWorkQueue, null);
    });
    r.m.runFor(0);
    expect(r.calls).toEqual(["StopIdle called", "D0Entry(D3)", "StopIdle returned 0"]);
  });

  it("EvtDeviceD0Entry failing on the return from idle: the device fails (ReleaseHardware), reports PNP_DEVICE_FAILED and is removed", () => {
    const r = rig(500, true);
    r.m.runFor(501);
    r.m.run();
    r.calls.length = 0;
    void r.policy;
    expect(r.m.runInKernel(() => WdfDeviceStopIdle(r.device, false))).toBe(STATUS_PENDING);
    r.m.run();
    expect(r.calls).toEqual(["D0Entry(D3)", "ReleaseHardware"]);
    expect(r.policy.slice(0, 5)).toEqual(["WaitingUnarmedQueryIdle", "S0NoWakePowerUp", "DevicePowerRequestFailed", "Stopping", "StoppingSendStatus"]);
    expect(r.m.pnp.node(r.path)!.Problem).toBe(CM_PROB_FAILED_POST_START);
  });

  it("removing a device that idles in Dx: it is powered up first, then powered down for good (D0Exit(D3Final))", () => {
    const r = rig(500);
    r.m.runFor(501);
    r.m.run();
    r.calls.length = 0;
    void r.policy;
    expect(r.m.pnp.removeDevice(r.path)).toBe(STATUS_SUCCESS);
    expect(r.calls).toEqual(["D0Entry(D3)", "D0Exit(D3Final)", "ReleaseHardware"]);
    expect(r.policy.slice(0, 4)).toEqual(["StoppingResetDevice", "StoppingResetDeviceCompletePowerUp", "Stopping", "StoppingSendStatus"]);
  });

  it("a system sleep while idle in Dx needs no callback; back in S0 the idle device stays in Dx", () => {
    const r = rig(500);
    r.m.runFor(501);
    r.m.run();
    r.calls.length = 0;
    void r.policy;
    expect(r.m.sleep(PowerSystemSleeping3)).toBe(STATUS_SUCCESS);
    expect(r.m.wake()).toBe(STATUS_SUCCESS);
    // The policy machine takes S0 on its own thread (a work item), after the S IRP completed.
    r.m.run();
    expect(r.calls).toEqual([]);
    expect(r.policy).toEqual(["SystemSleepFromDeviceWaitingUnarmed", "SystemAsleepNoWake", "SystemWakeDeviceWakeDisabled", "SystemWakeQueryIdle", "WaitingUnarmed"]);
  });

  it("WdfDeviceAssignS0IdleSettings is refused to a device that is not the power policy owner", () => {
    const m = boot();
    let status: NTSTATUS | null = null;
    m.installDriverPackage({
      service: "kidlef", hardwareIds: [{ id: "root\\kidlef" }], class: "System", framework: "WDM",
      DriverEntry: (DriverObject: DRIVER_OBJECT, RegistryPath: string) => {
        const config = new WDF_DRIVER_CONFIG();
        WDF_DRIVER_CONFIG_INIT(config, (_d, DeviceInit) => {
          WdfFdoInitSetFilter(DeviceInit);
          const out = Out<WDFDEVICE | null>(null);
          WdfDeviceCreate(Out(DeviceInit), null, out);
          const idle = new WDF_DEVICE_POWER_POLICY_IDLE_SETTINGS();
          WDF_DEVICE_POWER_POLICY_IDLE_SETTINGS_INIT(idle, IdleCannotWakeFromS0);
          status = WdfDeviceAssignS0IdleSettings(out.value!, idle);
          return STATUS_SUCCESS;
        });
        return WdfDriverCreate(DriverObject, RegistryPath, null, config, null);
      },
    });
    m.pnp.createRootDevice({ hardwareIds: ["root\\kidlef"], class: "System" });
    expect(status).toBe(STATUS_INVALID_DEVICE_REQUEST);
  });
});
