import { cur, isInsideMachine } from "../context.js";
import { PopRegisterDeviceStack, PopUnregisterDeviceStack } from "../po/system-power.js";
import { injectable } from "../inversify.js";
import type { Machine } from "../machine.js";
import { IoCallDriver } from "../io/complete.js";
import { DO_BUS_ENUMERATED_DEVICE, DO_DEVICE_INITIALIZING, IRP_MJ_PNP } from "../io/constants.js";
import { DEVICE_OBJECT, IoGetAttachedDevice } from "../io/device.js";
import { DRIVER_OBJECT, type DRIVER_INITIALIZE, type DriverModule } from "../io/driver.js";
import { IoAllocateIrp, IoFreeIrp, IoGetNextIrpStackLocation, IoSetCompletionRoutine, type IRP } from "../io/irp.js";
import {
  Executive, IO_NO_INCREMENT, KEVENT, KeClearEvent, KeInitializeEvent, KernelMode, KeSetEvent, KeWaitForSingleObject, NotificationEvent,
  type KWAIT_GENERATOR,
} from "../ke/dispatcher.js";
import { KiRunRoutine } from "../ke/routine.js";
import { MachineUsageError } from "../ke/scheduler.js";
import { KeBugCheckEx } from "../ke/bugcheck.js";
import { PNP_DETECTED_FATAL_ERROR } from "../ke/bugcheck-codes.js";
import { ExFreePool } from "../mm/access.js";
import {
  NT_SUCCESS, STATUS_INSUFFICIENT_RESOURCES, STATUS_MORE_PROCESSING_REQUIRED, STATUS_NO_SUCH_DEVICE, STATUS_NOT_SUPPORTED, STATUS_PENDING, STATUS_SUCCESS,
  type NTSTATUS,
} from "../ntstatus.js";
import { ObDereferenceObject, ObReferenceObject } from "../ob/object.js";
import { startSystemThread } from "../ps/system-thread.js";
import { ResourceArbiter } from "./arbiter.js";
import { DEVICE_CAPABILITIES } from "./device-capabilities.js";
import { BusRelations, IRP_MN_QUERY_DEVICE_RELATIONS, ReadDeviceRelationsCount, ReadDeviceRelationsObject } from "./device-relations.js";
import {
  DEVICE_NODE, DeviceNodeDeletePendingCloses, DeviceNodeDeleted, DeviceNodeDriversAdded, DeviceNodeInitialized, DeviceNodeQueryStopped,
  DeviceNodeResourcesAssigned, DeviceNodeStarted, DeviceNodeStartPending, DeviceNodeStopped,
} from "./device-node.js";
import { RegistryDriverStore, type ClassFilter, type DriverPackage, type DriverStore, type FilterService } from "./driver-store.js";
import { PiClassGuidOf, PiInstallDevice, PiReadDeviceDriver } from "./registry-keys.js";
import { DeviceInterfaces } from "./device-interface.js";
import {
  BusQueryCompatibleIDs, BusQueryDeviceID, BusQueryHardwareIDs, BusQueryInstanceID, CM_PROB_DRIVER_FAILED_LOAD, CM_PROB_FAILED_ADD,
  CM_PROB_FAILED_DRIVER_ENTRY, CM_PROB_FAILED_INSTALL, CM_PROB_FAILED_POST_START, CM_PROB_FAILED_START, CM_PROB_NORMAL_CONFLICT,
  IRP_MN_CANCEL_STOP_DEVICE, IRP_MN_QUERY_CAPABILITIES, IRP_MN_QUERY_ID, IRP_MN_QUERY_PNP_DEVICE_STATE, IRP_MN_QUERY_RESOURCE_REQUIREMENTS, IRP_MN_FILTER_RESOURCE_REQUIREMENTS,
  IRP_MN_QUERY_STOP_DEVICE, IRP_MN_REMOVE_DEVICE, IRP_MN_START_DEVICE, PNP_VetoTypeUnknown, IRP_MN_QUERY_DEVICE_TEXT,
  IRP_MN_QUERY_BUS_INFORMATION, DeviceTextDescription, DeviceTextLocationInformation, IRP_MN_STOP_DEVICE, PNP_DEVICE_FAILED,
  PNP_DEVICE_REMOVED, PNP_DEVICE_RESOURCE_REQUIREMENTS_CHANGED, IRP_MN_DEVICE_USAGE_NOTIFICATION, type DEVICE_USAGE_NOTIFICATION_TYPE,
} from "./pnp-constants.js";
import { RootEnumerator, type RootDeviceDescription } from "./root-enumerator.js";
import { PipOrderlyRemove, PipRemoveMissing, PipSendRemove, PipSurpriseRemove } from "./removal.js";
import { IoBuildCmResourceList, IoBuildResourceRequirementsList, ReadResourceRequirementsList } from "./resource-memory.js";
import { IoMakeResourceRequirementsList, type IO_RESOURCE_REQUIREMENTS_LIST } from "./resources.js";
import { ReadMultiSz, ReadWideString } from "./wide-string.js";
import { ReadPnpBusInformation } from "./bus-information.js";

/** What the PnP manager's worker does next (PNP_DEVICE_ACTION_REQUEST). */
const ActionEnumerate = 0;
const ActionQueryState = 1;
const ActionEject = 2;
const ActionRemoveAfterClose = 3;
const ActionRemove = 4;
const ActionRebalance = 5;
const ActionUsageNotification = 6;

