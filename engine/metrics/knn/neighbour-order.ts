// biome-ignore-all lint/style/noNonNullAssertion: hot loops index typed arrays within bounds by construction
/**
 * The one ordering every nearest-neighbour search in the engine uses: by squared Euclidean
 * distance, then by the point's row index. Ranking equal distances by row index makes the
 * neighbour set of a query unique, so a k-d tree and a brute-force scan agree exactly even when
 * the data holds duplicate points or points equidistant from the query.
 */

/** True when (distanceA, indexA) ranks after (distanceB, indexB). */
export function ranksAfter(distanceA: number, indexA: number, distanceB: number, indexB: number): boolean {
  return distanceA > distanceB || (distanceA === distanceB && indexA > indexB);
}

/**
 * Squared Euclidean distance between row `row` of `points` and `query`, summed dimension by
 * dimension in index order (both searches sum in the same order, so equal inputs give bit-equal
 * distances).
 */
export function squaredDistance(
  points: Float64Array,
  row: number,
  query: ArrayLike<number>,
  queryOffset: number,
  dimensions: number,
): number {
  const base = row * dimensions;
  let sum = 0;
  for (let d = 0; d < dimensions; d++) {
    const diff = points[base + d]! - query[queryOffset + d]!;
    sum += diff * diff;
  }
  return sum;
}
