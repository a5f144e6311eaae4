/**
 * IRP_MN_FILTER_RESOURCE_REQUIREMENTS: the PnP manager sends the bus driver's requirements through
 * the whole stack before it assigns resources, and assigns from the list the stack returns.
 */
import { describe, expect, it } from "vitest";
import {
  boot, CM_PROB_FAILED_START, CmResourceShareDeviceExclusive, CmResourceTypePort, DeviceNodeStarted, ExFreePool, FILE_DEVICE_UNKNOWN,
  IoAttachDeviceToDeviceStack, IoBuildResourceRequirementsList, IoCallDriver, IoCompleteRequest, IoCreateDevice, IoForwardIrpSynchronously,
  IoGetCurrentIrpStackLocation, IoMakeResourceRequirementsList, IoSkipCurrentIrpStackLocation, IO_NO_INCREMENT, IRP_MJ_PNP, IRP_MN_FILTER_RESOURCE_REQUIREMENTS,
  IRP_MN_START_DEVICE, MemoryTraceSink, Out, ReadCmResourceList, ReadResourceRequirementsList, STATUS_SUCCESS, STATUS_UNSUCCESSFUL, DO_DEVICE_INITIALIZING,
  type CM_RESOURCE_LIST, type DEVICE_OBJECT, type DRIVER_OBJECT, type IO_RESOURCE_REQUIREMENTS_LIST, type IRP, type KWAIT_GENERATOR, type NTSTATUS,
} from "../src/index.js";

const port = (min: number, max: number) => ({
  Option: 0, Type: CmResourceTypePort, ShareDisposition: CmResourceShareDeviceExclusive, Flags: 0, Length: 0x10, Alignment: 0x10, MinimumAddress: min, MaximumAddress: max,
});

interface Seen { filterIn: IO_RESOURCE_REQUIREMENTS_LIST[]; started: CM_RESOURCE_LIST[] }

/** A function driver whose FILTER handler (on the way up, as the docs ask) replaces the list with `replace`, or fails. */
function filteringDriver(seen: Seen, replace: IO_RESOURCE_REQUIREMENTS_LIST | "fail" | null) {
  function* pnp(d: DEVICE_OBJECT, Irp: IRP): KWAIT_GENERATOR<NTSTATUS> {
    const lower = d.DeviceExtension as DEVICE_OBJECT;
    const sl = IoGetCurrentIrpStackLocation(Irp);
    if (sl.MinorFunction === IRP_MN_FILTER_RESOURCE_REQUIREMENTS) {
      yield* IoForwardIrpSynchronously(lower, Irp);
      const old = Irp.IoStatus.Information;
      seen.filterIn.push(ReadResourceRequirementsList(old));
      if (replace === "fail") Irp.IoStatus.Status = STATUS_UNSUCCESSFUL;
      else if (replace !== null) {
        // A new list from paged pool; the one received is freed.
        Irp.IoStatus.Information = IoBuildResourceRequirementsList(replace);
        ExFreePool(old);
        Irp.IoStatus.Status = STATUS_SUCCESS;
      }
      const status = Irp.IoStatus.Status;
      IoCompleteRequest(Irp, IO_NO_INCREMENT);
      return status;
    }
    if (sl.MinorFunction === IRP_MN_START_DEVICE && sl.Parameters.StartDevice.AllocatedResources !== 0) {
      seen.started.push(ReadCmResourceList(sl.Parameters.StartDevice.AllocatedResources));
    }
    IoSkipCurrentIrpStackLocation(Irp);
    return IoCallDriver(lower, Irp);
  }
  return function DriverEntry(DriverObject: DRIVER_OBJECT): NTSTATUS {
    DriverObject.DriverExtension.AddDevice = (drv, pdo) => {
      const dev = Out<DEVICE_OBJECT | null>(null);
      const holder: { lower: DEVICE_OBJECT | null } = { lower: null };
      const st = IoCreateDevice(drv, () => holder.lower, null, FILE_DEVICE_UNKNOWN, 0, false, dev);
      if (st < 0) return st;
      holder.lower = IoAttachDeviceToDeviceStack(dev.value!, pdo);
      dev.value!.DeviceExtension = holder.lower;
      dev.value!.Flags &= ~DO_DEVICE_INITIALIZING;
      return STATUS_SUCCESS;
    };
    DriverObject.MajorFunction[IRP_MJ_PNP] = pnp;
    return STATUS_SUCCESS;
  };
}