interface PnpAction {
  kind: number;
  node: DEVICE_NODE;
  /** Set when the action is done (host calls wait for it); the outcome is in `status`. */
  done: KEVENT | null;
  status: NTSTATUS;
  /** ActionUsageNotification: Parameters.UsageNotification.Type and InPath. */
  usageType?: DEVICE_USAGE_NOTIFICATION_TYPE;
  inPath?: boolean;
}

/** One line of the PnP manager's log of what it did (for tests and traces). */
export interface PnpLogEntry {
  InstancePath: string;
  what: string;
}

/**
 * The Plug and Play manager of one machine: the device tree under the root enumerator,
 * driver matching and loading, resource assignment and the IRP_MJ_PNP sequences. Its
 * work runs on a system thread (PipDeviceActionWorker) that drains a queue of device
 * actions; DDIs and host calls only queue.
 */
@injectable()
export class PnpManager {
  /** Packages, modules, and the machine's registry they write (made in initialize). */
  store!: DriverStore;
  /** The next software key number to try, by class GUID (upper case): Control\Class\{guid}\NNNN. */
  private readonly softwareKeyHint = new Map<string, number>();
  readonly arbiter = new ResourceArbiter();
  readonly interfaces = new DeviceInterfaces(this);
  machine!: Machine;
  rootDriver!: DRIVER_OBJECT;
  root!: DEVICE_NODE;
  private rootEnumerator!: RootEnumerator;
  /** Device nodes by instance path (upper case). */
  readonly byPath = new Map<string, DEVICE_NODE>();
  /** Queued device actions: queue[queueHead..] (a head index, not shift(): 10,000 plug-ins queue 10,000). */
  private queue: PnpAction[] = [];
  private queueHead = 0;
  private workerRunning = false;
  /** Device nodes alive (not deleted), the root included. */
  nodeCount = 0;
  /** When set, each action the manager takes is logged here (tests). */
  log: PnpLogEntry[] | null = null;

  /** Made on first use (Machine.pnp): the root driver and the root device node. */
  initialize(machine: Machine): void {
    this.machine = machine;
    this.store = new RegistryDriverStore(machine.registry);
    if (isInsideMachine()) this.createRoot();
    else machine.runInKernel(() => this.createRoot());
  }

  private createRoot(): void {
    this.rootEnumerator = new RootEnumerator(this);
    this.root = this.rootEnumerator.root;
    this.rootDriver = this.rootEnumerator.driver;
    this.byPath.set(this.root.InstancePath.toUpperCase(), this.root);
    this.nodeCount = 1;
  }

  // ---- host API ----

  /** Install a driver package (our INF): it is matched against devices from now on, and against devices waiting for a driver. */
  installDriverPackage(pkg: DriverPackage): void {
    checkPackage(pkg);
    this.store.addPackage(pkg);
    // Devices with CM_PROB_FAILED_INSTALL get another chance, as a new INF triggers a reinstall.
    this.machine.runInKernel(() => {
      for (const n of this.allNodes()) if (n.Problem === CM_PROB_FAILED_INSTALL && n.Present) this.queueAction(ActionEnumerate, n, null);
    });
    this.settle();
  }

  /** A class filter for every device of the class (Control\Class\{guid}\UpperFilters / LowerFilters). */
  installClassFilter(classGuid: string, filter: ClassFilter): void {
    this.store.addClassFilter(classGuid, filter);
  }

  /** A filter service that device packages name in upperFilters/lowerFilters. */
  installFilterService(filter: FilterService): void {
    this.store.addFilterService(filter);
  }

  /**
   * The code of a service whose keys are already in the registry (a machine booted with
   * `boot({ registry: saved })`): a registry names a service's image but cannot hold its
   * DriverEntry, so a host hands it over by service name. Writes nothing to the registry.
   */
  registerDriverModule(service: string, DriverEntry: DRIVER_INITIALIZE | DriverModule): void {
    const fn = typeof DriverEntry === "function" ? DriverEntry : (DriverEntry as DriverModule | undefined)?.DriverEntry;
    if (typeof service !== "string" || !/^[^\\/]+$/.test(service) || typeof fn !== "function") {
      throw new MachineUsageError("wdfjs: machine.pnp.registerDriverModule(service, DriverEntry): pass a service name (no backslashes) and its DriverEntry (or a module that exports one).");
    }
    this.store.registerModule(service, DriverEntry);
  }

  /** Create a root-enumerated device (`devcon install`): returns its instance path, ROOT\<CLASS>\0000. */
  createRootDevice(d: RootDeviceDescription): string {
    const path = this.machine.runInKernel(() => {
      const p = this.rootEnumerator.addDevice(d);
      this.requestEnumeration(this.root);
      return p;
    });
    this.settle();
    return path;
  }

  /** Uninstall a root-enumerated device: the root stops reporting it (surprise removal if started). */
  deleteRootDevice(instancePath: string): boolean {
    const node = this.node(instancePath);
    if (node === null || node.Parent !== this.root) return false;
    this.rootEnumerator.uninstall(node.PhysicalDeviceObject);
    this.machine.runInKernel(() => this.requestEnumeration(this.root));
    this.settle();
    return true;
  }

