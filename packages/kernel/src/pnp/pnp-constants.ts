/** PnP constants of wdm.h and cfg.h, with their WDK names and values. */

// IRP_MJ_PNP minor function codes (IRP_MN_QUERY_DEVICE_RELATIONS is in device-relations.ts).
export const IRP_MN_START_DEVICE = 0x00;
export const IRP_MN_QUERY_REMOVE_DEVICE = 0x01;
export const IRP_MN_REMOVE_DEVICE = 0x02;
export const IRP_MN_CANCEL_REMOVE_DEVICE = 0x03;
export const IRP_MN_STOP_DEVICE = 0x04;
export const IRP_MN_QUERY_STOP_DEVICE = 0x05;
export const IRP_MN_CANCEL_STOP_DEVICE = 0x06;
export const IRP_MN_QUERY_INTERFACE = 0x08;
export const IRP_MN_QUERY_CAPABILITIES = 0x09;
export const IRP_MN_QUERY_RESOURCES = 0x0a;
export const IRP_MN_QUERY_RESOURCE_REQUIREMENTS = 0x0b;
export const IRP_MN_QUERY_DEVICE_TEXT = 0x0c;
export const IRP_MN_FILTER_RESOURCE_REQUIREMENTS = 0x0d;
export const IRP_MN_READ_CONFIG = 0x0f;
export const IRP_MN_WRITE_CONFIG = 0x10;
export const IRP_MN_EJECT = 0x11;
export const IRP_MN_SET_LOCK = 0x12;
export const IRP_MN_QUERY_ID = 0x13;
export const IRP_MN_QUERY_PNP_DEVICE_STATE = 0x14;
export const IRP_MN_QUERY_BUS_INFORMATION = 0x15;
export const IRP_MN_DEVICE_USAGE_NOTIFICATION = 0x16;
export const IRP_MN_SURPRISE_REMOVAL = 0x17;
export const IRP_MN_DEVICE_ENUMERATED = 0x19;

/** The names of IRP_MJ_PNP's minor codes, indexed by code (for traces and tests). */
export const PnpMinorNames: readonly string[] = [
  "IRP_MN_START_DEVICE", "IRP_MN_QUERY_REMOVE_DEVICE", "IRP_MN_REMOVE_DEVICE", "IRP_MN_CANCEL_REMOVE_DEVICE",
  "IRP_MN_STOP_DEVICE", "IRP_MN_QUERY_STOP_DEVICE", "IRP_MN_CANCEL_STOP_DEVICE", "IRP_MN_QUERY_DEVICE_RELATIONS",
  "IRP_MN_QUERY_INTERFACE", "IRP_MN_QUERY_CAPABILITIES", "IRP_MN_QUERY_RESOURCES", "IRP_MN_QUERY_RESOURCE_REQUIREMENTS",
  "IRP_MN_QUERY_DEVICE_TEXT", "IRP_MN_FILTER_RESOURCE_REQUIREMENTS", "0x0e", "IRP_MN_READ_CONFIG", "IRP_MN_WRITE_CONFIG",
  "IRP_MN_EJECT", "IRP_MN_SET_LOCK", "IRP_MN_QUERY_ID", "IRP_MN_QUERY_PNP_DEVICE_STATE", "IRP_MN_QUERY_BUS_INFORMATION",
  "IRP_MN_DEVICE_USAGE_NOTIFICATION", "IRP_MN_SURPRISE_REMOVAL", "0x18", "IRP_MN_DEVICE_ENUMERATED",
];

/** BUS_QUERY_ID_TYPE: Parameters.QueryId.IdType. */
export const BusQueryDeviceID = 0;
export const BusQueryHardwareIDs = 1;
export const BusQueryCompatibleIDs = 2;
export const BusQueryInstanceID = 3;
export const BusQueryDeviceSerialNumber = 4;
export const BusQueryContainerID = 5;
export type BUS_QUERY_ID_TYPE = number;

/** DEVICE_TEXT_TYPE: Parameters.QueryDeviceText.DeviceTextType. */
export const DeviceTextDescription = 0;
export const DeviceTextLocationInformation = 1;
export type DEVICE_TEXT_TYPE = number;

