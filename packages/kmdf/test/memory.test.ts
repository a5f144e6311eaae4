import { describe, expect, it } from "vitest";
import {
  boot, NonPagedPoolNx, NT_SUCCESS, Out, ReadBytes, STATUS_ACCESS_VIOLATION, STATUS_BUFFER_TOO_SMALL, STATUS_INVALID_BUFFER_SIZE, STATUS_INVALID_PARAMETER,
  STATUS_SUCCESS, WDF_VIOLATION, WriteBytes, type DRIVER_OBJECT, type Machine, type NTSTATUS,
} from "@wdfjs/kernel";
import { GENERIC_READ, GENERIC_WRITE, OPEN_EXISTING, Win32Process } from "@wdfjs/win32";
import {
  WDF_DRIVER_CONFIG, WDF_DRIVER_CONFIG_INIT, WDF_IO_QUEUE_CONFIG, WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE, WDF_OBJECT_ATTRIBUTES, WDF_OBJECT_ATTRIBUTES_INIT,
  WdfControlDeviceInitAllocate, WdfControlFinishInitializing, WdfDeviceCreate, WdfDeviceCreateSymbolicLink, WdfDeviceInitAssignName, WdfDriverCreate,
  WdfDriverInitNonPnpDriver, WdfIoQueueCreate, WdfIoQueueDispatchSequential, WdfMemoryCopyFromBuffer, WdfMemoryCopyToBuffer, WdfMemoryCreate,
  WdfMemoryCreatePreallocated, WdfMemoryGetBuffer, WdfObjectDelete, WdfRequestCompleteWithInformation, WdfRequestRetrieveInputMemory,
  WdfRequestRetrieveOutputMemory, type PWDFDEVICE_INIT, type WDFDEVICE, type WDFDRIVER, type WDFMEMORY, type WDFQUEUE, type WDFREQUEST,
} from "../src/index.js";
import { expectBugCheck } from "../../framework/test/helpers.js";

/** A driver that keeps the last write in a WDFMEMORY and answers reads from it, through request memory objects. */
interface Store {
  memory: WDFMEMORY | null;
  length: number;
  statuses: NTSTATUS[];
  lastInput: WDFMEMORY | null;
}

function makeDriver(s: Store) {
  function EvtIoWrite(_Queue: WDFQUEUE, Request: WDFREQUEST, Length: number): void {
    const input = Out<WDFMEMORY | null>(null);
    let status = WdfRequestRetrieveInputMemory(Request, input);
    if (NT_SUCCESS(status)) {
      s.lastInput = input.value;
      if (s.memory !== null) WdfObjectDelete(s.memory);
      const memory = Out<WDFMEMORY | null>(null);
      const buffer = Out(0);
      status = WdfMemoryCreate(null, NonPagedPoolNx, 0x316d6173, Length, memory, buffer);
      if (NT_SUCCESS(status)) {
        s.memory = memory.value;
        s.length = Length;
        status = WdfMemoryCopyToBuffer(input.value!, 0, buffer.value, Length);
        // The input of a write is the client's data: the driver may not write into it.
        s.statuses.push(WdfMemoryCopyFromBuffer(input.value!, 0, buffer.value, 1));
      }
    }
    WdfRequestCompleteWithInformation(Request, status, NT_SUCCESS(status) ? Length : 0);
  }

  function EvtIoRead(_Queue: WDFQUEUE, Request: WDFREQUEST, Length: number): void {
    const output = Out<WDFMEMORY | null>(null);
    let status = WdfRequestRetrieveOutputMemory(Request, output);
    let n = 0;
    if (NT_SUCCESS(status) && s.memory !== null) {
      n = Math.min(Length, s.length);
      status = WdfMemoryCopyFromBuffer(output.value!, 0, WdfMemoryGetBuffer(s.memory, null), n);
    }
    WdfRequestCompleteWithInformation(Request, status, NT_SUCCESS(status) ? n : 0);
  }

  return function DriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
    const config = new WDF_DRIVER_CONFIG();
    WDF_DRIVER_CONFIG_INIT(config, null);
    config.DriverInitFlags |= WdfDriverInitNonPnpDriver;
    config.EvtDriverUnload = () => {};
    const driver = Out<WDFDRIVER | null>(null);
    let status = WdfDriverCreate(DriverObject, RegistryPath, null, config, driver);
    if (!NT_SUCCESS(status)) return status;
    const init = Out<PWDFDEVICE_INIT>(WdfControlDeviceInitAllocate(driver.value!, "D:P(A;;GA;;;SY)"));
    WdfDeviceInitAssignName(init.value, "\\Device\\MEMTEST");
    const device = Out<WDFDEVICE | null>(null);
    status = WdfDeviceCreate(init, null, device);
    if (!NT_SUCCESS(status)) return status;
    const qc = new WDF_IO_QUEUE_CONFIG();
    WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(qc, WdfIoQueueDispatchSequential);
    qc.EvtIoRead = EvtIoRead;
    qc.EvtIoWrite = EvtIoWrite;
    status = WdfIoQueueCreate(device.value!, qc, null, null);
    if (!NT_SUCCESS(status)) return status;
    status = WdfDeviceCreateSymbolicLink(device.value!, "\\DosDevices\\MEMTEST");
    if (!NT_SUCCESS(status)) return status;
    WdfControlFinishInitializing(device.value!);
    return STATUS_SUCCESS;
  };
}

