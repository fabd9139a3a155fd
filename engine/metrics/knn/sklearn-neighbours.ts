// biome-ignore-all lint/style/noNonNullAssertion: hot loops index typed arrays within bounds by construction
/**
 * The k nearest neighbours scikit-learn 1.2's `KNeighborsClassifier(algorithm="auto",
 * leaf_size=30, metric="minkowski", p=2)` finds, rows tied at the k-th distance included:
 *
 * - `_fit` picks brute force when there are more than 15 features or `k >= n // 2`, else its
 *   k-d tree (sklearn-kd-tree.ts);
 * - brute force on a float64 feature matrix runs `ArgKmin`, which offers the rows in order to its
 *   neighbour heap (neighbour-heap.ts);
 * - brute force on any other matrix falls back to `_kneighbors_reduce_func`: the full distance
 *   row, then `np.argpartition(d, k - 1)[:k]` (numpy-argpartition.ts). `ArgKmin` takes float
 *   arrays only, and the queries must share the fitted rows' dtype: an int64 or bool matrix stays
 *   so, and an object one (bool columns beside numbers) is float64 once fitted but the queries,
 *   handed over as a list of rows, stay object.
 *
 * Only which rows are found matters to a vote, so neighbours come back in no particular order.
 */
import { NeighbourHeap } from "./neighbour-heap.ts";
import { argpartition } from "./numpy-argpartition.ts";
import { SklearnKdTree } from "./sklearn-kd-tree.ts";
import { squaredDistance } from "./squared-distance.ts";

/** The NumPy dtype of the feature matrix scikit-learn receives (smclarify's `np.array(df)`). */
export type FeatureMatrixDtype = "float64" | "int64" | "bool" | "object";

/** The rows of the k neighbours of the query row starting at `offset` of `queries`. */
export type NeighbourSearch = (queries: Float64Array, offset: number) => Int32Array;

/** scikit-learn's "auto" picks brute force above this many features. */
const KD_TREE_MAX_FEATURES = 15;

export type SklearnAlgorithm = "kd_tree" | "brute";

/** The algorithm scikit-learn's "auto" uses for `rows` fitted rows of `dimensions` features. */
export function sklearnAlgorithm(rows: number, dimensions: number, k: number): SklearnAlgorithm {
  return dimensions > KD_TREE_MAX_FEATURES || k >= Math.floor(rows / 2) ? "brute" : "kd_tree";
}

/** `ArgKmin`'s chunk of rows: its threads share the fitted rows out in chunks of this many. */
const ARGKMIN_CHUNK_ROWS = 256;

/**
 * Whether scikit-learn's answer under exact distance ties depends on its thread count: brute
 * force on float64 runs `ArgKmin`, which, when the queries are no more than the fitted rows (and
 * at most 1,024 per core: `4 × 256 × threads`), gives each thread chunks of the fitted rows and
 * merges the threads' heaps; which of several tied rows survives the merge then depends on how
 * many threads there were. The engine's answer is the one-thread one. The instance's cores are not
 * known here, so the per-core condition is not checked: this may also say so where scikit-learn
 * answers as one thread does.
 */
export function threadsDecideTies(
  fittedRows: number,
  queryRows: number,
  dimensions: number,
  k: number,
  dtype: FeatureMatrixDtype,
): boolean {
  return (
    dtype === "float64" &&
    sklearnAlgorithm(fittedRows, dimensions, k) === "brute" &&
    fittedRows > ARGKMIN_CHUNK_ROWS &&
    queryRows <= fittedRows
  );
}

/**
 * Whether a row left out of `neighbours` lies exactly as far from the query as the farthest
 * neighbour: a tie across the k-th place, where which rows a search keeps is a matter of its order.
 */
export function tieAtKthPlace(
  points: Float64Array,
  dimensions: number,
  queries: Float64Array,
  offset: number,
  neighbours: Int32Array,
): boolean {
  const distance = (row: number) => squaredDistance(points, row, queries, offset, dimensions);
  let farthest = Number.NEGATIVE_INFINITY;
  for (const row of neighbours) farthest = Math.max(farthest, distance(row));
  let atFarthest = 0;
  for (const row of neighbours) if (distance(row) === farthest) atFarthest++;
  const rows = points.length / dimensions;
  for (let row = 0; row < rows; row++) {
    if (distance(row) === farthest && --atFarthest < 0) return true;
  }
  return false;
}

/** A search over `points` (row-major, `dimensions` per row) that returns scikit-learn's k neighbours. */
export function sklearnNeighbourSearch(
  points: Float64Array,
  dimensions: number,
  k: number,
  dtype: FeatureMatrixDtype,
): NeighbourSearch {
  const rows = points.length / dimensions;
  if (sklearnAlgorithm(rows, dimensions, k) === "kd_tree") {
    const tree = new SklearnKdTree(points, dimensions);
    return (queries, offset) => tree.nearest(queries, k, offset);
  }
  const distances = new Float64Array(rows);
  const distanceRow = (queries: Float64Array, offset: number) => {
    for (let row = 0; row < rows; row++)
      distances[row] = squaredDistance(points, row, queries, offset, dimensions);
    return distances;
  };
  if (dtype === "float64") {
    return (queries, offset) => {
      const heap = new NeighbourHeap(k);
      const row = distanceRow(queries, offset);
      for (let i = 0; i < rows; i++) heap.push(row[i]!, i);
      return heap.rows;
    };
  }
  return (queries, offset) => argpartition(distanceRow(queries, offset), k - 1).slice(0, k);
}
