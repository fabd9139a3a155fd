/**
 * `methods.shap` and `methods.pdp` against a model, along the data's path: the feature table,
 * the baseline (settle-baseline.ts), the executor that runs the blocks (explain-executor.ts),
 * Kernel SHAP's local values (explain-shap.ts), then either one instance's outputs (global
 * values, out.csv, the ranking PDP starts from, pdp/explain-pdp.ts) or a host's (each file's
 * local values, and what the merge checks across hosts).
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { AnalysisConfig } from "../config/analysis-config.ts";
import type { ShapConfig } from "../config/explain-config.ts";
import { EngineInputError } from "../errors.ts";
import type { ExplanationsJson, KernelShapLabel } from "../output/explanations-json.ts";
import type { ProgressSettings } from "../progress/progress-reporter.ts";
import {
  baselineCsv,
  numericBaselineTextFeatures,
  type SettledBaseline,
  settleBaseline,
  withBaselineCategories,
} from "./baseline/settle-baseline.ts";
import { type Executor, withExecutor } from "./explain-executor.ts";
import {
  type ExplainedShap,
  explainShap,
  localLines,
  type ShapPlayers,
  shapPlayers,
} from "./explain-shap.ts";
import {
  type DatasetColumns,
  type FeatureFile,
  type FeatureTable,
  readFeatureTable,
} from "./feature-table.ts";
import { GlobalShap } from "./global-shap.ts";
import {
  coalitionCount,
  defaultSampleCount,
  enumeratesEveryCoalition,
} from "./kernel-shap/coalition-plan.ts";
import { mostEvaluationsPerRow } from "./kernel-shap/kernel-shap.ts";
import { addRows, kernelShapJson, localValuesHeader } from "./local-shap-values.ts";
import type { ModelSource } from "./model/open-model.ts";
import type { ScoringModel } from "./model/scoring-model.ts";
import type { ExplainThreadOptions } from "./parallel-explanations.ts";
import { explainPdp } from "./pdp/explain-pdp.ts";

export interface ExplanationsResult {
  readonly explanations: ExplanationsJson;
  /** Files written below outDir (explanations_shap/...). */
  readonly files: readonly string[];
  readonly rowsExplained: number;
  readonly rowsDropped: number;
  readonly modelEvaluations: number;
  /** The threads that called the model (1: this one). */
  readonly threads: number;
  /** Each worker thread's CPU seconds, when worker threads explained (the benchmarks read it). */
  readonly workerCpuSeconds?: readonly number[];
}

/**
 * `methods.shap` and `methods.pdp` of an analysis config against a model: reads the features,
 * settles the baseline (given, or clustered from the data and written to explanations_shap/),
 * runs Kernel SHAP over every row and the partial dependence of the chosen features. A model
 * given by where it is (an ONNX file, an endpoint) is also opened by worker threads when the
 * work is large enough (parallel-explanations.ts); the results do not depend on it.
 */
export async function runExplanations(
  config: AnalysisConfig,
  datasetPath: string,
  modelOrSource: ScoringModel | ModelSource,
  outDir: string,
  threads: ExplainThreadOptions = {},
  progress?: ProgressSettings,
): Promise<ExplanationsResult> {
  const table = readFeatureTable(config, datasetPath);
  return withExecutor(
    config,
    table,
    modelOrSource,
    threads,
    async (model, executorFor) => {
      // PDP alone: no SHAP to compute, the executor sized for PDP's work.
      const { executor, shap } = config.shap
        ? await startWithShap(config, config.shap, table, model, executorFor, threads)
        : { executor: executorFor(plannedEvaluations(config, table)), shap: undefined };
      const written = shap ? await writeShap(config, table, shap, outDir) : undefined;
      const pdp = config.pdp
        ? await explainPdp(
            config,
            config.pdp,
            table,
            written?.ranking ?? [],
            executor,
            threads.evaluationsPerCall,
          )
        : undefined;
      return {
        explanations: {
          ...(written && { kernel_shap: written.kernel }),
          ...(pdp && { pdp: pdp.entries }),
        },
        files: written?.files ?? [],
        rowsExplained: table.rows,
        rowsDropped: table.rowsDropped,
        modelEvaluations: (shap?.explained.result.modelEvaluations ?? 0) + (pdp?.evaluations ?? 0),
        threads: executor.threads,
      };
    },
    progress,
  );
}

/** Kernel SHAP's local values and the baseline they were computed against. */
interface ShapExplained {
  readonly baseline: SettledBaseline;
  readonly explained: ExplainedShap;
}

