/**
 * The unified-model device properties of KMDF (WdfDeviceAssignProperty, WdfDeviceQueryPropertyEx,
 * the Alloc variants and the WdfFdoInit* ones): a DEVPROPKEY property of the device's PDO, as a
 * KMDF function driver sees it.
 */
import { describe, expect, it } from "vitest";
import {
  boot, DEVPROP_TYPE_BINARY, DEVPROP_TYPE_STRING, DEVPROP_TYPE_UINT32, ExAllocatePool2, ExFreePool, IoSetDevicePropertyData, NT_SUCCESS, Out, PagedPool,
  POOL_FLAG_PAGED, POOL_TAG, ReadBytes, ReadUlong, ReadWideString, STATUS_BUFFER_TOO_SMALL, STATUS_INFO_LENGTH_MISMATCH, STATUS_INVALID_DEVICE_REQUEST,
  STATUS_INVALID_DEVICE_STATE, STATUS_INVALID_PARAMETER, STATUS_OBJECT_NAME_NOT_FOUND, STATUS_SUCCESS, WriteBytes, WriteUlong, WriteWideString,
  type DEVPROPKEY, type NTSTATUS,
} from "@wdfjs/kernel";
import {
  WDF_DEVICE_PROPERTY_DATA, WDF_DEVICE_PROPERTY_DATA_INIT, WdfDeviceAllocAndQueryPropertyEx, WdfDeviceAssignProperty, WdfDeviceQueryPropertyEx,
  WdfFdoInitAllocAndQueryPropertyEx, WdfFdoInitQueryPropertyEx, WdfFdoInitWdmGetPhysicalDevice, WdfMemoryGetBuffer, type WDFDEVICE, type WDFMEMORY,
} from "../src/index.js";
import { loadControlDriver } from "./control-driver.js";
import { installFdo, newFdoLog } from "./kmdf-fdo-harness.js";

const KEY_SPEED: DEVPROPKEY = { fmtid: "{8a1d6f40-0c2b-4d7e-9a55-3f0e6b2c7d10}", pid: 2 };
const KEY_LABEL: DEVPROPKEY = { fmtid: "{8a1d6f40-0c2b-4d7e-9a55-3f0e6b2c7d10}", pid: 3 };

function data(key: DEVPROPKEY): WDF_DEVICE_PROPERTY_DATA {
  const d = new WDF_DEVICE_PROPERTY_DATA();
  WDF_DEVICE_PROPERTY_DATA_INIT(d, key);
  return d;
}

/** A started KMDF FDO on a root device; `run` runs in the kernel with its WDFDEVICE and a 64-byte pool buffer. */
function withFdo<T>(run: (device: WDFDEVICE, buf: number) => T): T {
  const m = boot();
  const log = newFdoLog();
  installFdo(m, log, "kprop");
  expect(log.device).not.toBeNull();
  return m.runInKernel(() => {
    const buf = ExAllocatePool2(POOL_FLAG_PAGED, 64, POOL_TAG("test"));
    try {
      return run(log.device!, buf);
    } finally {
      ExFreePool(buf);
    }
  });
}

