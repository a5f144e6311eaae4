/**
 * public.h and nonpnp.h's names (WDK general/ioctl/kmdf/sys): the IOCTL codes of device type
 * FILEIO_TYPE, the device's NT name and link, and the path nonpnpapp opens (the part after
 * `\\.\NONPNP` names the file the driver opens in `\SystemRoot\Temp`).
 */
import { CTL_CODE, FILE_ANY_ACCESS, METHOD_BUFFERED, METHOD_IN_DIRECT, METHOD_NEITHER, METHOD_OUT_DIRECT, POOL_TAG as MAKE_POOL_TAG } from "@wdfjs/kernel";

export const FILEIO_TYPE = 40001;
export const IOCTL_NONPNP_METHOD_IN_DIRECT = CTL_CODE(FILEIO_TYPE, 0x900, METHOD_IN_DIRECT, FILE_ANY_ACCESS);
export const IOCTL_NONPNP_METHOD_OUT_DIRECT = CTL_CODE(FILEIO_TYPE, 0x901, METHOD_OUT_DIRECT, FILE_ANY_ACCESS);
export const IOCTL_NONPNP_METHOD_BUFFERED = CTL_CODE(FILEIO_TYPE, 0x902, METHOD_BUFFERED, FILE_ANY_ACCESS);
export const IOCTL_NONPNP_METHOD_NEITHER = CTL_CODE(FILEIO_TYPE, 0x903, METHOD_NEITHER, FILE_ANY_ACCESS);

export const DRIVER_NAME = "NONPNP";
/** What nonpnpapp opens: the device, then the name of the driver's file. */
export const DEVICE_NAME = "\\\\.\\NONPNP\\nonpnpsamp.log";

export const NTDEVICE_NAME_STRING = "\\Device\\NONPNP";
export const SYMBOLIC_NAME_STRING = "\\DosDevices\\NONPNP";
/** nonpnp.h: 'ELIF'. */
export const POOL_TAG = MAKE_POOL_TAG("FILE");

/** FileEvtIoDeviceControl's `data`: what the driver writes into the caller's output buffer. */
export const DeviceDriverData = "this String is from Device Driver !!!";
