/**
 * Driver routines other than dispatch routines that wait (generators): DriverEntry,
 * AddDevice (as the PnP manager calls it), DriverUnload and work items. Each runs at
 * PASSIVE_LEVEL in a system thread; the host call that started it returns once it ends,
 * with machine time moved by the wait.
 */
import { describe, expect, it } from "vitest";
import {
  boot, DelayedWorkQueue, DO_BUFFERED_IO, Executive, FILE_DEVICE_UNKNOWN, IoAllocateWorkItem, IoCreateDevice, IoCreateSymbolicLink,
  IoDeleteDevice, IoDeleteSymbolicLink, IoFreeWorkItem, IoQueueWorkItem, IRP_MJ_CLOSE, IRP_MJ_CREATE, KDPC, KeDelayExecutionThread,
  KeGetCurrentIrql, KeInitializeDpc, KeInitializeEvent, KeInitializeTimer, KernelMode, KeSetEvent, KeSetTimer, KeWaitForSingleObject,
  KEVENT, KTIMER, NotificationEvent, NtClose, ObGetObjectPointerCount, Out, PASSIVE_LEVEL, PsGetCurrentProcess, PsGetCurrentThread,
  ReadUlong, STATUS_INSUFFICIENT_RESOURCES, STATUS_SUCCESS, STATUS_WAIT_0, WriteUlong, type DEVICE_OBJECT, type DRIVER_OBJECT,
  type Flavor, type KTHREAD, type NTSTATUS,
} from "../src/index.js";
import { client, complete, open, tinyDriver } from "./helpers.js";

const FLAVORS: Flavor[] = ["checked", "free"];
const ms = (n: number) => -n * 10_000;

/** Create `\Device\<name>` with a 4-byte extension and `\DosDevices\<name>`; create and close succeed. */
function createDevice(DriverObject: DRIVER_OBJECT, name: string): DEVICE_OBJECT | NTSTATUS {
  const dev = Out<DEVICE_OBJECT | null>(null);
  const st = IoCreateDevice(DriverObject, 4, `\\Device\\${name}`, FILE_DEVICE_UNKNOWN, 0, false, dev);
  if (st < 0) return st;
  dev.value!.Flags |= DO_BUFFERED_IO;
  IoCreateSymbolicLink(`\\DosDevices\\${name}`, `\\Device\\${name}`);
  DriverObject.MajorFunction[IRP_MJ_CREATE] = (_d, Irp) => complete(Irp, STATUS_SUCCESS);
  DriverObject.MajorFunction[IRP_MJ_CLOSE] = (_d, Irp) => complete(Irp, STATUS_SUCCESS);
  return dev.value!;
}

