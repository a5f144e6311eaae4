import { cur } from "../context.js";
import { KeBugCheckEx } from "../ke/bugcheck.js";
import {
  DRIVER_VERIFIER_DETECTED_VIOLATION, VF_KERNEL_API_WRONG_IRQL, VF_RULE_IRQL_DISPATCH, VF_RULE_IRQL_EX_APC_LTE2, VF_RULE_IRQL_EX_APC_LTE3,
  VF_RULE_IRQL_IO_PASSIVE1, VF_RULE_IRQL_IO_PASSIVE5, VF_RULE_IRQL_KE_APC_LTE2, VF_RULE_IRQL_KE_DISPATCH_LTE, VF_RULE_IRQL_OB_PASSIVE,
  VF_RULE_IRQL_PS_PASSIVE, VF_RULE_IRQL_ZW_PASSIVE,
} from "../ke/bugcheck-codes.js";
import { IrqlName, type KIRQL } from "../ke/irql.js";

/** The DDI compliance rules' names, for the explanation (each has its page: devtest/wdm-<name>). */
const ruleNames: Readonly<Record<number, string>> = {
  [VF_RULE_IRQL_DISPATCH]: "IrqlDispatch",
  [VF_RULE_IRQL_EX_APC_LTE2]: "IrqlExApcLte2",
  [VF_RULE_IRQL_EX_APC_LTE3]: "IrqlExApcLte3",
  [VF_RULE_IRQL_IO_PASSIVE1]: "IrqlIoPassive1",
  [VF_RULE_IRQL_IO_PASSIVE5]: "IrqlIoPassive5",
  [VF_RULE_IRQL_KE_APC_LTE2]: "IrqlKeApcLte2",
  [VF_RULE_IRQL_KE_DISPATCH_LTE]: "IrqlKeDispatchLte",
  [VF_RULE_IRQL_OB_PASSIVE]: "IrqlObPassive",
  [VF_RULE_IRQL_PS_PASSIVE]: "IrqlPsPassive",
  [VF_RULE_IRQL_ZW_PASSIVE]: "IrqlZwPassive",
};

/**
 * Driver Verifier found `routine` called above the highest IRQL its page allows (`max`).
 * The bug check is 0xC4 with the DDI compliance rule that covers the routine as P1 (P2 the
 * IRQL; Windows gives a pointer to the rule's text there), or, for a routine no rule
 * covers, 0xC4/0xE5 "a kernel API was called at the incorrect IRQL" (P2 the IRQL).
 * Callers test `m.checked` and the IRQL themselves, so the free flavor pays one flag test.
 */
export function VfIrqlTooHigh(routine: string, max: KIRQL, rule: number = VF_KERNEL_API_WRONG_IRQL): never {
  const irql = cur.cpu.Irql;
  const name = ruleNames[rule];
  return KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, rule, irql, 0, 0,
    `${routine} was called at ${IrqlName(irql)}; it is callable ${max === 0 ? "at PASSIVE_LEVEL only" : `at or below ${IrqlName(max)}`}${name !== undefined ? ` (rule ${name})` : ""}.`);
}