function setup(replace: IO_RESOURCE_REQUIREMENTS_LIST | "fail" | null, requirements: IO_RESOURCE_REQUIREMENTS_LIST | undefined) {
  const trace = new MemoryTraceSink();
  const m = boot({ trace });
  const seen: Seen = { filterIn: [], started: [] };
  m.installDriverPackage({ service: "filt", hardwareIds: [{ id: "root\\filt" }], class: "System", framework: "WDM", DriverEntry: filteringDriver(seen, replace) });
  const path = m.pnp.createRootDevice({ hardwareIds: ["root\\filt"], class: "System", ...(requirements ? { requirements } : {}) });
  const pnp = trace.events.filter((e) => e.kind === "pnp").map((e) => e.detail!.split(" ")[0]!);
  return { m, seen, path, pnp };
}

describe("PnP: IRP_MN_FILTER_RESOURCE_REQUIREMENTS", () => {
  it("is sent after AddDevice and before START_DEVICE, once QUERY_RESOURCE_REQUIREMENTS has the bus driver's list", () => {
    const { pnp, seen } = setup(null, IoMakeResourceRequirementsList([[port(0x300, 0x31f)]]));
    const order = pnp.filter((w) => /RESOURCE|AddDevice|START_DEVICE/.test(w));
    expect(order).toEqual(["QUERY_RESOURCE_REQUIREMENTS", "AddDevice", "FILTER_RESOURCE_REQUIREMENTS", "START_DEVICE"]);
    // The stack sees the bus driver's list at IoStatus.Information.
    expect(seen.filterIn[0]!.List[0]!.Descriptors[0]).toMatchObject({ MinimumAddress: 0x300, MaximumAddress: 0x31f, Length: 0x10 });
    expect(seen.started[0]!.List[0]!.PartialResourceList.PartialDescriptors[0]!.u).toEqual({ Start: 0x300, Length: 0x10 });
  });

  it("the list a function driver puts in its place is the one resources are assigned from", () => {
    const { m, seen, path } = setup(IoMakeResourceRequirementsList([[port(0x500, 0x51f)]]), IoMakeResourceRequirementsList([[port(0x300, 0x31f)]]));
    expect(m.pnp.node(path)!.State).toBe(DeviceNodeStarted);
    expect(seen.started[0]!.List[0]!.PartialResourceList.PartialDescriptors[0]!.u).toEqual({ Start: 0x500, Length: 0x10 });
    // A rebalance filters again, so the driver's list still rules.
    expect(m.pnp.rebalanceDevice(path)).toBe(STATUS_SUCCESS);
    expect(seen.filterIn).toHaveLength(2);
    expect(seen.started[1]!.List[0]!.PartialResourceList.PartialDescriptors[0]!.u).toEqual({ Start: 0x500, Length: 0x10 });
  });

  it("a stack that fails the IRP does not start (CM_PROB_FAILED_START)", () => {
    const { m, path, pnp } = setup("fail", IoMakeResourceRequirementsList([[port(0x300, 0x31f)]]));
    expect(m.pnp.node(path)!.Problem).toBe(CM_PROB_FAILED_START);
    expect(pnp).not.toContain("START_DEVICE");
  });

  it("a device whose bus reports no requirements is not sent the IRP and starts with no resources", () => {
    const { m, path, pnp, seen } = setup(null, undefined);
    expect(pnp).not.toContain("FILTER_RESOURCE_REQUIREMENTS");
    expect(m.pnp.node(path)!.State).toBe(DeviceNodeStarted);
    expect(seen.started).toEqual([]);
  });
});
