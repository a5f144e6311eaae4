/**
 * Bug check codes and parameters pinned to Microsoft's bug check reference. Each case cites
 * the page whose table it follows:
 *   0xC4 https://learn.microsoft.com/windows-hardware/drivers/debugger/bug-check-0xc4--driver-verifier-detected-violation
 *   0xC8 https://learn.microsoft.com/windows-hardware/drivers/debugger/bug-check-0xc8--irql-unexpected-value
 *   0xC9 https://learn.microsoft.com/windows-hardware/drivers/debugger/bug-check-0xc9--driver-verifier-iomanager-violation
 *   0x1E https://learn.microsoft.com/windows-hardware/drivers/debugger/bug-check-0x1e--kmode-exception-not-handled
 *   0xA  https://learn.microsoft.com/windows-hardware/drivers/debugger/bug-check-0xa--irql-not-less-or-equal
 * and, for the IRQL each DDI allows, its DDI page and the DDI compliance rule that names it
 * (https://learn.microsoft.com/windows-hardware/drivers/devtest/wdm-<rule>).
 */
import { describe, expect, it } from "vitest";
import {
  APC_LEVEL, boot, DelayedWorkQueue, DISPATCH_LEVEL, DRIVER_VERIFIER_DETECTED_VIOLATION, DRIVER_VERIFIER_IOMANAGER_VIOLATION,
  ExAllocatePool2, IO_STATUS_BLOCK, IoAllocateIrp, IoAllocateMdl, IoAllocateWorkItem, IoAttachDeviceToDeviceStack,
  IoAttachDeviceToDeviceStackSafe, IoBuildAsynchronousFsdRequest, IoBuildDeviceIoControlRequest, IoBuildSynchronousFsdRequest,
  IoCallDriver, IoCreateDevice, IoGetNextIrpStackLocation, IoQueueWorkItem, IoSetCompletionRoutine, IRP_MJ_DEVICE_CONTROL,
  IRP_MJ_READ, IRQL_NOT_LESS_OR_EQUAL, IRQL_UNEXPECTED_VALUE, KDPC, KeInitializeDpc, KeInitializeEvent, KeInitializeMutex,
  KeInitializeThreadedDpc, KeInitializeTimer, KeInsertQueueDpc, KeLowerIrql, KeRaiseIrql, KernelMode, KeReleaseMutex, KeSetEvent,
  KeSetTimer, KeSetTimerEx, KeWaitForMultipleObjects, KeWaitForSingleObject, KEVENT, KMODE_EXCEPTION_NOT_HANDLED, KMUTEX, KTIMER,
  MmGetSystemAddressForMdlSafe, NormalPagePriority, NotificationEvent, ObReferenceObjectByHandle, Out,
  PAGED_CODE, PASSIVE_LEVEL, POOL_FLAG_NON_PAGED, POOL_FLAG_PAGED, POOL_TAG, ProbeForRead, ProbeForWrite, PsCreateSystemThread,
  STATUS_ASSERTION_FAILURE, STATUS_MORE_PROCESSING_REQUIRED, STATUS_SUCCESS, WaitAny, WriteUlong, ZwClose,
  type DEVICE_OBJECT, type DRIVER_OBJECT, type Flavor, type IO_COMPLETION_ROUTINE, type KIRQL, type Machine,
} from "../src/index.js";
import { bootWithDriver, client, complete, expectBugCheck } from "./helpers.js";

const DIRQL = 5;
const TAG = POOL_TAG("BcRf");

function params(m: Machine): number[] {
  const d = m.bugCheckData!;
  return [d.BugCheckParameter1, d.BugCheckParameter2, d.BugCheckParameter3, d.BugCheckParameter4];
}

function raiseTo(irql: KIRQL): void {
  KeRaiseIrql(irql, Out<KIRQL>(0));
}

/** A machine with one loaded driver and its device, for DDIs that take them. */
function withDevice(flavor: Flavor = "checked"): { m: Machine; driver: DRIVER_OBJECT; device: DEVICE_OBJECT } {
  const { m, drv } = bootWithDriver({ flavor, name: "Ref", dispatch: { [IRP_MJ_DEVICE_CONTROL]: (_d, irp) => complete(irp, STATUS_SUCCESS) } });
  return { m, driver: drv.driver!, device: drv.device! };
}

