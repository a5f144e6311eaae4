/**
 * One run of each race: boot a machine from the options `exploreSeeds` hands its body,
 * load the driver variant, run its client program, unload the driver. A run that goes
 * wrong throws: the client's complaint (RaceClientFailure), or what the machine raised
 * (a BugCheck, a MachineDeadlock when a request is stranded).
 *
 * ```ts
 * const r = exploreSeeds((o) => runLostUpdate("racy", o));
 * ```
 */
import { boot, NT_SUCCESS, NtStatusName, type DRIVER_INITIALIZE, type Flavor, type Machine, type PreemptionOptions } from "@wdfjs/kernel";
import { cancelapp, closeapp, counterapp, type CancelAppOptions, type CloseAppOptions, type CounterAppOptions, type Log } from "./client.js";
import { CancelDriverEntry, CANCEL_NAME, type CancelVariant } from "./drivers/cancel.js";
import { CounterDriverEntry, COUNTER_NAME, type CounterVariant } from "./drivers/counter.js";
import { QueueDriverEntry, QUEUE_NAME, type QueueVariant } from "./drivers/queue.js";

/** What `exploreSeeds` passes its body, and optionally the flavor (default checked). */
export interface RaceRunOptions {
  readonly seed: number;
  readonly preemption: PreemptionOptions;
  readonly flavor?: Flavor;
}

/** Physical memory of each run's machine: the drivers and clients here need little. */
export const RACE_MEMORY_BYTES = 512 * 1024;

/** A client program exited non-zero: the message is what it printed. */
export class RaceClientFailure extends Error {
  constructor(
    readonly program: string,
    readonly exitCode: number,
    readonly output: readonly string[],
  ) {
    super(`${program} exited with ${exitCode}: ${output.join("; ")}`);
    this.name = "RaceClientFailure";
  }
}

function run(options: RaceRunOptions, name: string, DriverEntry: DRIVER_INITIALIZE, program: string, client: (m: Machine, log: Log) => number): string[] {
  // A small machine: exploration boots one per seed, and most of a boot is its memory.
  const m = boot({ flavor: options.flavor ?? "checked", seed: options.seed, preemption: options.preemption, memoryBytes: RACE_MEMORY_BYTES });
  const status = m.loadDriver(name, DriverEntry);
  if (!NT_SUCCESS(status)) throw new Error(`${name}.sys failed to load: ${NtStatusName(status)}`);
  const output: string[] = [];
  const code = client(m, (line) => output.push(line));
  if (code !== 0) throw new RaceClientFailure(program, code, output);
  // A clean unload: nothing left queued or leaked.
  m.unloadDriver(name);
  return output;
}

/** Race 1: counterapp against racecount.sys. Returns what counterapp printed. */
export function runLostUpdate(variant: CounterVariant, options: RaceRunOptions, workload: CounterAppOptions = {}): string[] {
  return run(options, COUNTER_NAME, CounterDriverEntry(variant), "counterapp.exe", (m, log) => counterapp(m, workload, log));
}

/** Race 2: cancelapp against racecancel.sys. */
export function runCancelRace(variant: CancelVariant, options: RaceRunOptions, workload: CancelAppOptions = {}): string[] {
  return run(options, CANCEL_NAME, CancelDriverEntry(variant), "cancelapp.exe", (m, log) => cancelapp(m, workload, log));
}

/** Race 3: closeapp against racequeue.sys. */
export function runCleanupRace(variant: QueueVariant, options: RaceRunOptions, workload: CloseAppOptions = {}): string[] {
  return run(options, QUEUE_NAME, QueueDriverEntry(variant), "closeapp.exe", (m, log) => closeapp(m, workload, log));
}
