/**
 * The featured KMDF toaster function driver over the WDM bus, driven by enum.exe and toast.exe:
 * its PnP and power callbacks in the orders of reference §1.6 (plug-in, unplug, orderly removal,
 * idle power-down and back, system sleep and wake), file create and close, and the hide IOCTL.
 */
import { describe, expect, it } from "vitest";
import { boot, DeviceNodeStarted, Out, type DRIVER_OBJECT, type NTSTATUS, PNP_DEVICE_DONT_DISPLAY_IN_UI, PowerSystemSleeping3, STATUS_SUCCESS, CTL_CODE, FILE_DEVICE_BUS_EXTENDER, METHOD_BUFFERED, FILE_READ_DATA } from "@wdfjs/kernel";
import { ERROR_INVALID_FUNCTION, FILE_SHARE_READ, FILE_SHARE_WRITE, GENERIC_READ, GENERIC_WRITE, INVALID_HANDLE_VALUE, OPEN_EXISTING, Win32Process } from "@wdfjs/win32";
import { BUS_HARDWARE_ID, enumMain, GetDevicePaths, GUID_DEVINTERFACE_TOASTER, toastMain } from "@wdfjs/sample-wdm-toaster";
import {
  WDF_DRIVER_CONFIG, WDF_DRIVER_CONFIG_INIT, WdfDeviceCreate, WdfDeviceWdmGetDeviceObject, WdfDriverCreate, WdfFdoAddStaticChild, WdfPdoInitAddHardwareID,
  WdfPdoInitAllocate, WdfPdoInitAssignDeviceID, WdfPdoInitAssignInstanceID, type PWDFDEVICE_INIT, type WDFDEVICE, type WDFDRIVER,
} from "@wdfjs/kmdf";
import { GUID_DEVCLASS_TOASTER, TOASTER_SERVICE } from "@wdfjs/sample-wdm-toaster";
import { installKmdfToasterFeatured, KmdfToasterLog, ToasterFeaturedDriverEntry } from "../src/index.js";

const TOASTER1 = `${BUS_HARDWARE_ID}\\01`;

function setUp(seed = 1) {
  const m = boot({ seed, flavor: "checked" });
  const t = installKmdfToasterFeatured(m);
  const app = Win32Process.create(m, "enum.exe");
  /** Runs enum.exe, then lets the machine settle without letting virtual time pass. */
  const run = (...argv: string[]) => {
    const r = enumMain(app, argv);
    m.runFor(0);
    return r;
  };
  /** The featured driver's lines since the last call (the sample's recorder log, without the "featured " prefix). */
  const lines = () => {
    const out = t.log.lines.filter((l) => l.startsWith("featured ")).map((l) => l.slice("featured ".length));
    t.log.clear();
    return out;
  };
  return { m, app, run, lines };
}

