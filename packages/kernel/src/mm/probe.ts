import { cur } from "../context.js";
import { VfIrqlTooHigh } from "../verifier/irql-rules.js";
import { VF_RULE_IRQL_EX_APC_LTE2 } from "../ke/bugcheck-codes.js";
import { APC_LEVEL } from "../ke/irql.js";
import { ExRaiseStatus } from "../ke/exception.js";
import { STATUS_ACCESS_VIOLATION, STATUS_DATATYPE_MISALIGNMENT } from "../ntstatus.js";
import { MM_USER_PROBE_ADDRESS } from "./layout.js";

/**
 * `ProbeForRead`: raises STATUS_DATATYPE_MISALIGNMENT or STATUS_ACCESS_VIOLATION if the
 * range is not a user-mode range (a kernel address passed from user mode fails here).
 * A zero length is always accepted. Callers wrap it in `__try`.
 */
export function ProbeForRead(Address: number, Length: number, Alignment: number): void {
  const m = cur;
  if (m.checked && m.cpu.Irql > APC_LEVEL) VfIrqlTooHigh("ProbeForRead", APC_LEVEL, VF_RULE_IRQL_EX_APC_LTE2);
  if (Length === 0) return;
  if (Alignment > 1 && Address % Alignment !== 0) ExRaiseStatus(STATUS_DATATYPE_MISALIGNMENT);
  const end = Address + Length;
  if (!(Address >= 0) || !(Length > 0) || end > MM_USER_PROBE_ADDRESS || end < Address) ExRaiseStatus(STATUS_ACCESS_VIOLATION);
}

/** `ProbeForWrite`: as ProbeForRead, and every page must be writable now. */
export function ProbeForWrite(Address: number, Length: number, Alignment: number): void {
  const m = cur;
  if (m.checked && m.cpu.Irql > APC_LEVEL) VfIrqlTooHigh("ProbeForWrite", APC_LEVEL, VF_RULE_IRQL_EX_APC_LTE2);
  ProbeForRead(Address, Length, Alignment);
  if (Length === 0) return;
  m.mm.touch(Address, Length, true);
}
