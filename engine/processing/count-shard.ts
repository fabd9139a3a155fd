/**
 * One host's part of a job of several instances: SageMaker gave this host a shard of the
 * dataset input's files (`ShardedByS3Key`); the host counts each of its files on its own and
 * writes each file's count tables to `output/partial/<host>/<index>.json` and the list of its
 * files to `output/partial/<host>.json` (contracts/partial-counts.ts). CollectResults merges
 * every host's files into the analysis.json one instance would have written. A host writes
 * nothing else to output/: SageMaker uploads every host's output folder to the same S3 prefix.
 */
import { existsSync, statSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import {
  PARTIAL_FOLDER,
  PARTIAL_VERSION,
  type PartialCounts,
  type PartialDatasetShape,
  type PartialTables,
  partialFileOf,
  partialJson,
  type ResourceConfig,
  shapObjectOf,
  tablesObjectOf,
} from "../../contracts/partial-counts.ts";
import { type CountPlan, collectCounts } from "../aggregate/collect-counts.ts";
import { type CountTables, toCountTables } from "../aggregate/count-tables.ts";
import { ValueMatcher } from "../aggregate/value-matcher.ts";
import { intervalSettings } from "../analyze.ts";
import { type AnalysisConfig, type BiasConfig, runsBias } from "../config/analysis-config.ts";
import { configFloatPaths } from "../config/config-json.ts";
import {
  multiInstanceLimits,
  ONE_INSTANCE,
  PREDICTED_LABELS_APART,
} from "../config/multi-instance-limits.ts";
import { unsupportedByEngine } from "../config/parse-analysis-config.ts";
import { validAnalysisConfig } from "../config/valid-analysis-config.ts";
import { EngineInputError, UnsupportedAnalysisError } from "../errors.ts";
import type { ExplainThreadOptions } from "../explain/parallel-explanations.ts";
import type { IntervalSettings } from "../intervals/bootstrap-intervals.ts";
import { datasetFiles } from "../io/dataset-files.ts";
import { TableReader } from "../io/open-table.ts";
import { datasetFilesOf } from "../io/table-format.ts";
import { countFileByFile } from "../parallel/count-files.ts";
import type { ThreadOptions } from "../parallel/parallel-counts.ts";
import { COUNTING_ROWS, type CountProgressOptions } from "../progress/count-progress.ts";
import type { ProgressSettings } from "../progress/progress-reporter.ts";
import { openBiasDataset } from "../run-bias-analysis.ts";
import { type ExplainedShard, explainShardFiles, readShardStart, type WithModel } from "./explain-shard.ts";
import { plural } from "./plural.ts";
import { CLARIFY_PATHS, processingPaths } from "./processing-layout.ts";

export interface ShardOptions {
  readonly host: ResourceConfig;
  /** The processing root (`/opt/ml/processing`). */
  readonly processingDir: string;
  /** The raw analysis_config.json the job was given. */
  readonly config: Record<string, unknown>;
  readonly intervals: Partial<IntervalSettings>;
  readonly threads: ThreadOptions;
  /**
   * Opens the model `methods.shap` explains (the job's localModel or predictor), called only
   * once this host's shard is known to hold a row: an idle host makes no shadow endpoint.
   */
  readonly withModel?: WithModel;
  /** Whether the job's environment hands it a model (localModel), which then needs no predictor. */
  readonly modelGiven?: boolean;
  /**
   * Downloads the job's `s3://` SHAP baseline file and gives its local copy (shap-baseline.ts),
   * called only once this host's shard is known to hold a row: an idle host downloads nothing.
   */
  readonly shapBaseline?: () => Promise<string | undefined>;
  /** How explanations are cut into blocks and threads (besides `threads`). */
  readonly explainBlocks?: Pick<ExplainThreadOptions, "minEvaluationsPerThread" | "evaluationsPerCall">;
  readonly log: (line: string) => void;
  /** Progress lines of this host's count pass (bytes read of its files) and explanations (rows of its shard). */
  readonly progress?: ProgressSettings;
}

export interface ShardResult {
  readonly partial: PartialCounts;
  /** Where the host file was written (its tables objects beside it, in the folder named after the host). */
  readonly partialPath: string;
  readonly rowsRead: number;
  readonly rowsDropped: number;
  readonly threads: number;
}

export async function countShard(options: ShardOptions): Promise<ShardResult> {
  const { host, processingDir, log } = options;
  const instances = host.hosts.length;
  const config = shardConfig(options.config, instances, options.modelGiven);
  const intervals = intervalSettings(options.intervals);
  const files = shardFiles(config, options.config, processingDir, instances);
  const dataFolder = processingPaths(processingDir).data;
  const on = `host ${host.current_host} of ${instances}`;
  log(`dataset: ${CLARIFY_PATHS.data} (${plural(files.length, "file")} of the job's dataset on this host)`);
  const started = performance.now();
  const outputDir = processingPaths(processingDir).output;
  const tablesFolder = dirname(tablesObjectOf(host.current_host, 0));
  await mkdir(join(outputDir, files.length > 0 ? tablesFolder : PARTIAL_FOLDER), { recursive: true });
  // Each file's tables object as soon as it is counted; the host file last, naming only objects written.
  const writeTables = async (index: number, file: CountedFile) => {
    const object: PartialTables = { version: PARTIAL_VERSION, path: file.path, tables: file.tables };
    await writeFile(join(outputDir, tablesObjectOf(host.current_host, index)), partialJson(object));
  };
  // This host's progress lines, count pass and explanations alike, say which host they are from.
  const progress = options.progress;
  const hostProgress = progress && { ...progress, write: (line: string) => progress.write(`${on}: ${line}`) };
  // Read once for both passes: a Spark part file of an empty partition holds no row.
  const start = files.length > 0 ? readShardStart(config, files) : { holdsARow: false };
  const anyRow = start.holdsARow;
  const counted =
    files.length === 0 || !runsBias(config)
      ? undefined
      : await countFiles(
          config,
          dataFolder,
          files,
          anyRow,
          options.threads,
          writeTables,
          hostProgress && { settings: hostProgress, name: COUNTING_ROWS },
        );
  const counts = counted?.files ?? [];
  const explained =
    config.shap && files.length > 0
      ? await explainShardFiles({
          config,
          host: host.current_host,
          dataFolder,
          files,
          start,
          outputDir,
          ...(options.shapBaseline && { shapBaseline: options.shapBaseline }),
          withModel: options.withModel ?? ((use) => use(undefined)),
          ...(hostProgress && { progress: hostProgress }),
          threads: {
            ...options.explainBlocks,
            ...(options.threads.threads !== undefined && { threads: options.threads.threads }),
          },
        })
      : undefined;
  const partial = hostFile(options, intervals, dataFolder, files, counted, explained);
  const partialPath = join(outputDir, partialFileOf(host.current_host));
  await writeFile(partialPath, partialJson(partial));
  const rowsRead = counts.reduce((sum, file) => sum + file.rowsRead, 0);
  const rowsDropped = counts.reduce((sum, file) => sum + file.rowsDropped, 0);
  const threads = counted?.threads ?? 1;
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  if (counted) {
    const dropped = rowsDropped > 0 ? ` (${rowsDropped} with missing values left out)` : "";
    const onThreads = threads > 1 ? ` on ${threads} threads` : "";
    log(
      `${on}: counted ${plural(files.length, "file")}, ${rowsRead} rows${dropped} in ${seconds} s${onThreads}`,
    );
  }
  if (explained) log(`${on}: ${explainedLine(explained)}`);
  const objects = [
    ...(counted ? [plural(counts.length, "tables object")] : []),
    ...(explained ? [plural(files.length, "local SHAP values object")] : []),
  ];
  log(
    `wrote ${CLARIFY_PATHS.output}/${partialFileOf(host.current_host)}${objects.length > 0 ? ` and ${objects.join(" and ")} in ${CLARIFY_PATHS.output}/${tablesFolder}/` : ""} (CollectResults merges every host's)`,
  );
  return { partial, partialPath, rowsRead, rowsDropped, threads };
}

/** The host file: the job, and each of the host's files with the objects written for it. */
function hostFile(
  options: ShardOptions,
  intervals: PartialCounts["intervals"],
  dataFolder: string,
  files: readonly string[],
  counted: CountedShard | undefined,
  explained: ExplainedShard | undefined,
): PartialCounts {
  const host = options.host.current_host;
  return {
    version: PARTIAL_VERSION,
    host,
    hosts: options.host.hosts,
    config: options.config,
    // The merge parses this plain copy: where values were written as floats (`1.0`) travels apart.
    ...floatsOf(options.config),
    intervals,
    ...(counted?.dataset && { dataset: counted.dataset }),
    files: files.map((file, index) => ({
      path: relative(dataFolder, file),
      bytes: statSync(file).size,
      ...(counted && { tables: tablesObjectOf(host, index) }),
      ...(explained && { shap: shapObjectOf(host, index), shapRows: explained.fileRows[index] as number }),
    })),
    ...(explained?.explanations && { explanations: explained.explanations }),
    ...(explained?.columnNames && { columnNames: explained.columnNames }),
  };
}

/** `explained N rows (... left out) (M model evaluations) on T threads`. */
function explainedLine(explained: ExplainedShard): string {
  const shap = explained.explanations;
  const left =
    shap && shap.rowsDropped > 0 ? ` (${shap.rowsDropped} with a missing feature value left out)` : "";
  const onThreads = explained.threads > 1 ? ` on ${explained.threads} threads` : "";
  return `explained ${shap?.rowsExplained ?? 0} rows${left} (${shap?.modelEvaluations ?? 0} model evaluations)${onThreads}`;
}

/** The config a host works for: valid, within what several instances compute, and with a bias method or SHAP. */
export function shardConfig(
  raw: Record<string, unknown>,
  instances: number,
  /** The job's environment hands it a model (localModel): no predictor is needed, as on one instance. */
  modelGiven = false,
): AnalysisConfig {
  const config = validAnalysisConfig(raw);
  const limits = multiInstanceLimits(raw, instances);
  if (limits.length > 0) {
    const lines = limits.map((p) => `${p.path}: ${p.message}`);
    throw new EngineInputError(
      `the analysis config asks for what a job of ${instances} instances cannot compute: ${lines.join("; ")}`,
    );
  }
  const unsupported = unsupportedByEngine(raw, "builtin-image").filter(
    (problem) => !(modelGiven && problem.path === "$.predictor"),
  )[0];
  if (unsupported !== undefined) throw new UnsupportedAnalysisError(unsupported.message);
  if (config === undefined || (!runsBias(config) && config.shap === undefined)) {
    throw new EngineInputError(
      "the analysis config requests no bias method (methods.pre_training_bias / methods.post_training_bias) and no methods.shap: there is nothing to compute",
    );
  }
  return config;
}

/**
 * This host's files of the job's dataset input. SageMaker creates the input's folder on every
 * host, also on one whose shard holds no file. A dataset named by `dataset_uri` alone would be
 * read whole by every host, and a separate predicted label dataset cannot be kept row by row
 * beside a sharded dataset: both are refused.
 */
function shardFiles(
  config: AnalysisConfig,
  raw: Record<string, unknown>,
  processingDir: string,
  instances: number,
): string[] {
  const paths = processingPaths(processingDir);
  if (
    existsSync(paths.predictedLabels) &&
    datasetFiles(paths.predictedLabels, "", { allowEmpty: true }).length > 0
  ) {
    throw new EngineInputError(
      `a predicted label dataset (${CLARIFY_PATHS.predictedLabels}) with ${instances} instances: ${PREDICTED_LABELS_APART}`,
    );
  }
  if (!existsSync(paths.data)) {
    if (raw.dataset_uri !== undefined) {
      throw new EngineInputError(
        `dataset_uri with ${instances} instances: every host would read all of ${JSON.stringify(raw.dataset_uri)}; give the dataset as the job's dataset input, which SageMaker shards across the hosts (ShardedByS3Key), or ${ONE_INSTANCE}`,
      );
    }
    return [];
  }
  return datasetFilesOf(config, paths.data, "dataset", { allowEmpty: true });
}

/** A file of the shard and its count tables. */
interface CountedFile {
  readonly path: string;
  readonly bytes: number;
  readonly tables: CountTables;
}

/** A file of the shard once its tables are written: what the host file and the log need of it. */
interface WrittenFile {
  readonly path: string;
  readonly bytes: number;
  readonly rowsRead: number;
  readonly rowsDropped: number;
}

interface CountedShard {
  /** Absent when no file of the shard holds a row. */
  readonly dataset?: PartialDatasetShape;
  /** In the order of the dataset's files, whose index `write` was given. */
  readonly files: readonly WrittenFile[];
  readonly threads: number;
}

/** Counts each file and hands its tables to `write` (index: the file's in the dataset's order), keeping none. */
async function countFiles(
  config: BiasConfig,
  dataFolder: string,
  files: readonly string[],
  /** Whether some file holds a data row (else each file gets the tables of no row). */
  anyRow: boolean,
  threads: ThreadOptions,
  write: (index: number, file: CountedFile) => Promise<void>,
  progress: CountProgressOptions | undefined,
): Promise<CountedShard> {
  const written: WrittenFile[] = [];
  const hand = async (index: number, file: string, tables: CountTables) => {
    const path = relative(dataFolder, file);
    const bytes = statSync(file).size;
    await write(index, { path, bytes, tables });
    written[index] = { path, bytes, rowsRead: tables.rowsRead, rowsDropped: tables.rowsDropped };
  };
  if (!anyRow) {
    const empty = noRowTables(config);
    for (const [index, file] of files.entries()) await hand(index, file, empty);
    return { files: written, threads: 1 };
  }
  const dataset = openBiasDataset(config, dataFolder);
  try {
    const counted = await countFileByFile(
      dataset,
      threads,
      (index, tables) => hand(index, dataset.files[index] as string, tables),
      progress,
    );
    const shape: PartialDatasetShape = {
      datasetType: config.datasetType,
      fieldCount: dataset.fieldCount,
      ...(dataset.names && { names: dataset.names }),
      labelIndex: dataset.labelIndex,
      ...(dataset.plan.predicted && { predictedIndex: dataset.plan.predicted.index }),
      facetIndexes: dataset.facetIndexes,
      ...(dataset.groupIndex !== undefined && { groupIndex: dataset.groupIndex }),
    };
    return { dataset: shape, files: written, threads: counted.threads };
  } finally {
    dataset.close();
  }
}

/**
 * The count tables of no row, shaped as the config's count pass shapes them (a label, a
 * predicted label with post-training bias, each facet, the group variable): for the files of a
 * shard that holds no row, where no column can be located. Merged with other tables, they
 * change nothing.
 */
function noRowTables(config: BiasConfig): CountTables {
  const matcher = new ValueMatcher(config.labelValuesOrThreshold);
  const plan: CountPlan = {
    label: { index: 0, matcher },
    ...(config.postTraining !== undefined &&
      config.predictedLabel !== undefined && {
        predicted: { index: 0, matcher },
      }),
    facets: config.facets.map(() => ({ index: 0 })),
    ...(config.groupVariable !== undefined && { groupIndex: 0 }),
  };
  const reader = new TableReader([], { kind: "csv" });
  return toCountTables(collectCounts(reader, plan, 0));
}

function floatsOf(config: Record<string, unknown>): { configFloats?: string[] } {
  const paths = configFloatPaths(config);
  return paths.length > 0 ? { configFloats: paths } : {};
}
