import { describe, expect, it } from "vitest";
import {
  boot, ExAllocatePool2, ExFreePool, KEY_READ, POOL_FLAG_NON_PAGED, POOL_TAG, ReadBytes, WriteBytes, KEY_WRITE, NT_SUCCESS, Out, PLUGPLAY_REGKEY_DEVICE, PLUGPLAY_REGKEY_DRIVER, REG_BINARY, REG_CREATED_NEW_KEY, REG_OPENED_EXISTING_KEY,
  REG_OPTION_NON_VOLATILE, STATUS_BUFFER_OVERFLOW, STATUS_INVALID_DEVICE_STATE, STATUS_OBJECT_NAME_NOT_FOUND, STATUS_OBJECT_TYPE_MISMATCH, STATUS_SUCCESS,
  type DRIVER_OBJECT, type NTSTATUS,
} from "@wdfjs/kernel";
import {
  RtlInitUnicodeString, UNICODE_STRING, WDF_DRIVER_CONFIG, WDF_DRIVER_CONFIG_INIT, WdfCollectionAdd, WdfCollectionCreate, WdfCollectionGetCount,
  WdfCollectionGetItem, WdfDeviceCreate, WdfDeviceOpenRegistryKey, WdfDriverCreate, WdfDriverOpenParametersRegistryKey, WdfRegistryAssignMultiString,
  WdfRegistryAssignULong, WdfRegistryAssignUnicodeString, WdfRegistryAssignValue, WdfRegistryClose, WdfRegistryCreateKey, WdfRegistryOpenKey,
  WdfRegistryQueryMultiString, WdfRegistryQueryULong, WdfRegistryQueryUnicodeString, WdfRegistryQueryValue, WdfRegistryRemoveKey, WdfRegistryRemoveValue,
  WdfStringCreate, WdfStringGetUnicodeString, type PWDFDEVICE_INIT, type WDFCOLLECTION, type WDFDEVICE, type WDFDRIVER, type WDFKEY, type WDFOBJECT, type WDFSTRING,
} from "../src/index.js";
import { loadControlDriver } from "./control-driver.js";

const us = (s: string): UNICODE_STRING => {
  const u = new UNICODE_STRING();
  RtlInitUnicodeString(u, s);
  return u;
};

/** A KMDF function driver whose DriverEntry and EvtDriverDeviceAdd exercise the WDFKEY functions, logging what they saw. */
function registryDriver(log: string[]) {
  function EvtDeviceAdd(_Driver: WDFDRIVER, DeviceInit: PWDFDEVICE_INIT): NTSTATUS {
    const device = Out<WDFDEVICE | null>(null);
    const status = WdfDeviceCreate(Out(DeviceInit), null, device);
    if (!NT_SUCCESS(status)) return status;
    const hw = Out<WDFKEY | null>(null);
    log.push(`device key ${WdfDeviceOpenRegistryKey(device.value!, PLUGPLAY_REGKEY_DEVICE, KEY_READ | KEY_WRITE, null, hw)}`);
    log.push(`assign ${WdfRegistryAssignULong(hw.value!, us("NumberOfToasters"), 3)}`);
    const n = Out(0);
    log.push(`query ${WdfRegistryQueryULong(hw.value!, us("NumberOfToasters"), n)} ${n.value}`);
    log.push(`missing ${WdfRegistryQueryULong(hw.value!, us("Missing"), n)}`);
    WdfRegistryClose(hw.value!);
    const sw = Out<WDFKEY | null>(null);
    log.push(`driver key ${WdfDeviceOpenRegistryKey(device.value!, PLUGPLAY_REGKEY_DRIVER, KEY_READ, null, sw)}`);
    if (sw.value !== null) WdfRegistryClose(sw.value);
    return STATUS_SUCCESS;
  }
  return function DriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
    const config = new WDF_DRIVER_CONFIG();
    WDF_DRIVER_CONFIG_INIT(config, EvtDeviceAdd);
    const driver = Out<WDFDRIVER | null>(null);
    const status = WdfDriverCreate(DriverObject, RegistryPath, null, config, driver);
    if (!NT_SUCCESS(status)) return status;
    const params = Out<WDFKEY | null>(null);
    log.push(`parameters ${WdfDriverOpenParametersRegistryKey(driver.value!, KEY_READ | KEY_WRITE, null, params)}`);
    log.push(`assign sz ${WdfRegistryAssignUnicodeString(params.value!, us("Mode"), us("fast"))}`);
    WdfRegistryClose(params.value!);
    return status;
  };
}

