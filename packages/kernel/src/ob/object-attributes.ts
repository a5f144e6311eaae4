import { STATUS_INVALID_PARAMETER, STATUS_SUCCESS, type NTSTATUS } from "../ntstatus.js";

/** OBJECT_ATTRIBUTES.Attributes (ntdef.h). */
export const OBJ_INHERIT = 0x00000002;
export const OBJ_PERMANENT = 0x00000010;
export const OBJ_EXCLUSIVE = 0x00000020;
export const OBJ_CASE_INSENSITIVE = 0x00000040;
export const OBJ_OPENIF = 0x00000080;
export const OBJ_OPENLINK = 0x00000100;
export const OBJ_KERNEL_HANDLE = 0x00000200;
export const OBJ_FORCE_ACCESS_CHECK = 0x00000400;
export const OBJ_IGNORE_IMPERSONATED_DEVICEMAP = 0x00000800;
export const OBJ_DONT_REPARSE = 0x00001000;
export const OBJ_VALID_ATTRIBUTES = 0x00001ff2;

/** sizeof(OBJECT_ATTRIBUTES) on x64. */
export const OBJECT_ATTRIBUTES_SIZE = 48;

/**
 * OBJECT_ATTRIBUTES: what names the object a system service creates or opens. The
 * UNICODE_STRING ObjectName is a JavaScript string here. Initialise one with
 * InitializeObjectAttributes, as drivers do.
 */
export class OBJECT_ATTRIBUTES {
  Length = OBJECT_ATTRIBUTES_SIZE;
  /** A handle the name is relative to (null or 0 for an absolute name). */
  RootDirectory: number | null = null;
  ObjectName: string | null = null;
  Attributes = 0;
  SecurityDescriptor: unknown = null;
  SecurityQualityOfService: unknown = null;
}
export type POBJECT_ATTRIBUTES = OBJECT_ATTRIBUTES;

/** `InitializeObjectAttributes` (the ntdef.h macro). */
export function InitializeObjectAttributes(
  InitializedAttributes: OBJECT_ATTRIBUTES,
  ObjectName: string | null,
  Attributes: number,
  RootDirectory: number | null,
  SecurityDescriptor: unknown,
): void {
  InitializedAttributes.Length = OBJECT_ATTRIBUTES_SIZE;
  InitializedAttributes.RootDirectory = RootDirectory;
  InitializedAttributes.Attributes = Attributes;
  InitializedAttributes.ObjectName = ObjectName;
  InitializedAttributes.SecurityDescriptor = SecurityDescriptor;
  InitializedAttributes.SecurityQualityOfService = null;
}

/**
 * The checks the object manager makes when it captures a caller's OBJECT_ATTRIBUTES:
 * the right Length, no unknown attribute bits, a string name. Names relative to a
 * RootDirectory are not emulated, so a RootDirectory is refused as well.
 */
export function ObpCheckObjectAttributes(ObjectAttributes: OBJECT_ATTRIBUTES): NTSTATUS {
  if (typeof ObjectAttributes !== "object" || ObjectAttributes === null) return STATUS_INVALID_PARAMETER;
  if (ObjectAttributes.Length !== OBJECT_ATTRIBUTES_SIZE) return STATUS_INVALID_PARAMETER;
  const a = ObjectAttributes.Attributes;
  if (typeof a !== "number" || (a & ~OBJ_VALID_ATTRIBUTES) !== 0) return STATUS_INVALID_PARAMETER;
  const n = ObjectAttributes.ObjectName;
  if (n !== null && n !== undefined && typeof n !== "string") return STATUS_INVALID_PARAMETER;
  const r = ObjectAttributes.RootDirectory;
  if (r !== null && r !== undefined && r !== 0) return STATUS_INVALID_PARAMETER;
  return STATUS_SUCCESS;
}
