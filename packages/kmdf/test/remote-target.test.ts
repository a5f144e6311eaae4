import { describe, expect, it } from "vitest";
import {
  boot, FILE_OBJECT, GENERIC_READ, GENERIC_WRITE, NonPagedPoolNx, Out, ReadBytes, STATUS_INVALID_DEVICE_STATE, STATUS_SUCCESS, STATUS_UNSUCCESSFUL, WriteBytes,
  type KWAIT_GENERATOR, type Machine, type NTSTATUS,
} from "@wdfjs/kernel";
import {
  WDF_IO_TARGET_OPEN_PARAMS, WDF_IO_TARGET_OPEN_PARAMS_INIT_EXISTING_DEVICE, WDF_IO_TARGET_OPEN_PARAMS_INIT_OPEN_BY_NAME, WDF_REQUEST_REUSE_NO_FLAGS,
  WDF_REQUEST_REUSE_PARAMS, WDF_REQUEST_REUSE_PARAMS_INIT, WdfDeviceWdmGetDeviceObject, WdfIoTargetClose, WdfIoTargetCloseForQueryRemove, WdfIoTargetClosed,
  WdfIoTargetCreate, WdfIoTargetFormatRequestForRead, WdfIoTargetFormatRequestForWrite, WdfIoTargetGetState, WdfIoTargetOpen, WdfIoTargetStarted,
  WdfIoTargetWdmGetTargetDeviceObject, WdfIoTargetWdmGetTargetFileObject, WdfMemoryCreate, WdfMemoryGetBuffer, WdfRequestCreate, WdfRequestGetStatus, WdfRequestReuse,
  WdfRequestSend, WdfRequestSetCompletionRoutine, type WDFDEVICE, type WDFIOTARGET, type WDFMEMORY, type WDFREQUEST,
} from "../src/index.js";
import { bytesOf, inThread, installLower, installMonitor, lowerInterface, newLower, text, type Lower } from "./target-harness.js";

function setup(): { m: Machine; lower: Lower; path: string; mon: WDFDEVICE } {
  const m = boot();
  const lower = newLower();
  const path = installLower(m, lower);
  const mon = installMonitor(m);
  return { m, lower, path, mon };
}

/** WdfIoTargetCreate + WdfIoTargetOpen by klower's interface link, in a system thread. */
function openByName(m: Machine, mon: WDFDEVICE, params?: (p: WDF_IO_TARGET_OPEN_PARAMS) => void): WDFIOTARGET {
  const name = lowerInterface(m);
  const r = inThread(m, function* () {
    const target = Out<WDFIOTARGET | null>(null);
    expect(WdfIoTargetCreate(mon, null, target)).toBe(STATUS_SUCCESS);
    expect(WdfIoTargetGetState(target.value!)).toBe(WdfIoTargetClosed);
    const p = new WDF_IO_TARGET_OPEN_PARAMS();
    WDF_IO_TARGET_OPEN_PARAMS_INIT_OPEN_BY_NAME(p, name, GENERIC_READ | GENERIC_WRITE);
    params?.(p);
    const status: NTSTATUS = yield* WdfIoTargetOpen(target.value!, p);
    expect(status).toBe(STATUS_SUCCESS);
    return target.value!;
  });
  return r.value!;
}

