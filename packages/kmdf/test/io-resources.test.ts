import { describe, expect, it } from "vitest";
import {
  boot, CM_PROB_FAILED_START, STATUS_INSUFFICIENT_RESOURCES, CmResourceShareDeviceExclusive, CmResourceTypeInterrupt, CmResourceTypeMemory, CmResourceTypePort, DeviceNodeStarted, Isa, MemoryTraceSink, NT_SUCCESS,
  Out, STATUS_SUCCESS, type DRIVER_OBJECT, type IO_RESOURCE_DESCRIPTOR, type Machine, type NTSTATUS,
} from "@wdfjs/kernel";
import {
  STATUS_ARRAY_BOUNDS_EXCEEDED, WDF_DRIVER_CONFIG, WDF_DRIVER_CONFIG_INIT, WDF_FDO_EVENT_CALLBACKS, WDF_FDO_EVENT_CALLBACKS_INIT, WDF_PDO_EVENT_CALLBACKS, WDF_PDO_EVENT_CALLBACKS_INIT,
  WdfCmResourceListGetCount, WdfCmResourceListGetDescriptor, WdfCmResourceListRemove, WdfDeviceCreate, WdfDriverCreate, WdfFdoAddStaticChild,
  WdfFdoInitSetEventCallbacks, WdfIoResourceListAppendDescriptor, WdfIoResourceListCreate, WdfIoResourceListGetCount, WdfIoResourceListGetDescriptor,
  WdfIoResourceListInsertDescriptor, WdfIoResourceListRemove, WdfIoResourceListRemoveByDescriptor, WdfIoResourceListUpdateDescriptor,
  WdfIoResourceRequirementsListAppendIoResList, WdfIoResourceRequirementsListGetCount, WdfIoResourceRequirementsListGetIoResList,
  WdfIoResourceRequirementsListInsertIoResList, WdfIoResourceRequirementsListRemove, WdfIoResourceRequirementsListRemoveByIoResList,
  WdfIoResourceRequirementsListSetInterfaceType, WdfIoResourceRequirementsListSetSlotNumber, WdfPdoInitAddHardwareID, WdfPdoInitAllocate,
  WdfPdoInitAssignDeviceID, WdfPdoInitAssignInstanceID, WdfPdoInitSetEventCallbacks, type PWDFDEVICE_INIT, type WDFDEVICE, type WDFDRIVER,
  type WDFIORESLIST, type WDFIORESREQLIST,
} from "../src/index.js";
import { fdoDriver, newFdoLog, type FdoLog } from "./kmdf-fdo-harness.js";

const PORT: IO_RESOURCE_DESCRIPTOR = { Option: 0, Type: CmResourceTypePort, ShareDisposition: CmResourceShareDeviceExclusive, Flags: 0, Length: 0x10, Alignment: 0x10, MinimumAddress: 0x300, MaximumAddress: 0x31f };
const IRQ: IO_RESOURCE_DESCRIPTOR = { Option: 0, Type: CmResourceTypeInterrupt, ShareDisposition: CmResourceShareDeviceExclusive, Flags: 0, MinimumVector: 5, MaximumVector: 7 };
const MEM: IO_RESOURCE_DESCRIPTOR = { Option: 0, Type: CmResourceTypeMemory, ShareDisposition: CmResourceShareDeviceExclusive, Flags: 0, Length: 0x1000, Alignment: 0x1000, MinimumAddress: 0xf0000000, MaximumAddress: 0xf00fffff };

/** A KMDF bus driver with one static child PDO whose EvtDeviceResourceRequirementsQuery runs `query`. */
function busDriver(query: (list: WDFIORESREQLIST) => NTSTATUS) {
  function EvtDeviceAdd(_Driver: WDFDRIVER, DeviceInit: PWDFDEVICE_INIT): NTSTATUS {
    const fdo = Out<WDFDEVICE | null>(null);
    let status = WdfDeviceCreate(Out(DeviceInit), null, fdo);
    if (!NT_SUCCESS(status)) return status;
    const init = WdfPdoInitAllocate(fdo.value!);
    WdfPdoInitAssignDeviceID(init, "KRBUS\\Child");
    WdfPdoInitAssignInstanceID(init, "1");
    WdfPdoInitAddHardwareID(init, "KRBUS\\Child");
    const cb = new WDF_PDO_EVENT_CALLBACKS();
    WDF_PDO_EVENT_CALLBACKS_INIT(cb);
    cb.EvtDeviceResourceRequirementsQuery = (_d, list) => query(list);
    WdfPdoInitSetEventCallbacks(init, cb);
    const child = Out<WDFDEVICE | null>(null);
    status = WdfDeviceCreate(Out(init), null, child);
    return NT_SUCCESS(status) ? WdfFdoAddStaticChild(fdo.value!, child.value!) : status;
  }
  return function DriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
    const config = new WDF_DRIVER_CONFIG();
    WDF_DRIVER_CONFIG_INIT(config, EvtDeviceAdd);
    return WdfDriverCreate(DriverObject, RegistryPath, null, config, null);
  };
}