  /** An orderly removal (`devcon remove`, Device Manager's uninstall): QUERY_REMOVE then REMOVE; the status says whether a driver vetoed. */
  removeDevice(instancePath: string): NTSTATUS {
    return this.hostAction(ActionRemove, instancePath);
  }

  /** Rebalance one device: QUERY_STOP, STOP, new resources, START (or CANCEL_STOP if a driver refuses). */
  rebalanceDevice(instancePath: string): NTSTATUS {
    return this.hostAction(ActionRebalance, instancePath);
  }

  /**
   * The system places (`InPath` TRUE) or removes (FALSE) a special file on the device — a paging
   * file, the hibernation or crash dump file, a boot file (DeviceUsageTypePaging ... GuestAssigned)
   * — as the memory manager, the power manager or crash dump setup does through the file system
   * on the volume: IRP_MN_DEVICE_USAGE_NOTIFICATION is sent to the top of the device's stack from a
   * PnP thread at PASSIVE_LEVEL, its status starting as STATUS_NOT_SUPPORTED like every PnP IRP the
   * PnP manager builds. Returns the final status (a failure: the file is not placed there); an
   * unknown or deleted device gives STATUS_OBJECT_NAME_NOT_FOUND / STATUS_NO_SUCH_DEVICE.
   */
  deviceUsageNotification(instancePath: string, Type: DEVICE_USAGE_NOTIFICATION_TYPE, InPath: boolean): NTSTATUS {
    return this.hostAction(ActionUsageNotification, instancePath, Type, InPath);
  }

  /**
   * Run the machine until the PnP manager has done everything queued and its notification
   * callbacks have returned: a host call behaves like `devcon`, which returns when the change
   * is made, even on a machine with periodic timers that never becomes idle.
   */
  private settle(): void {
    const m = this.machine;
    m.runInKernel(() => m.scheduler.runUntil(() => !this.workerRunning && this.interfaces.pending === 0, "the PnP manager to finish its device actions"));
  }

  /** The device node of an instance path (case-insensitive), or null. */
  node(instancePath: string): DEVICE_NODE | null {
    return this.byPath.get(instancePath.toUpperCase()) ?? null;
  }

  /** Every device node, the root first, parents before children. */
  allNodes(): DEVICE_NODE[] {
    const out: DEVICE_NODE[] = [];
    const walk = (n: DEVICE_NODE): void => {
      out.push(n);
      for (let c = n.Child; c !== null; c = c.Sibling) walk(c);
    };
    walk(this.root);
    return out;
  }

  private hostAction(kind: number, instancePath: string, usageType = 0, inPath = false): NTSTATUS {
    const node = this.node(instancePath);
    if (node === null) return 0xc0000034 | 0; // STATUS_OBJECT_NAME_NOT_FOUND
    const action = this.machine.runInKernel(() => {
      const done = new KEVENT();
      KeInitializeEvent(done, NotificationEvent, false);
      const a = this.queueAction(kind, node, done);
      a.usageType = usageType;
      a.inPath = inPath;
      return a;
    });
    this.settle();
    return action.status;
  }

  // ---- requests from drivers (the DDIs queue them) ----

  /** Queue a device action and start the worker if it is not running. */
  queueAction(kind: number, node: DEVICE_NODE, done: KEVENT | null): PnpAction {
    const a: PnpAction = { kind, node, done, status: STATUS_PENDING };
    this.queue.push(a);
    if (!this.workerRunning) {
      this.workerRunning = true;
      startSystemThread("PnP device action worker", null, this.worker());
    }
    return a;
  }

  /** Queued enumerations of one device merge, as Windows merges them: one QUERY_DEVICE_RELATIONS sees every change. */
  requestEnumeration(node: DEVICE_NODE): void {
    for (let i = this.queueHead; i < this.queue.length; i++) {
      const a = this.queue[i]!;
      if (a.kind === ActionEnumerate && a.node === node) return;
    }
    this.queueAction(ActionEnumerate, node, null);
  }

  requestStateQuery(node: DEVICE_NODE): void {
    this.queueAction(ActionQueryState, node, null);
  }

  requestEject(node: DEVICE_NODE): void {
    this.queueAction(ActionEject, node, null);
  }

  /** The last handle on a device of a surprise-removed stack closed (from the I/O manager's close path). */
  IopDeviceClosed(dev: DEVICE_OBJECT): void {
    let pdo = dev;
    while (pdo.AttachedTo !== null) pdo = pdo.AttachedTo;
    const node = pdo.DeviceNode;
    if (node === null || node.State !== DeviceNodeDeletePendingCloses) return;
    if (stackOpen(pdo)) return;
    this.queueAction(ActionRemoveAfterClose, node, null);
  }

