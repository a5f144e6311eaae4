/**
 * public.h of the WDK toaster family: the interface and class GUIDs, the bus IOCTLs and
 * the structures enum.exe hands to busenum.sys.
 */
import { CTL_CODE, FILE_DEVICE_BUS_EXTENDER, FILE_READ_DATA, METHOD_BUFFERED } from "@wdfjs/kernel";

export const GUID_DEVINTERFACE_BUSENUM_TOASTER = "{D35F7840-6A0C-11d2-B841-00C04FAD5171}";
export const GUID_DEVINTERFACE_TOASTER = "{781EF630-72B2-11d2-B852-00C04FAD5171}";
export const GUID_DEVCLASS_TOASTER = "{B85B7C50-6A01-11d2-B841-00C04FAD5171}";

/** BUS_HARDWARE_IDS and BUSENUM_COMPATIBLE_IDS (MULTI_SZ, one string each). */
export const BUS_HARDWARE_ID = "{B85B7C50-6A01-11d2-B841-00C04FAD5171}\\MsToaster";
export const BUSENUM_COMPATIBLE_ID = "{B85B7C50-6A01-11d2-B841-00C04FAD5171}\\MsCompatibleToaster";

/** The root-enumerated bus device's hardware ID (busenum.inf: `root\busenum`). */
export const BUSENUM_ROOT_HWID = "root\\busenum";

const BUSENUM_IOCTL = (i: number): number => CTL_CODE(FILE_DEVICE_BUS_EXTENDER, i, METHOD_BUFFERED, FILE_READ_DATA);
export const IOCTL_BUSENUM_PLUGIN_HARDWARE = BUSENUM_IOCTL(0x0);
export const IOCTL_BUSENUM_UNPLUG_HARDWARE = BUSENUM_IOCTL(0x1);
export const IOCTL_BUSENUM_EJECT_HARDWARE = BUSENUM_IOCTL(0x2);
export const IOCTL_TOASTER_DONT_DISPLAY_IN_UI_DEVICE = BUSENUM_IOCTL(0x3);

/** sizeof(BUSENUM_PLUGIN_HARDWARE): ULONG Size; ULONG SerialNo; WCHAR HardwareIDs[] (flexible, not counted). */
export const BUSENUM_PLUGIN_HARDWARE_SIZE = 8;
/** sizeof(BUSENUM_UNPLUG_HARDWARE) = sizeof(BUSENUM_EJECT_HARDWARE): Size, SerialNo, Reserved[2]. */
export const BUSENUM_UNPLUG_HARDWARE_SIZE = 16;
export const BUSENUM_EJECT_HARDWARE_SIZE = 16;

/** Service names, as the INFs install them. */
export const BUSENUM_SERVICE = "busenum";
export const TOASTER_SERVICE = "toaster";
export const DEVUPPER_SERVICE = "devupper";
export const DEVLOWER_SERVICE = "devlower";
export const CLSUPPER_SERVICE = "clsupper";
export const CLSLOWER_SERVICE = "clslower";
export const TOASTMON_SERVICE = "toastmon";
/** toastmon.inf: a root-enumerated device. */
export const TOASTMON_ROOT_HWID = "root\\toastmon";
