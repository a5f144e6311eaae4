/**
 * WdfDriverOpenPersistentStateRegistryKey (KMDF 1.25): the key where a driver keeps state across
 * reboots, IoOpenDriverRegistryKey's DriverRegKeyPersistentState (the service key's `State`).
 */
import { describe, expect, it } from "vitest";
import { boot, KEY_READ, KEY_WRITE, Out, REG_DWORD, STATUS_OBJECT_NAME_NOT_FOUND, STATUS_SUCCESS, type RegistrySnapshot } from "@wdfjs/kernel";
import { RtlInitUnicodeString, UNICODE_STRING, WdfDriverOpenPersistentStateRegistryKey, WdfRegistryAssignULong, WdfRegistryClose, WdfRegistryQueryULong, type WDFKEY } from "../src/index.js";
import { loadControlDriver } from "./control-driver.js";

const STATE = "HKLM\\SYSTEM\\CurrentControlSet\\Services\\PSTATE\\State";

const us = (s: string): UNICODE_STRING => {
  const u = new UNICODE_STRING();
  RtlInitUnicodeString(u, s);
  return u;
};

describe("WdfDriverOpenPersistentStateRegistryKey", () => {
  it("opens (creating) the service's State key; a value written there is read after closing and re-opening it, and the host sees it", () => {
    const m = boot();
    const seen: unknown[] = [];
    expect(loadControlDriver(m, "PSTATE", (_device, driver) => {
      const key = Out<WDFKEY | null>(null);
      seen.push(WdfDriverOpenPersistentStateRegistryKey(driver, KEY_READ | KEY_WRITE, null, key));
      seen.push(WdfRegistryAssignULong(key.value!, us("BootCount"), 1));
      WdfRegistryClose(key.value!);
      const again = Out<WDFKEY | null>(null);
      seen.push(WdfDriverOpenPersistentStateRegistryKey(driver, KEY_READ, null, again));
      const n = Out(0);
      seen.push(WdfRegistryQueryULong(again.value!, us("BootCount"), n), n.value);
      seen.push(WdfRegistryQueryULong(again.value!, us("Missing"), n));
      WdfRegistryClose(again.value!);
      return STATUS_SUCCESS;
    })).toBe(STATUS_SUCCESS);
    expect(seen).toEqual([STATUS_SUCCESS, STATUS_SUCCESS, STATUS_SUCCESS, STATUS_SUCCESS, 1, STATUS_OBJECT_NAME_NOT_FOUND]);
    expect(m.registry.queryValue(STATE, "BootCount")).toMatchObject({ type: REG_DWORD, data: 1 });
  });

  it("a read-only open creates the key too, and what the driver stored is there on the next boot", () => {
    const first = boot();
    expect(first.registry.keyExists(STATE)).toBe(false);
    expect(loadControlDriver(first, "PSTATE", (_device, driver) => {
      const key = Out<WDFKEY | null>(null);
      const status = WdfDriverOpenPersistentStateRegistryKey(driver, KEY_READ, null, key);
      if (status === STATUS_SUCCESS) WdfRegistryClose(key.value!);
      return status;
    })).toBe(STATUS_SUCCESS);
    expect(first.registry.keyExists(STATE)).toBe(true);
    first.registry.setValue(STATE, "Calibration", REG_DWORD, 77);
    const snapshot = JSON.parse(JSON.stringify(first.registry.save())) as RegistrySnapshot;

    const second = boot({ registry: snapshot });
    const n = Out(0);
    expect(loadControlDriver(second, "PSTATE", (_device, driver) => {
      const key = Out<WDFKEY | null>(null);
      const status = WdfDriverOpenPersistentStateRegistryKey(driver, KEY_READ, null, key);
      if (status !== STATUS_SUCCESS) return status;
      const query = WdfRegistryQueryULong(key.value!, us("Calibration"), n);
      WdfRegistryClose(key.value!);
      return query;
    })).toBe(STATUS_SUCCESS);
    expect(n.value).toBe(77);
  });
});
