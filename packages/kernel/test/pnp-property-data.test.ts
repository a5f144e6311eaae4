/**
 * The unified device property model (wdm.h IoGetDevicePropertyData / IoSetDevicePropertyData): a
 * device node keeps DEVPROPKEY-named properties with their DEVPROPTYPE, as Windows' PnP manager does.
 */
import { describe, expect, it } from "vitest";
import {
  boot, DEVPROP_TYPE_BINARY, DEVPROP_TYPE_EMPTY, DEVPROP_TYPE_STRING, DEVPROP_TYPE_UINT32, ExAllocatePool2, ExFreePool, IoGetDevicePropertyData,
  IoSetDevicePropertyData, Out, PLUGPLAY_PROPERTY_PERSISTENT, POOL_FLAG_PAGED, POOL_TAG, ReadBytes, ReadUlong, ReadWideString, STATUS_BUFFER_TOO_SMALL,
  STATUS_INVALID_PARAMETER, STATUS_OBJECT_NAME_NOT_FOUND, STATUS_SUCCESS, WriteBytes, WriteUlong, WriteWideString, type DEVICE_OBJECT, type DEVPROPKEY,
  type Machine,
} from "../src/index.js";

const KEY_SPEED: DEVPROPKEY = { fmtid: "{3c1ec1b0-5bd6-4e5b-9f2e-7a1d1b0a0c11}", pid: 2 };
const KEY_NAME: DEVPROPKEY = { fmtid: "{3c1ec1b0-5bd6-4e5b-9f2e-7a1d1b0a0c11}", pid: 3 };

function rootDevice(m: Machine, hardwareId: string): DEVICE_OBJECT {
  const path = m.pnp.createRootDevice({ hardwareIds: [hardwareId], class: "System" });
  m.run();
  return m.pnp.node(path)!.PhysicalDeviceObject;
}