/**
 * What both paths start with: the baseline and the players, the executor, whose threads are
 * chosen once from the work methods.shap and methods.pdp will ask of the model, then Kernel
 * SHAP's local values.
 */
async function startWithShap(
  config: AnalysisConfig,
  shapConfig: ShapConfig,
  table: FeatureTable,
  model: ScoringModel,
  executorFor: (evaluations: number) => Executor,
  threads: ExplainThreadOptions,
): Promise<{ executor: Executor; shap: ShapExplained }> {
  const baseline = settleBaseline(shapConfig, table);
  const players = shapPlayers(shapConfig, table);
  const executor = executorFor(plannedEvaluations(config, table, players, baseline));
  const explained = await explainShap(
    config,
    shapConfig,
    table,
    model,
    baseline,
    players,
    executor,
    threads.evaluationsPerCall,
  );
  return { executor, shap: { baseline, explained } };
}

/**
 * One instance's SHAP outputs: the global values (kernel_shap), the features ranked by the
 * first label's, and explanations_shap/ (a clustered baseline.csv, out.csv when asked).
 */
async function writeShap(
  config: AnalysisConfig,
  table: FeatureTable,
  { baseline, explained: shap }: ShapExplained,
  outDir: string,
): Promise<{ kernel: Record<string, KernelShapLabel>; ranking: number[]; files: string[] }> {
  const { result, labels, features } = shap;
  const aggMethod = config.shap?.aggMethod ?? "mean_abs";
  const files: string[] = [];
  const shapDir = join(outDir, "explanations_shap");
  if (baseline.computed) {
    await mkdir(shapDir, { recursive: true });
    const path = join(shapDir, "baseline.csv");
    await writeFile(path, baselineCsv(table, baseline.rows));
    files.push(path);
  }
  const global = new GlobalShap(result.outputs * shap.explained, aggMethod, result.rows);
  addRows(global, result.values, result.rows, result.outputs, result.players, shap.explained);
  const kernel = kernelShapJson(labels, features, global, result.expectedValues);
  const first = kernel[labels[0] as string]?.global_shap_values ?? {};
  const ranking = shap.named
    .map((feature) => ({ feature, importance: Math.abs(first[table.names[feature] as string] ?? 0) }))
    .sort((a, b) => b.importance - a.importance)
    .map((entry) => entry.feature);
  if (config.shap?.saveLocalShapValues) {
    await mkdir(shapDir, { recursive: true });
    const path = join(shapDir, "out.csv");
    await writeFile(path, localValuesHeader(features, labels) + localLines(shap, 0, table.rows));
    files.push(path);
  }
  return { kernel, ranking, files };
}

/** What a host of a multi-instance job hands on of its shard's explanations, besides each file's local values. */
export interface ShardExplanations extends ExplanationsResult {
  readonly labels: readonly string[];
  /** The explained features, in out.csv's column order. */
  readonly features: readonly string[];
  /** link(E_b f(b)) per label. */
  readonly expectedValues: readonly number[];
  /** The shard's files in name order, with their rows explained. */
  readonly rowFiles: readonly FeatureFile[];
  /** The features that hold text (categories) in this shard. */
  readonly textFeatures: readonly string[];
  /**
   * The baseline's category cells that occur nowhere in the shard, as one instance would refuse
   * each (in the baseline's order): refused only when no host's shard holds it.
   */
  readonly unseenBaseline: readonly string[];
  /** Of `textFeatures`, those read as text only because the baseline gives text there. */
  readonly numericOnlyFeatures: readonly string[];
  /** The shard's dataset columns: every host's must be the same. */
  readonly columns: DatasetColumns;
}

/** A shard whose every row missed a value: it explains nothing and tells nothing of the features. */
function nothingExplained(table: FeatureTable): ShardExplanations {
  return {
    explanations: {},
    files: [],
    rowsExplained: 0,
    rowsDropped: table.rowsDropped,
    modelEvaluations: 0,
    threads: 1,
    labels: [],
    features: [],
    expectedValues: [],
    rowFiles: table.files,
    textFeatures: [],
    unseenBaseline: [],
    numericOnlyFeatures: [],
    columns: table.datasetColumns,
  };
}

/** A host's shard: the dataset input's folder on this host and the files it holds there, in the dataset's order. */
export interface ShardFiles {
  readonly folder: string;
  readonly files: readonly string[];
}

