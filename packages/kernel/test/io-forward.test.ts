import { describe, expect, it } from "vitest";
import {
  boot, DISPATCH_LEVEL, DRIVER_VERIFIER_DETECTED_VIOLATION, Executive, FILE_DEVICE_UNKNOWN, FILE_READ_DATA, IO_NO_INCREMENT, IoAllocateIrp,
  IoAttachDeviceToDeviceStack, IoCallDriver, IoCompleteRequest, IoCreateDevice, IoForwardIrpSynchronously, IoFreeIrp,
  IoGetCurrentIrpStackLocation, IoGetDeviceObjectPointer, IoGetNextIrpStackLocation, IoMarkIrpPending, IoSetCompletionRoutine,
  IoSkipCurrentIrpStackLocation, IRP_MJ_CLEANUP, IRP_MJ_CLOSE, IRP_MJ_CREATE, IRP_MJ_PNP, KDPC, KeGetCurrentIrql, KeInitializeDpc,
  KeInitializeEvent, KeInitializeTimer, KeLowerIrql, KeRaiseIrql, KernelMode, KeSetEvent, KeSetTimer, KeWaitForSingleObject, KEVENT, KTIMER,
  NotificationEvent, NT_SUCCESS, ObDereferenceObject, ObGetObjectPointerCount, Out, PASSIVE_LEVEL, STATUS_ACCESS_DENIED,
  STATUS_MORE_PROCESSING_REQUIRED, STATUS_NOT_SUPPORTED, STATUS_OBJECT_NAME_NOT_FOUND, STATUS_PENDING, STATUS_SUCCESS, STATUS_UNSUCCESSFUL,
  VF_RULE_IRQL_IO_PASSIVE5, type DEVICE_OBJECT, type DRIVER_DISPATCH, type FILE_OBJECT, type IRP, type KIRQL, type Machine, type NTSTATUS,
} from "../src/index.js";
import { complete, expectBugCheck, ms, startThread } from "./helpers.js";

/** The PnP minor code of a start request (wdm.h). */
const IRP_MN_START_DEVICE = 0x00;

interface StackSpec {
  /** How the lower driver answers, per major function: a status now, or pended and completed after `ms` with `status`. */
  lower: Partial<Record<number, { status: NTSTATUS; pendMs?: number }>>;
  /** The upper (filter) driver's routine per major function; by default it passes the IRP down. */
  upper?: (ctx: Stack) => Partial<Record<number, DRIVER_DISPATCH>>;
}

interface Stack {
  m: Machine;
  lower: DEVICE_OBJECT;
  upper: DEVICE_OBJECT;
  log: string[];
}

/** `\Device\Lower` with an unnamed filter device attached on top of it. */
function loadStack(m: Machine, spec: StackSpec): Stack {
  const ctx = { m, log: [] as string[] } as Stack;
  const timer = new KTIMER();
  const dpc = new KDPC();
  let pended: { irp: IRP; status: NTSTATUS } | null = null;
  expect(
    m.loadDriver("Lower", (DriverObject) => {
      const dev = Out<DEVICE_OBJECT | null>(null);
      const st = IoCreateDevice(DriverObject, 0, "\\Device\\Lower", FILE_DEVICE_UNKNOWN, 0, false, dev);
      if (!NT_SUCCESS(st)) return st;
      ctx.lower = dev.value!;
      KeInitializeTimer(timer);
      KeInitializeDpc(dpc, () => {
        const p = pended!;
        pended = null;
        ctx.log.push(`lower completes@${m.now}`);
        complete(p.irp, p.status);
      }, null);
      for (let mj = 0; mj < DriverObject.MajorFunction.length; mj++) {
        DriverObject.MajorFunction[mj] = (_d, irp) => {
          ctx.log.push(`lower:${mj}`);
          const how = spec.lower[mj] ?? { status: STATUS_SUCCESS };
          if (how.pendMs === undefined) return complete(irp, how.status);
          IoMarkIrpPending(irp);
          pended = { irp, status: how.status };
          KeSetTimer(timer, ms(how.pendMs), dpc);
          return STATUS_PENDING;
        };
      }
      return STATUS_SUCCESS;
    }),
  ).toBe(STATUS_SUCCESS);
  expect(
    m.loadDriver("Upper", (DriverObject) => {
      const dev = Out<DEVICE_OBJECT | null>(null);
      const st = IoCreateDevice(DriverObject, 0, null, FILE_DEVICE_UNKNOWN, 0, false, dev);
      if (!NT_SUCCESS(st)) return st;
      ctx.upper = dev.value!;
      IoAttachDeviceToDeviceStack(ctx.upper, ctx.lower);
      const own = spec.upper?.(ctx) ?? {};
      for (let mj = 0; mj < DriverObject.MajorFunction.length; mj++) {
        const mine = own[mj];
        DriverObject.MajorFunction[mj] = (d, irp) => {
          ctx.log.push(`upper:${mj}`);
          if (mine) return mine(d, irp);
          IoSkipCurrentIrpStackLocation(irp);
          return IoCallDriver(ctx.lower, irp);
        };
      }
      return STATUS_SUCCESS;
    }),
  ).toBe(STATUS_SUCCESS);
  return ctx;
}