/** DEVICE_USAGE_NOTIFICATION_TYPE: Parameters.UsageNotification.Type. */
export const DeviceUsageTypeUndefined = 0;
export const DeviceUsageTypePaging = 1;
export const DeviceUsageTypeHibernation = 2;
export const DeviceUsageTypeDumpFile = 3;
export const DeviceUsageTypeBoot = 4;
export const DeviceUsageTypePostDisplay = 5;
export const DeviceUsageTypeGuestAssigned = 6;
export type DEVICE_USAGE_NOTIFICATION_TYPE = number;

/** PNP_DEVICE_STATE bits a driver returns for IRP_MN_QUERY_PNP_DEVICE_STATE. */
export const PNP_DEVICE_DISABLED = 0x00000001;
export const PNP_DEVICE_DONT_DISPLAY_IN_UI = 0x00000002;
export const PNP_DEVICE_FAILED = 0x00000004;
export const PNP_DEVICE_REMOVED = 0x00000008;
export const PNP_DEVICE_RESOURCE_REQUIREMENTS_CHANGED = 0x00000010;
export const PNP_DEVICE_NOT_DISABLEABLE = 0x00000020;
export const PNP_DEVICE_DISCONNECTED = 0x00000040;
export type PNP_DEVICE_STATE = number;

/** DEVICE_REGISTRY_PROPERTY: what IoGetDeviceProperty reads. */
export const DevicePropertyDeviceDescription = 0x0;
export const DevicePropertyHardwareID = 0x1;
export const DevicePropertyCompatibleIDs = 0x2;
export const DevicePropertyBootConfiguration = 0x3;
export const DevicePropertyBootConfigurationTranslated = 0x4;
export const DevicePropertyClassName = 0x5;
export const DevicePropertyClassGuid = 0x6;
export const DevicePropertyDriverKeyName = 0x7;
export const DevicePropertyManufacturer = 0x8;
export const DevicePropertyFriendlyName = 0x9;
export const DevicePropertyLocationInformation = 0xa;
export const DevicePropertyPhysicalDeviceObjectName = 0xb;
export const DevicePropertyBusTypeGuid = 0xc;
export const DevicePropertyLegacyBusType = 0xd;
export const DevicePropertyBusNumber = 0xe;
export const DevicePropertyEnumeratorName = 0xf;
export const DevicePropertyAddress = 0x10;
export const DevicePropertyUINumber = 0x11;
export const DevicePropertyInstallState = 0x12;
export const DevicePropertyRemovalPolicy = 0x13;
export const DevicePropertyResourceRequirements = 0x14;
export const DevicePropertyAllocatedResources = 0x15;
export const DevicePropertyContainerID = 0x16;
export type DEVICE_REGISTRY_PROPERTY = number;

