import { currentMachine, IrqlName, KeBugCheckEx, KeGetCurrentIrql, STATUS_INVALID_DEVICE_REQUEST, STATUS_PROCEDURE_NOT_FOUND, STATUS_SUCCESS, WDF_VIOLATION, type KIRQL, type NTSTATUS } from "@wdfjs/kernel";
import { cur } from "@wdfjs/kernel/internal";
import type { FxDriver } from "./driver/fx-driver.js";
import { FxObjectTableOf } from "./object/fx-object.js";

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
 * `FxVerifierBugCheck` (fxverifierbugcheck.cpp): `KeBugCheckEx(WDF_VIOLATION, subcode, P2, P3,
 * FxDriverGlobals)`. The driver globals of the running driver are its WDFDRIVER here (the
 * framework's identity for a loaded driver); 0 when no KMDF driver is running.
 */
export function FxVerifierBugCheck(Code: number, Parameter2: number, Parameter3: number, detail: string): never {
  const driver = FxObjectTableOf().driver;
  return KeBugCheckEx(WDF_VIOLATION, Code, Parameter2, Parameter3, driver === null ? 0 : driver.handle, detail);
}

/**
 * `VerifyIrqlEntry` (vfprivkm.hpp): the IRQL a driver's event callback is called at, taken just
 * before the framework calls it. Pair with `FxVerifierCallbackIrqlExit` after the call returns.
 */
export function FxVerifierCallbackIrqlEntry(): KIRQL {
  return KeGetCurrentIrql();
}

/**
 * `VerifyIrqlExit` (vfprivkm.hpp): an event callback must return at the IRQL it was called at;
 * one that returns at another (a spin lock left held, a KeRaiseIrql without KeLowerIrql) is, in
 * the checked flavor, WDF_VIOLATION with WDF_VERIFIER_IRQL_MISMATCH (0xE): P2 the IRQL at entry,
 * P3 the IRQL at return. One comparison when the levels agree, so it stays on every dispatch.
 */
export function FxVerifierCallbackIrqlExit(EntryIrql: KIRQL, Callback: string): void {
  const current = KeGetCurrentIrql();
  if (current === EntryIrql || !currentMachine().checked) return;
  FxVerifierBugCheck(WDF_VERIFIER_IRQL_MISMATCH, EntryIrql, current,
    `The driver's ${Callback} was called at ${IrqlName(EntryIrql)} and returned at ${IrqlName(current)}.`);
}

/**
 * `FxVerifierCheckIrqlLevel`: with the KMDF verifier on (the checked flavor), a DDI called above
 * the highest IRQL its header allows is traced, breaks into an attached debugger (recorded in the
 * machine's trace) and fails with STATUS_INVALID_DEVICE_REQUEST; it is not a bug check
 * (fxverifier.h). The free flavor does not check.
 */
export function FxVerifierCheckIrqlLevel(Routine: string, Irql: KIRQL): NTSTATUS {
  // Small, so that it is inlined into every DDI: the free flavor checks nothing.
  return cur.checked ? FxVerifierCheckIrqlChecked(Routine, Irql) : STATUS_SUCCESS;
}

function FxVerifierCheckIrqlChecked(Routine: string, Irql: KIRQL): NTSTATUS {
  const current = KeGetCurrentIrql();
  return current <= Irql ? STATUS_SUCCESS : FxVerifierIrqlTooHigh(Routine, Irql, current);
}

function FxVerifierIrqlTooHigh(Routine: string, Irql: KIRQL, current: KIRQL): NTSTATUS {
  currentMachine().trace?.event("wdf.wrong-irql", null, `${Routine} called at ${IrqlName(current)}; it is callable at or below ${IrqlName(Irql)} (STATUS_INVALID_DEVICE_REQUEST, FxVerifierDbgBreakPoint)`);
  return STATUS_INVALID_DEVICE_REQUEST;
}

/**
 * `WdfDriverErrorReportApiMissing` (fxdriverapi.cpp ~L552): a driver called a function the running
 * framework does not have (built for a newer minor version, without checking
 * `WDF_IS_FUNCTION_AVAILABLE`). Traced; a function that returns no NTSTATUS, or any with the
 * verifier on (the checked flavor), is WDF_VIOLATION 0x10 (WDF_API_UNAVAILABLE) raised as
 * `FxVerifierDriverReportedBugcheck` does: P2 and P3 the driver's and the extension's names
 * (string addresses in Windows, 0 here: the explanation names them), P4 the function's index.
 * Otherwise STATUS_PROCEDURE_NOT_FOUND.
 */
export function FxDriverErrorReportApiMissing(driver: FxDriver, FrameworkExtensionName: string, ApiIndex: number, DoesApiReturnNtstatus: boolean): NTSTATUS {
  const machine = currentMachine();
  const name = driver.DriverObject.DriverName.replace(/^\\Driver\\/, "");
  const why = `Driver ${name} called a ${FrameworkExtensionName} API with index ${ApiIndex} that is not available in this version of ${FrameworkExtensionName}; it must check WDF_IS_FUNCTION_AVAILABLE first.`;
  machine.trace?.event("wdf.api-missing", null, why);
  if (!DoesApiReturnNtstatus || machine.checked) KeBugCheckEx(WDF_VIOLATION, WDF_API_UNAVAILABLE, 0, 0, ApiIndex, why);
  return STATUS_PROCEDURE_NOT_FOUND;
}

/**
 * `WdfVerifierDbgBreakPoint` (verifierapi.cpp → `FxVerifierDbgBreakPoint`): traces the driver's
 * request ("WDF detected potentially invalid operation", `wdf.dbg-break`); no kernel debugger is
 * attached to an emulated machine, so nothing breaks and the driver goes on.
 */
export function FxVerifierDriverDbgBreakPoint(): void {
  const machine = currentMachine();
  machine.trace?.event("wdf.dbg-break", null, "WdfVerifierDbgBreakPoint: WDF detected potentially invalid operation (no debugger attached)");
}

/** `WdfVerifierKeBugCheck` (verifierapi.cpp, `FxVerifierDriverReportedBugcheck`): the driver's own bug check, as KeBugCheckEx. */
export function FxVerifierDriverReportedBugcheck(BugCheckCode: number, P1: number, P2: number, P3: number, P4: number): never {
  return KeBugCheckEx(BugCheckCode, P1, P2, P3, P4, "The driver reported a bug check through WdfVerifierKeBugCheck.");
}
