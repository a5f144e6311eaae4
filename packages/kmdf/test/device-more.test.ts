import { describe, expect, it } from "vitest";
import {
  boot, CM_PROB_FAILED_POST_START, KEY_WRITE, PowerActionNone, PowerActionSleep, PowerSystemSleeping3, DevicePropertyHardwareID, KEY_READ, PagedPool, PLUGPLAY_REGKEY_DEVICE, STATUS_BUFFER_TOO_SMALL, ExFreePool, IoGetDeviceInterfaces, ReadMultiSz, STATUS_OBJECT_NAME_NOT_FOUND, DO_DIRECT_IO, DO_POWER_INRUSH, DO_POWER_PAGABLE, FILE_DEVICE_SECURE_OPEN, FILE_REMOVABLE_MEDIA, MemoryTraceSink, NT_SUCCESS, Out,
  STATUS_INVALID_DEVICE_STATE, STATUS_INVALID_PARAMETER, STATUS_SUCCESS, type NTSTATUS,
} from "@wdfjs/kernel";
import {
  StateNotificationEnterState, StateNotificationLeaveState, StateNotificationPostProcessState, WDF_IO_TYPE_CONFIG, WDF_IO_TYPE_CONFIG_INIT,
  WDF_REMOVE_LOCK_OPTIONS, WDF_REMOVE_LOCK_OPTIONS_INIT, WDF_REMOVE_LOCK_OPTION_ACQUIRE_FOR_IO, WdfDevStatePnpStarted,
  WdfDevStatePowerD0, WdfDevStatePnpInit, WdfDeviceFailedNoRestart, WdfDeviceGetAlignmentRequirement, WdfDeviceGetCharacteristics, WdfDeviceGetDevicePnpState,
  WdfDeviceGetDriver, WdfDeviceInitAssignName, WdfDeviceInitRegisterPnpStateChangeCallback, WdfDeviceInitRegisterPowerStateChangeCallback,
  WdfDeviceInitSetIoTypeEx, WdfDeviceInitSetPowerInrush, WdfDeviceInitSetPowerPolicyOwnership, WdfDeviceInitSetReleaseHardwareOrderOnFailure,
  WdfDeviceInitSetRemoveLockOptions, WdfDeviceIoDirect, WdfDeviceResumeIdleNoTrack, WdfDeviceRetrieveDeviceName, WdfDeviceSetAlignmentRequirement,
  WdfDeviceSetCharacteristics, WdfDeviceSetFailed, WdfDeviceSetStaticStopRemove, WdfDeviceStopIdleNoTrack, WdfDeviceWdmGetDeviceObject, WdfStringCreate,
  WdfStringGetUnicodeString, WdfWdmDeviceGetWdfDeviceHandle, WdfDeviceCreateDeviceInterface, WdfDeviceRetrieveDeviceInterfaceString,
  WdfDeviceSetDeviceInterfaceState, WdfDeviceSetDeviceInterfaceStateEx, WdfDeviceQueryProperty, WdfDeviceAllocAndQueryProperty, WdfFdoInitQueryProperty,
  WdfFdoInitOpenRegistryKey, WdfMemoryGetBuffer, WdfDeviceOpenDevicemapKey, RtlInitUnicodeString, WdfDeviceGetSystemPowerAction, type WDFKEY, type WDFMEMORY, WdfWdmDriverGetWdfDriverHandle, WdfDriverWdmGetDriverObject, UNICODE_STRING,
  type PWDFDEVICE_INIT, type WDF_DEVICE_PNP_NOTIFICATION_DATA, type WDFSTRING,
} from "../src/index.js";
import { installFdo, newFdoLog } from "./kmdf-fdo-harness.js";

function retrieveName(device: Parameters<typeof WdfDeviceRetrieveDeviceName>[0]): [NTSTATUS, string] {
  const string = Out<WDFSTRING | null>(null);
  expect(WdfStringCreate(null, null, string)).toBe(STATUS_SUCCESS);
  const status = WdfDeviceRetrieveDeviceName(device, string.value!);
  const u = new UNICODE_STRING();
  WdfStringGetUnicodeString(string.value!, u);
  return [status, u.Buffer];
}