describe("KMDF unified device properties", () => {
  it("a property the driver assigns reads back with WdfDeviceQueryPropertyEx: its bytes, size and DEVPROPTYPE", () => {
    withFdo((device, buf) => {
      WriteUlong(buf, 115200);
      expect(WdfDeviceAssignProperty(device, data(KEY_SPEED), DEVPROP_TYPE_UINT32, 4, buf)).toBe(STATUS_SUCCESS);
      WriteWideString(buf, "COM7");
      expect(WdfDeviceAssignProperty(device, data(KEY_LABEL), DEVPROP_TYPE_STRING, 10, buf)).toBe(STATUS_SUCCESS);
      const size = Out(0);
      const type = Out(0);
      expect(WdfDeviceQueryPropertyEx(device, data(KEY_SPEED), 64, buf, size, type)).toBe(STATUS_SUCCESS);
      expect([ReadUlong(buf), size.value, type.value]).toEqual([115200, 4, DEVPROP_TYPE_UINT32]);
      expect(WdfDeviceQueryPropertyEx(device, data(KEY_LABEL), 64, buf, size, type)).toBe(STATUS_SUCCESS);
      expect([ReadWideString(buf), size.value, type.value]).toEqual(["COM7", 10, DEVPROP_TYPE_STRING]);
    });
  });

  it("too small a buffer is STATUS_BUFFER_TOO_SMALL with the size needed in RequiredSize; no buffer asks only the size", () => {
    withFdo((device, buf) => {
      WriteWideString(buf, "COM7");
      WdfDeviceAssignProperty(device, data(KEY_LABEL), DEVPROP_TYPE_STRING, 10, buf);
      const size = Out(0);
      const type = Out(0);
      expect(WdfDeviceQueryPropertyEx(device, data(KEY_LABEL), 4, buf, size, type)).toBe(STATUS_BUFFER_TOO_SMALL);
      expect([size.value, type.value]).toEqual([10, DEVPROP_TYPE_STRING]);
      expect(WdfDeviceQueryPropertyEx(device, data(KEY_LABEL), 0, 0, size, type)).toBe(STATUS_BUFFER_TOO_SMALL);
      expect(size.value).toBe(10);
      // A length without a buffer, or a buffer without a length.
      expect(WdfDeviceQueryPropertyEx(device, data(KEY_LABEL), 16, 0, size, type)).toBe(STATUS_INVALID_PARAMETER);
      expect(WdfDeviceQueryPropertyEx(device, data(KEY_LABEL), 0, buf, size, type)).toBe(STATUS_INVALID_PARAMETER);
    });
  });

  it("a property never assigned is STATUS_OBJECT_NAME_NOT_FOUND; assigning no buffer deletes it", () => {
    withFdo((device, buf) => {
      const size = Out(0);
      const type = Out(0);
      expect(WdfDeviceQueryPropertyEx(device, data(KEY_SPEED), 64, buf, size, type)).toBe(STATUS_OBJECT_NAME_NOT_FOUND);
      WriteUlong(buf, 9600);
      expect(WdfDeviceAssignProperty(device, data(KEY_SPEED), DEVPROP_TYPE_UINT32, 4, buf)).toBe(STATUS_SUCCESS);
      expect(WdfDeviceAssignProperty(device, data(KEY_SPEED), DEVPROP_TYPE_UINT32, 0, 0)).toBe(STATUS_SUCCESS);
      expect(WdfDeviceQueryPropertyEx(device, data(KEY_SPEED), 64, buf, size, type)).toBe(STATUS_OBJECT_NAME_NOT_FOUND);
      // A buffer with no length is refused by WDF before the kernel sees it.
      expect(WdfDeviceAssignProperty(device, data(KEY_SPEED), DEVPROP_TYPE_UINT32, 0, buf)).toBe(STATUS_INVALID_PARAMETER);
    });
  });

  it("a structure of the wrong Size is STATUS_INFO_LENGTH_MISMATCH; an LCID other than LOCALE_NEUTRAL is STATUS_INVALID_PARAMETER", () => {
    withFdo((device, buf) => {
      const size = Out(0);
      const type = Out(0);
      const memory = Out<WDFMEMORY | null>(null);
      const short = data(KEY_SPEED);
      short.Size = 16;
      expect(WdfDeviceQueryPropertyEx(device, short, 64, buf, size, type)).toBe(STATUS_INFO_LENGTH_MISMATCH);
      expect(WdfDeviceAllocAndQueryPropertyEx(device, short, PagedPool, null, memory, type)).toBe(STATUS_INFO_LENGTH_MISMATCH);
      expect(WdfDeviceAssignProperty(device, short, DEVPROP_TYPE_UINT32, 4, buf)).toBe(STATUS_INFO_LENGTH_MISMATCH);
      const english = data(KEY_SPEED);
      english.Lcid = 0x409;
      expect(WdfDeviceAssignProperty(device, english, DEVPROP_TYPE_UINT32, 4, buf)).toBe(STATUS_INVALID_PARAMETER);
      expect(WdfDeviceQueryPropertyEx(device, english, 64, buf, size, type)).toBe(STATUS_INVALID_PARAMETER);
      const flagged = data(KEY_SPEED);
      flagged.Flags = 0x80;
      expect(WdfDeviceAssignProperty(device, flagged, DEVPROP_TYPE_UINT32, 4, buf)).toBe(STATUS_INVALID_PARAMETER);
    });
  });

  it("WdfDeviceAllocAndQueryPropertyEx gives a WDFMEMORY of the property's size holding its bytes, and its type", () => {
    withFdo((device, buf) => {
      WriteBytes(buf, [0xde, 0xad, 0xbe, 0xef, 0x01]);
      WdfDeviceAssignProperty(device, data(KEY_SPEED), DEVPROP_TYPE_BINARY, 5, buf);
      const memory = Out<WDFMEMORY | null>(null);
      const type = Out(0);
      expect(WdfDeviceAllocAndQueryPropertyEx(device, data(KEY_SPEED), PagedPool, null, memory, type)).toBe(STATUS_SUCCESS);
      const size = Out(0);
      const at = WdfMemoryGetBuffer(memory.value!, size);
      expect(size.value).toBe(5);
      expect([...ReadBytes(at, 5)]).toEqual([0xde, 0xad, 0xbe, 0xef, 0x01]);
      expect(type.value).toBe(DEVPROP_TYPE_BINARY);
      expect(WdfDeviceAllocAndQueryPropertyEx(device, data(KEY_LABEL), PagedPool, null, memory, type)).toBe(STATUS_OBJECT_NAME_NOT_FOUND);
      expect(memory.value).toBeNull();
    });
  });

  it("EvtDriverDeviceAdd reads a property the bus set on the PDO through the WdfFdoInit* variants", () => {
    const m = boot();
    const seen: unknown[] = [];
    const log = newFdoLog({
      onInit: (init) => {
        const pdo = WdfFdoInitWdmGetPhysicalDevice(init)!;
        const buf = ExAllocatePool2(POOL_FLAG_PAGED, 16, POOL_TAG("test"));
        WriteUlong(buf, 42);
        seen.push(IoSetDevicePropertyData(pdo, KEY_SPEED, 0, 0, DEVPROP_TYPE_UINT32, 4, buf));
        WriteUlong(buf, 0);
        const size = Out(0);
        const type = Out(0);
        seen.push(WdfFdoInitQueryPropertyEx(init, data(KEY_SPEED), 16, buf, size, type), ReadUlong(buf), size.value, type.value);
        const memory = Out<WDFMEMORY | null>(null);
        const status: NTSTATUS = WdfFdoInitAllocAndQueryPropertyEx(init, data(KEY_SPEED), PagedPool, null, memory, type);
        seen.push(status, NT_SUCCESS(status) ? ReadUlong(WdfMemoryGetBuffer(memory.value!, null)) : null, type.value);
        ExFreePool(buf);
      },
    });
    installFdo(m, log, "kpropinit");
    expect(seen).toEqual([STATUS_SUCCESS, STATUS_SUCCESS, 42, 4, DEVPROP_TYPE_UINT32, STATUS_SUCCESS, 42, DEVPROP_TYPE_UINT32]);
    expect(m.bugCheckData).toBeNull();
  });

  it("a control device has no PDO: the properties are STATUS_INVALID_DEVICE_STATE, as in WDF", () => {
    const m = boot();
    let device: WDFDEVICE | null = null;
    expect(loadControlDriver(m, "PROPCTL", (d) => ((device = d), STATUS_SUCCESS))).toBe(STATUS_SUCCESS);
    m.runInKernel(() => {
      const buf = ExAllocatePool2(POOL_FLAG_PAGED, 16, POOL_TAG("test"));
      const size = Out(0);
      const type = Out(0);
      const memory = Out<WDFMEMORY | null>(null);
      expect(WdfDeviceQueryPropertyEx(device!, data(KEY_SPEED), 16, buf, size, type)).toBe(STATUS_INVALID_DEVICE_STATE);
      expect(WdfDeviceAllocAndQueryPropertyEx(device!, data(KEY_SPEED), PagedPool, null, memory, type)).toBe(STATUS_INVALID_DEVICE_STATE);
      expect(WdfDeviceAssignProperty(device!, data(KEY_SPEED), DEVPROP_TYPE_UINT32, 4, buf)).toBe(STATUS_INVALID_DEVICE_STATE);
      ExFreePool(buf);
    });
  });
});