describe("WDFKEY", () => {
  it("a driver's Parameters key and its device's hardware and software keys open, hold values and read them back", () => {
    const m = boot();
    const log: string[] = [];
    m.installDriverPackage({ service: "kreg", hardwareIds: [{ id: "root\\kreg" }], class: "System", framework: "WDM", DriverEntry: registryDriver(log) });
    m.pnp.createRootDevice({ hardwareIds: ["root\\kreg"], class: "System" });
    expect(log).toEqual([
      `parameters ${STATUS_SUCCESS}`, `assign sz ${STATUS_SUCCESS}`,
      `device key ${STATUS_SUCCESS}`, `assign ${STATUS_SUCCESS}`, `query ${STATUS_SUCCESS} 3`, `missing ${STATUS_OBJECT_NAME_NOT_FOUND}`, `driver key ${STATUS_SUCCESS}`,
    ]);
    expect(m.bugCheckData).toBeNull();
  });

  it("create, open, typed queries, multi-strings through collections, value and key removal", () => {
    const m = boot();
    let device: WDFDEVICE | null = null;
    expect(loadControlDriver(m, "REG", (d) => ((device = d), STATUS_SUCCESS))).toBe(STATUS_SUCCESS);
    m.runInKernel(() => {
      // A control device is not known to the PnP manager: it has no device keys.
      expect(WdfDeviceOpenRegistryKey(device!, PLUGPLAY_REGKEY_DEVICE, KEY_READ, null, Out<WDFKEY | null>(null))).toBe(STATUS_INVALID_DEVICE_STATE);
      const root = Out<WDFKEY | null>(null);
      const disposition = Out(0);
      const name = us("\\Registry\\Machine\\Software\\WdfjsTest");
      expect(WdfRegistryCreateKey(null, name, KEY_READ | KEY_WRITE, REG_OPTION_NON_VOLATILE, disposition, null, root)).toBe(STATUS_SUCCESS);
      expect(disposition.value).toBe(REG_CREATED_NEW_KEY);
      const sub = Out<WDFKEY | null>(null);
      expect(WdfRegistryCreateKey(root.value!, us("Sub"), KEY_READ | KEY_WRITE, REG_OPTION_NON_VOLATILE, disposition, null, sub)).toBe(STATUS_SUCCESS);
      WdfRegistryClose(sub.value!);
      expect(WdfRegistryOpenKey(root.value!, us("Sub"), KEY_READ | KEY_WRITE, null, sub)).toBe(STATUS_SUCCESS);
      expect(WdfRegistryCreateKey(root.value!, us("Sub"), KEY_READ, REG_OPTION_NON_VOLATILE, disposition, null, Out<WDFKEY | null>(null))).toBe(STATUS_SUCCESS);
      expect(disposition.value).toBe(REG_OPENED_EXISTING_KEY);
      expect(WdfRegistryOpenKey(root.value!, us("Nope"), KEY_READ, null, Out<WDFKEY | null>(null))).toBe(STATUS_OBJECT_NAME_NOT_FOUND);

      const k = root.value!;
      // A REG_SZ read as a ULONG is a type mismatch; a too small UNICODE_STRING is STATUS_BUFFER_OVERFLOW with the length.
      expect(WdfRegistryAssignUnicodeString(k, us("Name"), us("echo"))).toBe(STATUS_SUCCESS);
      expect(WdfRegistryQueryULong(k, us("Name"), Out(0))).toBe(STATUS_OBJECT_TYPE_MISMATCH);
      const small = new UNICODE_STRING();
      small.MaximumLength = 4;
      const needed = Out(0);
      expect(WdfRegistryQueryUnicodeString(k, us("Name"), needed, small)).toBe(STATUS_BUFFER_OVERFLOW);
      expect(needed.value).toBe(10);
      const big = new UNICODE_STRING();
      big.MaximumLength = 64;
      expect(WdfRegistryQueryUnicodeString(k, us("Name"), null, big)).toBe(STATUS_SUCCESS);
      expect([big.Buffer, big.Length]).toEqual(["echo", 8]);

      // Multi-strings: a collection of WDFSTRINGs in, a collection out.
      const input = Out<WDFCOLLECTION | null>(null);
      WdfCollectionCreate(null, input);
      for (const s of ["root\\ECHO", "echo"]) {
        const str = Out<WDFSTRING | null>(null);
        WdfStringCreate(us(s), null, str);
        WdfCollectionAdd(input.value!, str.value!);
      }
      expect(WdfRegistryAssignMultiString(k, us("Ids"), input.value!)).toBe(STATUS_SUCCESS);
      const output = Out<WDFCOLLECTION | null>(null);
      WdfCollectionCreate(null, output);
      expect(WdfRegistryQueryMultiString(k, us("Ids"), null, output.value!)).toBe(STATUS_SUCCESS);
      expect(WdfCollectionGetCount(output.value!)).toBe(2);
      const got = new UNICODE_STRING();
      WdfStringGetUnicodeString(WdfCollectionGetItem(output.value!, 0) as WDFOBJECT as WDFSTRING, got);
      expect(got.Buffer).toBe("root\\ECHO");
      expect(WdfRegistryQueryMultiString(k, us("Name"), null, output.value!)).toBe(STATUS_OBJECT_TYPE_MISMATCH);

      // Raw values from and to memory: the length and type come back even when the buffer is too small.
      const buffer = ExAllocatePool2(POOL_FLAG_NON_PAGED, 8, POOL_TAG("test"));
      WriteBytes(buffer, [1, 2, 3, 4, 5]);
      expect(WdfRegistryAssignValue(k, us("Blob"), REG_BINARY, 5, buffer)).toBe(STATUS_SUCCESS);
      const len = Out(0);
      const type = Out(0);
      expect(WdfRegistryQueryValue(k, us("Blob"), 4, buffer, len, type)).toBe(STATUS_BUFFER_OVERFLOW);
      expect([len.value, type.value]).toEqual([5, REG_BINARY]);
      WriteBytes(buffer, new Array(8).fill(0));
      expect(WdfRegistryQueryValue(k, us("Blob"), 8, buffer, len, type)).toBe(STATUS_SUCCESS);
      expect([...ReadBytes(buffer, 6)]).toEqual([1, 2, 3, 4, 5, 0]);
      ExFreePool(buffer);
      expect(WdfRegistryAssignULong(k, us("Count"), 7)).toBe(STATUS_SUCCESS);
      const count = Out(0);
      expect(WdfRegistryQueryULong(k, us("Count"), count)).toBe(STATUS_SUCCESS);
      expect(count.value).toBe(7);

      expect(WdfRegistryRemoveValue(k, us("Count"))).toBe(STATUS_SUCCESS);
      expect(WdfRegistryRemoveValue(k, us("Count"))).toBe(STATUS_OBJECT_NAME_NOT_FOUND);
      expect(WdfRegistryRemoveKey(sub.value!)).toBe(STATUS_SUCCESS);
      expect(WdfRegistryOpenKey(root.value!, us("Sub"), KEY_READ, null, Out<WDFKEY | null>(null))).toBe(STATUS_OBJECT_NAME_NOT_FOUND);
    });
  });
});
