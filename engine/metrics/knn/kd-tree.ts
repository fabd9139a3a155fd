// biome-ignore-all lint/style/noNonNullAssertion: hot loops index typed arrays within bounds by construction
/**
 * A k-d tree for exact k-nearest-neighbour queries under Euclidean distance.
 *
 * Build: each node splits its rows at the median of the dimension with the widest spread
 * (quickselect with a three-way partition, so long runs of duplicate values cost no more than
 * distinct ones): O(n log n · dimensions). Nodes of at most `leafSize` rows, or whose rows are all
 * the same point, become leaves. Query: depth-first, nearer side first, and a far cell is skipped
 * only when it lies strictly farther than the current k-th neighbour:
 * about O(log n + k) per query for low dimensions (the usual k-d tree caveat: the gain fades as
 * dimensions approach log2 n).
 *
 * Results follow neighbour-order.ts (distance, then row index), so they are exactly those of
 * brute-force.ts, whatever the tree's shape.
 */
import { ranksAfter, squaredDistance } from "./neighbour-order.ts";

/** Options of {@link KdTree.build}. */
export interface KdTreeOptions {
  /**
   * Most rows a leaf holds; leaves are scanned linearly.
   * @default 16
   */
  readonly leafSize?: number;
}

const DEFAULT_LEAF_SIZE = 16;
const LEAF = -1;
/** Relative margin so rounding in the incremental cell distance never prunes a true neighbour. */
const CELL_DISTANCE_SLACK = 1e-9;

export class KdTree {
  /** Rows copied in tree order, so a leaf's rows are contiguous in memory. */
  private readonly sortedPoints: Float64Array;
  /** Original row index of each row of `sortedPoints`. */
  private readonly rowIndex: Int32Array;
  private readonly dimensions: number;
  // One entry per node; children of an inner node are `left[node]` and `left[node] + 1`.
  private readonly nodeStart: number[] = [];
  private readonly nodeEnd: number[] = [];
  private readonly nodeDimension: number[] = [];
  private readonly nodeSplit: number[] = [];
  private readonly nodeLeft: number[] = [];

  private constructor(points: Float64Array, dimensions: number, leafSize: number) {
    this.dimensions = dimensions;
    const rows = points.length / dimensions;
    const order = new Int32Array(rows);
    for (let i = 0; i < rows; i++) order[i] = i;
    this.buildNodes(points, order, leafSize);
    this.rowIndex = order;
    this.sortedPoints = new Float64Array(points.length);
    for (let i = 0; i < rows; i++) {
      this.sortedPoints.set(
        points.subarray(order[i]! * dimensions, (order[i]! + 1) * dimensions),
        i * dimensions,
      );
    }
  }

  /**
   * Builds the tree over `points`, `dimensions` values per row (row-major). The array is read,
   * not kept: the tree holds its own copy.
   */
  static build(points: Float64Array, dimensions: number, options: KdTreeOptions = {}): KdTree {
    if (!Number.isInteger(dimensions) || dimensions < 1) {
      throw new RangeError(`dimensions must be a positive integer, got ${dimensions}`);
    }
    if (points.length % dimensions !== 0) {
      throw new RangeError(
        `points holds ${points.length} values, not a multiple of dimensions (${dimensions})`,
      );
    }
    const leafSize = options.leafSize ?? DEFAULT_LEAF_SIZE;
    if (!Number.isInteger(leafSize) || leafSize < 1) {
      throw new RangeError(`leafSize must be a positive integer, got ${leafSize}`);
    }
    return new KdTree(points, dimensions, leafSize);
  }

  /** Number of rows indexed. */
  get size(): number {
    return this.rowIndex.length;
  }

  /**
   * Row indices of the `k` indexed rows nearest to `query` (read from `queryOffset`), nearest
   * first, equal distances by ascending row index. Fewer than `k` when the tree holds fewer rows.
   */
  nearest(query: ArrayLike<number>, k: number, queryOffset = 0): Int32Array {
    const want = Math.min(k, this.size);
    if (want <= 0) return new Int32Array(0);
    const heap = new NeighbourHeap(want);
    const offsets = new Float64Array(this.dimensions);
    if (this.nodeStart.length > 0) this.search(0, 0, offsets, query, queryOffset, heap);
    return heap.drainNearestFirst();
  }

  /**
   * Visits `node`, whose cell lies at least `cellDistance` (squared) from the query; `offsets`
   * holds, per dimension, how far the query lies outside the cell along it (Arya & Mount's
   * incremental distance: tighter than the distance to a single splitting plane).
   */
  private search(
    node: number,
    cellDistance: number,
    offsets: Float64Array,
    query: ArrayLike<number>,
    queryOffset: number,
    heap: NeighbourHeap,
  ): void {
    const left = this.nodeLeft[node]!;
    if (left === LEAF) {
      for (let i = this.nodeStart[node]!; i < this.nodeEnd[node]!; i++) {
        const distance = squaredDistance(this.sortedPoints, i, query, queryOffset, this.dimensions);
        heap.offer(distance, this.rowIndex[i]!);
      }
      return;
    }
    const dimension = this.nodeDimension[node]!;
    const gap = query[queryOffset + dimension]! - this.nodeSplit[node]!;
    const near = gap < 0 ? left : left + 1;
    this.search(near, cellDistance, offsets, query, queryOffset, heap);
    const previousOffset = offsets[dimension]!;
    const farDistance = cellDistance - previousOffset * previousOffset + gap * gap;
    // A row in the far cell is at least farDistance away; at exactly the k-th distance it may
    // still win on row index, hence `<=`, and the slack absorbs the incremental sum's rounding.
    if (!heap.isFull() || farDistance * (1 - CELL_DISTANCE_SLACK) <= heap.worstDistance()) {
      offsets[dimension] = gap;
      this.search(near === left ? left + 1 : left, farDistance, offsets, query, queryOffset, heap);
      offsets[dimension] = previousOffset;
    }
  }

