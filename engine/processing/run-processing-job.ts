/**
 * What the engine's processing container does with its `/opt/ml/processing` tree, step by step
 * along the data's path: read the analysis config, locate the inputs (the job's inputs, else the
 * S3 URIs the config names), analyse, write `output/`. `clarify-pipeline process` runs it inside
 * the image; the local processing-job emulator runs that same command as a child process.
 *
 * A job of several instances (`/opt/ml/config/resourceconfig.json` lists several hosts) takes
 * another path after reading the config: each host counts its shard of the dataset input and
 * writes `output/partial/<host>.json` (count-shard.ts); CollectResults merges them.
 */
import { readdir, readFile, rm } from "node:fs/promises";
import { join, relative } from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import { type AnalyzeResult, analyze } from "../analyze.ts";
import { parseConfigJson } from "../config/config-json.ts";
import { EngineInputError } from "../errors.ts";
import type { ThreadOptions } from "../parallel/parallel-counts.ts";
import { countShard, type ShardResult, shardConfig } from "./count-shard.ts";
import { intervalsFromEnvironment } from "./interval-environment.ts";
import { modelFromEnvironment } from "./model-environment.ts";
import { plural } from "./plural.ts";
import { type PredictorModelOptions, withPredictorModel } from "./predictor-model.ts";
import { CLARIFY_PATHS, processingPaths } from "./processing-layout.ts";
import { readResourceConfig } from "./resource-config.ts";
import { downloadShapBaseline } from "./shap-baseline.ts";
import {
  explainBlocksFromEnvironment,
  progressFromEnvironment,
  threadsWithin,
} from "./thread-environment.ts";

/** The job's report cannot show the verdict: the run folder's report.html, written after the job, does. */
export const JOB_REPORT_NOTE =
  "This report was written by the processing job, which does not know the run's gates: " +
  "the report.html at the top of the run folder shows the verdict.";

export interface ProcessingJobOptions {
  /** The processing root (`/opt/ml/processing` in the container). */
  readonly processingDir: string;
  /** Progress lines (stdout in the container: the job's CloudWatch log). */
  readonly log: (line: string) => void;
  /** The client `dataset_uri` and `predicted_label_dataset_uri` are read with. @default the job's credentials and region */
  readonly s3?: () => S3Client;
  /** Worker threads for the count pass and the explanations (over CLARIFY_PIPELINE_THREADS). @default one per core */
  readonly threads?: number;
  /** The container's environment variables (the job's Environment). @default process.env */
  readonly environment?: Readonly<Record<string, string | undefined>>;
  /** The SageMaker clients and shadow-endpoint waits the predictor's model is called with. */
  readonly predictor?: Omit<PredictorModelOptions, "environment" | "log">;
}

/** Where one input of the analysis is read from, and how it got there. */
export interface LocatedInput {
  readonly path: string;
  /** For the log: `input/data (2 files)`, `dataset_uri s3://... (1 object)`. */
  readonly description: string;
}

export interface ProcessingInputs {
  readonly config: Record<string, unknown>;
  readonly dataset: LocatedInput;
  readonly predictedLabels?: LocatedInput;
}

/** Downloads of `*_uri` datasets go here, on the job's volume, and are removed at the end. */
const DOWNLOADS = ".downloads";

/** What `process` did on this host. */
export type ProcessingOutcome =
  | { readonly kind: "analysis"; readonly result: AnalyzeResult }
  | { readonly kind: "partial"; readonly result: ShardResult };

/**
 * `process` on this host: the whole analysis when the job has one host (or no resource config
 * says otherwise), else this host's partial counts.
 */
