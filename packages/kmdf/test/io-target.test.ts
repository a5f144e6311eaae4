import { describe, expect, it } from "vitest";
import { boot, NonPagedPoolNx, Out, STATUS_CANCELLED, STATUS_INVALID_DEVICE_STATE, STATUS_SUCCESS, type KWAIT, type Machine } from "@wdfjs/kernel";
import {
  WdfDeviceGetIoTarget, WdfDeviceWdmGetAttachedDevice, WdfDeviceWdmGetPhysicalDevice, WdfIoTargetCancelSentIo, WdfIoTargetFormatRequestForIoctl,
  WdfIoTargetFormatRequestForRead, WdfIoTargetGetDevice, WdfIoTargetGetState, WdfIoTargetLeaveSentIoPending, WdfIoTargetPurge, WdfIoTargetPurgeIo,
  WdfIoTargetPurged, WdfIoTargetStart, WdfIoTargetStarted, WdfIoTargetStop, WdfIoTargetStopped, WdfIoTargetWaitForSentIoToComplete,
  WdfIoTargetWdmGetTargetDeviceObject, WdfIoTargetWdmGetTargetFileObject, WdfIoTargetWdmGetTargetPhysicalDevice, WdfMemoryCreate, WdfRequestCreate,
  WdfRequestComplete, WdfRequestGetStatus, WdfRequestSend, WdfRequestUnmarkCancelable, WdfRequestSetCompletionRoutine, WdfObjectDelete, type WDFIOTARGET, type WDFMEMORY, type WDFREQUEST,
} from "../src/index.js";
import { IOCTL_KLOWER_PEND, inThread, installLower, newLower, type Lower, type Upper } from "./target-harness.js";

/** A stop or purge that does not wait (LeaveSentIoPending, PurgeIo) is over when it is made: one step ends it. */
function now(call: KWAIT<void>): void {
  expect(call[Symbol.iterator]().next().done).toBe(true);
}

function stack(): { m: Machine; lower: Lower; upper: Upper; target: WDFIOTARGET } {
  const m = boot();
  const lower = newLower();
  const upper: Upper = { device: null, configure: (c) => { c.EvtIoDefault = () => {}; }, events: [] };
  installLower(m, lower, upper);
  return { m, lower, upper, target: m.runInKernel(() => WdfDeviceGetIoTarget(upper.device!)!) };
}

/** A driver-created read (or pending IOCTL) to the target whose completion routine logs its status. */
function sendOne(target: WDFIOTARGET, log: string[], name: string, pend = false): { sent: boolean; request: WDFREQUEST } {
  const request = Out<WDFREQUEST | null>(null);
  expect(WdfRequestCreate(null, target, request)).toBe(STATUS_SUCCESS);
  const mem = Out<WDFMEMORY | null>(null);
  WdfMemoryCreate(null, NonPagedPoolNx, 0, 16, mem, null);
  if (pend) WdfIoTargetFormatRequestForIoctl(target, request.value!, IOCTL_KLOWER_PEND, null, null, null, null);
  else WdfIoTargetFormatRequestForRead(target, request.value!, mem.value!, null, null);
  WdfRequestSetCompletionRoutine(request.value!, (_r, _t, params) => log.push(`${name} ${params.IoStatus.Status}`), null);
  return { sent: WdfRequestSend(request.value!, target, null) as boolean, request: request.value! };
}

