import { PAGE_SIZE } from "./layout.js";

/**
 * Physical memory: one ArrayBuffer of the machine's size. Its pages are committed by
 * the host only when first touched, so an untouched machine costs address space, not
 * memory. (A resizable buffer would grow visibly, but V8 makes every typed-array
 * access on one markedly slower.) Every virtual access ends here, so copies are
 * moves within one buffer.
 */
export class PhysicalMemory {
  readonly buffer: ArrayBuffer;
  readonly u8: Uint8Array;
  readonly view: DataView;
  /** 32-bit view for aligned word access (headers, aligned copies): much cheaper than DataView. */
  readonly i32: Int32Array;
  private nextFrame = 0;
  private readonly freeFrames: number[] = [];
  readonly maxFrames: number;

  constructor(maxBytes: number) {
    this.maxFrames = Math.floor(maxBytes / PAGE_SIZE);
    this.buffer = new ArrayBuffer(this.maxFrames * PAGE_SIZE);
    this.u8 = new Uint8Array(this.buffer);
    this.view = new DataView(this.buffer);
    this.i32 = new Int32Array(this.buffer);
  }

  /** A zeroed page frame number, or -1 when physical memory is exhausted. */
  allocateFrame(): number {
    const f = this.freeFrames.pop();
    if (f !== undefined) {
      this.u8.fill(0, f * PAGE_SIZE, (f + 1) * PAGE_SIZE);
      return f;
    }
    if (this.nextFrame >= this.maxFrames) return -1;
    return this.nextFrame++;
  }

  freeFrame(frame: number): void {
    this.freeFrames.push(frame);
  }

  get framesInUse(): number {
    return this.nextFrame - this.freeFrames.length;
  }
}