export async function runProcessingOnHost(
  options: ProcessingJobOptions & {
    /** SageMaker's resource config (RESOURCE_CONFIG_PATH in a job); no file: one host. */
    readonly resourceConfigPath: string;
  },
): Promise<ProcessingOutcome> {
  const host = await readResourceConfig(options.resourceConfigPath);
  if (host === undefined || host.hosts.length <= 1) {
    return { kind: "analysis", result: await runProcessingJob(options) };
  }
  const intervals = intervalsFromEnvironment(options.environment ?? process.env);
  const threads = jobThreads(options);
  const progress = progressFromEnvironment(options.environment ?? process.env, options.log);
  const config = await readAnalysisConfig(processingPaths(options.processingDir).config);
  options.log(`analysis config: ${CLARIFY_PATHS.config}`);
  options.log(`host ${host.current_host} of ${host.hosts.length} (${host.hosts.join(", ")})`);
  const environment = options.environment ?? process.env;
  // Refused before any model is opened (a shadow endpoint made for nothing). A model the
  // environment hands the job needs no predictor, on one host as on several.
  const modelGiven = modelFromEnvironment(environment) !== undefined;
  shardConfig(config, host.hosts.length, modelGiven);
  const downloads = join(options.processingDir, DOWNLOADS);
  try {
    // Each host explains its shard (methods.shap) with the job's model: a localModel, an
    // endpoint. It is opened only once the shard is known to hold a row.
    const result = await countShard({
      host,
      processingDir: options.processingDir,
      config,
      intervals,
      threads,
      modelGiven,
      withModel: (use) =>
        withPredictorModel(config, { ...options.predictor, environment, log: options.log }, use),
      // Every host that explains rows needs the whole baseline: each downloads its own copy.
      shapBaseline: () =>
        downloadShapBaseline(config, jobS3(options), join(downloads, "baseline"), options.log),
      explainBlocks: explainBlocksFromEnvironment(environment),
      log: options.log,
      progress,
    });
    return { kind: "partial", result };
  } finally {
    await rm(downloads, { recursive: true, force: true });
  }
}

/** The client the job reads S3 with (the caller's, else the job's credentials and region), made when first needed. */
function jobS3(options: ProcessingJobOptions): () => Promise<S3Client> {
  let client: S3Client | undefined;
  return async () => {
    client ??= options.s3?.() ?? (await import("./s3-dataset.ts")).jobS3Client();
    return client;
  };
}

/** The job's worker threads: the environment's, the caller's count over it. */
function jobThreads(options: ProcessingJobOptions): ThreadOptions {
  return threadsWithin(options.environment ?? process.env, options.threads);
}

/** The whole analysis on the job's one host. */
export async function runProcessingJob(options: ProcessingJobOptions): Promise<AnalyzeResult> {
  const paths = processingPaths(options.processingDir);
  const downloads = join(options.processingDir, DOWNLOADS);
  try {
    const intervals = intervalsFromEnvironment(options.environment ?? process.env);
    const threads = jobThreads(options);
    // Read before any work, so that a bad value fails the job at once.
    const progress = progressFromEnvironment(options.environment ?? process.env, options.log);
    const config = await readAnalysisConfig(paths.config);
    options.log(`analysis config: ${CLARIFY_PATHS.config}`);
    const inputs = await locateInputs(config, options, downloads);
    options.log(`dataset: ${inputs.dataset.description}`);
    const baselineCopy = await downloadShapBaseline(
      config,
      jobS3(options),
      join(downloads, "baseline"),
      options.log,
    );
    if (inputs.predictedLabels) options.log(`predicted labels: ${inputs.predictedLabels.description}`);
    options.log("computing the analysis");
    const started = performance.now();
    const environment = options.environment ?? process.env;
    const result = await withPredictorModel(
      inputs.config,
      { ...options.predictor, environment, log: options.log },
      (model) =>
        analyze({
          datasetPath: inputs.dataset.path,
          config: inputs.config,
          outDir: paths.output,
          describeFile: (file) => relative(options.processingDir, file),
          intervals,
          noGatesNote: JOB_REPORT_NOTE,
          ...(inputs.predictedLabels && { predictedLabelDatasetPath: inputs.predictedLabels.path }),
          ...(model && { model }),
          threads,
          explainBlocks: explainBlocksFromEnvironment(environment),
          ...(baselineCopy && { shapBaselineCopy: baselineCopy }),
          progress,
        }),
    );
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    const dropped = result.rowsDropped > 0 ? ` (${result.rowsDropped} with missing values left out)` : "";
    const onThreads = result.threads > 1 ? ` on ${result.threads} threads` : "";
    options.log(`analysed ${result.rowsRead} rows${dropped} in ${seconds} s${onThreads}`);
    if (result.explained) {
      options.log(
        `explained ${result.explained.rows} rows (${result.explained.modelEvaluations} model evaluations)${result.explained.threads > 1 ? ` on ${result.explained.threads} threads` : ""}`,
      );
    }
    for (const warning of result.context.warnings) {
      options.log(
        `warning: ${warning.message}${warning.failsGates ? " (any gate on these metrics fails)" : ""}`,
      );
    }
    for (const file of await readdir(paths.output)) options.log(`wrote ${CLARIFY_PATHS.output}/${file}`);
    return result;
  } finally {
    await rm(downloads, { recursive: true, force: true });
  }
}