describe("remote I/O targets", () => {
  it("opened by a device interface's link: a file object on klower's stack; a driver-created write then, reused, a read (the toastmon pattern)", () => {
    const { m, lower, mon } = setup();
    const target = openByName(m, mon);
    const log: string[] = [];
    m.runInKernel(() => {
      expect(WdfIoTargetGetState(target)).toBe(WdfIoTargetStarted);
      expect(WdfIoTargetWdmGetTargetFileObject(target)).toBeInstanceOf(FILE_OBJECT);
      expect(WdfIoTargetWdmGetTargetDeviceObject(target)).toBe(WdfDeviceWdmGetDeviceObject(lower.device!));
      const request = Out<WDFREQUEST | null>(null);
      expect(WdfRequestCreate(null, target, request)).toBe(STATUS_SUCCESS);
      const mem = Out<WDFMEMORY | null>(null);
      WdfMemoryCreate(null, NonPagedPoolNx, 0, 12, mem, null);
      WriteBytes(WdfMemoryGetBuffer(mem.value!, null), bytesOf("toast"));
      const r = request.value!;
      const readBack = (_r: WDFREQUEST, _t: WDFIOTARGET, params: { IoStatus: { Status: NTSTATUS; Information: number } }) => {
        log.push(`read ${params.IoStatus.Status} ${text(ReadBytes(WdfMemoryGetBuffer(mem.value!, null), params.IoStatus.Information))}`);
      };
      const written = (req: WDFREQUEST, t: WDFIOTARGET, params: { IoStatus: { Status: NTSTATUS; Information: number } }) => {
        log.push(`write ${params.IoStatus.Status} ${params.IoStatus.Information}`);
        const reuse = new WDF_REQUEST_REUSE_PARAMS();
        WDF_REQUEST_REUSE_PARAMS_INIT(reuse, WDF_REQUEST_REUSE_NO_FLAGS, STATUS_SUCCESS);
        expect(WdfRequestReuse(req, reuse)).toBe(STATUS_SUCCESS);
        expect(WdfIoTargetFormatRequestForRead(t, req, mem.value!, null, null)).toBe(STATUS_SUCCESS);
        WdfRequestSetCompletionRoutine(req, readBack, null);
        expect(WdfRequestSend(req, t, null)).toBe(true);
      };
      const window = { BufferOffset: 0, BufferLength: 5 };
      expect(WdfIoTargetFormatRequestForWrite(target, r, mem.value!, window, null)).toBe(STATUS_SUCCESS);
      WdfRequestSetCompletionRoutine(r, written, null);
      expect(WdfRequestSend(r, target, null)).toBe(true);
    });
    expect(lower.seen).toEqual(["write toast", "read 12"]);
    expect(log).toEqual([`write ${STATUS_SUCCESS} 5`, `read ${STATUS_SUCCESS} lower read`]);
  });

  it("a target that is not open (created, or closed) fails sends with STATUS_INVALID_DEVICE_STATE; closing sends IRP_MJ_CLOSE for its file object", () => {
    const { m, lower, mon } = setup();
    const target = openByName(m, mon);
    const file = m.runInKernel(() => WdfIoTargetWdmGetTargetFileObject(target)!);
    // A request formatted while the target was open.
    const early = m.runInKernel(() => {
      const request = Out<WDFREQUEST | null>(null);
      WdfRequestCreate(null, target, request);
      const mem = Out<WDFMEMORY | null>(null);
      WdfMemoryCreate(null, NonPagedPoolNx, 0, 8, mem, null);
      expect(WdfIoTargetFormatRequestForRead(target, request.value!, mem.value!, null, null)).toBe(STATUS_SUCCESS);
      WdfRequestSetCompletionRoutine(request.value!, () => {}, null);
      return request.value!;
    });
    inThread(m, function* () {
      yield* WdfIoTargetClose(target);
    });
    m.runInKernel(() => {
      expect(WdfIoTargetGetState(target)).toBe(WdfIoTargetClosed);
      expect(WdfIoTargetWdmGetTargetFileObject(target)).toBe(null);
      const request = Out<WDFREQUEST | null>(null);
      WdfRequestCreate(null, null, request);
      // Nothing to format for: the target has no device while closed.
      expect(WdfIoTargetFormatRequestForRead(target, request.value!, null, null, null)).toBe(STATUS_INVALID_DEVICE_STATE);
      expect(WdfRequestSend(early, target, null)).toBe(false);
      expect(WdfRequestGetStatus(early)).toBe(STATUS_INVALID_DEVICE_STATE);
    });
    expect(file.closed).toBe(true);
    expect(lower.seen).toEqual([]);
  });

  it("opened on an existing device object: sends reach that device", () => {
    const { m, lower, mon } = setup();
    const r = inThread(m, function* () {
      const target = Out<WDFIOTARGET | null>(null);
      WdfIoTargetCreate(mon, null, target);
      const p = new WDF_IO_TARGET_OPEN_PARAMS();
      WDF_IO_TARGET_OPEN_PARAMS_INIT_EXISTING_DEVICE(p, WdfDeviceWdmGetDeviceObject(lower.device!)!);
      const st: NTSTATUS = yield* WdfIoTargetOpen(target.value!, p);
      const request = Out<WDFREQUEST | null>(null);
      WdfRequestCreate(null, target.value!, request);
      const mem = Out<WDFMEMORY | null>(null);
      WdfMemoryCreate(null, NonPagedPoolNx, 0, 8, mem, null);
      WdfIoTargetFormatRequestForRead(target.value!, request.value!, mem.value!, null, null);
      WdfRequestSetCompletionRoutine(request.value!, () => {}, null);
      WdfRequestSend(request.value!, target.value!, null);
      return [st, WdfRequestGetStatus(request.value!)];
    });
    expect(r.value).toEqual([STATUS_SUCCESS, STATUS_SUCCESS]);
    expect(lower.seen).toEqual(["read 8"]);
  });
});

