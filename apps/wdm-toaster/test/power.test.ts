import { describe, expect, it } from "vitest";
import { boot, PowerSystemSleeping3 } from "@wdfjs/kernel";
import { Win32Process } from "@wdfjs/win32";
import { enumMain, installToaster } from "../src/index.js";

describe("explore", () => {
  it("log", () => {
    const m = boot({ seed: 1 });
    const t = installToaster(m);
    const app = Win32Process.create(m, "enum.exe");
    enumMain(app, ["-p", "1"]); m.run();
    enumMain(app, ["-p", "2"]); m.run();
    t.log.clear();
    console.log(m.sleep(PowerSystemSleeping3));
    console.log(t.log.lines.join("\n"));
    t.log.clear();
    console.log(m.wake());
    console.log(t.log.lines.join("\n"));
  });
});