/** The analysis config the job was given as its `analysis_config` input. */
export async function readAnalysisConfig(path: string): Promise<Record<string, unknown>> {
  const text = await readFile(path, "utf8").catch(() => {
    throw new EngineInputError(
      `no analysis configuration at /opt/ml/processing/${CLARIFY_PATHS.config} (the job's analysis_config input)`,
    );
  });
  let parsed: unknown;
  try {
    parsed = parseConfigJson(text);
  } catch (error) {
    throw new EngineInputError(`analysis_config.json is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new EngineInputError("analysis_config.json must hold a JSON object");
  }
  return parsed as Record<string, unknown>;
}

/**
 * The dataset comes from the job's `dataset` input when it has one, else from the config's
 * `dataset_uri`; predicted labels from `input/predicted_label_data`, else `predicted_label_dataset_uri`.
 */
export async function locateInputs(
  config: Record<string, unknown>,
  options: ProcessingJobOptions,
  downloads: string,
): Promise<ProcessingInputs> {
  const paths = processingPaths(options.processingDir);
  let client: S3Client | undefined;
  // The S3 client loads only when the config names a dataset URI: most jobs read input/ alone.
  const s3 = async () => {
    client ??= options.s3?.() ?? (await import("./s3-dataset.ts")).jobS3Client();
    return client;
  };
  const dataset =
    (await localInput(paths.data, options.processingDir)) ??
    (await uriInput(config, "dataset_uri", s3, join(downloads, "dataset")));
  if (!dataset) {
    throw new EngineInputError(
      `no dataset: the job has no dataset input at /opt/ml/processing/${CLARIFY_PATHS.data} and the analysis config has no dataset_uri`,
    );
  }
  const predictedLabels =
    (await localInput(paths.predictedLabels, options.processingDir)) ??
    (await uriInput(config, "predicted_label_dataset_uri", s3, join(downloads, "predicted_labels")));
  return { config, dataset, ...(predictedLabels && { predictedLabels }) };
}

/** A folder of the processing tree that holds at least one file. */
async function localInput(folder: string, processingDir: string): Promise<LocatedInput | undefined> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true }).catch(() => []);
  const files = entries.filter((entry) => entry.isFile()).length;
  if (files === 0) return undefined;
  return { path: folder, description: `${relative(processingDir, folder)} (${plural(files, "file")})` };
}

async function uriInput(
  config: Record<string, unknown>,
  field: "dataset_uri" | "predicted_label_dataset_uri",
  s3: () => Promise<S3Client>,
  folder: string,
): Promise<LocatedInput | undefined> {
  const uri = config[field];
  if (uri === undefined) return undefined;
  if (typeof uri !== "string") {
    throw new EngineInputError(`${field} must be an S3 URI string, got ${JSON.stringify(uri)}`);
  }
  try {
    const { downloadS3Dataset } = await import("./s3-dataset.ts");
    const { path, objects } = await downloadS3Dataset(await s3(), uri, folder, field);
    return { path, description: `${field} ${uri} (${plural(objects, "object")})` };
  } catch (error) {
    if (error instanceof EngineInputError) throw error;
    // Access denied, no such bucket, no credentials: the job's configuration, not the engine.
    const { name, message } = error as Error;
    throw new EngineInputError(`${field} ${uri} cannot be read: ${name}: ${message}`);
  }
}
