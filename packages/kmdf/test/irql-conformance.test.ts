/**
 * IRQL conformance of the KMDF face, driven by the KMDF 1.33 headers (reference/kmdf-1.33-signatures.tsv):
 * every function @wdfjs/kmdf exports that the headers list with a maximum IRQL is called, in the
 * checked flavor, one level above that maximum from inside a KMDF driver's EvtIoDeviceControl, with
 * arguments built from its parameter types (the driver's real WDFDRIVER, WDFDEVICE, WDFQUEUE,
 * WDFREQUEST...). The KMDF verifier must not let the call succeed silently: it traces `wdf.wrong-irql`
 * and an NTSTATUS function returns STATUS_INVALID_DEVICE_REQUEST (fxverifier.h
 * FxVerifierCheckIrqlLevel). Functions added to @wdfjs/kmdf later are picked up by name.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  boot, BugCheck, CmResourceTypePort, CTL_CODE, DISPATCH_LEVEL, FILE_ANY_ACCESS, FILE_DEVICE_UNKNOWN, METHOD_BUFFERED, HIGH_LEVEL, IrqlName, KEY_READ, KEY_WRITE, KeLowerIrql, KeRaiseIrql, MemoryTraceSink, NonPagedPool, NT_SUCCESS, Out,
  STATUS_INVALID_DEVICE_REQUEST, STATUS_SUCCESS, type DRIVER_OBJECT, type KIRQL, type NTSTATUS,
} from "@wdfjs/kernel";
import {
  FxChildList, FxCmResList, FxIoResReqList, FxResourceAllAccessAllowed, FxDeviceInit, FxDeviceInitTypeFdo, FxDeviceInitTypePdo, FxObjectCommit, FxObjectHandleGetPtr, FxObjectTableOf, FX_TYPE_DEVICE, FX_TYPE_DRIVER,
  type FxDevice, type FxDriver, type FxIoResList,
} from "@wdfjs/framework";
import { GENERIC_READ, GENERIC_WRITE, OPEN_EXISTING, Win32Process } from "@wdfjs/win32";
import * as kmdf from "../src/index.js";
import {
  WDF_DRIVER_CONFIG, WDF_DRIVER_CONFIG_INIT, WDF_IO_QUEUE_CONFIG, WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE, WDF_OBJECT_ATTRIBUTES,
  WDF_OBJECT_ATTRIBUTES_INIT, WdfControlDeviceInitAllocate, WdfControlFinishInitializing, WdfDeviceCreate, WdfDeviceCreateSymbolicLink,
  WdfDeviceInitAssignName, WdfDeviceWdmGetDeviceObject, WdfDriverCreate, WdfDriverInitNonPnpDriver, WdfDriverWdmGetDriverObject,
  WdfIoQueueCreate, WdfIoQueueDispatchSequential, WdfObjectCreate, WdfRequestComplete, type PWDFDEVICE_INIT, type WDFDEVICE,
  type WDFDRIVER, type WDFOBJECT, type WDFQUEUE, type WDFREQUEST,
} from "../src/index.js";

const TSV = new URL("../reference/kmdf-1.33-signatures.tsv", import.meta.url);
const k = kmdf as unknown as Record<string, unknown>;
const IOCTL_PROBE = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x900, METHOD_BUFFERED, FILE_ANY_ACCESS);

/**
 * Exported functions the test cannot call yet, each with the reason (a handle type with no builder
 * below yet). Remove an entry once its arguments can be built; an entry naming a function that is
 * not exported fails the test.
 */
const NOT_YET_CONSTRUCTIBLE: ReadonlyMap<string, string> = new Map([
  // (none today: every exported function's parameter types have a builder below)
]);

/** Macros of wdfobject.h that expand to a function of the table. */
const MACROS: Readonly<Record<string, string>> = {
  WdfObjectReference: "WdfObjectReferenceActual",
  WdfObjectReferenceWithTag: "WdfObjectReferenceActual",
  WdfObjectDereference: "WdfObjectDereferenceActual",
  WdfObjectDereferenceWithTag: "WdfObjectDereferenceActual",
};

interface Param { type: string; name: string; out: boolean; optional: boolean }
interface Signature { name: string; returns: string; params: Param[]; irql: KIRQL | null }

