/**
 * The KMDF static toaster bus (WdfPdoInitAllocate, WdfFdoAddStaticChild, WdfPdoMarkMissing,
 * WdfPdoRequestEject, a WDFWAITLOCK around plug-ins) under the KMDF simple function driver,
 * driven by enum.exe and toast.exe (reference §3.2).
 */
import { describe } from "vitest";
import { busBehaviours, queryInterfaceBehaviour } from "./bus-behaviours.js";

describe("kmdf-toaster: the static bus (static child PDOs)", () => {
  busBehaviours("static");
  queryInterfaceBehaviour("static");
});
