/** DEVICE_CAPABILITIES (wdm.h): what IRP_MN_QUERY_CAPABILITIES fills in, bus driver first. */
export class DEVICE_CAPABILITIES {
  Size = 64;
  Version = 1;
  DeviceD1 = false;
  DeviceD2 = false;
  LockSupported = false;
  EjectSupported = false;
  Removable = false;
  DockDevice = false;
  UniqueID = false;
  SilentInstall = false;
  RawDeviceOK = false;
  SurpriseRemovalOK = false;
  WakeFromD0 = false;
  WakeFromD1 = false;
  WakeFromD2 = false;
  WakeFromD3 = false;
  HardwareDisabled = false;
  NonDynamic = false;
  WarmEjectSupported = false;
  NoDisplayInUI = false;
  /** 0xFFFFFFFF: unknown, as the PnP manager initialises them. */
  Address = 0xffffffff;
  UINumber = 0xffffffff;
  /** DEVICE_POWER_STATE per SYSTEM_POWER_STATE (PowerSystemUnspecified..PowerSystemShutdown). */
  readonly DeviceState: number[] = [0, 0, 0, 0, 0, 0, 0];
  SystemWake = 0;
  DeviceWake = 0;
  D1Latency = 0;
  D2Latency = 0;
  D3Latency = 0;
}
export type PDEVICE_CAPABILITIES = DEVICE_CAPABILITIES;
