// biome-ignore-all lint/style/noNonNullAssertion: hot loops index typed arrays within bounds by construction
/**
 * Flip Test (FT), as computed by Clarify's bias container (smclarify, `posttraining.FT`).
 *
 * A k-nearest-neighbour classifier is fitted on the advantaged rows (features → the model's
 * predicted label) and asked about each disadvantaged row; FT = (F+ − F−) / n_d where, as the
 * container's code counts them:
 * - F+ = disadvantaged rows the model predicted positive whose neighbours' majority is negative;
 * - F− = disadvantaged rows the model predicted negative whose neighbours' majority is positive.
 * Clarify's documentation words F+ and F− the other way round; the container's code (what lands
 * in a real analysis.json) is what this engine reproduces, so a run gives the same sign locally
 * and on SageMaker.
 *
 * Same rules as the container:
 * - k = 5 when the advantaged group has more than 9 rows, else 1 (an explicit `k` overrides it);
 * - raw features, Euclidean distance, no scaling; the majority of k votes is positive only when
 *   more than half the neighbours are positive (an even split counts as negative, as scikit-learn's
 *   mode picks the smaller class);
 * - an empty disadvantaged or advantaged group is an error (smclarify raises "Facet set is empty" /
 *   "Negated Facet set is empty"); so are zero dimensions, non-finite features and k larger than
 *   the advantaged group (scikit-learn rejects each of them).
 * Equidistant neighbours rank by row index (scikit-learn leaves that order unspecified); with the
 * default odd k, only a tie that straddles the k-th place can change a vote.
 *
 * Cost: the advantaged rows go into a k-d tree, O(n_a log n_a · dimensions) to build, then one
 * query per disadvantaged row, about O(log n_a + k) for low dimensions: O(n log n) overall instead
 * of brute force's O(n_d · n_a). With 8 features that all vary (the benchmark's data) the queries
 * cost more than log n, as every k-d tree's do at that dimension: `npm run bench:ft` measured
 * 25k → 50k → 100k rows at 0.25 s → 0.58 s → 1.42 s (×2.3–2.5 per doubling, about n^1.25), where
 * brute force grows ×4 per doubling and is already 43 times slower at 5,000 rows.
 */
import { bruteForceNearest } from "../knn/brute-force.ts";
import { KdTree } from "../knn/kd-tree.ts";

/** One side of the facet split: numeric feature rows (row-major) and their predicted labels. */
export interface FlipTestGroup {
  /** `rows * dimensions` feature values, row-major. */
  readonly features: Float64Array;
  /** 1 = predicted positive, 0 = predicted negative; one per row. */
  readonly predicted: Uint8Array;
}

export interface FlipTestInput {
  readonly disadvantaged: FlipTestGroup;
  readonly advantaged: FlipTestGroup;
  readonly dimensions: number;
  /**
   * Neighbours per row.
   * @default 5 when the advantaged group has more than 9 rows, else 1 (Clarify's rule)
   */
  readonly k?: number;
}

/** FT cannot be computed for this input; the message says which field breaks which rule. */
export class FlipTestInputError extends Error {
  override readonly name = "FlipTestInputError" as const;
}

/** Finds the row indices of the k advantaged rows nearest to a query row. */
export type NeighbourSearch = (query: Float64Array, queryOffset: number, k: number) => Int32Array;

/** Builds a {@link NeighbourSearch} over the advantaged rows. */
export type NeighbourSearchFactory = (points: Float64Array, dimensions: number) => NeighbourSearch;

/** The default search: a k-d tree. */
export const kdTreeSearch: NeighbourSearchFactory = (points, dimensions) => {
  const tree = KdTree.build(points, dimensions);
  return (query, offset, k) => tree.nearest(query, k, offset);
};

/** Exhaustive search, O(n_a) per query: for tests and benchmarks only. */
export const bruteForceSearch: NeighbourSearchFactory = (points, dimensions) => (query, offset, k) =>
  bruteForceNearest(points, dimensions, query, k, offset);

const CLARIFY_DEFAULT_K = 5;
const CLARIFY_SMALL_GROUP_K = 1;
/** Clarify uses the default k only above this many advantaged rows. */
const CLARIFY_SMALL_GROUP_LIMIT = 9;

export function flipTest(input: FlipTestInput): number {
  return flipTestWith(input, kdTreeSearch);
}

/** {@link flipTest} with a chosen neighbour search (both searches give identical results). */
export function flipTestWith(input: FlipTestInput, searchFactory: NeighbourSearchFactory): number {
  const { dimensions, disadvantaged, advantaged } = input;
  if (!Number.isInteger(dimensions) || dimensions < 1) {
    throw new FlipTestInputError(
      `FT: dimensions must be a positive integer (FT needs at least one numeric feature), got ${dimensions}`,
    );
  }
  const rowsD = checkGroup("disadvantaged", disadvantaged, dimensions);
  const rowsA = checkGroup("advantaged", advantaged, dimensions);
  if (rowsD === 0) throw new FlipTestInputError("FT: the disadvantaged group (facet set) is empty");
  if (rowsA === 0) throw new FlipTestInputError("FT: the advantaged group (negated facet set) is empty");
  const k = input.k ?? (rowsA > CLARIFY_SMALL_GROUP_LIMIT ? CLARIFY_DEFAULT_K : CLARIFY_SMALL_GROUP_K);
  if (!Number.isInteger(k) || k < 1 || k > rowsA) {
    throw new FlipTestInputError(
      `FT: k must be an integer from 1 to the advantaged group's ${rowsA} rows, got ${k}`,
    );
  }

  const search = searchFactory(advantaged.features, dimensions);
  let flippedToNegative = 0; // model positive, neighbours negative: F+ in the container's code
  let flippedToPositive = 0; // model negative, neighbours positive: F− in the container's code
  for (let row = 0; row < rowsD; row++) {
    const neighbours = search(disadvantaged.features, row * dimensions, k);
    let positiveVotes = 0;
    for (const neighbour of neighbours) positiveVotes += advantaged.predicted[neighbour]!;
    const neighboursPositive = positiveVotes * 2 > k;
    const modelPositive = disadvantaged.predicted[row] === 1;
    if (modelPositive && !neighboursPositive) flippedToNegative++;
    else if (!modelPositive && neighboursPositive) flippedToPositive++;
  }
  return (flippedToNegative - flippedToPositive) / rowsD;
}

/** Checks one group's shape and values; returns its row count. */
function checkGroup(name: string, group: FlipTestGroup, dimensions: number): number {
  const { features, predicted } = group;
  if (features.length % dimensions !== 0) {
    throw new FlipTestInputError(
      `FT: ${name}.features holds ${features.length} values, not a multiple of dimensions (${dimensions})`,
    );
  }
  const rows = features.length / dimensions;
  if (predicted.length !== rows) {
    throw new FlipTestInputError(
      `FT: ${name}.predicted has ${predicted.length} labels for ${rows} feature rows; they must match`,
    );
  }
  for (let i = 0; i < features.length; i++) {
    if (!Number.isFinite(features[i])) {
      throw new FlipTestInputError(
        `FT: ${name}.features row ${Math.floor(i / dimensions)} column ${i % dimensions} is ${features[i]}; ` +
          "features must be finite numbers",
      );
    }
  }
  for (let i = 0; i < predicted.length; i++) {
    if (predicted[i]! > 1) {
      throw new FlipTestInputError(`FT: ${name}.predicted[${i}] is ${predicted[i]}; labels must be 0 or 1`);
    }
  }
  return rows;
}
