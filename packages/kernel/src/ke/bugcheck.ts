import { cur } from "../context.js";
import type { DRIVER_OBJECT } from "../io/driver.js";
import { BugCheckExplanations, BugCheckNames, DRIVER_VERIFIER_IOMANAGER_VIOLATION, IoVerifierExplanations } from "./bugcheck-codes.js";
import { formatAddress } from "../mm/layout.js";

/** What a stopped machine shows: the blue screen's content. */
export interface BugCheckData {
  readonly BugCheckCode: number;
  readonly name: string;
  readonly BugCheckParameter1: number;
  readonly BugCheckParameter2: number;
  readonly BugCheckParameter3: number;
  readonly BugCheckParameter4: number;
  /** The driver whose code was running (or was blamed), e.g. `"echo.sys"`; null when the kernel itself. */
  readonly driver: string | null;
  /** A readable explanation of the rule that was broken and by whom. */
  readonly explanation: string;
}

/**
 * Thrown out of every kernel entry once a machine has stopped. It unwinds driver code
 * the way a real bug check never returns; the machine refuses all further work.
 */
export class BugCheck extends Error {
  readonly data: BugCheckData;
  constructor(data: BugCheckData) {
    super(formatBugCheck(data));
    this.name = "BugCheck";
    this.data = data;
  }
  get code(): number {
    return this.data.BugCheckCode;
  }
}

/**
 * Thrown by a host call (a Win32 call, `run`, `runInKernel`, `loadDriver`...) into a machine
 * that had already stopped: the bug check it carries happened earlier, not in this call.
 * It is a BugCheck, so code that catches a BugCheck catches it too, but its name and
 * message say the machine was already stopped and by what.
 */
export class MachineStopped extends BugCheck {
  constructor(data: BugCheckData, call = "a call") {
    super(data);
    this.name = "MachineStopped";
    this.message =
      `wdfjs: ${call} was made into a machine that had already stopped with bug check ${formatBugCheckLine(data)}. ` +
      `A stopped machine runs nothing more (on Windows it would be showing the blue screen); boot a new machine.\n${formatBugCheck(data)}`;
  }
}

/** The bug check in one line: `0x00000044 MULTIPLE_IRP_COMPLETE_REQUESTS (P1, P2, P3, P4) in echo.sys`. */
export function formatBugCheckLine(d: BugCheckData): string {
  return `${formatBugCheckCode(d.BugCheckCode)} ${d.name} (${formatBugCheckParameters(d)})${d.driver ? ` in ${d.driver}` : ""}`;
}

function formatBugCheckCode(code: number): string {
  return `0x${(code >>> 0).toString(16).toUpperCase().padStart(8, "0")}`;
}

function formatBugCheckParameters(d: BugCheckData): string {
  return [d.BugCheckParameter1, d.BugCheckParameter2, d.BugCheckParameter3, d.BugCheckParameter4].map(formatAddress).join(", ");
}

export function formatBugCheck(d: BugCheckData): string {
  return `*** STOP: ${formatBugCheckCode(d.BugCheckCode)} (${formatBugCheckParameters(d)})\n${d.name}${d.driver ? ` in ${d.driver}` : ""}\n${d.explanation}`;
}

/**
 * `KeBugCheckEx`: stops the executing machine. Never returns.
 * `detail` (our addition) is appended to the explanation for the reader.
 */
export function KeBugCheckEx(
  BugCheckCode: number,
  BugCheckParameter1: number,
  BugCheckParameter2: number,
  BugCheckParameter3: number,
  BugCheckParameter4: number,
  detail?: string,
  driver?: DRIVER_OBJECT | null,
): never {
  const m = cur;
  if (m.bugCheckData) throw new BugCheck(m.bugCheckData);
  const blamed = driver === undefined ? m.cpu.driver : driver;
  let explanation = BugCheckExplanations[BugCheckCode] ?? "The system stopped.";
  if (BugCheckCode === DRIVER_VERIFIER_IOMANAGER_VIOLATION && IoVerifierExplanations[BugCheckParameter1]) {
    explanation = IoVerifierExplanations[BugCheckParameter1]!;
  }
  if (detail) explanation += ` ${detail}`;
  const data: BugCheckData = {
    BugCheckCode,
    name: BugCheckNames[BugCheckCode] ?? `BUGCHECK_0x${(BugCheckCode >>> 0).toString(16).toUpperCase()}`,
    BugCheckParameter1,
    BugCheckParameter2,
    BugCheckParameter3,
    BugCheckParameter4,
    driver: blamed ? blamed.DriverName.replace(/^\\Driver\\/, "") + ".sys" : null,
    explanation,
  };
  m.stop(data);
  throw new BugCheck(data);
}

export function KeBugCheck(BugCheckCode: number): never {
  return KeBugCheckEx(BugCheckCode, 0, 0, 0, 0);
}

/**
 * @internal The address a bug check's parameters give for a routine (a cancel or completion
 * routine): Windows gives its code address; ours is an object address given on request, so
 * `ObjectAtAddress` turns it back into the function. 0 for none.
 */
export function KiAddressOfRoutine(Routine: object | null): number {
  if (Routine === null) return 0;
  const m = cur;
  return m.ob.addresses.giveOnRequest(Routine, m.cpu.driver);
}
