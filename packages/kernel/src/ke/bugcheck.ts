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

export function formatBugCheck(d: BugCheckData): string {
  const hex = (v: number) => formatAddress(v);
  return (
    `*** STOP: 0x${d.BugCheckCode.toString(16).toUpperCase().padStart(8, "0")} (${hex(d.BugCheckParameter1)}, ${hex(d.BugCheckParameter2)}, ${hex(d.BugCheckParameter3)}, ${hex(d.BugCheckParameter4)})\n` +
    `${d.name}${d.driver ? ` in ${d.driver}` : ""}\n${d.explanation}`
  );
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
    name: BugCheckNames[BugCheckCode] ?? `BUGCHECK_0x${BugCheckCode.toString(16).toUpperCase()}`,
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
