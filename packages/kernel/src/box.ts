/**
 * An out-parameter: where C passes `PDEVICE_OBJECT *DeviceObject`, we pass a small
 * box whose `value` the callee sets. `Out<T>()` makes an empty one.
 */
export interface Box<T> {
  value: T;
}
export function Out<T>(initial?: T): Box<T> {
  return { value: initial as T };
}

/** BOOLEAN / BOOL: the WDK and Win32 use integers; we use JavaScript booleans. */
export const TRUE = true;
export const FALSE = false;
export type BOOLEAN = boolean;
export type ULONG = number;
export type PVOID = number;
export type ULONG_PTR = number;
/** A virtual address in the emulated machine (user space below 2^47, kernel space above). */
export type Address = number;
export const NULL = 0;
