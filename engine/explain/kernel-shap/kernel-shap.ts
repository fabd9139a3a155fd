import { seededRandom } from "../../seeded-random.ts";
import type { ScoringModel } from "../model/scoring-model.ts";
import { type CoalitionPlan, coalitionPlan, defaultSampleCount } from "./coalition-plan.ts";
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
 * Kernel SHAP over every row of `rows` (N × F), as the `shap` KernelExplainer computes it:
 * players equal to every baseline row take no part (their value is 0), the coalitions of the
 * others follow {@link coalitionPlan}, each coalition's value is the (weighted) mean model
 * output over the baseline rows with the absent players taken from the baseline, and the
 * values come from the constrained weighted least squares of {@link ShapleySolver}.
 * Synthetic rows of many dataset rows are scored in one model call; buffers are reused.
 */
export async function kernelShap(rows: Float64Array, options: KernelShapOptions): Promise<KernelShapResult> {
  const F = options.featureCount;
  const N = rows.length / F;
  const B = options.baselineWeights.length;
  const players = options.players ?? Array.from({ length: F }, (_, f) => [f]);
  const P = players.length;
  const link = options.useLogit ? logit : identity;
  const random = seededRandom(options.seed ?? 0);
  const perCall =
    options.evaluationsPerCall ??
    Math.min(DEFAULT_EVALUATIONS_PER_CALL, Math.max(1, Math.floor(MAX_BUFFER_VALUES / F)));
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
  const expectedValues = fnull.map(link);
  const values = new Float64Array(N * O * P);
  const predictions = new Float64Array(N * O);
  let evaluations = B;

  const plans = new Map<string, { plan: CoalitionPlan; solver: ShapleySolver }>();
  const planFor = (varying: readonly number[]) => {
    const M = varying.length;
    const samples = options.numSamples ?? defaultSampleCount(M);
    const key = String(M);
    const cached = plans.get(key);
    if (cached) return cached;
    const plan = coalitionPlan(M, samples, random);
    const entry = { plan, solver: new ShapleySolver(plan) };
    // An enumeration is the same for every row with M players; a sampled plan is drawn per row.
    if (plan.exact) plans.set(key, entry);
    return entry;
  };

  let buffer = new Float64Array(0);
  const pending: PendingRow[] = [];
  let pendingEvaluations = 0;
  const flush = async () => {
    if (pending.length === 0) return;
    if (buffer.length < pendingEvaluations * F) buffer = new Float64Array(pendingEvaluations * F);
    let at = 0;
    for (const row of pending) at = fillSynthetic(buffer, at, rows, row, options.baseline, B, F, players);
    const scores = await options.model.predict(
      buffer.subarray(0, pendingEvaluations * F),
      pendingEvaluations,
    );
    if (scores.outputs !== O) throw new Error(`the model answered ${scores.outputs} outputs, then ${O}`);
    evaluations += pendingEvaluations;
    let offset = 0;
    for (const row of pending) {
      offset = solveRow(
        row,
        scores.values,
        offset,
        O,
        B,
        options.baselineWeights,
        weightSum,
        link,
        expectedValues,
        values,
        predictions,
        P,
      );
    }
    pending.length = 0;
    pendingEvaluations = 0;
  };

  for (let r = 0; r < N; r++) {
    const varying = varyingPlayers(rows, r, options.baseline, B, F, players);
    const entry = varying.length >= 2 ? planFor(varying) : undefined;
    const rowEvaluations = 1 + (entry ? entry.plan.count * B : 0);
    if (pendingEvaluations > 0 && pendingEvaluations + rowEvaluations > perCall) await flush();
    pending.push({ index: r, varying, ...(entry && { plan: entry.plan, solver: entry.solver }) });
    pendingEvaluations += rowEvaluations;
  }
  await flush();
  return {
    values,
    rows: N,
    outputs: O,
    players: P,
    expectedValues,
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
  const r = row.index;
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
