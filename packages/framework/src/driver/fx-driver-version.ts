import { currentMachine } from "@wdfjs/kernel";

/** The framework's version (`__WDF_MAJOR_VERSION`, `__WDF_MINOR_VERSION`): KMDF 1.33. */
export const FxWdfMajorVersion = 1;
export const FxWdfMinorVersion = 33;
/** `__WDF_BUILD_NUMBER`: the emulated framework has one build. */
export const FxWdfBuildNumber = 0;

/** `sizeof(WDF_DRIVER_VERSION_AVAILABLE_PARAMS)` on x64: Size, MajorVersion, MinorVersion (three ULONGs). */
export const WDF_DRIVER_VERSION_AVAILABLE_PARAMS_SIZE = 12;

/** `WDF_DRIVER_VERSION_AVAILABLE_PARAMS` (wdfdriver.h): the version WdfDriverIsVersionAvailable asks about. */
export class WDF_DRIVER_VERSION_AVAILABLE_PARAMS {
  Size = 0;
  MajorVersion = 0;
  MinorVersion = 0;
}
export type PWDF_DRIVER_VERSION_AVAILABLE_PARAMS = WDF_DRIVER_VERSION_AVAILABLE_PARAMS;

/** `WDF_DRIVER_VERSION_AVAILABLE_PARAMS_INIT`: zeroes, sets Size and the version. */
export function WDF_DRIVER_VERSION_AVAILABLE_PARAMS_INIT(Params: WDF_DRIVER_VERSION_AVAILABLE_PARAMS, MajorVersion: number, MinorVersion: number): void {
  Params.Size = WDF_DRIVER_VERSION_AVAILABLE_PARAMS_SIZE;
  Params.MajorVersion = MajorVersion;
  Params.MinorVersion = MinorVersion;
}

/**
 * The string `WdfDriverRetrieveVersionString` assigns (fxdriverapi.cpp): "Kernel Mode Driver
 * Framework version 1.33.0", with "(verifier on)" after "Framework" when the verifier is on (the
 * checked flavor). `Style` is the framework's name ("Kernel Mode" or "User Mode").
 */
export function FxDriverVersionString(Style = "Kernel Mode"): string {
  const verifier = currentMachine().checked ? " (verifier on)" : "";
  return `${Style} Driver Framework${verifier} version ${FxWdfMajorVersion}.${FxWdfMinorVersion}.${FxWdfBuildNumber}`;
}

/**
 * `WdfDriverIsVersionAvailable` (fxdriverapi.cpp): a wrong Size is FALSE (STATUS_INFO_LENGTH_MISMATCH
 * traced); otherwise TRUE for the framework's major version and any minor version up to its own.
 */
export function FxDriverIsVersionAvailable(Params: WDF_DRIVER_VERSION_AVAILABLE_PARAMS): boolean {
  if (Params.Size !== WDF_DRIVER_VERSION_AVAILABLE_PARAMS_SIZE) {
    currentMachine().trace?.event("wdf.version", null, `VersionAvailableParams Size 0x${Params.Size.toString(16)}, expected 0x${WDF_DRIVER_VERSION_AVAILABLE_PARAMS_SIZE.toString(16)}, STATUS_INFO_LENGTH_MISMATCH`);
    return false;
  }
  return Params.MajorVersion === FxWdfMajorVersion && Params.MinorVersion <= FxWdfMinorVersion;
}