describe.each(FLAVORS)("routines that wait, other than dispatch routines (%s)", (flavor) => {
  it("a DriverEntry that waits on a timer: loadDriver returns its status once it ends, machine time has moved, its device opens", () => {
    const m = boot({ flavor });
    const seen: string[] = [];
    let before: KTHREAD | null = null;
    const st = m.loadDriver("slowstart", function* (DriverObject) {
      before = PsGetCurrentThread();
      const timer = new KTIMER();
      KeInitializeTimer(timer);
      KeSetTimer(timer, ms(10), null);
      seen.push(`waits at ${KeGetCurrentIrql()}`);
      const w = yield* KeWaitForSingleObject(timer, Executive, KernelMode, false, null);
      seen.push(`woke ${w === STATUS_WAIT_0 ? "signalled" : w} @${m.now} at ${KeGetCurrentIrql()} in ${PsGetCurrentProcess().ImageFileName}, ${PsGetCurrentThread() === before ? "same" : "another"} thread`);
      const dev = createDevice(DriverObject, "SlowStart");
      return typeof dev === "number" ? dev : STATUS_SUCCESS;
    });
    expect(st).toBe(STATUS_SUCCESS);
    expect(seen).toEqual([`waits at ${PASSIVE_LEVEL}`, `woke signalled @10 at ${PASSIVE_LEVEL} in System, same thread`]);
    expect(before).not.toBeNull();
    expect(m.now).toBe(10);
    expect(m.driver("slowstart")).toBeDefined();
    const c = client(m);
    const { status, handle } = open(m, c, "\\??\\SlowStart");
    expect(status).toBe(STATUS_SUCCESS);
    expect(m.syscall(c.thread, () => NtClose(handle))).toBe(STATUS_SUCCESS);
    expect(m.stopped).toBe(false);
  });

  it("a DriverEntry that fails after waiting: loadDriver returns the failure and the driver is not loaded", () => {
    const m = boot({ flavor });
    const st = m.loadDriver("failslow", function* () {
      yield* KeDelayExecutionThread(KernelMode, false, ms(3));
      return STATUS_INSUFFICIENT_RESOURCES;
    });
    expect(st).toBe(STATUS_INSUFFICIENT_RESOURCES);
    expect(m.driver("failslow")).toBeUndefined();
    expect(m.ob.namespace.lookup("\\Driver\\failslow")).toBeUndefined();
    expect(m.now).toBe(3);
    // The name is free again.
    expect(m.loadDriver("failslow", () => STATUS_SUCCESS)).toBe(STATUS_SUCCESS);
  });

  it("an AddDevice that waits, called through callDriverRoutine, returns its status after the wait", () => {
    const m = boot({ flavor });
    const bus = tinyDriver({ name: "PdoBus" });
    expect(m.loadDriver("pdobus", bus.DriverEntry)).toBe(STATUS_SUCCESS);
    const fdoDrv = { value: null as DRIVER_OBJECT | null };
    expect(m.loadDriver("slowadd", (DriverObject) => {
      fdoDrv.value = DriverObject;
      DriverObject.DriverExtension.AddDevice = function* (Driver, Pdo) {
        yield* KeDelayExecutionThread(KernelMode, false, ms(6));
        const dev = Out<DEVICE_OBJECT | null>(null);
        const s = IoCreateDevice(Driver, 0, null, FILE_DEVICE_UNKNOWN, 0, false, dev);
        return s < 0 ? s : Pdo === bus.device ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
      };
      return STATUS_SUCCESS;
    })).toBe(STATUS_SUCCESS);
    const d = fdoDrv.value!;
    expect(m.callDriverRoutine(d, "AddDevice", () => d.DriverExtension.AddDevice!(d, bus.device!))).toBe(STATUS_SUCCESS);
    expect(m.now).toBe(6);
    expect(d.DeviceObject).not.toBeNull();
  });

  it("a DriverUnload that waits for its timer's DPC to finish, then deletes its device: unloadDriver returns once it ends", () => {
    const m = boot({ flavor });
    const log: string[] = [];
    expect(m.loadDriver("slowstop", (DriverObject) => {
      const dev = createDevice(DriverObject, "SlowStop");
      if (typeof dev === "number") return dev;
      const done = new KEVENT();
      KeInitializeEvent(done, NotificationEvent, false);
      const dpc = new KDPC();
      KeInitializeDpc(dpc, () => {
        log.push(`dpc @${m.now}`);
        KeSetEvent(done, 0, false);
      }, null);
      const timer = new KTIMER();
      KeInitializeTimer(timer);
      DriverObject.DriverUnload = function* () {
        // The last DPC must have run before the driver's code goes away.
        KeSetTimer(timer, ms(8), dpc);
        yield* KeWaitForSingleObject(done, Executive, KernelMode, false, null);
        log.push(`unload resumes @${m.now}`);
        IoDeleteSymbolicLink("\\DosDevices\\SlowStop");
        IoDeleteDevice(dev);
      };
      return STATUS_SUCCESS;
    })).toBe(STATUS_SUCCESS);
    m.unloadDriver("slowstop");
    expect(log).toEqual(["dpc @8", "unload resumes @8"]);
    expect(m.now).toBe(8);
    expect(m.driver("slowstop")).toBeUndefined();
    expect(m.ob.namespace.lookup("\\Device\\SlowStop")).toBeUndefined();
    expect(m.stopped).toBe(false);
  });

  it("a work item that waits keeps its device referenced until it ends: IoDeleteDevice meanwhile does not free it", () => {
    const m = boot({ flavor });
    let dev: DEVICE_OBJECT | null = null;
    expect(m.loadDriver("refwork", (DriverObject) => {
      const d = createDevice(DriverObject, "RefWork");
      if (typeof d === "number") return d;
      dev = d;
      WriteUlong(d.DeviceExtension as number, 0x1234);
      return STATUS_SUCCESS;
    })).toBe(STATUS_SUCCESS);
    const device = dev! as DEVICE_OBJECT;
    const log: string[] = [];
    const base = m.runInKernel(() => ObGetObjectPointerCount(device));
    m.runInKernel(() => {
      const wi = IoAllocateWorkItem(device);
      IoQueueWorkItem(wi, function* (Device) {
        yield* KeDelayExecutionThread(KernelMode, false, ms(10));
        // The device (and its extension) is still there: the work item holds a reference.
        log.push(`work item @${m.now}: extension ${ReadUlong(Device.DeviceExtension as number).toString(16)}, deleted ${Device.deleted}`);
        IoFreeWorkItem(wi);
      }, DelayedWorkQueue, null);
    });
    expect(m.runInKernel(() => ObGetObjectPointerCount(device))).toBe(base + 1);
    m.runFor(5);
    // The driver deletes its device while the work item waits.
    m.runInKernel(() => {
      IoDeleteSymbolicLink("\\DosDevices\\RefWork");
      IoDeleteDevice(device);
    });
    expect(device.deleted).toBe(false);
    m.run();
    expect(log).toEqual(["work item @10: extension 1234, deleted false"]);
    expect(device.deleted).toBe(true);
    expect(m.stopped).toBe(false);
  });

  it("unloading while a work item of the driver waits: DriverUnload deletes the device, the work item still ends cleanly", () => {
    const m = boot({ flavor });
    let dev: DEVICE_OBJECT | null = null;
    const log: string[] = [];
    expect(m.loadDriver("unloadwork", (DriverObject) => {
      const d = createDevice(DriverObject, "UnloadWork");
      if (typeof d === "number") return d;
      dev = d;
      WriteUlong(d.DeviceExtension as number, 0xabcd);
      DriverObject.DriverUnload = () => {
        IoDeleteSymbolicLink("\\DosDevices\\UnloadWork");
        IoDeleteDevice(d);
      };
      return STATUS_SUCCESS;
    })).toBe(STATUS_SUCCESS);
    const device = dev! as DEVICE_OBJECT;
    m.runInKernel(() => {
      const wi = IoAllocateWorkItem(device);
      IoQueueWorkItem(wi, function* (Device) {
        yield* KeDelayExecutionThread(KernelMode, false, ms(10));
        log.push(`work item @${m.now}: extension ${ReadUlong(Device.DeviceExtension as number).toString(16)}`);
        IoFreeWorkItem(wi);
      }, DelayedWorkQueue, null);
    });
    m.runFor(5);
    m.unloadDriver("unloadwork");
    m.run();
    expect(log).toEqual(["work item @10: extension abcd"]);
    expect(device.deleted).toBe(true);
    expect(m.driver("unloadwork")).toBeUndefined();
    expect(m.stopped).toBe(false);
  });
});