  private *worker(): KWAIT_GENERATOR<void> {
    while (this.queueHead < this.queue.length) {
      const a = this.queue[this.queueHead]!;
      this.queue[this.queueHead++] = undefined!;
      if (this.queueHead === this.queue.length) {
        this.queue = [];
        this.queueHead = 0;
      }
      const n = a.node;
      let status: NTSTATUS = STATUS_SUCCESS;
      if (n.State !== DeviceNodeDeleted) {
        switch (a.kind) {
          case ActionEnumerate:
            if (n.State === DeviceNodeStarted) yield* this.enumerate(n);
            else if (n.Problem === CM_PROB_FAILED_INSTALL && n.Present) yield* this.processNewDevice(n, false);
            break;
          case ActionQueryState:
            yield* this.queryState(n);
            break;
          case ActionEject:
            status = yield* PipOrderlyRemove(this, n, true);
            break;
          case ActionRemove:
            status = yield* PipOrderlyRemove(this, n, false);
            break;
          case ActionRemoveAfterClose:
            if (n.State === DeviceNodeDeletePendingCloses) yield* PipSendRemove(this, n);
            break;
          case ActionRebalance:
            status = yield* this.rebalance(n);
            break;
          case ActionUsageNotification:
            // Parameters.UsageNotification: InPath in the first slot, Type in the second.
            status = yield* this.call(n.PhysicalDeviceObject, IRP_MN_DEVICE_USAGE_NOTIFICATION, a.inPath === true, a.usageType ?? 0);
            break;
        }
      } else if (a.kind === ActionUsageNotification) {
        status = STATUS_NO_SUCH_DEVICE;
      }
      a.status = status;
      if (a.done !== null) KeSetEvent(a.done, 0, false);
    }
    this.workerRunning = false;
  }

  // ---- IRPs ----

  /**
   * Send one IRP_MJ_PNP to the top of `pdo`'s stack and wait for it (IopSynchronousCall):
   * its status starts as STATUS_NOT_SUPPORTED, which a driver that does not handle the
   * minor passes down untouched. Returns the final status; the information is in `info`.
   */
  *call(pdo: DEVICE_OBJECT, minor: number, a1: any = 0, a2: any = 0, information = 0): KWAIT_GENERATOR<NTSTATUS> {
    const top = IoGetAttachedDevice(pdo);
    ObReferenceObject(top);
    const Irp = IoAllocateIrp(top.StackSize, false);
    if (Irp === null) {
      ObDereferenceObject(top);
      return STATUS_INSUFFICIENT_RESOURCES;
    }
    Irp.IoStatus.Status = STATUS_NOT_SUPPORTED;
    Irp.IoStatus.Information = information;
    const sl = IoGetNextIrpStackLocation(Irp);
    sl.MajorFunction = IRP_MJ_PNP;
    sl.MinorFunction = minor;
    sl.Parameters.a1 = a1;
    sl.Parameters.a2 = a2;
    // The worker sends one IRP at a time: one event serves them all.
    const event = this.callEvent;
    KeClearEvent(event);
    IoSetCompletionRoutine(Irp, PipCallCompletion, event, true, true, true);
    if (this.log !== null || this.machine.trace !== null) this.note(pdo.DeviceNode?.InstancePath || (pdo.DeviceName ?? ""), minorName(minor, a1));
    if (IoCallDriver(top, Irp) === STATUS_PENDING) yield* KeWaitForSingleObject(event, Executive, KernelMode, false, null);
    const status = Irp.IoStatus.Status;
    this.info = Irp.IoStatus.Information;
    IoFreeIrp(Irp);
    ObDereferenceObject(top);
    return status;
  }
  /** IoStatus.Information of the last `call`. */
  info = 0;
  /** Why the last orderly removal was vetoed (PNP_VETO_TYPE), PNP_VetoTypeUnknown if it was not. */
  lastVeto = PNP_VetoTypeUnknown;
  private enumerations = 0;
  private readonly callEvent = PipNewEvent();

  private *queryId(pdo: DEVICE_OBJECT, type: number): KWAIT_GENERATOR<string[] | null> {
    const st = yield* this.call(pdo, IRP_MN_QUERY_ID, type);
    const p = this.info;
    if (!NT_SUCCESS(st) || p === 0) return null;
    const ids = type === BusQueryHardwareIDs || type === BusQueryCompatibleIDs ? ReadMultiSz(p) : [ReadWideString(p)];
    ExFreePool(p);
    return ids;
  }

  /** IRP_MN_QUERY_RESOURCE_REQUIREMENTS: the bus driver's list, read and freed. */
  private *queryRequirements(node: DEVICE_NODE): KWAIT_GENERATOR<void> {
    const rs = yield* this.call(node.PhysicalDeviceObject, IRP_MN_QUERY_RESOURCE_REQUIREMENTS);
    if (NT_SUCCESS(rs) && this.info !== 0) {
      const p = this.info;
      node.ResourceRequirements = ReadResourceRequirementsList(p);
      ExFreePool(p);
    }
  }

  /**
   * IRP_MN_FILTER_RESOURCE_REQUIREMENTS: the stack sees the bus driver's list (a copy in paged pool,
   * its address in Information) and may replace it (freeing the one it got). Success, or
   * STATUS_NOT_SUPPORTED from a stack that leaves it alone, gives the list then at Information (0:
   * no resources), which the manager reads and frees; another failure fails the start (null).
   * Sent only for a device whose bus reported requirements, so a device without any starts with
   * exactly the IRPs it always had (a driver above cannot add requirements to such a device here).
   * "The PnP manager might also send this IRP during resource rebalancing": here it does when the
   * stack replaced the list at the first start, so a filtering driver keeps its changes.
   */
  private *filterRequirements(node: DEVICE_NODE, req: IO_RESOURCE_REQUIREMENTS_LIST): KWAIT_GENERATOR<IO_RESOURCE_REQUIREMENTS_LIST | NTSTATUS> {
    const p = IoBuildResourceRequirementsList(req);
    if (p === 0) return STATUS_INSUFFICIENT_RESOURCES;
    const st = yield* this.call(node.PhysicalDeviceObject, IRP_MN_FILTER_RESOURCE_REQUIREMENTS, 0, 0, p);
    const q = this.info;
    node.FiltersRequirements = q !== p;
    if (!NT_SUCCESS(st) && st !== STATUS_NOT_SUPPORTED) {
      if (q !== 0) ExFreePool(q);
      return st;
    }
    if (q === 0) return IoMakeResourceRequirementsList([], req.InterfaceType, req.BusNumber);
    const filtered = ReadResourceRequirementsList(q);
    ExFreePool(q);
    return filtered;
  }

