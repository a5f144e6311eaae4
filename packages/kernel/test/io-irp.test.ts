import { describe, expect, it } from "vitest";
import {
  boot, IoBuildAsynchronousFsdRequest, PsGetCurrentThread, CTL_CODE, DISPATCH_LEVEL, DO_BUFFERED_IO, DRIVER_VERIFIER_IOMANAGER_VIOLATION, Executive, ExAllocatePool2, FILE_ANY_ACCESS, FILE_DEVICE_UNKNOWN,
  IO_STATUS_BLOCK, IoAllocateIrp, IoAttachDeviceToDeviceStack, IoBuildDeviceIoControlRequest, IoBuildSynchronousFsdRequest, IoCallDriver,
  IoCompleteRequest, IoCopyCurrentIrpStackLocationToNext, IoCreateDevice, IoFreeIrp, IoGetCurrentIrpStackLocation, IoGetNextIrpStackLocation,
  IoGetRemainingStackLocations, IoMarkIrpPending, IoSetCompletionRoutine, IoSkipCurrentIrpStackLocation, IRP_MJ_DEVICE_CONTROL,
  IRP_MJ_INTERNAL_DEVICE_CONTROL, IRP_MJ_READ, IRP_MJ_WRITE, KDPC, KeGetCurrentIrql, KeInitializeDpc, KeInitializeEvent, KeInitializeTimer, KeLowerIrql, KeRaiseIrql, KernelMode,
  KeSetTimer, KeWaitForSingleObject, KEVENT, KTIMER, METHOD_BUFFERED, MULTIPLE_IRP_COMPLETE_REQUESTS, NO_MORE_IRP_STACK_LOCATIONS,
  NotificationEvent, NtReadFile, Out, PASSIVE_LEVEL, POOL_FLAG_NON_PAGED, POOL_TAG, PsCreateSystemThread, ReadBytes, STATUS_CANCELLED, STATUS_MORE_PROCESSING_REQUIRED,
  STATUS_PENDING, STATUS_SUCCESS, STATUS_UNSUCCESSFUL, WriteBytes, type DEVICE_OBJECT, type DRIVER_OBJECT, type IO_COMPLETION_ROUTINE,
  type IO_STACK_LOCATION, type IRP, type KIRQL, type Machine, type NTSTATUS,
} from "../src/index.js";
import { client, complete, expectBugCheck, open, requester, tinyDriver, userAlloc } from "./helpers.js";

const TAG = POOL_TAG("IoTs");

interface Layer {
  name: string;
  device: DEVICE_OBJECT;
  /** The device this layer's device is attached to (null at the bottom). */
  lower: DEVICE_OBJECT | null;
  driver: DRIVER_OBJECT;
}
type LayerDispatch = (self: Layer, Irp: IRP) => NTSTATUS;

/**
 * Load one driver per layer, bottom first, each attaching its device on top of the
 * previous one; IRP_MJ_INTERNAL_DEVICE_CONTROL goes to the layer's routine.
 */
function loadStack(m: Machine, specs: { name: string; dispatch: LayerDispatch }[]): Layer[] {
  const layers: Layer[] = [];
  for (const spec of specs) {
    const below = layers.length > 0 ? layers[layers.length - 1]!.device : null;
    const st = m.loadDriver(spec.name, (DriverObject) => {
      const dev = Out<DEVICE_OBJECT | null>(null);
      const s = IoCreateDevice(DriverObject, 0, below ? null : `\\Device\\${spec.name}`, FILE_DEVICE_UNKNOWN, 0, false, dev);
      if (s < 0) return s;
      const layer: Layer = { name: spec.name, device: dev.value!, lower: below ? IoAttachDeviceToDeviceStack(dev.value!, below) : null, driver: DriverObject };
      DriverObject.MajorFunction[IRP_MJ_INTERNAL_DEVICE_CONTROL] = (_d, irp) => spec.dispatch(layer, irp);
      layers.push(layer);
      return STATUS_SUCCESS;
    });
    expect(st).toBe(STATUS_SUCCESS);
  }
  return layers;
}

