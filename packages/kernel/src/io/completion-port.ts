import { DispatcherHeader } from "../ke/dispatcher.js";
import type { NTSTATUS } from "../ntstatus.js";

/** One completion packet: what GetQueuedCompletionStatus returns. */
export interface IoCompletionPacket {
  readonly KeyContext: number;
  readonly ApcContext: any;
  readonly Status: NTSTATUS;
  readonly Information: number;
}

/** The IoCompletion object behind an I/O completion port: a queue that is signalled while non-empty. */
export class IoCompletionObject extends DispatcherHeader {
  readonly packets: IoCompletionPacket[] = [];
  constructor(readonly NumberOfConcurrentThreads: number) {
    super(4);
  }
  post(p: IoCompletionPacket): void {
    this.packets.push(p);
    this.SignalState = this.packets.length;
  }
  remove(): IoCompletionPacket | undefined {
    const p = this.packets.shift();
    this.SignalState = this.packets.length;
    return p;
  }
}
