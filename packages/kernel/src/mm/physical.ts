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
  /** MDL locks per frame: a locked frame stays resident and is never handed to anyone else. */
  readonly locks: Int32Array;
  /** Frames freed while locked: they return to the free list when their last lock goes. */
  private readonly freedWhileLocked: Uint8Array;

  constructor(maxBytes: number) {
    this.maxFrames = Math.floor(maxBytes / PAGE_SIZE);
    this.buffer = new ArrayBuffer(this.maxFrames * PAGE_SIZE);
    this.u8 = new Uint8Array(this.buffer);
    this.view = new DataView(this.buffer);
    this.i32 = new Int32Array(this.buffer);
    this.locks = new Int32Array(this.maxFrames);
    this.freedWhileLocked = new Uint8Array(this.maxFrames);
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
    // Windows keeps a locked page's frame referenced until MmUnlockPages: the owner
    // loses the mapping, but the frame goes to nobody else while a device may write it.
    if (this.locks[frame]! > 0) this.freedWhileLocked[frame] = 1;
    else this.freeFrames.push(frame);
  }

  lockFrame(frame: number): void {
    this.locks[frame] = this.locks[frame]! + 1;
  }

  unlockFrame(frame: number): void {
    const n = this.locks[frame]! - 1;
    if (n < 0) return;
    this.locks[frame] = n;
    if (n === 0 && this.freedWhileLocked[frame] === 1) {
      this.freedWhileLocked[frame] = 0;
      this.freeFrames.push(frame);
    }
  }

  get framesInUse(): number {
    return this.nextFrame - this.freeFrames.length;
  }
}
