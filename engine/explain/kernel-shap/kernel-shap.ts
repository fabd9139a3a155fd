import { derivedSeed, seededRandom } from "../../seeded-random.ts";
import { ModelError, type ScoringModel } from "../model/scoring-model.ts";
import { type CoalitionPlan, coalitionCount, coalitionPlan, defaultSampleCount } from "./coalition-plan.ts";
import { ShapleySolver } from "./shapley-solver.ts";

export interface KernelShapOptions {
  readonly model: ScoringModel;
  readonly featureCount: number;
  /** Baseline rows (B × F) and their weights (cluster sizes, or all 1). */
  readonly baseline: Float64Array;
  readonly baselineWeights: Float64Array;
  /** `num_samples`; absent: KernelExplainer's 2M + 2048. */
  readonly numSamples?: number;
  readonly seed?: number;
  /** Explain log-odds: the link logit(p) applies to every averaged prediction. */
  readonly useLogit: boolean;
  /**
   * The players: each a list of feature indexes. Default: one player per feature. With
   * `features_to_explain`, the other features form one extra player whose value is dropped.
   */
  readonly players?: readonly (readonly number[])[];
  /** Model evaluations per model call (rows are grouped to stay under it). */
  readonly evaluationsPerCall?: number;
  /** The rows' files, when each row's stream is keyed by its file (see {@link ShapSettings.files}). */
  readonly files?: readonly RowFile[];
}

/** A file of the rows explained: its path below the dataset folder and its rows, which follow the previous file's. */
export interface RowFile {
  readonly path: string;
  readonly rows: number;
}

export interface KernelShapResult {
  /** Per-row player values: `values[(row * outputs + o) * P + p]`. */
  readonly values: Float64Array;
  readonly rows: number;
  readonly outputs: number;
  readonly players: number;
  /** link(E_b f(b)) per output. */
  readonly expectedValues: Float64Array;
  /** link(f(x)) per row and output. */
  readonly predictions: Float64Array;
  readonly modelEvaluations: number;
}

const DEFAULT_EVALUATIONS_PER_CALL = 1 << 18;
/** Values in the synthetic-row buffer (32 MB of doubles), so wide data calls the model more often instead. */
const MAX_BUFFER_VALUES = 1 << 22;

/**
 * What explaining a block of rows needs besides the rows and the model: plain data, so that a
 * worker thread gets it as it is (parallel-explanations.ts).
 */
export interface ShapSettings {
  readonly featureCount: number;
  /** Baseline rows (B × F) and their weights. */
  readonly baseline: Float64Array;
  readonly baselineWeights: Float64Array;
  readonly numSamples?: number;
  readonly seed: number;
  readonly useLogit: boolean;
  readonly players: readonly (readonly number[])[];
  /** Scores per row, as the model answered for the baseline. */
  readonly outputs: number;
  /** link(E_b f(b)) per output. */
  readonly expectedValues: Float64Array;
  /**
   * Consecutive rows explained in one model call. Fixed before any row is explained (from the
   * most evaluations a row can take), so every thread count makes the very same model calls.
   */
  readonly rowsPerBlock: number;
  /**
   * The rows' files, in order, when the rows are keyed by file: a sampled row's stream is then
   * seeded by its file's path and its place among the file's rows, and no block spans two files.
   * A file's rows then draw and are scored alike whichever rows are explained with them: one
   * instance explaining the whole dataset, or a host of a multi-instance job explaining its
   * shard. The engine always gives them; absent (rows of no file, `kernelShap` called on its
   * own): a row's stream is keyed by its place among all the rows.
   */
  readonly files?: readonly RowFile[];
}

/** One block's rows explained: `values[(i * outputs + o) * players + p]` for its i-th row. */
export interface ShapBlock {
  readonly values: Float64Array;
  readonly predictions: Float64Array;
  readonly evaluations: number;
}

/**
 * Kernel SHAP over every row of `rows` (N × F), as the `shap` KernelExplainer computes it:
 * players equal to every baseline row take no part (their value is 0), the coalitions of the
 * others follow {@link coalitionPlan}, each coalition's value is the (weighted) mean model
 * output over the baseline rows with the absent players taken from the baseline, and the
 * values come from the constrained weighted least squares of {@link ShapleySolver}.
 * The rows go to the model in blocks of consecutive rows, one model call per block, buffers
 * reused; this runs every block on this thread (parallel-explanations.ts spreads them).
 */
