import { describe, expect, it } from "vitest";
import {
  boot, BugCheck, DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS, ExAllocateFromNPagedLookasideList, ExDeleteNPagedLookasideList,
  ExFreeToNPagedLookasideList, ExInitializeNPagedLookasideList, NPAGED_LOOKASIDE_LIST, POOL_TAG, STATUS_SUCCESS, WriteUlong, ReadUlong,
  type DRIVER_OBJECT,
} from "../src/index.js";

const TAG = POOL_TAG("Look");

describe("lookaside lists", () => {
  it("recycle freed entries instead of going back to the pool, up to their depth", () => {
    const m = boot();
    m.runInKernel(() => {
      const l = new NPAGED_LOOKASIDE_LIST();
      ExInitializeNPagedLookasideList(l, null, null, 0, 48, TAG, 2);
      const a = ExAllocateFromNPagedLookasideList(l);
      const b = ExAllocateFromNPagedLookasideList(l);
      const c = ExAllocateFromNPagedLookasideList(l);
      expect(new Set([a, b, c]).size).toBe(3);
      WriteUlong(a, 7);
      expect(ReadUlong(a)).toBe(7);
      ExFreeToNPagedLookasideList(l, a);
      ExFreeToNPagedLookasideList(l, b);
      ExFreeToNPagedLookasideList(l, c); // past the depth: back to the pool
      expect(l.FreeMisses).toBe(1);
      expect([ExAllocateFromNPagedLookasideList(l), ExAllocateFromNPagedLookasideList(l)].sort()).toEqual([a, b].sort());
      expect(l.AllocateMisses).toBe(3);
    });
    const usage = () => m.mm.pool.usage.find((u) => u.tag === "Look")!.bytes;
    expect(usage()).toBe(2 * 48);
  });

  it("deleting a list returns its cached entries to the pool", () => {
    const m = boot();
    m.runInKernel(() => {
      const l = new NPAGED_LOOKASIDE_LIST();
      ExInitializeNPagedLookasideList(l, null, null, 0, 32, TAG, 0);
      ExFreeToNPagedLookasideList(l, ExAllocateFromNPagedLookasideList(l));
      ExDeleteNPagedLookasideList(l);
    });
    expect(m.mm.pool.usage.find((u) => u.tag === "Look")!.bytes).toBe(0);
  });

  it("a driver that unloads with its lookaside list not deleted stops the machine (0xCE)", () => {
    const m = boot({ flavor: "free" });
    const list = new NPAGED_LOOKASIDE_LIST();
    const entry = (DriverObject: DRIVER_OBJECT): number => {
      ExInitializeNPagedLookasideList(list, null, null, 0, 64, TAG, 0);
      DriverObject.DriverUnload = () => {}; // (missing: ExDeleteNPagedLookasideList)
      return STATUS_SUCCESS;
    };
    expect(m.loadDriver("looky", entry)).toBe(STATUS_SUCCESS);
    expect(() => m.unloadDriver("looky")).toThrow(BugCheck);
    expect(m.bugCheckData!.BugCheckCode).toBe(DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS);
    expect(m.bugCheckData!.explanation).toMatch(/lookaside/);
    expect(m.bugCheckData!.driver).toBe("looky.sys");
  });
});
