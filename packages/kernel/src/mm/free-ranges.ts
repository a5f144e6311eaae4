/** One free range of an address space: pages [first, first + pages), as page numbers. */
export class FreeRange {
  left: FreeRange | null = null;
  right: FreeRange | null = null;
  /** The longest range in this subtree, so a first-fit search descends straight to its range. */
  max: number;
  constructor(
    public first: number,
    public pages: number,
    readonly priority: number,
  ) {
    this.max = pages;
  }
}

function pull(n: FreeRange): void {
  let m = n.pages;
  if (n.left !== null && n.left.max > m) m = n.left.max;
  if (n.right !== null && n.right.max > m) m = n.right.max;
  n.max = m;
}

function rotateRight(n: FreeRange): FreeRange {
  const l = n.left!;
  n.left = l.right;
  pull(n);
  l.right = n;
  pull(l);
  return l;
}

function rotateLeft(n: FreeRange): FreeRange {
  const r = n.right!;
  n.right = r.left;
  pull(n);
  r.left = n;
  pull(r);
  return r;
}

function insert(n: FreeRange | null, node: FreeRange): FreeRange {
  if (n === null) return node;
  if (node.first < n.first) {
    n.left = insert(n.left, node);
    if (n.left.priority > n.priority) return rotateRight(n);
  } else {
    n.right = insert(n.right, node);
    if (n.right.priority > n.priority) return rotateLeft(n);
  }
  pull(n);
  return n;
}

function join(a: FreeRange | null, b: FreeRange | null): FreeRange | null {
  if (a === null) return b;
  if (b === null) return a;
  if (a.priority > b.priority) {
    a.right = join(a.right, b);
    pull(a);
    return a;
  }
  b.left = join(a, b.left);
  pull(b);
  return b;
}

function remove(n: FreeRange | null, first: number): FreeRange | null {
  if (n === null) return null;
  if (first === n.first) return join(n.left, n.right);
  if (first < n.first) n.left = remove(n.left, first);
  else n.right = remove(n.right, first);
  pull(n);
  return n;
}

function refresh(n: FreeRange | null, first: number): void {
  if (n === null) return;
  if (first < n.first) refresh(n.left, first);
  else if (first > n.first) refresh(n.right, first);
  pull(n);
}

/**
 * The free ranges of an address space, disjoint and ordered by address: a treap keyed by
 * first page whose nodes know the longest range below them, so first fit (the lowest
 * range that is long enough), insertion, removal and the neighbours of a range all cost
 * O(log n) in the number of ranges. The priorities come from a fixed-seed generator:
 * the same calls give the same tree.
 */
export class FreeRanges {
  private root: FreeRange | null = null;
  private seed = 0x2545f491;
  /** Ranges in the set. */
  count = 0;

  /** The lowest range of at least `pages` pages, or null. */
  firstFit(pages: number): FreeRange | null {
    let n = this.root;
    if (n === null || n.max < pages) return null;
    for (;;) {
      if (n.left !== null && n.left.max >= pages) n = n.left;
      else if (n.pages >= pages) return n;
      else n = n.right!;
    }
  }

  /** The range with the highest first page below `first`, or null. */
  below(first: number): FreeRange | null {
    let n = this.root;
    let best: FreeRange | null = null;
    while (n !== null) {
      if (n.first < first) {
        best = n;
        n = n.right;
      } else n = n.left;
    }
    return best;
  }

  /** The range starting exactly at `first`, or null. */
  at(first: number): FreeRange | null {
    let n = this.root;
    while (n !== null && n.first !== first) n = first < n.first ? n.left : n.right;
    return n;
  }

  /** The highest range, or null. */
  last(): FreeRange | null {
    let n = this.root;
    if (n === null) return null;
    while (n.right !== null) n = n.right;
    return n;
  }

  add(first: number, pages: number): void {
    // xorshift32: a deterministic priority per node.
    let x = this.seed;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.seed = x;
    this.root = insert(this.root, new FreeRange(first, pages, x >>> 0));
    this.count++;
  }

  delete(range: FreeRange): void {
    this.root = remove(this.root, range.first);
    this.count--;
  }

  /** Change a range in place: it must stay between its neighbours (it shrinks, or grows into space no other range holds). */
  resize(range: FreeRange, newFirst: number, newPages: number): void {
    range.first = newFirst;
    range.pages = newPages;
    // The order is unchanged, so the path to the node is found by its new key.
    refresh(this.root, newFirst);
  }

  /** The ranges in address order (for tests and debugging). */
  toArray(): { first: number; pages: number }[] {
    const out: { first: number; pages: number }[] = [];
    const walk = (n: FreeRange | null): void => {
      if (n === null) return;
      walk(n.left);
      out.push({ first: n.first, pages: n.pages });
      walk(n.right);
    };
    walk(this.root);
    return out;
  }
}
