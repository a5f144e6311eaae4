import { QueryFileParameters, SetFileParameters } from "./file-information.js";
import { cur } from "../context.js";
import { KeBugCheckEx } from "../ke/bugcheck.js";
import { DRIVER_VERIFIER_IOMANAGER_VIOLATION, IOMGR_FREE_IRP_IN_USE, NO_MORE_IRP_STACK_LOCATIONS } from "../ke/bugcheck-codes.js";
import type { KEVENT } from "../ke/dispatcher.js";
import { KDEVICE_QUEUE_ENTRY } from "../ke/device-queue.js";
import { LIST_ENTRY } from "../rtl/list-entry.js";
import type { KTHREAD } from "../ps/process.js";
import type { NTSTATUS } from "../ntstatus.js";
import { IO_TYPE_IRP, SL_INVOKE_ON_CANCEL, SL_INVOKE_ON_ERROR, SL_INVOKE_ON_SUCCESS, SL_PENDING_RETURNED } from "./constants.js";
import type { DEVICE_OBJECT } from "./device.js";
import type { FILE_OBJECT } from "./file.js";
import type { MDL } from "../mm/mdl.js";
import { PowerParameters, WaitWakeParameters } from "../po/power-parameters.js";
import { PnpParameterViews, type DeviceCapabilitiesParameters, type QueryDeviceRelationsParameters, type QueryDeviceTextParameters, type QueryIdParameters, type QueryInterfaceParameters, type SetLockParameters, type StartDeviceParameters, type UsageNotificationParameters } from "../pnp/irp-parameters.js";

/** IO_STATUS_BLOCK: the final status and the information (usually bytes transferred). */
export class IO_STATUS_BLOCK {
  Status: NTSTATUS = 0;
  Information = 0;
}

/** PIO_APC_ROUTINE: a user-mode routine the I/O manager queues as a user APC when an I/O completes. */
export type PIO_APC_ROUTINE = (ApcContext: any, IoStatusBlock: IO_STATUS_BLOCK, Reserved: number) => void;

export type IO_COMPLETION_ROUTINE = (DeviceObject: DEVICE_OBJECT | null, Irp: IRP, Context: any) => NTSTATUS;
export type DRIVER_CANCEL = (DeviceObject: DEVICE_OBJECT, Irp: IRP) => void;

/**
 * The parameters of a stack location: one storage for the C union, seen through the
 * views each major function uses (Parameters.Read.Length and
 * Parameters.DeviceIoControl.OutputBufferLength are the same slot, as in wdm.h).
 */
export class IoParameters {
  a1: any = 0;
  a2: any = 0;
  a3: any = 0;
  a4: any = 0;
  readonly Read: ReadWriteParameters;
  readonly Write: ReadWriteParameters;
  readonly DeviceIoControl: DeviceIoControlParameters;
  readonly Create: CreateParameters;
  readonly Others: OtherParameters;
  // The power views are made on first use: most stack locations never carry a power IRP.
  private power: PowerParameters | null = null;
  private waitWake: WaitWakeParameters | null = null;
  /** IRP_MJ_POWER (QUERY_POWER, SET_POWER): Parameters.Power (po/power-parameters.ts). */
  get Power(): PowerParameters {
    return (this.power ??= new PowerParameters(this));
  }
  /** IRP_MN_WAIT_WAKE: Parameters.WaitWake. */
  get WaitWake(): WaitWakeParameters {
    return (this.waitWake ??= new WaitWakeParameters(this));
  }
  // The file information views, made on first use like the power ones.
  private queryFile: QueryFileParameters | null = null;
  private setFile: SetFileParameters | null = null;
  /** IRP_MJ_QUERY_INFORMATION: Parameters.QueryFile. */
  get QueryFile(): QueryFileParameters {
    return (this.queryFile ??= new QueryFileParameters(this));
  }
  /** IRP_MJ_SET_INFORMATION: Parameters.SetFile. */
  get SetFile(): SetFileParameters {
    return (this.setFile ??= new SetFileParameters(this));
  }
  constructor() {
    this.Read = new ReadWriteParameters(this);
    this.Write = this.Read;
    this.DeviceIoControl = new DeviceIoControlParameters(this);
    this.Create = new CreateParameters(this);
    this.Others = new OtherParameters(this);
  }
  /** IRP_MJ_PNP's views, made on first use so I/O stack locations do not pay for them. */
  private pnp: PnpParameterViews | null = null;
  get StartDevice(): StartDeviceParameters { return (this.pnp ??= new PnpParameterViews(this)).StartDevice; }
  get QueryDeviceRelations(): QueryDeviceRelationsParameters { return (this.pnp ??= new PnpParameterViews(this)).QueryDeviceRelations; }
  get QueryId(): QueryIdParameters { return (this.pnp ??= new PnpParameterViews(this)).QueryId; }
  get DeviceCapabilities(): DeviceCapabilitiesParameters { return (this.pnp ??= new PnpParameterViews(this)).DeviceCapabilities; }
  get QueryInterface(): QueryInterfaceParameters { return (this.pnp ??= new PnpParameterViews(this)).QueryInterface; }
  get UsageNotification(): UsageNotificationParameters { return (this.pnp ??= new PnpParameterViews(this)).UsageNotification; }
  get QueryDeviceText(): QueryDeviceTextParameters { return (this.pnp ??= new PnpParameterViews(this)).QueryDeviceText; }
  get SetLock(): SetLockParameters { return (this.pnp ??= new PnpParameterViews(this)).SetLock; }
}