/** The PDO's answer: one alternative list of a port and an interrupt. */
function portAndInterrupt(list: WDFIORESREQLIST): NTSTATUS {
  const res = Out<WDFIORESLIST | null>(null);
  let status = WdfIoResourceListCreate(list, null, res);
  if (!NT_SUCCESS(status)) return status;
  status = WdfIoResourceListAppendDescriptor(res.value!, PORT);
  if (NT_SUCCESS(status)) status = WdfIoResourceListAppendDescriptor(res.value!, IRQ);
  return NT_SUCCESS(status) ? WdfIoResourceRequirementsListAppendIoResList(list, res.value!) : status;
}

function setup(query: (list: WDFIORESREQLIST) => NTSTATUS, log: FdoLog, fdo: Partial<WDF_FDO_EVENT_CALLBACKS> | null, trace?: MemoryTraceSink): { m: Machine; path: string } {
  const m = boot(trace ? { trace } : {});
  if (fdo !== null) {
    log.onInit = (init) => {
      const c = new WDF_FDO_EVENT_CALLBACKS();
      WDF_FDO_EVENT_CALLBACKS_INIT(c);
      Object.assign(c, fdo);
      WdfFdoInitSetEventCallbacks(init, c);
    };
  }
  m.installDriverPackage({ service: "krbus", hardwareIds: [{ id: "root\\krbus" }], class: "System", framework: "WDM", DriverEntry: busDriver(query) });
  m.installDriverPackage({ service: "krfunc", hardwareIds: [{ id: "KRBUS\\Child" }], class: "System", framework: "WDM", DriverEntry: fdoDriver(log) });
  m.pnp.createRootDevice({ hardwareIds: ["root\\krbus"], class: "System" });
  return { m, path: "KRBUS\\CHILD\\1" };
}

const descriptors = (list: Parameters<typeof WdfCmResourceListGetCount>[0]) =>
  Array.from({ length: WdfCmResourceListGetCount(list) }, (_, i) => WdfCmResourceListGetDescriptor(list, i)!);

