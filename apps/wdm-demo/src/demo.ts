import { boot, BugCheck, formatBugCheck, MemoryTraceSink, MULTIPLE_IRP_COMPLETE_REQUESTS, NT_SUCCESS, NtStatusName, type DRIVER_INITIALIZE, type Machine } from "@wdfjs/kernel";
import { Win32Process } from "@wdfjs/win32";
import * as bugchecks from "@wdfjs/sample-wdm-bugchecks";
import * as echo from "@wdfjs/sample-wdm-echo";
import * as ioctl from "@wdfjs/sample-wdm-ioctl";
import * as stack from "@wdfjs/sample-wdm-stack";

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
 * then 200 overlapped requests through a completion port), the ioctl client (the four
 * transfer methods) and the three-deep stack (a filter's changes both ways, pending
 * propagated bottom-up); a second machine loads a driver that completes an IRP twice and
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

  print("\n[stack] a three-deep stack: upper filter, function driver, lower driver");
  ok = true;
  try {
    const installed = stack.installStack(m);
    print(`  top of the stack: ${installed.top.DriverObject.DriverName}, StackSize ${installed.top.StackSize}`);
    const client = new stack.StackClient(Win32Process.create(m, "stackapp.exe"));
    const stamp = client.stamp(41);
    print(`  STAMP 41: the function driver saw 0x${stamp.seen.toString(16)} (the filter's change going down), answered ${stamp.result}; the filter added 0x${stamp.filterUp.toString(16)} coming up (${stamp.bytes.length} bytes)`);
    installed.log.clear();
    const pended = client.pend(7);
    print(`  PEND 7 → ${stack.resultUlong(pended)}: pended by the lower driver, completed by its timer DPC; completion routines ran bottom-up:`);
    for (const line of installed.log.lines("PEND").filter((l) => l.includes("complet"))) print(`    ${line}`);
    ok = stamp.ok && pended.ok && stack.resultUlong(pended) === 8;
    client.close();
  } catch (e) {
    print(`  FAILED: ${e instanceof Error ? e.message : String(e)}`);
    ok = false;
  }
  sections.push({ name: "stack", ok });

  const irps = trace.events.filter((e) => e.kind === "irp-call").length;
  const dpcs = trace.events.filter((e) => e.kind === "dpc").length;
  print(`\n[trace] ${trace.events.length} events: ${irps} IRPs dispatched, ${dpcs} DPCs run; machine time ${m.now.toFixed(0)} ms`);

  print("\n[bug check] machine 2 loads doublecomplete.sys, which completes an IRP twice");
  const m2 = boot({ flavor: "checked", processors: 2, seed });
  ok = load(m2, bugchecks.DOUBLE_COMPLETE_NAME, bugchecks.DoubleCompleteDriverEntry, print);
  try {
    const client = new bugchecks.BugClient(Win32Process.create(m2, "bugapp.exe"), bugchecks.DOUBLE_COMPLETE_NAME);
    client.control(bugchecks.IOCTL_BUG_TRIGGER, [1]);
    print("  no bug check: FAILED");
    ok = false;
  } catch (e) {
    if (!(e instanceof BugCheck)) throw e;
    for (const line of formatBugCheck(e.data).split("\n")) print(`  ${line}`);
    ok = ok && e.data.BugCheckCode === MULTIPLE_IRP_COMPLETE_REQUESTS;
  }
  const alive = echo.main(m, [], () => {}) === 0;
  print(`  machine 2 is stopped (${m2.stopped}); machine 1 still serves echoapp: ${alive ? "yes" : "NO"}`);
  sections.push({ name: "bug check", ok: ok && alive && m2.stopped });

  const failed = sections.filter((s) => !s.ok).map((s) => s.name);
  print(failed.length === 0 ? "\nAll sample clients succeeded." : `\nFailed: ${failed.join(", ")}`);
  return { exitCode: failed.length === 0 ? 0 : 1, sections };
}
