import { cur } from "../context.js";
import { KeBugCheckEx } from "../ke/bugcheck.js";
import { DRIVER_POWER_STATE_FAILURE } from "../ke/bugcheck-codes.js";
import { KDPC, KeInitializeDpc } from "../ke/dpc.js";
import { KTIMER, KeCancelTimer, KeInitializeTimer, KeSetTimer } from "../ke/timer.js";
import { formatAddress } from "../mm/layout.js";
import { POOL_TAG } from "../mm/pool.js";
import type { DEVICE_OBJECT } from "../io/device.js";
import type { IRP } from "../io/irp.js";
import {
  DevicePowerStateNames, IRP_MN_WAIT_WAKE, PowerDeviceUnspecified, PowerMinorNames, PowerSystemUnspecified, PowerSystemWorking, SystemPowerState,
  SystemPowerStateNames, type DEVICE_POWER_STATE, type SYSTEM_POWER_STATE,
} from "./power-state.js";

/** 0x9F's Parameter 1: a device object freed with a power IRP outstanding. */
export const POP_9F_FREED_WITH_POWER_IRP = 0x1;
/** 0x9F's Parameter 1: a device object has been blocking a power IRP for too long. */
export const POP_9F_IRP_BLOCKED = 0x3;

/** A device stack the power manager sends system power IRPs to (the PnP manager registers each started one). */
export interface PopDeviceStack {
  /** The stack's bottom device object (its PDO); IRPs go to the top of its stack. */
  readonly pdo: DEVICE_OBJECT;
  /** The parent device's PDO, if known: children sleep before and wake after their parents. */
  readonly parent: DEVICE_OBJECT | null;
  /** Registration order: among stacks with no known relation, the latest sleeps first. */
  readonly seq: number;
}

/** A power IRP the watchdog watches, from when it is sent until it completes. */
export class PopWatchedIrp {
  readonly timer = new KTIMER();
  readonly dpc = new KDPC();
  /** Machine time (100 ns) by which the IRP must complete. */
  deadline = 0;
  constructor(
    readonly irp: IRP,
    /** The physical device object of the stack the IRP was sent to (0x9F's Parameter 2). */
    readonly pdo: DEVICE_OBJECT,
  ) {}
}

/** The pool tag of idle counters. */
export const POP_IDLE_TAG = POOL_TAG("PoId");

/** A device registered for idle detection (idle.ts). */
export class PopIdleDevice {
  watching = true;
  constructor(
    readonly DeviceObject: DEVICE_OBJECT,
    readonly counter: number,
    readonly seconds: number,
    readonly State: DEVICE_POWER_STATE,
  ) {}
}

/** The power manager's idle poll: one periodic timer per machine while any device is watched. */
export class PopIdlePoll {
  readonly devices = new Map<DEVICE_OBJECT, PopIdleDevice>();
  readonly timer = new KTIMER();
  readonly dpc = new KDPC();
  running = false;
}

/**
 * The power manager's per-machine state: the registered device stacks, the system power
 * state, each device object's recorded power states (PoSetPowerState) and the watchdog
 * over outstanding power IRPs.
 */
export class PowerManager {
  /**
   * How long a driver may hold a power IRP (other than WAIT_WAKE) before the watchdog
   * stops the machine with 0x9F/3. Windows' debugger says "usually 10 minutes"; this is
   * machine time, so under the virtual clock it costs nothing to wait out.
   */
  watchdogSeconds = 600;
  /** The system power state: S0 while working, the Sx a sleep reached. */
  systemState: SYSTEM_POWER_STATE = PowerSystemWorking;
  /** A transition is under way (sleep or wake). */
  transitioning = false;
  /** The registered stacks by PDO: O(1) to add and remove, as the PnP manager does per device. */
  readonly stacks = new Map<DEVICE_OBJECT, PopDeviceStack>();
  private stackSeq = 0;
  readonly watched = new Set<PopWatchedIrp>();
  /** Devices registered for idle detection, and the poll that watches them (idle.ts). */
  readonly idle = new PopIdlePoll();
  /** WAIT_WAKE IRPs PoRequestPowerIrp sent and not yet completed. */
  readonly waitWakes = new Set<IRP>();
  /** The action of the last sleep, repeated in the S0 IRPs that end it. */
  action = 0;
  /** What PoSetPowerState recorded (DEVOBJ_EXTENSION's power flags on Windows). */
  private readonly deviceStates = new WeakMap<DEVICE_OBJECT, number>();
  private readonly systemStates = new WeakMap<DEVICE_OBJECT, number>();

