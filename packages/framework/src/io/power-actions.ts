/** `FxIoStopProcessingForPowerAction` (fxpkgio.hpp): what the PnP/power machine asks of the I/O package when I/O must stop. */
export const FxIoStopProcessingForPowerHold = 1, FxIoStopProcessingForPowerPurgeManaged = 2, FxIoStopProcessingForPowerPurgeNonManaged = 3; export type FxIoStopProcessingForPowerAction = 1 | 2 | 3;
