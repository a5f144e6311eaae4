import { NT_SUCCESS, PASSIVE_LEVEL, STATUS_INVALID_PARAMETER, STATUS_SUCCESS, type Box, type NTSTATUS } from "@wdfjs/kernel";
import { FxCreateObject, FxObjectHandleGetPtr, FxString, FxVerifierCheckIrqlLevel, FX_TYPE_STRING, type PWDF_OBJECT_ATTRIBUTES, type WDFHANDLE } from "@wdfjs/framework";

export type WDFSTRING = WDFHANDLE<"WDFSTRING">;

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

/**
 * `WdfStringCreate` (fxstringapi.cpp): a WDFSTRING holding a copy of the string (empty for
 * NULL), parented to the driver unless the attributes say otherwise. An odd byte Length →
 * STATUS_INVALID_PARAMETER.
 */
export function WdfStringCreate(UnicodeString: PCUNICODE_STRING | null, StringAttributes: PWDF_OBJECT_ATTRIBUTES, String: Box<WDFSTRING | null>): NTSTATUS {
  const status = FxVerifierCheckIrqlLevel("WdfStringCreate", PASSIVE_LEVEL);
  if (!NT_SUCCESS(status)) return status;
  String.value = null;
  if (UnicodeString !== null && (UnicodeString.Length & 1) !== 0) return STATUS_INVALID_PARAMETER;
  const string = FxCreateObject(new FxString(UnicodeString === null ? "" : UnicodeString.Buffer.slice(0, UnicodeString.Length >>> 1)), StringAttributes);
  if (typeof string === "number") return string;
  String.value = string.handle as WDFSTRING;
  return STATUS_SUCCESS;
}

/** `WdfStringGetUnicodeString`: a view of the object's string, valid while the object lives. */
export function WdfStringGetUnicodeString(String: WDFSTRING, UnicodeString: UNICODE_STRING): void {
  const string = FxObjectHandleGetPtr(String, FX_TYPE_STRING) as FxString;
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfStringGetUnicodeString", PASSIVE_LEVEL))) return;
  UnicodeString.Buffer = string.Buffer;
  UnicodeString.Length = string.Length;
  UnicodeString.MaximumLength = string.Length;
}
