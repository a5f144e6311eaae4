/** Interrupt request levels (wdm.h, x64). */
export type KIRQL = number;

export const PASSIVE_LEVEL = 0;
export const LOW_LEVEL = 0;
export const APC_LEVEL = 1;
export const DISPATCH_LEVEL = 2;
export const CMCI_LEVEL = 5;
/** Device IRQLs (DIRQL) lie between DISPATCH_LEVEL and PROFILE_LEVEL. */
export const DEVICE_LEVEL_MIN = 3;
export const DEVICE_LEVEL_MAX = 12;
export const CLOCK_LEVEL = 13;
/** The dispatcher's synchronization level on x64 (IPI_LEVEL - 2). */
export const SYNCH_LEVEL = 12;
export const IPI_LEVEL = 14;
export const DRS_LEVEL = 14;
export const POWER_LEVEL = 14;
export const PROFILE_LEVEL = 15;
export const HIGH_LEVEL = 15;

const irqlNames = ["PASSIVE_LEVEL", "APC_LEVEL", "DISPATCH_LEVEL"];

export function IrqlName(irql: KIRQL): string {
  if (irql < 3) return irqlNames[irql]!;
  if (irql === HIGH_LEVEL) return "HIGH_LEVEL";
  if (irql === CLOCK_LEVEL) return "CLOCK_LEVEL";
  if (irql === IPI_LEVEL) return "IPI_LEVEL";
  return `DIRQL(${irql})`;
}
