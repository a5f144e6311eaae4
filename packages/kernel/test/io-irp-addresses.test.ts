import { describe, expect, it } from "vitest";
import { boot, IoAllocateIrp, IoFreeIrp, ObjectAtAddress, type IRP } from "../src/index.js";
import { IRP_LOOKASIDE_DEPTH } from "../src/io/irp.js";

describe("Io: IRP addresses are reused", () => {
  it("200,000 IRPs allocated and freed one after another reserve no more kernel address space than one", () => {
    const m = boot();
    const table = m.ob.addresses;
    const pages = table.reservedPages;
    const r = m.runInKernel(() => {
      const small = new Set<number>();
      const big = new Set<number>();
      for (let i = 0; i < 100_000; i++) {
        // From the lookaside list: the same IRP, at the same address.
        const a = IoAllocateIrp(4, false)!;
        small.add(a.address);
        IoFreeIrp(a);
        // Too many stack locations for the lists: a new IRP each time, at the address the last one gave back.
        const b = IoAllocateIrp(24, false)!;
        big.add(b.address);
        IoFreeIrp(b);
      }
      return { small: small.size, big: big.size };
    });
    expect(r).toEqual({ small: 1, big: 1 });
    // One chunk of object addresses serves them all.
    expect(table.reservedPages - pages).toBeLessThanOrEqual(16);
  });

  it("a burst of 30,000 outstanding IRPs gives its addresses back, and the next burst reuses them", () => {
    const m = boot({ flavor: "free" });
    const table = m.ob.addresses;
    const live = table.size;
    const burst = (): { irps: IRP[]; distinct: number } => {
      const irps: IRP[] = [];
      const addresses = new Set<number>();
      for (let i = 0; i < 30_000; i++) {
        const irp = IoAllocateIrp(3, false)!;
        irps.push(irp);
        addresses.add(irp.address);
      }
      return { irps, distinct: addresses.size };
    };
    m.runInKernel(() => {
      const first = burst();
      expect(first.distinct).toBe(30_000);
      const reserved = table.reservedPages;
      for (const irp of first.irps) IoFreeIrp(irp);
      // The lookaside list keeps its depth of IRPs; every other address is free again.
      expect(m.io.irpLookaside.cached).toBe(IRP_LOOKASIDE_DEPTH);
      expect(table.size).toBe(live + IRP_LOOKASIDE_DEPTH);
      expect(ObjectAtAddress(first.irps[29_999]!.address)).toBeNull();

      const second = burst();
      expect(second.distinct).toBe(30_000);
      expect(table.reservedPages).toBe(reserved);
      for (const irp of second.irps) IoFreeIrp(irp);
    });
  });
});
