/**
 * A binary min-heap kept in a plain array, ordered by `before(a, b)` (a comes out first).
 * Push and pop cost O(log n); the array is the caller's, so it can be inspected (h[0] is
 * the least) or rebuilt. Ours: the scheduler's timer queue and the handle table's free slots.
 */
export function heapPush<T>(h: T[], e: T, before: (a: T, b: T) => boolean): void {
  let i = h.length;
  h.push(e);
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (!before(e, h[p]!)) break;
    h[i] = h[p]!;
    i = p;
  }
  h[i] = e;
}

/** Removes and returns the least element; the heap must not be empty. */
export function heapPop<T>(h: T[], before: (a: T, b: T) => boolean): T {
  const top = h[0]!;
  const last = h.pop()!;
  if (h.length > 0) {
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const r = l + 1;
      const c = r < h.length && before(h[r]!, h[l]!) ? r : l;
      if (!before(h[c]!, last)) break;
      h[i] = h[c]!;
      i = c;
    }
    h[i] = last;
  }
  return top;
}
