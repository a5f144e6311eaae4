import type { Box } from "../box.js";
import { KiSchedulingPoint } from "./preempt.js";

/*
 * Interlocked operations on a LONG. In C they take the variable's address; here the
 * variable is a box (`Out(0)`). Virtual processors never run at the same instant in the
 * emulator, so each is naturally atomic; they exist so WDK code ports line by line. Values
 * wrap as 32-bit signed integers, as a LONG does.
 */

export function InterlockedIncrement(Addend: Box<number>): number {
  KiSchedulingPoint();
  return (Addend.value = (Addend.value + 1) | 0);
}

export function InterlockedDecrement(Addend: Box<number>): number {
  KiSchedulingPoint();
  return (Addend.value = (Addend.value - 1) | 0);
}

/** Returns the initial value. */
export function InterlockedExchange(Target: Box<number>, Value: number): number {
  KiSchedulingPoint();
  const old = Target.value;
  Target.value = Value | 0;
  return old;
}

/** Returns the initial value. */
export function InterlockedExchangeAdd(Addend: Box<number>, Value: number): number {
  KiSchedulingPoint();
  const old = Addend.value;
  Addend.value = (old + Value) | 0;
  return old;
}

/** Stores Exchange if the value equals Comperand; returns the initial value either way. */
export function InterlockedCompareExchange(Destination: Box<number>, Exchange: number, Comperand: number): number {
  KiSchedulingPoint();
  const old = Destination.value;
  if (old === Comperand) Destination.value = Exchange | 0;
  return old;
}

export function InterlockedOr(Destination: Box<number>, Value: number): number {
  KiSchedulingPoint();
  const old = Destination.value;
  Destination.value = old | Value;
  return old;
}

export function InterlockedAnd(Destination: Box<number>, Value: number): number {
  KiSchedulingPoint();
  const old = Destination.value;
  Destination.value = old & Value;
  return old;
}

/** For pointer-sized values (objects, addresses): returns the initial value. */
export function InterlockedExchangePointer<T>(Target: Box<T>, Value: T): T {
  KiSchedulingPoint();
  const old = Target.value;
  Target.value = Value;
  return old;
}

export function InterlockedCompareExchangePointer<T>(Destination: Box<T>, Exchange: T, Comperand: T): T {
  KiSchedulingPoint();
  const old = Destination.value;
  if (old === Comperand) Destination.value = Exchange;
  return old;
}
