/** nonpnp.h's context types and the sink of the driver's debug output. */
import { WDF_DECLARE_CONTEXT_TYPE_WITH_NAME, type WDFMEMORY } from "@wdfjs/kmdf";

/** Where the driver's KdPrint and TraceEvents lines go (a debugger's output). */
export type KdPrintSink = (line: string) => void;

/** The control device's context: the handle of the file the open created. */
export class CONTROL_DEVICE_EXTENSION {
  FileHandle = 0;
}
export const ControlGetData = WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(CONTROL_DEVICE_EXTENSION, "ControlGetData");

/** The METHOD_NEITHER request's context: the locked user buffers as memory objects. */
export class REQUEST_CONTEXT {
  InputMemoryBuffer: WDFMEMORY | null = null;
  OutputMemoryBuffer: WDFMEMORY | null = null;
}
export const GetRequestContext = WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(REQUEST_CONTEXT, "GetRequestContext");
