import { NT_SUCCESS, STATUS_INVALID_PARAMETER, type Box, type NTSTATUS } from "@wdfjs/kernel";
import { FxCreateObject, FxString, FX_TYPE_STRING, type PWDF_OBJECT_ATTRIBUTES, type WDFSTRING } from "@wdfjs/framework";
import { Created, Enter } from "./ddi.js";
import { WdfCheckIrql } from "./irql.js";

// Also exported here, where it was defined before the core took it (wdftypes.h).
export type { WDFSTRING } from "@wdfjs/framework";

/** `UNICODE_STRING`: Length and MaximumLength in bytes; the characters as a string. */
export class UNICODE_STRING {
  Length = 0;
  MaximumLength = 0;
  Buffer = "";
}
export type PUNICODE_STRING = UNICODE_STRING;
export type PCUNICODE_STRING = UNICODE_STRING;

/** `RtlInitUnicodeString`. */
export function RtlInitUnicodeString(DestinationString: UNICODE_STRING, SourceString: string | null): void {
  DestinationString.Buffer = SourceString ?? "";
  DestinationString.Length = DestinationString.Buffer.length * 2;
  DestinationString.MaximumLength = SourceString === null ? 0 : DestinationString.Length + 2;
}

/** `WdfStringCreate` (fxstringapi.cpp): a copy of the string (empty for NULL; an odd byte Length: STATUS_INVALID_PARAMETER), parented to the driver by default. */
export function WdfStringCreate(UnicodeString: PCUNICODE_STRING | null, StringAttributes: PWDF_OBJECT_ATTRIBUTES, String: Box<WDFSTRING | null>): NTSTATUS {
  const status = WdfCheckIrql("WdfStringCreate");
  if (!NT_SUCCESS(status)) return status;
  String.value = null;
  if (UnicodeString !== null && (UnicodeString.Length & 1) !== 0) return STATUS_INVALID_PARAMETER;
  return Created(FxCreateObject(new FxString(UnicodeString === null ? "" : UnicodeString.Buffer.slice(0, UnicodeString.Length >>> 1)), StringAttributes), String);
}

/** `WdfStringGetUnicodeString`: a view of the object's string, valid while the object lives. */
export function WdfStringGetUnicodeString(String: WDFSTRING, UnicodeString: UNICODE_STRING): void {
  const string = Enter<FxString>(String, FX_TYPE_STRING, "WdfStringGetUnicodeString");
  if (string === null) return;
  UnicodeString.Buffer = string.Buffer;
  UnicodeString.Length = string.Length;
  UnicodeString.MaximumLength = string.Length;
}