  /** The assigned resources go back to the arbiter, and their lists to the pool. */
  /** @internal */
  releaseResources(node: DEVICE_NODE): void {
    this.arbiter.release(node);
    if (node.ResourceListAddress !== 0) ExFreePool(node.ResourceListAddress);
    if (node.ResourceListTranslatedAddress !== 0) ExFreePool(node.ResourceListTranslatedAddress);
    node.ResourceListAddress = node.ResourceListTranslatedAddress = 0;
    node.ResourceList = node.ResourceListTranslated = null;
  }

  /** IRP_MN_QUERY_DEVICE_TEXT for US English (LCID 0x409), as the PnP manager asks; "" if the bus gives none. */
  private *queryText(pdo: DEVICE_OBJECT, type: number): KWAIT_GENERATOR<string> {
    const st = yield* this.call(pdo, IRP_MN_QUERY_DEVICE_TEXT, type, 0x409);
    const p = this.info;
    if (!NT_SUCCESS(st) || p === 0) return "";
    const text = ReadWideString(p);
    ExFreePool(p);
    return text;
  }

  // ---- enumeration ----

  /** IRP_MN_QUERY_DEVICE_RELATIONS(BusRelations) and the differences with the children known. */
  private *enumerate(node: DEVICE_NODE): KWAIT_GENERATOR<void> {
    const st = yield* this.call(node.PhysicalDeviceObject, IRP_MN_QUERY_DEVICE_RELATIONS, BusRelations);
    const r = this.info;
    // A stack that does not answer keeps the children it had.
    if (!NT_SUCCESS(st)) return;
    const reported: DEVICE_OBJECT[] = [];
    if (r !== 0) {
      const count = ReadDeviceRelationsCount(r);
      for (let i = 0; i < count; i++) {
        const d = ReadDeviceRelationsObject(r, i);
        if (d !== null) reported.push(d);
      }
      ExFreePool(r);
    }
    const fresh: DEVICE_NODE[] = [];
    // One mark per enumeration tells reported children from missing ones in linear time.
    const mark = ++this.enumerations;
    for (const d of reported) {
      const known = d.DeviceNode;
      if (known !== null && known.Parent === node) {
        // Already ours: the bus driver's reference for this report goes.
        known.Reported = mark;
        ObDereferenceObject(d);
        continue;
      }
      // A new PDO: the node keeps the bus driver's reference.
      const child = new DEVICE_NODE(d);
      child.Reported = mark;
      d.DeviceNode = child;
      d.Flags |= DO_BUS_ENUMERATED_DEVICE;
      child.Parent = node;
      fresh.push(child);
      this.nodeCount++;
    }
    // Children not reported any more are gone.
    let last: DEVICE_NODE | null = null;
    for (let c = node.Child; c !== null; ) {
      const next = c.Sibling;
      if (c.Reported !== mark) {
        c.Present = false;
        yield* PipRemoveMissing(this, c);
      } else last = c;
      c = next;
    }
    // New children go at the end of the list, in the order reported.
    if (last === null) for (last = node.Child; last !== null && last.Sibling !== null; ) last = last.Sibling;
    for (const child of fresh) {
      if (last === null) node.Child = child;
      else last.Sibling = child;
      last = child;
    }
    for (const c of fresh) yield* this.processNewDevice(c, true);
  }

