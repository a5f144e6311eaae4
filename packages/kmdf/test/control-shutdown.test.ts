import { describe, expect, it } from "vitest";
import {
  boot, KeDelayExecutionThread, KernelMode, MemoryTraceSink, NT_SUCCESS, Out, STATUS_ACCESS_DENIED, STATUS_SUCCESS, type DRIVER_OBJECT, type KWAIT_GENERATOR,
  type Machine, type NTSTATUS,
} from "@wdfjs/kernel";
import { ERROR_ACCESS_DENIED, GENERIC_READ, INVALID_HANDLE_VALUE, OPEN_EXISTING, Win32Process } from "@wdfjs/win32";
import {
  WDF_DRIVER_CONFIG, WDF_DRIVER_CONFIG_INIT, WDF_FILEOBJECT_CONFIG, WDF_FILEOBJECT_CONFIG_INIT, WdfControlDeviceInitAllocate,
  WdfControlDeviceInitSetShutdownNotification, WdfControlFinishInitializing, WdfDeviceCreate, WdfDeviceCreateSymbolicLink, WdfDeviceInitAssignName,
  WdfDeviceInitSetExclusive, WdfDeviceInitSetFileObjectConfig, WdfDeviceLastChanceShutdown, WdfDeviceShutdown, WdfDriverCreate, WdfDriverInitNonPnpDriver,
  WdfFileObjectGetFileName, WdfRequestComplete, type PWDFDEVICE_INIT, type WDFDEVICE, type WDFDRIVER, type WDFFILEOBJECT, type WDFREQUEST,
} from "../src/index.js";

/*
 * A control device whose file callbacks and shutdown notification wait (generators, as a
 * driver calling ZwCreateFile or ZwWriteFile from them is), for the framework's handling of
 * PASSIVE_LEVEL callbacks that wait, and WdfControlDeviceInitSetShutdownNotification's flags.
 */
const TEN_MS = -10 * 10_000;

interface Options {
  shutdownFlags: number;
}

function makeDriver(log: string[], machine: () => Machine, o: Options) {
  function* wait(what: string): KWAIT_GENERATOR<void> {
    log.push(`${what} waits at ${machine().now}`);
    yield* KeDelayExecutionThread(KernelMode, false, TEN_MS);
    log.push(`${what} resumes at ${machine().now}`);
  }
  function* EvtDeviceFileCreate(_Device: WDFDEVICE, Request: WDFREQUEST, FileObject: WDFFILEOBJECT): KWAIT_GENERATOR<void> {
    yield* wait("create");
    WdfRequestComplete(Request, WdfFileObjectGetFileName(FileObject) === "\\deny" ? STATUS_ACCESS_DENIED : STATUS_SUCCESS);
  }
  function* EvtFileCleanup(_FileObject: WDFFILEOBJECT): KWAIT_GENERATOR<void> {
    yield* wait("cleanup");
  }
  function* EvtFileClose(_FileObject: WDFFILEOBJECT): KWAIT_GENERATOR<void> {
    yield* wait("close");
  }
  function* EvtDeviceShutdownNotification(_Device: WDFDEVICE): KWAIT_GENERATOR<void> {
    yield* wait("shutdown");
  }
  return function DriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
    const config = new WDF_DRIVER_CONFIG();
    WDF_DRIVER_CONFIG_INIT(config, null);
    config.DriverInitFlags |= WdfDriverInitNonPnpDriver;
    // A non-PnP driver unloads only with an unload callback.
    config.EvtDriverUnload = () => {};
    const driver = Out<WDFDRIVER | null>(null);
    let status = WdfDriverCreate(DriverObject, RegistryPath, null, config, driver);
    if (!NT_SUCCESS(status)) return status;
    const init = Out<PWDFDEVICE_INIT>(WdfControlDeviceInitAllocate(driver.value!, "D:P(A;;GA;;;SY)"));
    WdfDeviceInitAssignName(init.value, "\\Device\\WAITS");
    WdfDeviceInitSetExclusive(init.value, true);
    WdfControlDeviceInitSetShutdownNotification(init.value, EvtDeviceShutdownNotification, o.shutdownFlags);
    const fileConfig = new WDF_FILEOBJECT_CONFIG();
    WDF_FILEOBJECT_CONFIG_INIT(fileConfig, EvtDeviceFileCreate, EvtFileClose, EvtFileCleanup);
    WdfDeviceInitSetFileObjectConfig(init.value, fileConfig, null);
    const device = Out<WDFDEVICE | null>(null);
    status = WdfDeviceCreate(init, null, device);
    if (!NT_SUCCESS(status)) return status;
    status = WdfDeviceCreateSymbolicLink(device.value!, "\\DosDevices\\WAITS");
    if (!NT_SUCCESS(status)) return status;
    WdfControlFinishInitializing(device.value!);
    return STATUS_SUCCESS;
  };
}