  /**
   * Register a started device stack by its PDO (the PnP manager's hook; hosts and tests use
   * it directly until PnP enumerates devices). `parent` is the parent device node's PDO.
   */
  registerDeviceStack(pdo: DEVICE_OBJECT, parent: DEVICE_OBJECT | null = null): void {
    if (this.stacks.has(pdo)) return;
    this.stacks.set(pdo, { pdo, parent, seq: this.stackSeq++ });
  }

  unregisterDeviceStack(pdo: DEVICE_OBJECT): void {
    this.stacks.delete(pdo);
  }

  /**
   * The order system IRPs go out in to sleep: children before parents, and among stacks
   * with no known relation, the latest registered first (the PnP manager registers a
   * parent before its children). Waking goes in the reverse order.
   */
  sleepOrder(): DEVICE_OBJECT[] {
    const depths = new Map<DEVICE_OBJECT, number>();
    const depth = (s: PopDeviceStack): number => {
      const known = depths.get(s.pdo);
      if (known !== undefined) return known;
      const parent = s.parent !== null ? this.stacks.get(s.parent) : undefined;
      // A registered parent one level up (a cycle cannot form: a PDO's parent is started first).
      depths.set(s.pdo, 0);
      const d = parent === undefined ? 0 : depth(parent) + 1;
      depths.set(s.pdo, d);
      return d;
    };
    const order = [...this.stacks.values()].map((s) => ({ pdo: s.pdo, depth: depth(s), seq: s.seq }));
    order.sort((a, b) => b.depth - a.depth || b.seq - a.seq);
    return order.map((o) => o.pdo);
  }

  deviceState(DeviceObject: DEVICE_OBJECT): DEVICE_POWER_STATE {
    return this.deviceStates.get(DeviceObject) ?? PowerDeviceUnspecified;
  }

  setDeviceState(DeviceObject: DEVICE_OBJECT, State: DEVICE_POWER_STATE): DEVICE_POWER_STATE {
    const was = this.deviceState(DeviceObject);
    this.deviceStates.set(DeviceObject, State);
    return was;
  }

  systemStateOf(DeviceObject: DEVICE_OBJECT): SYSTEM_POWER_STATE {
    return this.systemStates.get(DeviceObject) ?? PowerSystemUnspecified;
  }

  setSystemStateOf(DeviceObject: DEVICE_OBJECT, State: SYSTEM_POWER_STATE): SYSTEM_POWER_STATE {
    const was = this.systemStateOf(DeviceObject);
    this.systemStates.set(DeviceObject, State);
    return was;
  }

  /** Outstanding watched power IRPs sent to `pdo`'s stack. */
  watchedFor(pdo: DEVICE_OBJECT): PopWatchedIrp[] {
    return [...this.watched].filter((w) => w.pdo === pdo);
  }
}

/** The bottom of `DeviceObject`'s stack: the PDO, for a stack the PnP manager built. */
export function PopPhysicalDeviceObject(DeviceObject: DEVICE_OBJECT): DEVICE_OBJECT {
  let d = DeviceObject;
  while (d.AttachedTo !== null) d = d.AttachedTo;
  return d;
}

/**
 * Start the watchdog on a power IRP about to be sent to `pdo`'s stack. WAIT_WAKE is not
 * watched: a driver holds it, by design, until the device signals wake.
 */
export function PopWatchIrp(Irp: IRP, pdo: DEVICE_OBJECT, MinorFunction: number): PopWatchedIrp | null {
  if (MinorFunction === IRP_MN_WAIT_WAKE) return null;
  const m = cur;
  const po = m.po;
  const w = new PopWatchedIrp(Irp, pdo);
  // The watchdog belongs to the kernel, not to the driver whose call sent the IRP.
  const cpu = m.cpu;
  const prev = cpu.driver;
  cpu.driver = null;
  KeInitializeTimer(w.timer);
  KeInitializeDpc(w.dpc, PopWatchdogDpc, w);
  w.deadline = m.clock.now() + po.watchdogSeconds * 10_000_000;
  KeSetTimer(w.timer, w.deadline, w.dpc);
  cpu.driver = prev;
  po.watched.add(w);
  return w;
}