describe("kmdf-toaster: the featured function driver", () => {
  it("enum -p 1: DeviceAdd, PrepareHardware, D0Entry (from D3Final), SelfManagedIoInit; the WDM bus has no toaster interface, and the start goes on", () => {
    const { m, app, run, lines } = setUp();
    expect(run("-p", "1").output.at(-1)).toBe("Success!!!");
    expect(lines()).toEqual([
      "DriverEntry: WDF Toaster Function Driver Sample - Featured version",
      "ToasterEvtDeviceAdd called",
      "ToasterEvtDevicePrepareHardware called",
      "ToasterEvtDeviceD0Entry - coming from WdfPowerDeviceD3Final",
      "ToasterEvtDeviceSelfManagedIoInit called",
      // The WDM busenum.sys answers no IRP_MN_QUERY_INTERFACE: STATUS_NOT_SUPPORTED, not a failed start.
      "no bus interface (0xc00000bb)",
    ]);
    expect(m.pnp.node(TOASTER1)!.State).toBe(DeviceNodeStarted);
    expect(GetDevicePaths(app, GUID_DEVINTERFACE_TOASTER)).toHaveLength(1);
  });

  it("toast: each open is a FileCreate, each read succeeds with 0 bytes, the close is a FileClose", () => {
    const { app, run, lines } = setUp();
    run("-p", "1");
    lines();
    const r = toastMain(app, [], 2);
    expect(r.output.filter((l) => l.startsWith("Read"))).toEqual(["Read Successful (0 bytes)", "Read Successful (0 bytes)"]);
    expect(lines()).toEqual(["ToasterEvtDeviceFileCreate", "ToasterEvtIoRead 10", "ToasterEvtIoRead 10", "ToasterEvtFileClose"]);
  });

  it("a write takes every byte; toast -h hides the device (PNP_DEVICE_DONT_DISPLAY_IN_UI in its device node); another IOCTL is ERROR_INVALID_FUNCTION", () => {
    const { m, app, run, lines } = setUp();
    run("-p", "1");
    expect(m.pnp.node(TOASTER1)!.UserFlags & PNP_DEVICE_DONT_DISPLAY_IN_UI).toBe(0);
    const path = GetDevicePaths(app, GUID_DEVINTERFACE_TOASTER)[0]!;
    const h = app.CreateFile(path, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, null, OPEN_EXISTING, 0, 0);
    expect(h).not.toBe(INVALID_HANDLE_VALUE);
    const n = Out(0);
    expect(app.WriteFile(h, app.alloc(120), 120, n, null)).toBe(true);
    expect(n.value).toBe(120);
    const other = CTL_CODE(FILE_DEVICE_BUS_EXTENDER, 0x7, METHOD_BUFFERED, FILE_READ_DATA);
    expect(app.DeviceIoControl(h, other, 0, 0, 0, 0, n, null)).toBe(false);
    expect(app.GetLastError()).toBe(ERROR_INVALID_FUNCTION);
    app.CloseHandle(h);
    m.runFor(0);
    expect(m.pnp.node(TOASTER1)!.UserFlags & PNP_DEVICE_DONT_DISPLAY_IN_UI).toBe(0);
    const r = toastMain(app, ["-h"], 1);
    expect(r.output).toContain("Request to hide the device completed successfully");
    m.runFor(0);
    expect(m.pnp.node(TOASTER1)!.UserFlags & PNP_DEVICE_DONT_DISPLAY_IN_UI).toBe(PNP_DEVICE_DONT_DISPLAY_IN_UI);
    expect(lines().filter((l) => l.startsWith("ToasterEvtIo"))).toEqual(["ToasterEvtIoWrite 120", "ToasterEvtIoDeviceControl 0x2a401c", "ToasterEvtIoDeviceControl 0x2a400c", "ToasterEvtIoRead 10"]);
  });

  it("enum -u 1 (a surprise removal on the bus) while in D0: D0Exit (D3Final), ReleaseHardware, then the device context's cleanup", () => {
    const { app, run, lines } = setUp();
    run("-p", "1");
    lines();
    expect(run("-u", "1").output.at(-1)).toBe("Success!!!");
    expect(lines()).toEqual([
      "ToasterEvtDeviceD0Exit WdfPowerDeviceD3Final",
      "ToasterEvtDeviceReleaseHardware called",
      "ToasterEvtDeviceContextCleanup called",
      "ToasterEvtDriverUnload called",
    ]);
    expect(GetDevicePaths(app, GUID_DEVINTERFACE_TOASTER)).toEqual([]);
  });

  it("an orderly removal (QUERY_REMOVE, REMOVE) goes the same way: D0Exit (D3Final), ReleaseHardware, cleanup", () => {
    const { m, run, lines } = setUp();
    run("-p", "1");
    lines();
    expect(m.pnp.removeDevice(TOASTER1)).toBe(STATUS_SUCCESS);
    m.runFor(0);
    expect(lines().slice(0, 3)).toEqual(["ToasterEvtDeviceD0Exit WdfPowerDeviceD3Final", "ToasterEvtDeviceReleaseHardware called", "ToasterEvtDeviceContextCleanup called"]);
  });

  it("idle: 60 s of machine time without I/O put it in D3 (IdleCannotWakeFromS0, no wake arming); a read powers it up first", () => {
    const { m, app, run, lines } = setUp();
    run("-p", "1");
    lines();
    m.runFor(59_000);
    expect(lines()).toEqual([]);
    m.runFor(1_001);
    expect(lines()).toEqual(["ToasterEvtDeviceD0Exit WdfPowerDeviceD3"]);
    const r = toastMain(app, [], 1);
    expect(r.output.at(-1)).toBe("Read Successful (0 bytes)");
    // The open needs no power; the read waits in the power-managed queue until D0.
    expect(lines()).toEqual(["ToasterEvtDeviceFileCreate", "ToasterEvtDeviceD0Entry - coming from WdfPowerDeviceD3", "ToasterEvtIoRead 10", "ToasterEvtFileClose"]);
    m.runFor(60_001);
    expect(lines()).toEqual(["ToasterEvtDeviceD0Exit WdfPowerDeviceD3"]);
  });

  it("system sleep (S3) and wake: ArmWakeFromSx before D0Exit (D3); on wake D0Entry (from D3), then DisarmWakeFromSx; reads work again", () => {
    const { m, app, run, lines } = setUp();
    run("-p", "1");
    lines();
    expect(m.sleep(PowerSystemSleeping3)).toBe(STATUS_SUCCESS);
    expect(lines()).toEqual(["--> ToasterEvtDeviceArmWakeFromSx", "<-- ToasterEvtDeviceArmWakeFromSx", "ToasterEvtDeviceD0Exit WdfPowerDeviceD3"]);
    expect(m.wake()).toBe(STATUS_SUCCESS);
    m.runFor(0);
    // The WDM bus cannot wake the system: the wake was for another reason, so no WakeFromSxTriggered.
    expect(lines()).toEqual(["ToasterEvtDeviceD0Entry - coming from WdfPowerDeviceD3", "--> ToasterEvtDeviceDisarmWakeFromSx", "<-- ToasterEvtDeviceDisarmWakeFromSx"]);
    expect(toastMain(app, [], 1).output.at(-1)).toBe("Read Successful (0 bytes)");
  });

  it("system sleep while idle in D3: the device stays in D3 and is not armed; after the wake it stays idle until I/O", () => {
    const { m, app, run, lines } = setUp();
    run("-p", "1");
    m.runFor(60_001);
    lines();
    expect(m.sleep(PowerSystemSleeping3)).toBe(STATUS_SUCCESS);
    expect(m.wake()).toBe(STATUS_SUCCESS);
    m.runFor(0);
    expect(lines()).toEqual([]);
    toastMain(app, [], 1);
    expect(lines()).toContain("ToasterEvtDeviceD0Entry - coming from WdfPowerDeviceD3");
  });
});

