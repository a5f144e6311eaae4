import {
  boot, BugCheck, formatBugCheck, MemoryTraceSink, MULTIPLE_IRP_COMPLETE_REQUESTS, NT_SUCCESS, NtStatusName, type DRIVER_INITIALIZE,
  type Machine, type TraceEvent,
} from "@wdfjs/kernel";
import { Win32Process } from "@wdfjs/win32";
import * as bugchecks from "@wdfjs/sample-wdm-bugchecks";
import * as echo from "@wdfjs/sample-wdm-echo";
import * as ioctl from "@wdfjs/sample-wdm-ioctl";
import * as stack from "@wdfjs/sample-wdm-stack";
import * as kmdfEcho from "@wdfjs/sample-kmdf-echo";

export type Print = (line: string) => void;

export interface DemoOptions {
  readonly seed?: number;
  readonly processors?: number;
}

export interface DemoResult {
  /** 0 when every sample's client succeeded and the broken driver bug-checked as expected. */
  readonly exitCode: number;
  readonly sections: readonly { readonly name: string; readonly ok: boolean }[];
  /**
   * A hash of everything both machines did (their traces and the bug check): the same seed
   * gives the same fingerprint, run after run, on any computer.
   */
  readonly fingerprint: string;
}

/** A data word as the demo prints every value that is not a count: hexadecimal, 8 digits. */
export function hex32(v: number): string {
  return `0x${(v >>> 0).toString(16).toUpperCase().padStart(8, "0")}`;
}