  /** A new device: its IDs, capabilities and requirements, its drivers, its resources, START, and its own children. */
  private *processNewDevice(node: DEVICE_NODE, queryIds: boolean): KWAIT_GENERATOR<void> {
    const pdo = node.PhysicalDeviceObject;
    if (queryIds) {
      node.DeviceId = (yield* this.queryId(pdo, BusQueryDeviceID))?.[0] ?? "";
      node.HardwareIds = (yield* this.queryId(pdo, BusQueryHardwareIDs)) ?? [];
      node.CompatibleIds = (yield* this.queryId(pdo, BusQueryCompatibleIDs)) ?? [];
      node.InstanceId = (yield* this.queryId(pdo, BusQueryInstanceID))?.[0] ?? "";
      node.InstancePath = `${node.DeviceId}\\${node.InstanceId}`;
      const key = node.InstancePath.toUpperCase();
      const twin = this.byPath.get(key);
      if (twin !== undefined && twin.Parent === node.Parent) {
        // One bus reporting two children with the same device and instance IDs is a bus driver bug.
        KeBugCheckEx(PNP_DETECTED_FATAL_ERROR, 0x1, pdo.address, twin.PhysicalDeviceObject.address, 0,
          `${pdo.DriverObject.DriverName} reported two PDOs with the same device ID and instance ID (${node.InstancePath}).`, pdo.DriverObject);
      }
      if (twin === undefined) this.byPath.set(key, node);
      const caps = new DEVICE_CAPABILITIES();
      yield* this.call(pdo, IRP_MN_QUERY_CAPABILITIES, caps);
      node.Capabilities = caps;
      node.DeviceDescription = yield* this.queryText(pdo, DeviceTextDescription);
      node.LocationInformation = yield* this.queryText(pdo, DeviceTextLocationInformation);
      const bs = yield* this.call(pdo, IRP_MN_QUERY_BUS_INFORMATION);
      if (NT_SUCCESS(bs) && this.info !== 0) {
        const bi = ReadPnpBusInformation(this.info);
        ExFreePool(this.info);
        node.BusTypeGuid = bi.BusTypeGuid;
        node.LegacyBusType = bi.LegacyBusType;
        node.BusNumber = bi.BusNumber;
      }
      yield* this.queryRequirements(node);
      node.State = DeviceNodeInitialized;
    }
    const reg = this.machine.registry;
    const match = this.store.match(node.HardwareIds, node.CompatibleIds);
    let installed = PiReadDeviceDriver(reg, node.InstancePath);
    if (match !== null && (installed === null || installed.Service.toUpperCase() !== match.pkg.service.toUpperCase())) {
      // A new device, or a better package than the one it has: install it (SetupDiInstallDevice writes its keys).
      const pkg = match.pkg;
      PiInstallDevice(reg, {
        instancePath: node.InstancePath, hardwareIds: node.HardwareIds, compatibleIds: node.CompatibleIds, deviceDesc: node.DeviceDescription,
        locationInformation: node.LocationInformation, service: pkg.service, className: pkg.class, classGuid: PiClassGuidOf(pkg.class, pkg.classGuid),
        upperFilters: pkg.upperFilters, lowerFilters: pkg.lowerFilters, matchingDeviceId: matchingId(node, pkg),
        driverDesc: pkg.description ?? (node.DeviceDescription || pkg.service), providerName: pkg.provider ?? "",
      }, this.softwareKeyHint);
      installed = PiReadDeviceDriver(reg, node.InstancePath);
    }
    // A device installed before (its Enum key names a service) keeps its driver even with no package here.
    if (installed === null) {
      this.setProblem(node, CM_PROB_FAILED_INSTALL, 0);
      return;
    }
    node.Problem = 0;
    node.Package = match !== null && match.pkg.service.toUpperCase() === installed.Service.toUpperCase() ? match.pkg : null;
    node.Service = installed.Service;
    node.ClassName = installed.Class;
    node.ClassGuid = installed.ClassGUID;
    node.DriverKeyName = installed.Driver;
    // The stack comes from the registry, as IopAddDevice and PiAttachFilters build it: lower device
    // filters, lower class filters, the service, upper device filters, upper class filters.
    // The registry holds service names; the code of each is the store's, by name.
    const order: { service: string; entry: DRIVER_INITIALIZE | DriverModule | null }[] = [];
    const svc = (s: string) => order.push({ service: s, entry: this.store.serviceEntry(s) });
    const guid = installed.ClassGUID;
    for (const s of installed.LowerFilters) svc(s);
    if (guid !== "") for (const s of this.store.classFilters(guid, false)) svc(s);
    svc(installed.Service);
    for (const s of installed.UpperFilters) svc(s);
    if (guid !== "") for (const s of this.store.classFilters(guid, true)) svc(s);
    for (const o of order) {
      const drv = yield* this.loadService(o.service, o.entry);
      if (typeof drv === "number") {
        this.setProblem(node, o.entry === null ? CM_PROB_DRIVER_FAILED_LOAD : CM_PROB_FAILED_DRIVER_ENTRY, drv);
        if (pdo.AttachedDevice !== null) yield* PipSendRemove(this, node, true);
        return;
      }
      const add = drv.DriverExtension.AddDevice;
      if (add === null) continue;
      if (this.log !== null || this.machine.trace !== null) this.note(node.InstancePath, `AddDevice ${o.service}`);
      const st = yield* callRoutine(drv, `AddDevice of ${drv.DriverName}`, () => add(drv, pdo));
      if (!NT_SUCCESS(st)) {
        this.setProblem(node, CM_PROB_FAILED_ADD, st);
        if (pdo.AttachedDevice !== null) yield* PipSendRemove(this, node, true);
        return;
      }
    }
    node.State = DeviceNodeDriversAdded;
    yield* this.start(node);
  }

  /** Load a service's driver once (DriverEntry), or return the loaded one; a status if it cannot be loaded. */
  private *loadService(service: string, entry: DRIVER_INITIALIZE | DriverModule | null): KWAIT_GENERATOR<DRIVER_OBJECT | NTSTATUS> {
    const loaded = this.machine.driver(service);
    if (loaded !== undefined) return loaded;
    const fn = typeof entry === "function" ? entry : entry?.DriverEntry;
    if (typeof fn !== "function") return 0xc0000034 | 0; // STATUS_OBJECT_NAME_NOT_FOUND: no such service
    const m = this.machine;
    const drv = new DRIVER_OBJECT(`\\Driver\\${service}`);
    m.ob.namespace.insert(drv.DriverName, drv);
    if (this.log !== null || this.machine.trace !== null) this.note("", `DriverEntry ${service}`);
    const st = yield* callRoutine(drv, `DriverEntry of ${drv.DriverName}`, () => fn(drv, `\\Registry\\Machine\\System\\CurrentControlSet\\Services\\${service}`));
    if (!NT_SUCCESS(st)) {
      m.ob.namespace.remove(drv.DriverName);
      m.ob.addresses.removeDriver(drv);
      return st;
    }
    for (let d = drv.DeviceObject; d !== null; d = d.NextDevice) d.Flags &= ~DO_DEVICE_INITIALIZING;
    m.drivers.set(service.toUpperCase(), drv);
    m.trace?.event("driver-load", drv, null);
    return drv;
  }