/**
 * A bus whose PDOs can wake the system: a root-enumerated KMDF bus with one static child that
 * reports the toaster's hardware ID. A framework PDO holds the WAIT_WAKE its power-policy owner
 * sends, and machine.signalWake completes it (the WDM busenum.sys refuses WAIT_WAKE).
 */
function onWakeCapableBus() {
  const m = boot({ seed: 5, flavor: "checked" });
  const log = new KmdfToasterLog();
  let pdo: WDFDEVICE | null = null;
  m.installDriverPackage({
    service: "wakebus", hardwareIds: [{ id: "root\\wakebus" }], class: "System", framework: "KMDF",
    DriverEntry: (DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS => {
      const config = new WDF_DRIVER_CONFIG();
      WDF_DRIVER_CONFIG_INIT(config, (_d: WDFDRIVER, DeviceInit: PWDFDEVICE_INIT) => {
        const fdo = Out<WDFDEVICE | null>(null);
        let status = WdfDeviceCreate(Out(DeviceInit), null, fdo);
        if (status !== STATUS_SUCCESS) return status;
        const init = WdfPdoInitAllocate(fdo.value!);
        WdfPdoInitAssignDeviceID(init, BUS_HARDWARE_ID);
        WdfPdoInitAssignInstanceID(init, "01");
        WdfPdoInitAddHardwareID(init, BUS_HARDWARE_ID);
        const child = Out<WDFDEVICE | null>(null);
        status = WdfDeviceCreate(Out(init), null, child);
        if (status !== STATUS_SUCCESS) return status;
        pdo = child.value;
        return WdfFdoAddStaticChild(fdo.value!, child.value!);
      });
      return WdfDriverCreate(DriverObject, RegistryPath, null, config, null);
    },
  });
  m.installDriverPackage({
    service: TOASTER_SERVICE, hardwareIds: [{ id: BUS_HARDWARE_ID }], class: "Toaster", classGuid: GUID_DEVCLASS_TOASTER, framework: "KMDF",
    DriverEntry: ToasterFeaturedDriverEntry(log),
  });
  m.pnp.createRootDevice({ hardwareIds: ["root\\wakebus"], class: "System" });
  m.runFor(0);
  const lines = () => {
    const out = log.lines.map((l) => l.slice("featured ".length));
    log.clear();
    return out;
  };
  return { m, lines, pdo: () => m.runInKernel(() => WdfDeviceWdmGetDeviceObject(pdo!)!) };
}

describe("kmdf-toaster: the featured driver on a bus that can wake the system", () => {
  it("armed for Sx wake, the toaster's wake signal wakes the system: D0Entry (from D3), WakeFromSxTriggered, DisarmWakeFromSx", () => {
    const { m, lines, pdo } = onWakeCapableBus();
    expect(lines().slice(-4)).toEqual([
      "ToasterEvtDevicePrepareHardware called", "ToasterEvtDeviceD0Entry - coming from WdfPowerDeviceD3Final", "ToasterEvtDeviceSelfManagedIoInit called",
      "no bus interface (0xc00000bb)",
    ]);
    expect(m.sleep(PowerSystemSleeping3)).toBe(STATUS_SUCCESS);
    expect(lines()).toEqual(["--> ToasterEvtDeviceArmWakeFromSx", "<-- ToasterEvtDeviceArmWakeFromSx", "ToasterEvtDeviceD0Exit WdfPowerDeviceD3"]);
    expect(m.signalWake(pdo())).toBe(true);
    m.runFor(0);
    expect(lines()).toEqual([
      "ToasterEvtDeviceD0Entry - coming from WdfPowerDeviceD3", "--> ToasterEvtDeviceWakeFromSxTriggered", "<-- ToasterEvtDeviceWakeFromSxTriggered",
      "--> ToasterEvtDeviceDisarmWakeFromSx", "<-- ToasterEvtDeviceDisarmWakeFromSx",
    ]);
  });
});