export class ReadWriteParameters {
  constructor(private readonly p: IoParameters) {}
  get Length(): number { return this.p.a1; }
  set Length(v: number) { this.p.a1 = v; }
  get Key(): number { return this.p.a2; }
  set Key(v: number) { this.p.a2 = v; }
  /** The byte offset (LARGE_INTEGER QuadPart). */
  get ByteOffset(): number { return this.p.a3; }
  set ByteOffset(v: number) { this.p.a3 = v; }
}

export class DeviceIoControlParameters {
  constructor(private readonly p: IoParameters) {}
  get OutputBufferLength(): number { return this.p.a1; }
  set OutputBufferLength(v: number) { this.p.a1 = v; }
  get InputBufferLength(): number { return this.p.a2; }
  set InputBufferLength(v: number) { this.p.a2 = v; }
  get IoControlCode(): number { return this.p.a3; }
  set IoControlCode(v: number) { this.p.a3 = v; }
  get Type3InputBuffer(): number { return this.p.a4; }
  set Type3InputBuffer(v: number) { this.p.a4 = v; }
}

export interface IO_SECURITY_CONTEXT {
  DesiredAccess: number;
}

export class CreateParameters {
  constructor(private readonly p: IoParameters) {}
  get SecurityContext(): IO_SECURITY_CONTEXT { return this.p.a1; }
  set SecurityContext(v: IO_SECURITY_CONTEXT) { this.p.a1 = v; }
  get Options(): number { return this.p.a2; }
  set Options(v: number) { this.p.a2 = v; }
  get FileAttributes(): number { return this.p.a3; }
  set FileAttributes(v: number) { this.p.a3 = v; }
  get ShareAccess(): number { return this.p.a4; }
  set ShareAccess(v: number) { this.p.a4 = v; }
}

export class OtherParameters {
  constructor(private readonly p: IoParameters) {}
  get Argument1(): any { return this.p.a1; }
  set Argument1(v: any) { this.p.a1 = v; }
  get Argument2(): any { return this.p.a2; }
  set Argument2(v: any) { this.p.a2 = v; }
  get Argument3(): any { return this.p.a3; }
  set Argument3(v: any) { this.p.a3 = v; }
  get Argument4(): any { return this.p.a4; }
  set Argument4(v: any) { this.p.a4 = v; }
}

/** IO_STACK_LOCATION: what one driver in the stack is asked to do. */
export class IO_STACK_LOCATION {
  MajorFunction = 0;
  MinorFunction = 0;
  Flags = 0;
  Control = 0;
  readonly Parameters = new IoParameters();
  DeviceObject: DEVICE_OBJECT | null = null;
  FileObject: FILE_OBJECT | null = null;
  CompletionRoutine: IO_COMPLETION_ROUTINE | null = null;
  Context: any = null;

  reset(): void {
    this.MajorFunction = 0;
    this.MinorFunction = 0;
    this.Flags = 0;
    this.Control = 0;
    const p = this.Parameters;
    p.a1 = 0;
    p.a2 = 0;
    p.a3 = 0;
    p.a4 = 0;
    this.DeviceObject = null;
    this.FileObject = null;
    this.CompletionRoutine = null;
    this.Context = null;
  }
}

