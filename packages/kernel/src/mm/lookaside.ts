import { cur } from "../context.js";
import type { DRIVER_OBJECT } from "../io/driver.js";
import { POOL_FLAG_NON_PAGED, POOL_FLAG_PAGED, POOL_FLAG_UNINITIALIZED } from "./pool.js";

export type PALLOCATE_FUNCTION = (PoolType: number, NumberOfBytes: number, Tag: number) => number;
export type PFREE_FUNCTION = (Buffer: number) => void;

/** How many freed entries a lookaside list keeps before handing them back to the pool. */
const DEFAULT_DEPTH = 256;

/**
 * NPAGED_LOOKASIDE_LIST / PAGED_LOOKASIDE_LIST: fixed-size blocks recycled without going
 * back to the pool each time. Entries come from the pool (or the driver's own allocate
 * routine) and keep their pool headers, so they are freed and checked as pool.
 */
export class LOOKASIDE_LIST {
  Size = 0;
  Tag = 0;
  Depth = DEFAULT_DEPTH;
  TotalAllocates = 0;
  AllocateMisses = 0;
  TotalFrees = 0;
  FreeMisses = 0;
  paged = false;
  Allocate: PALLOCATE_FUNCTION | null = null;
  Free: PFREE_FUNCTION | null = null;
  readonly cached: number[] = [];
  /** The driver that initialised it: a list still alive when that driver unloads is a bug check. */
  owner: DRIVER_OBJECT | null = null;
  initialized = false;
}
export class NPAGED_LOOKASIDE_LIST extends LOOKASIDE_LIST {}
export class PAGED_LOOKASIDE_LIST extends LOOKASIDE_LIST {}

function initialize(Lookaside: LOOKASIDE_LIST, paged: boolean, Allocate: PALLOCATE_FUNCTION | null, Free: PFREE_FUNCTION | null, Size: number, Tag: number, Depth: number): void {
  const m = cur;
  Lookaside.Size = Size;
  Lookaside.Tag = Tag;
  Lookaside.Depth = Depth > 0 ? Depth : DEFAULT_DEPTH;
  Lookaside.paged = paged;
  Lookaside.Allocate = Allocate;
  Lookaside.Free = Free;
  Lookaside.cached.length = 0;
  Lookaside.TotalAllocates = Lookaside.AllocateMisses = Lookaside.TotalFrees = Lookaside.FreeMisses = 0;
  Lookaside.owner = m.cpu.driver;
  Lookaside.initialized = true;
  m.lookasideLists.add(Lookaside);
}

function allocate(Lookaside: LOOKASIDE_LIST): number {
  Lookaside.TotalAllocates++;
  const cached = Lookaside.cached.pop();
  if (cached !== undefined) return cached;
  Lookaside.AllocateMisses++;
  if (Lookaside.Allocate !== null) return Lookaside.Allocate(Lookaside.paged ? 1 : 0, Lookaside.Size, Lookaside.Tag);
  return cur.mm.pool.allocate((Lookaside.paged ? POOL_FLAG_PAGED : POOL_FLAG_NON_PAGED) | POOL_FLAG_UNINITIALIZED, Lookaside.Size, Lookaside.Tag);
}

function free(Lookaside: LOOKASIDE_LIST, Entry: number): void {
  Lookaside.TotalFrees++;
  if (Lookaside.cached.length < Lookaside.Depth) {
    Lookaside.cached.push(Entry);
    return;
  }
  Lookaside.FreeMisses++;
  release(Lookaside, Entry);
}

function release(Lookaside: LOOKASIDE_LIST, Entry: number): void {
  if (Lookaside.Free !== null) Lookaside.Free(Entry);
  else cur.mm.pool.free_(Entry, Lookaside.Tag);
}

function destroy(Lookaside: LOOKASIDE_LIST): void {
  for (const e of Lookaside.cached) release(Lookaside, e);
  Lookaside.cached.length = 0;
  Lookaside.initialized = false;
  cur.lookasideLists.delete(Lookaside);
}

export function ExInitializeNPagedLookasideList(Lookaside: NPAGED_LOOKASIDE_LIST, Allocate: PALLOCATE_FUNCTION | null, Free: PFREE_FUNCTION | null, Flags: number, Size: number, Tag: number, Depth: number): void {
  void Flags;
  initialize(Lookaside, false, Allocate, Free, Size, Tag, Depth);
}
export function ExAllocateFromNPagedLookasideList(Lookaside: NPAGED_LOOKASIDE_LIST): number {
  return allocate(Lookaside);
}
export function ExFreeToNPagedLookasideList(Lookaside: NPAGED_LOOKASIDE_LIST, Entry: number): void {
  free(Lookaside, Entry);
}
export function ExDeleteNPagedLookasideList(Lookaside: NPAGED_LOOKASIDE_LIST): void {
  destroy(Lookaside);
}

export function ExInitializePagedLookasideList(Lookaside: PAGED_LOOKASIDE_LIST, Allocate: PALLOCATE_FUNCTION | null, Free: PFREE_FUNCTION | null, Flags: number, Size: number, Tag: number, Depth: number): void {
  void Flags;
  initialize(Lookaside, true, Allocate, Free, Size, Tag, Depth);
}
export function ExAllocateFromPagedLookasideList(Lookaside: PAGED_LOOKASIDE_LIST): number {
  return allocate(Lookaside);
}
export function ExFreeToPagedLookasideList(Lookaside: PAGED_LOOKASIDE_LIST, Entry: number): void {
  free(Lookaside, Entry);
}
export function ExDeletePagedLookasideList(Lookaside: PAGED_LOOKASIDE_LIST): void {
  destroy(Lookaside);
}
