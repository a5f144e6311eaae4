/** What a power-managed queue tells the device's idle machine (FxPowerIdleMachine IoIncrement/IoDecrement). */
export interface FxPowerIdleHook { ioIncrement(): void; ioDecrement(): void; }
