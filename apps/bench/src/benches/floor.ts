import type { BenchDefinition } from "../harness.js";

/**
 * The floor the emulated I/O path is compared against: what plain JavaScript
 * pays to pass a 64-byte request down three calls and copy it once, the work a
 * buffered IOCTL through a three-deep stack does minus everything the kernel adds.
 */
const BYTES = 64;

// Module-level so the copies stay observable and the JIT cannot drop them.
let sink = 0;

// TypedArray.set is the cheapest 64-byte copy in V8 (a byte loop costs about twice as much).
function copy64(source: Uint8Array, destination: Uint8Array): number {
  destination.set(source);
  return destination[BYTES - 1]!;
}

function middle(source: Uint8Array, destination: Uint8Array): number {
  return copy64(source, destination);
}

function top(source: Uint8Array, destination: Uint8Array): number {
  return middle(source, destination);
}

export const floor: BenchDefinition = {
  name: "bare-js-floor",
  description: "three nested plain calls copying 64 bytes",
  setup() {
    const source = new Uint8Array(BYTES);
    const destination = new Uint8Array(BYTES);
    return {
      run(iterations: number): void {
        let acc = 0;
        for (let i = 0; i < iterations; i++) {
          source[BYTES - 1] = i;
          acc += top(source, destination);
        }
        sink += acc;
      },
      teardown(): void {
        if (sink === -1) console.error("unreachable");
      },
    };
  },
};