export async function kernelShap(rows: Float64Array, options: KernelShapOptions): Promise<KernelShapResult> {
  const { settings, evaluations } = await shapSettings(options);
  const explain = shapBlockExplainer(options.model, rows, settings);
  const N = rows.length / settings.featureCount;
  return collectShap(settings, N, evaluations, async (take) => {
    for (let block = 0; block < shapBlockCount(N, settings); block++) take(block, await explain(block));
  });
}

/** The settings of a run, after the model has scored the baseline (its B evaluations). */
export async function shapSettings(
  options: KernelShapOptions,
): Promise<{ readonly settings: ShapSettings; readonly evaluations: number }> {
  const F = options.featureCount;
  const B = options.baselineWeights.length;
  const players = options.players ?? Array.from({ length: F }, (_, f) => [f]);
  const link = options.useLogit ? logit : identity;
  let weightSum = 0;
  for (const w of options.baselineWeights) weightSum += w;
  const background = await options.model.predict(options.baseline, B);
  const O = background.outputs;
  const fnull = new Float64Array(O);
  for (let b = 0; b < B; b++) {
    for (let o = 0; o < O; o++) {
      (fnull[o] as number) +=
        ((options.baselineWeights[b] as number) * (background.values[b * O + o] as number)) / weightSum;
    }
  }
  const perCall =
    options.evaluationsPerCall ??
    Math.min(DEFAULT_EVALUATIONS_PER_CALL, Math.max(1, Math.floor(MAX_BUFFER_VALUES / F)));
  return {
    settings: {
      featureCount: F,
      baseline: options.baseline,
      baselineWeights: options.baselineWeights,
      ...(options.numSamples !== undefined && { numSamples: options.numSamples }),
      seed: options.seed ?? 0,
      useLogit: options.useLogit,
      players,
      outputs: O,
      expectedValues: fnull.map(link),
      rowsPerBlock: Math.max(
        1,
        Math.floor(perCall / mostEvaluationsPerRow(players.length, B, options.numSamples)),
      ),
      ...(options.files && { files: options.files }),
    },
    evaluations: B,
  };
}

/** A row's evaluations when all its P players vary: the row itself, then each coalition × baseline row. */
export function mostEvaluationsPerRow(P: number, B: number, numSamples: number | undefined): number {
  if (P < 2) return 1;
  return 1 + Math.min(numSamples ?? defaultSampleCount(P), coalitionCount(P)) * B;
}

export function shapBlockCount(N: number, settings: ShapSettings): number {
  return shapBlockStarts(N, settings).length - 1;
}

/**
 * Where each block's rows start, and N last: consecutive runs of `rowsPerBlock` rows, each
 * file's rows cut on their own when the rows are keyed by file.
 */
export function shapBlockStarts(N: number, settings: ShapSettings): number[] {
  const starts: number[] = [];
  const files = settings.files ?? [{ path: "", rows: N }];
  let first = 0;
  for (const file of files) {
    for (let at = 0; at < file.rows; at += settings.rowsPerBlock) starts.push(first + at);
    first += file.rows;
  }
  if (first !== N) {
    throw new RangeError(`the rows' files hold ${first} rows, but ${N} rows are explained`);
  }
  starts.push(N);
  return starts;
}

/** The key of the stream a sampled row draws its coalitions from (`row`: its place among all the rows). */
export function rowStreamKey(settings: ShapSettings, row: number): string {
  if (settings.files === undefined) return `kernel shap row ${row}`;
  let first = 0;
  for (const file of settings.files) {
    if (row < first + file.rows) return `kernel shap ${file.path} row ${row - first}`;
    first += file.rows;
  }
  throw new RangeError(`row ${row} is beyond the rows' files (${first} rows)`);
}

/**
 * The stream key of each row of each block, as {@link rowStreamKey} gives it, with each block's
 * file found once (no block spans two files) rather than the file list scanned per row.
 */
