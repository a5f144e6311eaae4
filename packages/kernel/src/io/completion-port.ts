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
  /**
   * Packets in FIFO order: a ring of `count` packets from `head`, doubled when full, so
   * posting and removing cost O(1) and the ring never holds more than the most packets
   * ever queued at once (KQUEUE's entry list, without a node per packet).
   */
  private packets: (IoCompletionPacket | undefined)[] = new Array(8);
  private head = 0;
  private count = 0;
  constructor(readonly NumberOfConcurrentThreads: number) {
    super(4);
  }
  post(p: IoCompletionPacket): void {
    let ring = this.packets;
    if (this.count === ring.length) ring = this.grow();
    ring[(this.head + this.count) & (ring.length - 1)] = p;
    this.SignalState = ++this.count;
  }
  remove(): IoCompletionPacket | undefined {
    if (this.count === 0) return undefined;
    const ring = this.packets;
    const p = ring[this.head];
    ring[this.head] = undefined;
    this.head = (this.head + 1) & (ring.length - 1);
    this.SignalState = --this.count;
    return p;
  }
  private grow(): (IoCompletionPacket | undefined)[] {
    const old = this.packets;
    const ring: (IoCompletionPacket | undefined)[] = new Array(old.length * 2);
    for (let k = 0; k < this.count; k++) ring[k] = old[(this.head + k) & (old.length - 1)];
    this.packets = ring;
    this.head = 0;
    return ring;
  }
}