function load(o: Options = { shutdownFlags: WdfDeviceShutdown }, trace: MemoryTraceSink | null = null): { m: Machine; log: string[] } {
  const log: string[] = [];
  const m = boot({ seed: 11, trace });
  expect(m.loadDriver("waits", makeDriver(log, () => m, o))).toBe(STATUS_SUCCESS);
  return { m, log };
}

describe("file callbacks that wait (PASSIVE_LEVEL, generators)", () => {
  it("a waiting EvtDeviceFileCreate finishes the open when it completes the request; a failed one leaves the exclusive device free", () => {
    const { m, log } = load();
    const app = Win32Process.create(m, "app.exe");
    expect(app.CreateFile("\\\\.\\WAITS\\deny", GENERIC_READ, 0, null, OPEN_EXISTING, 0, 0)).toBe(INVALID_HANDLE_VALUE);
    expect(app.GetLastError()).toBe(ERROR_ACCESS_DENIED);
    const h = app.CreateFile("\\\\.\\WAITS\\ok", GENERIC_READ, 0, null, OPEN_EXISTING, 0, 0);
    expect(h).not.toBe(INVALID_HANDLE_VALUE);
    expect(log.filter((l) => l.startsWith("create"))).toEqual(["create waits at 0", "create resumes at 10", "create waits at 10", "create resumes at 20"]);
    expect(m.bugCheckData).toBeNull();
  });

  it("waiting EvtFileCleanup and EvtFileClose run to their end, in that order; the file object goes, and the exclusive device frees, when the close finishes", () => {
    const { m, log } = load();
    const app = Win32Process.create(m, "app.exe");
    const h = app.CreateFile("\\\\.\\WAITS\\a", GENERIC_READ, 0, null, OPEN_EXISTING, 0, 0);
    // CloseHandle waits for the pended cleanup; the close IRP, pended too, finishes on its own
    // (the emulated I/O manager does not wait for IRP_MJ_CLOSE, Windows' IopDeleteFile does).
    expect(app.CloseHandle(h)).toBe(true);
    m.run();
    const h2 = app.CreateFile("\\\\.\\WAITS\\b", GENERIC_READ, 0, null, OPEN_EXISTING, 0, 0);
    expect(h2).not.toBe(INVALID_HANDLE_VALUE);
    expect(log.filter((l) => !l.startsWith("create"))).toEqual(["cleanup waits at 10", "cleanup resumes at 20", "close waits at 20", "close resumes at 30"]);
    expect(m.bugCheckData).toBeNull();
  });
});

describe("WdfControlDeviceInitSetShutdownNotification", () => {
  it("WdfDeviceShutdown: the notification runs once at shutdown, and may wait", () => {
    const { m, log } = load();
    expect(m.shutdown()).toBe(STATUS_SUCCESS);
    expect(log).toEqual(["shutdown waits at 0", "shutdown resumes at 10"]);
  });

  it("both flags: once for the shutdown and once for the last chance", () => {
    const { m, log } = load({ shutdownFlags: WdfDeviceShutdown | WdfDeviceLastChanceShutdown });
    m.shutdown();
    expect(log.filter((l) => l.includes("waits"))).toEqual(["shutdown waits at 0", "shutdown waits at 10"]);
  });

  it("flags other than the two are ignored (traced): no notification", () => {
    const trace = new MemoryTraceSink();
    const { m, log } = load({ shutdownFlags: 0x4 }, trace);
    m.shutdown();
    expect(log).toEqual([]);
    expect(trace.events.filter((e) => e.kind === "wdf.shutdown-notification").map((e) => e.detail)).toEqual([
      "WdfControlDeviceInitSetShutdownNotification: WdfDeviceShutdown Flags 0x4 are invalid; ignored",
    ]);
  });

  it("a deleted control device is no longer notified", () => {
    const { m, log } = load();
    m.unloadDriver("waits");
    m.shutdown();
    expect(log).toEqual([]);
    expect(m.bugCheckData).toBeNull();
  });
});
