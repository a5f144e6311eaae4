import { KeGetCurrentIrql, PASSIVE_LEVEL, STATUS_SUCCESS, type KIRQL, type NTSTATUS } from "@wdfjs/kernel";
import { FxVerifierCheckIrqlLevel } from "@wdfjs/framework";
import { cur } from "@wdfjs/kernel/internal";
import { WdfFunctionMaxIrql } from "./irql-table.js";

/**
 * The highest IRQL the KMDF 1.33 headers allow for a function (`_IRQL_requires_max_`), from the
 * generated table; null where they give none. A name the headers do not have is a wdfjs bug.
 */
export function WdfFunctionIrql(Routine: string): KIRQL | null {
  const level = WdfFunctionMaxIrql.get(Routine);
  if (level === undefined) throw new Error(`wdfjs: ${Routine} is not a KMDF 1.33 function`);
  return level;
}

/**
 * `FxVerifierCheckIrqlLevel` at the level the function's header gives: in the checked flavor a
 * call above it is traced (`wdf.wrong-irql`) and fails with STATUS_INVALID_DEVICE_REQUEST, as
 * the KMDF verifier does (fxverifier.h); a function without a level, and the free flavor, pass.
 */
export function WdfCheckIrql(Routine: string): NTSTATUS {
  // Small, so that it is inlined into every DDI: the free flavor checks nothing.
  return cur.checked ? WdfCheckIrqlChecked(Routine) : STATUS_SUCCESS;
}

function WdfCheckIrqlChecked(Routine: string): NTSTATUS {
  // Every function may be called at PASSIVE_LEVEL: the table is read only at a raised IRQL.
  if (KeGetCurrentIrql() === PASSIVE_LEVEL) return STATUS_SUCCESS;
  const level = WdfFunctionIrql(Routine);
  return level === null ? STATUS_SUCCESS : FxVerifierCheckIrqlLevel(Routine, level);
}