describe("0xC4: pool, IRQL and MDL subcodes", () => {
  it("0x00: a zero-byte allocation; P2 the IRQL, P3 the pool type, P4 0", () => {
    const m = boot({ flavor: "checked" });
    expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, () => m.runInKernel(() => ExAllocatePool2(POOL_FLAG_PAGED, 0, TAG)));
    expect(params(m)).toEqual([0x00, PASSIVE_LEVEL, 1, 0]);
    const n = boot({ flavor: "checked" });
    expectBugCheck(n, DRIVER_VERIFIER_DETECTED_VIOLATION, () =>
      n.runInKernel(() => {
        raiseTo(DISPATCH_LEVEL);
        ExAllocatePool2(POOL_FLAG_NON_PAGED, 0, TAG);
      }),
    );
    expect(params(n)).toEqual([0x00, DISPATCH_LEVEL, 0, 0]);
  });

  it("0x80: KeSetEvent above DISPATCH_LEVEL; P2 the IRQL, P3 the event", () => {
    const m = boot({ flavor: "checked" });
    const e = new KEVENT();
    expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, () =>
      m.runInKernel(() => {
        KeInitializeEvent(e, NotificationEvent, false);
        raiseTo(DIRQL);
        KeSetEvent(e, 0, false);
      }),
    );
    const [p1, p2, p3] = params(m);
    expect([p1, p2]).toEqual([0x80, DIRQL]);
    expect(m.ob.addresses.lookup(p3)).toBe(e);
  });

  // https://learn.microsoft.com/windows-hardware/drivers/devtest/wdm-irqlkedispatchlte: KeReleaseMutex at or below DISPATCH_LEVEL.
  it("KeReleaseMutex above DISPATCH_LEVEL is the rule IrqlKeDispatchLte (0x00020011), not KeSetEvent's 0x80", () => {
    const m = boot({ flavor: "checked" });
    expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, () =>
      m.runInKernel(() => {
        const mx = new KMUTEX();
        KeInitializeMutex(mx, 0);
        raiseTo(DIRQL);
        KeReleaseMutex(mx, false);
      }),
    );
    expect(params(m)).toEqual([0x00020011, DIRQL, 0, 0]);
  });

  it("0x76: MmGetSystemAddressForMdlSafe (MmMapLockedPagesSpecifyCache, kernel mode) above DISPATCH_LEVEL; P3 the MDL, P4 KernelMode", () => {
    const m = boot({ flavor: "checked" });
    const mdl = m.runInKernel(() => IoAllocateMdl(0x1000, 16, false, false, null)!);
    expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, () =>
      m.runInKernel(() => {
        raiseTo(DIRQL);
        MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority);
      }),
    );
    expect(params(m)).toEqual([0x76, DIRQL, mdl.address, KernelMode]);
    expect(mdl.address).not.toBe(0);
  });
});

describe("0xC4/0x120-0x122: waits at a bad IRQL (checked); the free flavor is 0xA", () => {
  it("0x120: a wait above DISPATCH_LEVEL; P3 the object, P4 the timeout", () => {
    const m = boot({ flavor: "checked" });
    const e = new KEVENT();
    expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, () =>
      m.runInKernel(() => {
        KeInitializeEvent(e, NotificationEvent, false);
        raiseTo(DIRQL);
        KeWaitForSingleObject(e, 0, KernelMode, false, -10_000);
      }),
    );
    const [p1, p2, p3, p4] = params(m);
    expect([p1, p2, p4]).toEqual([0x120, DIRQL, -10_000]);
    expect(m.ob.addresses.lookup(p3)).toBe(e);
  });

  it("0x121: a wait at DISPATCH_LEVEL with a NULL timeout", () => {
    const m = boot({ flavor: "checked" });
    const e = new KEVENT();
    expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, () =>
      m.runInKernel(() => {
        KeInitializeEvent(e, NotificationEvent, false);
        raiseTo(DISPATCH_LEVEL);
        KeWaitForMultipleObjects(1, [e], WaitAny, 0, KernelMode, false, null);
      }),
    );
    const [p1, p2, p3, p4] = params(m);
    expect([p1, p2, p4]).toEqual([0x121, DISPATCH_LEVEL, 0]);
    expect(m.ob.addresses.lookup(p3)).toBe(e);
  });

  it("0x122: a wait at DISPATCH_LEVEL with a non-zero timeout", () => {
    const m = boot({ flavor: "checked" });
    expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, () =>
      m.runInKernel(() => {
        const e = new KEVENT();
        KeInitializeEvent(e, NotificationEvent, false);
        raiseTo(DISPATCH_LEVEL);
        KeWaitForSingleObject(e, 0, KernelMode, false, -1);
      }),
    );
    expect(params(m)[0]).toBe(0x122);
    expect(params(m)[3]).toBe(-1);
  });

  it("a zero timeout at DISPATCH_LEVEL is legal", () => {
    const m = boot({ flavor: "checked" });
    m.runInKernel(() => {
      const e = new KEVENT();
      KeInitializeEvent(e, NotificationEvent, true);
      const old = Out<KIRQL>(0);
      KeRaiseIrql(DISPATCH_LEVEL, old);
      KeWaitForSingleObject(e, 0, KernelMode, false, 0);
      KeLowerIrql(old.value);
    });
    expect(m.stopped).toBe(false);
  });

  it("free: a wait at DISPATCH_LEVEL is IRQL_NOT_LESS_OR_EQUAL (P2 the IRQL)", () => {
    const m = boot({ flavor: "free" });
    expectBugCheck(m, IRQL_NOT_LESS_OR_EQUAL, () =>
      m.runInKernel(() => {
        const e = new KEVENT();
        KeInitializeEvent(e, NotificationEvent, false);
        raiseTo(DISPATCH_LEVEL);
        KeWaitForSingleObject(e, 0, KernelMode, false, null);
      }),
    );
    expect(params(m)).toEqual([0, DISPATCH_LEVEL, 0, 0]);
  });
});

