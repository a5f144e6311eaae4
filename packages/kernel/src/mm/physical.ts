import { PAGE_SIZE } from "./layout.js";

/**
 * Physical memory: one resizable ArrayBuffer that grows as page frames are first
 * handed out. Every virtual access ends here, so copies are `copyWithin` on one buffer.
 */
export class PhysicalMemory {
  readonly buffer: ArrayBuffer;
  readonly u8: Uint8Array;
  readonly view: DataView;
  private nextFrame = 0;
  private readonly freeFrames: number[] = [];
  readonly maxFrames: number;

  constructor(maxBytes: number) {
    this.maxFrames = Math.floor(maxBytes / PAGE_SIZE);
    this.buffer = new ArrayBuffer(0, { maxByteLength: this.maxFrames * PAGE_SIZE });
    this.u8 = new Uint8Array(this.buffer);
    this.view = new DataView(this.buffer);
  }

  /** A zeroed page frame number, or -1 when physical memory is exhausted. */
  allocateFrame(): number {
    const f = this.freeFrames.pop();
    if (f !== undefined) {
      this.u8.fill(0, f * PAGE_SIZE, (f + 1) * PAGE_SIZE);
      return f;
    }
    if (this.nextFrame >= this.maxFrames) return -1;
    const frame = this.nextFrame++;
    const need = this.nextFrame * PAGE_SIZE;
    if (this.buffer.byteLength < need) {
      // Grow in 1 MiB steps (new bytes are zero) so resizing stays rare.
      this.buffer.resize(Math.min(this.maxFrames * PAGE_SIZE, Math.max(need, this.buffer.byteLength + (1 << 20))));
    }
    return frame;
  }

  freeFrame(frame: number): void {
    this.freeFrames.push(frame);
  }

  get framesInUse(): number {
    return this.nextFrame - this.freeFrames.length;
  }
}
