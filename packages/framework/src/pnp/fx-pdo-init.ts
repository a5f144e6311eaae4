import type { FxDevice } from "../device/fx-device.js";
import type { WDF_PDO_EVENT_CALLBACKS } from "./wdf-pdo-event-callbacks.js";

/** One `WdfPdoInitAddDeviceText` entry: what IRP_MN_QUERY_DEVICE_TEXT answers for a locale. */
export interface FxDeviceText {
  readonly LocaleId: number;
  readonly DeviceDescription: string;
  readonly DeviceLocation: string;
}

/** What a PDO created by a dynamic child list keeps of its list entry. */
export interface FxChildDescriptionEntry {
  readonly list: unknown;
  readonly id: object;
  readonly address: object | null;
  /** The PDO's REMOVE deleted it. */
  pdoRemoved(): void;
}

/**
 * The PDO part of a `WDFDEVICE_INIT` (`FxDeviceInit::Pdo`, fxdeviceinitshared.hpp): the parent FDO
 * and the identity the bus driver reports for the child (IRP_MN_QUERY_ID, QUERY_DEVICE_TEXT), and
 * whether it is a raw device (started without a function driver).
 */
export class FxPdoInit {
  DeviceID: string | null = null;
  InstanceID: string | null = null;
  readonly HardwareIDs: string[] = [];
  readonly CompatibleIDs: string[] = [];
  readonly DeviceText: FxDeviceText[] = [];
  DefaultLocale = 0;
  Raw = false;
  DeviceClassGuid: string | null = null;
  /** Created for WdfFdoAddStaticChild (or a dynamic child list, which sets it false). */
  Static = true;
  /** A dynamic child's entry in its WDFCHILDLIST (its descriptions); null for a static child. */
  DescriptionEntry: FxChildDescriptionEntry | null = null;
  /** `ForwardRequestToParent` (WdfPdoInitAllowForwardingRequestToParent): the PDO's stack grows by the parent's, for WdfRequestForwardToParentDeviceIoQueue. */
  ForwardRequestToParent = false;
  /** `WdfPdoInitAssignContainerID`: the IRP_MN_QUERY_ID(BusQueryContainerID) answer. */
  ContainerID: string | null = null;
  /** `WdfPdoInitSetEventCallbacks`: a copy of the bus driver's WDF_PDO_EVENT_CALLBACKS (null: none). */
  EventCallbacks: WDF_PDO_EVENT_CALLBACKS | null = null;
  /** `WdfPdoInitRemovePowerDependencyOnParent`: the child may power up while its parent is in Dx. */
  PowerDependencyOnParent = true;

  constructor(readonly Parent: FxDevice) {}
}
