import { rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { runReadmeExample } from "../../../vitest.readme.js";

const here = dirname(fileURLToPath(import.meta.url));
const generated = join(here, ".generated");

afterAll(() => rmSync(generated, { recursive: true, force: true }));

describe("README example runs as written", () => {
  it("apps/kmdf-nonpnp/README.md: nonpnpapp against the driver it installs and removes", async () => {
    const lines = await runReadmeExample(join(here, "../README.md"), { "@wdfjs/sample-kmdf-nonpnp": join(here, "../src/index.ts") }, generated, "nonpnp");
    expect(lines.slice(2)).toEqual([
      "",
      "Calling DeviceIoControl METHOD_BUFFERED:",
      "    OutBuffer (38): this String is from Device Driver !!!",
      "",
      "Calling DeviceIoControl METHOD_NEITHER",
      "    OutBuffer (38): this String is from Device Driver !!!",
      "",
      "Calling DeviceIoControl METHOD_IN_DIRECT",
      "    Number of bytes transfered from OutBuffer: 100",
      "",
      "Calling DeviceIoControl METHOD_OUT_DIRECT",
      "    OutBuffer (38): this String is from Device Driver !!!",
      "Write 41 bytes to file",
      "Read 41 bytes from the same file",
      "Entered NonPnpDriverUnload",
      "Entered NonPnpEvtDriverContextCleanup",
      "0",
    ]);
  });
});