/** FNV-1a over the trace events: a short, stable name for one run. */
export function traceFingerprint(traces: readonly (readonly TraceEvent[])[], extra = ""): string {
  let h = 0x811c9dc5;
  const add = (s: string) => {
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  };
  for (const events of traces) {
    for (const e of events) add(`${e.time}|${e.cpu}|${e.irql}|${e.kind}|${e.driver ?? ""}|${e.detail ?? ""}\n`);
    add("--\n");
  }
  add(extra);
  return (h >>> 0).toString(16).toUpperCase().padStart(8, "0");
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
 * bug-checks, while the first keeps working. Each section says in plain words what it
 * shows, for a reader who has never written a Windows driver.
 */
export function runDemo(print: Print, options: DemoOptions = {}): DemoResult {
  const sections: { name: string; ok: boolean }[] = [];
  const seed = options.seed ?? 1;
  const trace = new MemoryTraceSink();
  const m = boot({ flavor: "checked", processors: options.processors ?? 2, seed, trace });
  print("wdfjs demo: an emulated Windows kernel, in this Node process, running WDM and KMDF sample drivers and the programs that use them.");
  print(`Seed ${seed}: every choice the machines make (which processor runs what, and when) follows from it, so --seed ${seed} replays this run exactly.`);
  print("Numbers: sizes, counts and times in decimal; addresses, status codes and data words in hexadecimal (0x...).");
  print(`\nMachine 1: ${m.processors.length} virtual processors, checked flavor (every driver rule is checked, as Driver Verifier does on Windows).`);

  print("\n[echo] echoapp.exe writes data to the echo driver and reads it back");
  print("  A program never calls a driver directly: each ReadFile or WriteFile becomes an IRP (I/O request packet) the kernel hands to the driver.");
  print("  The echo driver holds on to (pends) each IRP and completes it later from a DPC (deferred procedure call: a short routine the kernel runs soon, at raised priority) that a timer fires.");
  let ok = load(m, "echo", echo.DriverEntry, print);
  const log = (line: string) => print(`  ${line}`);
  ok = ok && echo.main(m, [], log) === 0;
  const t0 = m.now;
  ok = ok && echo.main(m, ["-Async", "200"], () => {}) === 0;
  print(`  echoapp -Async 200: ${ok ? "all 200 completed" : "FAILED"} in ${(m.now - t0).toFixed(0)} ms of machine time (200 reads and 200 writes in flight at once, each answered through an I/O completion port)`);
  sections.push({ name: "echo", ok });

  print("\n[ioctl] testapp.exe sends the ioctl driver one command (IOCTL) per way a buffer can reach a driver");
  print("  METHOD_BUFFERED copies the program's buffer through a kernel buffer; IN_DIRECT and OUT_DIRECT lock its pages and describe them with an MDL;");
  print("  METHOD_NEITHER hands the driver the program's own address, which the driver must check (probe) before it touches it.");
  ok = load(m, "sioctl", ioctl.DriverEntry, print);
  ok = ok && ioctl.main(m, [], log) === 0;
  sections.push({ name: "ioctl", ok });

  print("\n[stack] a request goes down a stack of three drivers and its answer comes back up");
  print("  Drivers stack on one device: an upper filter, the function driver and a lower driver. Each can change a request on the way down,");
  print("  and look at its result on the way up in a completion routine; the completion routines run bottom-up.");
  ok = true;
  try {
    const installed = stack.installStack(m);
    print(`  top of the stack: ${installed.top.DriverObject.DriverName}, StackSize ${installed.top.StackSize} (one stack location per driver in every IRP)`);
    const client = new stack.StackClient(Win32Process.create(m, "stackapp.exe"));
    const stamp = client.stamp(0x29);
    print(`  STAMP ${hex32(0x29)}: the function driver saw ${hex32(stamp.seen)} (the filter's change going down) and answered ${hex32(stamp.result)};`);
    print(`    the filter added ${hex32(stamp.filterUp)} coming up (${stamp.bytes.length} bytes back)`);
    installed.log.clear();
    const pended = client.pend(7);
    print(`  PEND ${hex32(7)} → ${hex32(stack.resultUlong(pended))}: pended by the lower driver, completed by its timer DPC; the completion routines ran bottom-up:`);
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
  print(`\n[trace] machine 1 recorded ${trace.events.length} events: ${irps} IRPs dispatched to drivers, ${dpcs} DPCs run; ${m.now.toFixed(0)} ms of machine time passed`);
  print("  Machine time is virtual: it moves only when the machine has nothing to do until a timer is due, so the run takes the same course however fast this computer is.");

  print("\n[bug check] machine 2 loads doublecomplete.sys, a driver that completes an IRP twice");
  print("  A bug check (the blue screen) is how Windows stops when a driver breaks a rule, rather than run on with damaged state.");
  print("  It shows a stop code, four parameters that say what went wrong (here the IRP's address), and the driver to blame.");
  const trace2 = new MemoryTraceSink();
  const m2 = boot({ flavor: "checked", processors: 2, seed, trace: trace2 });
  ok = load(m2, bugchecks.DOUBLE_COMPLETE_NAME, bugchecks.DoubleCompleteDriverEntry, print);
  let screen = "";
  try {
    const client = new bugchecks.BugClient(Win32Process.create(m2, "bugapp.exe"), bugchecks.DOUBLE_COMPLETE_NAME);
    client.control(bugchecks.IOCTL_BUG_TRIGGER, [1]);
    print("  no bug check: FAILED");
    ok = false;
  } catch (e) {
    if (!(e instanceof BugCheck)) throw e;
    screen = formatBugCheck(e.data);
    for (const line of screen.split("\n")) print(`  ${line}`);
    ok = ok && e.data.BugCheckCode === MULTIPLE_IRP_COMPLETE_REQUESTS;
  }
  const alive = echo.main(m, [], () => {}) === 0;
  print(`  What happened: machine 2 ${m2.stopped ? "stopped and refuses all further work" : "did NOT stop"}; machine 1, booted beside it in the same process, ${alive ? "still serves echoapp" : "FAILED too"}.`);
  sections.push({ name: "bug check", ok: ok && alive && m2.stopped });

  print("\n[kmdf] the same echoapp.exe against the KMDF echo driver, on machine 3");
  print("  KMDF drivers are written against the framework (WdfDriverCreate, WdfIoQueueCreate, WdfRequestComplete...): it handles the");
  print("  IRPs, Plug and Play and power for them, queues each request and hands it to the driver's callback, and checks the driver's rules.");
  const trace3 = new MemoryTraceSink();
  const m3 = boot({ flavor: "checked", processors: options.processors ?? 2, seed, trace: trace3 });
  ok = true;
  try {
    kmdfEcho.installEcho(m3, "AutoSync");
    const states = trace3.events.filter((e) => e.kind === "wdf.pnp-state").length;
    print(`  root\\ECHO started: the framework's PnP machine went through ${states} states (PrepareHardware, D0Entry, SelfManagedIoInit...)`);
    ok = kmdfEcho.main(m3, [], log) === 0;
  } catch (e) {
    print(`  FAILED: ${e instanceof Error ? e.message : String(e)}`);
    ok = false;
  }
  sections.push({ name: "kmdf", ok });

  const fingerprint = traceFingerprint([trace.events, trace2.events, trace3.events], screen);
  const failed = sections.filter((s) => !s.ok).map((s) => s.name);
  print(failed.length === 0 ? "\nAll sample clients succeeded." : `\nFailed: ${failed.join(", ")}`);
  print(`Run fingerprint ${fingerprint} (a hash of the machines' traces): the same seed gives the same fingerprint, another seed another run.`);
  return { exitCode: failed.length === 0 ? 0 : 1, sections, fingerprint };
}
