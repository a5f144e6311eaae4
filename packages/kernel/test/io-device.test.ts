import { describe, expect, it } from "vitest";
import {
  boot, DEVICE_OBJECT, ExAllocatePool2, FILE_DEVICE_UNKNOWN, IoAllocateWorkItem, IoCreateDevice, IoDeleteDevice, IoFreeWorkItem,
  IoQueueWorkItem, DelayedWorkQueue, Out, POOL_FLAG_NON_PAGED, POOL_TAG, ReadUlong, STATUS_SUCCESS, WriteUlong, type DRIVER_OBJECT,
} from "../src/index.js";

describe("device objects", () => {
  it("a DeviceExtension given in bytes is zeroed nonpaged pool, freed with the device", () => {
    for (const flavor of ["checked", "free"] as const) {
      const m = boot({ flavor });
      let device: DEVICE_OBJECT | null = null;
      const entry = (DriverObject: DRIVER_OBJECT): number => {
        const d = Out<DEVICE_OBJECT | null>(null);
        const st = IoCreateDevice(DriverObject, 24, "\\Device\\Ext", FILE_DEVICE_UNKNOWN, 0, false, d);
        device = d.value;
        return st;
      };
      expect(m.loadDriver("ext", entry)).toBe(STATUS_SUCCESS);
      const ext = device!.DeviceExtension as number;
      expect(ext).toBeLessThan(0); // a kernel address
      const devi = () => m.mm.pool.usage.find((u) => u.tag === "Devi")!;
      expect(devi().bytes).toBe(24);
      m.runInKernel(() => {
        expect(ReadUlong(ext + 20)).toBe(0);
        WriteUlong(ext, 0x1234);
        expect(ReadUlong(ext)).toBe(0x1234);
        IoDeleteDevice(device!);
      });
      expect(devi().bytes).toBe(0);
      expect(device!.deleted).toBe(true);
      // The extension belongs to the device, not the driver: unloading is clean even checked.
      m.unloadDriver("ext");
      expect(m.stopped).toBe(false);
    }
  });
});

describe("device object lifetime", () => {
  it("a work item's reference keeps the device and its extension alive after IoDeleteDevice", () => {
    const m = boot({ flavor: "checked" });
    let device: DEVICE_OBJECT | null = null;
    const seen: number[] = [];
    const entry = (DriverObject: DRIVER_OBJECT): number => {
      const d = Out<DEVICE_OBJECT | null>(null);
      const st = IoCreateDevice(DriverObject, 16, "\\Device\\Worky", FILE_DEVICE_UNKNOWN, 0, false, d);
      device = d.value;
      return st;
    };
    expect(m.loadDriver("worky", entry)).toBe(STATUS_SUCCESS);
    const ext = device!.DeviceExtension as number;
    m.runInKernel(() => {
      WriteUlong(ext, 41);
      const item = IoAllocateWorkItem(device!);
      IoQueueWorkItem(item, (Dev) => {
        // The device was deleted before this ran; its extension is still the driver's.
        seen.push(ReadUlong(Dev.DeviceExtension as number) + 1);
        IoFreeWorkItem(item);
      }, DelayedWorkQueue, null);
      IoDeleteDevice(device!);
      expect(device!.deleted).toBe(false);
      // A new allocation does not get the extension's memory while the work item holds the device.
      const other = ExAllocatePool2(POOL_FLAG_NON_PAGED, 16, POOL_TAG("Othr"));
      expect(other).not.toBe(ext);
      WriteUlong(other, 0xdead);
    });
    m.run();
    expect(seen).toEqual([42]);
    expect(device!.deleted).toBe(true);
  });
});