export class IrpTailOverlay {
  Thread: KTHREAD | null = null;
  OriginalFileObject: FILE_OBJECT | null = null;
  /** Four pointer-sized slots the current owner of the IRP may use. */
  readonly DriverContext: any[] = [null, null, null, null];
  /** The links the IRP's current owner may queue it by (InsertTailList...); its Container is the IRP. */
  readonly ListEntry: LIST_ENTRY<IRP>;
  /** The IRP's place in a device queue (IoStartPacket, KeInsertDeviceQueue); its Container is the IRP. */
  readonly DeviceQueueEntry: KDEVICE_QUEUE_ENTRY;
  constructor(Irp: IRP | null = null) {
    this.ListEntry = new LIST_ENTRY<IRP>(Irp);
    this.DeviceQueueEntry = new KDEVICE_QUEUE_ENTRY(Irp);
  }
}

export class IrpAssociated {
  SystemBuffer = 0;
  MasterIrp: IRP | null = null;
}

/** The kind of user request an IRP carries, for the I/O manager's completion. */
export const IRP_KIND_DRIVER = 0;
export const IRP_KIND_USER = 1;
export const IRP_KIND_THREADED = 2;

/**
 * IRP: a fixed-shape object recycled through the I/O manager's lookaside lists, so a
 * steady stream of requests leaves the heap flat. Stack locations are numbered 1..
 * StackCount as in Windows; `CurrentLocation` is StackCount + 1 before the first
 * IoCallDriver.
 */
export class IRP {
  Type = IO_TYPE_IRP;
  readonly StackCount: number;
  CurrentLocation: number;
  readonly IoStatus = new IO_STATUS_BLOCK();
  readonly AssociatedIrp = new IrpAssociated();
  MdlAddress: MDL | null = null;
  UserBuffer = 0;
  RequestorMode = 0;
  PendingReturned = false;
  Cancel = false;
  CancelIrql = 0;
  CancelRoutine: DRIVER_CANCEL | null = null;
  Flags = 0;
  UserIosb: IO_STATUS_BLOCK | null = null;
  UserEvent: KEVENT | null = null;
  readonly Tail = { Overlay: new IrpTailOverlay(this) };
  /** Locations 1..StackCount live at indexes 0..StackCount-1. */
  readonly Stack: IO_STACK_LOCATION[];
  /** Its kernel address, for bug check parameters and traces (resolves back to it: ObjectAtAddress). */
  readonly address: number;

  // I/O manager bookkeeping (IRP fields of Windows we do not name publicly).
  kind = IRP_KIND_DRIVER;
  /** Bumped when the IRP is freed; the verifier uses it to know an IRP was recycled. */
  generation = 0;
  /** Completion has run to the top (or reached the I/O manager). */
  completed = false;
  completionStatus = 0;
  inUse = false;
  /** For an overlapped user request: its OVERLAPPED (the ApcContext of the completion packet). */
  request: any = null;
  /** Overlay.AsynchronousParameters.UserApcRoutine: a user APC queued to the requester on completion (ReadFileEx). */
  UserApcRoutine: PIO_APC_ROUTINE | null = null;
  /** IoCompleteRequest has handed the IRP back up (to a completion routine); IoCallDriver clears it. */
  returning = false;
  /** The lowest stack location used since the IRP was initialised (1-based). */
  lowestUsed = 1;
  /** Links of the issuing thread's IRP list (Irp->ThreadListEntry). */
  threadPrev: IRP | null = null;
  threadNext: IRP | null = null;
  threadListed = false;
  /** The caller's output length: the most bytes buffered completion copies back. */
  userOutputLength = 0;

  constructor(StackSize: number, address: number) {
    this.StackCount = StackSize;
    this.CurrentLocation = StackSize + 1;
    this.Stack = new Array(StackSize);
    for (let i = 0; i < StackSize; i++) this.Stack[i] = new IO_STACK_LOCATION();
    this.address = address;
  }

  /** Back to the state IoAllocateIrp hands out. */
  initialize(): void {
    this.Type = IO_TYPE_IRP;
    this.CurrentLocation = this.StackCount + 1;
    this.IoStatus.Status = 0;
    this.IoStatus.Information = 0;
    this.AssociatedIrp.SystemBuffer = 0;
    this.AssociatedIrp.MasterIrp = null;
    this.MdlAddress = null;
    this.UserBuffer = 0;
    this.RequestorMode = 0;
    this.PendingReturned = false;
    this.Cancel = false;
    this.CancelIrql = 0;
    this.CancelRoutine = null;
    this.Flags = 0;
    this.UserIosb = null;
    this.UserEvent = null;
    const o = this.Tail.Overlay;
    o.Thread = null;
    o.OriginalFileObject = null;
    o.DriverContext[0] = o.DriverContext[1] = o.DriverContext[2] = o.DriverContext[3] = null;
    // IoInitializeIrp zeroes the IRP: the entry is in no list.
    const le = o.ListEntry;
    le.Flink = le.Blink = le;
    const dq = o.DeviceQueueEntry;
    dq.Flink = dq.Blink = null;
    dq.SortKey = 0;
    dq.Inserted = false;
    // Only the locations the last request reached were written (it went down to `lowestUsed`).
    for (let i = this.lowestUsed - 1; i < this.StackCount; i++) this.Stack[i]!.reset();
    this.lowestUsed = this.StackCount + 1;
    this.kind = IRP_KIND_DRIVER;
    this.completed = false;
    this.completionStatus = 0;
    this.inUse = true;
    this.request = null;
    this.UserApcRoutine = null;
    this.userOutputLength = 0;
    this.returning = false;
  }
}
export type PIRP = IRP;

