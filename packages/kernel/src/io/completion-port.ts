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
  /** Packets in FIFO order from `head` (a growing array consumed from the front, reset when empty). */
  private packets: (IoCompletionPacket | undefined)[] = [];
  private head = 0;
  constructor(readonly NumberOfConcurrentThreads: number) {
    super(4);
  }
  post(p: IoCompletionPacket): void {
    this.packets.push(p);
    this.SignalState = this.packets.length - this.head;
  }
  remove(): IoCompletionPacket | undefined {
    if (this.head >= this.packets.length) return undefined;
    const p = this.packets[this.head];
    this.packets[this.head++] = undefined;
    if (this.head === this.packets.length) {
      this.packets = [];
      this.head = 0;
    }
    this.SignalState = this.packets.length - this.head;
    return p;
  }
}
