import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { AnalysisConfig, ColumnRef } from "../config/analysis-config.ts";
import type { AggMethod, ShapConfig } from "../config/explain-config.ts";
import { EngineInputError } from "../errors.ts";
import type { ExplanationsJson, KernelShapLabel, PdpEntry } from "../output/explanations-json.ts";
import { readBaselineFile } from "./baseline/baseline-file.ts";
import { clusterBaseline } from "./baseline/cluster-baseline.ts";
import { type BlockResult, type BlockRun, blockCount, type ExplainJob, onThisThread } from "./explain-job.ts";
import { type FeatureTable, readFeatureTable } from "./feature-table.ts";
import {
  coalitionCount,
  defaultSampleCount,
  enumeratesEveryCoalition,
} from "./kernel-shap/coalition-plan.ts";
import { collectShap, mostEvaluationsPerRow, shapSettings } from "./kernel-shap/kernel-shap.ts";
import { isModelSource, type ModelSource, openModel } from "./model/open-model.ts";
import type { ScoringModel } from "./model/scoring-model.ts";
import {
  type ExplainThreadOptions,
  type ExplainThreads,
  explainThreadCount,
  startExplainThreads,
  threadLimit,
  workerModelSource,
} from "./parallel-explanations.ts";
import { collectPdp, type PdpSettings, pdpCurveSettings, pdpGrid } from "./pdp/partial-dependence.ts";

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
): Promise<ExplanationsResult> {
  const table = readFeatureTable(config, datasetPath);
  if (!isModelSource(modelOrSource)) {
    const here = { threads: 1, run: onThisThread(modelOrSource, table.values) };
    return explainWith(config, table, modelOrSource, outDir, () => here, threads.evaluationsPerCall);
  }
  const context = { codec: table, ...(config.predictor && { predictor: config.predictor }) };
  const model = await openModel(modelOrSource, context);
  const forWorkers = workerModelSource(modelOrSource);
  let started: ExplainThreads | undefined;
  const executor = (evaluations: number): Executor => {
    const count = forWorkers
      ? Math.min(explainThreadCount(evaluations, threads), threadLimit(forWorkers))
      : 1;
    if (count <= 1 || !forWorkers) return { threads: 1, run: onThisThread(model, table.values) };
    started = startExplainThreads(count, forWorkers, context, table.values, model);
    return started;
  };
  let result: ExplanationsResult;
  let workerCpuSeconds: number[] | undefined;
  try {
    result = await explainWith(config, table, model, outDir, executor, threads.evaluationsPerCall);
  } finally {
    workerCpuSeconds = await started?.close();
    await model.close();
  }
  return workerCpuSeconds ? { ...result, workerCpuSeconds } : result;
}

/** Who runs the blocks of the explanation jobs, and on how many threads. */
interface Executor {
  readonly threads: number;
  readonly run: BlockRun;
}