  private buildNodes(points: Float64Array, order: Int32Array, leafSize: number): void {
    const dims = this.dimensions;
    // Breadth-first with an explicit queue: children are created in pairs, so node `left + 1`
    // is always the right sibling.
    this.addNode(0, order.length);
    for (let node = 0; node < this.nodeStart.length; node++) {
      const start = this.nodeStart[node]!;
      const end = this.nodeEnd[node]!;
      if (end - start <= leafSize) continue;
      const dimension = widestDimension(points, order, start, end, dims);
      if (dimension < 0) continue; // every row is the same point
      const middle = (start + end) >>> 1;
      selectNth(points, order, start, end, middle, dimension, dims);
      this.nodeDimension[node] = dimension;
      this.nodeSplit[node] = points[order[middle]! * dims + dimension]!;
      this.nodeLeft[node] = this.nodeStart.length;
      this.addNode(start, middle);
      this.addNode(middle, end);
    }
  }

  private addNode(start: number, end: number): void {
    this.nodeStart.push(start);
    this.nodeEnd.push(end);
    this.nodeDimension.push(0);
    this.nodeSplit.push(0);
    this.nodeLeft.push(LEAF);
  }
}

/** The dimension whose values spread widest over `order[start..end)`; -1 when all rows are equal. */
function widestDimension(
  points: Float64Array,
  order: Int32Array,
  start: number,
  end: number,
  dims: number,
): number {
  let best = -1;
  let bestSpread = 0;
  for (let d = 0; d < dims; d++) {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (let i = start; i < end; i++) {
      const v = points[order[i]! * dims + d]!;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (max - min > bestSpread) {
      bestSpread = max - min;
      best = d;
    }
  }
  return best;
}

/**
 * Reorders `order[start..end)` so that position `nth` holds the row whose `dimension` value ranks
 * nth, rows before it are <= and rows after it are >= that value. Pivots are middle elements
 * (deterministic); the three-way partition keeps duplicates from degrading it.
 */
function selectNth(
  points: Float64Array,
  order: Int32Array,
  start: number,
  end: number,
  nth: number,
  dimension: number,
  dims: number,
): void {
  let lo = start;
  let hi = end - 1;
  while (lo < hi) {
    const pivot = medianOfThree(
      points[order[lo]! * dims + dimension]!,
      points[order[(lo + hi) >>> 1]! * dims + dimension]!,
      points[order[hi]! * dims + dimension]!,
    );
    // Dutch national flag: [lo, lt) < pivot, [lt, i) == pivot, (gt, hi] > pivot.
    let lt = lo;
    let gt = hi;
    let i = lo;
    while (i <= gt) {
      const v = points[order[i]! * dims + dimension]!;
      if (v < pivot) {
        swap(order, lt++, i++);
      } else if (v > pivot) {
        swap(order, i, gt--);
      } else {
        i++;
      }
    }
    if (nth < lt) hi = lt - 1;
    else if (nth > gt) lo = gt + 1;
    else return;
  }
}

function medianOfThree(a: number, b: number, c: number): number {
  return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
}

function swap(order: Int32Array, i: number, j: number): void {
  const t = order[i]!;
  order[i] = order[j]!;
  order[j] = t;
}

/** The best `capacity` candidates seen so far, as a max-heap whose root is the worst of them. */
class NeighbourHeap {
  private readonly distances: Float64Array;
  private readonly rows: Int32Array;
  private count = 0;

  constructor(capacity: number) {
    this.distances = new Float64Array(capacity);
    this.rows = new Int32Array(capacity);
  }

  isFull(): boolean {
    return this.count === this.distances.length;
  }

  worstDistance(): number {
    return this.distances[0]!;
  }

  offer(distance: number, row: number): void {
    if (!this.isFull()) {
      this.siftUp(this.count++, distance, row);
    } else if (ranksAfter(this.distances[0]!, this.rows[0]!, distance, row)) {
      this.siftDown(0, distance, row, this.count);
    }
  }

  /** Empties the heap, returning its rows nearest first. */
  drainNearestFirst(): Int32Array {
    const result = new Int32Array(this.count);
    while (this.count > 0) {
      const last = --this.count;
      result[last] = this.rows[0]!;
      if (last > 0) this.siftDown(0, this.distances[last]!, this.rows[last]!, last);
    }
    return result;
  }

  private siftUp(position: number, distance: number, row: number): void {
    let at = position;
    while (at > 0) {
      const parent = (at - 1) >>> 1;
      if (!ranksAfter(distance, row, this.distances[parent]!, this.rows[parent]!)) break;
      this.distances[at] = this.distances[parent]!;
      this.rows[at] = this.rows[parent]!;
      at = parent;
    }
    this.distances[at] = distance;
    this.rows[at] = row;
  }

  private siftDown(position: number, distance: number, row: number, size: number): void {
    let at = position;
    for (;;) {
      let child = 2 * at + 1;
      if (child >= size) break;
      if (
        child + 1 < size &&
        ranksAfter(
          this.distances[child + 1]!,
          this.rows[child + 1]!,
          this.distances[child]!,
          this.rows[child]!,
        )
      ) {
        child++;
      }
      if (!ranksAfter(this.distances[child]!, this.rows[child]!, distance, row)) break;
      this.distances[at] = this.distances[child]!;
      this.rows[at] = this.rows[child]!;
      at = child;
    }
    this.distances[at] = distance;
    this.rows[at] = row;
  }
}