describe("a DPC routine that returns at another IRQL: IRQL_UNEXPECTED_VALUE (0xC8)", () => {
  const queueDpc = (m: Machine, routine: () => void, threaded = false): void => {
    m.runInKernel(() => {
      const d = new KDPC();
      (threaded ? KeInitializeThreadedDpc : KeInitializeDpc)(d, routine, null);
      KeInsertQueueDpc(d, null, null);
    });
  };

  for (const flavor of ["checked", "free"] as const) {
    it(`${flavor}: a DPC that returns at DIRQL; P1 (current << 16) | (expected << 8) | 2, P2-P4 0`, () => {
      const m = boot({ flavor });
      expectBugCheck(m, IRQL_UNEXPECTED_VALUE, () => queueDpc(m, () => raiseTo(DIRQL)));
      expect(params(m)).toEqual([(DIRQL << 16) | (DISPATCH_LEVEL << 8) | 2, 0, 0, 0]);
      expect(m.bugCheckData!.explanation).toMatch(/DPC routine returned at DIRQ.*instead of DISPATCH_LEVEL/);
    });
  }

  for (const flavor of ["checked", "free"] as const) {
    it(`${flavor}: a DPC that lowers to PASSIVE_LEVEL and returns there is 0xC8 with P1 0x202`, () => {
      const m = boot({ flavor });
      expectBugCheck(m, IRQL_UNEXPECTED_VALUE, () => queueDpc(m, () => KeLowerIrql(PASSIVE_LEVEL)));
      expect(params(m)).toEqual([0x202, 0, 0, 0]);
    });
  }

  it("a threaded DPC that returns at DISPATCH_LEVEL: expected PASSIVE_LEVEL", () => {
    const m = boot({ flavor: "free" });
    expectBugCheck(m, IRQL_UNEXPECTED_VALUE, () => queueDpc(m, () => raiseTo(DISPATCH_LEVEL), true));
    expect(params(m)).toEqual([(DISPATCH_LEVEL << 16) | (PASSIVE_LEVEL << 8) | 2, 0, 0, 0]);
  });
});

describe("0xC4/0xFA: a completion routine that returns at another IRQL (checked)", () => {
  const send = (m: Machine, device: DEVICE_OBJECT, routine: IO_COMPLETION_ROUTINE): void => {
    m.runInKernel(() => {
      const irp = IoAllocateIrp(device.StackSize, false)!;
      IoGetNextIrpStackLocation(irp).MajorFunction = IRP_MJ_DEVICE_CONTROL;
      IoSetCompletionRoutine(irp, routine, null, true, true, true);
      IoCallDriver(device, irp);
    });
  };

  it("P2 the completion routine, P3 the IRQL it was called at, P4 the IRQL it returned at", () => {
    const { m, device } = withDevice("checked");
    const routine: IO_COMPLETION_ROUTINE = () => {
      raiseTo(DISPATCH_LEVEL);
      return STATUS_MORE_PROCESSING_REQUIRED;
    };
    expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, () => send(m, device, routine));
    const [p1, p2, p3, p4] = params(m);
    expect([p1, p3, p4]).toEqual([0xfa, PASSIVE_LEVEL, DISPATCH_LEVEL]);
    expect(m.ob.addresses.lookup(p2)).toBe(routine);
  });

  it("a routine that restores the IRQL it raised is fine", () => {
    const { m, device } = withDevice("checked");
    send(m, device, () => {
      const old = Out<KIRQL>(0);
      KeRaiseIrql(DISPATCH_LEVEL, old);
      KeLowerIrql(old.value);
      return STATUS_MORE_PROCESSING_REQUIRED;
    });
    expect(m.stopped).toBe(false);
  });
});

