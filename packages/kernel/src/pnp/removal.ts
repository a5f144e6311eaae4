import { DOE_DELETE_PENDING, DOE_REMOVE_PENDING, DOE_REMOVE_PROCESSED } from "../io/constants.js";
import { PopUnregisterDeviceStack } from "../po/system-power.js";
import type { DEVICE_OBJECT } from "../io/device.js";
import type { DRIVER_OBJECT } from "../io/driver.js";
import { Executive, KernelMode, KeWaitForSingleObject, type KWAIT_GENERATOR } from "../ke/dispatcher.js";
import { ExFreePool } from "../mm/access.js";
import { NT_SUCCESS, STATUS_SUCCESS, STATUS_UNSUCCESSFUL, type NTSTATUS } from "../ntstatus.js";
import { ObDereferenceObject } from "../ob/object.js";
import { EjectionRelations, IRP_MN_QUERY_DEVICE_RELATIONS, ReadDeviceRelationsCount, ReadDeviceRelationsObject, RemovalRelations } from "./device-relations.js";
import {
  DEVICE_NODE, DeviceNodeDeletePendingCloses, DeviceNodeDeleted, DeviceNodeQueryRemoved, DeviceNodeQueryStopped, DeviceNodeRemoved,
  DeviceNodeStarted, DeviceNodeStopped,
} from "./device-node.js";
import type { TARGET_DEVICE_REMOVAL_NOTIFICATION } from "./device-interface.js";
import {
  GUID_TARGET_DEVICE_QUERY_REMOVE, GUID_TARGET_DEVICE_REMOVE_CANCELLED, GUID_TARGET_DEVICE_REMOVE_COMPLETE, IRP_MN_CANCEL_REMOVE_DEVICE,
  IRP_MN_EJECT, IRP_MN_QUERY_REMOVE_DEVICE, IRP_MN_REMOVE_DEVICE, IRP_MN_SURPRISE_REMOVAL, PNP_VetoDevice, PNP_VetoDriver,
  PNP_VetoOutstandingOpen, PNP_VetoTypeUnknown,
} from "./pnp-constants.js";
import { callRoutine, stackOpen, type PnpManager } from "./pnp-manager.js";

/*
 * How the PnP manager takes devices away: a device its bus stops reporting (surprise
 * removal, then REMOVE_DEVICE once its handles close), an orderly removal or eject
 * (relations, target-device listeners, QUERY_REMOVE, REMOVE, EJECT), and the tree's
 * bookkeeping when a node goes. All of it runs on the PnP manager's worker thread.
 */


/** A device its bus no longer reports: children first, then SURPRISE_REMOVAL (if started) or REMOVE at once. */
export function* PipRemoveMissing(pnp: PnpManager, node: DEVICE_NODE): KWAIT_GENERATOR<void> {
  for (let c = node.Child; c !== null; ) {
    const next = c.Sibling;
    c.Present = false;
    yield* PipRemoveMissing(pnp, c);
    c = next;
  }
  if (node.State === DeviceNodeStarted || node.State === DeviceNodeStopped || node.State === DeviceNodeQueryStopped) {
    yield* PipSurpriseRemove(pnp, node);
    return;
  }
  if (node.State === DeviceNodeDeletePendingCloses) return; // its REMOVE comes when the handles close
  yield* PipSendRemove(pnp, node);
}

export function* PipSurpriseRemove(pnp: PnpManager, node: DEVICE_NODE): KWAIT_GENERATOR<void> {
  const pdo = node.PhysicalDeviceObject;
  // New opens fail from now on; the handles already open still reach the drivers.
  for (let d: DEVICE_OBJECT | null = pdo; d !== null; d = d.AttachedDevice) d.ExtensionFlags |= DOE_REMOVE_PENDING;
  pnp.interfaces.disableAll(pdo);
  PopUnregisterDeviceStack(pdo);
  yield* pnp.call(pdo, IRP_MN_SURPRISE_REMOVAL);
  // Kernel listeners learn it is gone, so they close their handles (before the state says closes are awaited).
  yield* PipNotifyTarget(pnp, node, GUID_TARGET_DEVICE_REMOVE_COMPLETE);
  node.State = DeviceNodeDeletePendingCloses;
  if (!stackOpen(pdo)) yield* PipSendRemove(pnp, node);
}

/**
 * IRP_MN_REMOVE_DEVICE (top-down: each driver passes it on after detaching). The
 * resources go back; a device its bus no longer reports is deleted from the tree.
 */