describe("KMDF device functions: WDM handles, name, characteristics, alignment", () => {
  it("WdfWdmDeviceGetWdfDeviceHandle and WdfWdmDriverGetWdfDriverHandle map WDM objects back to their handles; WdfDeviceGetDriver gives the WDFDRIVER", () => {
    const m = boot();
    const log = newFdoLog();
    const path = installFdo(m, log);
    m.runInKernel(() => {
      const d = WdfDeviceWdmGetDeviceObject(log.device!)!;
      expect(WdfWdmDeviceGetWdfDeviceHandle(d)).toBe(log.device);
      // The PDO is the root bus driver's, not a framework device.
      expect(WdfWdmDeviceGetWdfDeviceHandle(m.pnp.node(path)!.PhysicalDeviceObject)).toBe(null);
      expect(WdfDeviceGetDriver(log.device!)).toBe(log.driver);
      expect(WdfWdmDriverGetWdfDriverHandle(WdfDriverWdmGetDriverObject(log.driver!)!)).toBe(log.driver);
    });
  });

  it("WdfDeviceRetrieveDeviceName gives the assigned \\Device name; an unnamed device is STATUS_INVALID_PARAMETER", () => {
    const m = boot();
    const named = newFdoLog({ onInit: (init) => void WdfDeviceInitAssignName(init, "\\Device\\KMoreNamed") });
    installFdo(m, named, "knamed");
    const unnamed = newFdoLog();
    installFdo(m, unnamed, "kunnamed");
    m.runInKernel(() => {
      expect(retrieveName(named.device!)).toEqual([STATUS_SUCCESS, "\\Device\\KMoreNamed"]);
      expect(retrieveName(unnamed.device!)[0]).toBe(STATUS_INVALID_PARAMETER);
    });
  });

  it("WdfDeviceSetCharacteristics replaces the device object's characteristics and keeps FILE_DEVICE_SECURE_OPEN; the alignment is set and read back", () => {
    const m = boot();
    const log = newFdoLog();
    installFdo(m, log);
    m.runInKernel(() => {
      WdfDeviceSetCharacteristics(log.device!, FILE_REMOVABLE_MEDIA);
      expect(WdfDeviceGetCharacteristics(log.device!)).toBe(FILE_REMOVABLE_MEDIA | FILE_DEVICE_SECURE_OPEN);
      expect(WdfDeviceWdmGetDeviceObject(log.device!)!.Characteristics).toBe(FILE_REMOVABLE_MEDIA | FILE_DEVICE_SECURE_OPEN);
      WdfDeviceSetAlignmentRequirement(log.device!, 7);
      expect(WdfDeviceGetAlignmentRequirement(log.device!)).toBe(7);
    });
  });
});