  /** Assign resources and send START_DEVICE (bottom-up: each driver forwards it and finishes after the ones below). */
  /**
   * START_DEVICE with the assigned resources. Only a first start is followed by
   * QUERY_PNP_DEVICE_STATE: "This IRP is not sent on a start after a stop for resource
   * rebalancing" (IRP_MN_QUERY_PNP_DEVICE_STATE, When Sent).
   */
  private *start(node: DEVICE_NODE, firstStart = true): KWAIT_GENERATOR<void> {
    const pdo = node.PhysicalDeviceObject;
    let raw = 0;
    let translated = 0;
    let req = node.ResourceRequirements;
    if (req !== null && (firstStart || node.FiltersRequirements)) {
      // Windows filters the requirements through the stack before the arbiters assign from them.
      const f = yield* this.filterRequirements(node, req);
      if (typeof f === "number") {
        this.setProblem(node, CM_PROB_FAILED_START, f);
        yield* PipSendRemove(this, node, true);
        return;
      }
      req = f;
    }
    if (req !== null && req.List.length > 0) {
      const r = this.arbiter.assign(node, req);
      if (r === null) {
        this.setProblem(node, CM_PROB_NORMAL_CONFLICT, 0);
        return;
      }
      // The PnP manager owns the lists START_DEVICE points to, for as long as the resources are assigned.
      node.ResourceList = r.raw;
      node.ResourceListTranslated = r.translated;
      raw = node.ResourceListAddress = IoBuildCmResourceList(r.raw);
      translated = node.ResourceListTranslatedAddress = IoBuildCmResourceList(r.translated);
    }
    node.State = DeviceNodeResourcesAssigned;
    node.State = DeviceNodeStartPending;
    const st = yield* this.call(pdo, IRP_MN_START_DEVICE, raw, translated);
    if (!NT_SUCCESS(st)) {
      // A failed start: the stack is torn down with IRP_MN_REMOVE_DEVICE and the device keeps Code 10.
      this.setProblem(node, CM_PROB_FAILED_START, st);
      yield* PipSendRemove(this, node, true);
      return;
    }
    node.State = DeviceNodeStarted;
    // The power manager sends a started stack its system power IRPs, children before their parent.
    PopRegisterDeviceStack(pdo, node.Parent !== null ? node.Parent.PhysicalDeviceObject : null);
    if (firstStart) {
      // "The PnP manager sends this IRP again after all the drivers for a device have started
      // the device" (IRP_MN_QUERY_CAPABILITIES, When Sent): now the whole stack answers, top first.
      const caps = new DEVICE_CAPABILITIES();
      const cs = yield* this.call(pdo, IRP_MN_QUERY_CAPABILITIES, caps);
      if (NT_SUCCESS(cs)) node.Capabilities = caps;
      // Then for its PnP state (on its first start only).
      yield* this.queryState(node);
    }
    if (node.State === DeviceNodeStarted) yield* this.enumerate(node);
  }

  private *queryState(node: DEVICE_NODE): KWAIT_GENERATOR<void> {
    if (node.State !== DeviceNodeStarted) return;
    const st = yield* this.call(node.PhysicalDeviceObject, IRP_MN_QUERY_PNP_DEVICE_STATE);
    const flags = NT_SUCCESS(st) ? this.info : 0;
    node.UserFlags = flags;
    if ((flags & (PNP_DEVICE_FAILED | PNP_DEVICE_REMOVED)) !== 0) {
      // A device its driver says has failed is surprise-removed, then removed, and keeps Code 43.
      this.setProblem(node, CM_PROB_FAILED_POST_START, st);
      for (let c = node.Child; c !== null; ) {
        const next = c.Sibling;
        c.Present = false;
        yield* PipRemoveMissing(this, c);
        c = next;
      }
      yield* PipSurpriseRemove(this, node);
    } else if ((flags & PNP_DEVICE_RESOURCE_REQUIREMENTS_CHANGED) !== 0) {
      yield* this.rebalance(node);
    }
  }

  private *rebalance(node: DEVICE_NODE): KWAIT_GENERATOR<NTSTATUS> {
    if (node.State !== DeviceNodeStarted) return 0xc0000184 | 0; // STATUS_INVALID_DEVICE_STATE
    const pdo = node.PhysicalDeviceObject;
    const st = yield* this.call(pdo, IRP_MN_QUERY_STOP_DEVICE);
    if (!NT_SUCCESS(st)) {
      yield* this.call(pdo, IRP_MN_CANCEL_STOP_DEVICE);
      return st;
    }
    node.State = DeviceNodeQueryStopped;
    yield* this.call(pdo, IRP_MN_STOP_DEVICE);
    node.State = DeviceNodeStopped;
    PopUnregisterDeviceStack(pdo);
    this.releaseResources(node);
    // The requirements may have changed (PNP_DEVICE_RESOURCE_REQUIREMENTS_CHANGED): ask again.
    yield* this.queryRequirements(node);
    yield* this.start(node, false);
    return node.State === DeviceNodeStarted ? STATUS_SUCCESS : 0xc0000001 | 0;
  }

