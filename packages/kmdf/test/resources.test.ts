import { describe, expect, it } from "vitest";
import {
  boot, CmResourceShareDeviceExclusive, CmResourceTypeInterrupt, CmResourceTypePort, IoMakeResourceRequirementsList, MemoryTraceSink, STATUS_ACCESS_DENIED,
  STATUS_INSUFFICIENT_RESOURCES, STATUS_SUCCESS, type CM_PARTIAL_RESOURCE_DESCRIPTOR, type NTSTATUS,
} from "@wdfjs/kernel";
import {
  WdfCmResourceListAppendDescriptor, WdfCmResourceListGetCount, WdfCmResourceListGetDescriptor, WdfCmResourceListInsertDescriptor, WdfCmResourceListRemove,
  WdfCmResourceListRemoveByDescriptor, WDF_FDO_EVENT_CALLBACKS, WDF_FDO_EVENT_CALLBACKS_INIT, WdfFdoInitSetEventCallbacks, type PWDFDEVICE_INIT, type WDFCMRESLIST,
} from "../src/index.js";
import { installFdo, newFdoLog } from "./kmdf-fdo-harness.js";

const requirements = IoMakeResourceRequirementsList([[
  { Option: 0, Type: CmResourceTypePort, ShareDisposition: CmResourceShareDeviceExclusive, Flags: 0, Length: 0x10, Alignment: 0x10, MinimumAddress: 0x300, MaximumAddress: 0x31f },
  { Option: 0, Type: CmResourceTypeInterrupt, ShareDisposition: CmResourceShareDeviceExclusive, Flags: 0, MinimumVector: 5, MaximumVector: 7 },
]]);

interface Seen { raw: WDFCMRESLIST; translated: WDFCMRESLIST; count: number[]; descriptors: (CM_PARTIAL_RESOURCE_DESCRIPTOR | null)[]; statuses: NTSTATUS[] }

describe("KMDF resource lists (WDFCMRESLIST)", () => {
  it("EvtDevicePrepareHardware gets the START IRP's raw and translated lists as WDFCMRESLISTs whose descriptors are the assigned port and interrupt", () => {
    const m = boot();
    const seen: Partial<Seen> = {};
    const log = newFdoLog({
      onPrepare: (_d, raw, translated) => {
        seen.raw = raw;
        seen.translated = translated;
        seen.count = [WdfCmResourceListGetCount(raw), WdfCmResourceListGetCount(translated)];
        seen.descriptors = [0, 1, 2].map((i) => WdfCmResourceListGetDescriptor(translated, i));
      },
    });
    installFdo(m, log, "kres", requirements);
    expect(log.events[0]).toBe("PrepareHardware");
    expect(seen.raw).not.toBe(seen.translated);
    expect(seen.count).toEqual([2, 2]);
    const [port, interrupt, none] = seen.descriptors!;
    expect(port).toMatchObject({ Type: CmResourceTypePort, u: { Start: 0x300, Length: 0x10 } });
    expect(interrupt!.Type).toBe(CmResourceTypeInterrupt);
    expect(interrupt!.u.Vector).toBeGreaterThanOrEqual(5);
    expect(none).toBe(null);
  });

  it("a device without resources gets empty lists", () => {
    const m = boot();
    const counts: number[] = [];
    installFdo(m, newFdoLog({ onPrepare: (_d, raw, translated) => void counts.push(WdfCmResourceListGetCount(raw), WdfCmResourceListGetCount(translated)) }), "knores");
    expect(counts).toEqual([0, 0]);
  });

  it("the lists EvtDevicePrepareHardware gets are read-only: adding is STATUS_ACCESS_DENIED, removing a verifier break, and nothing changes", () => {
    const trace = new MemoryTraceSink();
    const m = boot({ trace });
    const statuses: NTSTATUS[] = [];
    const counts: number[] = [];
    installFdo(m, newFdoLog({
      onPrepare: (_d, raw) => {
        const first = WdfCmResourceListGetDescriptor(raw, 0)!;
        statuses.push(WdfCmResourceListAppendDescriptor(raw, first), WdfCmResourceListInsertDescriptor(raw, first, 0));
        WdfCmResourceListRemove(raw, 0);
        WdfCmResourceListRemoveByDescriptor(raw, first);
        counts.push(WdfCmResourceListGetCount(raw));
      },
    }), "kro", requirements);
    expect(statuses).toEqual([STATUS_ACCESS_DENIED, STATUS_ACCESS_DENIED]);
    expect(counts).toEqual([2]);
    expect(trace.events.filter((e) => e.kind === "wdf.api-error")).toHaveLength(4);
  });

  it("the lists are rebuilt at each start: after a rebalance (stop, start) the driver sees the new assignment", () => {
    const m = boot();
    const starts: number[] = [];
    const path = installFdo(m, newFdoLog({ onPrepare: (_d, _raw, translated) => void starts.push(WdfCmResourceListGetCount(translated)) }), "kre", requirements);
    expect(m.pnp.rebalanceDevice(path)).toBe(STATUS_SUCCESS);
    expect(starts).toEqual([2, 2]);
  });
});

describe("KMDF EvtDeviceRemoveAddedResources (WdfFdoInitSetEventCallbacks)", () => {
  function fdoCallbacks(cb: WDF_FDO_EVENT_CALLBACKS["EvtDeviceRemoveAddedResources"]): (init: PWDFDEVICE_INIT) => void {
    return (init) => {
      const c = new WDF_FDO_EVENT_CALLBACKS();
      WDF_FDO_EVENT_CALLBACKS_INIT(c);
      c.EvtDeviceRemoveAddedResources = cb;
      WdfFdoInitSetEventCallbacks(init, c);
    };
  }

  it("runs at START before the lower drivers with lists it may change; EvtDevicePrepareHardware still gets the IRP's own lists", () => {
    const m = boot();
    const seen: string[] = [];
    installFdo(m, newFdoLog({
      onInit: fdoCallbacks((_d, raw, translated) => {
        seen.push(`remove-added ${WdfCmResourceListGetCount(raw)} ${WdfCmResourceListGetCount(translated)}`);
        WdfCmResourceListRemove(raw, 1);
        WdfCmResourceListRemove(translated, 1);
        seen.push(`after ${WdfCmResourceListGetCount(raw)}`);
        return STATUS_SUCCESS;
      }),
      onPrepare: (_d, raw) => void seen.push(`prepare ${WdfCmResourceListGetCount(raw)}`),
    }), "kadd", requirements);
    expect(seen).toEqual(["remove-added 2 2", "after 1", "prepare 2"]);
  });

  it("a failing EvtDeviceRemoveAddedResources fails the start: no EvtDevicePrepareHardware, the device has a problem code", () => {
    const m = boot();
    const log = newFdoLog({ onInit: fdoCallbacks(() => STATUS_INSUFFICIENT_RESOURCES) });
    const path = installFdo(m, log, "kfail", requirements);
    expect(log.events).not.toContain("PrepareHardware");
    expect(m.pnp.node(path)!.Problem).not.toBe(0);
  });
});