export function* PipSendRemove(pnp: PnpManager, node: DEVICE_NODE, keepProblem = false): KWAIT_GENERATOR<void> {
  void keepProblem;
  const pdo = node.PhysicalDeviceObject;
  for (let d: DEVICE_OBJECT | null = pdo; d !== null; d = d.AttachedDevice) d.ExtensionFlags |= DOE_DELETE_PENDING;
  pnp.interfaces.disableAll(pdo);
  const drivers: DRIVER_OBJECT[] = [];
  for (let d: DEVICE_OBJECT | null = pdo.AttachedDevice; d !== null; d = d.AttachedDevice) if (!drivers.includes(d.DriverObject)) drivers.push(d.DriverObject);
  PopUnregisterDeviceStack(pdo);
  yield* pnp.call(pdo, IRP_MN_REMOVE_DEVICE);
  pnp.releaseResources(node);
  // A PnP driver whose last device went is unloaded, if it can be (it has a DriverUnload).
  for (const drv of drivers) {
    if (drv.DeviceObject !== null || drv.DriverUnload === null || pnp.machine.driver(drv.DriverName.slice(8)) !== drv) continue;
    if (pnp.log !== null || pnp.machine.trace !== null) pnp.note("", `DriverUnload ${drv.DriverName.slice(8)}`);
    const done = pnp.machine.IopCompleteUnload(drv);
    if (done !== null) yield* KeWaitForSingleObject(done, Executive, KernelMode, false, null);
  }
  // The children went first (each is removed before its parent); with the parent's REMOVE
  // its bus driver deleted their PDOs too, so their device nodes leave the tree with it.
  for (let c = node.Child; c !== null; ) {
    const next = c.Sibling;
    if (c.State === DeviceNodeRemoved) PipDeleteSubtree(pnp, c);
    c = next;
  }
  if (!node.Present) {
    PipDeleteNode(pnp, node);
    return;
  }
  // Still present (an orderly removal, a failed start): the PDO stays; it may be started again.
  pdo.ExtensionFlags &= ~(DOE_DELETE_PENDING | DOE_REMOVE_PENDING);
  pdo.ExtensionFlags |= DOE_REMOVE_PROCESSED;
  node.State = DeviceNodeRemoved;
}

function PipDeleteSubtree(pnp: PnpManager, node: DEVICE_NODE): void {
  for (let c = node.Child; c !== null; ) {
    const next = c.Sibling;
    PipDeleteSubtree(pnp, c);
    c = next;
  }
  PipDeleteNode(pnp, node);
}

export function PipDeleteNode(pnp: PnpManager, node: DEVICE_NODE): void {
  const parent = node.Parent;
  if (parent !== null) {
    if (parent.Child === node) parent.Child = node.Sibling;
    else for (let c = parent.Child; c !== null; c = c.Sibling) if (c.Sibling === node) c.Sibling = node.Sibling;
  }
  node.Parent = null;
  node.Sibling = null;
  node.State = DeviceNodeDeleted;
  pnp.nodeCount--;
  if (pnp.byPath.get(node.InstancePath.toUpperCase()) === node) pnp.byPath.delete(node.InstancePath.toUpperCase());
  const pdo = node.PhysicalDeviceObject;
  pnp.interfaces.forget(pdo);
  pdo.DeviceNode = null;
  // Our reference, taken when the bus reported it.
  ObDereferenceObject(pdo);
}

