/*
 * The configuration manager's constants, with wdm.h's and winnt.h's values: value types,
 * key options and dispositions, key access rights and the information classes.
 */

// ---- value types (winnt.h) ----
export const REG_NONE = 0;
export const REG_SZ = 1;
export const REG_EXPAND_SZ = 2;
export const REG_BINARY = 3;
export const REG_DWORD = 4;
export const REG_DWORD_LITTLE_ENDIAN = 4;
export const REG_DWORD_BIG_ENDIAN = 5;
export const REG_LINK = 6;
export const REG_MULTI_SZ = 7;
export const REG_RESOURCE_LIST = 8;
export const REG_FULL_RESOURCE_DESCRIPTOR = 9;
export const REG_RESOURCE_REQUIREMENTS_LIST = 10;
export const REG_QWORD = 11;
export const REG_QWORD_LITTLE_ENDIAN = 11;

// ---- ZwCreateKey CreateOptions and Disposition (wdm.h) ----
export const REG_OPTION_RESERVED = 0x00000000;
export const REG_OPTION_NON_VOLATILE = 0x00000000;
export const REG_OPTION_VOLATILE = 0x00000001;
export const REG_OPTION_CREATE_LINK = 0x00000002;
export const REG_OPTION_BACKUP_RESTORE = 0x00000004;
export const REG_OPTION_OPEN_LINK = 0x00000008;
export const REG_OPTION_DONT_VIRTUALIZE = 0x00000010;
export const REG_LEGAL_OPTION = 0x0000001f;
export const REG_CREATED_NEW_KEY = 0x00000001;
export const REG_OPENED_EXISTING_KEY = 0x00000002;

// ---- key access rights (winnt.h) ----
export const KEY_QUERY_VALUE = 0x0001;
export const KEY_SET_VALUE = 0x0002;
export const KEY_CREATE_SUB_KEY = 0x0004;
export const KEY_ENUMERATE_SUB_KEYS = 0x0008;
export const KEY_NOTIFY = 0x0010;
export const KEY_CREATE_LINK = 0x0020;
export const KEY_WOW64_64KEY = 0x0100;
export const KEY_WOW64_32KEY = 0x0200;
export const KEY_WOW64_RES = 0x0300;
/** (STANDARD_RIGHTS_READ | KEY_QUERY_VALUE | KEY_ENUMERATE_SUB_KEYS | KEY_NOTIFY) & ~SYNCHRONIZE */
export const KEY_READ = 0x00020019;
/** (STANDARD_RIGHTS_WRITE | KEY_SET_VALUE | KEY_CREATE_SUB_KEY) & ~SYNCHRONIZE */
export const KEY_WRITE = 0x00020006;
export const KEY_EXECUTE = 0x00020019;
/** (STANDARD_RIGHTS_ALL | KEY_QUERY_VALUE | ... | KEY_CREATE_LINK) & ~SYNCHRONIZE */
export const KEY_ALL_ACCESS = 0x000f003f;

// ---- KEY_INFORMATION_CLASS ----
export const KeyBasicInformation = 0;
export const KeyNodeInformation = 1;
export const KeyFullInformation = 2;
export const KeyNameInformation = 3;
export type KEY_INFORMATION_CLASS = number;

// ---- KEY_VALUE_INFORMATION_CLASS ----
export const KeyValueBasicInformation = 0;
export const KeyValueFullInformation = 1;
export const KeyValuePartialInformation = 2;
export const KeyValueFullInformationAlign64 = 3;
export const KeyValuePartialInformationAlign64 = 4;
export type KEY_VALUE_INFORMATION_CLASS = number;

// ---- RtlQueryRegistryValues / RtlWriteRegistryValue RelativeTo (wdm.h) ----
export const RTL_REGISTRY_ABSOLUTE = 0;
export const RTL_REGISTRY_SERVICES = 1;
export const RTL_REGISTRY_CONTROL = 2;
export const RTL_REGISTRY_WINDOWS_NT = 3;
export const RTL_REGISTRY_DEVICEMAP = 4;
export const RTL_REGISTRY_USER = 5;
export const RTL_REGISTRY_MAXIMUM = 6;
export const RTL_REGISTRY_HANDLE = 0x40000000;
export const RTL_REGISTRY_OPTIONAL = 0x80000000;

// ---- RTL_QUERY_REGISTRY_TABLE.Flags (wdm.h) ----
export const RTL_QUERY_REGISTRY_SUBKEY = 0x00000001;
export const RTL_QUERY_REGISTRY_TOPKEY = 0x00000002;
export const RTL_QUERY_REGISTRY_REQUIRED = 0x00000004;
export const RTL_QUERY_REGISTRY_NOVALUE = 0x00000008;
export const RTL_QUERY_REGISTRY_NOEXPAND = 0x00000010;
export const RTL_QUERY_REGISTRY_DIRECT = 0x00000020;
export const RTL_QUERY_REGISTRY_DELETE = 0x00000040;
export const RTL_QUERY_REGISTRY_NOSTRING = 0x00000080;
export const RTL_QUERY_REGISTRY_TYPECHECK = 0x00000100;
export const RTL_QUERY_REGISTRY_TYPECHECK_SHIFT = 24;
export const RTL_QUERY_REGISTRY_TYPECHECK_MASK = 0xff << 24;

// ---- layouts of the information structures (x64) ----
/** FIELD_OFFSET(KEY_VALUE_BASIC_INFORMATION, Name): TitleIndex, Type, NameLength. */
export const KEY_VALUE_BASIC_INFORMATION_NAME_OFFSET = 12;
/** FIELD_OFFSET(KEY_VALUE_FULL_INFORMATION, Name): TitleIndex, Type, DataOffset, DataLength, NameLength. */
export const KEY_VALUE_FULL_INFORMATION_NAME_OFFSET = 20;
/** FIELD_OFFSET(KEY_VALUE_PARTIAL_INFORMATION, Data): TitleIndex, Type, DataLength. */
export const KEY_VALUE_PARTIAL_INFORMATION_DATA_OFFSET = 12;
/** FIELD_OFFSET(KEY_BASIC_INFORMATION, Name): LastWriteTime, TitleIndex, NameLength. */
export const KEY_BASIC_INFORMATION_NAME_OFFSET = 16;
/** FIELD_OFFSET(KEY_NODE_INFORMATION, Name): LastWriteTime, TitleIndex, ClassOffset, ClassLength, NameLength. */
export const KEY_NODE_INFORMATION_NAME_OFFSET = 24;
/** FIELD_OFFSET(KEY_FULL_INFORMATION, Class): LastWriteTime, TitleIndex, ClassOffset, ClassLength, SubKeys, MaxNameLen, MaxClassLen, Values, MaxValueNameLen, MaxValueDataLen. */
export const KEY_FULL_INFORMATION_CLASS_OFFSET = 44;
/** FIELD_OFFSET(KEY_NAME_INFORMATION, Name): NameLength. */
export const KEY_NAME_INFORMATION_NAME_OFFSET = 4;
