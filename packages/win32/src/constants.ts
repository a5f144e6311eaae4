/** Win32 constants of winbase.h / winnt.h / fileapi.h the client API takes. */
export type HANDLE = number;
export type BOOL = boolean;

export const INVALID_HANDLE_VALUE: HANDLE = -1;

export const GENERIC_READ = 0x80000000;
export const GENERIC_WRITE = 0x40000000;
export const GENERIC_EXECUTE = 0x20000000;
export const GENERIC_ALL = 0x10000000;

export const FILE_SHARE_READ = 0x1;
export const FILE_SHARE_WRITE = 0x2;
export const FILE_SHARE_DELETE = 0x4;

export const CREATE_NEW = 1;
export const CREATE_ALWAYS = 2;
export const OPEN_EXISTING = 3;
export const OPEN_ALWAYS = 4;
export const TRUNCATE_EXISTING = 5;

export const FILE_ATTRIBUTE_READONLY = 0x1;
export const FILE_ATTRIBUTE_DIRECTORY = 0x10;
export const FILE_ATTRIBUTE_NORMAL = 0x80;
export const FILE_FLAG_OVERLAPPED = 0x40000000;
export const FILE_FLAG_NO_BUFFERING = 0x20000000;
export const FILE_FLAG_WRITE_THROUGH = 0x80000000;
export const FILE_FLAG_RANDOM_ACCESS = 0x10000000;
export const FILE_FLAG_SEQUENTIAL_SCAN = 0x08000000;
export const FILE_FLAG_DELETE_ON_CLOSE = 0x04000000;
export const FILE_FLAG_BACKUP_SEMANTICS = 0x02000000;

// SetFilePointer(Ex)'s move methods and the failure values of SetFilePointer and GetFileSize.
export const FILE_BEGIN = 0;
export const FILE_CURRENT = 1;
export const FILE_END = 2;
export const INVALID_SET_FILE_POINTER = 0xffffffff;
export const INVALID_FILE_SIZE = 0xffffffff;

export const MEM_COMMIT = 0x1000;
export const MEM_RESERVE = 0x2000;
export const MEM_RELEASE = 0x8000;
export const PAGE_NOACCESS = 0x01;
export const PAGE_READONLY = 0x02;
export const PAGE_READWRITE = 0x04;
export const PAGE_WRITECOPY = 0x08;
export const PAGE_EXECUTE = 0x10;
export const PAGE_EXECUTE_READ = 0x20;
export const PAGE_EXECUTE_READWRITE = 0x40;
export const PAGE_GUARD = 0x100;

export const MAXIMUM_WAIT_OBJECTS = 64;
/** GetExitCodeThread while the thread runs (STATUS_PENDING). */
export const STILL_ACTIVE = 259;