describe("KMDF device functions: PnP behaviour", () => {
  it("WdfDeviceSetStaticStopRemove(FALSE) vetoes an orderly removal without asking the driver; TRUE lets it through", () => {
    const m = boot();
    const log = newFdoLog({ onDevice: (d) => WdfDeviceSetStaticStopRemove(d, false) });
    const path = installFdo(m, log);
    log.events.length = 0;
    expect(m.pnp.removeDevice(path)).toBe(STATUS_INVALID_DEVICE_STATE);
    expect(log.events).toEqual([]);
    m.runInKernel(() => expect(WdfDeviceGetDevicePnpState(log.device!)).toBe(WdfDevStatePnpStarted));
    m.runInKernel(() => WdfDeviceSetStaticStopRemove(log.device!, true));
    expect(m.pnp.removeDevice(path)).toBe(STATUS_SUCCESS);
    expect(log.events).toEqual(["QueryRemove", "D0Exit", "ReleaseHardware"]);
  });

  it("WdfDeviceSetFailed reports PNP_DEVICE_FAILED: the PnP manager tears the device down and marks it Code 43", () => {
    const m = boot();
    const log = newFdoLog();
    const path = installFdo(m, log);
    log.events.length = 0;
    m.runInKernel(() => WdfDeviceSetFailed(log.device!, WdfDeviceFailedNoRestart));
    m.run();
    expect(log.events).toEqual(["SurpriseRemoval", "D0Exit", "ReleaseHardware"]);
    expect(m.pnp.node(path)!.Problem).toBe(CM_PROB_FAILED_POST_START);
  });

  it("state change callbacks run with the notification type and states WDF's PnpEnterNewState passes, only for the types asked", () => {
    const m = boot();
    const seen: string[] = [];
    const statuses: NTSTATUS[] = [];
    const note = (machine: string) => (_d: unknown, data: WDF_DEVICE_PNP_NOTIFICATION_DATA): void => {
      const t = data.Type;
      if (t === StateNotificationEnterState) seen.push(`${machine} enter 0x${data.Data.EnterState.NewState.toString(16)} from 0x${data.Data.EnterState.CurrentState.toString(16)}`);
      if (t === StateNotificationPostProcessState) seen.push(`${machine} post 0x${data.Data.PostProcessState.CurrentState.toString(16)}`);
      if (t === StateNotificationLeaveState) seen.push(`${machine} leave 0x${data.Data.LeaveState.CurrentState.toString(16)} to 0x${data.Data.LeaveState.NewState.toString(16)}`);
    };
    const log = newFdoLog({
      onInit: (init: PWDFDEVICE_INIT) => {
        statuses.push(WdfDeviceInitRegisterPnpStateChangeCallback(init, WdfDevStatePnpStarted, note("pnp"), StateNotificationEnterState | StateNotificationPostProcessState));
        statuses.push(WdfDeviceInitRegisterPnpStateChangeCallback(init, WdfDevStatePnpInit, note("pnp"), StateNotificationLeaveState));
        statuses.push(WdfDeviceInitRegisterPowerStateChangeCallback(init, WdfDevStatePowerD0, note("power"), StateNotificationEnterState));
        // A power state for the PnP machine, and no notification type, are refused.
        statuses.push(WdfDeviceInitRegisterPnpStateChangeCallback(init, WdfDevStatePowerD0, note("pnp"), StateNotificationEnterState));
        statuses.push(WdfDeviceInitRegisterPnpStateChangeCallback(init, WdfDevStatePnpStarted, note("pnp"), 0));
      },
    });
    const path = installFdo(m, log);
    expect(statuses).toEqual([STATUS_SUCCESS, STATUS_SUCCESS, STATUS_SUCCESS, STATUS_INVALID_PARAMETER, STATUS_INVALID_PARAMETER]);
    const hex = (n: number): string => `0x${n.toString(16)}`;
    expect(seen[0]).toMatch(new RegExp(`^pnp leave ${hex(WdfDevStatePnpInit)} to 0x`));
    expect(seen).toContain(`power enter ${hex(WdfDevStatePowerD0)} from ` + seen.find((s) => s.startsWith("power enter"))!.split(" from ")[1]);
    const started = seen.findIndex((s) => s.startsWith(`pnp enter ${hex(WdfDevStatePnpStarted)}`));
    expect(started).toBeGreaterThan(0);
    expect(seen[started + 1]).toBe(`pnp post ${hex(WdfDevStatePnpStarted)}`);
    // Leaving Started (on removal) was not asked for.
    seen.length = 0;
    expect(m.pnp.removeDevice(path)).toBe(STATUS_SUCCESS);
    expect(seen.filter((s) => s.startsWith("pnp"))).toEqual([]);
  });
});