/** IRPs with up to this many stack locations come from lookaside lists. */
const LOOKASIDE_MAX_STACK = 16;
/**
 * The most IRPs a list keeps: Windows' MAXIMUM_LOOKASIDE_DEPTH. A burst of outstanding
 * IRPs leaves at most this many behind when it ends; the rest go back to the pool.
 */
export const IRP_LOOKASIDE_DEPTH = 256;

/** The I/O manager's IRP lookaside lists, per machine. */
export class IrpLookaside {
  private readonly lists: IRP[][] = [];
  allocated = 0;
  constructor() {
    for (let i = 0; i <= LOOKASIDE_MAX_STACK; i++) this.lists.push([]);
  }
  take(StackSize: number): IRP | undefined {
    return StackSize <= LOOKASIDE_MAX_STACK ? this.lists[StackSize]!.pop() : undefined;
  }
  /**
   * A freed IRP stays at its address while it waits in a list (its memory is still an
   * IRP's, with Type 0); one too big for the lists, or past a full list's depth, is gone,
   * and its address goes back to be handed out again.
   */
  give(irp: IRP): void {
    const n = irp.StackCount;
    if (n <= LOOKASIDE_MAX_STACK && this.lists[n]!.length < IRP_LOOKASIDE_DEPTH) this.lists[n]!.push(irp);
    else cur.ob.addresses.remove(irp);
  }
  /** IRPs waiting in the lists now. */
  get cached(): number {
    let c = 0;
    for (const l of this.lists) c += l.length;
    return c;
  }
}

/** `IoAllocateIrp`: an IRP with StackSize stack locations; null if StackSize is invalid. */
export function IoAllocateIrp(StackSize: number, ChargeQuota: boolean): IRP | null {
  void ChargeQuota;
  const m = cur;
  if (!(StackSize >= 1 && StackSize <= 255)) return null;
  const io = m.io;
  let irp = io.irpLookaside.take(StackSize);
  if (irp === undefined) {
    // Only a new IRP takes an address; one from the lookaside list keeps its own.
    const va = m.ob.addresses.reserve();
    if (va === 0) return null;
    irp = new IRP(StackSize, va);
    m.ob.addresses.bind(va, irp);
    io.irpLookaside.allocated++;
  }
  irp.initialize();
  return irp;
}

export function IoSizeOfIrp(StackSize: number): number {
  return 0x70 + StackSize * 0x48;
}

/** `IoInitializeIrp` on an IRP the caller allocated. */
export function IoInitializeIrp(Irp: IRP, PacketSize: number, StackSize: number): void {
  void PacketSize;
  void StackSize;
  Irp.initialize();
}

/** `IoReuseIrp`: reinitialise an IRP for another request, with a status. */
export function IoReuseIrp(Irp: IRP, Iostatus: NTSTATUS): void {
  const cancelled = false;
  Irp.initialize();
  Irp.IoStatus.Status = Iostatus;
  Irp.Cancel = cancelled;
}

/** `IoFreeIrp`. The verifier refuses to free an IRP a driver still owns below. */
export function IoFreeIrp(Irp: IRP): void {
  const m = cur;
  // Freeing an IRP a lower driver still holds (sent with IoCallDriver, not yet completed
  // back) is the verifier's 0x20A. Once completion has reached the owner's completion
  // routine (which returns STATUS_MORE_PROCESSING_REQUIRED), the IRP is its to free.
  if (m.checked && Irp.inUse && !Irp.completed && !Irp.returning && Irp.CurrentLocation <= Irp.StackCount) {
    KeBugCheckEx(DRIVER_VERIFIER_IOMANAGER_VIOLATION, IOMGR_FREE_IRP_IN_USE, Irp.address, 0, 0);
  }
  Irp.Type = 0;
  Irp.inUse = false;
  Irp.generation++;
  m.io.irpLookaside.give(Irp);
}