/** The filter's start routine: forward and wait, then do its own part and complete. */
function forwardAndWaitStart(ctx: Stack): Partial<Record<number, DRIVER_DISPATCH>> {
  return {
    [IRP_MJ_PNP]: function* StartDevice(_d: DEVICE_OBJECT, Irp: IRP) {
      if (IoGetCurrentIrpStackLocation(Irp).MinorFunction !== IRP_MN_START_DEVICE) {
        IoSkipCurrentIrpStackLocation(Irp);
        return IoCallDriver(ctx.lower, Irp);
      }
      const forwarded = yield* IoForwardIrpSynchronously(ctx.lower, Irp);
      const status = forwarded ? Irp.IoStatus.Status : STATUS_UNSUCCESSFUL;
      ctx.log.push(`upper resumes forwarded:${forwarded} status:${status} irql:${KeGetCurrentIrql()}@${ctx.m.now}`);
      Irp.IoStatus.Status = status;
      IoCompleteRequest(Irp, IO_NO_INCREMENT);
      return status;
    },
  };
}

function onIrpDone(_d: DEVICE_OBJECT | null, _irp: IRP, Context: KEVENT): NTSTATUS {
  KeSetEvent(Context, IO_NO_INCREMENT, false);
  return STATUS_MORE_PROCESSING_REQUIRED;
}

/** A system thread sends IRP_MN_START_DEVICE to the top of the stack, as the PnP manager would, and waits for it. */
function sendStart(ctx: Stack, stackSize = ctx.upper.StackSize): void {
  const { m, log } = ctx;
  startThread(m, function* pnp() {
    const irp = IoAllocateIrp(stackSize, false)!;
    irp.IoStatus.Status = STATUS_NOT_SUPPORTED;
    const sl = IoGetNextIrpStackLocation(irp);
    sl.MajorFunction = IRP_MJ_PNP;
    sl.MinorFunction = IRP_MN_START_DEVICE;
    const done = new KEVENT();
    KeInitializeEvent(done, NotificationEvent, false);
    IoSetCompletionRoutine(irp, onIrpDone, done, true, true, true);
    const status = IoCallDriver(ctx.upper, irp);
    log.push(`IoCallDriver:${status === STATUS_PENDING ? "STATUS_PENDING" : status}@${m.now}`);
    yield* KeWaitForSingleObject(done, Executive, KernelMode, false, null);
    log.push(`start finished:${irp.IoStatus.Status}@${m.now}`);
    IoFreeIrp(irp);
  });
}

describe("Io: IoForwardIrpSynchronously", () => {
  it("a start routine forwards and waits while the lower driver pends, then finishes the IRP itself", () => {
    const m = boot();
    const ctx = loadStack(m, { lower: { [IRP_MJ_PNP]: { status: STATUS_SUCCESS, pendMs: 10 } }, upper: forwardAndWaitStart });
    sendStart(ctx);
    m.run();
    expect(ctx.log).toEqual([
      `upper:${IRP_MJ_PNP}`,
      `lower:${IRP_MJ_PNP}`,
      "IoCallDriver:STATUS_PENDING@0",
      "lower completes@10",
      `upper resumes forwarded:true status:0 irql:${PASSIVE_LEVEL}@10`,
      "start finished:0@10",
    ]);
  });

  it("when the lower driver completes at once, nothing waits and the status comes straight back", () => {
    const m = boot();
    const ctx = loadStack(m, { lower: { [IRP_MJ_PNP]: { status: STATUS_ACCESS_DENIED } }, upper: forwardAndWaitStart });
    sendStart(ctx);
    m.run();
    expect(ctx.log).toEqual([
      `upper:${IRP_MJ_PNP}`,
      `lower:${IRP_MJ_PNP}`,
      `upper resumes forwarded:true status:${STATUS_ACCESS_DENIED} irql:${PASSIVE_LEVEL}@0`,
      `IoCallDriver:${STATUS_ACCESS_DENIED}@0`,
      `start finished:${STATUS_ACCESS_DENIED}@0`,
    ]);
  });

  it("returns FALSE, sending nothing, when the IRP has no stack location left for the lower driver", () => {
    const m = boot();
    const ctx = loadStack(m, { lower: {}, upper: forwardAndWaitStart });
    sendStart(ctx, 1);
    m.run();
    expect(ctx.log).toEqual([
      `upper:${IRP_MJ_PNP}`,
      `upper resumes forwarded:false status:${STATUS_UNSUCCESSFUL} irql:${PASSIVE_LEVEL}@0`,
      `IoCallDriver:${STATUS_UNSUCCESSFUL}@0`,
      `start finished:${STATUS_UNSUCCESSFUL}@0`,
    ]);
  });
});

