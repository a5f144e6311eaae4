import { currentMachine, IrqlName, KeBugCheckEx, KeGetCurrentIrql, STATUS_INVALID_DEVICE_REQUEST, STATUS_SUCCESS, WDF_VIOLATION, type KIRQL, type NTSTATUS } from "@wdfjs/kernel";

/** `WDF_BUGCHECK_CODES` (wdfbugcodes.h): parameter 1 of a WDF_VIOLATION (0x10D) bug check. */
export const WDF_POWER_ROUTINE_TIMED_OUT = 0x1;
export const WDF_RECURSIVE_LOCK = 0x2;
export const WDF_VERIFIER_FATAL_ERROR = 0x3;
export const WDF_REQUIRED_PARAMETER_IS_NULL = 0x4;
export const WDF_INVALID_HANDLE = 0x5;
export const WDF_REQUEST_FATAL_ERROR = 0x6;
export const WDF_OBJECT_ERROR = 0x7;
export const WDF_DMA_FATAL_ERROR = 0x8;
export const WDF_INVALID_INTERRUPT = 0x9;
export const WDF_QUEUE_FATAL_ERROR = 0xa;
export const WDF_INVALID_LOCK_OPERATION = 0xb;
export const WDF_PNP_FATAL_ERROR = 0xc;
export const WDF_POWER_MULTIPLE_PPO = 0xd;
export const WDF_VERIFIER_IRQL_MISMATCH = 0xe;
export const WDF_VERIFIER_CRITICAL_REGION_MISMATCH = 0xf;
export const WDF_API_UNAVAILABLE = 0x10;

/**
 * `FxVerifierBugCheck`: `KeBugCheckEx(WDF_VIOLATION, subcode, P2, P3, FxDriverGlobals)`.
 * There are no driver globals yet (they come with WDFDRIVER), so parameter 4 is 0.
 */
export function FxVerifierBugCheck(Code: number, Parameter2: number, Parameter3: number, detail: string): never {
  return KeBugCheckEx(WDF_VIOLATION, Code, Parameter2, Parameter3, 0, detail);
}

/**
 * `FxVerifierCheckIrqlLevel`: with the KMDF verifier on (the checked flavor), a DDI called above
 * the highest IRQL its header allows is traced, breaks into an attached debugger (recorded in the
 * machine's trace) and fails with STATUS_INVALID_DEVICE_REQUEST; it is not a bug check
 * (fxverifier.h). The free flavor does not check.
 */
export function FxVerifierCheckIrqlLevel(Routine: string, Irql: KIRQL): NTSTATUS {
  const machine = currentMachine();
  if (!machine.checked) return STATUS_SUCCESS;
  const current = KeGetCurrentIrql();
  if (current <= Irql) return STATUS_SUCCESS;
  machine.trace?.event("wdf.wrong-irql", null, `${Routine} called at ${IrqlName(current)}; it is callable at or below ${IrqlName(Irql)} (STATUS_INVALID_DEVICE_REQUEST, FxVerifierDbgBreakPoint)`);
  return STATUS_INVALID_DEVICE_REQUEST;
}
