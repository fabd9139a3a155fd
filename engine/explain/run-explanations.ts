import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { AnalysisConfig, ColumnRef } from "../config/analysis-config.ts";
import type { ShapConfig } from "../config/explain-config.ts";
import { EngineInputError } from "../errors.ts";
import type { ExplanationsJson, KernelShapLabel, PdpEntry } from "../output/explanations-json.ts";
import { readBaselineFile } from "./baseline/baseline-file.ts";
import { notACategory as categoryMessage, isTextCell, notANumber } from "./baseline/baseline-messages.ts";
import { clusterBaseline } from "./baseline/cluster-baseline.ts";
import { type BlockResult, type BlockRun, blockCount, type ExplainJob, onThisThread } from "./explain-job.ts";
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
import { collectShap, mostEvaluationsPerRow, shapSettings } from "./kernel-shap/kernel-shap.ts";
import { addRows, csvCell, kernelShapJson, localValueLines, localValuesHeader } from "./local-shap-values.ts";
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
  return withExecutor(config, table, modelOrSource, threads, (model, executor) =>
    explainWith(config, table, model, outDir, executor, threads.evaluationsPerCall),
  );
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

/** The features whose column the shard holds as numbers but for which the given baseline has text. */
function numericBaselineTextFeatures(shap: ShapConfig, table: FeatureTable): number[] {
  const given = givenBaseline(shap, table);
  const features = new Set<number>();
  for (const row of given?.rows ?? []) {
    row.forEach((cell, f) => {
      if (f < table.featureCount && table.categories[f] === undefined && isTextCell(cell)) features.add(f);
    });
  }
  return [...features].sort((a, b) => a - b);
}

/**
 * `methods.shap` over a host's shard of a multi-instance job (`datasetPath`: the shard's
 * folder). As one instance explains them (each row's draws keyed by its file, so that they are
 * those of one instance over the whole dataset), except: the
 * baseline must be given (clustering needs the whole dataset); a baseline category the shard
 * lacks is added to the feature's categories rather than refused, and reported; and no global
 * value is computed: `write` gets each file's rows' local values (local-shap-values.ts), which
 * CollectResults aggregates in the dataset's file order.
 */
export async function explainShard(
  config: AnalysisConfig,
  datasetPath: string,
  modelOrSource: ScoringModel | ModelSource,
  threads: ExplainThreadOptions,
  write: (file: number, lines: string) => Promise<void>,
): Promise<ShardExplanations> {
  const shap = config.shap;
  if (shap === undefined || config.pdp !== undefined || shap.baseline === undefined) {
    throw new EngineInputError(
      "a host of several instances explains with methods.shap against a given baseline, and without methods.pdp (multi-instance-limits.ts refuses the others before the job)",
    );
  }
  const read = readFeatureTable(config, datasetPath, { allowNoRowLeft: true });
  // Every row missed a value: no baseline to code, no model to call, no feature kinds to tell.
  if (read.rows === 0) {
    for (const index of read.files.keys()) await write(index, "");
    return nothingExplained(read);
  }
  // A column the baseline gives text for holds text in the whole dataset, even where this
  // shard's cells are all numbers: read them as text, as one instance sends them.
  const numericOnly = numericBaselineTextFeatures(shap, read);
  const shardTable =
    numericOnly.length === 0
      ? read
      : readFeatureTable(config, datasetPath, { allowNoRowLeft: true, textFeatures: new Set(numericOnly) });
  const { table, unseen } = withBaselineCategories(shap, shardTable);
  let described: Omit<ShardExplanations, keyof ExplanationsResult> | undefined;
  const result = await withExecutor(config, table, modelOrSource, threads, (model, executor) =>
    explainWith(config, table, model, "", executor, threads.evaluationsPerCall, {
      write,
      describe: (labels, features, expectedValues) => {
        described = {
          labels,
          features,
          expectedValues,
          rowFiles: table.files,
          textFeatures: table.names.filter((_, f) => table.categories[f] !== undefined),
          numericOnlyFeatures: numericOnly.map((f) => table.names[f] as string),
          columns: table.datasetColumns,
          unseenBaseline: unseen,
        };
      },
    }),
  );
  return { ...result, ...(described as Omit<ShardExplanations, keyof ExplanationsResult>) };
}

