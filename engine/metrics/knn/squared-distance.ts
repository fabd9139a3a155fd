// biome-ignore-all lint/style/noNonNullAssertion: callers index rows within their arrays
/**
 * The squared Euclidean distance every neighbour search of FT uses (the k-d tree's leaves, brute
 * force, the check for ties at the k-th place): summed dimension by dimension in index order, as
 * scikit-learn's `euclidean_rdist` does, so that equal inputs give bit-equal distances wherever
 * they are compared.
 */
export function squaredDistance(
  points: Float64Array,
  row: number,
  query: ArrayLike<number>,
  offset: number,
  dimensions: number,
): number {
  const base = row * dimensions;
  let sum = 0;
  for (let d = 0; d < dimensions; d++) {
    const diff = query[offset + d]! - points[base + d]!;
    sum += diff * diff;
  }
  return sum;
}
