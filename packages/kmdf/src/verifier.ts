import { FxVerifierDriverDbgBreakPoint, FxVerifierDriverReportedBugcheck } from "@wdfjs/framework";

/** `WdfVerifierDbgBreakPoint`: the core's trace; an emulated machine has no debugger to break into. */
export function WdfVerifierDbgBreakPoint(): void {
  FxVerifierDriverDbgBreakPoint();
}

/** `WdfVerifierKeBugCheck`: KeBugCheckEx on the driver's behalf. */
export function WdfVerifierKeBugCheck(BugCheckCode: number, BugCheckParameter1: number, BugCheckParameter2: number, BugCheckParameter3: number, BugCheckParameter4: number): never {
  return FxVerifierDriverReportedBugcheck(BugCheckCode, BugCheckParameter1, BugCheckParameter2, BugCheckParameter3, BugCheckParameter4);
}
