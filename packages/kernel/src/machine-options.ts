import type { MachineOptions } from "./machine.js";
import { MachineUsageError } from "./ke/scheduler.js";
import { PAGE_SIZE } from "./mm/layout.js";
import { checkRegistrySnapshot } from "./cm/configuration-manager.js";

/** Windows' limit for one processor group: a KAFFINITY has 64 bits. */
export const MAXIMUM_PROCESSORS = 64;

const KNOWN = ["flavor", "processors", "seed", "clock", "memoryBytes", "trace", "preemption", "threadDpcEnable", "registry"];

/** A value as a person would write it in the call, for error messages. */
export function describeValue(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "function") return `a function ${v.name || "(anonymous)"}`;
  if (v === null || typeof v !== "object") return String(v);
  if (Array.isArray(v)) return `an array of ${v.length}`;
  const keys = Object.keys(v);
  return keys.length === 0 ? "{}" : `an object with ${keys.slice(0, 6).join(", ")}${keys.length > 6 ? ", ..." : ""}`;
}

/** What a host or driver threw, for a message: never `[object Object]`. */
export function describeThrown(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  if (typeof e === "object" && e !== null) {
    const kind = (e as { constructor?: { name?: string } }).constructor?.name ?? "object";
    let json = "";
    try {
      json = JSON.stringify(e) ?? "";
    } catch {
      // A cyclic object: its kind is all we can say.
    }
    return json !== "" && json !== "{}" ? `${kind} ${json.length > 200 ? `${json.slice(0, 200)}...` : json}` : `a ${kind}`;
  }
  return typeof e === "string" ? e : String(e);
}

function fail(what: string, v: unknown): never {
  throw new MachineUsageError(`wdfjs: boot(): ${what}; got ${describeValue(v)}.`);
}

function isUint32(v: unknown): boolean {
  return typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 0xffff_ffff;
}

/**
 * Checks what a host passes to `boot` before any machine is built: a mistake there is
 * the host program's, so it is a MachineUsageError naming the option, not a bug check
 * of a half-built machine or an option silently ignored.
 */
export function validateMachineOptions(options: unknown): asserts options is MachineOptions {
  if (options === undefined) return;
  if (options === null || typeof options !== "object" || Array.isArray(options)) fail("the options must be an object such as { flavor: \"checked\", processors: 2, seed: 1 }", options);
  const o = options as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!KNOWN.includes(key)) fail(`unknown option ${JSON.stringify(key)} (the options are ${KNOWN.join(", ")})`, o[key]);
  }
  const { flavor, processors, seed, clock, memoryBytes, trace, preemption, threadDpcEnable } = o;
  if (flavor !== undefined && flavor !== "checked" && flavor !== "free") fail('flavor must be "checked" or "free"', flavor);
  if (processors !== undefined && !(typeof processors === "number" && Number.isInteger(processors) && processors >= 1 && processors <= MAXIMUM_PROCESSORS)) {
    fail(`processors must be an integer from 1 to ${MAXIMUM_PROCESSORS}`, processors);
  }
  if (seed !== undefined && !isUint32(seed)) fail("seed must be an integer from 0 to 4294967295 (the same seed replays the same run)", seed);
  if (clock !== undefined && clock !== "virtual" && clock !== "real" && !(typeof clock === "object" && clock !== null && typeof (clock as { now?: unknown }).now === "function")) {
    fail('clock must be "virtual", "real" or a ClockSource ({ now(): number })', clock);
  }
  if (memoryBytes !== undefined && !(typeof memoryBytes === "number" && Number.isSafeInteger(memoryBytes) && memoryBytes >= 16 * PAGE_SIZE)) {
    fail(`memoryBytes must be an integer of at least ${16 * PAGE_SIZE} (16 pages)`, memoryBytes);
  }
  if (trace !== undefined && trace !== null && !(typeof trace === "object" && typeof (trace as { event?: unknown }).event === "function")) {
    fail("trace must be a TraceSink ({ event(kind, driver, detail) }, e.g. new MemoryTraceSink()) or null", trace);
  }
  if (preemption !== undefined) validatePreemption(preemption);
  if (threadDpcEnable !== undefined && typeof threadDpcEnable !== "boolean") fail("threadDpcEnable must be true or false", threadDpcEnable);
  if (o.registry !== undefined) {
    const problem = checkRegistrySnapshot(o.registry);
    if (problem !== null) fail(`registry: ${problem}`, o.registry);
  }
}

function validatePreemption(p: unknown): void {
  const usage = 'preemption must be "off", "random", "pct", { mode: "random", probability } or { mode: "pct", depth, points }';
  if (p === "off" || p === "random" || p === "pct") return;
  if (p === null || typeof p !== "object") fail(usage, p);
  const o = p as Record<string, unknown>;
  const allowed = o.mode === "off" ? ["mode"] : o.mode === "random" ? ["mode", "probability"] : o.mode === "pct" ? ["mode", "depth", "points"] : null;
  if (allowed === null) fail(usage, p);
  for (const key of Object.keys(o)) if (!allowed.includes(key)) fail(`preemption { mode: "${String(o.mode)}" } takes only ${allowed.join(", ")}, not ${JSON.stringify(key)}`, p);
  const { probability, depth, points } = o;
  if (probability !== undefined && !(typeof probability === "number" && probability >= 0 && probability <= 1)) fail("preemption probability must be a number from 0 to 1", probability);
  if (depth !== undefined && !(typeof depth === "number" && Number.isInteger(depth) && depth >= 1)) fail("preemption depth must be an integer of at least 1", depth);
  if (points !== undefined && !(typeof points === "number" && Number.isInteger(points) && points >= 1)) fail("preemption points must be an integer of at least 1", points);
}
