import { describe, expect, it } from "vitest";
import { boot, MemoryTraceSink } from "@wdfjs/kernel";
import { installEcho, type EchoVariant } from "../src/index.js";

function kdPrints(flavor: "checked" | "free", variant: EchoVariant): string[] {
  const trace = new MemoryTraceSink();
  const m = boot({ flavor, trace });
  installEcho(m, variant);
  return trace.events.filter((e) => e.kind === "KdPrint").map((e) => e.detail ?? "");
}

describe("echo: EchoPrintDriverVersion", () => {
  for (const variant of ["AutoSync", "DriverSync"] as const) {
    it(`${variant}: a DBG (checked) build prints the framework's version string and that version 1.0 is available; a free build prints nothing`, () => {
      expect(kdPrints("checked", variant)).toEqual(["Echo Sample Kernel Mode Driver Framework (verifier on) version 1.33.0", "Yes, framework version is 1.0"]);
      expect(kdPrints("free", variant)).toEqual([]);
    });
  }
});
