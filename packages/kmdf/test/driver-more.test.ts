import { describe, expect, it } from "vitest";
import { boot, Out, STATUS_NOT_SUPPORTED, STATUS_SUCCESS, type Machine } from "@wdfjs/kernel";
import {
  UNICODE_STRING, WDF_DRIVER_VERSION_AVAILABLE_PARAMS, WDF_DRIVER_VERSION_AVAILABLE_PARAMS_INIT, WdfDriverIsVersionAvailable, WdfDriverRegisterTraceInfo,
  WdfDriverRetrieveVersionString, WdfDriverWdmGetDriverObject, WdfStringCreate, WdfStringGetUnicodeString, type WDFSTRING,
} from "../src/index.js";
import { installFdo, newFdoLog, type FdoLog } from "./kmdf-fdo-harness.js";

function versionString(m: Machine, log: FdoLog): string {
  return m.runInKernel(() => {
    const string = Out<WDFSTRING | null>(null);
    expect(WdfStringCreate(null, null, string)).toBe(STATUS_SUCCESS);
    expect(WdfDriverRetrieveVersionString(log.driver!, string.value!)).toBe(STATUS_SUCCESS);
    const u = new UNICODE_STRING();
    WdfStringGetUnicodeString(string.value!, u);
    return u.Buffer;
  });
}

describe("KMDF driver functions: version and tracing", () => {
  it("WdfDriverRetrieveVersionString names the framework and its version, with \"(verifier on)\" in the checked flavor", () => {
    const free = boot({ flavor: "free" });
    const a = newFdoLog();
    installFdo(free, a);
    expect(versionString(free, a)).toBe("Kernel Mode Driver Framework version 1.33.0");
    const checked = boot({ flavor: "checked" });
    const b = newFdoLog();
    installFdo(checked, b);
    expect(versionString(checked, b)).toBe("Kernel Mode Driver Framework (verifier on) version 1.33.0");
  });

  it("WdfDriverIsVersionAvailable: TRUE for 1.x up to 1.33, FALSE above, for another major version, or with a wrong Size", () => {
    const m = boot();
    const log = newFdoLog();
    installFdo(m, log);
    const ask = (major: number, minor: number, size?: number): boolean => {
      const p = new WDF_DRIVER_VERSION_AVAILABLE_PARAMS();
      WDF_DRIVER_VERSION_AVAILABLE_PARAMS_INIT(p, major, minor);
      if (size !== undefined) p.Size = size;
      return m.runInKernel(() => WdfDriverIsVersionAvailable(log.driver!, p));
    };
    expect([ask(1, 0), ask(1, 33), ask(1, 34), ask(2, 0), ask(1, 9, 8)]).toEqual([true, true, false, false, false]);
  });

  it("WdfDriverRegisterTraceInfo is obsolete: STATUS_NOT_SUPPORTED", () => {
    const m = boot();
    const log = newFdoLog();
    installFdo(m, log);
    m.runInKernel(() => expect(WdfDriverRegisterTraceInfo(WdfDriverWdmGetDriverObject(log.driver!)!, () => {}, null)).toBe(STATUS_NOT_SUPPORTED));
  });
});
