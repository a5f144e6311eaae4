/**
 * The KMDF static toaster bus (WdfPdoInitAllocate, WdfFdoAddStaticChild, WdfPdoMarkMissing,
 * WdfPdoRequestEject, a WDFWAITLOCK around plug-ins) under the KMDF simple function driver,
 * driven by enum.exe and toast.exe (reference §3.2).
 */
import { describe, expect, it } from "vitest";
import { busBehaviours, setUpBus } from "./bus-behaviours.js";

describe("kmdf-toaster: the static bus (static child PDOs)", () => {
  busBehaviours("static");

  it("a toaster unplugged can be plugged in again with the same serial", () => {
    const { run, toasters } = setUpBus("static");
    run("-p", "4");
    expect(run("-u", "4").exitCode).toBe(0);
    expect(toasters()).toEqual([]);
    expect(run("-p", "4").exitCode).toBe(0);
    expect(toasters()).toEqual(["04"]);
  });
});