describe("Io: IoGetDeviceObjectPointer", () => {
  function connect(ctx: Stack, name: string, then?: (fo: FILE_OBJECT) => void) {
    const r = { status: -1, device: null as DEVICE_OBJECT | null, file: null as FILE_OBJECT | null, refs: 0 };
    startThread(ctx.m, function* connector() {
      const fo = Out<FILE_OBJECT | null>(null);
      const dev = Out<DEVICE_OBJECT | null>(null);
      r.status = yield* IoGetDeviceObjectPointer(name, FILE_READ_DATA, fo, dev);
      ctx.log.push(`connected:${r.status}@${ctx.m.now}`);
      r.device = dev.value;
      r.file = fo.value;
      if (fo.value !== null) {
        r.refs = ObGetObjectPointerCount(fo.value);
        then?.(fo.value);
      }
    });
    return r;
  }

  it("opens the named device from a system thread: the top of its stack and a referenced file object; create and cleanup now, close at the last dereference", () => {
    const m = boot();
    const ctx = loadStack(m, { lower: {} });
    let release = (): void => {};
    const r = connect(ctx, "\\Device\\Lower", (fo) => {
      release = () => m.runInKernel(() => ObDereferenceObject(fo));
    });
    m.run();
    expect(r.status).toBe(STATUS_SUCCESS);
    expect(r.device).toBe(ctx.upper);
    expect(r.file!.DeviceObject).toBe(ctx.lower);
    expect(r.refs).toBe(1);
    expect(ctx.log).toEqual([`upper:${IRP_MJ_CREATE}`, `lower:${IRP_MJ_CREATE}`, `upper:${IRP_MJ_CLEANUP}`, `lower:${IRP_MJ_CLEANUP}`, "connected:0@0"]);
    release();
    m.run();
    expect(ctx.log.slice(5)).toEqual([`upper:${IRP_MJ_CLOSE}`, `lower:${IRP_MJ_CLOSE}`]);
    expect(ctx.lower.openCount).toBe(0);
  });

  it("waits for a create the driver pends", () => {
    const m = boot();
    const ctx = loadStack(m, { lower: { [IRP_MJ_CREATE]: { status: STATUS_SUCCESS, pendMs: 10 } } });
    const r = connect(ctx, "\\Device\\Lower");
    m.run();
    expect(r.status).toBe(STATUS_SUCCESS);
    expect(ctx.log).toEqual([`upper:${IRP_MJ_CREATE}`, `lower:${IRP_MJ_CREATE}`, "lower completes@10", `upper:${IRP_MJ_CLEANUP}`, `lower:${IRP_MJ_CLEANUP}`, "connected:0@10"]);
  });

  it("a create the driver fails, pended or not, is the status, with no file object and no cleanup or close", () => {
    for (const pendMs of [undefined, 5]) {
      const m = boot();
      const ctx = loadStack(m, { lower: { [IRP_MJ_CREATE]: { status: STATUS_ACCESS_DENIED, pendMs } } });
      const r = connect(ctx, "\\Device\\Lower");
      m.run();
      expect([r.status, r.device, r.file]).toEqual([STATUS_ACCESS_DENIED, null, null]);
      expect(ctx.log.filter((l) => l.endsWith(`:${IRP_MJ_CLEANUP}`) || l.endsWith(`:${IRP_MJ_CLOSE}`))).toEqual([]);
      expect(ctx.lower.openCount).toBe(0);
    }
  });

  it("a name that resolves to nothing is STATUS_OBJECT_NAME_NOT_FOUND", () => {
    const m = boot();
    const ctx = loadStack(m, { lower: {} });
    const r = connect(ctx, "\\Device\\Nobody");
    m.run();
    expect(r.status).toBe(STATUS_OBJECT_NAME_NOT_FOUND);
  });

  it("above PASSIVE_LEVEL the checked flavor stops the machine (0xC4, 0x2000E: IrqlIoPassive5)", () => {
    const m = boot();
    loadStack(m, { lower: {} });
    startThread(m, function* raised() {
      const old = Out<KIRQL>(0);
      KeRaiseIrql(DISPATCH_LEVEL, old);
      yield* IoGetDeviceObjectPointer("\\Device\\Lower", FILE_READ_DATA, Out<FILE_OBJECT | null>(null), Out<DEVICE_OBJECT | null>(null));
      KeLowerIrql(old.value);
    });
    const d = expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, () => m.run());
    expect([d.BugCheckParameter1, d.BugCheckParameter2]).toEqual([VF_RULE_IRQL_IO_PASSIVE5, DISPATCH_LEVEL]);
  });
});
