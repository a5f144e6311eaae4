/**
 * IRQL_NOT_LESS_OR_EQUAL (0xA) — not a driver: kernel code.
 *
 * The emulator charges a fault at DISPATCH_LEVEL to the driver whose code is running
 * (0xD1, as Windows does when the faulting instruction is in a driver image). 0xA is
 * what Windows reports when the faulting code is the kernel's own, and no driver
 * scenario here makes the kernel itself touch pageable memory at DISPATCH_LEVEL (the
 * I/O manager's copies run at PASSIVE_LEVEL or APC_LEVEL, or on behalf of the driver
 * that called it). So this scenario is kernel code run with `m.runInKernel`: it
 * allocates paged pool, the working set is trimmed, and it reads the page at
 * DISPATCH_LEVEL. P1 is the address, P2 the IRQL, P3 0 (read); no driver is blamed.
 */
import {
  DISPATCH_LEVEL, ExAllocatePool2, KeRaiseIrql, Out, POOL_FLAG_PAGED, POOL_TAG, ReadUlong, type Box, type KIRQL, type Machine,
} from "@wdfjs/kernel";

/** Runs the faulty kernel routine in `m`; `Address` receives the paged address it touches. Throws BugCheck. */
export function KernelTouchesPagedPoolAtDispatch(m: Machine, Address: Box<number>): number {
  return m.runInKernel(() => {
    const p = ExAllocatePool2(POOL_FLAG_PAGED, 64, POOL_TAG("KeTc"));
    Address.value = p;
    // Memory pressure: the balance-set manager trims every working set.
    m.mm.pageOutAll();
    const old = Out<KIRQL>(0);
    KeRaiseIrql(DISPATCH_LEVEL, old);
    return ReadUlong(p);
  });
}