async function explainWith(
  config: AnalysisConfig,
  table: FeatureTable,
  model: ScoringModel,
  outDir: string,
  executorFor: (evaluations: number) => Executor,
  perCall: number | undefined,
): Promise<ExplanationsResult> {
  const files: string[] = [];
  const shapDir = join(outDir, "explanations_shap");
  const N = table.rows;
  let evaluations = 0;
  let kernel: Record<string, KernelShapLabel> | undefined;
  let ranking: number[] | undefined;

  const baseline = config.shap ? settleBaseline(config.shap, table) : undefined;
  const explained = config.shap?.featuresToExplain?.map((ref, i) =>
    featureIndex(ref, table, `$.methods.shap.features_to_explain[${i}]`),
  );
  const named = explained ?? Array.from({ length: table.featureCount }, (_, f) => f);
  const players = explained ? playersFor(explained, table.featureCount) : undefined;
  // The threads are chosen once, from the work both methods will ask of the model.
  const executor = executorFor(
    plannedEvaluations(
      config,
      N,
      players?.length ?? table.featureCount,
      baseline?.weights.length ?? 0,
      named.length,
    ),
  );

  if (config.shap && baseline) {
    const shap = config.shap;
    if (baseline.computed) {
      await mkdir(shapDir, { recursive: true });
      const path = join(shapDir, "baseline.csv");
      await writeFile(path, csvRows(table, baseline.rows));
      files.push(path);
    }
    const settled = await shapSettings({
      model,
      featureCount: table.featureCount,
      baseline: baseline.rows,
      baselineWeights: baseline.weights,
      ...(shap.numSamples !== undefined && { numSamples: shap.numSamples }),
      ...(shap.seed !== undefined && { seed: shap.seed }),
      useLogit: shap.useLogit,
      ...(players && { players }),
      ...(perCall !== undefined && { evaluationsPerCall: perCall }),
      // A dataset of several files keys each row's draws by its file (one instance and each host
      // of several then draw alike); one file keeps the key by the row's place.
      ...(table.files.length > 1 && { files: table.files }),
    });
    const job: ExplainJob = { kind: "shap", settings: settled.settings };
    const result = await collectShap(settled.settings, N, settled.evaluations, (take) =>
      executor.run(job, blockCount(job, N), take as (block: number, result: BlockResult) => void),
    );
    evaluations += result.modelEvaluations;
    const labels = labelNames(config, result.outputs);
    kernel = {};
    labels.forEach((label, o) => {
      const global: Record<string, number> = {};
      named.forEach((feature, p) => {
        global[table.names[feature] as string] = aggregate(
          result.values,
          result.rows,
          result.outputs,
          result.players,
          o,
          p,
          shap.aggMethod,
        );
      });
      (kernel as Record<string, KernelShapLabel>)[label] = {
        global_shap_values: global,
        expected_value: result.expectedValues[o] as number,
      };
    });
    const first = kernel[labels[0] as string]?.global_shap_values ?? {};
    ranking = named
      .map((feature) => ({ feature, importance: Math.abs(first[table.names[feature] as string] ?? 0) }))
      .sort((a, b) => b.importance - a.importance)
      .map((entry) => entry.feature);
    if (shap.saveLocalShapValues) {
      await mkdir(shapDir, { recursive: true });
      const path = join(shapDir, "out.csv");
      await writeFile(
        path,
        localValuesCsv(result.values, result.rows, result.outputs, result.players, named, table, labels),
      );
      files.push(path);
    }
  }

  let pdp: PdpEntry[] | undefined;
  if (config.pdp) {
    const features =
      config.pdp.features?.map((ref, i) => featureIndex(ref, table, `$.methods.pdp.features[${i}]`)) ??
      (ranking ?? []).slice(0, config.pdp.topKFeatures);
    const grids = features.map((feature) =>
      pdpGrid(
        table.values,
        table.featureCount,
        feature,
        table.categories[feature],
        config.pdp?.gridResolution ?? 0,
      ),
    );
    const settings: PdpSettings = {
      featureCount: table.featureCount,
      curves: features.map((feature, i) =>
        pdpCurveSettings(feature, (grids[i] as (typeof grids)[0]).grid, table.featureCount, perCall),
      ),
    };
    const job: ExplainJob = { kind: "pdp", settings };
    const curves = await collectPdp(settings, N, (take) =>
      executor.run(job, blockCount(job, N), take as (block: number, result: BlockResult) => void),
    );
    pdp = features.map((feature, i) => {
      const categories = table.categories[feature];
      const { grid, dataType, distribution } = grids[i] as (typeof grids)[0];
      const predictions = curves[i] as Float64Array[];
      evaluations += N * grid.length;
      return {
        feature_name: table.names[feature] as string,
        data_type: dataType,
        feature_values: Array.from(grid, (v) => (categories ? (categories[v] as string) : v)),
        data_distribution: Array.from(distribution),
        model_predictions: predictions.map((p) => Array.from(p)),
        label_headers: labelNames(config, predictions.length),
      };
    });
  }
  return {
    explanations: { ...(kernel && { kernel_shap: kernel }), ...(pdp && { pdp }) },
    files,
    rowsExplained: N,
    rowsDropped: table.rowsDropped,
    modelEvaluations: evaluations,
    threads: executor.threads,
  };
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
  N: number,
  players: number,
  baselineRows: number,
  explained: number,
): number {
  let work = 0;
  if (config.shap) {
    const samples = config.shap.numSamples ?? defaultSampleCount(players);
    const sampled = players >= 2 && !enumeratesEveryCoalition(players, samples);
    work += N * mostEvaluationsPerRow(players, baselineRows, config.shap.numSamples);
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

function settleBaseline(shap: ShapConfig, table: FeatureTable) {
  const F = table.featureCount;
  if (shap.baseline && "rows" in shap.baseline) {
    return {
      rows: encodeRows(shap.baseline.rows, table, "$.methods.shap.baseline"),
      weights: new Float64Array(shap.baseline.rows.length).fill(1),
      computed: false,
    };
  }
  if (shap.baseline && "uri" in shap.baseline) {
    const rows = readBaselineFile(shap.baseline.uri, table);
    return {
      rows: encodeRows(rows, table, `baseline ${shap.baseline.uri}`),
      weights: new Float64Array(rows.length).fill(1),
      computed: false,
    };
  }
  const categorical = table.categories.map((c) => c !== undefined);
  const clustered = clusterBaseline(
    table.values,
    table.rows,
    F,
    categorical,
    shap.numClusters,
    shap.seed ?? 0,
  );
  return { rows: clustered.rows, weights: clustered.weights, computed: true };
}

/** Baseline rows in the dataset's values (numbers, category text) as feature codes. */
function encodeRows(
  rows: readonly (readonly (string | number)[])[],
  table: FeatureTable,
  path: string,
): Float64Array {
  const F = table.featureCount;
  const out = new Float64Array(rows.length * F);
  rows.forEach((row, r) => {
    if (row.length !== F) {
      throw new EngineInputError(
        `${path}[${r}]: ${row.length} values, but the model takes ${F} features (${table.names.join(", ")})`,
      );
    }
    row.forEach((cell, f) => {
      const categories = table.categories[f];
      if (categories) {
        const code = categories.indexOf(String(cell));
        if (code < 0) {
          throw new EngineInputError(
            `${path}[${r}][${f}]: ${JSON.stringify(cell)} is not a category of feature "${table.names[f]}" in the dataset`,
          );
        }
        out[r * F + f] = code;
      } else {
        const value = typeof cell === "number" ? cell : Number(cell);
        if (typeof cell === "string" && (cell.trim() === "" || Number.isNaN(value))) {
          throw new EngineInputError(
            `${path}[${r}][${f}]: ${JSON.stringify(cell)} is not a number, and feature "${table.names[f]}" is numeric`,
          );
        }
        out[r * F + f] = value;
      }
    });
  });
  return out;
}

/** A feature named or indexed (zero-based among the features) in the config. */
function featureIndex(ref: ColumnRef, table: FeatureTable, path: string): number {
  if (typeof ref === "number") {
    if (ref < table.featureCount) return ref;
    throw new EngineInputError(
      `${path}: feature index ${ref} is out of range: the model takes ${table.featureCount} features`,
    );
  }
  const index = table.names.indexOf(ref);
  if (index < 0) {
    throw new EngineInputError(
      `${path}: "${ref}" is not a feature; the features are ${table.names.map((n) => `"${n}"`).join(", ")}`,
    );
  }
  return index;
}

/** One player per explained feature, and one for all the others together (its value is dropped). */
function playersFor(explained: readonly number[], F: number): number[][] {
  const chosen = new Set(explained);
  const rest = Array.from({ length: F }, (_, f) => f).filter((f) => !chosen.has(f));
  return [...explained.map((f) => [f]), ...(rest.length > 0 ? [rest] : [])];
}

function labelNames(config: AnalysisConfig, outputs: number): string[] {
  const headers = config.predictor?.labelHeaders;
  if (headers === undefined) return Array.from({ length: outputs }, (_, o) => `label${o}`);
  if (headers.length !== outputs) {
    throw new EngineInputError(
      `$.predictor.label_headers: ${headers.length} names, but the model answers ${outputs} score${outputs === 1 ? "" : "s"} per row`,
    );
  }
  return [...headers];
}

/** Clarify's agg_method over the rows: mean of |φ|, median of φ, mean of φ². */
function aggregate(
  values: Float64Array,
  N: number,
  O: number,
  P: number,
  o: number,
  p: number,
  method: AggMethod,
): number {
  const column = new Float64Array(N);
  for (let r = 0; r < N; r++) column[r] = values[(r * O + o) * P + p] as number;
  if (method === "median") {
    column.sort();
    const mid = N >> 1;
    return N % 2 ? (column[mid] as number) : ((column[mid - 1] as number) + (column[mid] as number)) / 2;
  }
  let sum = 0;
  for (const v of column) sum += method === "mean_sq" ? v * v : Math.abs(v);
  return sum / N;
}

function csvRows(table: FeatureTable, rows: Float64Array): string {
  const F = table.featureCount;
  const lines = [table.names.map(csvCell).join(",")];
  for (let r = 0; r < rows.length / F; r++) {
    lines.push(
      Array.from(rows.subarray(r * F, r * F + F), (v, f) =>
        csvCell(table.categories[f]?.[v] ?? String(v)),
      ).join(","),
    );
  }
  return `${lines.join("\n")}\n`;
}

/** One row per dataset row; per label, one column per explained feature, named `<feature>_<label>` as Clarify names them (`age_label0`). */
function localValuesCsv(
  values: Float64Array,
  N: number,
  O: number,
  P: number,
  named: readonly number[],
  table: FeatureTable,
  labels: readonly string[],
): string {
  const header = labels.flatMap((label) => named.map((f) => csvCell(`${table.names[f]}_${label}`)));
  const lines = [header.join(",")];
  for (let r = 0; r < N; r++) {
    const cells: string[] = [];
    for (let o = 0; o < O; o++)
      for (let p = 0; p < named.length; p++) cells.push(String(values[(r * O + o) * P + p]));
    lines.push(cells.join(","));
  }
  return `${lines.join("\n")}\n`;
}

function csvCell(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