const LEVELS: Record<string, KIRQL> = { PASSIVE_LEVEL: 0, APC_LEVEL: 1, DISPATCH_LEVEL: 2, HIGH_LEVEL: 15 };

function parseSignatures(): Map<string, Signature> {
  const map = new Map<string, Signature>();
  for (const line of readFileSync(TSV, "utf8").split("\n")) {
    const [, name, signature, irql = ""] = line.split("\t");
    if (name === undefined || signature === undefined || !name.startsWith("Wdf")) continue;
    const open = signature.indexOf("(");
    const close = signature.lastIndexOf(")");
    const returns = signature.slice(0, open).trim().split(/\s+/)[0]!;
    const list = signature.slice(open + 1, close).trim();
    const params = list === "" ? [] : list.split(",").map((raw): Param => {
      const out = /\/\*\s*(in)?out\??\s*\*\//.test(raw);
      const optional = /\/\*\s*(in|out|inout)\?\s*\*\//.test(raw);
      const text = raw.replace(/\/\*.*?\*\//g, "").replace(/\b_\w+_\([^)]*\)|\b_\w+_\b|__drv_\w+/g, "").trim();
      const at = text.search(/\w+$/);
      return { type: text.slice(0, at).trim(), name: text.slice(at), out, optional };
    });
    const levels = irql.split("|").filter((s) => s in LEVELS).map((s) => LEVELS[s]!);
    map.set(name, { name, returns, params, irql: levels.length === 0 ? null : Math.max(...levels) });
  }
  return map;
}

/** The handles and objects of the probe driver, and the request being presented. */
interface Fixture {
  driver: WDFDRIVER;
  device: WDFDEVICE;
  queue: WDFQUEUE;
  object: WDFOBJECT;
  request: WDFREQUEST;
}

class Unconstructible extends Error {}

const noop = (): void => {};
const attributes = (parent: unknown = null): WDF_OBJECT_ATTRIBUTES => {
  const a = new WDF_OBJECT_ATTRIBUTES();
  WDF_OBJECT_ATTRIBUTES_INIT(a);
  if (parent !== null) a.ParentObject = parent as WDFOBJECT;
  return a;
};

/** Calls an exported creator by its WDK name, if @wdfjs/kmdf has it (added by later work). */
function create(fn: string, args: (handle: { value: unknown }) => unknown[]): unknown {
  const f = k[fn];
  if (typeof f !== "function") throw new Unconstructible(`no ${fn} exported yet`);
  const handle = Out<unknown>(null);
  const status = (f as (...a: unknown[]) => NTSTATUS)(...args(handle));
  if (!NT_SUCCESS(status) || handle.value === null) throw new Unconstructible(`${fn} failed: 0x${(status >>> 0).toString(16)}`);
  return handle.value;
}

/** A struct of the WDK by its type name, initialised by its `_INIT` if there is one. */
function struct(type: string, init: unknown[] = []): unknown {
  const name = type.replace(/^(CONST\s+)?P(?=WDF_)/, "").replace(/^(CONST\s+)?(WDF_\w+)\s*\*$/, "$2");
  const C = k[name];
  if (typeof C !== "function") throw new Unconstructible(`no ${name} exported`);
  const value = new (C as new () => unknown)();
  const INIT = k[`${name}_INIT`];
  if (typeof INIT === "function") (INIT as (...a: unknown[]) => void)(value, ...init);
  return value;
}

/** The buffer of a WDFMEMORY, read at PASSIVE_LEVEL while the arguments are built. */
function WdfMemoryGetBufferOf(memory: unknown): number {
  return (k.WdfMemoryGetBuffer as (m: unknown, s: null) => number)(memory, null);
}

const IO_DESCRIPTOR = { Option: 0, Type: CmResourceTypePort, ShareDisposition: 1, Flags: 0, Length: 8, Alignment: 8, MinimumAddress: 0x300, MaximumAddress: 0x30f };

/** Builders of the framework handles a parameter may need, by handle type. */
const handles: Record<string, (f: Fixture) => unknown> = {
  WDFDRIVER: (f) => f.driver,
  WDFDEVICE: (f) => f.device,
  WDFFILEOBJECT: (f) => (k.WdfRequestGetFileObject as (r: unknown) => unknown)(f.request),
  WDFQUEUE: (f) => f.queue,
  WDFREQUEST: (f) => f.request,
  WDFOBJECT: (f) => f.object,
  WDFMEMORY: () => create("WdfMemoryCreate", (h) => [attributes(), NonPagedPool, 0x5072624b, 64, h, null]),
  WDFLOOKASIDE: () => create("WdfLookasideListCreate", (h) => [attributes(), 64, NonPagedPool, attributes(), 0x5072624b, h]),
  WDFTIMER: (f) => create("WdfTimerCreate", (h) => [struct("WDF_TIMER_CONFIG", [noop]), attributes(f.device), h]),
  WDFWORKITEM: (f) => create("WdfWorkItemCreate", (h) => [struct("WDF_WORKITEM_CONFIG", [noop]), attributes(f.device), h]),
  WDFDPC: (f) => create("WdfDpcCreate", (h) => [struct("WDF_DPC_CONFIG", [noop]), attributes(f.device), h]),
  WDFSPINLOCK: () => create("WdfSpinLockCreate", (h) => [attributes(), h]),
  WDFWAITLOCK: () => create("WdfWaitLockCreate", (h) => [attributes(), h]),
  WDFCOLLECTION: () => create("WdfCollectionCreate", (h) => [attributes(), h]),
  WDFSTRING: () => create("WdfStringCreate", (h) => [null, attributes(), h]),
  WDFIOTARGET: (f) => create("WdfIoTargetCreate", (h) => [f.device, attributes(), h]),
  WDFKEY: (f) => create("WdfDriverOpenParametersRegistryKey", (h) => [f.driver, KEY_READ | KEY_WRITE, attributes(), h]),
  // The probe device is a control device, which WdfChildListCreate refuses: the core's list is made directly.
  // The device's WDFCMRESLISTs exist from its first start; a core list stands in on the probe's control device.
  WDFCMRESLIST: (f) => {
    const list = new FxCmResList();
    FxObjectCommit(list, null, FxObjectHandleGetPtr(f.device, FX_TYPE_DEVICE) as FxDevice);
    return list.handle;
  },
  // WDF makes requirements lists only for the resource-requirements callbacks; a core one stands in.
  WDFIORESREQLIST: (f) => FxIoResReqList.fromWdm(FxObjectHandleGetPtr(f.device, FX_TYPE_DEVICE) as FxDevice, 0, FxResourceAllAccessAllowed).handle,
  WDFIORESLIST: (f) => {
    const req = FxIoResReqList.fromWdm(FxObjectHandleGetPtr(f.device, FX_TYPE_DEVICE) as FxDevice, 0, FxResourceAllAccessAllowed);
    const list = req.createList(null) as FxIoResList;
    list.insertAt(0, IO_DESCRIPTOR);
    req.insertAt(0, list);
    return list.handle;
  },
  WDFCHILDLIST: (f) => {
    const device = FxObjectHandleGetPtr(f.device, FX_TYPE_DEVICE) as FxDevice;
    const list = new FxChildList(device, { IdentificationDescriptionSize: 16, AddressDescriptionSize: 0, CreateDevice: noop });
    FxObjectCommit(list, null, device);
    return list.handle;
  },
};

const NUMBERS = /^(CONST\s+)?(U?CHAR|CCHAR|U?SHORT|U?LONG|ULONG_PTR|LONG_PTR|U?LONGLONG|size_t|ACCESS_MASK|POOL_TYPE|DEVICE_TYPE|LCID|KAFFINITY|INTERFACE_TYPE|DEVICE_REGISTRY_PROPERTY|DEVPROPTYPE|BYTE|KPROCESSOR_MODE|SYSTEM_POWER_STATE|WDF_[A-Z0-9_]+)$/;

/** One argument from its declared type, as a driver would pass a valid one. */
function argument(p: Param, f: Fixture, init: () => PWDFDEVICE_INIT, routine = ""): unknown {
  const t = p.type.replace(/\s+/g, " ");
  if (/UNICODE_STRING|PCWSTR|PWSTR|PCCH|PCSTR/.test(t)) return p.name === "DeviceName" ? "\\Device\\IrqlProbeOther" : "\\DosDevices\\IrqlProbeString";
  if (/GUID/.test(t)) return "{6fde7547-1b65-48ae-b628-80be62016026}";
  if (t === "PWDFMEMORY_OFFSET") return null;
  if (t === "PPNP_BUS_INFORMATION") return new kmdf.PNP_BUS_INFORMATION();
  if (t === "PUCHAR") return null;
  if (t === "PIO_RESOURCE_DESCRIPTOR") return { ...IO_DESCRIPTOR };
  if (t === "PCM_PARTIAL_RESOURCE_DESCRIPTOR") return { Type: CmResourceTypePort, ShareDisposition: 1, Flags: 0, u: { Start: 0x300, Length: 8 } };
  if (t === "PWDFDEVICE_INIT*") return Out(init());
  if (t === "PWDFDEVICE_INIT") return init();
  if (t === "PWDF_OBJECT_ATTRIBUTES") return attributes();
  if (t === "PDRIVER_OBJECT") return WdfDriverWdmGetDriverObject(f.driver);
  if (t === "PDEVICE_OBJECT") return WdfDeviceWdmGetDeviceObject(f.device);
  if (t.startsWith("PFN_")) return noop;
  if (t === "BOOLEAN") return false;
  if (t === "NTSTATUS") return STATUS_SUCCESS;
  if (p.out || /\*$/.test(t) || /^P(U?LONG|ULONG_PTR|VOID\*|LONGLONG|USHORT|DEVPROPTYPE)$/.test(t)) {
    return Out<unknown>(/^WDF[A-Z]+\*$/.test(t) ? null : 0);
  }
  if (/^(PVOID|WDFCONTEXT|PIRP|PMDL|PINTERFACE|PIO_STACK_LOCATION|PFILE_OBJECT|POHANDLE|PURB)$/.test(t)) return null;
  if (t === "WDFOBJECT" && (routine === "WdfObjectAcquireLock" || routine === "WdfObjectReleaseLock")) {
    // Only an object with a callback lock can be locked: a queue with queue-level synchronization.
    const config = struct("WDF_IO_QUEUE_CONFIG", [kmdf.WdfIoQueueDispatchManual]);
    const a = attributes();
    a.SynchronizationScope = kmdf.WdfSynchronizationScopeQueue;
    return create("WdfIoQueueCreate", (h) => [f.device, config, a, h]);
  }
  if (t === "WDFMEMORY" && routine === "WdfMemoryAssignBuffer") {
    // Only a preallocated WDFMEMORY takes a new buffer.
    return create("WdfMemoryCreatePreallocated", (h) => [attributes(), WdfMemoryGetBufferOf(handles.WDFMEMORY!(f)), 64, h]);
  }
  if (/^WDF[A-Z]+$/.test(t)) {
    const build = handles[t];
    if (build === undefined) throw new Unconstructible(`no builder for a ${t} argument`);
    return build(f);
  }
  if (/^P?WDF_[A-Z0-9_]+$/.test(t) && t.startsWith("P")) {
    try {
      return struct(t);
    } catch (e) {
      // An optional structure the driver may leave out.
      if (e instanceof Unconstructible && p.optional) return null;
      throw e;
    }
  }
  if (NUMBERS.test(t)) return 0;
  throw new Unconstructible(`no builder for a ${t} argument`);
}

/**
 * A device init of the kind the function is for: WdfFdoInit* an FDO init, WdfPdoInit* a PDO init
 * (made as the framework's AddDevice and WdfPdoInitAllocate make them, without a PnP stack: only the
 * IRQL check is reached), anything else a control-device init.
 */
function deviceInit(routine: string, Driver: WDFDRIVER): PWDFDEVICE_INIT {
  const type = routine.startsWith("WdfFdoInit") ? FxDeviceInitTypeFdo : routine.startsWith("WdfPdoInit") ? FxDeviceInitTypePdo : null;
  if (type === null) return WdfControlDeviceInitAllocate(Driver, "D:P(A;;GA;;;SY)");
  return new FxDeviceInit(FxObjectHandleGetPtr(Driver, FX_TYPE_DRIVER) as FxDriver, type) as unknown as PWDFDEVICE_INIT;
}

interface Outcome { result: unknown; traced: boolean; error: string | null }

/**
 * Boots a machine with the probe driver, opens its device and sends IOCTL_PROBE: the driver's
 * EvtIoDeviceControl builds the arguments, raises to one level above the function's maximum,
 * calls it, lowers back and completes the request (unless the call completed it already).
 */
function probe(fn: (...a: unknown[]) => unknown, routine: string, sig: Signature, raiseTo: KIRQL): Outcome {
  const trace = new MemoryTraceSink();
  const m = boot({ flavor: "checked", seed: 3, trace });
  const outcome: Outcome = { result: undefined, traced: false, error: null };
  let fixture: Omit<Fixture, "request"> | null = null;

  function ProbeEvtIoDeviceControl(_Queue: WDFQUEUE, Request: WDFREQUEST): void {
    const f: Fixture = { ...fixture!, request: Request };
    let args: unknown[];
    try {
      args = sig.params.map((p) => argument(p, f, () => deviceInit(routine, f.driver), routine));
    } catch (e) {
      outcome.error = e instanceof Unconstructible ? `cannot build arguments: ${e.message}` : `building arguments threw: ${String(e)}`;
      WdfRequestComplete(Request, STATUS_SUCCESS);
      return;
    }
    const before = trace.events.length;
    const old = Out<KIRQL>(0);
    KeRaiseIrql(raiseTo, old);
    try {
      let result = fn(...args);
      // A `...Synchronously` function is a generator that checks when it starts, as `yield*` starts it.
      if (result !== null && typeof result === "object" && typeof (result as Iterator<unknown>).next === "function") {
        result = (result as Iterator<unknown>).next().value;
      }
      outcome.result = result;
    } finally {
      KeLowerIrql(old.value);
    }
    outcome.traced = trace.events.slice(before).some((e) => e.kind === "wdf.wrong-irql" && e.detail !== null && e.detail.startsWith(`${routine} `));
    if (FxObjectTableOf().lookup(Request) !== undefined) WdfRequestComplete(Request, STATUS_SUCCESS);
  }

  function DriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
    const config = new WDF_DRIVER_CONFIG();
    WDF_DRIVER_CONFIG_INIT(config, null);
    config.DriverInitFlags |= WdfDriverInitNonPnpDriver;
    config.EvtDriverUnload = noop;
    const driver = Out<WDFDRIVER | null>(null);
    let status = WdfDriverCreate(DriverObject, RegistryPath, null, config, driver);
    if (!NT_SUCCESS(status)) return status;
    const init = Out<PWDFDEVICE_INIT>(WdfControlDeviceInitAllocate(driver.value!, "D:P(A;;GA;;;SY)"));
    WdfDeviceInitAssignName(init.value, "\\Device\\IrqlProbe");
    // Opens get a WDFFILEOBJECT (a driver without the config may get none).
    const fileConfig = new kmdf.WDF_FILEOBJECT_CONFIG();
    kmdf.WDF_FILEOBJECT_CONFIG_INIT(fileConfig, null, null, null);
    kmdf.WdfDeviceInitSetFileObjectConfig(init.value, fileConfig, null);
    const device = Out<WDFDEVICE | null>(null);
    status = WdfDeviceCreate(init, null, device);
    if (!NT_SUCCESS(status)) return status;
    status = WdfDeviceCreateSymbolicLink(device.value!, "\\DosDevices\\IrqlProbe");
    if (!NT_SUCCESS(status)) return status;
    const queueConfig = new WDF_IO_QUEUE_CONFIG();
    WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(queueConfig, WdfIoQueueDispatchSequential);
    queueConfig.EvtIoDeviceControl = ProbeEvtIoDeviceControl;
    const queue = Out<WDFQUEUE | null>(null);
    status = WdfIoQueueCreate(device.value!, queueConfig, null, queue);
    if (!NT_SUCCESS(status)) return status;
    const object = Out<WDFOBJECT | null>(null);
    status = WdfObjectCreate(null, object);
    if (!NT_SUCCESS(status)) return status;
    WdfControlFinishInitializing(device.value!);
    fixture = { driver: driver.value!, device: device.value!, queue: queue.value!, object: object.value! };
    return STATUS_SUCCESS;
  }

  expect(m.loadDriver("IrqlProbe", DriverEntry)).toBe(STATUS_SUCCESS);
  const app = Win32Process.create(m, "probe.exe");
  try {
    const h = app.CreateFile("\\\\.\\IrqlProbe", GENERIC_READ | GENERIC_WRITE, 0, null, OPEN_EXISTING, 0, 0);
    const buffer = app.alloc(64);
    app.DeviceIoControl(h, IOCTL_PROBE, buffer, 16, buffer, 16, Out(0), null);
  } catch (e) {
    outcome.error = e instanceof BugCheck ? `bug check 0x${e.data.BugCheckCode.toString(16)}: ${e.data.explanation}` : String(e);
  }
  return outcome;
}

