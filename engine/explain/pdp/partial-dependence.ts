import type { ScoringModel } from "../model/scoring-model.ts";

/** One feature's partial dependence, in the shape of Clarify's `explanations.pdp` entries. */
export interface PartialDependence {
  readonly feature: number;
  readonly dataType: "numerical" | "categorical";
  /** Grid values: bucket centres (numerical) or category codes (categorical). */
  readonly grid: Float64Array;
  /** Share of the rows in each bucket / category. */
  readonly distribution: Float64Array;
  /** `predictions[o][g]`: the mean model output o over every row with the feature set to grid value g. */
  readonly predictions: Float64Array[];
}

const EVALUATIONS_PER_CALL = 1 << 17;
/** Values in the grid-row buffer (32 MB of doubles). */
const MAX_BUFFER_VALUES = 1 << 22;

/**
 * The partial dependence of the model on one feature. A numerical feature's range is split
 * into `gridResolution` buckets of equal width, evaluated at their centres; a categorical
 * feature is evaluated at each of its categories. At each grid value every row is scored with
 * the feature replaced by that value, and the scores are averaged.
 */
export async function partialDependence(
  model: ScoringModel,
  rows: Float64Array,
  F: number,
  feature: number,
  categories: readonly string[] | undefined,
  gridResolution: number,
): Promise<PartialDependence> {
  const N = rows.length / F;
  const { grid, distribution } = categories
    ? categoryGrid(rows, F, feature, categories.length)
    : bucketGrid(rows, F, feature, gridResolution);
  const G = grid.length;
  const sums: Float64Array[] = [];
  const evaluationsPerCall = Math.min(EVALUATIONS_PER_CALL, Math.max(G, Math.floor(MAX_BUFFER_VALUES / F)));
  const rowsPerCall = Math.max(1, Math.floor(evaluationsPerCall / G));
  const buffer = new Float64Array(Math.min(rowsPerCall, N) * G * F);
  for (let start = 0; start < N; start += rowsPerCall) {
    const count = Math.min(rowsPerCall, N - start);
    for (let r = 0; r < count; r++) {
      const source = rows.subarray((start + r) * F, (start + r + 1) * F);
      for (let g = 0; g < G; g++) {
        const at = (r * G + g) * F;
        buffer.set(source, at);
        buffer[at + feature] = grid[g] as number;
      }
    }
    const scores = await model.predict(buffer.subarray(0, count * G * F), count * G);
    const O = scores.outputs;
    while (sums.length < O) sums.push(new Float64Array(G));
    for (let r = 0; r < count; r++) {
      for (let g = 0; g < G; g++) {
        for (let o = 0; o < O; o++) {
          const sum = sums[o] as Float64Array;
          sum[g] = (sum[g] as number) + (scores.values[(r * G + g) * O + o] as number);
        }
      }
    }
  }
  return {
    feature,
    dataType: categories ? "categorical" : "numerical",
    grid,
    distribution,
    predictions: sums.map((sum) => sum.map((s) => s / N)),
  };
}

function bucketGrid(rows: Float64Array, F: number, feature: number, buckets: number) {
  const N = rows.length / F;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let r = 0; r < N; r++) {
    const v = rows[r * F + feature] as number;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  // A constant feature has one bucket: its value.
  const count = max > min ? buckets : 1;
  const width = (max - min) / count;
  const grid = Float64Array.from({ length: count }, (_, b) => min + width * (b + 0.5));
  const distribution = new Float64Array(count);
  for (let r = 0; r < N; r++) {
    const v = rows[r * F + feature] as number;
    const b = width > 0 ? Math.min(count - 1, Math.floor((v - min) / width)) : 0;
    distribution[b] = (distribution[b] as number) + 1 / N;
  }
  return { grid, distribution };
}

function categoryGrid(rows: Float64Array, F: number, feature: number, categories: number) {
  const N = rows.length / F;
  const grid = Float64Array.from({ length: categories }, (_, c) => c);
  const distribution = new Float64Array(categories);
  for (let r = 0; r < N; r++) {
    const c = rows[r * F + feature] as number;
    distribution[c] = (distribution[c] as number) + 1 / N;
  }
  return { grid, distribution };
}
