import { describe, expect, it } from "vitest";
import {
  boot, CTL_CODE, DevicePropertyHardwareID, FILE_ANY_ACCESS, FILE_DEVICE_UNKNOWN, GENERIC_READ, GENERIC_WRITE, INTERFACE, IoGetCurrentIrpStackLocation, METHOD_NEITHER,
  NonPagedPoolNx, Out, ReadBytes, STATUS_BUFFER_TOO_SMALL, STATUS_INVALID_DEVICE_REQUEST, STATUS_INVALID_DEVICE_STATE, STATUS_NOT_SUPPORTED, STATUS_SUCCESS, WriteBytes,
  IRP_MJ_INTERNAL_DEVICE_CONTROL, type Machine, type NTSTATUS,
} from "@wdfjs/kernel";
import {
  WDF_IO_TARGET_OPEN_PARAMS, WDF_IO_TARGET_OPEN_PARAMS_INIT_OPEN_BY_NAME, WDF_MEMORY_DESCRIPTOR, WDF_MEMORY_DESCRIPTOR_INIT_BUFFER, WDF_REQUEST_COMPLETION_PARAMS,
  WdfIoTargetAllocAndQueryTargetProperty, WdfIoTargetCreate, WdfIoTargetFormatRequestForInternalIoctlOthers, WdfIoTargetOpen, WdfIoTargetQueryForInterface,
  WdfIoTargetQueryTargetProperty, WdfIoTargetSendInternalIoctlOthersSynchronously, WdfIoTargetWdmGetTargetFileHandle, WdfMemoryCreate, WdfMemoryGetBuffer,
  WdfRequestCompleteWithInformation, WdfRequestCreate, WdfRequestGetCompletionParams, WdfRequestSend, WdfRequestSetCompletionRoutine, WdfRequestWdmGetIrp,
  type WDFDEVICE, type WDFIOTARGET, type WDFMEMORY, type WDFREQUEST,
} from "../src/index.js";
import { bytesOf, inThread, installLower, installMonitor, lowerInterface, newLower, text, type Upper } from "./target-harness.js";

const IOCTL_OTHERS = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x880, METHOD_NEITHER, FILE_ANY_ACCESS);

/** klower under an upper filter whose EvtIoInternalDeviceControl reads the Others arguments as strings and completes with their total length. */
function setup(): { m: Machine; mon: WDFDEVICE; upper: Upper } {
  const m = boot({ flavor: "checked" });
  const upper: Upper = {
    device: null, events: [],
    configure: (config, u) => {
      config.EvtIoInternalDeviceControl = (_q, Request: WDFREQUEST, _o, _i, code) => {
        const stack = IoGetCurrentIrpStackLocation(WdfRequestWdmGetIrp(Request)!);
        const o = stack.Parameters.Others;
        const read = (a: number) => (a === 0 ? "-" : text(ReadBytes(a, 3)));
        u.events.push(`code ${code === IOCTL_OTHERS} ${stack.MajorFunction === IRP_MJ_INTERNAL_DEVICE_CONTROL} ${read(o.Argument1)} ${read(o.Argument2)} ${read(o.Argument4)}`);
        WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, 7);
      };
    },
  };
  installLower(m, newLower(), upper);
  const mon = installMonitor(m);
  return { m, mon, upper };
}

function openByName(m: Machine, mon: WDFDEVICE): WDFIOTARGET {
  const name = lowerInterface(m);
  return inThread(m, function* () {
    const target = Out<WDFIOTARGET | null>(null);
    expect(WdfIoTargetCreate(mon, null, target)).toBe(STATUS_SUCCESS);
    const p = new WDF_IO_TARGET_OPEN_PARAMS();
    WDF_IO_TARGET_OPEN_PARAMS_INIT_OPEN_BY_NAME(p, name, GENERIC_READ | GENERIC_WRITE);
    expect(yield* WdfIoTargetOpen(target.value!, p)).toBe(STATUS_SUCCESS);
    return target.value!;
  }).value!;
}

const utf16 = (s: string): string => [...s].map((c) => `${c}\u0000`).join("");