describe("0xC9: IoCompleteRequest's subcodes", () => {
  it("0x06 also covers a status of -1: P2 the status, P3 the IRP", () => {
    let irpAddress = 0;
    const { m, device } = withDevice("checked");
    m.driver("Ref")!.MajorFunction[IRP_MJ_DEVICE_CONTROL] = (_d, irp) => {
      irpAddress = irp.address;
      return complete(irp, -1);
    };
    expectBugCheck(m, DRIVER_VERIFIER_IOMANAGER_VIOLATION, () =>
      m.runInKernel(() => {
        const irp = IoAllocateIrp(device.StackSize, false)!;
        IoGetNextIrpStackLocation(irp).MajorFunction = IRP_MJ_DEVICE_CONTROL;
        IoCallDriver(device, irp);
      }),
    );
    expect(params(m)).toEqual([0x06, 0xffffffff, irpAddress, 0]);
  });
});

describe("PAGED_CODE: the checked build's NT_ASSERT", () => {
  it("checked: above APC_LEVEL it is KMODE_EXCEPTION_NOT_HANDLED (0x1E) with STATUS_ASSERTION_FAILURE", () => {
    const m = boot({ flavor: "checked" });
    expectBugCheck(m, KMODE_EXCEPTION_NOT_HANDLED, () =>
      m.runInKernel(() => {
        raiseTo(DISPATCH_LEVEL);
        PAGED_CODE();
      }),
    );
    expect(params(m)).toEqual([STATUS_ASSERTION_FAILURE >>> 0, 0, 0, 0]);
    expect(params(m)[0]).toBe(0xc0000420);
  });

  it("at APC_LEVEL, and in the free flavor at any level, it does nothing", () => {
    const m = boot({ flavor: "checked" });
    m.runInKernel(() => {
      const old = Out<KIRQL>(0);
      KeRaiseIrql(APC_LEVEL, old);
      PAGED_CODE();
      KeLowerIrql(old.value);
    });
    const f = boot({ flavor: "free" });
    f.runInKernel(() => {
      const old = Out<KIRQL>(0);
      KeRaiseIrql(DISPATCH_LEVEL, old);
      PAGED_CODE();
      KeLowerIrql(old.value);
    });
    expect([m.stopped, f.stopped]).toEqual([false, false]);
  });
});

describe("0x1E: P3 is the access violation's read (0) or write (1)", () => {
  it("an unhandled write to a bad user address: P3 1, P4 the address", () => {
    const m = boot({ flavor: "free" });
    const c = client(m);
    expectBugCheck(m, KMODE_EXCEPTION_NOT_HANDLED, () => m.syscall(c.thread, () => WriteUlong(0x6000_0000, 1)));
    expect(params(m)).toEqual([0xc0000005, 0, 1, 0x6000_0000]);
  });
});

/**
 * The IRQL checks Driver Verifier (the checked flavor) makes on DDIs, with the highest IRQL
 * each DDI's page allows and the subcode: the DDI compliance rule that names the routine, or
 * 0xE5 ("a call was made to a Kernel API at the incorrect IRQL") for one no rule names.
 */