describe("KMDF device init options", () => {
  it("WdfDeviceInitSetIoTypeEx sets direct I/O; a config with the wrong Size is ignored", () => {
    const m = boot();
    const direct = newFdoLog({
      onInit: (init) => {
        const c = new WDF_IO_TYPE_CONFIG();
        WDF_IO_TYPE_CONFIG_INIT(c);
        c.ReadWriteIoType = WdfDeviceIoDirect;
        WdfDeviceInitSetIoTypeEx(init, c);
      },
    });
    installFdo(m, direct, "kdirect");
    const wrong = newFdoLog({
      onInit: (init) => {
        const c = new WDF_IO_TYPE_CONFIG();
        WDF_IO_TYPE_CONFIG_INIT(c);
        c.ReadWriteIoType = WdfDeviceIoDirect;
        c.Size = 12;
        WdfDeviceInitSetIoTypeEx(init, c);
      },
    });
    installFdo(m, wrong, "kwrong");
    m.runInKernel(() => {
      expect(WdfDeviceWdmGetDeviceObject(direct.device!)!.Flags & DO_DIRECT_IO).toBe(DO_DIRECT_IO);
      expect(WdfDeviceWdmGetDeviceObject(wrong.device!)!.Flags & DO_DIRECT_IO).toBe(0);
    });
  });

  it("WdfDeviceInitSetPowerInrush marks the device object DO_POWER_INRUSH and not power pageable", () => {
    const m = boot();
    const log = newFdoLog({ onInit: (init) => WdfDeviceInitSetPowerInrush(init) });
    installFdo(m, log);
    const flags = m.runInKernel(() => WdfDeviceWdmGetDeviceObject(log.device!)!.Flags);
    expect(flags & DO_POWER_INRUSH).toBe(DO_POWER_INRUSH);
    expect(flags & DO_POWER_PAGABLE).toBe(0);
  });

  it("out-of-range remove lock options and release-hardware orders are refused with a verifier break, and the device is still created", () => {
    const trace = new MemoryTraceSink();
    const m = boot({ trace });
    const log = newFdoLog({
      onInit: (init) => {
        const o = new WDF_REMOVE_LOCK_OPTIONS();
        WDF_REMOVE_LOCK_OPTIONS_INIT(o, WDF_REMOVE_LOCK_OPTION_ACQUIRE_FOR_IO | 2);
        WdfDeviceInitSetRemoveLockOptions(init, o);
        WdfDeviceInitSetReleaseHardwareOrderOnFailure(init, 3);
      },
    });
    installFdo(m, log);
    expect(trace.events.filter((e) => e.kind === "wdf.api-error").map((e) => e.detail)).toEqual([
      expect.stringContaining("WdfDeviceInitSetRemoveLockOptions"), expect.stringContaining("WdfDeviceInitSetReleaseHardwareOrderOnFailure"),
    ]);
    expect(log.device).not.toBe(null);
  });
});

describe("KMDF idle references without tracking", () => {
  it("WdfDeviceStopIdleNoTrack succeeds for the power-policy owner and is STATUS_INVALID_DEVICE_STATE for a device that is not", () => {
    const m = boot();
    const owner = newFdoLog();
    installFdo(m, owner, "kowner");
    const other = newFdoLog({ onInit: (init) => WdfDeviceInitSetPowerPolicyOwnership(init, false) });
    installFdo(m, other, "kother");
    m.runInKernel(() => {
      expect(NT_SUCCESS(WdfDeviceStopIdleNoTrack(owner.device!, false))).toBe(true);
      WdfDeviceResumeIdleNoTrack(owner.device!);
      expect(WdfDeviceStopIdleNoTrack(other.device!, false)).toBe(STATUS_INVALID_DEVICE_STATE);
    });
  });
});

describe("KMDF device interfaces: state and symbolic link", () => {
  const GUID = "{3c1e8a2b-4d5f-4a6b-9c7d-0e1f2a3b4c5d}";
  const enabled = (m: ReturnType<typeof boot>): string[] => m.runInKernel(() => {
    const list = Out(0);
    expect(IoGetDeviceInterfaces(GUID, null, 0, list)).toBe(STATUS_SUCCESS);
    const r = ReadMultiSz(list.value);
    ExFreePool(list.value);
    return r;
  });

  it("WdfDeviceRetrieveDeviceInterfaceString gives the link of a created interface; another reference string is STATUS_OBJECT_NAME_NOT_FOUND", () => {
    const m = boot();
    const log = newFdoLog({ onDevice: (d) => WdfDeviceCreateDeviceInterface(d, GUID, null) });
    installFdo(m, log);
    m.runInKernel(() => {
      const string = Out<WDFSTRING | null>(null);
      expect(WdfStringCreate(null, null, string)).toBe(STATUS_SUCCESS);
      expect(WdfDeviceRetrieveDeviceInterfaceString(log.device!, GUID, null, string.value!)).toBe(STATUS_SUCCESS);
      const u = new UNICODE_STRING();
      WdfStringGetUnicodeString(string.value!, u);
      expect(u.Buffer.toLowerCase()).toContain(GUID);
      expect(WdfDeviceRetrieveDeviceInterfaceString(log.device!, GUID, "other", string.value!)).toBe(STATUS_OBJECT_NAME_NOT_FOUND);
    });
    expect(enabled(m)).toHaveLength(1);
  });

  it("WdfDeviceSetDeviceInterfaceStateEx(FALSE) before the start keeps the interface off; TRUE later turns it on", () => {
    const m = boot();
    const log = newFdoLog({
      onDevice: (d) => {
        const status = WdfDeviceCreateDeviceInterface(d, GUID, null);
        WdfDeviceSetDeviceInterfaceStateEx(d, GUID, null, false);
        return status;
      },
    });
    installFdo(m, log);
    expect(enabled(m)).toEqual([]);
    m.runInKernel(() => WdfDeviceSetDeviceInterfaceState(log.device!, GUID, null, true));
    expect(enabled(m)).toHaveLength(1);
    m.runInKernel(() => WdfDeviceSetDeviceInterfaceState(log.device!, GUID, null, false));
    expect(enabled(m)).toEqual([]);
  });
});

