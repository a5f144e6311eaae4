import { describe, expect, it } from "vitest";
import {
  AddressOfObject, boot, DEVICE_OBJECT, DEVICE_RELATIONS_SIZE, DRIVER_OBJECT, EPROCESS, ExFreePool, ExAllocatePool2, FILE_DEVICE_BUS_EXTENDER,
  FILE_DEVICE_UNKNOWN, FILE_OBJECT, formatAddress, IoAllocateIrp, IoAllocateMdl, IoCallDriver, IoCreateDevice, IoDeleteDevice, IoFreeIrp,
  IoFreeMdl, IoGetCurrentIrpStackLocation, IoGetNextIrpStackLocation, IoSetCompletionRoutine, IRP, IRP_MJ_CREATE, IRP_MJ_PNP,
  IRP_MN_QUERY_DEVICE_RELATIONS, BusRelations, KernelMode, NtCreateEvent, ObReferenceObjectByHandle, KEVENT, KeInitializeEvent, KeInitializeSemaphore, KeInitializeTimer,
  KSEMAPHORE, KTHREAD, KTIMER, MDL, NotificationEvent, NtClose, ObDereferenceObject, ObjectAtAddress, ObReferenceObject, OBJECT_ADDRESS_GRANULE,
  Out, PAGE_FAULT_IN_NONPAGED_AREA, POOL_FLAG_PAGED, POOL_TAG, ReadDeviceRelationsCount, ReadDeviceRelationsObject, ReadPointer,
  ReadUlong, ReadUlong64, STATUS_ACCESS_DENIED, STATUS_MORE_PROCESSING_REQUIRED, STATUS_NOT_SUPPORTED, STATUS_SUCCESS, WriteDeviceRelationsCount,
  WriteDeviceRelationsObject, WritePointer, type Machine, type NTSTATUS,
} from "../src/index.js";
import { isKernelAddress } from "../src/internal.js";
import { bootWithDriver, client, complete, expectBugCheck, open, tinyDriver, userAlloc } from "./helpers.js";

