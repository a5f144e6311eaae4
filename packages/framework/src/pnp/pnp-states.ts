/** `WDF_DEVICE_PNP_STATE` (wdfdevice.h, KMDF 1.33): every state of the framework's PnP machine, with WDF's values. */
export const WdfDevStatePnpInvalid = 0x0;
export const WdfDevStatePnpObjectCreated = 0x100;
export const WdfDevStatePnpCheckForDevicePresence = 0x101;
export const WdfDevStatePnpEjectFailed = 0x102;
export const WdfDevStatePnpEjectHardware = 0x103;
export const WdfDevStatePnpEjectedWaitingForRemove = 0x104;
export const WdfDevStatePnpInit = 0x105;
export const WdfDevStatePnpInitStarting = 0x106;
export const WdfDevStatePnpInitSurpriseRemoved = 0x107;
export const WdfDevStatePnpHardwareAvailable = 0x108;
export const WdfDevStatePnpEnableInterfaces = 0x109;
export const WdfDevStatePnpHardwareAvailablePowerPolicyFailed = 0x10a;
export const WdfDevStatePnpQueryRemoveAskDriver = 0x10b;
export const WdfDevStatePnpQueryRemovePending = 0x10c;
export const WdfDevStatePnpQueryRemoveStaticCheck = 0x10d;
export const WdfDevStatePnpQueriedRemoving = 0x10e;
export const WdfDevStatePnpQueryStopAskDriver = 0x10f;
export const WdfDevStatePnpQueryStopPending = 0x110;
export const WdfDevStatePnpQueryStopStaticCheck = 0x111;
export const WdfDevStatePnpQueryCanceled = 0x112;
export const WdfDevStatePnpRemoved = 0x113;
export const WdfDevStatePnpPdoRemoved = 0x114;
export const WdfDevStatePnpRemovedPdoWait = 0x115;
export const WdfDevStatePnpRemovedPdoSurpriseRemoved = 0x116;
export const WdfDevStatePnpRemovingDisableInterfaces = 0x117;
export const WdfDevStatePnpRestarting = 0x118;
export const WdfDevStatePnpStarted = 0x119;
export const WdfDevStatePnpStartedCancelStop = 0x11a;
export const WdfDevStatePnpStartedCancelRemove = 0x11b;
export const WdfDevStatePnpStartedRemoving = 0x11c;
export const WdfDevStatePnpStartingFromStopped = 0x11d;
export const WdfDevStatePnpStopped = 0x11e;
export const WdfDevStatePnpStoppedWaitForStartCompletion = 0x11f;
export const WdfDevStatePnpStartedStopping = 0x120;
export const WdfDevStatePnpSurpriseRemove = 0x121;
export const WdfDevStatePnpInitQueryRemove = 0x122;
export const WdfDevStatePnpInitQueryRemoveCanceled = 0x123;
export const WdfDevStatePnpFdoRemoved = 0x124;
export const WdfDevStatePnpRemovedWaitForChildren = 0x125;
export const WdfDevStatePnpQueriedSurpriseRemove = 0x126;
export const WdfDevStatePnpSurpriseRemoveIoStarted = 0x127;
export const WdfDevStatePnpFailedPowerDown = 0x128;
export const WdfDevStatePnpFailedIoStarting = 0x129;
export const WdfDevStatePnpFailedOwnHardware = 0x12a;
export const WdfDevStatePnpFailed = 0x12b;
export const WdfDevStatePnpFailedSurpriseRemoved = 0x12c;
export const WdfDevStatePnpFailedStarted = 0x12d;
export const WdfDevStatePnpFailedWaitForRemove = 0x12e;
export const WdfDevStatePnpFailedInit = 0x12f;
export const WdfDevStatePnpPdoInitFailed = 0x130;
export const WdfDevStatePnpRestart = 0x131;
export const WdfDevStatePnpRestartReleaseHardware = 0x132;
export const WdfDevStatePnpRestartHardwareAvailable = 0x133;
export const WdfDevStatePnpPdoRestart = 0x134;
export const WdfDevStatePnpFinal = 0x135;
export const WdfDevStatePnpRemovedChildrenRemoved = 0x136;
export const WdfDevStatePnpQueryRemoveEnsureDeviceAwake = 0x137;
export const WdfDevStatePnpQueryStopEnsureDeviceAwake = 0x138;
export const WdfDevStatePnpFailedPowerPolicyRemoved = 0x139;
export const WdfDevStatePnpNull = 0x13a;
export type WDF_DEVICE_PNP_STATE = number;

