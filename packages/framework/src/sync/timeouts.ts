/**
 * The due-time and timeout macros of wdfcore.h: 100 ns units, negative relative to now,
 * positive absolute (system time). `WDF_REL_TIMEOUT_IN_MS` is the kernel's (the same macro).
 */
export { WDF_REL_TIMEOUT_IN_MS } from "@wdfjs/kernel";
export const WDF_TIMEOUT_TO_SEC = 10_000_000;
export const WDF_TIMEOUT_TO_MS = 10_000;
export const WDF_TIMEOUT_TO_US = 10;
export function WDF_REL_TIMEOUT_IN_SEC(Time: number): number {
  return Time * -WDF_TIMEOUT_TO_SEC;
}
export function WDF_ABS_TIMEOUT_IN_SEC(Time: number): number {
  return Time * WDF_TIMEOUT_TO_SEC;
}
export function WDF_ABS_TIMEOUT_IN_MS(Time: number): number {
  return Time * WDF_TIMEOUT_TO_MS;
}
export function WDF_REL_TIMEOUT_IN_US(Time: number): number {
  return Time * -WDF_TIMEOUT_TO_US;
}
export function WDF_ABS_TIMEOUT_IN_US(Time: number): number {
  return Time * WDF_TIMEOUT_TO_US;
}