export function blockStreamKeys(N: number, settings: ShapSettings): (block: number, row: number) => string {
  if (settings.files === undefined) return (_block, row) => `kernel shap row ${row}`;
  // Each block's file: its path, and the place of its first row among all the rows.
  const blockFiles: { readonly path: string; readonly first: number }[] = [];
  let first = 0;
  for (const file of settings.files) {
    for (let at = 0; at < file.rows; at += settings.rowsPerBlock) blockFiles.push({ path: file.path, first });
    first += file.rows;
  }
  if (first !== N) {
    throw new RangeError(`the rows' files hold ${first} rows, but ${N} rows are explained`);
  }
  return (block, row) => {
    const file = blockFiles[block];
    if (file === undefined)
      throw new RangeError(`block ${block} is beyond the rows' ${blockFiles.length} blocks`);
    return `kernel shap ${file.path} row ${row - file.first}`;
  };
}

/**
 * Explains block `block` of `rows` (its rows: {@link shapBlockStarts}) in one model call.
 * A sampled row draws its coalitions from its own stream, seeded by the run's seed and the
 * row's position alone ({@link rowStreamKey}), so its values do not depend on which thread
 * explains it or which rows came before. An enumerated plan is the same for every row with as many players: it is kept.
 */
export function shapBlockExplainer(
  model: ScoringModel,
  rows: Float64Array,
  settings: ShapSettings,
): (block: number) => Promise<ShapBlock> {
  const F = settings.featureCount;
  const N = rows.length / F;
  const { baseline, baselineWeights, players, outputs: O, expectedValues } = settings;
  const B = baselineWeights.length;
  const P = players.length;
  const link = settings.useLogit ? logit : identity;
  let weightSum = 0;
  for (const w of baselineWeights) weightSum += w;
  const exactPlans = new Map<number, { plan: CoalitionPlan; solver: ShapleySolver }>();
  const streamKey = blockStreamKeys(N, settings);
  const planFor = (M: number, block: number, row: number) => {
    const cached = exactPlans.get(M);
    if (cached) return cached;
    const samples = settings.numSamples ?? defaultSampleCount(M);
    const plan = coalitionPlan(M, samples, seededRandom(derivedSeed(settings.seed, streamKey(block, row))));
    const entry = { plan, solver: new ShapleySolver(plan) };
    if (plan.exact) exactPlans.set(M, entry);
    return entry;
  };
  let buffer = new Float64Array(0);
  const starts = shapBlockStarts(N, settings);

  return async (block) => {
    const first = starts[block] as number;
    const end = starts[block + 1] as number;
    const pending: PendingRow[] = [];
    let evaluations = 0;
    for (let r = first; r < end; r++) {
      const varying = varyingPlayers(rows, r, baseline, B, F, players);
      const entry = varying.length >= 2 ? planFor(varying.length, block, r) : undefined;
      pending.push({ index: r, varying, ...(entry && { plan: entry.plan, solver: entry.solver }) });
      evaluations += 1 + (entry ? entry.plan.count * B : 0);
    }
    if (buffer.length < evaluations * F) buffer = new Float64Array(evaluations * F);
    let at = 0;
    for (const row of pending) at = fillSynthetic(buffer, at, rows, row, baseline, B, F, players);
    const scores = await model.predict(buffer.subarray(0, evaluations * F), evaluations);
    if (scores.outputs !== O) {
      throw new ModelError(
        `${model.description} answered ${O} scores per row for the baseline, then ${scores.outputs}`,
      );
    }
    const count = end - first;
    const values = new Float64Array(count * O * P);
    const predictions = new Float64Array(count * O);
    let offset = 0;
    for (const row of pending) {
      offset = solveRow(
        row,
        first,
        scores.values,
        offset,
        O,
        B,
        baselineWeights,
        weightSum,
        link,
        expectedValues,
        values,
        predictions,
        P,
      );
    }
    return { values, predictions, evaluations };
  };
}

/**
 * The result of a run from its blocks: `run` hands each block's result to `take` (in any
 * order; each lands at its rows' place), and the model evaluations are added up.
 */