describe("0xC4: DDIs called above the IRQL their pages allow (checked)", () => {
  interface Case {
    readonly routine: string;
    /** The page's IRQL; the call is made one level above it (at DIRQL for DISPATCH_LEVEL). */
    readonly max: KIRQL;
    readonly subcode: number;
    readonly call: (device: DEVICE_OBJECT, driver: DRIVER_OBJECT) => unknown;
  }
  const cases: readonly Case[] = [
    // wdm-irqlobpassive (0x0002001B); nf-wdm-obreferenceobjectbyhandle
    { routine: "ObReferenceObjectByHandle", max: PASSIVE_LEVEL, subcode: 0x0002001b, call: () => ObReferenceObjectByHandle(4, 0, null, KernelMode, Out<unknown>(null), null) },
    // wdm-irqlzwpassive (0x0002001F); nf-ntifs-ntclose
    { routine: "ZwClose", max: PASSIVE_LEVEL, subcode: 0x0002001f, call: () => ZwClose(4) },
    // wdm-irqliopassive1 (0x0002000A): IoCreateDevice at PASSIVE_LEVEL
    { routine: "IoCreateDevice", max: PASSIVE_LEVEL, subcode: 0x0002000a, call: (_dev, drv) => IoCreateDevice(drv, 0, null, 0x22, 0, false, Out<DEVICE_OBJECT | null>(null)) },
    // wdm-irqliopassive1: IoBuildDeviceIoControlRequest at PASSIVE_LEVEL or APC_LEVEL; nf-wdm-iobuilddeviceiocontrolrequest <= APC_LEVEL
    { routine: "IoBuildDeviceIoControlRequest", max: APC_LEVEL, subcode: 0x0002000a, call: (dev) => IoBuildDeviceIoControlRequest(0x222000, dev, 0, 0, 0, 0, false, null, new IO_STATUS_BLOCK()) },
    // nf-wdm-iobuildsynchronousfsdrequest <= APC_LEVEL; no IRQL rule names it
    { routine: "IoBuildSynchronousFsdRequest", max: APC_LEVEL, subcode: 0xe5, call: (dev) => IoBuildSynchronousFsdRequest(IRP_MJ_READ, dev, 0, 0, null, new KEVENT(), new IO_STATUS_BLOCK()) },
    // nf-wdm-iobuildasynchronousfsdrequest <= APC_LEVEL
    { routine: "IoBuildAsynchronousFsdRequest", max: APC_LEVEL, subcode: 0xe5, call: (dev) => IoBuildAsynchronousFsdRequest(IRP_MJ_READ, dev, 0, 0, null, null) },
    // nf-wdm-ioattachdevicetodevicestack <= DISPATCH_LEVEL
    { routine: "IoAttachDeviceToDeviceStack", max: DISPATCH_LEVEL, subcode: 0xe5, call: (dev) => IoAttachDeviceToDeviceStack(dev, dev) },
    // nf-ntddk-ioattachdevicetodevicestacksafe <= DISPATCH_LEVEL
    { routine: "IoAttachDeviceToDeviceStackSafe", max: DISPATCH_LEVEL, subcode: 0xe5, call: (dev) => IoAttachDeviceToDeviceStackSafe(dev, dev, Out<DEVICE_OBJECT | null>(null)) },
    // wdm-irqlkedispatchlte (0x00020011)
    { routine: "KeSetTimer", max: DISPATCH_LEVEL, subcode: 0x00020011, call: () => KeSetTimer(timer(), -1, null) },
    { routine: "KeSetTimerEx", max: DISPATCH_LEVEL, subcode: 0x00020011, call: () => KeSetTimerEx(timer(), -1, 0, null) },
    // nf-wdm-ioqueueworkitem <= DISPATCH_LEVEL
    { routine: "IoQueueWorkItem", max: DISPATCH_LEVEL, subcode: 0xe5, call: (dev) => IoQueueWorkItem(IoAllocateWorkItem(dev), () => undefined, DelayedWorkQueue, null) },
    // wdm-irqlpspassive (0x0002001C)
    { routine: "PsCreateSystemThread", max: PASSIVE_LEVEL, subcode: 0x0002001c, call: () => PsCreateSystemThread(Out(0), 0, null, null, null, () => undefined, null) },
    // wdm-irqlexapclte2 (0x00020006)
    { routine: "ProbeForRead", max: APC_LEVEL, subcode: 0x00020006, call: () => ProbeForRead(0x1000, 4, 1) },
    { routine: "ProbeForWrite", max: APC_LEVEL, subcode: 0x00020006, call: () => ProbeForWrite(0x1000, 4, 1) },
  ];
  function timer(): KTIMER {
    const t = new KTIMER();
    KeInitializeTimer(t);
    return t;
  }
  const above = (max: KIRQL): KIRQL => (max === DISPATCH_LEVEL ? DIRQL : max + 1);

  for (const c of cases) {
    it(`${c.routine} above ${c.max === PASSIVE_LEVEL ? "PASSIVE_LEVEL" : c.max === APC_LEVEL ? "APC_LEVEL" : "DISPATCH_LEVEL"} is 0xC4/0x${c.subcode.toString(16)}, P2 the IRQL`, () => {
      const { m, device, driver } = withDevice("checked");
      const irql = above(c.max);
      expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, () =>
        m.runInKernel(() => {
          raiseTo(irql);
          c.call(device, driver);
        }),
      );
      expect(params(m)).toEqual([c.subcode, irql, 0, 0]);
      expect(m.bugCheckData!.explanation).toContain(`${c.routine} was called at`);
    });
  }

  it("the free flavor does not check them", () => {
    const { m } = withDevice("free");
    m.runInKernel(() => {
      const old = Out<KIRQL>(0);
      KeRaiseIrql(DIRQL, old);
      KeSetTimer(timer(), -1, null);
      ProbeForRead(0x1000, 4, 1);
      KeLowerIrql(old.value);
    });
    expect(m.stopped).toBe(false);
  });
});