/** Device problem codes (cfg.h), as Device Manager shows them ("Code 10"). */
export const CM_PROB_NOT_CONFIGURED = 0x01;
export const CM_PROB_DEVLOADER_FAILED = 0x02;
export const CM_PROB_OUT_OF_MEMORY = 0x03;
export const CM_PROB_ENTRY_IS_WRONG_TYPE = 0x04;
export const CM_PROB_LACKED_ARBITRATOR = 0x05;
export const CM_PROB_BOOT_CONFIG_CONFLICT = 0x06;
export const CM_PROB_FAILED_FILTER = 0x07;
export const CM_PROB_DEVLOADER_NOT_FOUND = 0x08;
export const CM_PROB_INVALID_DATA = 0x09;
export const CM_PROB_FAILED_START = 0x0a;
export const CM_PROB_LIAR = 0x0b;
export const CM_PROB_NORMAL_CONFLICT = 0x0c;
export const CM_PROB_NOT_VERIFIED = 0x0d;
export const CM_PROB_NEED_RESTART = 0x0e;
export const CM_PROB_REENUMERATION = 0x0f;
export const CM_PROB_PARTIAL_LOG_CONF = 0x10;
export const CM_PROB_UNKNOWN_RESOURCE = 0x11;
export const CM_PROB_REINSTALL = 0x12;
export const CM_PROB_REGISTRY = 0x13;
export const CM_PROB_WILL_BE_REMOVED = 0x15;
export const CM_PROB_DISABLED = 0x16;
export const CM_PROB_DEVICE_NOT_THERE = 0x18;
export const CM_PROB_MOVED = 0x19;
export const CM_PROB_TOO_EARLY = 0x1a;
export const CM_PROB_NO_VALID_LOG_CONF = 0x1b;
export const CM_PROB_FAILED_INSTALL = 0x1c;
export const CM_PROB_HARDWARE_DISABLED = 0x1d;
export const CM_PROB_CANT_SHARE_IRQ = 0x1e;
export const CM_PROB_FAILED_ADD = 0x1f;
export const CM_PROB_DISABLED_SERVICE = 0x20;
export const CM_PROB_TRANSLATION_FAILED = 0x21;
export const CM_PROB_NO_SOFTCONFIG = 0x22;
export const CM_PROB_BIOS_TABLE = 0x23;
export const CM_PROB_IRQ_TRANSLATION_FAILED = 0x24;
export const CM_PROB_FAILED_DRIVER_ENTRY = 0x25;
export const CM_PROB_DRIVER_FAILED_PRIOR_UNLOAD = 0x26;
export const CM_PROB_DRIVER_FAILED_LOAD = 0x27;
export const CM_PROB_DRIVER_SERVICE_KEY_INVALID = 0x28;
export const CM_PROB_LEGACY_SERVICE_NO_DEVICES = 0x29;
export const CM_PROB_DUPLICATE_DEVICE = 0x2a;
export const CM_PROB_FAILED_POST_START = 0x2b;
export const CM_PROB_HALTED = 0x2c;
export const CM_PROB_PHANTOM = 0x2d;
export const CM_PROB_SYSTEM_SHUTDOWN = 0x2e;
export const CM_PROB_HELD_FOR_EJECT = 0x2f;
export const CM_PROB_DRIVER_BLOCKED = 0x30;

/** IoRegisterPlugPlayNotification's categories and flags. */
export const EventCategoryReserved = 0;
export const EventCategoryHardwareProfileChange = 1;
export const EventCategoryDeviceInterfaceChange = 2;
export const EventCategoryTargetDeviceChange = 3;
export type IO_NOTIFICATION_EVENT_CATEGORY = number;
export const PNPNOTIFY_DEVICE_INTERFACE_INCLUDE_EXISTING_INTERFACES = 0x00000001;

/** wdmguid.h: the events of a device-interface change notification. */
export const GUID_DEVICE_INTERFACE_ARRIVAL = "{CB3A4004-46F0-11D0-B08F-00609713053F}";
export const GUID_DEVICE_INTERFACE_REMOVAL = "{CB3A4005-46F0-11D0-B08F-00609713053F}";
/** wdmguid.h: the events of a target-device notification (EventCategoryTargetDeviceChange). */
export const GUID_TARGET_DEVICE_QUERY_REMOVE = "{CB3A4006-46F0-11D0-B08F-00609713053F}";
export const GUID_TARGET_DEVICE_REMOVE_CANCELLED = "{CB3A4007-46F0-11D0-B08F-00609713053F}";
export const GUID_TARGET_DEVICE_REMOVE_COMPLETE = "{CB3A4008-46F0-11D0-B08F-00609713053F}";
/** PNP_VETO_TYPE: why an orderly removal was refused. */
export const PNP_VetoTypeUnknown = 0;
export const PNP_VetoLegacyDevice = 1;
export const PNP_VetoPendingClose = 2;
export const PNP_VetoWindowsApp = 3;
export const PNP_VetoWindowsService = 4;
export const PNP_VetoOutstandingOpen = 5;
export const PNP_VetoDevice = 6;
export const PNP_VetoDriver = 7;
export const PNP_VetoIllegalDeviceRequest = 8;
export const PNP_VetoInsufficientPower = 9;
export const PNP_VetoNonDisableable = 10;
export const PNP_VetoLegacyDriver = 11;
export const PNP_VetoInsufficientRights = 12;
export type PNP_VETO_TYPE = number;
