// biome-ignore-all lint/style/noNonNullAssertion: heap slots are indexed within the heap's size
/**
 * scikit-learn's fixed-size neighbour heap (sklearn/utils/_heap.pyx `heap_push`, used by its
 * k-d tree and its brute-force `ArgKmin`): a max-heap of k (distance, row) pairs that starts full
 * of +infinity and replaces its root only with a strictly smaller distance, sifting it down with
 * scikit-learn's exact comparisons. Which of several equally distant rows a query ends up with
 * depends on those comparisons and on the heap's layout, so they are reproduced as they are.
 */
export class NeighbourHeap {
  readonly distances: Float64Array;
  readonly rows: Int32Array;

  constructor(size: number) {
    this.distances = new Float64Array(size).fill(Number.POSITIVE_INFINITY);
    this.rows = new Int32Array(size);
  }

  /** The largest distance held (+infinity until the heap holds k rows). */
  largest(): number {
    return this.distances[0]!;
  }

  /** Offers `row` at `distance`; kept only when strictly nearer than the largest distance held. */
  push(distance: number, row: number): void {
    const values = this.distances;
    const indices = this.rows;
    const size = values.length;
    if (distance >= values[0]!) return;
    let current = 0;
    for (;;) {
      const left = 2 * current + 1;
      const right = left + 1;
      let swapWith: number;
      if (left >= size) break;
      if (right >= size) {
        if (values[left]! > distance) swapWith = left;
        else break;
      } else if (values[left]! >= values[right]!) {
        if (distance < values[left]!) swapWith = left;
        else break;
      } else if (distance < values[right]!) swapWith = right;
      else break;
      values[current] = values[swapWith]!;
      indices[current] = indices[swapWith]!;
      current = swapWith;
    }
    values[current] = distance;
    indices[current] = row;
  }
}
