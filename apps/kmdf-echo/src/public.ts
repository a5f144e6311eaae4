/** exe/public.h: the interface echoapp opens the device by, and the device's hardware ID (echo.inx). */
export const GUID_DEVINTERFACE_ECHO = "{CDC35B6E-0BE4-4936-BF5F-5537380A7C1A}";
export const ECHO_HARDWARE_ID = "root\\ECHO";
/** queue.h: a write longer than this fails with STATUS_BUFFER_OVERFLOW. */
export const MAX_WRITE_LENGTH = 1024 * 40;