const skipDown: LayerDispatch = (self, irp) => {
  IoSkipCurrentIrpStackLocation(irp);
  return IoCallDriver(self.lower!, irp);
};
const completeHere = (status: NTSTATUS): LayerDispatch => (_self, irp) => complete(irp, status);

/** Build an internal IOCTL IRP for the top of the stack and send it from kernel code. */
function send(m: Machine, top: DEVICE_OBJECT, opts: { stackSize?: number; routine?: IO_COMPLETION_ROUTINE; arg?: unknown } = {}) {
  const owner = requester(m);
  return m.runInKernel(() => {
    const irp = IoAllocateIrp(opts.stackSize ?? top.StackSize, false)!;
    irp.Tail.Overlay.Thread = owner;
    const next = IoGetNextIrpStackLocation(irp);
    next.MajorFunction = IRP_MJ_INTERNAL_DEVICE_CONTROL;
    next.Parameters.Others.Argument1 = opts.arg ?? "arg";
    if (opts.routine) IoSetCompletionRoutine(irp, opts.routine, "caller-ctx", true, true, true);
    const status = IoCallDriver(top, irp);
    return { irp, status };
  });
}

describe("Io: IRP allocation", () => {
  it("IoAllocateIrp gives StackSize locations with none used yet; invalid sizes give NULL", () => {
    const m = boot();
    const r = m.runInKernel(() => {
      const irp = IoAllocateIrp(4, false)!;
      const out = { count: irp.StackCount, current: irp.CurrentLocation, remaining: IoGetRemainingStackLocations(irp), status: irp.IoStatus.Status };
      IoFreeIrp(irp);
      return { ...out, zero: IoAllocateIrp(0, false), huge: IoAllocateIrp(1000, false) };
    });
    expect(r).toEqual({ count: 4, current: 5, remaining: 4, status: 0, zero: null, huge: null });
  });

  it("a freed IRP comes back from IoAllocateIrp clean", () => {
    const m = boot();
    const r = m.runInKernel(() => {
      const a = IoAllocateIrp(2, false)!;
      a.IoStatus.Status = STATUS_UNSUCCESSFUL;
      a.Cancel = true;
      IoGetNextIrpStackLocation(a).MajorFunction = IRP_MJ_READ;
      IoFreeIrp(a);
      const b = IoAllocateIrp(2, false)!;
      return { same: a === b, status: b.IoStatus.Status, cancel: b.Cancel, major: IoGetNextIrpStackLocation(b).MajorFunction, current: b.CurrentLocation };
    });
    expect(r).toEqual({ same: true, status: 0, cancel: false, major: 0, current: 3 });
  });

  it("the checked flavor refuses IoFreeIrp on an IRP a driver still holds (0xC9, 0x20A)", () => {
    const m = boot({ flavor: "checked" });
    const [low] = loadStack(m, [{ name: "Holder", dispatch: (_s, irp) => (IoMarkIrpPending(irp), STATUS_PENDING) }]);
    const { irp, status } = send(m, low!.device);
    expect(status).toBe(STATUS_PENDING);
    const d = expectBugCheck(m, DRIVER_VERIFIER_IOMANAGER_VIOLATION, () => m.runInKernel(() => IoFreeIrp(irp)));
    expect(d.BugCheckParameter1).toBe(0x20a);
  });
});

