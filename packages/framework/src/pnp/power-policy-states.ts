/** `WDF_DEVICE_POWER_POLICY_STATE` (wdfdevice.h, KMDF 1.33): every state of the framework's power-policy machine, with WDF's values. */
export const WdfDevStatePwrPolInvalid = 0x0;
export const WdfDevStatePwrPolObjectCreated = 0x500;
export const WdfDevStatePwrPolStarting = 0x501;
export const WdfDevStatePwrPolStartingSucceeded = 0x502;
export const WdfDevStatePwrPolStartingFailed = 0x503;
export const WdfDevStatePwrPolStartingDecideS0Wake = 0x504;
export const WdfDevStatePwrPolStartedIdleCapable = 0x505;
export const WdfDevStatePwrPolTimerExpiredNoWake = 0x506;
export const WdfDevStatePwrPolTimerExpiredNoWakeCompletePowerDown = 0x507;
export const WdfDevStatePwrPolWaitingUnarmed = 0x508;
export const WdfDevStatePwrPolWaitingUnarmedQueryIdle = 0x509;
export const WdfDevStatePwrPolS0NoWakePowerUp = 0x50a;
export const WdfDevStatePwrPolS0NoWakeCompletePowerUp = 0x50b;
export const WdfDevStatePwrPolSystemSleepFromDeviceWaitingUnarmed = 0x50c;
export const WdfDevStatePwrPolSystemSleepNeedWake = 0x50d;
export const WdfDevStatePwrPolSystemSleepNeedWakeCompletePowerUp = 0x50e;
export const WdfDevStatePwrPolSystemSleepPowerRequestFailed = 0x50f;
export const WdfDevStatePwrPolCheckPowerPageable = 0x510;
export const WdfDevStatePwrPolSleepingWakeWakeArrived = 0x511;
export const WdfDevStatePwrPolSleepingWakeRevertArmWake = 0x512;
export const WdfDevStatePwrPolSystemAsleepWakeArmed = 0x513;
export const WdfDevStatePwrPolSystemWakeDeviceWakeEnabled = 0x514;
export const WdfDevStatePwrPolSystemWakeDeviceWakeEnabledWakeCanceled = 0x515;
export const WdfDevStatePwrPolSystemWakeDeviceWakeDisarm = 0x516;
export const WdfDevStatePwrPolSystemWakeDeviceWakeTriggered = 0x517;
export const WdfDevStatePwrPolSystemWakeDeviceWakeTriggeredS0 = 0x518;
export const WdfDevStatePwrPolSystemWakeDeviceWokeDisarm = 0x519;
export const WdfDevStatePwrPolSleepingWakeWakeArrivedNP = 0x851a;
export const WdfDevStatePwrPolSleepingWakeRevertArmWakeNP = 0x851b;
export const WdfDevStatePwrPolSleepingWakePowerDownFailed = 0x51c;
export const WdfDevStatePwrPolSleepingWakePowerDownFailedWakeCanceled = 0x51d;
export const WdfDevStatePwrPolSystemAsleepWakeArmedNP = 0x851e;
export const WdfDevStatePwrPolSystemWakeDeviceWakeEnabledNP = 0x851f;
export const WdfDevStatePwrPolSystemWakeDeviceWakeEnabledWakeCanceledNP = 0x8520;
export const WdfDevStatePwrPolSystemWakeDeviceWakeDisarmNP = 0x8521;
export const WdfDevStatePwrPolSystemWakeDeviceWakeTriggeredNP = 0x8522;
export const WdfDevStatePwrPolSystemWakeDeviceWakeTriggeredS0NP = 0x8523;
export const WdfDevStatePwrPolSystemWakeDeviceWokeDisarmNP = 0x8524;
export const WdfDevStatePwrPolSystemWakeDeviceWakeCompletePowerUp = 0x525;
export const WdfDevStatePwrPolSleeping = 0x526;
export const WdfDevStatePwrPolSleepingNoWakePowerDown = 0x527;
export const WdfDevStatePwrPolSleepingNoWakeCompletePowerDown = 0x528;
export const WdfDevStatePwrPolSleepingNoWakeDxRequestFailed = 0x529;
export const WdfDevStatePwrPolSleepingWakePowerDown = 0x52a;
export const WdfDevStatePwrPolSleepingSendWake = 0x52b;
export const WdfDevStatePwrPolSystemAsleepNoWake = 0x52c;
export const WdfDevStatePwrPolSystemWakeDeviceWakeDisabled = 0x52d;
export const WdfDevStatePwrPolSystemWakeDeviceToD0 = 0x52e;
export const WdfDevStatePwrPolSystemWakeDeviceToD0CompletePowerUp = 0x52f;
export const WdfDevStatePwrPolSystemWakeQueryIdle = 0x530;
export const WdfDevStatePwrPolStartedWakeCapable = 0x531;
export const WdfDevStatePwrPolTimerExpiredDecideUsbSS = 0x532;
export const WdfDevStatePwrPolTimerExpiredWakeCapablePowerDown = 0x533;
export const WdfDevStatePwrPolTimerExpiredWakeCapableSendWake = 0x534;
export const WdfDevStatePwrPolTimerExpiredWakeCapableUsbSS = 0x535;
export const WdfDevStatePwrPolTimerExpiredWakeCapableWakeArrived = 0x536;
export const WdfDevStatePwrPolTimerExpiredWakeCapableCancelWake = 0x537;
export const WdfDevStatePwrPolTimerExpiredWakeCapableWakeCanceled = 0x538;
export const WdfDevStatePwrPolTimerExpiredWakeCapableCleanup = 0x539;
export const WdfDevStatePwrPolTimerExpiredWakeCapableDxAllocFailed = 0x53a;
export const WdfDevStatePwrPolTimerExpiredWakeCompletedPowerDown = 0x53b;
export const WdfDevStatePwrPolTimerExpiredWakeCompletedPowerUp = 0x53c;
export const WdfDevStatePwrPolWaitingArmedUsbSS = 0x53d;
export const WdfDevStatePwrPolWaitingArmed = 0x53e;
export const WdfDevStatePwrPolWaitingArmedQueryIdle = 0x53f;
export const WdfDevStatePwrPolIoPresentArmed = 0x540;
export const WdfDevStatePwrPolIoPresentArmedWakeCanceled = 0x541;
export const WdfDevStatePwrPolS0WakeDisarm = 0x542;
export const WdfDevStatePwrPolS0WakeCompletePowerUp = 0x543;
export const WdfDevStatePwrPolTimerExpiredWakeSucceeded = 0x544;
export const WdfDevStatePwrPolTimerExpiredWakeCompletedDisarm = 0x545;
export const WdfDevStatePwrPolTimerExpiredWakeCapableWakeSucceeded = 0x546;
export const WdfDevStatePwrPolTimerExpiredWakeCapableWakeFailed = 0x547;
export const WdfDevStatePwrPolWakeFailedUsbSS = 0x548;
export const WdfDevStatePwrPolTimerExpiredWakeCapablePowerDownFailedCancelWake = 0x549;
export const WdfDevStatePwrPolTimerExpiredWakeCapablePowerDownFailedWakeCanceled = 0x54a;
export const WdfDevStatePwrPolTimerExpiredWakeCapablePowerDownFailedUsbSS = 0x54b;
export const WdfDevStatePwrPolCancelingWakeForSystemSleep = 0x54c;
export const WdfDevStatePwrPolCancelingWakeForSystemSleepWakeCanceled = 0x54d;
export const WdfDevStatePwrPolDisarmingWakeForSystemSleepCompletePowerUp = 0x54e;
export const WdfDevStatePwrPolPowerUpForSystemSleepFailed = 0x54f;
export const WdfDevStatePwrPolWokeFromS0UsbSS = 0x550;
export const WdfDevStatePwrPolWokeFromS0 = 0x551;
export const WdfDevStatePwrPolWokeFromS0NotifyDriver = 0x552;
export const WdfDevStatePwrPolStoppingResetDevice = 0x553;
export const WdfDevStatePwrPolStoppingResetDeviceCompletePowerUp = 0x554;
export const WdfDevStatePwrPolStoppingResetDeviceFailed = 0x555;
export const WdfDevStatePwrPolStoppingD0 = 0x556;
export const WdfDevStatePwrPolStoppingD0Failed = 0x557;
export const WdfDevStatePwrPolStoppingDisarmWake = 0x558;
export const WdfDevStatePwrPolStoppingDisarmWakeCancelWake = 0x559;
export const WdfDevStatePwrPolStoppingDisarmWakeWakeCanceled = 0x55a;
export const WdfDevStatePwrPolStopping = 0x55b;
export const WdfDevStatePwrPolStoppingFailed = 0x55c;
export const WdfDevStatePwrPolStoppingSendStatus = 0x55d;
export const WdfDevStatePwrPolStoppingCancelTimer = 0x55e;
export const WdfDevStatePwrPolStoppingWaitForIdleTimeout = 0x55f;
export const WdfDevStatePwrPolStoppingCancelUsbSS = 0x560;
export const WdfDevStatePwrPolStoppingWaitForUsbSSCompletion = 0x561;
export const WdfDevStatePwrPolStoppingCancelWake = 0x562;
export const WdfDevStatePwrPolStopped = 0x563;
export const WdfDevStatePwrPolCancelUsbSS = 0x564;
export const WdfDevStatePwrPolStarted = 0x565;
export const WdfDevStatePwrPolStartedCancelTimer = 0x566;
export const WdfDevStatePwrPolStartedWaitForIdleTimeout = 0x567;
export const WdfDevStatePwrPolStartedWakeCapableCancelTimerForSleep = 0x568;
export const WdfDevStatePwrPolStartedWakeCapableWaitForIdleTimeout = 0x569;
export const WdfDevStatePwrPolStartedWakeCapableSleepingUsbSS = 0x56a;
export const WdfDevStatePwrPolStartedIdleCapableCancelTimerForSleep = 0x56b;
export const WdfDevStatePwrPolStartedIdleCapableWaitForIdleTimeout = 0x56c;
export const WdfDevStatePwrPolDeviceD0PowerRequestFailed = 0x56d;
export const WdfDevStatePwrPolDevicePowerRequestFailed = 0x56e;
export const WdfDevStatePwrPolGotoDx = 0x56f;
export const WdfDevStatePwrPolGotoDxInDx = 0x570;
export const WdfDevStatePwrPolDx = 0x571;
export const WdfDevStatePwrPolGotoD0 = 0x572;
export const WdfDevStatePwrPolGotoD0InD0 = 0x573;
export const WdfDevStatePwrPolFinal = 0x574;
export const WdfDevStatePwrPolSleepingPowerDownNotProcessed = 0x575;
export const WdfDevStatePwrPolTimerExpiredWakeCapablePowerDownNotProcessed = 0x576;
export const WdfDevStatePwrPolTimerExpiredNoWakePowerDownNotProcessed = 0x577;
export const WdfDevStatePwrPolTimerExpiredNoWakePoweredDownDisableIdleTimer = 0x578;
export const WdfDevStatePwrPolStoppingWaitingForImplicitPowerDown = 0x579;
export const WdfDevStatePwrPolStoppingPoweringUp = 0x57a;
export const WdfDevStatePwrPolStoppingPoweringDown = 0x57b;
export const WdfDevStatePwrPolPowerUpForSystemSleepNotSeen = 0x57c;
export const WdfDevStatePwrPolWaitingArmedStoppingCancelUsbSS = 0x57d;
export const WdfDevStatePwrPolWaitingArmedWakeFailedCancelUsbSS = 0x57e;
export const WdfDevStatePwrPolWaitingArmedIoPresentCancelUsbSS = 0x57f;
export const WdfDevStatePwrPolWaitingArmedWakeSucceededCancelUsbSS = 0x580;
export const WdfDevStatePwrPolCancelingUsbSSForSystemSleep = 0x581;
export const WdfDevStatePwrPolStoppingD0CancelUsbSS = 0x582;
export const WdfDevStatePwrPolStartingPoweredUp = 0x583;
export const WdfDevStatePwrPolIdleCapableDeviceIdle = 0x584;
export const WdfDevStatePwrPolDeviceIdleReturnToActive = 0x585;
export const WdfDevStatePwrPolDeviceIdleSleeping = 0x586;
export const WdfDevStatePwrPolDeviceIdleStopping = 0x587;
export const WdfDevStatePwrPolTimerExpiredNoWakeUndoPowerDown = 0x588;
export const WdfDevStatePwrPolWakeCapableDeviceIdle = 0x589;
export const WdfDevStatePwrPolWakeCapableUsbSSCompleted = 0x58a;
export const WdfDevStatePwrPolTimerExpiredWakeCapableUndoPowerDown = 0x58b;
export const WdfDevStatePwrPolTimerExpiredWakeCompletedHardwareStarted = 0x58c;
export const WdfDevStatePwrPolStoppedRemoving = 0x58d;
export const WdfDevStatePwrPolRemoved = 0x58e;
export const WdfDevStatePwrPolRestarting = 0x58f;
export const WdfDevStatePwrPolRestartingFailed = 0x590;
export const WdfDevStatePwrPolStartingPoweredUpFailed = 0x591;
export const WdfDevStatePwrPolTimerExpiredNoWakeReturnToActive = 0x592;
export const WdfDevStatePwrPolWaitingArmedWakeInterruptFired = 0x593;
export const WdfDevStatePwrPolSystemWakeDeviceWakeInterruptFired = 0x594;
export const WdfDevStatePwrPolSystemWakeDeviceWakeInterruptFiredNP = 0x8595;
export const WdfDevStatePwrPolTimerExpiredWakeCapableWakeInterruptArrived = 0x596;
export const WdfDevStatePwrPolTimerExpiredWakeCapablePowerDownFailedWakeInterruptArrived = 0x597;
export const WdfDevStatePwrPolWaitingArmedWakeInterruptFiredDuringPowerDown = 0x598;
export const WdfDevStatePwrPolStartedNotIdleCapableDirectedDown = 0x599;
export const WdfDevStatePwrPolStartedIdleCapableTimerCanceledForSleep = 0x59a;
export const WdfDevStatePwrPolTimerExpiredNoWakeUndoPowerDownWaitForDirectedUp = 0x59b;
export const WdfDevStatePwrPolIdleCapableTimerNotExpiredDirectedDown = 0x59c;
export const WdfDevStatePwrPolIdleCapableDirectedDownTriggerDPNR = 0x59d;
export const WdfDevStatePwrPolWaitingUnarmedDirectedDown = 0x59e;
export const WdfDevStatePwrPolIdleCapableDirectedDownTriggerDPR = 0x59f;
export const WdfDevStatePwrPolStartedWakeCapableTimerCanceledForSleep = 0x5a0;
export const WdfDevStatePwrPolWakeCapableTimerNotExpiredDirectedDown = 0x5a1;
export const WdfDevStatePwrPolWakeCapableDirectedDownTriggerDPNR = 0x5a2;
export const WdfDevStatePwrPolTimerExpiredWakeCompletedPowerDownWaitForDirectedUp = 0x5a3;
export const WdfDevStatePwrPolTimerExpiredWakeCompletedPowerDownDirectedTriggerDPR = 0x5a4;
export const WdfDevStatePwrPolTimerExpiredWakeCapableUndoPowerDownWaitForDirectedUp = 0x5a5;
export const WdfDevStatePwrPolWakeCapableUsbSSCompletedUndoWaitForDirectedUp = 0x5a6;
export const WdfDevStatePwrPolTimerExpiredWakeCapableUsbSSDirectedDown = 0x5a7;
export const WdfDevStatePwrPolWaitingArmedWakeInterruptFiredDuringPowerDownCheckDirected = 0x5a8;
export const WdfDevStatePwrPolTimerExpiredWakeCompletedPowerDownCheckDirected = 0x5a9;
export const WdfDevStatePwrPolTimerExpiredWakeCapableWakeSucceededCheckDirected = 0x5aa;
export const WdfDevStatePwrPolTimerExpiredWakeCapableWakeSucceededWaitForDirectedUp = 0x5ab;
export const WdfDevStatePwrPolTimerExpiredWakeCapableWakeSucceededTriggerDPR = 0x5ac;
export const WdfDevStatePwrPolTimerExpiredWakeCapableWakeFailedCheckDirected = 0x5ad;
export const WdfDevStatePwrPolTimerExpiredWakeCapableWakeFailedWaitForDirectedUp = 0x5ae;
export const WdfDevStatePwrPolTimerExpiredWakeCapableWakeFailedTriggerDPR = 0x5af;
export const WdfDevStatePwrPolWaitingArmedDirectedDownWakeInterruptFiredTriggerDPR = 0x5b0;
export const WdfDevStatePwrPolWaitingArmedDirectedDownWakeInterruptFired = 0x5b1;
export const WdfDevStatePwrPolWaitingArmedDirectedDown = 0x5b2;
export const WdfDevStatePwrPolWaitingArmedDirectedDownWakeSucceededCancelUsbSS = 0x5b3;
export const WdfDevStatePwrPolWaitingArmedDirectedDownWakeFailedCancelUsbSS = 0x5b4;
export const WdfDevStatePwrPolWaitingArmedDirectedDownTriggerDPR = 0x5b5;
export const WdfDevStatePwrPolWaitingArmedDirectedDownWakeSucceededTriggerDPR = 0x5b6;
export const WdfDevStatePwrPolWaitingArmedDirectedDownUsbSSCompleted = 0x5b7;
export const WdfDevStatePwrPolWaitingArmedDirectedDownUsbSSCompletedTriggerDPR = 0x5b8;
export const WdfDevStatePwrPolWaitingArmedDirectedDownWakeFailedCancelUsbSSTriggerDPR = 0x5b9;
export const WdfDevStatePwrPolUsbSSCancelled = 0x5ba;
export const WdfDevStatePwrPolTimerExpiredWakeCapableRevertArmWake = 0x5bb;
export const WdfDevStatePwrPolSleepingWakeCancelWake = 0x5bc;
export const WdfDevStatePwrPolSleepingWakeCancelWakeNP = 0x85bd;
export const WdfDevStatePwrPolSystemWakeDeviceD0PowerRequestFailed = 0x5be;
export const WdfDevStatePwrPolSystemWakeDevicePowerRequestFailed = 0x5bf;
export const WdfDevStatePwrPolNull = 0x5c0;
export type WDF_DEVICE_POWER_POLICY_STATE = number;