/** QUERY_REMOVE to the device and its children (children first), then REMOVE, or CANCEL_REMOVE to all if one refuses. */
export function* PipOrderlyRemove(pnp: PnpManager, node: DEVICE_NODE, eject: boolean): KWAIT_GENERATOR<NTSTATUS> {
  const subtree: DEVICE_NODE[] = [];
  const seen = new Set<DEVICE_NODE>();
  const walk = (n: DEVICE_NODE): void => {
    if (seen.has(n)) return;
    seen.add(n);
    for (let c = n.Child; c !== null; c = c.Sibling) walk(c);
    subtree.push(n);
  };
  // The devices that must go with it (EjectionRelations for an eject, RemovalRelations), then it and its children.
  const related: DEVICE_NODE[] = [];
  if (eject) yield* PipRelations(pnp, node, EjectionRelations, related);
  yield* PipRelations(pnp, node, RemovalRelations, related);
  for (const r of related) walk(r);
  walk(node);
  // Kernel listeners (EventCategoryTargetDeviceChange) hear of the query first and may close their
  // handles or veto; a handle still open after that vetoes the removal (PNP_VetoOutstandingOpen).
  const notified: DEVICE_NODE[] = [];
  pnp.lastVeto = PNP_VetoTypeUnknown;
  let veto: NTSTATUS = STATUS_SUCCESS;
  for (const n of subtree) {
    if (n.State !== DeviceNodeStarted) continue;
    notified.push(n);
    veto = yield* PipNotifyTarget(pnp, n, GUID_TARGET_DEVICE_QUERY_REMOVE);
    if (!NT_SUCCESS(veto)) {
      pnp.lastVeto = PNP_VetoDriver;
      break;
    }
  }
  if (NT_SUCCESS(veto)) {
    for (const n of subtree) {
      if (n.State === DeviceNodeStarted && stackOpen(n.PhysicalDeviceObject)) {
        pnp.lastVeto = PNP_VetoOutstandingOpen;
        veto = STATUS_UNSUCCESSFUL;
        break;
      }
    }
  }
  if (!NT_SUCCESS(veto)) {
    for (const n of notified) yield* PipNotifyTarget(pnp, n, GUID_TARGET_DEVICE_REMOVE_CANCELLED);
    return veto;
  }
  const queried: DEVICE_NODE[] = [];
  for (const n of subtree) {
    if (n.State !== DeviceNodeStarted) continue;
    queried.push(n);
    const st = yield* pnp.call(n.PhysicalDeviceObject, IRP_MN_QUERY_REMOVE_DEVICE);
    if (!NT_SUCCESS(st)) {
      pnp.lastVeto = PNP_VetoDevice;
      for (const q of queried) {
        yield* pnp.call(q.PhysicalDeviceObject, IRP_MN_CANCEL_REMOVE_DEVICE);
        q.State = DeviceNodeStarted;
      }
      for (const q of notified) yield* PipNotifyTarget(pnp, q, GUID_TARGET_DEVICE_REMOVE_CANCELLED);
      return st;
    }
    n.State = DeviceNodeQueryRemoved;
  }
  for (const n of subtree) {
    if (n.State === DeviceNodeRemoved || n.State === DeviceNodeDeleted) continue;
    for (let c = n.Child; c !== null; c = c.Sibling) c.Present = false;
    yield* PipSendRemove(pnp, n);
    if (notified.includes(n)) yield* PipNotifyTarget(pnp, n, GUID_TARGET_DEVICE_REMOVE_COMPLETE);
  }
  if (eject) yield* pnp.call(node.PhysicalDeviceObject, IRP_MN_EJECT);
  return STATUS_SUCCESS;
}

/**
 * The target-device callbacks registered on files open on `node`, in order, each run to its end
 * here (the PnP manager waits for them); for a query-remove, the first failure is a veto.
 */
export function* PipNotifyTarget(pnp: PnpManager, node: DEVICE_NODE, event: string): KWAIT_GENERATOR<NTSTATUS> {
  const all = pnp.interfaces.targetListeners;
  if (all.length === 0) return STATUS_SUCCESS;
  for (const e of all.filter((x) => x.node === node)) {
    if (!e.active) continue;
    const n: TARGET_DEVICE_REMOVAL_NOTIFICATION = { Version: 1, Size: 0, Event: event, FileObject: e.fileObject! };
    const st = yield* callRoutine(e.driver, `target-device notification of ${e.driver.DriverName}`, () => e.callback(n, e.context));
    if (event === GUID_TARGET_DEVICE_QUERY_REMOVE && !NT_SUCCESS(st)) return st;
  }
  return STATUS_SUCCESS;
}

/** QUERY_DEVICE_RELATIONS of `type`: the enumerated devices it names go into `out` (references dropped). */
export function* PipRelations(pnp: PnpManager, node: DEVICE_NODE, type: number, out: DEVICE_NODE[]): KWAIT_GENERATOR<void> {
  if (node.State !== DeviceNodeStarted) return;
  const st = yield* pnp.call(node.PhysicalDeviceObject, IRP_MN_QUERY_DEVICE_RELATIONS, type);
  const r = pnp.info;
  if (!NT_SUCCESS(st) || r === 0) return;
  const count = ReadDeviceRelationsCount(r);
  for (let i = 0; i < count; i++) {
    const d = ReadDeviceRelationsObject(r, i);
    if (d === null) continue;
    if (d.DeviceNode !== null && d.DeviceNode !== node && !out.includes(d.DeviceNode)) out.push(d.DeviceNode);
    ObDereferenceObject(d);
  }
  ExFreePool(r);
}
