/** The KMDF names the echo drivers use, from one place (a C driver's `#include <wdf.h>`). */
export * from "@wdfjs/kmdf";
export type { Box } from "@wdfjs/kernel";
