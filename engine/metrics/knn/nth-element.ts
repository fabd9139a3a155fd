// biome-ignore-all lint/style/noNonNullAssertion: indexes stay within [first, last) by construction
/**
 * A step-for-step port of GCC libstdc++'s `std::nth_element` (bits/stl_algo.h `__introselect`,
 * bits/stl_heap.h for its heap fallback), for an array of integers under a strict total order.
 *
 * Why a port and not any selection algorithm: scikit-learn's k-d tree splits each node with
 * `std::nth_element` (neighbors/_partition_nodes.pyx), and the order it leaves the rows in on
 * either side of the split decides the order a leaf's rows are visited in, hence which of several
 * equally distant rows a k-nearest-neighbour query keeps. Reproducing scikit-learn's neighbours
 * under distance ties means reproducing that order exactly, swap for swap.
 */

/** Strict weak order on two elements: true when `a` goes before `b`. */
export type Less = (a: number, b: number) => boolean;

/**
 * Rearranges `items[first..last)` so that `items[nth]` holds the element a full sort would put
 * there, smaller ones before it and larger ones after it, in exactly the order libstdc++ leaves.
 */
export function nthElement(items: Int32Array, first: number, nth: number, last: number, less: Less): void {
  if (first === last || nth === last) return;
  introselect(items, first, nth, last, floorLog2(last - first) * 2, less);
}

function floorLog2(n: number): number {
  return 31 - Math.clz32(n);
}

function introselect(
  items: Int32Array,
  first: number,
  nth: number,
  last: number,
  depth: number,
  less: Less,
): void {
  let lo = first;
  let hi = last;
  let depthLimit = depth;
  while (hi - lo > 3) {
    if (depthLimit === 0) {
      heapSelect(items, lo, nth + 1, hi, less);
      swap(items, lo, nth); // the nth element is now the heap's root: put it in place
      return;
    }
    depthLimit--;
    const cut = unguardedPartitionPivot(items, lo, hi, less);
    if (cut <= nth) lo = cut;
    else hi = cut;
  }
  insertionSort(items, lo, hi, less);
}

function unguardedPartitionPivot(items: Int32Array, first: number, last: number, less: Less): number {
  const mid = first + Math.floor((last - first) / 2);
  moveMedianToFirst(items, first, first + 1, mid, last - 1, less);
  return unguardedPartition(items, first + 1, last, first, less);
}

function moveMedianToFirst(
  items: Int32Array,
  result: number,
  a: number,
  b: number,
  c: number,
  less: Less,
): void {
  const va = items[a]!;
  const vb = items[b]!;
  const vc = items[c]!;
  if (less(va, vb)) {
    if (less(vb, vc)) swap(items, result, b);
    else if (less(va, vc)) swap(items, result, c);
    else swap(items, result, a);
  } else if (less(va, vc)) swap(items, result, a);
  else if (less(vb, vc)) swap(items, result, c);
  else swap(items, result, b);
}

function unguardedPartition(
  items: Int32Array,
  from: number,
  to: number,
  pivotAt: number,
  less: Less,
): number {
  const pivot = items[pivotAt]!;
  let first = from;
  let last = to;
  for (;;) {
    while (less(items[first]!, pivot)) first++;
    last--;
    while (less(pivot, items[last]!)) last--;
    if (!(first < last)) return first;
    swap(items, first, last);
    first++;
  }
}

function insertionSort(items: Int32Array, first: number, last: number, less: Less): void {
  if (first === last) return;
  for (let i = first + 1; i !== last; i++) {
    const value = items[i]!;
    if (less(value, items[first]!)) {
      items.copyWithin(first + 1, first, i);
      items[first] = value;
    } else {
      // __unguarded_linear_insert
      let hole = i;
      while (less(value, items[hole - 1]!)) {
        items[hole] = items[hole - 1]!;
        hole--;
      }
      items[hole] = value;
    }
  }
}

/** `__heap_select`: a max-heap of the first `middle - first` elements, fed the rest. */
function heapSelect(items: Int32Array, first: number, middle: number, last: number, less: Less): void {
  makeHeap(items, first, middle, less);
  for (let i = middle; i < last; i++) {
    if (less(items[i]!, items[first]!)) {
      // __pop_heap(first, middle, i): the root goes to i, i's value sifts in from the root
      const value = items[i]!;
      items[i] = items[first]!;
      adjustHeap(items, first, 0, middle - first, value, less);
    }
  }
}

function makeHeap(items: Int32Array, first: number, last: number, less: Less): void {
  const length = last - first;
  if (length < 2) return;
  for (let parent = Math.floor((length - 2) / 2); ; parent--) {
    adjustHeap(items, first, parent, length, items[first + parent]!, less);
    if (parent === 0) return;
  }
}

function adjustHeap(
  items: Int32Array,
  first: number,
  hole: number,
  length: number,
  value: number,
  less: Less,
): void {
  const top = hole;
  let holeIndex = hole;
  let secondChild = hole;
  while (secondChild < Math.floor((length - 1) / 2)) {
    secondChild = 2 * (secondChild + 1);
    if (less(items[first + secondChild]!, items[first + secondChild - 1]!)) secondChild--;
    items[first + holeIndex] = items[first + secondChild]!;
    holeIndex = secondChild;
  }
  if ((length & 1) === 0 && secondChild === Math.floor((length - 2) / 2)) {
    secondChild = 2 * (secondChild + 1);
    items[first + holeIndex] = items[first + secondChild - 1]!;
    holeIndex = secondChild - 1;
  }
  // __push_heap
  let parent = Math.floor((holeIndex - 1) / 2);
  while (holeIndex > top && less(items[first + parent]!, value)) {
    items[first + holeIndex] = items[first + parent]!;
    holeIndex = parent;
    parent = Math.floor((holeIndex - 1) / 2);
  }
  items[first + holeIndex] = value;
}

function swap(items: Int32Array, i: number, j: number): void {
  const t = items[i]!;
  items[i] = items[j]!;
  items[j] = t;
}
