import { describe, expect, it } from "vitest";
import { boot, NonPagedPoolNx, NT_SUCCESS, Out, PagedPool, ReadBytes, STATUS_INVALID_PARAMETER, STATUS_SUCCESS, WDF_VIOLATION, WriteBytes, type DRIVER_OBJECT, type NTSTATUS } from "@wdfjs/kernel";
import {
  WDF_DRIVER_CONFIG, WDF_DRIVER_CONFIG_INIT, WDF_OBJECT_ATTRIBUTES, WDF_OBJECT_ATTRIBUTES_INIT, WdfDriverCreate, WdfDriverInitNonPnpDriver,
  WdfLookasideListCreate, WdfMemoryCreateFromLookaside, WdfMemoryGetBuffer, WdfObjectCreate, WdfObjectDelete, type WDFDRIVER, type WDFLOOKASIDE,
  type WDFMEMORY, type WDFOBJECT,
} from "../src/index.js";
import { expectBugCheck } from "../../framework/test/helpers.js";

/** A non-PnP driver whose DriverEntry makes a 48-byte nonpaged lookaside list (parented to the driver). */
function load() {
  const d: { lookaside: WDFLOOKASIDE | null; statuses: NTSTATUS[] } = { lookaside: null, statuses: [] };
  function DriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
    const config = new WDF_DRIVER_CONFIG();
    WDF_DRIVER_CONFIG_INIT(config, null);
    config.DriverInitFlags |= WdfDriverInitNonPnpDriver;
    config.EvtDriverUnload = () => {};
    const status = WdfDriverCreate(DriverObject, RegistryPath, null, config, Out<WDFDRIVER | null>(null));
    if (!NT_SUCCESS(status)) return status;
    const lookaside = Out<WDFLOOKASIDE | null>(null);
    d.statuses.push(WdfLookasideListCreate(null, 0, NonPagedPoolNx, null, 0, lookaside));
    d.statuses.push(WdfLookasideListCreate(null, 48, NonPagedPoolNx, null, 0x6b6f6f4c, lookaside));
    d.lookaside = lookaside.value;
    return STATUS_SUCCESS;
  }
  const machine = boot({ seed: 2 });
  expect(machine.loadDriver("look", DriverEntry)).toBe(STATUS_SUCCESS);
  return { machine, d };
}

function allocate(lookaside: WDFLOOKASIDE): { memory: WDFMEMORY; buffer: number; size: number } {
  const memory = Out<WDFMEMORY | null>(null);
  expect(WdfMemoryCreateFromLookaside(lookaside, memory)).toBe(STATUS_SUCCESS);
  const size = Out(0);
  const buffer = WdfMemoryGetBuffer(memory.value!, size);
  return { memory: memory.value!, buffer, size: size.value };
}

describe("WDFLOOKASIDE and WdfMemoryCreateFromLookaside", () => {
  it("a zero buffer size is STATUS_INVALID_PARAMETER; memory objects have the list's size and distinct buffers; a deleted one's buffer is reused", () => {
    const { machine, d } = load();
    expect(d.statuses).toEqual([STATUS_INVALID_PARAMETER, STATUS_SUCCESS]);
    machine.runInKernel(() => {
      const a = allocate(d.lookaside!);
      const b = allocate(d.lookaside!);
      expect([a.size, b.size]).toEqual([48, 48]);
      expect(a.buffer).not.toBe(b.buffer);
      WriteBytes(a.buffer, new Uint8Array(48).fill(7));
      expect(ReadBytes(a.buffer, 48)[47]).toBe(7);
      WdfObjectDelete(a.memory);
      const c = allocate(d.lookaside!);
      expect(c.buffer).toBe(a.buffer);
      WdfObjectDelete(b.memory);
      WdfObjectDelete(c.memory);
    });
    machine.unloadDriver("look");
    expect(machine.bugCheckData).toBeNull();
  });

  it("the memory objects take the memory attributes' parent: deleting it deletes them; the lists go cleanly with the driver", () => {
    const { machine } = load();
    machine.runInKernel(() => {
      const parent = Out<WDFOBJECT | null>(null);
      expect(WdfObjectCreate(null, parent)).toBe(STATUS_SUCCESS);
      const memoryAttributes = new WDF_OBJECT_ATTRIBUTES();
      WDF_OBJECT_ATTRIBUTES_INIT(memoryAttributes);
      memoryAttributes.ParentObject = parent.value;
      const lookaside = Out<WDFLOOKASIDE | null>(null);
      expect(WdfLookasideListCreate(null, 100, PagedPool, memoryAttributes, 0, lookaside)).toBe(STATUS_SUCCESS);
      const a = allocate(lookaside.value!);
      const b = allocate(lookaside.value!);
      expect(b.buffer).not.toBe(a.buffer);
      WdfObjectDelete(parent.value!);
      expectBugCheck(machine, WDF_VIOLATION, () => WdfMemoryGetBuffer(a.memory, null));
    });
  });

  it("a driver unloads cleanly with a list it never deleted (a child of the driver) once its memory is gone", () => {
    const { machine, d } = load();
    machine.runInKernel(() => WdfObjectDelete(allocate(d.lookaside!).memory));
    machine.unloadDriver("look");
    expect(machine.bugCheckData).toBeNull();
  });

  it("a memory object outlives WdfObjectDelete of its list: still usable, the list's handle stale (checked: WDF_VIOLATION)", () => {
    const { machine, d } = load();
    machine.runInKernel(() => {
      const a = allocate(d.lookaside!);
      WdfObjectDelete(d.lookaside!);
      WriteBytes(a.buffer, new Uint8Array([1, 2, 3]));
      expect(Array.from(ReadBytes(WdfMemoryGetBuffer(a.memory, null), 3))).toEqual([1, 2, 3]);
      WdfObjectDelete(a.memory);
      expectBugCheck(machine, WDF_VIOLATION, () => WdfMemoryCreateFromLookaside(d.lookaside!, Out<WDFMEMORY | null>(null)));
    });
  });
});