/**
 * `methods.shap` over a host's shard of a multi-instance job (`shard`: its files, as the host
 * listed them for its count pass; not listed again). As one instance explains them (each row's draws keyed by its file, so that they are
 * those of one instance over the whole dataset), except: the baseline must be given
 * (clustering needs the whole dataset); a baseline category the shard lacks is added to the
 * feature's categories rather than refused, and reported; and no global value is computed:
 * `write` gets each file's rows' local values (local-shap-values.ts), which CollectResults
 * aggregates in the dataset's file order.
 */
export async function explainShard(
  config: AnalysisConfig,
  shard: ShardFiles,
  modelOrSource: ScoringModel | ModelSource,
  threads: ExplainThreadOptions,
  write: (file: number, lines: string) => Promise<void>,
  progress?: ProgressSettings,
): Promise<ShardExplanations> {
  const shapConfig = config.shap;
  if (shapConfig === undefined || config.pdp !== undefined || shapConfig.baseline === undefined) {
    throw new EngineInputError(
      "a host of several instances explains with methods.shap against a given baseline, and without methods.pdp (multi-instance-limits.ts refuses the others before the job)",
    );
  }
  const read = readFeatureTable(config, shard.folder, { allowNoRowLeft: true, files: shard.files });
  // Every row missed a value: no baseline to code, no model to call, no feature kinds to tell.
  if (read.rows === 0) {
    for (const index of read.files.keys()) await write(index, "");
    return nothingExplained(read);
  }
  // A column the baseline gives text for holds text in the whole dataset, even where this
  // shard's cells are all numbers: read them as text, as one instance sends them.
  const numericOnly = numericBaselineTextFeatures(shapConfig, read);
  const shardTable =
    numericOnly.length === 0
      ? read
      : readFeatureTable(config, shard.folder, {
          allowNoRowLeft: true,
          files: shard.files,
          textFeatures: new Set(numericOnly),
        });
  const { table, unseen } = withBaselineCategories(shapConfig, shardTable);
  return withExecutor(
    config,
    table,
    modelOrSource,
    threads,
    async (model, executorFor) => {
      const { executor, shap: started } = await startWithShap(
        config,
        shapConfig,
        table,
        model,
        executorFor,
        threads,
      );
      const shap = started.explained;
      let first = 0;
      for (const [index, file] of table.files.entries()) {
        await write(index, localLines(shap, first, first + file.rows));
        first += file.rows;
      }
      return {
        explanations: {},
        files: [],
        rowsExplained: table.rows,
        rowsDropped: table.rowsDropped,
        modelEvaluations: shap.result.modelEvaluations,
        threads: executor.threads,
        labels: shap.labels,
        features: shap.features,
        expectedValues: Array.from(shap.result.expectedValues),
        rowFiles: table.files,
        textFeatures: table.names.filter((_, f) => table.categories[f] !== undefined),
        numericOnlyFeatures: numericOnly.map((f) => table.names[f] as string),
        columns: table.datasetColumns,
        unseenBaseline: unseen,
      };
    },
    progress,
  );
}

/**
 * About the model evaluations SHAP and PDP take, the measure of work that sets the threads:
 * SHAP's as if every player of every row varied, PDP's as if every feature had
 * `grid_resolution` grid values. A sampled coalition's draw and its share of the row's least
 * squares count as {@link SAMPLED_COALITION_WORK} evaluations more (bench:explain: 1,000 rows
 * × 20 features sampled take ~1.0 s for 2.1 M evaluations, exact × 10 features ~0.1 s for 1.0 M).
 */
function plannedEvaluations(
  config: AnalysisConfig,
  table: FeatureTable,
  shapPlayers?: ShapPlayers,
  baseline?: SettledBaseline,
): number {
  const N = table.rows;
  const players = shapPlayers?.players?.length ?? table.featureCount;
  const explained = shapPlayers?.named.length ?? table.featureCount;
  let work = 0;
  if (config.shap) {
    const samples = config.shap.numSamples ?? defaultSampleCount(players);
    const sampled = players >= 2 && !enumeratesEveryCoalition(players, samples);
    work += N * mostEvaluationsPerRow(players, baseline?.weights.length ?? 0, config.shap.numSamples);
    if (sampled) work += N * Math.min(samples, coalitionCount(players)) * SAMPLED_COALITION_WORK;
  }
  if (config.pdp) {
    const curves =
      config.pdp.features?.length ?? (config.shap ? Math.min(config.pdp.topKFeatures, explained) : 0);
    work += N * curves * config.pdp.gridResolution;
  }
  return work;
}

/** What drawing a sampled coalition and solving for it cost, in model evaluations of an in-process ONNX model. */
const SAMPLED_COALITION_WORK = 4;