export function IoGetCurrentIrpStackLocation(Irp: IRP): IO_STACK_LOCATION {
  return Irp.Stack[Irp.CurrentLocation - 1]!;
}

/**
 * There is no location below the current one: in C the next-location macros would
 * write over the IRP header and IoCallDriver would then stop the machine; we stop it
 * at the write, with the same bug check.
 */
function noNextLocation(Irp: IRP): never {
  return KeBugCheckEx(NO_MORE_IRP_STACK_LOCATIONS, Irp.address, 0, 0, 0, `The IRP has ${Irp.StackCount} stack location(s) and the current one is the last: there is no next location to fill in (the IRP was allocated with too small a StackSize).`);
}

export function IoGetNextIrpStackLocation(Irp: IRP): IO_STACK_LOCATION {
  if (Irp.CurrentLocation <= 1) noNextLocation(Irp);
  if (Irp.CurrentLocation - 1 < Irp.lowestUsed) Irp.lowestUsed = Irp.CurrentLocation - 1;
  return Irp.Stack[Irp.CurrentLocation - 2]!;
}

/** The next driver gets the current location unchanged. */
export function IoSkipCurrentIrpStackLocation(Irp: IRP): void {
  Irp.CurrentLocation++;
}

export function IoSetNextIrpStackLocation(Irp: IRP): void {
  Irp.CurrentLocation--;
  if (Irp.CurrentLocation < Irp.lowestUsed) Irp.lowestUsed = Irp.CurrentLocation;
}

/** Copies all but the completion routine, context and control flags, as wdm.h does. */
export function IoCopyCurrentIrpStackLocationToNext(Irp: IRP): void {
  if (Irp.CurrentLocation <= 1) noNextLocation(Irp);
  const s = Irp.Stack[Irp.CurrentLocation - 1]!;
  const n = Irp.Stack[Irp.CurrentLocation - 2]!;
  if (Irp.CurrentLocation - 1 < Irp.lowestUsed) Irp.lowestUsed = Irp.CurrentLocation - 1;
  n.MajorFunction = s.MajorFunction;
  n.MinorFunction = s.MinorFunction;
  n.Flags = s.Flags;
  const sp = s.Parameters;
  const np = n.Parameters;
  np.a1 = sp.a1;
  np.a2 = sp.a2;
  np.a3 = sp.a3;
  np.a4 = sp.a4;
  n.DeviceObject = s.DeviceObject;
  n.FileObject = s.FileObject;
  n.CompletionRoutine = null;
  n.Context = null;
  n.Control = 0;
}

export function IoSetCompletionRoutine(
  Irp: IRP,
  CompletionRoutine: IO_COMPLETION_ROUTINE | null,
  Context: any,
  InvokeOnSuccess: boolean,
  InvokeOnError: boolean,
  InvokeOnCancel: boolean,
): void {
  if (Irp.CurrentLocation <= 1) noNextLocation(Irp);
  const n = Irp.Stack[Irp.CurrentLocation - 2]!;
  if (Irp.CurrentLocation - 1 < Irp.lowestUsed) Irp.lowestUsed = Irp.CurrentLocation - 1;
  n.CompletionRoutine = CompletionRoutine;
  n.Context = Context;
  n.Control = 0;
  if (InvokeOnSuccess) n.Control |= SL_INVOKE_ON_SUCCESS;
  if (InvokeOnError) n.Control |= SL_INVOKE_ON_ERROR;
  if (InvokeOnCancel) n.Control |= SL_INVOKE_ON_CANCEL;
}

/** `IoSetCompletionRoutineEx`: cannot fail here; the routine stays valid while the driver is loaded. */
export function IoSetCompletionRoutineEx(
  DeviceObject: DEVICE_OBJECT,
  Irp: IRP,
  CompletionRoutine: IO_COMPLETION_ROUTINE,
  Context: any,
  InvokeOnSuccess: boolean,
  InvokeOnError: boolean,
  InvokeOnCancel: boolean,
): NTSTATUS {
  void DeviceObject;
  IoSetCompletionRoutine(Irp, CompletionRoutine, Context, InvokeOnSuccess, InvokeOnError, InvokeOnCancel);
  return 0;
}

export function IoMarkIrpPending(Irp: IRP): void {
  Irp.Stack[Irp.CurrentLocation - 1]!.Control |= SL_PENDING_RETURNED;
}

export function IoGetRemainingStackLocations(Irp: IRP): number {
  return Irp.CurrentLocation - 1;
}

export function IoGetCurrentIrpStackLocationIndex(Irp: IRP): number {
  return Irp.CurrentLocation;
}
