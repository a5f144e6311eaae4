/** `WDF_DEVICE_POWER_STATE` (wdfdevice.h, KMDF 1.33): every state of the framework's power machine, with WDF's values. */
/** `WdfDevStateNP`: the bit WDF sets on the non-pageable variant of a power state. */
export const WdfDevStateNP = 0x8000;
export const WdfDevStatePowerInvalid = 0x0;
export const WdfDevStatePowerObjectCreated = 0x300;
export const WdfDevStatePowerCheckDeviceType = 0x301;
export const WdfDevStatePowerCheckDeviceTypeNP = 0x8302;
export const WdfDevStatePowerCheckParentState = 0x303;
export const WdfDevStatePowerCheckParentStateNP = 0x8304;
export const WdfDevStatePowerEnablingWakeAtBus = 0x305;
export const WdfDevStatePowerEnablingWakeAtBusNP = 0x8306;
export const WdfDevStatePowerD0 = 0x307;
export const WdfDevStatePowerD0NP = 0x8308;
export const WdfDevStatePowerD0BusWakeOwner = 0x309;
export const WdfDevStatePowerD0BusWakeOwnerNP = 0x830a;
export const WdfDevStatePowerD0ArmedForWake = 0x30b;
export const WdfDevStatePowerD0ArmedForWakeNP = 0x830c;
export const WdfDevStatePowerD0DisarmingWakeAtBus = 0x30d;
export const WdfDevStatePowerD0DisarmingWakeAtBusNP = 0x830e;
export const WdfDevStatePowerD0Starting = 0x30f;
export const WdfDevStatePowerD0StartingConnectInterrupt = 0x310;
export const WdfDevStatePowerD0StartingDmaEnable = 0x311;
export const WdfDevStatePowerD0StartingStartSelfManagedIo = 0x312;
export const WdfDevStatePowerDecideD0State = 0x313;
export const WdfDevStatePowerGotoD3Stopped = 0x314;
export const WdfDevStatePowerStopped = 0x315;
export const WdfDevStatePowerStartingCheckDeviceType = 0x316;
export const WdfDevStatePowerStartingChild = 0x317;
export const WdfDevStatePowerDxDisablingWakeAtBus = 0x318;
export const WdfDevStatePowerDxDisablingWakeAtBusNP = 0x8319;
export const WdfDevStatePowerGotoDx = 0x31a;
export const WdfDevStatePowerGotoDxNP = 0x831b;
export const WdfDevStatePowerGotoDxIoStopped = 0x31c;
export const WdfDevStatePowerGotoDxIoStoppedNP = 0x831d;
export const WdfDevStatePowerGotoDxNPFailed = 0x831e;
export const WdfDevStatePowerDx = 0x31f;
export const WdfDevStatePowerDxNP = 0x8320;
export const WdfDevStatePowerGotoDxArmedForWake = 0x321;
export const WdfDevStatePowerGotoDxArmedForWakeNP = 0x8322;
export const WdfDevStatePowerGotoDxIoStoppedArmedForWake = 0x323;
export const WdfDevStatePowerGotoDxIoStoppedArmedForWakeNP = 0x8324;
export const WdfDevStatePowerDxArmedForWake = 0x325;
export const WdfDevStatePowerDxArmedForWakeNP = 0x8326;
export const WdfDevStatePowerCheckParentStateArmedForWake = 0x327;
export const WdfDevStatePowerCheckParentStateArmedForWakeNP = 0x8328;
export const WdfDevStatePowerWaitForParentArmedForWake = 0x329;
export const WdfDevStatePowerWaitForParentArmedForWakeNP = 0x832a;
export const WdfDevStatePowerStartSelfManagedIo = 0x32b;
export const WdfDevStatePowerStartSelfManagedIoNP = 0x832c;
export const WdfDevStatePowerStartSelfManagedIoFailed = 0x32d;
export const WdfDevStatePowerStartSelfManagedIoFailedNP = 0x832e;
export const WdfDevStatePowerWaitForParent = 0x32f;
export const WdfDevStatePowerWaitForParentNP = 0x8330;
export const WdfDevStatePowerWakePending = 0x331;
export const WdfDevStatePowerWakePendingNP = 0x8332;
export const WdfDevStatePowerWaking = 0x333;
export const WdfDevStatePowerWakingNP = 0x8334;
export const WdfDevStatePowerWakingConnectInterrupt = 0x335;
export const WdfDevStatePowerWakingConnectInterruptNP = 0x8336;
export const WdfDevStatePowerWakingConnectInterruptFailed = 0x337;
export const WdfDevStatePowerWakingConnectInterruptFailedNP = 0x8338;
export const WdfDevStatePowerWakingDmaEnable = 0x339;
export const WdfDevStatePowerWakingDmaEnableNP = 0x833a;
export const WdfDevStatePowerWakingDmaEnableFailed = 0x33b;
export const WdfDevStatePowerWakingDmaEnableFailedNP = 0x833c;
export const WdfDevStatePowerReportPowerUpFailedDerefParent = 0x33d;
export const WdfDevStatePowerReportPowerUpFailed = 0x33e;
export const WdfDevStatePowerPowerFailedPowerDown = 0x33f;
export const WdfDevStatePowerReportPowerDownFailed = 0x340;
export const WdfDevStatePowerInitialConnectInterruptFailed = 0x341;
export const WdfDevStatePowerInitialDmaEnableFailed = 0x342;
export const WdfDevStatePowerInitialSelfManagedIoFailed = 0x343;
export const WdfDevStatePowerInitialPowerUpFailedDerefParent = 0x344;
export const WdfDevStatePowerInitialPowerUpFailed = 0x345;
export const WdfDevStatePowerDxStoppedDisarmWake = 0x346;
export const WdfDevStatePowerDxStoppedDisarmWakeNP = 0x8347;
export const WdfDevStatePowerGotoDxStoppedDisableInterruptNP = 0x8348;
export const WdfDevStatePowerGotoDxStopped = 0x349;
export const WdfDevStatePowerDxStopped = 0x34a;
export const WdfDevStatePowerGotoStopped = 0x34b;
export const WdfDevStatePowerStoppedCompleteDx = 0x34c;
export const WdfDevStatePowerDxStoppedDecideDxState = 0x34d;
export const WdfDevStatePowerDxStoppedArmForWake = 0x34e;
export const WdfDevStatePowerDxStoppedArmForWakeNP = 0x834f;
export const WdfDevStatePowerFinalPowerDownFailed = 0x350;
export const WdfDevStatePowerFinal = 0x351;
export const WdfDevStatePowerGotoImplicitD3DisarmWakeAtBus = 0x352;
export const WdfDevStatePowerUpFailed = 0x353;
export const WdfDevStatePowerUpFailedDerefParent = 0x354;
export const WdfDevStatePowerGotoDxFailed = 0x355;
export const WdfDevStatePowerGotoDxStoppedDisableInterrupt = 0x356;
export const WdfDevStatePowerUpFailedNP = 0x8357;
export const WdfDevStatePowerUpFailedDerefParentNP = 0x8358;
export const WdfDevStatePowerNotifyingD0ExitToWakeInterrupts = 0x359;
export const WdfDevStatePowerNotifyingD0EntryToWakeInterrupts = 0x35a;
export const WdfDevStatePowerNotifyingD0ExitToWakeInterruptsNP = 0x835b;
export const WdfDevStatePowerNotifyingD0EntryToWakeInterruptsNP = 0x835c;
export const WdfDevStatePowerInitialPowerUpFailedPowerDown = 0x35d;
export const WdfDevStatePowerUpFailedPowerDown = 0x35e;
export const WdfDevStatePowerUpFailedPowerDownNP = 0x835f;
export const WdfDevStatePowerInitialSelfManagedIoFailedStarted = 0x360;
export const WdfDevStatePowerStartSelfManagedIoFailedStarted = 0x361;
export const WdfDevStatePowerStartSelfManagedIoFailedStartedNP = 0x8362;
export const WdfDevStatePowerWakingPostHardwareEnabled = 0x363;
export const WdfDevStatePowerWakingPostHardwareEnabledNP = 0x8364;
export const WdfDevStatePowerWakingPostHardwareEnabledFailed = 0x365;
export const WdfDevStatePowerWakingPostHardwareEnabledFailedNP = 0x8366;
export const WdfDevStatePowerD0StartingPostHardwareEnabled = 0x367;
export const WdfDevStatePowerInitialPostHardwareEnabledFailed = 0x368;
export const WdfDevStatePowerNull = 0x369;
export type WDF_DEVICE_POWER_STATE = number;