/** The watched IRP completed: stop its watchdog. */
export function PopUnwatchIrp(w: PopWatchedIrp | null): void {
  if (w === null) return;
  KeCancelTimer(w.timer);
  cur.po.watched.delete(w);
}

/**
 * The watchdog fired: the IRP is still held. 0x9F/3 as Windows' PopIrpWatchdogBugcheck
 * raises it: P2 the stack's PDO, P3 nt!TRIAGE_9F_POWER (on Windows before 7, the stack's
 * FDO) — we have no triage block, so P3 is the device object whose driver holds the IRP —
 * and P4 the blocked IRP. The holder's driver is blamed.
 */
function PopWatchdogDpc(_Dpc: KDPC, w: PopWatchedIrp): void {
  const po = cur.po;
  if (!po.watched.has(w)) return;
  const Irp = w.irp;
  const sl = Irp.CurrentLocation <= Irp.StackCount ? Irp.Stack[Irp.CurrentLocation - 1]! : null;
  const holder = sl !== null ? sl.DeviceObject : null;
  const what = sl !== null ? describePowerIrp(sl.MinorFunction, sl.Parameters.a2, sl.Parameters.a3) : "power IRP";
  KeBugCheckEx(
    DRIVER_POWER_STATE_FAILURE, POP_9F_IRP_BLOCKED, w.pdo.address, holder !== null ? holder.address : 0, Irp.address,
    `${holder !== null ? holder.DriverObject.DriverName : "A driver"} has held the ${what} at ${formatAddress(Irp.address)} for ${po.watchdogSeconds} seconds without completing it or passing it down.`,
    holder !== null ? holder.DriverObject : null,
  );
}

/** "SET_POWER (S3)", "QUERY_POWER (D3)", for messages. */
export function describePowerIrp(MinorFunction: number, Type: number, State: number): string {
  const minor = PowerMinorNames[MinorFunction] ?? `0x${MinorFunction.toString(16)}`;
  if (MinorFunction === IRP_MN_WAIT_WAKE) return `IRP_MN_${minor}`;
  const state = Type === SystemPowerState ? SystemPowerStateNames[State] : DevicePowerStateNames[State];
  return `IRP_MN_${minor} (${state ?? State})`;
}

/**
 * A device object is being freed (its last reference went): if a power IRP the power
 * manager sent is still outstanding at it — sent to its stack and not completed, or held
 * by it — that is 0x9F/1 (P2 the device object; P3 and P4 reserved, 0).
 */
export function PopDeviceObjectFreed(DeviceObject: DEVICE_OBJECT): void {
  const m = cur;
  const po = m.po;
  const idle = po.idle.devices.get(DeviceObject);
  if (idle !== undefined) {
    // Its idle registration ends with it; the counter goes back to the pool.
    po.idle.devices.delete(DeviceObject);
    m.mm.kernelCode++;
    m.mm.pool.free_(idle.counter, POP_IDLE_TAG);
    m.mm.kernelCode--;
  }
  let found: IRP | null = null;
  for (const w of po.watched) if (w.pdo === DeviceObject || PopIrpReachedDevice(w.irp, DeviceObject)) found = w.irp;
  for (const irp of po.waitWakes) if (PopIrpReachedDevice(irp, DeviceObject)) found = irp;
  if (found === null) return;
  KeBugCheckEx(DRIVER_POWER_STATE_FAILURE, POP_9F_FREED_WITH_POWER_IRP, DeviceObject.address, 0, 0,
    `The device object ${formatAddress(DeviceObject.address)} of ${DeviceObject.DriverObject.DriverName} was freed while the power IRP at ${formatAddress(found.address)} was still outstanding in its stack.`,
    DeviceObject.DriverObject);
}

/** The IRP, not yet completed, has been passed to `DeviceObject` (at or above its current location). */
function PopIrpReachedDevice(Irp: IRP, DeviceObject: DEVICE_OBJECT): boolean {
  for (let i = Irp.CurrentLocation; i <= Irp.StackCount; i++) if (Irp.Stack[i - 1]!.DeviceObject === DeviceObject) return true;
  return false;
}
