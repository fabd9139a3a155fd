/**
 * Kernel SHAP over every row of a feature table, as one instance and each host of several do
 * alike: the players (each explained feature, the others as one), the settings (each row's
 * draws keyed by its file and its place in it), the blocks run by the executor; it returns the
 * rows' local values with their labels, features and expected values, for the caller to
 * aggregate (one instance) or write per file (a host).
 */
import type { AnalysisConfig } from "../config/analysis-config.ts";
import type { ShapConfig } from "../config/explain-config.ts";
import type { SettledBaseline } from "./baseline/settle-baseline.ts";
import type { Executor } from "./explain-executor.ts";
import { type BlockResult, blockCount, type ExplainJob } from "./explain-job.ts";
import { featureIndex, labelNames } from "./feature-refs.ts";
import type { FeatureTable } from "./feature-table.ts";
import { collectShap, type KernelShapResult, shapSettings } from "./kernel-shap/kernel-shap.ts";
import { localValueLines } from "./local-shap-values.ts";
import type { ScoringModel } from "./model/scoring-model.ts";

/** Which features a run explains, and as which players. */
export interface ShapPlayers {
  /** The explained features (indexes among the features), in out.csv's column order. */
  readonly named: readonly number[];
  /** With `features_to_explain`: one player per explained feature, then the others as one. */
  readonly players?: readonly (readonly number[])[];
}

export function shapPlayers(shap: ShapConfig, table: FeatureTable): ShapPlayers {
  const explained = shap.featuresToExplain?.map((ref, i) =>
    featureIndex(ref, table, `$.methods.shap.features_to_explain[${i}]`),
  );
  const named = explained ?? Array.from({ length: table.featureCount }, (_, f) => f);
  return { named, ...(explained && { players: playersFor(explained, table.featureCount) }) };
}

/** Every row's local values, and what names them. */
export interface ExplainedShap {
  readonly result: KernelShapResult;
  readonly labels: string[];
  /** The explained features' names, in out.csv's column order. */
  readonly features: string[];
  /** The explained features (indexes among the features), in out.csv's column order. */
  readonly named: readonly number[];
  /** Values per row and label: the explained features (the others' player is left out). */
  readonly explained: number;
}

export async function explainShap(
  config: AnalysisConfig,
  shap: ShapConfig,
  table: FeatureTable,
  model: ScoringModel,
  baseline: SettledBaseline,
  players: ShapPlayers,
  executor: Executor,
  perCall: number | undefined,
): Promise<ExplainedShap> {
  const N = table.rows;
  const settled = await shapSettings({
    model,
    featureCount: table.featureCount,
    baseline: baseline.rows,
    baselineWeights: baseline.weights,
    ...(shap.numSamples !== undefined && { numSamples: shap.numSamples }),
    ...(shap.seed !== undefined && { seed: shap.seed }),
    useLogit: shap.useLogit,
    ...(players.players && { players: players.players }),
    ...(perCall !== undefined && { evaluationsPerCall: perCall }),
    // Each row's draws are keyed by its file and its place in it, one file or many: a host of
    // several instances cannot know whether other files exist, and must draw as one instance.
    files: table.files,
  });
  const job: ExplainJob = { kind: "shap", settings: settled.settings };
  const result = await collectShap(settled.settings, N, settled.evaluations, (take) =>
    executor.run(job, blockCount(job, N), take as (block: number, result: BlockResult) => void),
  );
  return {
    result,
    labels: labelNames(config, result.outputs),
    features: players.named.map((feature) => table.names[feature] as string),
    named: players.named,
    explained: players.named.length,
  };
}

/** out.csv's lines of the rows `first` (included) to `end` (excluded). */
export function localLines(shap: ExplainedShap, first: number, end: number): string {
  const { result } = shap;
  return localValueLines(result.values, first, end, result.outputs, result.players, shap.explained);
}

/** One player per explained feature, and one for all the others together (its value is dropped). */
function playersFor(explained: readonly number[], F: number): number[][] {
  const chosen = new Set(explained);
  const rest = Array.from({ length: F }, (_, f) => f).filter((f) => !chosen.has(f));
  return [...explained.map((f) => [f]), ...(rest.length > 0 ? [rest] : [])];
}
