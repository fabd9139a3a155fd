// biome-ignore-all lint/style/noNonNullAssertion: indexes stay within the partitioned range by construction
/**
 * A step-for-step port of NumPy 1.24's `np.argpartition` for float64 values (npysort/selection.cpp
 * `introselect_` with `arg = true`: median-of-3 quickselect, median-of-medians-of-5 past its depth
 * limit, a quadratic scan for very small kth).
 *
 * Why a port: scikit-learn 1.2's brute-force k-nearest-neighbour search on integer features
 * (neighbors/_base.py `_kneighbors_reduce_func`) keeps `np.argpartition(distances, k - 1)[:k]`,
 * so which of several rows at the k-th distance it keeps is whatever this algorithm leaves in the
 * first k places.
 */

/** The row order `np.argpartition(values, kth)` returns: `order[kth]` ranks kth, smaller before it. */
export function argpartition(values: Float64Array, kth: number): Int32Array {
  const order = Int32Array.from({ length: values.length }, (_, i) => i);
  introselect(values, order, 0, values.length, kth);
  return order;
}

/** `introselect_` on `order[base..base + num)`, kth counted from base. */
function introselect(v: Float64Array, order: Int32Array, base: number, num: number, kth: number): void {
  let low = 0;
  let high = num - 1;
  const at = (i: number) => v[order[base + i]!]!;
  const swap = (i: number, j: number) => {
    const t = order[base + i]!;
    order[base + i] = order[base + j]!;
    order[base + j] = t;
  };
  if (kth - low < 3) {
    dumbSelect(v, order, base + low, high - low + 1, kth - low);
    return;
  }
  if (kth === num - 1) {
    // inexact types only (float64 is): the last maximum goes last
    let maxIndex = low;
    let maxValue = at(low);
    for (let k = low + 1; k < num; k++) {
      if (!(at(k) < maxValue)) {
        maxIndex = k;
        maxValue = at(k);
      }
    }
    swap(kth, maxIndex);
    return;
  }
  let depthLimit = (31 - Math.clz32(num)) * 2;
  while (low + 1 < high) {
    let ll = low + 1;
    let hh = high;
    if (depthLimit > 0 || hh - ll < 5) {
      const mid = low + Math.floor((high - low) / 2);
      // median3_swap_: median to low, the smallest of the three to low + 1
      if (at(high) < at(mid)) swap(high, mid);
      if (at(high) < at(low)) swap(high, low);
      if (at(low) < at(mid)) swap(low, mid);
      swap(mid, low + 1);
    } else {
      const mid = ll + medianOfMedians5(v, order, base + ll, hh - ll);
      swap(mid, low);
      ll--;
      hh++;
    }
    depthLimit--;
    // unguarded_partition_ around the pivot in low
    const pivot = at(low);
    for (;;) {
      do ll++;
      while (at(ll) < pivot);
      do hh--;
      while (pivot < at(hh));
      if (hh < ll) break;
      swap(ll, hh);
    }
    swap(low, hh);
    if (hh >= kth) high = hh - 1;
    if (hh <= kth) low = ll;
  }
  if (high === low + 1 && at(high) < at(low)) swap(high, low);
}

/** `dumb_select_`: selection sort of the first kth + 1 places of `order[base..base + num)`. */
function dumbSelect(v: Float64Array, order: Int32Array, base: number, num: number, kth: number): void {
  for (let i = 0; i <= kth; i++) {
    let minIndex = i;
    let minValue = v[order[base + i]!]!;
    for (let k = i + 1; k < num; k++) {
      if (v[order[base + k]!]! < minValue) {
        minIndex = k;
        minValue = v[order[base + k]!]!;
      }
    }
    const t = order[base + i]!;
    order[base + i] = order[base + minIndex]!;
    order[base + minIndex] = t;
  }
}

/** `median_of_median5_`: medians of blocks of 5 moved to the front, then their median's place. */
function medianOfMedians5(v: Float64Array, order: Int32Array, base: number, num: number): number {
  const blocks = Math.floor(num / 5);
  for (let i = 0, subleft = 0; i < blocks; i++, subleft += 5) {
    const m = median5(v, order, base + subleft);
    const t = order[base + subleft + m]!;
    order[base + subleft + m] = order[base + i]!;
    order[base + i] = t;
  }
  if (blocks > 2) introselect(v, order, base, blocks, Math.floor(blocks / 2));
  return Math.floor(blocks / 2);
}

/** `median5_`: sorts enough of five places to return the index (0..4) of their median. */
function median5(v: Float64Array, order: Int32Array, base: number): number {
  const at = (i: number) => v[order[base + i]!]!;
  const swap = (i: number, j: number) => {
    const t = order[base + i]!;
    order[base + i] = order[base + j]!;
    order[base + j] = t;
  };
  if (at(1) < at(0)) swap(1, 0);
  if (at(4) < at(3)) swap(4, 3);
  if (at(3) < at(0)) swap(3, 0);
  if (at(4) < at(1)) swap(4, 1);
  if (at(2) < at(1)) swap(2, 1);
  if (at(3) < at(2)) return at(3) < at(1) ? 1 : 3;
  return 2;
}