describe("Io: stack locations and completion", () => {
  it("each driver gets its own stack location, top to bottom, with the parameters copied down", () => {
    const m = boot();
    const seen: { name: string; loc: number; arg: unknown; dev: boolean; sl: IO_STACK_LOCATION }[] = [];
    const copyDown: LayerDispatch = (self, irp) => {
      const sl = IoGetCurrentIrpStackLocation(irp);
      seen.push({ name: self.name, loc: irp.CurrentLocation, arg: sl.Parameters.Others.Argument1, dev: sl.DeviceObject === self.device, sl });
      IoCopyCurrentIrpStackLocationToNext(irp);
      return IoCallDriver(self.lower!, irp);
    };
    const layers = loadStack(m, [
      { name: "Bottom", dispatch: (self, irp) => {
        const sl = IoGetCurrentIrpStackLocation(irp);
        seen.push({ name: self.name, loc: irp.CurrentLocation, arg: sl.Parameters.Others.Argument1, dev: sl.DeviceObject === self.device, sl });
        return complete(irp, STATUS_SUCCESS);
      } },
      { name: "Middle", dispatch: copyDown },
      { name: "Top", dispatch: copyDown },
    ]);
    expect(layers.map((l) => l.device.StackSize)).toEqual([1, 2, 3]);
    const { status } = send(m, layers[2]!.device, { arg: "hello" });
    expect(status).toBe(STATUS_SUCCESS);
    expect(seen.map((s) => [s.name, s.loc, s.arg, s.dev])).toEqual([
      ["Top", 3, "hello", true],
      ["Middle", 2, "hello", true],
      ["Bottom", 1, "hello", true],
    ]);
    expect(new Set(seen.map((s) => s.sl)).size).toBe(3);
  });

  it("completion routines run in reverse stack order, each with the device of the driver that set it", () => {
    const m = boot();
    const order: string[] = [];
    const withRoutine: LayerDispatch = (self, irp) => {
      IoCopyCurrentIrpStackLocationToNext(irp);
      IoSetCompletionRoutine(irp, (dev, _irp, ctx) => {
        order.push(`${ctx} routine (device ${dev === self.device ? "mine" : "other"})`);
        return STATUS_SUCCESS;
      }, self.name, true, true, true);
      return IoCallDriver(self.lower!, irp);
    };
    const layers = loadStack(m, [
      { name: "Bottom", dispatch: (_s, irp) => (order.push("Bottom completes"), complete(irp, STATUS_SUCCESS)) },
      { name: "Middle", dispatch: withRoutine },
      { name: "Top", dispatch: withRoutine },
    ]);
    send(m, layers[2]!.device, {
      routine: (dev, _irp, ctx) => (order.push(`caller routine (${dev === null ? "no device" : "device"}, ${ctx})`), STATUS_MORE_PROCESSING_REQUIRED),
    });
    expect(order).toEqual([
      "Bottom completes",
      "Middle routine (device mine)",
      "Top routine (device mine)",
      "caller routine (no device, caller-ctx)",
    ]);
  });

  it("IoSkipCurrentIrpStackLocation hands the lower driver the same location, so a skipping layer needs none of its own", () => {
    const m = boot();
    const locs: IO_STACK_LOCATION[] = [];
    const layers = loadStack(m, [
      { name: "Bottom", dispatch: (_s, irp) => (locs.push(IoGetCurrentIrpStackLocation(irp)), complete(irp, STATUS_SUCCESS)) },
      { name: "Skipper", dispatch: (s, irp) => (locs.push(IoGetCurrentIrpStackLocation(irp)), skipDown(s, irp)) },
    ]);
    // One location is enough for a two-driver stack when the upper one skips.
    const { status } = send(m, layers[1]!.device, { stackSize: 1 });
    expect(status).toBe(STATUS_SUCCESS);
    expect(locs).toHaveLength(2);
    expect(locs[0]).toBe(locs[1]);
  });

  it("IoCopyCurrentIrpStackLocationToNext copies the parameters but not the completion routine, context or control", () => {
    const m = boot();
    let next: { arg: unknown; major: number; routine: unknown; ctx: unknown; control: number } | null = null;
    const layers = loadStack(m, [
      { name: "Bottom", dispatch: completeHere(STATUS_SUCCESS) },
      { name: "Copier", dispatch: (s, irp) => {
        IoCopyCurrentIrpStackLocationToNext(irp);
        const n = IoGetNextIrpStackLocation(irp);
        next = { arg: n.Parameters.Others.Argument1, major: n.MajorFunction, routine: n.CompletionRoutine, ctx: n.Context, control: n.Control };
        return IoCallDriver(s.lower!, irp);
      } },
    ]);
    send(m, layers[1]!.device, { arg: 99, routine: () => STATUS_MORE_PROCESSING_REQUIRED });
    expect(next).toEqual({ arg: 99, major: IRP_MJ_INTERNAL_DEVICE_CONTROL, routine: null, ctx: null, control: 0 });
  });

  it("a completion routine runs only for the outcomes its InvokeOn flags name", () => {
    const cases: [string, NTSTATUS, boolean, [boolean, boolean, boolean], boolean][] = [
      ["success, on success", STATUS_SUCCESS, false, [true, false, false], true],
      ["error, on success only", STATUS_UNSUCCESSFUL, false, [true, false, false], false],
      ["error, on error", STATUS_UNSUCCESSFUL, false, [false, true, false], true],
      ["success, on error only", STATUS_SUCCESS, false, [false, true, false], false],
      ["cancelled, on cancel only", STATUS_CANCELLED, true, [false, false, true], true],
      ["cancelled status without Irp->Cancel, on cancel only", STATUS_CANCELLED, false, [false, false, true], false],
    ];
    for (const [label, status, cancel, [s, e, c], expected] of cases) {
      const m = boot();
      let called = false;
      const layers = loadStack(m, [
        { name: "Bottom", dispatch: (_x, irp) => {
          if (cancel) irp.Cancel = true;
          return complete(irp, status);
        } },
        { name: "Filter", dispatch: (self, irp) => {
          IoCopyCurrentIrpStackLocationToNext(irp);
          IoSetCompletionRoutine(irp, () => ((called = true), STATUS_SUCCESS), null, s, e, c);
          return IoCallDriver(self.lower!, irp);
        } },
      ]);
      const r = send(m, layers[1]!.device);
      expect(r.status, label).toBe(status);
      expect(called, label).toBe(expected);
    }
  });

  it("STATUS_MORE_PROCESSING_REQUIRED stops completion until the driver completes the IRP again", () => {
    const m = boot();
    const order: string[] = [];
    let held: IRP | null = null;
    const layers = loadStack(m, [
      { name: "Bottom", dispatch: completeHere(STATUS_SUCCESS) },
      { name: "Grabber", dispatch: (self, irp) => {
        IoCopyCurrentIrpStackLocationToNext(irp);
        IoSetCompletionRoutine(irp, (_d, i) => {
          order.push("grabber routine");
          held = i;
          return STATUS_MORE_PROCESSING_REQUIRED;
        }, null, true, true, true);
        IoCallDriver(self.lower!, irp);
        order.push("grabber dispatch returns");
        return STATUS_SUCCESS;
      } },
    ]);
    const { irp } = send(m, layers[1]!.device, { routine: () => (order.push("caller routine"), STATUS_MORE_PROCESSING_REQUIRED) });
    expect(order).toEqual(["grabber routine", "grabber dispatch returns"]);
    expect(held).toBe(irp);
    // The grabber finishes its work, then completes the IRP a second time: the walk goes on upward.
    m.runInKernel(() => {
      irp.IoStatus.Information = 5;
      IoCompleteRequest(irp, 0);
    });
    expect(order).toEqual(["grabber routine", "grabber dispatch returns", "caller routine"]);
    expect(irp.IoStatus.Information).toBe(5);
  });

  it("PendingReturned is set for a routine when a lower driver pended the IRP, and passes through layers without routines", () => {
    const m = boot();
    const seen: string[] = [];
    let pended: IRP | null = null;
    const dpc = new KDPC();
    const timer = new KTIMER();
    const layers = loadStack(m, [
      { name: "Bottom", dispatch: (_s, irp) => {
        IoMarkIrpPending(irp);
        pended = irp;
        KeSetTimer(timer, -2 * 10_000, dpc);
        return STATUS_PENDING;
      } },
      { name: "Skipper", dispatch: skipDown },
      { name: "Top", dispatch: (self, irp) => {
        IoCopyCurrentIrpStackLocationToNext(irp);
        IoSetCompletionRoutine(irp, (_d, i) => {
          seen.push(`top routine: PendingReturned=${i.PendingReturned}`);
          if (i.PendingReturned) IoMarkIrpPending(i);
          return STATUS_SUCCESS;
        }, null, true, true, true);
        const st = IoCallDriver(self.lower!, irp);
        seen.push(`top dispatch got ${st === STATUS_PENDING ? "STATUS_PENDING" : st}`);
        return st;
      } },
    ]);
    m.runInKernel(() => {
      KeInitializeTimer(timer);
      KeInitializeDpc(dpc, () => complete(pended!, STATUS_SUCCESS), null);
    });
    const { status } = send(m, layers[2]!.device, {
      routine: (_d, i) => (seen.push(`caller routine: PendingReturned=${i.PendingReturned}`), STATUS_MORE_PROCESSING_REQUIRED),
    });
    expect(status).toBe(STATUS_PENDING);
    expect(seen).toEqual(["top dispatch got STATUS_PENDING"]);
    m.run();
    expect(seen).toEqual(["top dispatch got STATUS_PENDING", "top routine: PendingReturned=true", "caller routine: PendingReturned=true"]);
  });

  it("PendingReturned is false when the IRP completed inside the call", () => {
    const m = boot();
    let pr: boolean | null = null;
    const layers = loadStack(m, [{ name: "Sync", dispatch: completeHere(STATUS_SUCCESS) }]);
    send(m, layers[0]!.device, { routine: (_d, i) => ((pr = i.PendingReturned), STATUS_MORE_PROCESSING_REQUIRED) });
    expect(pr).toBe(false);
  });

  it("completing an IRP twice is MULTIPLE_IRP_COMPLETE_REQUESTS (0x44)", () => {
    for (const flavor of ["checked", "free"] as const) {
      const m = boot({ flavor });
      const layers = loadStack(m, [{ name: "Twice", dispatch: (_s, irp) => {
        complete(irp, STATUS_SUCCESS);
        return complete(irp, STATUS_SUCCESS);
      } }]);
      let addr = 0;
      const owner = requester(m);
      const d = expectBugCheck(m, MULTIPLE_IRP_COMPLETE_REQUESTS, () =>
        m.runInKernel(() => {
          const irp = IoAllocateIrp(1, false)!;
          irp.Tail.Overlay.Thread = owner;
          addr = irp.address;
          IoGetNextIrpStackLocation(irp).MajorFunction = IRP_MJ_INTERNAL_DEVICE_CONTROL;
          IoCallDriver(layers[0]!.device, irp);
        }),
      );
      expect(d.BugCheckCode).toBe(0x44);
      expect(d.BugCheckParameter1).toBe(addr);
      expect(d.driver).toBe("Twice.sys");
    }
  });

  it("forwarding without a stack location left is NO_MORE_IRP_STACK_LOCATIONS (0x35)", () => {
    // The upper driver forgets IoSkipCurrentIrpStackLocation / IoCopy...ToNext, and the IRP has one location only.
    const m = boot();
    const layers = loadStack(m, [
      { name: "Bottom", dispatch: completeHere(STATUS_SUCCESS) },
      { name: "Forgetful", dispatch: (s, irp) => IoCallDriver(s.lower!, irp) },
    ]);
    const d = expectBugCheck(m, NO_MORE_IRP_STACK_LOCATIONS, () => send(m, layers[1]!.device, { stackSize: 1 }));
    expect(d.BugCheckCode).toBe(0x35);
    expect(d.driver).toBe("Forgetful.sys");
  });

  it("copying to the next location of an IRP allocated too small is NO_MORE_IRP_STACK_LOCATIONS (0x35)", () => {
    const m = boot();
    const layers = loadStack(m, [
      { name: "Bottom", dispatch: completeHere(STATUS_SUCCESS) },
      { name: "Copier", dispatch: (s, irp) => {
        IoCopyCurrentIrpStackLocationToNext(irp);
        return IoCallDriver(s.lower!, irp);
      } },
    ]);
    const d = expectBugCheck(m, NO_MORE_IRP_STACK_LOCATIONS, () => send(m, layers[1]!.device, { stackSize: 1 }));
    expect(d.driver).toBe("Copier.sys");
  });
});

