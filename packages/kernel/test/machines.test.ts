import { describe, expect, it } from "vitest";
import {
  boot, currentMachine, CTL_CODE, DISPATCH_LEVEL, DO_BUFFERED_IO, ExAllocatePool2, FILE_ANY_ACCESS, FILE_DEVICE_UNKNOWN, IO_STATUS_BLOCK,
  IoCreateDevice, IoCreateSymbolicLink, IoGetCurrentIrpStackLocation, IRP_MJ_CLOSE, IRP_MJ_CREATE, IRP_MJ_DEVICE_CONTROL, IRQL_NOT_LESS_OR_EQUAL, KDPC, KeGetCurrentIrql, KeInitializeDpc,
  KeInitializeTimer, KeLowerIrql, KeRaiseIrql, KeSetTimer, KTIMER, METHOD_BUFFERED, NtClose, NtDeviceIoControlFile, Out, PASSIVE_LEVEL,
  POOL_FLAG_NON_PAGED, POOL_TAG, ReadUlong, STATUS_INVALID_HANDLE, STATUS_OBJECT_NAME_NOT_FOUND, STATUS_SUCCESS, WriteUlong,
  type DEVICE_OBJECT, type DRIVER_OBJECT, type IRP, type KIRQL, type Machine, type NTSTATUS,
} from "../src/index.js";
import { client, complete, expectBugCheck, open, userAlloc } from "./helpers.js";

const IOCTL_COUNT = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS);

/**
 * One driver module, as a package would export it: no module-level state; each load
 * keeps its count in its own device extension (emulated nonpaged pool).
 */
const CounterDriver = {
  DriverEntry(DriverObject: DRIVER_OBJECT): NTSTATUS {
    const dev = Out<DEVICE_OBJECT | null>(null);
    const st = IoCreateDevice(DriverObject, 8, "\\Device\\Counter", FILE_DEVICE_UNKNOWN, 0, false, dev);
    if (st < 0) return st;
    dev.value!.Flags |= DO_BUFFERED_IO;
    IoCreateSymbolicLink("\\DosDevices\\Counter", "\\Device\\Counter");
    const ok = (_d: DEVICE_OBJECT, irp: IRP) => complete(irp, STATUS_SUCCESS);
    DriverObject.MajorFunction[IRP_MJ_CREATE] = ok;
    DriverObject.MajorFunction[IRP_MJ_CLOSE] = ok;
    DriverObject.MajorFunction[IRP_MJ_DEVICE_CONTROL] = (d, irp) => {
      const ext = d.DeviceExtension as number;
      const n = ReadUlong(ext) + 1;
      WriteUlong(ext, n);
      const sl = IoGetCurrentIrpStackLocation(irp);
      if (sl.Parameters.DeviceIoControl.OutputBufferLength >= 4) WriteUlong(irp.AssociatedIrp.SystemBuffer, n);
      return complete(irp, STATUS_SUCCESS, 4);
    };
    return STATUS_SUCCESS;
  },
};

function counterClient(m: Machine) {
  const c = client(m);
  const { status, handle } = open(m, c, "\\??\\Counter");
  expect(status).toBe(STATUS_SUCCESS);
  const out = userAlloc(m, c);
  const bump = () => {
    const st = m.syscall(c.thread, () => NtDeviceIoControlFile(handle, 0, null, null, new IO_STATUS_BLOCK(), IOCTL_COUNT, 0, 0, out, 4));
    expect(st).toBe(STATUS_SUCCESS);
    return m.syscall(c.thread, () => ReadUlong(out));
  };
  return { c, handle, bump };
}

