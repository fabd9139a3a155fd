import type { ScoringModel } from "../model/scoring-model.ts";

/**
 * Partial dependence: at each grid value of a feature ({@link pdpGrid}), every row is scored with
 * the feature replaced by that value, and the scores are averaged. The rows go to the model in
 * blocks ({@link pdpBlocks}: a block's rows at every grid value, one model call), which any
 * thread may score; the scores are added up in row order ({@link collectPdp}).
 */

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

/** Where one feature's curve is evaluated, and how many rows go in each model call. */
export interface PdpCurveSettings {
  readonly feature: number;
  readonly grid: Float64Array;
  /** Rows scored per model call, each at every grid value: the same on every thread. */
  readonly rowsPerBlock: number;
}

/** What scoring a block needs besides the rows and the model: plain data, sent to worker threads as it is. */
export interface PdpSettings {
  readonly featureCount: number;
  readonly curves: readonly PdpCurveSettings[];
}

/** One block's scores: `scores[(r * G + g) * outputs + o]` for its r-th row at grid value g. */
export interface PdpBlock {
  readonly scores: Float64Array;
  readonly outputs: number;
}

/**
 * A feature's grid: a numerical feature's range is split into `gridResolution` buckets of equal
 * width, evaluated at their centres; a categorical feature is evaluated at each of its
 * categories. The distribution is the share of the rows in each bucket / category.
 */
export function pdpGrid(
  rows: Float64Array,
  F: number,
  feature: number,
  categories: readonly string[] | undefined,
  gridResolution: number,
): Pick<PartialDependence, "dataType" | "grid" | "distribution"> {
  const { grid, distribution } = categories
    ? categoryGrid(rows, F, feature, categories.length)
    : bucketGrid(rows, F, feature, gridResolution);
  return { dataType: categories ? "categorical" : "numerical", grid, distribution };
}

export function pdpCurveSettings(
  feature: number,
  grid: Float64Array,
  F: number,
  perCall = Math.min(EVALUATIONS_PER_CALL, Math.floor(MAX_BUFFER_VALUES / F)),
): PdpCurveSettings {
  const G = grid.length;
  const evaluationsPerCall = Math.max(G, perCall);
  return { feature, grid, rowsPerBlock: Math.max(1, Math.floor(evaluationsPerCall / G)) };
}

/** The blocks of all curves, curve after curve: which curve and rows each one scores. */
export function pdpBlocks(N: number, settings: PdpSettings): { curve: number; first: number }[] {
  const blocks: { curve: number; first: number }[] = [];
  settings.curves.forEach((curve, c) => {
    for (let first = 0; first < N; first += curve.rowsPerBlock) blocks.push({ curve: c, first });
  });
  return blocks;
}

/** Scores block `block` ({@link pdpBlocks}): its rows, each with the feature set to every grid value, in one model call. */
export function pdpBlockScorer(
  model: ScoringModel,
  rows: Float64Array,
  settings: PdpSettings,
): (block: number) => Promise<PdpBlock> {
  const F = settings.featureCount;
  const N = rows.length / F;
  const blocks = pdpBlocks(N, settings);
  let buffer = new Float64Array(0);
  return async (block) => {
    const { curve: c, first } = blocks[block] as { curve: number; first: number };
    const { feature, grid, rowsPerBlock } = settings.curves[c] as PdpCurveSettings;
    const G = grid.length;
    const count = Math.min(rowsPerBlock, N - first);
    if (buffer.length < count * G * F) buffer = new Float64Array(count * G * F);
    for (let r = 0; r < count; r++) {
      const source = rows.subarray((first + r) * F, (first + r + 1) * F);
      for (let g = 0; g < G; g++) {
        const at = (r * G + g) * F;
        buffer.set(source, at);
        buffer[at + feature] = grid[g] as number;
      }
    }
    const scores = await model.predict(buffer.subarray(0, count * G * F), count * G);
    return { scores: scores.values, outputs: scores.outputs };
  };
}

/**
 * Each curve's mean predictions from its blocks, which `run` must hand to `take` in block order:
 * the rows' scores are added in row order, as one pass over them adds them.
 */
export async function collectPdp(
  settings: PdpSettings,
  N: number,
  run: (take: (block: number, result: PdpBlock) => void) => Promise<void>,
): Promise<Float64Array[][]> {
  const blocks = pdpBlocks(N, settings);
  const sums: Float64Array[][] = settings.curves.map(() => []);
  await run((block, { scores, outputs: O }) => {
    const { curve: c, first } = blocks[block] as { curve: number; first: number };
    const { grid, rowsPerBlock } = settings.curves[c] as PdpCurveSettings;
    const G = grid.length;
    const curveSums = sums[c] as Float64Array[];
    while (curveSums.length < O) curveSums.push(new Float64Array(G));
    const count = Math.min(rowsPerBlock, N - first);
    for (let r = 0; r < count; r++) {
      for (let g = 0; g < G; g++) {
        for (let o = 0; o < O; o++) {
          const sum = curveSums[o] as Float64Array;
          sum[g] = (sum[g] as number) + (scores[(r * G + g) * O + o] as number);
        }
      }
    }
  });
  return sums.map((curveSums) => curveSums.map((sum) => sum.map((s) => s / N)));
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