/** The WDK name of each state, for traces and tests. */
export const WdfDevStatePowerNames: ReadonlyMap<WDF_DEVICE_POWER_STATE, string> = new Map<WDF_DEVICE_POWER_STATE, string>([
  [0x0, "WdfDevStatePowerInvalid"],
  [0x300, "WdfDevStatePowerObjectCreated"],
  [0x301, "WdfDevStatePowerCheckDeviceType"],
  [0x8302, "WdfDevStatePowerCheckDeviceTypeNP"],
  [0x303, "WdfDevStatePowerCheckParentState"],
  [0x8304, "WdfDevStatePowerCheckParentStateNP"],
  [0x305, "WdfDevStatePowerEnablingWakeAtBus"],
  [0x8306, "WdfDevStatePowerEnablingWakeAtBusNP"],
  [0x307, "WdfDevStatePowerD0"],
  [0x8308, "WdfDevStatePowerD0NP"],
  [0x309, "WdfDevStatePowerD0BusWakeOwner"],
  [0x830a, "WdfDevStatePowerD0BusWakeOwnerNP"],
  [0x30b, "WdfDevStatePowerD0ArmedForWake"],
  [0x830c, "WdfDevStatePowerD0ArmedForWakeNP"],
  [0x30d, "WdfDevStatePowerD0DisarmingWakeAtBus"],
  [0x830e, "WdfDevStatePowerD0DisarmingWakeAtBusNP"],
  [0x30f, "WdfDevStatePowerD0Starting"],
  [0x310, "WdfDevStatePowerD0StartingConnectInterrupt"],
  [0x311, "WdfDevStatePowerD0StartingDmaEnable"],
  [0x312, "WdfDevStatePowerD0StartingStartSelfManagedIo"],
  [0x313, "WdfDevStatePowerDecideD0State"],
  [0x314, "WdfDevStatePowerGotoD3Stopped"],
  [0x315, "WdfDevStatePowerStopped"],
  [0x316, "WdfDevStatePowerStartingCheckDeviceType"],
  [0x317, "WdfDevStatePowerStartingChild"],
  [0x318, "WdfDevStatePowerDxDisablingWakeAtBus"],
  [0x8319, "WdfDevStatePowerDxDisablingWakeAtBusNP"],
  [0x31a, "WdfDevStatePowerGotoDx"],
  [0x831b, "WdfDevStatePowerGotoDxNP"],
  [0x31c, "WdfDevStatePowerGotoDxIoStopped"],
  [0x831d, "WdfDevStatePowerGotoDxIoStoppedNP"],
  [0x831e, "WdfDevStatePowerGotoDxNPFailed"],
  [0x31f, "WdfDevStatePowerDx"],
  [0x8320, "WdfDevStatePowerDxNP"],
  [0x321, "WdfDevStatePowerGotoDxArmedForWake"],
  [0x8322, "WdfDevStatePowerGotoDxArmedForWakeNP"],
  [0x323, "WdfDevStatePowerGotoDxIoStoppedArmedForWake"],
  [0x8324, "WdfDevStatePowerGotoDxIoStoppedArmedForWakeNP"],
  [0x325, "WdfDevStatePowerDxArmedForWake"],
  [0x8326, "WdfDevStatePowerDxArmedForWakeNP"],
  [0x327, "WdfDevStatePowerCheckParentStateArmedForWake"],
  [0x8328, "WdfDevStatePowerCheckParentStateArmedForWakeNP"],
  [0x329, "WdfDevStatePowerWaitForParentArmedForWake"],
  [0x832a, "WdfDevStatePowerWaitForParentArmedForWakeNP"],
  [0x32b, "WdfDevStatePowerStartSelfManagedIo"],
  [0x832c, "WdfDevStatePowerStartSelfManagedIoNP"],
  [0x32d, "WdfDevStatePowerStartSelfManagedIoFailed"],
  [0x832e, "WdfDevStatePowerStartSelfManagedIoFailedNP"],
  [0x32f, "WdfDevStatePowerWaitForParent"],
  [0x8330, "WdfDevStatePowerWaitForParentNP"],
  [0x331, "WdfDevStatePowerWakePending"],
  [0x8332, "WdfDevStatePowerWakePendingNP"],
  [0x333, "WdfDevStatePowerWaking"],
  [0x8334, "WdfDevStatePowerWakingNP"],
  [0x335, "WdfDevStatePowerWakingConnectInterrupt"],
  [0x8336, "WdfDevStatePowerWakingConnectInterruptNP"],
  [0x337, "WdfDevStatePowerWakingConnectInterruptFailed"],
  [0x8338, "WdfDevStatePowerWakingConnectInterruptFailedNP"],
  [0x339, "WdfDevStatePowerWakingDmaEnable"],
  [0x833a, "WdfDevStatePowerWakingDmaEnableNP"],
  [0x33b, "WdfDevStatePowerWakingDmaEnableFailed"],
  [0x833c, "WdfDevStatePowerWakingDmaEnableFailedNP"],
  [0x33d, "WdfDevStatePowerReportPowerUpFailedDerefParent"],
  [0x33e, "WdfDevStatePowerReportPowerUpFailed"],
  [0x33f, "WdfDevStatePowerPowerFailedPowerDown"],
  [0x340, "WdfDevStatePowerReportPowerDownFailed"],
  [0x341, "WdfDevStatePowerInitialConnectInterruptFailed"],
  [0x342, "WdfDevStatePowerInitialDmaEnableFailed"],
  [0x343, "WdfDevStatePowerInitialSelfManagedIoFailed"],
  [0x344, "WdfDevStatePowerInitialPowerUpFailedDerefParent"],
  [0x345, "WdfDevStatePowerInitialPowerUpFailed"],
  [0x346, "WdfDevStatePowerDxStoppedDisarmWake"],
  [0x8347, "WdfDevStatePowerDxStoppedDisarmWakeNP"],
  [0x8348, "WdfDevStatePowerGotoDxStoppedDisableInterruptNP"],
  [0x349, "WdfDevStatePowerGotoDxStopped"],
  [0x34a, "WdfDevStatePowerDxStopped"],
  [0x34b, "WdfDevStatePowerGotoStopped"],
  [0x34c, "WdfDevStatePowerStoppedCompleteDx"],
  [0x34d, "WdfDevStatePowerDxStoppedDecideDxState"],
  [0x34e, "WdfDevStatePowerDxStoppedArmForWake"],
  [0x834f, "WdfDevStatePowerDxStoppedArmForWakeNP"],
  [0x350, "WdfDevStatePowerFinalPowerDownFailed"],
  [0x351, "WdfDevStatePowerFinal"],
  [0x352, "WdfDevStatePowerGotoImplicitD3DisarmWakeAtBus"],
  [0x353, "WdfDevStatePowerUpFailed"],
  [0x354, "WdfDevStatePowerUpFailedDerefParent"],
  [0x355, "WdfDevStatePowerGotoDxFailed"],
  [0x356, "WdfDevStatePowerGotoDxStoppedDisableInterrupt"],
  [0x8357, "WdfDevStatePowerUpFailedNP"],
  [0x8358, "WdfDevStatePowerUpFailedDerefParentNP"],
  [0x359, "WdfDevStatePowerNotifyingD0ExitToWakeInterrupts"],
  [0x35a, "WdfDevStatePowerNotifyingD0EntryToWakeInterrupts"],
  [0x835b, "WdfDevStatePowerNotifyingD0ExitToWakeInterruptsNP"],
  [0x835c, "WdfDevStatePowerNotifyingD0EntryToWakeInterruptsNP"],
  [0x35d, "WdfDevStatePowerInitialPowerUpFailedPowerDown"],
  [0x35e, "WdfDevStatePowerUpFailedPowerDown"],
  [0x835f, "WdfDevStatePowerUpFailedPowerDownNP"],
  [0x360, "WdfDevStatePowerInitialSelfManagedIoFailedStarted"],
  [0x361, "WdfDevStatePowerStartSelfManagedIoFailedStarted"],
  [0x8362, "WdfDevStatePowerStartSelfManagedIoFailedStartedNP"],
  [0x363, "WdfDevStatePowerWakingPostHardwareEnabled"],
  [0x8364, "WdfDevStatePowerWakingPostHardwareEnabledNP"],
  [0x365, "WdfDevStatePowerWakingPostHardwareEnabledFailed"],
  [0x8366, "WdfDevStatePowerWakingPostHardwareEnabledFailedNP"],
  [0x367, "WdfDevStatePowerD0StartingPostHardwareEnabled"],
  [0x368, "WdfDevStatePowerInitialPostHardwareEnabledFailed"],
  [0x369, "WdfDevStatePowerNull"],
]);