describe("PnP: unified device properties (IoGetDevicePropertyData / IoSetDevicePropertyData)", () => {
  it("a property set on a PDO reads back with its type and bytes; too short a buffer gives STATUS_BUFFER_TOO_SMALL and the size needed", () => {
    const m = boot({ seed: 1 });
    const pdo = rootDevice(m, "root\\propdev");
    m.runInKernel(() => {
      const buf = ExAllocatePool2(POOL_FLAG_PAGED, 64, POOL_TAG("test"));
      WriteUlong(buf, 1000);
      expect(IoSetDevicePropertyData(pdo, KEY_SPEED, 0, 0, DEVPROP_TYPE_UINT32, 4, buf)).toBe(STATUS_SUCCESS);
      WriteWideString(buf, "fast");
      expect(IoSetDevicePropertyData(pdo, KEY_NAME, 0, PLUGPLAY_PROPERTY_PERSISTENT, DEVPROP_TYPE_STRING, 10, buf)).toBe(STATUS_SUCCESS);
      WriteUlong(buf, 0);
      const size = Out(0);
      const type = Out(0);
      expect(IoGetDevicePropertyData(pdo, KEY_SPEED, 0, 0, 2, buf, size, type)).toBe(STATUS_BUFFER_TOO_SMALL);
      expect([size.value, type.value]).toEqual([4, DEVPROP_TYPE_UINT32]);
      expect(IoGetDevicePropertyData(pdo, KEY_SPEED, 0, 0, 0, 0, size, type)).toBe(STATUS_BUFFER_TOO_SMALL);
      expect(IoGetDevicePropertyData(pdo, KEY_SPEED, 0, 0, 64, buf, size, type)).toBe(STATUS_SUCCESS);
      expect([ReadUlong(buf), size.value, type.value]).toEqual([1000, 4, DEVPROP_TYPE_UINT32]);
      expect(IoGetDevicePropertyData(pdo, KEY_NAME, 0, 0, 64, buf, size, type)).toBe(STATUS_SUCCESS);
      expect([ReadWideString(buf), size.value, type.value]).toEqual(["fast", 10, DEVPROP_TYPE_STRING]);
      ExFreePool(buf);
    });
  });

  it("the store keeps a copy: changing the caller's buffer after the set does not change the property", () => {
    const m = boot({ seed: 1 });
    const pdo = rootDevice(m, "root\\propdev");
    m.runInKernel(() => {
      const buf = ExAllocatePool2(POOL_FLAG_PAGED, 16, POOL_TAG("test"));
      WriteBytes(buf, [1, 2, 3]);
      expect(IoSetDevicePropertyData(pdo, KEY_SPEED, 0, 0, DEVPROP_TYPE_BINARY, 3, buf)).toBe(STATUS_SUCCESS);
      WriteBytes(buf, [9, 9, 9]);
      const size = Out(0);
      const type = Out(0);
      expect(IoGetDevicePropertyData(pdo, KEY_SPEED, 0, 0, 16, buf, size, type)).toBe(STATUS_SUCCESS);
      expect([...ReadBytes(buf, 3)]).toEqual([1, 2, 3]);
      expect(type.value).toBe(DEVPROP_TYPE_BINARY);
      ExFreePool(buf);
    });
  });

  it("a property never set is STATUS_OBJECT_NAME_NOT_FOUND, and so is one on another device node", () => {
    const m = boot({ seed: 1 });
    const a = rootDevice(m, "root\\propa");
    const b = rootDevice(m, "root\\propb");
    m.runInKernel(() => {
      const buf = ExAllocatePool2(POOL_FLAG_PAGED, 16, POOL_TAG("test"));
      const size = Out(7);
      const type = Out(7);
      expect(IoGetDevicePropertyData(a, KEY_SPEED, 0, 0, 16, buf, size, type)).toBe(STATUS_OBJECT_NAME_NOT_FOUND);
      expect([size.value, type.value]).toEqual([0, DEVPROP_TYPE_EMPTY]);
      WriteUlong(buf, 5);
      expect(IoSetDevicePropertyData(a, KEY_SPEED, 0, 0, DEVPROP_TYPE_UINT32, 4, buf)).toBe(STATUS_SUCCESS);
      expect(IoGetDevicePropertyData(b, KEY_SPEED, 0, 0, 16, buf, size, type)).toBe(STATUS_OBJECT_NAME_NOT_FOUND);
      ExFreePool(buf);
    });
  });

  it("Size 0 with no data deletes a property, as does DEVPROP_TYPE_EMPTY; deleting one that is not set succeeds", () => {
    const m = boot({ seed: 1 });
    const pdo = rootDevice(m, "root\\propdev");
    m.runInKernel(() => {
      const buf = ExAllocatePool2(POOL_FLAG_PAGED, 16, POOL_TAG("test"));
      const size = Out(0);
      const type = Out(0);
      WriteUlong(buf, 5);
      IoSetDevicePropertyData(pdo, KEY_SPEED, 0, 0, DEVPROP_TYPE_UINT32, 4, buf);
      expect(IoSetDevicePropertyData(pdo, KEY_SPEED, 0, 0, DEVPROP_TYPE_UINT32, 0, 0)).toBe(STATUS_SUCCESS);
      expect(IoGetDevicePropertyData(pdo, KEY_SPEED, 0, 0, 16, buf, size, type)).toBe(STATUS_OBJECT_NAME_NOT_FOUND);
      IoSetDevicePropertyData(pdo, KEY_SPEED, 0, 0, DEVPROP_TYPE_UINT32, 4, buf);
      expect(IoSetDevicePropertyData(pdo, KEY_SPEED, 0, 0, DEVPROP_TYPE_EMPTY, 4, buf)).toBe(STATUS_SUCCESS);
      expect(IoGetDevicePropertyData(pdo, KEY_SPEED, 0, 0, 16, buf, size, type)).toBe(STATUS_OBJECT_NAME_NOT_FOUND);
      expect(IoSetDevicePropertyData(pdo, KEY_NAME, 0, 0, DEVPROP_TYPE_EMPTY, 0, 0)).toBe(STATUS_SUCCESS);
      ExFreePool(buf);
    });
  });

  it("an LCID other than LOCALE_NEUTRAL, unknown flags, an unknown type or a size without data is STATUS_INVALID_PARAMETER", () => {
    const m = boot({ seed: 1 });
    const pdo = rootDevice(m, "root\\propdev");
    m.runInKernel(() => {
      const buf = ExAllocatePool2(POOL_FLAG_PAGED, 16, POOL_TAG("test"));
      const size = Out(0);
      const type = Out(0);
      expect(IoSetDevicePropertyData(pdo, KEY_SPEED, 0x409, 0, DEVPROP_TYPE_UINT32, 4, buf)).toBe(STATUS_INVALID_PARAMETER);
      expect(IoSetDevicePropertyData(pdo, KEY_SPEED, 0, 0x80, DEVPROP_TYPE_UINT32, 4, buf)).toBe(STATUS_INVALID_PARAMETER);
      expect(IoSetDevicePropertyData(pdo, KEY_SPEED, 0, 0, 0x777, 4, buf)).toBe(STATUS_INVALID_PARAMETER);
      expect(IoSetDevicePropertyData(pdo, KEY_SPEED, 0, 0, DEVPROP_TYPE_UINT32, 4, 0)).toBe(STATUS_INVALID_PARAMETER);
      expect(IoGetDevicePropertyData(pdo, KEY_SPEED, 0x409, 0, 16, buf, size, type)).toBe(STATUS_INVALID_PARAMETER);
      expect(IoGetDevicePropertyData(pdo, KEY_SPEED, 0, PLUGPLAY_PROPERTY_PERSISTENT, 16, buf, size, type)).toBe(STATUS_INVALID_PARAMETER);
      ExFreePool(buf);
    });
  });
});