describe("several machines in one process", () => {
  it("a driver loaded in one machine is not in the other", () => {
    const a = boot();
    const b = boot();
    expect(a.loadDriver("counter", CounterDriver)).toBe(STATUS_SUCCESS);
    expect(a.driver("counter")).toBeDefined();
    expect(b.driver("counter")).toBeUndefined();
    expect(b.ob.namespace.lookup("\\Device\\Counter")).toBeUndefined();
    expect(open(b, client(b), "\\??\\Counter").status).toBe(STATUS_OBJECT_NAME_NOT_FOUND);
  });

  it("the same driver module loads into both, and each keeps its own devices and state", () => {
    const a = boot();
    const b = boot();
    expect(a.loadDriver("counter", CounterDriver)).toBe(STATUS_SUCCESS);
    expect(b.loadDriver("counter", CounterDriver)).toBe(STATUS_SUCCESS);
    expect(a.driver("counter")).not.toBe(b.driver("counter"));
    const ca = counterClient(a);
    const cb = counterClient(b);
    expect([ca.bump(), ca.bump(), ca.bump()]).toEqual([1, 2, 3]);
    expect(cb.bump()).toBe(1);
    expect(ca.bump()).toBe(4);
  });

  it("handles belong to one machine's process: the same value in the other machine is not that file", () => {
    const a = boot();
    const b = boot();
    a.loadDriver("counter", CounterDriver);
    b.loadDriver("counter", CounterDriver);
    const ca = counterClient(a);
    const pb = client(b);
    expect(ca.handle).toBe(4);
    expect(b.syscall(pb.thread, () => NtClose(ca.handle))).toBe(STATUS_INVALID_HANDLE);
    expect(ca.bump()).toBe(1);
  });

  it("a bug check stops only the machine it happens in", () => {
    const a = boot({ flavor: "free" });
    const b = boot();
    a.loadDriver("counter", CounterDriver);
    b.loadDriver("counter", CounterDriver);
    const cb = counterClient(b);
    expectBugCheck(a, IRQL_NOT_LESS_OR_EQUAL, () => a.runInKernel(() => KeLowerIrql(DISPATCH_LEVEL)));
    expect(a.stopped).toBe(true);
    expect(b.stopped).toBe(false);
    expect(b.bugCheckData).toBeNull();
    expect(cb.bump()).toBe(1);
    expect(() => a.runInKernel(() => 0)).toThrow();
  });

  it("each machine has its own virtual clock and timers", () => {
    const a = boot();
    const b = boot();
    const fired: string[] = [];
    for (const [m, name] of [[a, "a"], [b, "b"]] as const) {
      m.runInKernel(() => {
        const dpc = new KDPC();
        KeInitializeDpc(dpc, () => fired.push(`${name}@${m.now}`), null);
        const t = new KTIMER();
        KeInitializeTimer(t);
        KeSetTimer(t, -(name === "a" ? 10 : 20) * 10_000, dpc);
      });
    }
    a.run();
    expect(fired).toEqual(["a@10"]);
    expect(a.now).toBe(10);
    expect(b.now).toBe(0);
    b.runFor(5);
    expect(b.now).toBe(5);
    b.run();
    expect(fired).toEqual(["a@10", "b@20"]);
  });

  it("each machine has its own memory: the same pool address holds different bytes", () => {
    const a = boot();
    const b = boot();
    const pa = a.runInKernel(() => ExAllocatePool2(POOL_FLAG_NON_PAGED, 16, POOL_TAG("Mach")));
    const pb = b.runInKernel(() => ExAllocatePool2(POOL_FLAG_NON_PAGED, 16, POOL_TAG("Mach")));
    expect(pb).toBe(pa);
    a.runInKernel(() => WriteUlong(pa, 0xa));
    b.runInKernel(() => WriteUlong(pb, 0xb));
    expect(a.runInKernel(() => ReadUlong(pa))).toBe(0xa);
    expect(b.runInKernel(() => ReadUlong(pb))).toBe(0xb);
  });

  it("entering one machine from inside another keeps each one's processor state", () => {
    const a = boot();
    const b = boot();
    const r = a.runInKernel(() => {
      const old = Out<KIRQL>(0);
      KeRaiseIrql(DISPATCH_LEVEL, old);
      const inner = b.runInKernel(() => ({ irql: KeGetCurrentIrql(), me: currentMachine() === b }));
      const outer = { irql: KeGetCurrentIrql(), me: currentMachine() === a };
      KeLowerIrql(old.value);
      return { inner, outer };
    });
    expect(r).toEqual({ inner: { irql: PASSIVE_LEVEL, me: true }, outer: { irql: DISPATCH_LEVEL, me: true } });
  });

  it("running another machine in between does not change a machine's seeded schedule", () => {
    const trace = (m: Machine, other: Machine | null) => {
      const order: number[] = [];
      m.runInKernel(() => {
        for (let i = 0; i < 6; i++) {
          const dpc = new KDPC();
          KeInitializeDpc(dpc, () => order.push(i * 10 + (currentMachine().cpu.Number)), null);
          const t = new KTIMER();
          KeInitializeTimer(t);
          KeSetTimer(t, -(1 + (i % 3)) * 10_000, dpc);
        }
      });
      for (let k = 0; k < 4; k++) {
        m.runFor(1);
        if (other) other.runInKernel(() => ExAllocatePool2(POOL_FLAG_NON_PAGED, 8, POOL_TAG("Noise")));
        other?.run();
      }
      return order;
    };
    const alone = trace(boot({ processors: 4, seed: 9 }), null);
    const interleaved = trace(boot({ processors: 4, seed: 9 }), boot({ processors: 4, seed: 9 }));
    expect(alone).toHaveLength(6);
    expect(interleaved).toEqual(alone);
  });
});