describe("the default I/O target", () => {
  it("is the device below in the stack: its device object, PDO, device; no file object; started", () => {
    const { m, lower, upper, target } = stack();
    m.runInKernel(() => {
      expect(WdfIoTargetWdmGetTargetDeviceObject(target)).toBe(WdfDeviceWdmGetAttachedDevice(upper.device!));
      expect(WdfIoTargetWdmGetTargetPhysicalDevice(target)).toBe(WdfDeviceWdmGetPhysicalDevice(lower.device!));
      expect(WdfIoTargetWdmGetTargetFileObject(target)).toBe(null);
      expect(WdfIoTargetGetDevice(target)).toBe(upper.device);
      expect(WdfIoTargetGetState(target)).toBe(WdfIoTargetStarted);
      // The framework owns it: WdfObjectDelete is refused.
      WdfObjectDelete(target);
      expect(WdfIoTargetGetState(target)).toBe(WdfIoTargetStarted);
    });
  });

  it("a stopped target keeps new requests (WdfRequestSend is TRUE) and sends them, in order, when it is started", () => {
    const { m, lower, target } = stack();
    const log: string[] = [];
    m.runInKernel(() => {
      now(WdfIoTargetStop(target, WdfIoTargetLeaveSentIoPending));
      expect(WdfIoTargetGetState(target)).toBe(WdfIoTargetStopped);
      expect(sendOne(target, log, "first").sent).toBe(true);
      expect(sendOne(target, log, "second").sent).toBe(true);
    });
    expect(lower.seen).toEqual([]);
    expect(log).toEqual([]);
    m.runInKernel(() => expect(WdfIoTargetStart(target)).toBe(STATUS_SUCCESS));
    expect(lower.seen).toEqual(["read 16", "read 16"]);
    expect(log).toEqual([`first ${STATUS_SUCCESS}`, `second ${STATUS_SUCCESS}`]);
  });

  it("stop with WdfIoTargetCancelSentIo cancels what was sent and waits for it (PASSIVE_LEVEL)", () => {
    const { m, lower, target } = stack();
    const log: string[] = [];
    m.runInKernel(() => sendOne(target, log, "pending", true));
    expect(lower.seen).toEqual(["pend"]);
    const r = inThread(m, function* () {
      yield* WdfIoTargetStop(target, WdfIoTargetCancelSentIo);
      log.push("stopped");
    });
    expect(r.done).toBe(true);
    expect(log).toEqual([`pending ${STATUS_CANCELLED}`, "stopped"]);
  });

  it("stop with WdfIoTargetWaitForSentIoToComplete waits until the lower driver completes what was sent", () => {
    const { m, lower, target } = stack();
    const log: string[] = [];
    m.runInKernel(() => sendOne(target, log, "pending", true));
    const r = inThread(m, function* () {
      yield* WdfIoTargetStop(target, WdfIoTargetWaitForSentIoToComplete);
      log.push("stopped");
    });
    expect(r.done).toBe(false);
    expect(log).toEqual([]);
    // The lower driver finishes the request it held, as its device would.
    m.runInKernel(() => {
      const held = lower.pended.pop()!;
      expect(WdfRequestUnmarkCancelable(held)).toBe(STATUS_SUCCESS);
      WdfRequestComplete(held, STATUS_SUCCESS);
    });
    m.run();
    expect(log).toEqual([`pending ${STATUS_SUCCESS}`, "stopped"]);
  });

  it("a purged target cancels what waited in it and fails new requests with STATUS_INVALID_DEVICE_STATE until it is started", () => {
    const { m, lower, target } = stack();
    const log: string[] = [];
    m.runInKernel(() => {
      now(WdfIoTargetStop(target, WdfIoTargetLeaveSentIoPending));
      sendOne(target, log, "waiting");
      now(WdfIoTargetPurge(target, WdfIoTargetPurgeIo));
      expect(WdfIoTargetGetState(target)).toBe(WdfIoTargetPurged);
      const refused = sendOne(target, log, "refused");
      expect(refused.sent).toBe(false);
      expect(WdfRequestGetStatus(refused.request)).toBe(STATUS_INVALID_DEVICE_STATE);
      expect(WdfIoTargetStart(target)).toBe(STATUS_SUCCESS);
      expect(sendOne(target, log, "after").sent).toBe(true);
    });
    expect(log).toEqual([`waiting ${STATUS_CANCELLED}`, `after ${STATUS_SUCCESS}`]);
    expect(lower.seen).toEqual(["read 16"]);
  });
});