/** The WDK name of each state, for traces and tests. */
export const WdfDevStatePwrPolNames: ReadonlyMap<WDF_DEVICE_POWER_POLICY_STATE, string> = new Map<WDF_DEVICE_POWER_POLICY_STATE, string>([
  [0x0, "WdfDevStatePwrPolInvalid"],
  [0x500, "WdfDevStatePwrPolObjectCreated"],
  [0x501, "WdfDevStatePwrPolStarting"],
  [0x502, "WdfDevStatePwrPolStartingSucceeded"],
  [0x503, "WdfDevStatePwrPolStartingFailed"],
  [0x504, "WdfDevStatePwrPolStartingDecideS0Wake"],
  [0x505, "WdfDevStatePwrPolStartedIdleCapable"],
  [0x506, "WdfDevStatePwrPolTimerExpiredNoWake"],
  [0x507, "WdfDevStatePwrPolTimerExpiredNoWakeCompletePowerDown"],
  [0x508, "WdfDevStatePwrPolWaitingUnarmed"],
  [0x509, "WdfDevStatePwrPolWaitingUnarmedQueryIdle"],
  [0x50a, "WdfDevStatePwrPolS0NoWakePowerUp"],
  [0x50b, "WdfDevStatePwrPolS0NoWakeCompletePowerUp"],
  [0x50c, "WdfDevStatePwrPolSystemSleepFromDeviceWaitingUnarmed"],
  [0x50d, "WdfDevStatePwrPolSystemSleepNeedWake"],
  [0x50e, "WdfDevStatePwrPolSystemSleepNeedWakeCompletePowerUp"],
  [0x50f, "WdfDevStatePwrPolSystemSleepPowerRequestFailed"],
  [0x510, "WdfDevStatePwrPolCheckPowerPageable"],
  [0x511, "WdfDevStatePwrPolSleepingWakeWakeArrived"],
  [0x512, "WdfDevStatePwrPolSleepingWakeRevertArmWake"],
  [0x513, "WdfDevStatePwrPolSystemAsleepWakeArmed"],
  [0x514, "WdfDevStatePwrPolSystemWakeDeviceWakeEnabled"],
  [0x515, "WdfDevStatePwrPolSystemWakeDeviceWakeEnabledWakeCanceled"],
  [0x516, "WdfDevStatePwrPolSystemWakeDeviceWakeDisarm"],
  [0x517, "WdfDevStatePwrPolSystemWakeDeviceWakeTriggered"],
  [0x518, "WdfDevStatePwrPolSystemWakeDeviceWakeTriggeredS0"],
  [0x519, "WdfDevStatePwrPolSystemWakeDeviceWokeDisarm"],
  [0x851a, "WdfDevStatePwrPolSleepingWakeWakeArrivedNP"],
  [0x851b, "WdfDevStatePwrPolSleepingWakeRevertArmWakeNP"],
  [0x51c, "WdfDevStatePwrPolSleepingWakePowerDownFailed"],
  [0x51d, "WdfDevStatePwrPolSleepingWakePowerDownFailedWakeCanceled"],
  [0x851e, "WdfDevStatePwrPolSystemAsleepWakeArmedNP"],
  [0x851f, "WdfDevStatePwrPolSystemWakeDeviceWakeEnabledNP"],
  [0x8520, "WdfDevStatePwrPolSystemWakeDeviceWakeEnabledWakeCanceledNP"],
  [0x8521, "WdfDevStatePwrPolSystemWakeDeviceWakeDisarmNP"],
  [0x8522, "WdfDevStatePwrPolSystemWakeDeviceWakeTriggeredNP"],
  [0x8523, "WdfDevStatePwrPolSystemWakeDeviceWakeTriggeredS0NP"],
  [0x8524, "WdfDevStatePwrPolSystemWakeDeviceWokeDisarmNP"],
  [0x525, "WdfDevStatePwrPolSystemWakeDeviceWakeCompletePowerUp"],
  [0x526, "WdfDevStatePwrPolSleeping"],
  [0x527, "WdfDevStatePwrPolSleepingNoWakePowerDown"],
  [0x528, "WdfDevStatePwrPolSleepingNoWakeCompletePowerDown"],
  [0x529, "WdfDevStatePwrPolSleepingNoWakeDxRequestFailed"],
  [0x52a, "WdfDevStatePwrPolSleepingWakePowerDown"],
  [0x52b, "WdfDevStatePwrPolSleepingSendWake"],
  [0x52c, "WdfDevStatePwrPolSystemAsleepNoWake"],
  [0x52d, "WdfDevStatePwrPolSystemWakeDeviceWakeDisabled"],
  [0x52e, "WdfDevStatePwrPolSystemWakeDeviceToD0"],
  [0x52f, "WdfDevStatePwrPolSystemWakeDeviceToD0CompletePowerUp"],
  [0x530, "WdfDevStatePwrPolSystemWakeQueryIdle"],
  [0x531, "WdfDevStatePwrPolStartedWakeCapable"],
  [0x532, "WdfDevStatePwrPolTimerExpiredDecideUsbSS"],
  [0x533, "WdfDevStatePwrPolTimerExpiredWakeCapablePowerDown"],
  [0x534, "WdfDevStatePwrPolTimerExpiredWakeCapableSendWake"],
  [0x535, "WdfDevStatePwrPolTimerExpiredWakeCapableUsbSS"],
  [0x536, "WdfDevStatePwrPolTimerExpiredWakeCapableWakeArrived"],
  [0x537, "WdfDevStatePwrPolTimerExpiredWakeCapableCancelWake"],
  [0x538, "WdfDevStatePwrPolTimerExpiredWakeCapableWakeCanceled"],
  [0x539, "WdfDevStatePwrPolTimerExpiredWakeCapableCleanup"],
  [0x53a, "WdfDevStatePwrPolTimerExpiredWakeCapableDxAllocFailed"],
  [0x53b, "WdfDevStatePwrPolTimerExpiredWakeCompletedPowerDown"],
  [0x53c, "WdfDevStatePwrPolTimerExpiredWakeCompletedPowerUp"],
  [0x53d, "WdfDevStatePwrPolWaitingArmedUsbSS"],
  [0x53e, "WdfDevStatePwrPolWaitingArmed"],
  [0x53f, "WdfDevStatePwrPolWaitingArmedQueryIdle"],
  [0x540, "WdfDevStatePwrPolIoPresentArmed"],
  [0x541, "WdfDevStatePwrPolIoPresentArmedWakeCanceled"],
  [0x542, "WdfDevStatePwrPolS0WakeDisarm"],
  [0x543, "WdfDevStatePwrPolS0WakeCompletePowerUp"],
  [0x544, "WdfDevStatePwrPolTimerExpiredWakeSucceeded"],
  [0x545, "WdfDevStatePwrPolTimerExpiredWakeCompletedDisarm"],
  [0x546, "WdfDevStatePwrPolTimerExpiredWakeCapableWakeSucceeded"],
  [0x547, "WdfDevStatePwrPolTimerExpiredWakeCapableWakeFailed"],
  [0x548, "WdfDevStatePwrPolWakeFailedUsbSS"],
  [0x549, "WdfDevStatePwrPolTimerExpiredWakeCapablePowerDownFailedCancelWake"],
  [0x54a, "WdfDevStatePwrPolTimerExpiredWakeCapablePowerDownFailedWakeCanceled"],
  [0x54b, "WdfDevStatePwrPolTimerExpiredWakeCapablePowerDownFailedUsbSS"],
  [0x54c, "WdfDevStatePwrPolCancelingWakeForSystemSleep"],
  [0x54d, "WdfDevStatePwrPolCancelingWakeForSystemSleepWakeCanceled"],
  [0x54e, "WdfDevStatePwrPolDisarmingWakeForSystemSleepCompletePowerUp"],
  [0x54f, "WdfDevStatePwrPolPowerUpForSystemSleepFailed"],
  [0x550, "WdfDevStatePwrPolWokeFromS0UsbSS"],
  [0x551, "WdfDevStatePwrPolWokeFromS0"],
  [0x552, "WdfDevStatePwrPolWokeFromS0NotifyDriver"],
  [0x553, "WdfDevStatePwrPolStoppingResetDevice"],
  [0x554, "WdfDevStatePwrPolStoppingResetDeviceCompletePowerUp"],
  [0x555, "WdfDevStatePwrPolStoppingResetDeviceFailed"],
  [0x556, "WdfDevStatePwrPolStoppingD0"],
  [0x557, "WdfDevStatePwrPolStoppingD0Failed"],
  [0x558, "WdfDevStatePwrPolStoppingDisarmWake"],
  [0x559, "WdfDevStatePwrPolStoppingDisarmWakeCancelWake"],
  [0x55a, "WdfDevStatePwrPolStoppingDisarmWakeWakeCanceled"],
  [0x55b, "WdfDevStatePwrPolStopping"],
  [0x55c, "WdfDevStatePwrPolStoppingFailed"],
  [0x55d, "WdfDevStatePwrPolStoppingSendStatus"],
  [0x55e, "WdfDevStatePwrPolStoppingCancelTimer"],
  [0x55f, "WdfDevStatePwrPolStoppingWaitForIdleTimeout"],
  [0x560, "WdfDevStatePwrPolStoppingCancelUsbSS"],
  [0x561, "WdfDevStatePwrPolStoppingWaitForUsbSSCompletion"],
  [0x562, "WdfDevStatePwrPolStoppingCancelWake"],
  [0x563, "WdfDevStatePwrPolStopped"],
  [0x564, "WdfDevStatePwrPolCancelUsbSS"],
  [0x565, "WdfDevStatePwrPolStarted"],
  [0x566, "WdfDevStatePwrPolStartedCancelTimer"],
  [0x567, "WdfDevStatePwrPolStartedWaitForIdleTimeout"],
  [0x568, "WdfDevStatePwrPolStartedWakeCapableCancelTimerForSleep"],
  [0x569, "WdfDevStatePwrPolStartedWakeCapableWaitForIdleTimeout"],
  [0x56a, "WdfDevStatePwrPolStartedWakeCapableSleepingUsbSS"],
  [0x56b, "WdfDevStatePwrPolStartedIdleCapableCancelTimerForSleep"],
  [0x56c, "WdfDevStatePwrPolStartedIdleCapableWaitForIdleTimeout"],
  [0x56d, "WdfDevStatePwrPolDeviceD0PowerRequestFailed"],
  [0x56e, "WdfDevStatePwrPolDevicePowerRequestFailed"],
  [0x56f, "WdfDevStatePwrPolGotoDx"],
  [0x570, "WdfDevStatePwrPolGotoDxInDx"],
  [0x571, "WdfDevStatePwrPolDx"],
  [0x572, "WdfDevStatePwrPolGotoD0"],
  [0x573, "WdfDevStatePwrPolGotoD0InD0"],
  [0x574, "WdfDevStatePwrPolFinal"],
  [0x575, "WdfDevStatePwrPolSleepingPowerDownNotProcessed"],
  [0x576, "WdfDevStatePwrPolTimerExpiredWakeCapablePowerDownNotProcessed"],
  [0x577, "WdfDevStatePwrPolTimerExpiredNoWakePowerDownNotProcessed"],
  [0x578, "WdfDevStatePwrPolTimerExpiredNoWakePoweredDownDisableIdleTimer"],
  [0x579, "WdfDevStatePwrPolStoppingWaitingForImplicitPowerDown"],
  [0x57a, "WdfDevStatePwrPolStoppingPoweringUp"],
  [0x57b, "WdfDevStatePwrPolStoppingPoweringDown"],
  [0x57c, "WdfDevStatePwrPolPowerUpForSystemSleepNotSeen"],
  [0x57d, "WdfDevStatePwrPolWaitingArmedStoppingCancelUsbSS"],
  [0x57e, "WdfDevStatePwrPolWaitingArmedWakeFailedCancelUsbSS"],
  [0x57f, "WdfDevStatePwrPolWaitingArmedIoPresentCancelUsbSS"],
  [0x580, "WdfDevStatePwrPolWaitingArmedWakeSucceededCancelUsbSS"],
  [0x581, "WdfDevStatePwrPolCancelingUsbSSForSystemSleep"],
  [0x582, "WdfDevStatePwrPolStoppingD0CancelUsbSS"],
  [0x583, "WdfDevStatePwrPolStartingPoweredUp"],
  [0x584, "WdfDevStatePwrPolIdleCapableDeviceIdle"],
  [0x585, "WdfDevStatePwrPolDeviceIdleReturnToActive"],
  [0x586, "WdfDevStatePwrPolDeviceIdleSleeping"],
  [0x587, "WdfDevStatePwrPolDeviceIdleStopping"],
  [0x588, "WdfDevStatePwrPolTimerExpiredNoWakeUndoPowerDown"],
  [0x589, "WdfDevStatePwrPolWakeCapableDeviceIdle"],
  [0x58a, "WdfDevStatePwrPolWakeCapableUsbSSCompleted"],
  [0x58b, "WdfDevStatePwrPolTimerExpiredWakeCapableUndoPowerDown"],
  [0x58c, "WdfDevStatePwrPolTimerExpiredWakeCompletedHardwareStarted"],
  [0x58d, "WdfDevStatePwrPolStoppedRemoving"],
  [0x58e, "WdfDevStatePwrPolRemoved"],
  [0x58f, "WdfDevStatePwrPolRestarting"],
  [0x590, "WdfDevStatePwrPolRestartingFailed"],
  [0x591, "WdfDevStatePwrPolStartingPoweredUpFailed"],
  [0x592, "WdfDevStatePwrPolTimerExpiredNoWakeReturnToActive"],
  [0x593, "WdfDevStatePwrPolWaitingArmedWakeInterruptFired"],
  [0x594, "WdfDevStatePwrPolSystemWakeDeviceWakeInterruptFired"],
  [0x8595, "WdfDevStatePwrPolSystemWakeDeviceWakeInterruptFiredNP"],
  [0x596, "WdfDevStatePwrPolTimerExpiredWakeCapableWakeInterruptArrived"],
  [0x597, "WdfDevStatePwrPolTimerExpiredWakeCapablePowerDownFailedWakeInterruptArrived"],
  [0x598, "WdfDevStatePwrPolWaitingArmedWakeInterruptFiredDuringPowerDown"],
  [0x599, "WdfDevStatePwrPolStartedNotIdleCapableDirectedDown"],
  [0x59a, "WdfDevStatePwrPolStartedIdleCapableTimerCanceledForSleep"],
  [0x59b, "WdfDevStatePwrPolTimerExpiredNoWakeUndoPowerDownWaitForDirectedUp"],
  [0x59c, "WdfDevStatePwrPolIdleCapableTimerNotExpiredDirectedDown"],
  [0x59d, "WdfDevStatePwrPolIdleCapableDirectedDownTriggerDPNR"],
  [0x59e, "WdfDevStatePwrPolWaitingUnarmedDirectedDown"],
  [0x59f, "WdfDevStatePwrPolIdleCapableDirectedDownTriggerDPR"],
  [0x5a0, "WdfDevStatePwrPolStartedWakeCapableTimerCanceledForSleep"],
  [0x5a1, "WdfDevStatePwrPolWakeCapableTimerNotExpiredDirectedDown"],
  [0x5a2, "WdfDevStatePwrPolWakeCapableDirectedDownTriggerDPNR"],
  [0x5a3, "WdfDevStatePwrPolTimerExpiredWakeCompletedPowerDownWaitForDirectedUp"],
  [0x5a4, "WdfDevStatePwrPolTimerExpiredWakeCompletedPowerDownDirectedTriggerDPR"],
  [0x5a5, "WdfDevStatePwrPolTimerExpiredWakeCapableUndoPowerDownWaitForDirectedUp"],
  [0x5a6, "WdfDevStatePwrPolWakeCapableUsbSSCompletedUndoWaitForDirectedUp"],
  [0x5a7, "WdfDevStatePwrPolTimerExpiredWakeCapableUsbSSDirectedDown"],
  [0x5a8, "WdfDevStatePwrPolWaitingArmedWakeInterruptFiredDuringPowerDownCheckDirected"],
  [0x5a9, "WdfDevStatePwrPolTimerExpiredWakeCompletedPowerDownCheckDirected"],
  [0x5aa, "WdfDevStatePwrPolTimerExpiredWakeCapableWakeSucceededCheckDirected"],
  [0x5ab, "WdfDevStatePwrPolTimerExpiredWakeCapableWakeSucceededWaitForDirectedUp"],
  [0x5ac, "WdfDevStatePwrPolTimerExpiredWakeCapableWakeSucceededTriggerDPR"],
  [0x5ad, "WdfDevStatePwrPolTimerExpiredWakeCapableWakeFailedCheckDirected"],
  [0x5ae, "WdfDevStatePwrPolTimerExpiredWakeCapableWakeFailedWaitForDirectedUp"],
  [0x5af, "WdfDevStatePwrPolTimerExpiredWakeCapableWakeFailedTriggerDPR"],
  [0x5b0, "WdfDevStatePwrPolWaitingArmedDirectedDownWakeInterruptFiredTriggerDPR"],
  [0x5b1, "WdfDevStatePwrPolWaitingArmedDirectedDownWakeInterruptFired"],
  [0x5b2, "WdfDevStatePwrPolWaitingArmedDirectedDown"],
  [0x5b3, "WdfDevStatePwrPolWaitingArmedDirectedDownWakeSucceededCancelUsbSS"],
  [0x5b4, "WdfDevStatePwrPolWaitingArmedDirectedDownWakeFailedCancelUsbSS"],
  [0x5b5, "WdfDevStatePwrPolWaitingArmedDirectedDownTriggerDPR"],
  [0x5b6, "WdfDevStatePwrPolWaitingArmedDirectedDownWakeSucceededTriggerDPR"],
  [0x5b7, "WdfDevStatePwrPolWaitingArmedDirectedDownUsbSSCompleted"],
  [0x5b8, "WdfDevStatePwrPolWaitingArmedDirectedDownUsbSSCompletedTriggerDPR"],
  [0x5b9, "WdfDevStatePwrPolWaitingArmedDirectedDownWakeFailedCancelUsbSSTriggerDPR"],
  [0x5ba, "WdfDevStatePwrPolUsbSSCancelled"],
  [0x5bb, "WdfDevStatePwrPolTimerExpiredWakeCapableRevertArmWake"],
  [0x5bc, "WdfDevStatePwrPolSleepingWakeCancelWake"],
  [0x85bd, "WdfDevStatePwrPolSleepingWakeCancelWakeNP"],
  [0x5be, "WdfDevStatePwrPolSystemWakeDeviceD0PowerRequestFailed"],
  [0x5bf, "WdfDevStatePwrPolSystemWakeDevicePowerRequestFailed"],
  [0x5c0, "WdfDevStatePwrPolNull"],
]);