const KERNEL_FORM = /^0xFFFFFFFF`[89A-F][0-9A-F]{7}$/;

/** Every way an address should look and resolve, in the machine executing. */
function expectResolves(address: number, object: object): void {
  expect(isKernelAddress(address)).toBe(true);
  expect(formatAddress(address)).toMatch(KERNEL_FORM);
  expect(address & (OBJECT_ADDRESS_GRANULE - 1)).toBe(0);
  expect(ObjectAtAddress(address)).toBe(object);
  expect(AddressOfObject(object)).toBe(address);
}

/** A device created and deleted inside the machine, for the tests that only need one to exist. */
function createDevice(m: Machine, driver: DRIVER_OBJECT, name: string | null = null): DEVICE_OBJECT {
  return m.runInKernel(() => {
    const d = Out<DEVICE_OBJECT | null>(null);
    expect(IoCreateDevice(driver, 0, name, FILE_DEVICE_UNKNOWN, 0, false, d)).toBe(STATUS_SUCCESS);
    return d.value!;
  });
}

describe("object identity: every object passed by pointer has an address that resolves back to it", () => {
  it("driver, device and file objects, IRPs, MDLs and dispatcher objects each resolve from their address", () => {
    let fileObject: FILE_OBJECT | null = null;
    const { m, drv, c } = bootWithDriver({
      name: "Ident",
      dispatch: {
        [IRP_MJ_CREATE]: (_d, irp) => {
          fileObject = IoGetCurrentIrpStackLocation(irp).FileObject;
          return complete(irp, STATUS_SUCCESS);
        },
      },
    });
    // Dispatcher objects are built by drivers before any machine call, as `new KEVENT()`.
    const event = new KEVENT();
    const semaphore = new KSEMAPHORE();
    const timer = new KTIMER();
    const buffer = userAlloc(m, c);
    m.runInKernel(() => {
      KeInitializeEvent(event, NotificationEvent, false);
      KeInitializeSemaphore(semaphore, 0, 1);
      KeInitializeTimer(timer);
      const irp = IoAllocateIrp(2, false)!;
      const mdl = IoAllocateMdl(buffer, 16, false, false, null)!;
      const objects: [number, object][] = [
        [drv.driver!.address, drv.driver!],
        [drv.device!.address, drv.device!],
        [fileObject!.address, fileObject!],
        [irp.address, irp],
        [AddressOfObject(mdl), mdl],
        [AddressOfObject(event), event],
        [AddressOfObject(semaphore), semaphore],
        [AddressOfObject(timer), timer],
        [AddressOfObject(c.thread), c.thread],
        [AddressOfObject(c.process), c.process],
      ];
      for (const [address, object] of objects) expectResolves(address, object);
      expect(new Set(objects.map(([a]) => a)).size).toBe(objects.length);
      // The typed form answers null for an object of another type.
      expect(ObjectAtAddress(drv.device!.address, DEVICE_OBJECT)).toBe(drv.device);
      expect(ObjectAtAddress(drv.device!.address, FILE_OBJECT)).toBeNull();
      expect(ObjectAtAddress(irp.address, IRP)).toBe(irp);
      expect(ObjectAtAddress(AddressOfObject(mdl), MDL)).toBe(mdl);
      expect(ObjectAtAddress(AddressOfObject(event), KEVENT)).toBe(event);
      expect(ObjectAtAddress(AddressOfObject(c.thread), KTHREAD)).toBe(c.thread);
      expect(ObjectAtAddress(AddressOfObject(c.process), EPROCESS)).toBe(c.process);
      expect(ObjectAtAddress(drv.driver!.address, DRIVER_OBJECT)).toBe(drv.driver);
      IoFreeMdl(mdl);
      IoFreeIrp(irp);
    });
  });

  it("a dispatcher object made outside any machine gets its address on first request and keeps it", () => {
    const event = new KEVENT();
    const m = boot();
    const first = m.runInKernel(() => AddressOfObject(event));
    expect(m.runInKernel(() => AddressOfObject(event))).toBe(first);
    expect(m.runInKernel(() => ObjectAtAddress(first))).toBe(event);
    expect(AddressOfObject(null)).toBe(0);
  });

  it("a bad, stale or foreign address resolves to null and never throws", () => {
    const m = boot();
    m.runInKernel(() => {
      for (const bad of [0, -1, -16, 1, 0x10000, -(2 ** 31), 2 ** 60, Number.NaN, Infinity, 0.5]) expect(ObjectAtAddress(bad)).toBeNull();
      expect(ObjectAtAddress("0xFFFFFFFF80000000" as unknown as number)).toBeNull();
      expect(ObjectAtAddress(undefined as unknown as number)).toBeNull();
      // A pool block is memory, not an object.
      const block = ExAllocatePool2(POOL_FLAG_PAGED, 32, POOL_TAG("Test"));
      expect(ObjectAtAddress(block)).toBeNull();
      ExFreePool(block);
    });
  });

  it("the same run gives the same addresses", () => {
    const run = () => {
      const { m, drv, c } = bootWithDriver({ name: "Same", seed: 7 });
      const ev = new KEVENT();
      return [drv.driver!.address, drv.device!.address, m.runInKernel(() => IoAllocateIrp(3, false)!.address), m.runInKernel(() => AddressOfObject(ev)), m.runInKernel(() => AddressOfObject(c.thread))];
    };
    expect(run()).toEqual(run());
  });
});

describe("object identity: an address lives as long as its object", () => {
  it("a deleted device's address stops resolving, and the next device reuses it", () => {
    const m = boot();
    const drv = tinyDriver({ name: "Dev" });
    m.loadDriver("Dev", drv.DriverEntry);
    const dev = createDevice(m, drv.driver!);
    const address = dev.address;
    expect(m.runInKernel(() => ObjectAtAddress(address))).toBe(dev);
    m.runInKernel(() => IoDeleteDevice(dev));
    expect(m.runInKernel(() => ObjectAtAddress(address))).toBeNull();
    // Still the pointer the driver held, as in C: it just names nothing now.
    expect(m.runInKernel(() => AddressOfObject(dev))).toBe(address);
    const next = createDevice(m, drv.driver!);
    expect(next.address).toBe(address);
    expect(m.runInKernel(() => ObjectAtAddress(address))).toBe(next);
  });

  it("a device that is still referenced keeps its address until the last reference goes", () => {
    const m = boot();
    const drv = tinyDriver({ name: "Held" });
    m.loadDriver("Held", drv.DriverEntry);
    const dev = createDevice(m, drv.driver!);
    m.runInKernel(() => {
      ObReferenceObject(dev);
      IoDeleteDevice(dev);
      expect(ObjectAtAddress(dev.address)).toBe(dev);
      ObDereferenceObject(dev);
      expect(ObjectAtAddress(dev.address)).toBeNull();
    });
  });

  it("a file object's address resolves from the create until the close, and a failed create gives it back", () => {
    let seen: FILE_OBJECT | null = null;
    let refuse = false;
    const { m, c, h } = bootWithDriver({
      name: "Files",
      dispatch: {
        [IRP_MJ_CREATE]: (_d, irp) => {
          seen = IoGetCurrentIrpStackLocation(irp).FileObject;
          return complete(irp, refuse ? STATUS_ACCESS_DENIED : STATUS_SUCCESS);
        },
      },
    });
    const first = seen!;
    expect(m.runInKernel(() => ObjectAtAddress(first.address))).toBe(first);
    m.syscall(c.thread, () => NtClose(h));
    expect(m.runInKernel(() => ObjectAtAddress(first.address))).toBeNull();
    refuse = true;
    expect(open(m, c, "\\??\\Files").status).toBe(STATUS_ACCESS_DENIED);
    const refused = seen!;
    expect(refused).not.toBe(first);
    expect(m.runInKernel(() => ObjectAtAddress(refused.address))).toBeNull();
    refuse = false;
    expect(open(m, c, "\\??\\Files").status).toBe(STATUS_SUCCESS);
    expect(seen!.address).toBe(refused.address);
  });

  it("10,000 opens and 10,000 devices reuse a few addresses: the address space used stays bounded", () => {
    let seen: FILE_OBJECT | null = null;
    const { m, drv, c, h } = bootWithDriver({
      name: "Churn",
      flavor: "free",
      dispatch: {
        [IRP_MJ_CREATE]: (_d, irp) => {
          seen = IoGetCurrentIrpStackLocation(irp).FileObject;
          return complete(irp, STATUS_SUCCESS);
        },
      },
    });
    const table = m.ob.addresses;
    const pages = table.reservedPages;
    const live = table.size;
    const fileAddresses = new Set<number>();
    for (let i = 0; i < 10_000; i++) {
      const o = open(m, c, "\\??\\Churn");
      fileAddresses.add(seen!.address);
      m.syscall(c.thread, () => NtClose(o.handle));
    }
    const deviceAddresses = new Set<number>();
    m.runInKernel(() => {
      for (let i = 0; i < 10_000; i++) {
        const d = Out<DEVICE_OBJECT | null>(null);
        IoCreateDevice(drv.driver!, 16, null, FILE_DEVICE_UNKNOWN, 0, false, d);
        deviceAddresses.add(d.value!.address);
        IoDeleteDevice(d.value!);
      }
    });
    expect(fileAddresses.size).toBe(1);
    expect(deviceAddresses.size).toBe(1);
    expect(table.size).toBe(live);
    expect(table.reservedPages).toBe(pages);
    m.syscall(c.thread, () => NtClose(h));
  });

  it("IRPs recycled through the lookaside list keep their address; one too big for the lists gives it back", () => {
    const m = boot();
    m.runInKernel(() => {
      const small = IoAllocateIrp(2, false)!;
      const a = small.address;
      IoFreeIrp(small);
      const again = IoAllocateIrp(2, false)!;
      expect(again).toBe(small);
      expect(again.address).toBe(a);
      expect(ObjectAtAddress(a)).toBe(again);
      IoFreeIrp(again);
      const big = IoAllocateIrp(20, false)!;
      const b = big.address;
      expect(ObjectAtAddress(b)).toBe(big);
      IoFreeIrp(big);
      expect(ObjectAtAddress(b)).toBeNull();
    });
  });

  it("an MDL's address goes back with IoFreeMdl", () => {
    const m = boot();
    const c = client(m);
    const buffer = userAlloc(m, c);
    m.syscall(c.thread, () => {
      const mdl = IoAllocateMdl(buffer, 64, false, false, null)!;
      const a = AddressOfObject(mdl);
      expect(ObjectAtAddress(a)).toBe(mdl);
      IoFreeMdl(mdl);
      expect(ObjectAtAddress(a)).toBeNull();
    });
  });

  it("the driver object and the addresses its driver asked for go back when it unloads", () => {
    const m = boot();
    const event = new KEVENT();
    let eventAddress = 0;
    const drv = tinyDriver({ name: "Gone", init: () => (eventAddress = AddressOfObject(event)) });
    expect(m.loadDriver("Gone", drv.DriverEntry)).toBe(STATUS_SUCCESS);
    const driverAddress = drv.driver!.address;
    expect(m.runInKernel(() => [ObjectAtAddress(driverAddress), ObjectAtAddress(eventAddress)])).toEqual([drv.driver, event]);
    m.runInKernel(() => IoDeleteDevice(drv.device!));
    m.unloadDriver("Gone");
    expect(m.runInKernel(() => [ObjectAtAddress(driverAddress), ObjectAtAddress(eventAddress)])).toEqual([null, null]);
  });

  it("an event behind a handle keeps its address until its last reference goes", () => {
    const m = boot();
    const c = client(m);
    const handle = Out(0);
    expect(m.syscall(c.thread, () => NtCreateEvent(handle, 0, null, NotificationEvent, false))).toBe(STATUS_SUCCESS);
    const event = Out<KEVENT | null>(null);
    const a = m.syscall(c.thread, () => {
      expect(ObReferenceObjectByHandle(handle.value, 0, KEVENT, KernelMode, event, null)).toBe(STATUS_SUCCESS);
      const address = AddressOfObject(event.value);
      ObDereferenceObject(event.value!);
      return address;
    });
    expect(m.runInKernel(() => ObjectAtAddress(a))).toBe(event.value);
    m.syscall(c.thread, () => NtClose(handle.value));
    expect(m.runInKernel(() => ObjectAtAddress(a))).toBeNull();
  });
});

describe("object identity: pointers in emulated memory", () => {
  it("a kernel pointer round-trips through memory as the same negative number", () => {
    const m = boot();
    m.runInKernel(() => {
      const block = ExAllocatePool2(POOL_FLAG_PAGED, 32, POOL_TAG("Ptrs"));
      const event = new KEVENT();
      const kernel = AddressOfObject(event);
      WritePointer(block, kernel);
      expect(ReadPointer(block)).toBe(kernel);
      // The bytes are the x64 pointer: the high half is the sign extension.
      expect(ReadUlong(block + 4)).toBe(0xffffffff);
      expect(ReadUlong64(block)).toBe(2 ** 64 + kernel);
      for (const v of [0, 1, 0x7ffe_0000_1234, -(2 ** 31), -16]) {
        WritePointer(block + 8, v);
        expect(ReadPointer(block + 8)).toBe(v);
      }
      ExFreePool(block);
    });
  });

  it("reading an object's address as memory is PAGE_FAULT_IN_NONPAGED_AREA (0x50), naming the object", () => {
    const { m, drv } = bootWithDriver({ name: "Deref" });
    const d = expectBugCheck(m, PAGE_FAULT_IN_NONPAGED_AREA, () => m.runInKernel(() => ReadUlong(drv.device!.address)));
    expect(d.BugCheckParameter1).toBe(drv.device!.address);
    expect(d.explanation).toContain("DEVICE_OBJECT");
  });
});

describe("object identity: DEVICE_RELATIONS in paged pool, passed through IoStatus.Information", () => {
  const TAG = POOL_TAG("BusR");

  /** A bus driver with `children` unnamed child devices that reports them for BusRelations. */
  function busDriver(children: number) {
    const pdos: DEVICE_OBJECT[] = [];
    let fdo: DEVICE_OBJECT | null = null;
    const DriverEntry = (DriverObject: DRIVER_OBJECT): NTSTATUS => {
      const d = Out<DEVICE_OBJECT | null>(null);
      IoCreateDevice(DriverObject, 0, "\\Device\\Bus", FILE_DEVICE_BUS_EXTENDER, 0, false, d);
      fdo = d.value!;
      for (let i = 0; i < children; i++) {
        IoCreateDevice(DriverObject, 0, null, FILE_DEVICE_UNKNOWN, 0, false, d);
        pdos.push(d.value!);
      }
      DriverObject.MajorFunction[IRP_MJ_PNP] = (_dev, irp) => {
        const sl = IoGetCurrentIrpStackLocation(irp);
        if (sl.MinorFunction !== IRP_MN_QUERY_DEVICE_RELATIONS || sl.Parameters.Others.Argument1 !== BusRelations) {
          return complete(irp, STATUS_NOT_SUPPORTED);
        }
        // As a bus driver does in C: the caller frees the block and drops the references.
        const relations = ExAllocatePool2(POOL_FLAG_PAGED, DEVICE_RELATIONS_SIZE(pdos.length), TAG);
        WriteDeviceRelationsCount(relations, pdos.length);
        pdos.forEach((pdo, i) => {
          ObReferenceObject(pdo);
          WriteDeviceRelationsObject(relations, i, pdo);
        });
        return complete(irp, STATUS_SUCCESS, relations);
      };
      return STATUS_SUCCESS;
    };
    return { DriverEntry, pdos, fdo: () => fdo! };
  }

  /** What the PnP manager does: send IRP_MN_QUERY_DEVICE_RELATIONS and take back Information. */
  function queryBusRelations(bus: DEVICE_OBJECT): { status: NTSTATUS; information: number } {
    const irp = IoAllocateIrp(bus.StackSize, false)!;
    irp.IoStatus.Status = STATUS_NOT_SUPPORTED;
    const sl = IoGetNextIrpStackLocation(irp);
    sl.MajorFunction = IRP_MJ_PNP;
    sl.MinorFunction = IRP_MN_QUERY_DEVICE_RELATIONS;
    sl.Parameters.Others.Argument1 = BusRelations;
    IoSetCompletionRoutine(irp, () => STATUS_MORE_PROCESSING_REQUIRED, null, true, true, true);
    IoCallDriver(bus, irp);
    const result = { status: irp.IoStatus.Status, information: irp.IoStatus.Information };
    IoFreeIrp(irp);
    return result;
  }

  it("the caller reads back the same device objects the bus driver wrote, through the documented layout", () => {
    const m = boot();
    const bus = busDriver(3);
    expect(m.loadDriver("Bus", bus.DriverEntry)).toBe(STATUS_SUCCESS);
    m.runInKernel(() => {
      const { status, information } = queryBusRelations(bus.fdo());
      expect(status).toBe(STATUS_SUCCESS);
      expect(isKernelAddress(information)).toBe(true);
      expect(m.mm.pool.usage.find((u) => u.tag === "BusR")).toMatchObject({ paged: true, allocations: 1, frees: 0 });
      // The documented x64 layout: ULONG Count, 4 bytes of padding, 8-byte pointers from offset 8.
      expect(ReadUlong(information)).toBe(3);
      expect(ReadUlong(information + 4)).toBe(0);
      bus.pdos.forEach((pdo, i) => expect(ReadPointer(information + 8 + 8 * i)).toBe(pdo.address));
      expect(ReadDeviceRelationsCount(information)).toBe(3);
      const reported: DEVICE_OBJECT[] = [];
      for (let i = 0; i < ReadDeviceRelationsCount(information); i++) reported.push(ReadDeviceRelationsObject(information, i)!);
      expect(reported).toEqual(bus.pdos);
      expect(reported.every((d, i) => d === bus.pdos[i])).toBe(true);
      for (const d of reported) ObDereferenceObject(d);
      ExFreePool(information);
    });
  });

  it("a DEVICE_RELATIONS naming a device that is gone is PAGE_FAULT_IN_NONPAGED_AREA (0x50) when read", () => {
    const m = boot();
    const bus = busDriver(1);
    m.loadDriver("Bus", bus.DriverEntry);
    const pdo = bus.pdos[0]!;
    const stale = pdo.address;
    const d = expectBugCheck(m, PAGE_FAULT_IN_NONPAGED_AREA, () =>
      m.runInKernel(() => {
        const { information } = queryBusRelations(bus.fdo());
        // The caller drops the reference the bus driver took, and the bus driver deletes the child.
        ObDereferenceObject(ReadDeviceRelationsObject(information, 0)!);
        IoDeleteDevice(pdo);
        ReadDeviceRelationsObject(information, 0);
      }),
    );
    expect(d.BugCheckParameter1).toBe(stale);
    expect(d.explanation).toContain("DEVICE_OBJECT");
  });
});

describe("object identity: machines", () => {
  it("two machines give independent addresses: one machine's address does not resolve in another", () => {
    const a = boot({ seed: 1 });
    const b = boot({ seed: 1 });
    const da = tinyDriver({ name: "Twin" });
    const db = tinyDriver({ name: "Twin" });
    a.loadDriver("Twin", da.DriverEntry);
    const address = da.device!.address;
    expect(a.runInKernel(() => ObjectAtAddress(address))).toBe(da.device);
    expect(b.runInKernel(() => ObjectAtAddress(address))).toBeNull();
    // The same steps give the same address in b, naming b's own device.
    b.loadDriver("Twin", db.DriverEntry);
    expect(db.device!.address).toBe(address);
    expect(b.runInKernel(() => ObjectAtAddress(address))).toBe(db.device);
    expect(a.runInKernel(() => ObjectAtAddress(address))).toBe(da.device);
    // Deleting in one machine leaves the other's alone.
    a.runInKernel(() => IoDeleteDevice(da.device!));
    expect(a.runInKernel(() => ObjectAtAddress(address))).toBeNull();
    expect(b.runInKernel(() => ObjectAtAddress(address))).toBe(db.device);
  });

  it("an object asked about in two machines has an address in each, resolving only where it was given", () => {
    const a = boot();
    const b = boot();
    const event = new KEVENT();
    // One object more in a, so the two machines' next addresses differ.
    a.runInKernel(() => AddressOfObject(new KEVENT()));
    const inA = a.runInKernel(() => AddressOfObject(event));
    expect(b.runInKernel(() => ObjectAtAddress(inA))).toBeNull();
    const inB = b.runInKernel(() => AddressOfObject(event));
    expect(inB).not.toBe(inA);
    expect(a.runInKernel(() => ObjectAtAddress(inA))).toBe(event);
    expect(b.runInKernel(() => ObjectAtAddress(inB))).toBe(event);
  });
});
