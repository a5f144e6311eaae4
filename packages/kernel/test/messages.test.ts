import { describe, expect, it } from "vitest";
import {
  boot, formatAddress, formatBugCheck, formatBugCheckLine, KERNEL_BASE, KMODE_EXCEPTION_NOT_HANDLED, MM_USER_PROBE_ADDRESS,
  NtStatusName, STATUS_ACCESS_VIOLATION,
} from "../src/index.js";
import { expectBugCheck } from "./helpers.js";

describe("messages a person reads", () => {
  it("print every address in one form: hexadecimal, 64-bit ones with the debugger's backtick, never a negative number", () => {
    expect(formatAddress(KERNEL_BASE)).toBe("0xFFFFFFFF`80000000");
    expect(formatAddress(-1)).toBe("0xFFFFFFFF`FFFFFFFF");
    expect(formatAddress(0x10000)).toBe("0x00010000");
    expect(formatAddress(MM_USER_PROBE_ADDRESS)).toBe("0x00007FFF`FFFF0000");
    expect(formatAddress(0)).toBe("0x00000000");
  });

  it("name statuses, and give the hexadecimal value of one without a name", () => {
    expect(NtStatusName(STATUS_ACCESS_VIOLATION)).toBe("STATUS_ACCESS_VIOLATION");
    expect(NtStatusName(STATUS_ACCESS_VIOLATION >>> 0)).toBe("STATUS_ACCESS_VIOLATION");
    expect(NtStatusName(0xc00000ab | 0)).toBe("0xC00000AB");
  });

  it("show what a driver threw, not [object Object]", () => {
    const m = boot();
    const d = expectBugCheck(m, KMODE_EXCEPTION_NOT_HANDLED, () => m.runInKernel(() => {
      throw { code: 5, reason: "bad state" };
    }));
    expect(d.explanation).toContain('A JavaScript exception escaped: Object {"code":5,"reason":"bad state"}');
    const line = formatBugCheckLine(d);
    expect(line).toBe("0x0000001E KMODE_EXCEPTION_NOT_HANDLED (0xE06D7363, 0x00000000, 0x00000000, 0x00000000)");
    expect(formatBugCheck(d).split("\n")[0]).toBe("*** STOP: 0x0000001E (0xE06D7363, 0x00000000, 0x00000000, 0x00000000)");
  });
});