/** The WDK name of each state, for traces and tests. */
export const WdfDevStatePnpNames: ReadonlyMap<WDF_DEVICE_PNP_STATE, string> = new Map<WDF_DEVICE_PNP_STATE, string>([
  [0x0, "WdfDevStatePnpInvalid"],
  [0x100, "WdfDevStatePnpObjectCreated"],
  [0x101, "WdfDevStatePnpCheckForDevicePresence"],
  [0x102, "WdfDevStatePnpEjectFailed"],
  [0x103, "WdfDevStatePnpEjectHardware"],
  [0x104, "WdfDevStatePnpEjectedWaitingForRemove"],
  [0x105, "WdfDevStatePnpInit"],
  [0x106, "WdfDevStatePnpInitStarting"],
  [0x107, "WdfDevStatePnpInitSurpriseRemoved"],
  [0x108, "WdfDevStatePnpHardwareAvailable"],
  [0x109, "WdfDevStatePnpEnableInterfaces"],
  [0x10a, "WdfDevStatePnpHardwareAvailablePowerPolicyFailed"],
  [0x10b, "WdfDevStatePnpQueryRemoveAskDriver"],
  [0x10c, "WdfDevStatePnpQueryRemovePending"],
  [0x10d, "WdfDevStatePnpQueryRemoveStaticCheck"],
  [0x10e, "WdfDevStatePnpQueriedRemoving"],
  [0x10f, "WdfDevStatePnpQueryStopAskDriver"],
  [0x110, "WdfDevStatePnpQueryStopPending"],
  [0x111, "WdfDevStatePnpQueryStopStaticCheck"],
  [0x112, "WdfDevStatePnpQueryCanceled"],
  [0x113, "WdfDevStatePnpRemoved"],
  [0x114, "WdfDevStatePnpPdoRemoved"],
  [0x115, "WdfDevStatePnpRemovedPdoWait"],
  [0x116, "WdfDevStatePnpRemovedPdoSurpriseRemoved"],
  [0x117, "WdfDevStatePnpRemovingDisableInterfaces"],
  [0x118, "WdfDevStatePnpRestarting"],
  [0x119, "WdfDevStatePnpStarted"],
  [0x11a, "WdfDevStatePnpStartedCancelStop"],
  [0x11b, "WdfDevStatePnpStartedCancelRemove"],
  [0x11c, "WdfDevStatePnpStartedRemoving"],
  [0x11d, "WdfDevStatePnpStartingFromStopped"],
  [0x11e, "WdfDevStatePnpStopped"],
  [0x11f, "WdfDevStatePnpStoppedWaitForStartCompletion"],
  [0x120, "WdfDevStatePnpStartedStopping"],
  [0x121, "WdfDevStatePnpSurpriseRemove"],
  [0x122, "WdfDevStatePnpInitQueryRemove"],
  [0x123, "WdfDevStatePnpInitQueryRemoveCanceled"],
  [0x124, "WdfDevStatePnpFdoRemoved"],
  [0x125, "WdfDevStatePnpRemovedWaitForChildren"],
  [0x126, "WdfDevStatePnpQueriedSurpriseRemove"],
  [0x127, "WdfDevStatePnpSurpriseRemoveIoStarted"],
  [0x128, "WdfDevStatePnpFailedPowerDown"],
  [0x129, "WdfDevStatePnpFailedIoStarting"],
  [0x12a, "WdfDevStatePnpFailedOwnHardware"],
  [0x12b, "WdfDevStatePnpFailed"],
  [0x12c, "WdfDevStatePnpFailedSurpriseRemoved"],
  [0x12d, "WdfDevStatePnpFailedStarted"],
  [0x12e, "WdfDevStatePnpFailedWaitForRemove"],
  [0x12f, "WdfDevStatePnpFailedInit"],
  [0x130, "WdfDevStatePnpPdoInitFailed"],
  [0x131, "WdfDevStatePnpRestart"],
  [0x132, "WdfDevStatePnpRestartReleaseHardware"],
  [0x133, "WdfDevStatePnpRestartHardwareAvailable"],
  [0x134, "WdfDevStatePnpPdoRestart"],
  [0x135, "WdfDevStatePnpFinal"],
  [0x136, "WdfDevStatePnpRemovedChildrenRemoved"],
  [0x137, "WdfDevStatePnpQueryRemoveEnsureDeviceAwake"],
  [0x138, "WdfDevStatePnpQueryStopEnsureDeviceAwake"],
  [0x139, "WdfDevStatePnpFailedPowerPolicyRemoved"],
  [0x13a, "WdfDevStatePnpNull"],
]);
