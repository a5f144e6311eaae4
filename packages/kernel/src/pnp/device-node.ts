import type { DEVICE_OBJECT } from "../io/device.js";
import type { DriverPackage } from "./driver-store.js";
import type { CM_RESOURCE_LIST, IO_RESOURCE_REQUIREMENTS_LIST } from "./resources.js";
import type { DEVICE_CAPABILITIES } from "./device-capabilities.js";

/** PNP_DEVNODE_STATE: where a device node is in its life (the Windows values). */
export const DeviceNodeUnspecified = 0x300;
export const DeviceNodeUninitialized = 0x301;
export const DeviceNodeInitialized = 0x302;
export const DeviceNodeDriversAdded = 0x303;
export const DeviceNodeResourcesAssigned = 0x304;
export const DeviceNodeStartPending = 0x305;
export const DeviceNodeStartCompletion = 0x306;
export const DeviceNodeStartPostWork = 0x307;
export const DeviceNodeStarted = 0x308;
export const DeviceNodeQueryStopped = 0x309;
export const DeviceNodeStopped = 0x30a;
export const DeviceNodeRestartCompletion = 0x30b;
export const DeviceNodeEnumeratePending = 0x30c;
export const DeviceNodeEnumerateCompletion = 0x30d;
export const DeviceNodeAwaitingQueuedDeletion = 0x30e;
export const DeviceNodeAwaitingQueuedRemoval = 0x30f;
export const DeviceNodeQueryRemoved = 0x310;
export const DeviceNodeRemovePendingCloses = 0x311;
export const DeviceNodeRemoved = 0x312;
export const DeviceNodeDeletePendingCloses = 0x313;
export const DeviceNodeDeleted = 0x314;
export type PNP_DEVNODE_STATE = number;

const STATE_NAMES = [
  "DeviceNodeUnspecified", "DeviceNodeUninitialized", "DeviceNodeInitialized", "DeviceNodeDriversAdded", "DeviceNodeResourcesAssigned",
  "DeviceNodeStartPending", "DeviceNodeStartCompletion", "DeviceNodeStartPostWork", "DeviceNodeStarted", "DeviceNodeQueryStopped",
  "DeviceNodeStopped", "DeviceNodeRestartCompletion", "DeviceNodeEnumeratePending", "DeviceNodeEnumerateCompletion",
  "DeviceNodeAwaitingQueuedDeletion", "DeviceNodeAwaitingQueuedRemoval", "DeviceNodeQueryRemoved", "DeviceNodeRemovePendingCloses",
  "DeviceNodeRemoved", "DeviceNodeDeletePendingCloses", "DeviceNodeDeleted",
];

/** The name of a PNP_DEVNODE_STATE value. */
export function DeviceNodeStateName(State: PNP_DEVNODE_STATE): string {
  return STATE_NAMES[State - DeviceNodeUnspecified] ?? `0x${State.toString(16)}`;
}

/**
 * DEVICE_NODE: the PnP manager's record of one device, hung on its PDO
 * (DEVOBJ_EXTENSION.DeviceNode). Fields only, no closures or maps, so ten thousand
 * stay small: children are a linked list as in Windows (Child/Sibling/Parent).
 */
export class DEVICE_NODE {
  Parent: DEVICE_NODE | null = null;
  Child: DEVICE_NODE | null = null;
  Sibling: DEVICE_NODE | null = null;
  State: PNP_DEVNODE_STATE = DeviceNodeUninitialized;
  PreviousState: PNP_DEVNODE_STATE = DeviceNodeUnspecified;
  /** CM_PROB_* or 0. */
  Problem = 0;
  /** The status that caused the problem (DEVICE_NODE.ProblemStatus). */
  ProblemStatus = 0;
  /** `<enumerator>\<device ID>\<instance ID>`: "ROOT\SYSTEM\0000", "TOASTER\MSTOASTER\01". */
  InstancePath = "";
  DeviceId = "";
  InstanceId = "";
  HardwareIds: string[] = [];
  CompatibleIds: string[] = [];
  DeviceDescription = "";
  /** From IRP_MN_QUERY_BUS_INFORMATION (BusNumber -1: the bus did not say). */
  BusTypeGuid = "";
  LegacyBusType = -1;
  BusNumber = -1;
  LocationInformation = "";
  /** The setup class and the service of the matched package. */
  ClassName = "";
  ClassGuid = "";
  Service = "";
  /** The installed package, or null (CM_PROB_FAILED_INSTALL). */
  Package: DriverPackage | null = null;
  /** `{classGuid}\0000`: the software key's name under Control\Class (DevicePropertyDriverKeyName). */
  DriverKeyName = "";
  Capabilities: DEVICE_CAPABILITIES | null = null;
  ResourceRequirements: IO_RESOURCE_REQUIREMENTS_LIST | null = null;
  /** The stack replaced the list of IRP_MN_FILTER_RESOURCE_REQUIREMENTS at the first start (it is filtered again on a rebalance). */
  FiltersRequirements = false;
  /** The resources assigned (decoded), and the CM_RESOURCE_LISTs in pool that START_DEVICE pointed to (0: none). */
  ResourceList: CM_RESOURCE_LIST | null = null;
  ResourceListTranslated: CM_RESOURCE_LIST | null = null;
  ResourceListAddress = 0;
  ResourceListTranslatedAddress = 0;
  /** Reported by its bus in the last enumeration (cleared when missing). */
  Present = true;
  /** The enumeration that last reported it (the PnP manager's mark). */
  Reported = 0;
  /** Interfaces registered for this device (symbolic link names). */
  Interfaces: string[] | null = null;
  /** A driver's PNP_DEVICE_DONT_DISPLAY_IN_UI etc. from the last QUERY_PNP_DEVICE_STATE. */
  UserFlags = 0;
  constructor(readonly PhysicalDeviceObject: DEVICE_OBJECT) {}
}
export type PDEVICE_NODE = DEVICE_NODE;
