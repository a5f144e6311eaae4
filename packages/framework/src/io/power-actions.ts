export const FxIoStopProcessingForPowerHold = 1, FxIoStopProcessingForPowerPurgeManaged = 2, FxIoStopProcessingForPowerPurgeNonManaged = 3; export type FxIoStopProcessingForPowerAction = 1 | 2 | 3;