  /** What the manager did, for the test log and the machine's trace ("pnp" events). */
  /** @internal */
  note(InstancePath: string, what: string): void {
    this.log?.push({ InstancePath, what });
    this.machine.trace?.event("pnp", null, InstancePath === "" ? what : `${what} ${InstancePath}`);
  }

  /** @internal */
  setProblem(node: DEVICE_NODE, problem: number, status: NTSTATUS): void {
    node.Problem = problem;
    node.ProblemStatus = status;
    if (this.log !== null || this.machine.trace !== null) this.note(node.InstancePath, `problem ${problem}`);
  }

}

function PipNewEvent(): KEVENT {
  const e = new KEVENT();
  KeInitializeEvent(e, NotificationEvent, false);
  return e;
}

/** IopSynchronousCall's completion routine: the IRP is the PnP manager's again. */
function PipCallCompletion(DeviceObject: DEVICE_OBJECT | null, Irp: IRP, Context: KEVENT): NTSTATUS {
  void DeviceObject;
  if (Irp.PendingReturned) KeSetEvent(Context, IO_NO_INCREMENT, false);
  return STATUS_MORE_PROCESSING_REQUIRED;
}

/** Call a driver routine that may wait (AddDevice, DriverEntry) as the PnP thread, with the driver as the one running. */
export function* callRoutine<T>(driver: DRIVER_OBJECT, name: string, routine: () => T | KWAIT_GENERATOR<T>): KWAIT_GENERATOR<T> {
  const m = cur;
  const cpu = m.cpu;
  const prev = cpu.driver;
  cpu.driver = driver;
  let result: T | undefined;
  let finished = false;
  let event: KEVENT | null = null;
  const s = KiRunRoutine(routine(), name, (v) => {
    result = v as T;
    finished = true;
    if (event !== null) KeSetEvent(event, 0, false);
  });
  cpu.driver = prev;
  if (s !== null && !finished) {
    event = new KEVENT();
    KeInitializeEvent(event, NotificationEvent, false);
    yield* KeWaitForSingleObject(event, Executive, KernelMode, false, null);
  }
  return result as T;
}

/** Is any device of the stack above `pdo` still open? */
export function stackOpen(pdo: DEVICE_OBJECT): boolean {
  for (let d: DEVICE_OBJECT | null = pdo; d !== null; d = d.AttachedDevice) if (d.openCount > 0) return true;
  return false;
}

function minorName(minor: number, a1: any): string {
  const names: Record<number, string> = {
    0x00: "START_DEVICE", 0x01: "QUERY_REMOVE_DEVICE", 0x02: "REMOVE_DEVICE", 0x03: "CANCEL_REMOVE_DEVICE", 0x04: "STOP_DEVICE",
    0x05: "QUERY_STOP_DEVICE", 0x06: "CANCEL_STOP_DEVICE", 0x07: "QUERY_DEVICE_RELATIONS", 0x09: "QUERY_CAPABILITIES",
    0x0b: "QUERY_RESOURCE_REQUIREMENTS", 0x0c: "QUERY_DEVICE_TEXT", 0x0d: "FILTER_RESOURCE_REQUIREMENTS", 0x15: "QUERY_BUS_INFORMATION", 0x11: "EJECT", 0x13: "QUERY_ID", 0x14: "QUERY_PNP_DEVICE_STATE", 0x16: "DEVICE_USAGE_NOTIFICATION", 0x17: "SURPRISE_REMOVAL",
  };
  const n = names[minor] ?? `0x${minor.toString(16)}`;
  if (minor === IRP_MN_QUERY_ID) return `${n}(${["DeviceID", "HardwareIDs", "CompatibleIDs", "InstanceID"][a1 as number] ?? a1})`;
  if (minor === IRP_MN_QUERY_DEVICE_RELATIONS) return `${n}(${["BusRelations", "EjectionRelations", "PowerRelations", "RemovalRelations", "TargetDeviceRelation"][a1 as number] ?? a1})`;
  return n;
}

/** The device ID the package matched (the software key's MatchingDeviceId): the device's first ID the INF lists. */
function matchingId(node: DEVICE_NODE, pkg: DriverPackage): string {
  const ids = [...(pkg.hardwareIds ?? []), ...(pkg.compatibleIds ?? [])].map((p) => p.id.toUpperCase());
  for (const id of [...node.HardwareIds, ...node.CompatibleIds]) if (ids.includes(id.toUpperCase())) return id;
  return node.HardwareIds[0] ?? "";
}

function checkPackage(pkg: DriverPackage): void {
  const entry = typeof pkg?.DriverEntry === "function" ? pkg.DriverEntry : (pkg?.DriverEntry as DriverModule | undefined)?.DriverEntry;
  if (typeof pkg?.service !== "string" || !/^[^\\/]+$/.test(pkg.service) || !Array.isArray(pkg.hardwareIds) || typeof entry !== "function" || (pkg.framework !== "WDM" && pkg.framework !== "KMDF")) {
    throw new Error(
      "wdfjs: installDriverPackage(pkg): pkg needs a service name (no backslashes), hardwareIds [{ id, rank }], class, framework \"WDM\" or \"KMDF\" and DriverEntry.",
    );
  }
}

export type { RootDeviceDescription };