const signatures = parseSignatures();

/** Every exported function with a maximum IRQL below HIGH_LEVEL (nothing is above HIGH_LEVEL). */
const candidates = Object.keys(k)
  .filter((name) => /^Wdf[A-Z]/.test(name) && typeof k[name] === "function")
  .map((name) => ({ name, routine: MACROS[name] ?? name }))
  .filter(({ routine }) => {
    const level = signatures.get(routine)?.irql;
    return level !== undefined && level !== null && level < HIGH_LEVEL;
  })
  .sort((a, b) => a.name.localeCompare(b.name));

describe("KMDF functions called above their maximum IRQL (checked flavor)", () => {
  it("covers the functions the headers give a level (the list is not empty)", () => {
    expect(candidates.length).toBeGreaterThan(40);
    expect(candidates.map((c) => c.name)).toContain("WdfRequestComplete");
    expect(candidates.map((c) => c.name)).toContain("WdfDeviceCreate");
    // The unified-model property DDIs and the persistent state key (a WDF_DEVICE_PROPERTY_DATA, a PDEVPROPTYPE out).
    for (const name of [
      "WdfDeviceQueryPropertyEx", "WdfDeviceAllocAndQueryPropertyEx", "WdfDeviceAssignProperty", "WdfFdoInitQueryPropertyEx",
      "WdfFdoInitAllocAndQueryPropertyEx", "WdfDriverOpenPersistentStateRegistryKey",
    ]) expect(candidates.map((c) => c.name)).toContain(name);
    // Miniport mode (wdfminiport.h): WdfDeviceMiniportCreate is PASSIVE_LEVEL, its PDEVICE_OBJECTs the probe
    // device's; WdfDriverMiniportUnload has no level in the headers (nor a check in fxdriverapikm.cpp), so it is not probed.
    expect(candidates.map((c) => c.name)).toContain("WdfDeviceMiniportCreate");
    expect(typeof k.WdfDriverMiniportUnload).toBe("function");
    expect(signatures.get("WdfDriverMiniportUnload")?.irql).toBeNull();
  });

  it("every one traces wdf.wrong-irql and fails (NTSTATUS: STATUS_INVALID_DEVICE_REQUEST) instead of succeeding silently", () => {
    const problems: string[] = [];
    for (const { name, routine } of candidates) {
      if (NOT_YET_CONSTRUCTIBLE.has(name)) continue;
      const sig = signatures.get(routine)!;
      const raiseTo = sig.irql! + 1;
      const o = probe(k[name] as (...a: unknown[]) => unknown, routine, sig, raiseTo);
      const at = `${name} at ${IrqlName(raiseTo)} (max ${IrqlName(sig.irql!)})`;
      if (o.error !== null) problems.push(`${at}: ${o.error}`);
      else if (!o.traced) problems.push(`${at}: no wdf.wrong-irql trace (the IRQL check is missing or uses another level)`);
      else if (sig.returns === "NTSTATUS" && o.result !== STATUS_INVALID_DEVICE_REQUEST) {
        problems.push(`${at}: returned 0x${((o.result as number) >>> 0).toString(16)}, not STATUS_INVALID_DEVICE_REQUEST`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("the allow-list of functions not yet constructible names only exported functions", () => {
    for (const name of NOT_YET_CONSTRUCTIBLE.keys()) expect(candidates.map((c) => c.name)).toContain(name);
  });

  it("at its maximum IRQL a function passes the check (WdfRequestSetInformation at DISPATCH_LEVEL)", () => {
    const sig = signatures.get("WdfRequestSetInformation")!;
    expect(sig.irql).toBe(DISPATCH_LEVEL);
    const o = probe(k.WdfRequestSetInformation as (...a: unknown[]) => unknown, "WdfRequestSetInformation", sig, DISPATCH_LEVEL);
    expect(o.error).toBeNull();
    expect(o.traced).toBe(false);
  });
});
