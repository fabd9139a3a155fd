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
 * - the neighbours are exactly scikit-learn 1.2's (knn/sklearn-neighbours.ts): its choice of
 *   k-d tree or brute force, and which of several rows at the k-th distance it keeps, which
 *   depends on its tree's layout and heap, or on NumPy's argpartition for integer features.
 *
 * Cost: for up to 15 features the advantaged rows go into scikit-learn's k-d tree,
 * O(n_a log n_a · dimensions) to build, then one query per disadvantaged row, about
 * O(log n_a + k) for low dimensions: O(n log n) overall. Above 15 features (or for tiny
 * advantaged groups) scikit-learn, and so the engine, compares every pair: O(n_d · n_a).
 */
import {
  type FeatureMatrixDtype,
  sklearnNeighbourSearch,
  threadsDecideTies,
  tieAtKthPlace,
} from "../knn/sklearn-neighbours.ts";

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
  /**
   * The NumPy dtype of smclarify's feature matrix (`np.array(df)`, see {@link featureMatrixDtype}).
   * It decides how scikit-learn's brute-force search breaks distance ties.
   * @default "float64"
   */
  readonly dtype?: FeatureMatrixDtype;
}

/** FT cannot be computed for this input; the message says which field breaks which rule. */
export class FlipTestInputError extends Error {
  override readonly name = "FlipTestInputError" as const;
}

const CLARIFY_DEFAULT_K = 5;
const CLARIFY_SMALL_GROUP_K = 1;
/** Clarify uses the default k only above this many advantaged rows. */
const CLARIFY_SMALL_GROUP_LIMIT = 9;

/** FT and what a reader needs to know about how far it can be relied on. */
export interface FlipTestResult {
  readonly value: number;
  /**
   * Disadvantaged rows whose k-th nearest distance an advantaged row left out shares, counted
   * only where scikit-learn's choice among them depends on its thread count (threadsDecideTies):
   * on such rows Clarify's FT may differ from this, scikit-learn's one-thread value.
   */
  readonly threadDependentTies: number;
}

export function flipTest(input: FlipTestInput): number {
  return flipTestResult(input).value;
}

export function flipTestResult(input: FlipTestInput): FlipTestResult {
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

  const dtype = input.dtype ?? "float64";
  const search = sklearnNeighbourSearch(advantaged.features, dimensions, k, dtype);
  const checkTies = threadsDecideTies(rowsA, rowsD, dimensions, k, dtype);
  let threadDependentTies = 0;
  let flippedToNegative = 0; // model positive, neighbours negative: F+ in the container's code
  let flippedToPositive = 0; // model negative, neighbours positive: F− in the container's code
  for (let row = 0; row < rowsD; row++) {
    const neighbours = search(disadvantaged.features, row * dimensions);
    if (
      checkTies &&
      tieAtKthPlace(advantaged.features, dimensions, disadvantaged.features, row * dimensions, neighbours)
    ) {
      threadDependentTies++;
    }
    let positiveVotes = 0;
    for (const neighbour of neighbours) positiveVotes += advantaged.predicted[neighbour]!;
    const neighboursPositive = positiveVotes * 2 > k;
    const modelPositive = disadvantaged.predicted[row] === 1;
    if (modelPositive && !neighboursPositive) flippedToNegative++;
    else if (!modelPositive && neighboursPositive) flippedToPositive++;
  }
  return { value: (flippedToNegative - flippedToPositive) / rowsD, threadDependentTies };
}

/** The pandas dtype of one feature column FT accepts. */
export type FeatureColumnDtype = "float64" | "int64" | "bool";

/**
 * The dtype of `np.array(df)` for feature columns of these dtypes (pandas' common type): one
 * dtype throughout keeps it, int64 beside float64 is float64, bool beside numbers is object.
 */
export function featureMatrixDtype(columns: readonly FeatureColumnDtype[]): FeatureMatrixDtype {
  const first = columns[0] ?? "float64";
  if (columns.every((dtype) => dtype === first)) return first;
  return columns.includes("bool") ? "object" : "float64";
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