export async function collectShap(
  settings: ShapSettings,
  N: number,
  settingsEvaluations: number,
  run: (take: (block: number, result: ShapBlock) => void) => Promise<void>,
): Promise<KernelShapResult> {
  const O = settings.outputs;
  const P = settings.players.length;
  const values = new Float64Array(N * O * P);
  const predictions = new Float64Array(N * O);
  let evaluations = settingsEvaluations;
  const starts = shapBlockStarts(N, settings);
  await run((block, result) => {
    const first = starts[block] as number;
    values.set(result.values, first * O * P);
    predictions.set(result.predictions, first * O);
    evaluations += result.evaluations;
  });
  return {
    values,
    rows: N,
    outputs: O,
    players: P,
    expectedValues: settings.expectedValues,
    predictions,
    modelEvaluations: evaluations,
  };
}

interface PendingRow {
  readonly index: number;
  readonly varying: readonly number[];
  readonly plan?: CoalitionPlan;
  readonly solver?: ShapleySolver;
}

/** A player varies when one of its features differs from some baseline row (numpy's isclose). */
function varyingPlayers(
  rows: Float64Array,
  r: number,
  baseline: Float64Array,
  B: number,
  F: number,
  players: readonly (readonly number[])[],
): number[] {
  const varying: number[] = [];
  players.forEach((features, p) => {
    for (const f of features) {
      const x = rows[r * F + f] as number;
      for (let b = 0; b < B; b++) {
        const v = baseline[b * F + f] as number;
        if (!(Math.abs(x - v) <= 1e-8 + 1e-5 * Math.abs(v))) {
          varying.push(p);
          return;
        }
      }
    }
  });
  return varying;
}

/** Writes the row itself, then each coalition × baseline row; returns the next free row. */
function fillSynthetic(
  buffer: Float64Array,
  at: number,
  rows: Float64Array,
  row: PendingRow,
  baseline: Float64Array,
  B: number,
  F: number,
  players: readonly (readonly number[])[],
): number {
  const rowStart = row.index * F;
  let out = at * F;
  for (let f = 0; f < F; f++) buffer[out++] = rows[rowStart + f] as number;
  const plan = row.plan;
  if (!plan) return at + 1;
  const M = plan.players;
  const masks = plan.masks;
  const block = B * F;
  for (let s = 0; s < plan.count; s++) {
    // The baseline rows, then the present players' features from the row itself.
    buffer.set(baseline, out);
    const maskStart = s * M;
    for (let m = 0; m < M; m++) {
      if (masks[maskStart + m] === 0) continue;
      for (const f of players[row.varying[m] as number] as readonly number[]) {
        const x = rows[rowStart + f] as number;
        for (let at = out + f; at < out + block; at += F) buffer[at] = x;
      }
    }
    out += block;
  }
  return at + 1 + plan.count * B;
}

function solveRow(
  row: PendingRow,
  first: number,
  scores: Float64Array,
  offset: number,
  O: number,
  B: number,
  weights: Float64Array,
  weightSum: number,
  link: (x: number) => number,
  expected: Float64Array,
  values: Float64Array,
  predictions: Float64Array,
  P: number,
): number {
  // Outputs are the block's: its first row is `first`.
  const r = row.index - first;
  for (let o = 0; o < O; o++) predictions[r * O + o] = link(scores[offset * O + o] as number);
  offset++;
  const plan = row.plan;
  if (!plan || !row.solver) {
    // One varying player takes the whole difference; none takes nothing.
    const only = row.varying[0];
    if (only !== undefined) {
      for (let o = 0; o < O; o++) {
        values[(r * O + o) * P + only] = (predictions[r * O + o] as number) - (expected[o] as number);
      }
    }
    return offset;
  }
  const M = plan.players;
  const coalitionValues = new Float64Array(plan.count);
  const solved = new Float64Array(M);
  for (let o = 0; o < O; o++) {
    for (let s = 0; s < plan.count; s++) {
      let mean = 0;
      const base = (offset + s * B) * O + o;
      for (let b = 0; b < B; b++) mean += (weights[b] as number) * (scores[base + b * O] as number);
      coalitionValues[s] = link(mean / weightSum) - (expected[o] as number);
    }
    row.solver.solve(
      coalitionValues,
      (predictions[r * O + o] as number) - (expected[o] as number),
      solved,
      0,
    );
    for (let m = 0; m < M; m++) values[(r * O + o) * P + (row.varying[m] as number)] = solved[m] as number;
  }
  return offset + plan.count * B;
}

function identity(x: number): number {
  return x;
}

function logit(p: number): number {
  return Math.log(p / (1 - p));
}
