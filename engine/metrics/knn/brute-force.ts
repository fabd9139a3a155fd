// biome-ignore-all lint/style/noNonNullAssertion: hot loops index typed arrays within bounds by construction
/**
 * Exhaustive k-nearest-neighbour search: O(n log n) per query. The reference the k-d tree is
 * tested against, and the baseline the FT benchmark compares with.
 */
import { ranksAfter, squaredDistance } from "./neighbour-order.ts";

/**
 * Row indices of the `k` points of `points` (row-major, `dimensions` values per row) nearest to
 * `query`, nearest first, equal distances by ascending row index. Returns fewer than `k` when
 * there are fewer points.
 */
export function bruteForceNearest(
  points: Float64Array,
  dimensions: number,
  query: ArrayLike<number>,
  k: number,
  queryOffset = 0,
): Int32Array {
  const rows = dimensions > 0 ? points.length / dimensions : 0;
  const distances = new Float64Array(rows);
  const order: number[] = [];
  for (let row = 0; row < rows; row++) {
    distances[row] = squaredDistance(points, row, query, queryOffset, dimensions);
    order.push(row);
  }
  order.sort((a, b) => (ranksAfter(distances[a]!, a, distances[b]!, b) ? 1 : -1));
  return Int32Array.from(order.slice(0, Math.min(k, rows)));
}
