import { describe, expect, it } from "vitest";
import {
  boot, DEVICE_OBJECT, FILE_DEVICE_UNKNOWN, IoCreateDevice, IoDeleteDevice, Out, ReadUlong, STATUS_SUCCESS, WriteUlong,
  type DRIVER_OBJECT,
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
      expect(ext).toBeGreaterThanOrEqual(2 ** 47);
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