describe("WdfIoTargetQueryTargetProperty and WdfIoTargetAllocAndQueryTargetProperty", () => {
  it("an open remote target answers for its PDO: the size first, then the property in a new WDFMEMORY", () => {
    const { m, mon } = setup();
    const target = openByName(m, mon);
    const r = inThread(m, function* () {
      const length = Out(0);
      const first = WdfIoTargetQueryTargetProperty(target, DevicePropertyHardwareID, 0, 0, length);
      const memory = Out<WDFMEMORY | null>(null);
      const status = WdfIoTargetAllocAndQueryTargetProperty(target, DevicePropertyHardwareID, NonPagedPoolNx, null, memory);
      const size = Out(0);
      const bytes = ReadBytes(WdfMemoryGetBuffer(memory.value!, size), length.value);
      yield* [];
      return { first, length: length.value, status, size: size.value, value: String.fromCharCode(...bytes) };
    });
    expect(r.value).toEqual({ first: STATUS_BUFFER_TOO_SMALL, length: r.value!.size, status: STATUS_SUCCESS, size: r.value!.length, value: `${utf16("root\\klower")}\u0000\u0000\u0000\u0000` });
    expect(r.value!.length).toBeGreaterThan(0);
  });

  it("a target that is not open has no PDO: STATUS_INVALID_DEVICE_REQUEST, and no memory", () => {
    const { m, mon } = setup();
    m.runInKernel(() => {
      const target = Out<WDFIOTARGET | null>(null);
      expect(WdfIoTargetCreate(mon, null, target)).toBe(STATUS_SUCCESS);
      expect(WdfIoTargetQueryTargetProperty(target.value!, DevicePropertyHardwareID, 0, 0, Out(0))).toBe(STATUS_INVALID_DEVICE_REQUEST);
      const memory = Out<WDFMEMORY | null>(null);
      expect(WdfIoTargetAllocAndQueryTargetProperty(target.value!, DevicePropertyHardwareID, NonPagedPoolNx, null, memory)).toBe(STATUS_INVALID_DEVICE_REQUEST);
      expect(memory.value).toBeNull();
      // Opened by name, the target keeps no kernel handle (see WdfIoTargetWdmGetTargetFileHandle).
      expect(WdfIoTargetWdmGetTargetFileHandle(target.value!)).toBeNull();
    });
  });
});

describe("WdfIoTargetQueryForInterface", () => {
  it("a query no driver of the stack answers is STATUS_NOT_SUPPORTED; a closed target STATUS_INVALID_DEVICE_STATE", () => {
    const { m, mon } = setup();
    const target = openByName(m, mon);
    const r = inThread(m, function* () {
      const open: NTSTATUS = yield* WdfIoTargetQueryForInterface(target, "{00000000-1111-2222-3333-444444444444}", new INTERFACE(), 0x20, 1, null);
      const closed = Out<WDFIOTARGET | null>(null);
      WdfIoTargetCreate(mon, null, closed);
      const none: NTSTATUS = yield* WdfIoTargetQueryForInterface(closed.value!, "{00000000-1111-2222-3333-444444444444}", new INTERFACE(), 0x20, 1, null);
      return [open, none];
    });
    expect(r.value).toEqual([STATUS_NOT_SUPPORTED, STATUS_INVALID_DEVICE_STATE]);
  });
});

describe("internal IOCTLs with Others arguments", () => {
  it("the synchronous send puts the three buffers in Argument1, 2 and 4 and returns the bytes the driver reported", () => {
    const { m, mon, upper } = setup();
    const target = openByName(m, mon);
    const r = inThread(m, function* () {
      const descriptors = ["one", "two", "for"].map((s) => {
        const mem = Out<WDFMEMORY | null>(null);
        WdfMemoryCreate(null, NonPagedPoolNx, 0, 3, mem, null);
        WriteBytes(WdfMemoryGetBuffer(mem.value!, null), bytesOf(s));
        const d = new WDF_MEMORY_DESCRIPTOR();
        WDF_MEMORY_DESCRIPTOR_INIT_BUFFER(d, WdfMemoryGetBuffer(mem.value!, null), 3);
        return d;
      });
      const bytes = Out(0);
      const status: NTSTATUS = yield* WdfIoTargetSendInternalIoctlOthersSynchronously(target, null, IOCTL_OTHERS, descriptors[0]!, null, descriptors[2]!, null, bytes);
      return [status, bytes.value];
    });
    expect(r.value).toEqual([STATUS_SUCCESS, 7]);
    expect(upper.events).toEqual(["code true true one - for"]);
  });

  it("a formatted request sent asynchronously reports the code and the memories in its completion parameters", () => {
    const { m, mon, upper } = setup();
    const target = openByName(m, mon);
    const seen: unknown[] = [];
    m.runInKernel(() => {
      const mem = Out<WDFMEMORY | null>(null);
      WdfMemoryCreate(null, NonPagedPoolNx, 0, 6, mem, null);
      WriteBytes(WdfMemoryGetBuffer(mem.value!, null), bytesOf("abcxyz"));
      const request = Out<WDFREQUEST | null>(null);
      expect(WdfRequestCreate(null, target, request)).toBe(STATUS_SUCCESS);
      expect(WdfIoTargetFormatRequestForInternalIoctlOthers(target, request.value!, IOCTL_OTHERS, null, null, mem.value!, { BufferOffset: 3, BufferLength: 3 }, mem.value!, null))
        .toBe(STATUS_SUCCESS);
      WdfRequestSetCompletionRoutine(request.value!, (r: WDFREQUEST) => {
        const params = new WDF_REQUEST_COMPLETION_PARAMS();
        WdfRequestGetCompletionParams(r, params);
        const o = params.Parameters.Others;
        seen.push(params.IoStatus.Information, o.Argument2 === mem.value, o.Argument3 === IOCTL_OTHERS, o.Argument4 === mem.value);
      }, null);
      expect(WdfRequestSend(request.value!, target, null)).toBe(true);
    });
    m.run();
    expect(upper.events).toEqual(["code true true - xyz abc"]);
    expect(seen).toEqual([7, true, true, true]);
  });
});