/** Opens the model (and, when the work is large enough, worker threads) for `use`, and closes them. */
async function withExecutor<T extends ExplanationsResult>(
  config: AnalysisConfig,
  table: FeatureTable,
  modelOrSource: ScoringModel | ModelSource,
  threads: ExplainThreadOptions,
  use: (model: ScoringModel, executorFor: (evaluations: number) => Executor) => Promise<T>,
): Promise<T> {
  if (!isModelSource(modelOrSource)) {
    const here = { threads: 1, run: onThisThread(modelOrSource, table.values) };
    return use(modelOrSource, () => here);
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
  let result: T;
  let workerCpuSeconds: number[] | undefined;
  try {
    result = await use(model, executor);
  } finally {
    workerCpuSeconds = await started?.close();
    await model.close();
  }
  return workerCpuSeconds ? { ...result, workerCpuSeconds } : result;
}

/** A host's share of explaining: where its files' local values go, and what it tells of them. */
interface ShardOutput {
  write(file: number, lines: string): Promise<void>;
  describe(labels: string[], features: string[], expectedValues: number[]): void;
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
  shard?: ShardOutput,
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
      // Each row's draws are keyed by its file and its place in it, one file or many: a host of
      // several instances cannot know whether other files exist, and must draw as one instance.
      files: table.files,
    });
    const job: ExplainJob = { kind: "shap", settings: settled.settings };
    const result = await collectShap(settled.settings, N, settled.evaluations, (take) =>
      executor.run(job, blockCount(job, N), take as (block: number, result: BlockResult) => void),
    );
    evaluations += result.modelEvaluations;
    const labels = labelNames(config, result.outputs);
    const features = named.map((feature) => table.names[feature] as string);
    if (shard) {
      let first = 0;
      for (const [index, file] of table.files.entries()) {
        const end = first + file.rows;
        await shard.write(
          index,
          localValueLines(result.values, first, end, result.outputs, result.players, named.length),
        );
        first = end;
      }
      shard.describe(labels, features, Array.from(result.expectedValues));
    } else {
      const global = new GlobalShap(result.outputs * named.length, shap.aggMethod, result.rows);
      addRows(global, result.values, result.rows, result.outputs, result.players, named.length);
      kernel = kernelShapJson(labels, features, global, result.expectedValues);
    }
    const first = kernel?.[labels[0] as string]?.global_shap_values ?? {};
    ranking = named
      .map((feature) => ({ feature, importance: Math.abs(first[table.names[feature] as string] ?? 0) }))
      .sort((a, b) => b.importance - a.importance)
      .map((entry) => entry.feature);
    if (shap.saveLocalShapValues && !shard) {
      await mkdir(shapDir, { recursive: true });
      const path = join(shapDir, "out.csv");
      await writeFile(
        path,
        localValuesHeader(features, labels) +
          localValueLines(result.values, 0, N, result.outputs, result.players, named.length),
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
  const given = givenBaseline(shap, table);
  if (given) {
    return {
      rows: encodeRows(given.rows, table, given.path),
      weights: new Float64Array(given.rows.length).fill(1),
      computed: false,
    };
  }
  const categorical = table.categories.map((c) => c !== undefined);
  const clustered = clusterBaseline(
    table.values,
    table.rows,
    table.featureCount,
    categorical,
    shap.numClusters,
    shap.seed ?? 0,
  );
  return { rows: clustered.rows, weights: clustered.weights, computed: true };
}

/** The baseline rows the config gives (inline, or a file), and how messages name them; undefined: none given. */
function givenBaseline(
  shap: ShapConfig,
  table: FeatureTable,
): { readonly rows: readonly (readonly (string | number)[])[]; readonly path: string } | undefined {
  if (shap.baseline && "rows" in shap.baseline) {
    return { rows: shap.baseline.rows, path: "$.methods.shap.baseline" };
  }
  if (shap.baseline && "uri" in shap.baseline) {
    return {
      rows: readBaselineFile(shap.baseline.uri, table, shap.baseline.readFrom),
      path: `baseline ${shap.baseline.uri}`,
    };
  }
  return undefined;
}

/**
 * A shard's table with the given baseline's categories that the shard lacks added to their
 * features' categories (after the shard's own, so no row's code changes), and the message one
 * instance would refuse each such cell with, should no shard hold it.
 */
function withBaselineCategories(
  shap: ShapConfig,
  table: FeatureTable,
): { readonly table: FeatureTable; readonly unseen: string[] } {
  const given = givenBaseline(shap, table);
  const unseen: string[] = [];
  if (given === undefined) return { table, unseen };
  const categories = table.categories.map((c) => (c ? [...c] : undefined));
  given.rows.forEach((row, r) => {
    row.forEach((cell, f) => {
      const known = categories[f];
      if (known === undefined || known.includes(String(cell))) return;
      unseen.push(notACategory(given.path, r, f, cell, table));
      known.push(String(cell));
    });
  });
  return { table: { ...table, categories }, unseen };
}

function notACategory(
  path: string,
  r: number,
  f: number,
  cell: string | number,
  table: FeatureTable,
): string {
  return categoryMessage(`${path}[${r}][${f}]`, cell, table.names[f] as string);
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
        if (code < 0) throw new EngineInputError(notACategory(path, r, f, cell, table));
        out[r * F + f] = code;
      } else {
        if (isTextCell(cell)) {
          throw new EngineInputError(notANumber(`${path}[${r}][${f}]`, cell, table.names[f] as string));
        }
        out[r * F + f] = Number(cell);
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