describe("Io: IRPs built for kernel callers", () => {
  const IOCTL_INC = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS);

  /** A driver whose IOCTL pends and, `delayMs` later, a DPC adds one to every input byte and completes it. */
  function asyncDriver(m: Machine, delayMs: number) {
    const st = { irp: null as IRP | null, dpc: new KDPC(), timer: new KTIMER(), dispatched: 0 };
    const drv = tinyDriver({
      name: "Async",
      init: () => {
        KeInitializeTimer(st.timer);
        KeInitializeDpc(st.dpc, () => {
          const irp = st.irp!;
          const n = IoGetCurrentIrpStackLocation(irp).Parameters.DeviceIoControl.InputBufferLength;
          const sb = irp.AssociatedIrp.SystemBuffer;
          WriteBytes(sb, ReadBytes(sb, n).map((b) => b + 1));
          complete(irp, STATUS_SUCCESS, n);
        }, null);
      },
      dispatch: {
        [IRP_MJ_DEVICE_CONTROL]: (_d, irp) => {
          st.dispatched++;
          if (delayMs === 0) {
            const n = IoGetCurrentIrpStackLocation(irp).Parameters.DeviceIoControl.InputBufferLength;
            const sb = irp.AssociatedIrp.SystemBuffer;
            WriteBytes(sb, ReadBytes(sb, n).map((b) => b + 1));
            return complete(irp, STATUS_SUCCESS, n);
          }
          IoMarkIrpPending(irp);
          st.irp = irp;
          KeSetTimer(st.timer, -delayMs * 10_000, st.dpc);
          return STATUS_PENDING;
        },
      },
    });
    expect(m.loadDriver("async", drv.DriverEntry)).toBe(STATUS_SUCCESS);
    return { drv, st };
  }

  function ioctlFromThread(m: Machine, dev: DEVICE_OBJECT, log: string[]) {
    let out: number[] = [];
    const iosb = new IO_STATUS_BLOCK();
    m.runInKernel(() => {
      PsCreateSystemThread(Out(0), 0, null, null, null, function* () {
        const inBuf = ExAllocatePool2(POOL_FLAG_NON_PAGED, 4, TAG);
        const outBuf = ExAllocatePool2(POOL_FLAG_NON_PAGED, 4, TAG);
        WriteBytes(inBuf, [1, 2, 3, 4]);
        const ev = new KEVENT();
        KeInitializeEvent(ev, NotificationEvent, false);
        const irp = IoBuildDeviceIoControlRequest(IOCTL_INC, dev, inBuf, 4, outBuf, 4, false, ev, iosb)!;
        let status = IoCallDriver(dev, irp);
        log.push(`IoCallDriver: ${status === STATUS_PENDING ? "STATUS_PENDING" : status}@${m.now}`);
        if (status === STATUS_PENDING) {
          yield* KeWaitForSingleObject(ev, Executive, KernelMode, false, null);
          status = iosb.Status;
        }
        log.push(`done: ${status}, ${iosb.Information} bytes@${m.now}`);
        out = [...ReadBytes(outBuf, 4)];
      }, null);
    });
    m.run();
    return () => out;
  }

  it("IoBuildDeviceIoControlRequest from a system thread: the driver pends, a DPC completes, the thread's event wait returns", () => {
    const m = boot();
    const { drv } = asyncDriver(m, 6);
    const log: string[] = [];
    const out = ioctlFromThread(m, drv.device!, log);
    expect(log).toEqual(["IoCallDriver: STATUS_PENDING@0", "done: 0, 4 bytes@6"]);
    expect(out()).toEqual([2, 3, 4, 5]);
  });

  it("IoBuildDeviceIoControlRequest completed inside the call returns the status without a wait", () => {
    const m = boot();
    const { drv } = asyncDriver(m, 0);
    const log: string[] = [];
    const out = ioctlFromThread(m, drv.device!, log);
    expect(log).toEqual(["IoCallDriver: 0@0", "done: 0, 4 bytes@0"]);
    expect(out()).toEqual([2, 3, 4, 5]);
  });

  it("IoBuildSynchronousFsdRequest sends reads and writes through the device's system buffer", () => {
    const m = boot();
    const written: number[][] = [];
    const drv = tinyDriver({
      name: "Fsd",
      flags: DO_BUFFERED_IO,
      dispatch: {
        [IRP_MJ_READ]: (_d, irp) => {
          const sl = IoGetCurrentIrpStackLocation(irp);
          WriteBytes(irp.AssociatedIrp.SystemBuffer, new Array(sl.Parameters.Read.Length).fill(0x5a));
          return complete(irp, STATUS_SUCCESS, sl.Parameters.Read.Length);
        },
        [IRP_MJ_WRITE]: (_d, irp) => {
          const sl = IoGetCurrentIrpStackLocation(irp);
          written.push([...ReadBytes(irp.AssociatedIrp.SystemBuffer, sl.Parameters.Write.Length)]);
          return complete(irp, STATUS_SUCCESS, sl.Parameters.Write.Length);
        },
      },
    });
    m.loadDriver("fsd", drv.DriverEntry);
    const results: string[] = [];
    let readBack: number[] = [];
    m.runInKernel(() => {
      PsCreateSystemThread(Out(0), 0, null, null, null, function* () {
        const buf = ExAllocatePool2(POOL_FLAG_NON_PAGED, 8, TAG);
        for (const [major, fill] of [[IRP_MJ_WRITE, [7, 7, 7]], [IRP_MJ_READ, null]] as const) {
          if (fill) WriteBytes(buf, fill);
          const ev = new KEVENT();
          KeInitializeEvent(ev, NotificationEvent, false);
          const iosb = new IO_STATUS_BLOCK();
          const irp = IoBuildSynchronousFsdRequest(major, drv.device!, buf, 3, 0, ev, iosb)!;
          let st = IoCallDriver(drv.device!, irp);
          if (st === STATUS_PENDING) st = (yield* KeWaitForSingleObject(ev, Executive, KernelMode, false, null), iosb.Status);
          results.push(`${major === IRP_MJ_READ ? "read" : "write"}: ${st}/${iosb.Information}`);
        }
        readBack = [...ReadBytes(buf, 4)];
      }, null);
    });
    m.run();
    expect(results).toEqual(["write: 0/3", "read: 0/3"]);
    expect(written).toEqual([[7, 7, 7]]);
    expect(readBack).toEqual([0x5a, 0x5a, 0x5a, 0]);
  });
});