describe("remote I/O targets and the removal of their device", () => {
  it("without callbacks: query-remove closes the target (its handle does not veto), remove-complete closes it for good", () => {
    const { m, path, mon } = setup();
    const target = openByName(m, mon);
    expect(m.pnp.removeDevice(path)).toBe(STATUS_SUCCESS);
    m.runInKernel(() => {
      expect(WdfIoTargetGetState(target)).toBe(WdfIoTargetClosed);
      expect(WdfIoTargetWdmGetTargetDeviceObject(target)).toBe(null);
    });
  });

  it("EvtIoTargetQueryRemove may veto the removal; EvtIoTargetRemoveCanceled follows and the target stays open", () => {
    const { m, lower, path, mon } = setup();
    const events: string[] = [];
    const target = openByName(m, mon, (p) => {
      p.EvtIoTargetQueryRemove = () => (events.push("query-remove"), STATUS_UNSUCCESSFUL);
      p.EvtIoTargetRemoveCanceled = () => void events.push("remove-canceled");
      p.EvtIoTargetRemoveComplete = () => void events.push("remove-complete");
    });
    expect(m.pnp.removeDevice(path)).not.toBe(STATUS_SUCCESS);
    expect(events).toEqual(["query-remove", "remove-canceled"]);
    m.runInKernel(() => expect(WdfIoTargetGetState(target)).toBe(WdfIoTargetStarted));
    expect(lower.device).not.toBe(null);
  });

  it("callbacks that close for the query-remove and close at remove-complete, as toastmon does; a cancelled removal reopens a target without callbacks", () => {
    const { m, path, mon } = setup();
    const events: string[] = [];
    const plain = openByName(m, mon);
    const vetoing = openByName(m, mon, (p) => {
      p.EvtIoTargetQueryRemove = function* (t: WDFIOTARGET): KWAIT_GENERATOR<NTSTATUS> {
        events.push("query-remove");
        yield* WdfIoTargetCloseForQueryRemove(t);
        return STATUS_UNSUCCESSFUL;
      } as never;
    });
    expect(m.pnp.removeDevice(path)).not.toBe(STATUS_SUCCESS);
    expect(events).toEqual(["query-remove"]);
    m.runInKernel(() => {
      // The plain target closed for the query and reopened when the removal was cancelled.
      expect(WdfIoTargetGetState(plain)).toBe(WdfIoTargetStarted);
      expect(WdfIoTargetWdmGetTargetFileObject(plain)).toBeInstanceOf(FILE_OBJECT);
      void vetoing;
    });
  });
});
