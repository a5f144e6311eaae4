/**
 * Resource lists of wdm.h: what a bus driver asks for (IO_RESOURCE_REQUIREMENTS_LIST, from
 * IRP_MN_QUERY_RESOURCE_REQUIREMENTS) and what the PnP manager hands the stack in
 * IRP_MN_START_DEVICE (CM_RESOURCE_LIST, raw and translated). They are TypeScript objects
 * with the WDK's field names; where a pointer crosses IoStatus.Information the object's
 * address stands for it (AddressOfObject / ObjectAtAddress).
 */

/** CM_RESOURCE_TYPE. */
export const CmResourceTypeNull = 0;
export const CmResourceTypePort = 1;
export const CmResourceTypeInterrupt = 2;
export const CmResourceTypeMemory = 3;
export const CmResourceTypeDma = 4;
export const CmResourceTypeDeviceSpecific = 5;
export const CmResourceTypeBusNumber = 6;

/** CM_SHARE_DISPOSITION. */
export const CmResourceShareUndetermined = 0;
export const CmResourceShareDeviceExclusive = 1;
export const CmResourceShareDriverExclusive = 2;
export const CmResourceShareShared = 3;

/** IO_RESOURCE_DESCRIPTOR.Option. */
export const IO_RESOURCE_PREFERRED = 0x1;
export const IO_RESOURCE_DEFAULT = 0x2;
export const IO_RESOURCE_ALTERNATIVE = 0x8;

/** INTERFACE_TYPE values used here. */
export const Internal = 0;
export const Isa = 1;
export const PCIBus = 5;
export const PNPBus = 15;

/** IO_RESOURCE_DESCRIPTOR: one resource a device can use, as a range it may be placed in. */
export interface IO_RESOURCE_DESCRIPTOR {
  Option: number;
  Type: number;
  ShareDisposition: number;
  Flags: number;
  /** Port and Memory: the range (u.Port / u.Memory). */
  Length?: number;
  Alignment?: number;
  MinimumAddress?: number;
  MaximumAddress?: number;
  /** Interrupt (u.Interrupt). */
  MinimumVector?: number;
  MaximumVector?: number;
}

/** IO_RESOURCE_LIST: one complete configuration the device can work with. */
export interface IO_RESOURCE_LIST {
  Version: number;
  Revision: number;
  Count: number;
  Descriptors: IO_RESOURCE_DESCRIPTOR[];
}

/** IO_RESOURCE_REQUIREMENTS_LIST: the alternative configurations, most preferred first. */
export interface IO_RESOURCE_REQUIREMENTS_LIST {
  ListSize: number;
  InterfaceType: number;
  BusNumber: number;
  SlotNumber: number;
  AlternativeLists: number;
  List: IO_RESOURCE_LIST[];
}

/** CM_PARTIAL_RESOURCE_DESCRIPTOR: one assigned resource. */
export interface CM_PARTIAL_RESOURCE_DESCRIPTOR {
  Type: number;
  ShareDisposition: number;
  Flags: number;
  u: {
    /** Port / Memory. */
    Start?: number;
    Length?: number;
    /** Interrupt. */
    Level?: number;
    Vector?: number;
    Affinity?: number;
  };
}

export interface CM_PARTIAL_RESOURCE_LIST {
  Version: number;
  Revision: number;
  Count: number;
  PartialDescriptors: CM_PARTIAL_RESOURCE_DESCRIPTOR[];
}

export interface CM_FULL_RESOURCE_DESCRIPTOR {
  InterfaceType: number;
  BusNumber: number;
  PartialResourceList: CM_PARTIAL_RESOURCE_LIST;
}

/** CM_RESOURCE_LIST: what IRP_MN_START_DEVICE's AllocatedResources(Translated) point to. */
export interface CM_RESOURCE_LIST {
  Count: number;
  List: CM_FULL_RESOURCE_DESCRIPTOR[];
}

/** A requirements list of one alternative made of `Descriptors` (a convenience for bus drivers; ours). */
export function IoMakeResourceRequirementsList(Alternatives: IO_RESOURCE_DESCRIPTOR[][], InterfaceType = PNPBus, BusNumber = 0): IO_RESOURCE_REQUIREMENTS_LIST {
  return {
    ListSize: 0,
    InterfaceType,
    BusNumber,
    SlotNumber: 0,
    AlternativeLists: Alternatives.length,
    List: Alternatives.map((d) => ({ Version: 1, Revision: 1, Count: d.length, Descriptors: d })),
  };
}