describe("Io: the I/O verifier (checked flavor only)", () => {
  const pendsUnmarked: LayerDispatch = () => STATUS_PENDING;
  const raisesIrql: LayerDispatch = (_s, irp) => {
    KeRaiseIrql(DISPATCH_LEVEL, Out<KIRQL>(0));
    return complete(irp, STATUS_SUCCESS);
  };

  it("STATUS_PENDING without IoMarkIrpPending is DRIVER_VERIFIER_IOMANAGER_VIOLATION 0x23D, blaming the driver", () => {
    const m = boot({ flavor: "checked" });
    const [layer] = loadStack(m, [{ name: "NoMark", dispatch: pendsUnmarked }]);
    const d = expectBugCheck(m, DRIVER_VERIFIER_IOMANAGER_VIOLATION, () => send(m, layer!.device));
    expect(d.BugCheckCode).toBe(0xc9);
    expect(d.BugCheckParameter1).toBe(0x23d);
    // The "WDM DRIVER ERROR" form of https://learn.microsoft.com/windows-hardware/drivers/debugger/bug-check-0xc9--driver-verifier-iomanager-violation:
    // P3 the IRP, P4 the device object.
    expect(d.BugCheckParameter3).not.toBe(0);
    expect(d.BugCheckParameter4).toBe(layer!.device.address);
    expect(d.driver).toBe("NoMark.sys");
    expect(d.explanation).toMatch(/IoMarkIrpPending/);
  });

  it("the same request from a client thread is caught before the client waits", () => {
    const m = boot({ flavor: "checked" });
    const drv = tinyDriver({ name: "NoMark2", dispatch: { [IRP_MJ_READ]: () => STATUS_PENDING } });
    m.loadDriver("nomark2", drv.DriverEntry);
    const c = client(m);
    const { handle } = open(m, c, "\\??\\NoMark2");
    const buf = userAlloc(m, c);
    const d = expectBugCheck(m, DRIVER_VERIFIER_IOMANAGER_VIOLATION, () =>
      m.syscall(c.thread, () => NtReadFile(handle, 0, null, null, new IO_STATUS_BLOCK(), buf, 4, null, 0)),
    );
    expect(d.BugCheckParameter1).toBe(0x23d);
  });

  it("a dispatch routine that returns at another IRQL than it was called at is 0xC9 subcode 0x05", () => {
    const m = boot({ flavor: "checked" });
    const [layer] = loadStack(m, [{ name: "Raiser", dispatch: raisesIrql }]);
    const d = expectBugCheck(m, DRIVER_VERIFIER_IOMANAGER_VIOLATION, () => send(m, layer!.device));
    expect(d.BugCheckParameter1).toBe(0x05);
    // As https://learn.microsoft.com/windows-hardware/drivers/debugger/bug-check-0xc9--driver-verifier-iomanager-violation
    // documents: P2 the device object of the offending driver, P3 the IRQL before IoCallDriver, P4 the IRQL after.
    expect(d.BugCheckParameter2).toBe(layer!.device.address);
    expect(d.BugCheckParameter3).toBe(PASSIVE_LEVEL);
    expect(d.BugCheckParameter4).toBe(DISPATCH_LEVEL);
    expect(d.driver).toBe("Raiser.sys");
  });

  it("the free flavor checks neither rule", () => {
    const m = boot({ flavor: "free" });
    const layers = loadStack(m, [{ name: "NoMark", dispatch: pendsUnmarked }]);
    const raiser = loadStack(m, [{ name: "Raiser", dispatch: raisesIrql }]);
    expect(send(m, layers[0]!.device).status).toBe(STATUS_PENDING);
    const owner = requester(m);
    const irql = m.runInKernel(() => {
      const irp = IoAllocateIrp(1, false)!;
      irp.Tail.Overlay.Thread = owner;
      IoGetNextIrpStackLocation(irp).MajorFunction = IRP_MJ_INTERNAL_DEVICE_CONTROL;
      const st = IoCallDriver(raiser[0]!.device, irp);
      const after = KeGetCurrentIrql();
      KeLowerIrql(PASSIVE_LEVEL);
      return [st, after];
    });
    expect(irql).toEqual([STATUS_SUCCESS, DISPATCH_LEVEL]);
    expect(m.stopped).toBe(false);
  });
});

describe("IoBuildAsynchronousFsdRequest", () => {
  it("records the calling thread in Tail.Overlay.Thread, as IoBuildSynchronousFsdRequest does", () => {
    const m = boot();
    const seen: unknown[] = [];
    const drv = tinyDriver({ name: "AsyncFsd" });
    expect(m.loadDriver("AsyncFsd", drv.DriverEntry)).toBe(STATUS_SUCCESS);
    m.runInKernel(() => {
      PsCreateSystemThread(Out(0), 0, null, null, null, function* Builder() {
        const irp = IoBuildAsynchronousFsdRequest(IRP_MJ_WRITE, drv.device!, 0, 0, null, null)!;
        seen.push(irp.Tail.Overlay.Thread, PsGetCurrentThread());
        IoFreeIrp(irp);
        yield* [];
      }, null);
    });
    m.run();
    expect(seen[0]).not.toBeNull();
    expect(seen[0]).toBe(seen[1]);
  });
});