describe("KMDF device properties", () => {
  it("WdfDeviceQueryProperty reads the PDO's hardware IDs (STATUS_BUFFER_TOO_SMALL with the length first); AllocAndQuery gives a WDFMEMORY of that size", () => {
    const m = boot();
    const fromInit: NTSTATUS[] = [];
    const log = newFdoLog({
      onInit: (init) => {
        const length = Out(0);
        fromInit.push(WdfFdoInitQueryProperty(init, DevicePropertyHardwareID, 0, 0, length));
        const key = Out<WDFKEY | null>(null);
        fromInit.push(WdfFdoInitOpenRegistryKey(init, PLUGPLAY_REGKEY_DEVICE, KEY_READ, null, key));
      },
    });
    installFdo(m, log);
    expect(fromInit).toEqual([STATUS_BUFFER_TOO_SMALL, STATUS_SUCCESS]);
    m.runInKernel(() => {
      const length = Out(0);
      expect(WdfDeviceQueryProperty(log.device!, DevicePropertyHardwareID, 0, 0, length)).toBe(STATUS_BUFFER_TOO_SMALL);
      const memory = Out<WDFMEMORY | null>(null);
      expect(WdfDeviceAllocAndQueryProperty(log.device!, DevicePropertyHardwareID, PagedPool, null, memory)).toBe(STATUS_SUCCESS);
      const size = Out(0);
      const buffer = WdfMemoryGetBuffer(memory.value!, size);
      expect(size.value).toBe(length.value);
      expect(ReadMultiSz(buffer)).toEqual(["root\\kmore"]);
    });
  });
});

describe("KMDF system power action", () => {
  it("WdfDeviceGetSystemPowerAction is PowerActionSleep while the device powers down for S3, PowerActionNone once it is back in D0", () => {
    const m = boot();
    const actions: number[] = [];
    const log = newFdoLog({ onD0Exit: (d) => void actions.push(WdfDeviceGetSystemPowerAction(d)) });
    installFdo(m, log);
    m.runInKernel(() => expect(WdfDeviceGetSystemPowerAction(log.device!)).toBe(PowerActionNone));
    expect(m.sleep(PowerSystemSleeping3)).toBe(STATUS_SUCCESS);
    expect(actions).toEqual([PowerActionSleep]);
    expect(m.wake()).toBe(STATUS_SUCCESS);
    m.run();
    expect(log.events.slice(-2)).toEqual(["D0Exit", "D0Entry"]);
    m.runInKernel(() => expect(WdfDeviceGetSystemPowerAction(log.device!)).toBe(PowerActionNone));
  });
});

describe("KMDF WdfDeviceOpenDevicemapKey", () => {
  it("opens (creating) HARDWARE\\DEVICEMAP\\<name> as a WDFKEY; an empty name is STATUS_INVALID_PARAMETER", () => {
    const m = boot();
    const log = newFdoLog();
    installFdo(m, log);
    m.runInKernel(() => {
      const name = new UNICODE_STRING();
      RtlInitUnicodeString(name, "KMoreMap");
      const key = Out<WDFKEY | null>(null);
      expect(WdfDeviceOpenDevicemapKey(log.device!, name, KEY_READ | KEY_WRITE, null, key)).toBe(STATUS_SUCCESS);
      expect(key.value).not.toBe(null);
      RtlInitUnicodeString(name, "");
      expect(WdfDeviceOpenDevicemapKey(log.device!, name, KEY_READ, null, key)).toBe(STATUS_INVALID_PARAMETER);
    });
  });
});