describe("KMDF IO resource requirements (WDFIORESREQLIST, WDFIORESLIST)", () => {
  it("a KMDF bus PDO's EvtDeviceResourceRequirementsQuery list is what the function driver's EvtDevicePrepareHardware is assigned from", () => {
    const types: number[][] = [];
    const log = newFdoLog({ onPrepare: (_d, _raw, translated) => void types.push(descriptors(translated).map((d) => d.Type)) });
    const { m, path } = setup(portAndInterrupt, log, null);
    expect(m.pnp.node(path)!.State).toBe(DeviceNodeStarted);
    expect(types).toEqual([[CmResourceTypePort, CmResourceTypeInterrupt]]);
  });

  it("the FDO filters: EvtDeviceFilterRemoveResourceRequirements before the lower drivers, EvtDeviceFilterAddResourceRequirements after, and EvtDeviceRemoveAddedResources at START", () => {
    const calls: string[] = [];
    const raws: { Type: number; Start?: number; Length?: number }[][] = [];
    const log = newFdoLog({ onPrepare: (_d, raw) => void raws.push(descriptors(raw).map((d) => ({ Type: d.Type, Start: d.u.Start, Length: d.u.Length }))) });
    const { m, path } = setup(portAndInterrupt, log, {
      EvtDeviceFilterRemoveResourceRequirements: (_d, list) => {
        calls.push(`remove ${WdfIoResourceRequirementsListGetCount(list)}`);
        // The interrupt goes; the port becomes 8 ports at 0x340.
        const res = WdfIoResourceRequirementsListGetIoResList(list, 0)!;
        WdfIoResourceListRemoveByDescriptor(res, IRQ);
        WdfIoResourceListUpdateDescriptor(res, { ...PORT, Length: 8, Alignment: 8, MinimumAddress: 0x340, MaximumAddress: 0x347 }, 0);
        return STATUS_SUCCESS;
      },
      EvtDeviceFilterAddResourceRequirements: (_d, list) => {
        const res = WdfIoResourceRequirementsListGetIoResList(list, 0)!;
        calls.push(`add ${WdfIoResourceListGetCount(res)} ${WdfIoResourceListGetDescriptor(res, 0)!.MinimumAddress!.toString(16)}`);
        return WdfIoResourceListAppendDescriptor(res, MEM);
      },
      EvtDeviceRemoveAddedResources: (_d, raw, translated) => {
        calls.push(`removeAdded ${WdfCmResourceListGetCount(raw)}`);
        // The memory range the filter added is the function driver's own: the lower drivers do not see it.
        WdfCmResourceListRemove(raw, 1);
        WdfCmResourceListRemove(translated, 1);
        return STATUS_SUCCESS;
      },
    });
    expect(m.pnp.node(path)!.State).toBe(DeviceNodeStarted);
    expect(calls).toEqual(["remove 1", "add 1 340", "removeAdded 2"]);
    // EvtDevicePrepareHardware gets the whole assignment: the moved port and the added memory, no interrupt.
    expect(raws).toEqual([[{ Type: CmResourceTypePort, Start: 0x340, Length: 8 }, { Type: CmResourceTypeMemory, Start: 0xf0000000, Length: 0x1000 }]]);
  });

  it("a filter callback's failure fails the IRP, and the device does not start", () => {
    const log = newFdoLog();
    const { m, path } = setup(portAndInterrupt, log, {
      EvtDeviceFilterRemoveResourceRequirements: () => STATUS_INSUFFICIENT_RESOURCES,
    });
    expect(m.pnp.node(path)!.Problem).toBe(CM_PROB_FAILED_START);
    expect(log.events).not.toContain("PrepareHardware");
  });

  it("the list functions: statuses, bounds, copies and the verifier breaks of bad indexes", () => {
    const trace = new MemoryTraceSink();
    const out: unknown[] = [];
    const query = (list: WDFIORESREQLIST): NTSTATUS => {
      const a = Out<WDFIORESLIST | null>(null);
      const b = Out<WDFIORESLIST | null>(null);
      WdfIoResourceListCreate(list, null, a);
      WdfIoResourceListCreate(list, null, b);
      out.push(WdfIoResourceRequirementsListInsertIoResList(list, a.value!, 1)); // past the end
      out.push(WdfIoResourceRequirementsListAppendIoResList(list, a.value!));
      out.push(WdfIoResourceRequirementsListInsertIoResList(list, b.value!, 0));
      out.push(WdfIoResourceRequirementsListGetIoResList(list, 0) === b.value, WdfIoResourceRequirementsListGetIoResList(list, 2));
      out.push(WdfIoResourceListInsertDescriptor(a.value!, PORT, 3)); // past the end
      out.push(WdfIoResourceListAppendDescriptor(a.value!, IRQ), WdfIoResourceListInsertDescriptor(a.value!, PORT, 0));
      const copy = WdfIoResourceListGetDescriptor(a.value!, 0)!;
      copy.MinimumAddress = 0x999;
      out.push(WdfIoResourceListGetDescriptor(a.value!, 0)!.MinimumAddress, WdfIoResourceListGetDescriptor(a.value!, 2));
      WdfIoResourceListRemove(a.value!, 5); // a verifier break
      WdfIoResourceListUpdateDescriptor(a.value!, PORT, 7); // a verifier break
      WdfIoResourceRequirementsListRemove(list, 9); // a verifier break
      WdfIoResourceListRemove(a.value!, 1);
      out.push(WdfIoResourceListGetCount(a.value!));
      WdfIoResourceRequirementsListRemoveByIoResList(list, b.value!);
      out.push(WdfIoResourceRequirementsListGetCount(list));
      const other = Out<WDFIORESLIST | null>(null);
      out.push(WdfIoResourceListCreate(list, null, other), WdfIoResourceRequirementsListInsertIoResList(list, other.value!, 0));
      WdfIoResourceRequirementsListRemove(list, 0);
      out.push(WdfIoResourceRequirementsListGetCount(list));
      WdfIoResourceRequirementsListSetInterfaceType(list, Isa);
      WdfIoResourceRequirementsListSetSlotNumber(list, 3);
      return STATUS_SUCCESS;
    };
    const { m, path } = setup(query, newFdoLog(), null, trace);
    expect(out).toEqual([
      STATUS_ARRAY_BOUNDS_EXCEEDED, STATUS_SUCCESS, STATUS_SUCCESS, true, null,
      STATUS_ARRAY_BOUNDS_EXCEEDED, STATUS_SUCCESS, STATUS_SUCCESS, 0x300, null,
      1, 1, STATUS_SUCCESS, STATUS_SUCCESS, 1,
    ]);
    expect(trace.events.filter((e) => e.kind === "wdf.api-error")).toHaveLength(3);
    const req = m.pnp.node(path)!.ResourceRequirements!;
    expect([req.InterfaceType, req.SlotNumber, req.List.length]).toEqual([Isa, 3, 1]);
    expect(req.List[0]!.Descriptors.map((d) => d.Type)).toEqual([CmResourceTypePort]);
  });
});
