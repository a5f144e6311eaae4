import { PAGE_SIZE } from "./layout.js";

/**
 * Frame 0 is the zero page: a read of a committed page that was never written is served
 * from it, as Windows maps a demand-zero page to its shared zero page. Nothing ever
 * writes it, and it is never handed out.
 */
export const ZERO_FRAME = 0;

/** The host buffer's first growth: 16 frames (64 KiB), then doubling. */
const FIRST_GROWTH_FRAMES = 16;

/**
 * Physical memory: one ArrayBuffer holding the frames handed out so far, grown (by
 * doubling, up to the machine's size) when a frame past its end is first needed. A frame
 * is needed only when a page is first written (or locked): committing memory charges it
 * against the machine's size without touching the host, so a machine costs what it has
 * written, and booting one costs a page. (A resizable ArrayBuffer would grow in place,
 * but V8 makes every typed-array access on one markedly slower; growing by copy keeps
 * accesses on a plain buffer, and frames keep their offsets.) Every virtual access ends
 * here, so copies are moves within one buffer.
 */
export class PhysicalMemory {
  /** The host buffer and its views; replaced when it grows, so read them after translating. */
  buffer: ArrayBuffer;
  u8: Uint8Array;
  view: DataView;
  /** 32-bit view for aligned word access (headers, aligned copies): much cheaper than DataView. */
  i32: Int32Array;
  /** MDL locks per frame: a locked frame stays resident and is never handed to anyone else. */
  locks: Int32Array;
  /** Frames freed while locked: they return to the free list when their last lock goes. */
  private freedWhileLocked: Uint8Array;
  /** Frames the buffer holds (the zero page included). */
  private backedFrames = 1;
  /** The next frame never handed out (frame numbers start at 1; 0 is the zero page). */
  private nextFrame = 1;
  private readonly freeFrames: number[] = [];
  /** Usable frames: the machine's physical memory in pages. */
  readonly maxFrames: number;
  /**
   * The commit charge, in pages: committed pages (written or not) and frames a lock holds
   * after their page was freed. Never above maxFrames, so a page that is written always
   * finds a frame.
   */
  private charged = 0;

  constructor(maxBytes: number) {
    this.maxFrames = Math.floor(maxBytes / PAGE_SIZE);
    this.buffer = new ArrayBuffer(PAGE_SIZE);
    this.u8 = new Uint8Array(this.buffer);
    this.view = new DataView(this.buffer);
    this.i32 = new Int32Array(this.buffer);
    this.locks = new Int32Array(1);
    this.freedWhileLocked = new Uint8Array(1);
  }

  /** Charge `pages` committed pages; false (nothing charged) when physical memory cannot back them. */
  charge(pages: number): boolean {
    if (this.charged + pages > this.maxFrames) return false;
    this.charged += pages;
    return true;
  }

  /** A committed page that never got a frame is released. */
  uncharge(pages: number): void {
    this.charged -= pages;
  }

  /** A zeroed frame for a charged page being written. */
  allocateFrame(): number {
    const f = this.freeFrames.pop();
    if (f !== undefined) {
      this.u8.fill(0, f * PAGE_SIZE, (f + 1) * PAGE_SIZE);
      return f;
    }
    // The charge bounds the frames in use, so this only fails on a bug in the accounting.
    if (this.nextFrame > this.maxFrames) throw new Error("wdfjs: a charged page found no physical frame");
    const frame = this.nextFrame++;
    if (frame >= this.backedFrames) this.grow(frame + 1);
    return frame;
  }

  /** A frame's page is freed: its charge goes with it, unless an MDL still locks it. */
  freeFrame(frame: number): void {
    // Windows keeps a locked page's frame referenced until MmUnlockPages: the owner
    // loses the mapping, but the frame goes to nobody else while a device may write it.
    if (this.locks[frame]! > 0) {
      this.freedWhileLocked[frame] = 1;
      return;
    }
    this.freeFrames.push(frame);
    this.charged--;
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
      this.charged--;
    }
  }

  /** Frames holding written (or locked) pages now. */
  get framesInUse(): number {
    return this.nextFrame - 1 - this.freeFrames.length;
  }

  /** Pages committed and not yet released (written or not), and frames held only by locks. */
  get commitCharge(): number {
    return this.charged;
  }

  /** Bytes of host memory behind this machine's physical memory now. */
  get hostBytes(): number {
    return this.buffer.byteLength;
  }

  private grow(frames: number): void {
    let n = Math.max(frames, this.backedFrames * 2, FIRST_GROWTH_FRAMES);
    if (n > this.maxFrames + 1) n = this.maxFrames + 1;
    const buffer = new ArrayBuffer(n * PAGE_SIZE);
    const u8 = new Uint8Array(buffer);
    u8.set(this.u8);
    this.buffer = buffer;
    this.u8 = u8;
    this.view = new DataView(buffer);
    this.i32 = new Int32Array(buffer);
    const locks = new Int32Array(n);
    locks.set(this.locks);
    this.locks = locks;
    const freed = new Uint8Array(n);
    freed.set(this.freedWhileLocked);
    this.freedWhileLocked = freed;
    this.backedFrames = n;
  }
}