function load(): { machine: Machine; s: Store; app: Win32Process; h: number } {
  const machine = boot({ seed: 3, flavor: "checked" });
  const s: Store = { memory: null, length: 0, statuses: [], lastInput: null };
  expect(machine.loadDriver("memtest", makeDriver(s))).toBe(STATUS_SUCCESS);
  const app = Win32Process.create(machine, "memtest.exe");
  const h = app.CreateFile("\\\\.\\MEMTEST", GENERIC_READ | GENERIC_WRITE, 0, null, OPEN_EXISTING, 0, 0);
  expect(h).not.toBe(-1);
  return { machine, s, app, h };
}

describe("WDFMEMORY", () => {
  it("a write's input memory copied into a pool WDFMEMORY comes back through a read's output memory", () => {
    const { s, app, h } = load();
    const data = new Uint8Array(300).map((_, i) => (i * 7) & 0xff);
    const n = Out(0);
    expect(app.WriteFile(h, app.alloc(300, data), 300, n, null)).toBe(true);
    expect(n.value).toBe(300);
    const out = app.alloc(500);
    expect(app.ReadFile(h, out, 500, n, null)).toBe(true);
    expect(n.value).toBe(300);
    expect([...app.ReadMemory(out, 300)]).toEqual([...data]);
    // The write's input is read-only memory.
    expect(s.statuses).toEqual([STATUS_ACCESS_VIOLATION]);
  });

  it("a request's memory handle is stale once the request is completed", () => {
    const { machine, s, app, h } = load();
    const n = Out(0);
    expect(app.WriteFile(h, app.alloc(4, [1, 2, 3, 4]), 4, n, null)).toBe(true);
    const data = expectBugCheck(machine, WDF_VIOLATION, () => machine.runInKernel(() => WdfMemoryGetBuffer(s.lastInput!, null)));
    expect(data.BugCheckParameter1).toBe(0x5);
    expect(data.BugCheckParameter2).toBe(s.lastInput);
  });

  it("copies keep to the memory's bounds with WDF's statuses", () => {
    const { machine } = load();
    machine.runInKernel(() => {
      const memory = Out<WDFMEMORY | null>(null);
      const buffer = Out(0);
      expect(WdfMemoryCreate(null, NonPagedPoolNx, 0, 0, memory, buffer)).toBe(STATUS_INVALID_PARAMETER);
      expect(WdfMemoryCreate(null, NonPagedPoolNx, 0, 16, memory, buffer)).toBe(STATUS_SUCCESS);
      const size = Out(0);
      expect(WdfMemoryGetBuffer(memory.value!, size)).toBe(buffer.value);
      expect(size.value).toBe(16);
      const scratch = Out<WDFMEMORY | null>(null);
      const scratchBuffer = Out(0);
      expect(WdfMemoryCreate(null, NonPagedPoolNx, 0, 64, scratch, scratchBuffer)).toBe(STATUS_SUCCESS);
      WriteBytes(scratchBuffer.value, [9, 8, 7, 6, 5, 4, 3, 2, 1]);
      expect(WdfMemoryCopyFromBuffer(memory.value!, 12, scratchBuffer.value, 4)).toBe(STATUS_SUCCESS);
      expect([...ReadBytes(buffer.value + 12, 4)]).toEqual([9, 8, 7, 6]);
      expect(WdfMemoryCopyFromBuffer(memory.value!, 12, scratchBuffer.value, 5)).toBe(STATUS_INVALID_BUFFER_SIZE);
      expect(WdfMemoryCopyFromBuffer(memory.value!, 16, scratchBuffer.value, 1)).toBe(STATUS_INVALID_BUFFER_SIZE);
      expect(WdfMemoryCopyFromBuffer(memory.value!, 0, scratchBuffer.value, 0)).toBe(STATUS_INVALID_PARAMETER);
      expect(WdfMemoryCopyToBuffer(memory.value!, 12, scratchBuffer.value, 4)).toBe(STATUS_SUCCESS);
      expect(WdfMemoryCopyToBuffer(memory.value!, 12, scratchBuffer.value, 5)).toBe(STATUS_BUFFER_TOO_SMALL);
      expect(WdfMemoryCopyToBuffer(memory.value!, 16, scratchBuffer.value, 1)).toBe(STATUS_BUFFER_TOO_SMALL);
      const pre = Out<WDFMEMORY | null>(null);
      const attributes = new WDF_OBJECT_ATTRIBUTES();
      WDF_OBJECT_ATTRIBUTES_INIT(attributes);
      attributes.ParentObject = memory.value;
      expect(WdfMemoryCreatePreallocated(attributes, scratchBuffer.value, 8, pre)).toBe(STATUS_SUCCESS);
      expect(WdfMemoryGetBuffer(pre.value!, size)).toBe(scratchBuffer.value);
      expect(size.value).toBe(8);
      WdfObjectDelete(memory.value!);
      WdfObjectDelete(scratch.value!);
    });
  });
});
