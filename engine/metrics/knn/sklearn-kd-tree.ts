// biome-ignore-all lint/style/noNonNullAssertion: hot loops index typed arrays within bounds by construction
/**
 * scikit-learn 1.2's `KDTree` (neighbors/_binary_tree.pxi, _kd_tree.pyx) for Euclidean k-nearest
 * neighbours, built and queried the way scikit-learn does, so that a query returns the same rows
 * as scikit-learn's even when several rows lie at the same distance:
 *
 * - shape: `n_levels = floor(log2(max(1, (n - 1) / leaf_size))) + 1`, a complete binary tree of
 *   `2^n_levels - 1` nodes, node i's children 2i+1 and 2i+2; a node splits on the dimension of
 *   widest spread (the first on equal spreads) at `n_points / 2` with `std::nth_element`
 *   (nth-element.ts) over row indices ordered by value then index;
 * - query: depth-first, the child with the smaller lower bound first (the first child on equal
 *   bounds), a node skipped only when its lower bound exceeds the heap's largest distance, a leaf's
 *   rows offered in the order `nth_element` left them to scikit-learn's heap (neighbour-heap.ts);
 * - distances summed dimension by dimension in index order, as scikit-learn's `euclidean_rdist`.
 *
 * Cost: O(n log n · dimensions) to build; about O(log n + k) node visits per query for low
 * dimensions.
 */
import { NeighbourHeap } from "./neighbour-heap.ts";
import { nthElement } from "./nth-element.ts";
import { squaredDistance } from "./squared-distance.ts";

/** KNeighborsClassifier's default, which smclarify's FT keeps. */
export const SKLEARN_LEAF_SIZE = 30;

export class SklearnKdTree {
  private readonly dimensions: number;
  private readonly nodeCount: number;
  /** Row indices in tree order: node i holds idxArray[nodeStart[i]..nodeEnd[i]). */
  private readonly idxArray: Int32Array;
  /** The rows copied in tree order, so a leaf's rows are contiguous in memory. */
  private readonly sortedPoints: Float64Array;
  private readonly nodeStart: Int32Array;
  private readonly nodeEnd: Int32Array;
  /** Per node, per dimension: the smallest and largest value of its rows. */
  private readonly lower: Float64Array;
  private readonly upper: Float64Array;

  constructor(points: Float64Array, dimensions: number, leafSize = SKLEARN_LEAF_SIZE) {
    const rows = points.length / dimensions;
    this.dimensions = dimensions;
    let levels = 1;
    while (leafSize * 2 ** levels <= rows - 1) levels++;
    this.nodeCount = 2 ** levels - 1;
    this.idxArray = Int32Array.from({ length: rows }, (_, i) => i);
    this.nodeStart = new Int32Array(this.nodeCount);
    this.nodeEnd = new Int32Array(this.nodeCount);
    this.lower = new Float64Array(this.nodeCount * dimensions);
    this.upper = new Float64Array(this.nodeCount * dimensions);
    this.build(points, 0, 0, rows);
    this.sortedPoints = new Float64Array(points.length);
    for (let i = 0; i < rows; i++) {
      const row = this.idxArray[i]!;
      this.sortedPoints.set(points.subarray(row * dimensions, (row + 1) * dimensions), i * dimensions);
    }
  }

  /** The rows of the k nearest neighbours of `query` (from `queryOffset`), in no particular order. */
  nearest(query: ArrayLike<number>, k: number, queryOffset = 0): Int32Array {
    const heap = new NeighbourHeap(k);
    this.search(0, this.minDistance(0, query, queryOffset), query, queryOffset, heap);
    return heap.rows;
  }

  private isLeaf(node: number): boolean {
    return 2 * node + 1 >= this.nodeCount || this.nodeEnd[node]! - this.nodeStart[node]! < 2;
  }

  /** `_recursive_build`. */
  private build(points: Float64Array, node: number, start: number, end: number): void {
    const dims = this.dimensions;
    this.nodeStart[node] = start;
    this.nodeEnd[node] = end;
    const base = node * dims;
    this.lower.fill(Number.POSITIVE_INFINITY, base, base + dims);
    this.upper.fill(Number.NEGATIVE_INFINITY, base, base + dims);
    for (let i = start; i < end; i++) {
      const rowBase = this.idxArray[i]! * dims;
      for (let d = 0; d < dims; d++) {
        const v = points[rowBase + d]!;
        if (v < this.lower[base + d]!) this.lower[base + d] = v;
        if (v > this.upper[base + d]!) this.upper[base + d] = v;
      }
    }
    if (this.isLeaf(node)) return;
    // find_node_split_dim: the first dimension of strictly widest spread (0 when none spreads)
    let splitDimension = 0;
    let widest = 0;
    for (let d = 0; d < dims; d++) {
      const spread = this.upper[base + d]! - this.lower[base + d]!;
      if (spread > widest) {
        widest = spread;
        splitDimension = d;
      }
    }
    const middle = Math.floor((end - start) / 2);
    nthElement(this.idxArray, start, start + middle, end, (a, b) => {
      const va = points[a * dims + splitDimension]!;
      const vb = points[b * dims + splitDimension]!;
      return va === vb ? a < b : va < vb;
    });
    this.build(points, 2 * node + 1, start, start + middle);
    this.build(points, 2 * node + 2, start + middle, end);
  }

  /** `min_rdist`: squared distance from the query to the node's bounding box, as scikit-learn sums it. */
  private minDistance(node: number, query: ArrayLike<number>, offset: number): number {
    const dims = this.dimensions;
    const base = node * dims;
    let sum = 0;
    for (let d = 0; d < dims; d++) {
      const x = query[offset + d]!;
      const below = this.lower[base + d]! - x;
      const above = x - this.upper[base + d]!;
      const half = 0.5 * (below + Math.abs(below) + (above + Math.abs(above)));
      sum += half * half;
    }
    return sum;
  }

  /** `_query_single_depthfirst`. */
  private search(
    node: number,
    lowerBound: number,
    query: ArrayLike<number>,
    offset: number,
    heap: NeighbourHeap,
  ): void {
    if (lowerBound > heap.largest()) return;
    const dims = this.dimensions;
    if (this.isLeaf(node)) {
      const points = this.sortedPoints;
      for (let i = this.nodeStart[node]!; i < this.nodeEnd[node]!; i++) {
        heap.push(squaredDistance(points, i, query, offset, dims), this.idxArray[i]!);
      }
      return;
    }
    const first = 2 * node + 1;
    const second = first + 1;
    const firstBound = this.minDistance(first, query, offset);
    const secondBound = this.minDistance(second, query, offset);
    if (firstBound <= secondBound) {
      this.search(first, firstBound, query, offset, heap);
      this.search(second, secondBound, query, offset, heap);
    } else {
      this.search(second, secondBound, query, offset, heap);
      this.search(first, firstBound, query, offset, heap);
    }
  }
}
