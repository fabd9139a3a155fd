import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ANALYSIS_CONTEXT_FILE, type AnalysisContext } from "../contracts/analysis-context.ts";
import {
  DEFAULT_CONFIDENCE,
  DEFAULT_RESAMPLES,
  DEFAULT_SEED,
  INTERVALS_FILE,
  type IntervalsJson,
} from "../contracts/intervals.ts";
import { type AnalysisConfig, type BiasConfig, runsBias } from "./config/analysis-config.ts";
import { withBaselineCopy } from "./config/explain-config.ts";
import { unsupportedByEngine } from "./config/parse-analysis-config.ts";
import { validAnalysisConfig } from "./config/valid-analysis-config.ts";
import { EngineInputError, UnsupportedAnalysisError } from "./errors.ts";
import type { ModelSource } from "./explain/model/open-model.ts";
import type { ScoringModel } from "./explain/model/scoring-model.ts";
import { predictWithModel } from "./explain/model-predictions.ts";
import type { ExplainThreadOptions } from "./explain/parallel-explanations.ts";
import { type ExplanationsResult, runExplanations } from "./explain/run-explanations.ts";
import {
  bootstrapIntervals,
  type CountTables,
  type IntervalSettings,
} from "./intervals/bootstrap-intervals.ts";
import { datasetFilesOf } from "./io/table-format.ts";
import type { AnalysisJson } from "./output/analysis-json.ts";
import { jsonFileText } from "./output/json-file-text.ts";
import type { ThreadOptions } from "./parallel/parallel-counts.ts";
import type { ProgressSettings } from "./progress/progress-reporter.ts";
import { type ReportOptions, renderReport } from "./report/render-report.ts";
import { reportTitle } from "./report/report-title.ts";
import { runBiasAnalysisOnThreads } from "./run-bias-analysis.ts";

export type { AnalysisJson } from "./output/analysis-json.ts";

export interface AnalyzeOptions {
  /** The dataset: one file, or a folder whose files are read in name order. */
  readonly datasetPath: string;
  /** The raw analysis_config.json. */
  readonly config: Record<string, unknown>;
  /** Where analysis.json and report.html go (created if needed). */
  readonly outDir: string;
  /** The file/folder behind `predicted_label_dataset_uri`, staged locally. */
  readonly predictedLabelDatasetPath?: string;
  /**
   * Bootstrap intervals written to intervals.json (defaults: 0.95, 1,000 resamples, a fixed
   * seed); `false` writes none.
   */
  readonly intervals?: Partial<IntervalSettings> | false;
  /** The model `methods.shap` and `methods.pdp` call: an ONNX file, an HTTP endpoint, or one in-process. */
  readonly model?: ModelSource | ScoringModel;
  /**
   * How the analysis context names a dataset file (default: its path as read). The processing
   * job names them within its /opt/ml/processing tree rather than by a host's temporary path.
   */
  readonly describeFile?: (path: string) => string;
  /**
   * Worker threads for the count pass (default: one per core, for CSV datasets of at least
   * 16 MB per thread; see parallel/parallel-counts.ts) and for the explanations (at most
   * `threads.threads` as well, for at least 2 M model evaluations per thread; see
   * explain/parallel-explanations.ts). The numbers do not depend on it.
   */
  readonly threads?: ThreadOptions;
  /**
   * How explanations are cut into blocks and threads: model evaluations per thread at least
   * (default 2^21) and per model call (default 2^18); tests lower them.
   */
  readonly explainBlocks?: Pick<ExplainThreadOptions, "minEvaluationsPerThread" | "evaluationsPerCall">;
  /** Said in the report when there are no gates (e.g. the processing job does not know the run's). */
  readonly noGatesNote?: string;
  /** The processing job's local copy of an `s3://` SHAP baseline file (processing/shap-baseline.ts). */
  readonly shapBaselineCopy?: string;
  /**
   * Where progress lines of long work go (the count pass's bytes read, the rows explained), and
   * how often (progress/progress-reporter.ts). Absent: none.
   */
  readonly progress?: ProgressSettings;
}

export interface AnalyzeResult {
  readonly analysis: AnalysisJson;
  readonly analysisPath: string;
  /** `analysis_context.json`: how the data was read, group counts, warnings. */
  readonly context: AnalysisContext;
  readonly contextPath: string;
  readonly reportPath: string;
  /** Absent when intervals were turned off. */
  readonly intervalsPath?: string;
  readonly rowsRead: number;
  /** Rows left out because a value the analysis uses was missing. */
  readonly rowsDropped: number;
  /** What explaining the model took, when methods.shap / methods.pdp ran. */
  readonly explained?: {
    readonly rows: number;
    readonly modelEvaluations: number;
    /** The threads that called the model. */
    readonly threads: number;
    /** Each explaining worker thread's CPU seconds, when worker threads explained (the benchmarks read it). */
    readonly workerCpuSeconds?: readonly number[];
  };
  /** The threads that counted the rows. */
  readonly threads: number;
  /** Each count worker thread's CPU seconds, when worker threads counted (the benchmarks read it). */
  readonly workerCpuSeconds?: readonly number[];
}

/**
 * What the SageMaker Clarify container computes for the bias part of an analysis config,
 * run locally: writes `analysis.json` (Clarify's format), `analysis_context.json` (how the
 * dataset and config were read, the group counts, the warnings) and `report.html` into `outDir`.
 *
 * @throws EngineInputError bad config or data, with a message naming the key or row
 * @throws UnsupportedAnalysisError the config needs the AWS run (a live model, SHAP, PDP)
 */
export async function analyze(options: AnalyzeOptions): Promise<AnalyzeResult> {
  const config = withBaselineCopy(
    checkedConfig(options.config, options.model !== undefined),
    options.shapBaselineCopy,
  );
  assertRunsLocally(config, options);
  const computed = runsBias(config)
    ? await biasAndExplanations(config, options)
    : await explanationsAlone(config, options);
  const { analysis, context, tables, explained } = computed;

  await mkdir(options.outDir, { recursive: true });
  const analysisPath = join(options.outDir, "analysis.json");
  const contextPath = join(options.outDir, ANALYSIS_CONTEXT_FILE);
  const reportPath = join(options.outDir, "report.html");
  await writeFile(analysisPath, jsonFileText(analysis));
  await writeFile(contextPath, jsonFileText(context));
  let intervalsPath: string | undefined;
  let intervals: IntervalsJson | undefined;
  // Intervals are of bias metrics: an analysis of explanations alone has none to bound.
  if (options.intervals !== false && tables !== undefined) {
    intervalsPath = join(options.outDir, INTERVALS_FILE);
    intervals = bootstrapIntervals(analysis, tables, intervalSettings(options.intervals ?? {}));
    await writeFile(intervalsPath, jsonFileText(intervals));
  }
  await writeFile(
    reportPath,
    renderReport(analysis as unknown as Record<string, unknown>, {
      ...reportOptions(options, context),
      ...(intervals && { intervals }),
    }),
  );
  return {
    analysis,
    analysisPath,
    context,
    contextPath,
    reportPath,
    ...(intervalsPath && { intervalsPath }),
    rowsRead: computed.rowsRead,
    rowsDropped: computed.rowsDropped,
    ...(explained && {
      explained: {
        rows: explained.rowsExplained,
        modelEvaluations: explained.modelEvaluations,
        threads: explained.threads,
        ...(explained.workerCpuSeconds && { workerCpuSeconds: explained.workerCpuSeconds }),
      },
    }),
    threads: computed.threads ?? 1,
    ...(computed.workerCpuSeconds && { workerCpuSeconds: computed.workerCpuSeconds }),
  };
}

/** What an analysis computed, before anything is written. */
interface Computed {
  readonly analysis: AnalysisJson;
  readonly context: AnalysisContext;
  /** The bias metrics' count tables; absent when no bias method ran. */
  readonly tables?: CountTables;
  readonly explained?: ExplanationsResult;
  readonly rowsRead: number;
  readonly rowsDropped: number;
  readonly threads?: number;
  readonly workerCpuSeconds?: readonly number[];
}

/** The bias metrics from the count pass, then the explanations when a model is given. */
async function biasAndExplanations(config: BiasConfig, options: AnalyzeOptions): Promise<Computed> {
  const bias = await runBias(config, options);
  const describe = options.describeFile;
  const context = describe
    ? {
        ...bias.context,
        dataset: { ...bias.context.dataset, files: bias.context.dataset.files.map(describe) },
      }
    : bias.context;
  const explained =
    options.model && (config.shap || config.pdp)
      ? await runExplanations(
          config,
          options.datasetPath,
          options.model,
          options.outDir,
          explainThreads(options),
          options.progress,
        )
      : undefined;
  return {
    analysis: explained ? { ...bias.analysis, explanations: explained.explanations } : bias.analysis,
    context,
    tables: bias.tables,
    ...(explained && { explained }),
    rowsRead: bias.rowsRead,
    rowsDropped: bias.rowsDropped,
    ...(bias.threads !== undefined && { threads: bias.threads }),
    ...(bias.workerCpuSeconds !== undefined && { workerCpuSeconds: bias.workerCpuSeconds }),
  };
}

/**
 * A config with `shap` / `pdp` and no bias method: no count pass, no label read (the dataset
 * may hold features alone), and analysis.json holds only `explanations`, as Clarify writes it.
 */
async function explanationsAlone(config: AnalysisConfig, options: AnalyzeOptions): Promise<Computed> {
  // assertRunsLocally has refused explanations without a model.
  const model = options.model as ModelSource | ScoringModel;
  const explained = await runExplanations(
    config,
    options.datasetPath,
    model,
    options.outDir,
    explainThreads(options),
    options.progress,
  );
  const describe = options.describeFile ?? ((path: string) => path);
  const rowsRead = explained.rowsExplained + explained.rowsDropped;
  const context: AnalysisContext = {
    version: "1",
    dataset: {
      datasetType: config.datasetType,
      files: datasetFilesOf(config, options.datasetPath).map(describe),
      rowsRead,
      rowsSkipped:
        explained.rowsDropped > 0 ? [{ reason: "a feature value missing", rows: explained.rowsDropped }] : [],
    },
    facets: [],
    warnings: [],
  };
  return {
    analysis: { version: "1.0", explanations: explained.explanations },
    context,
    explained,
    rowsRead,
    rowsDropped: explained.rowsDropped,
  };
}

/** The explanations' threads: as many as the count pass may use, each with enough model evaluations. */
function explainThreads(options: AnalyzeOptions): ExplainThreadOptions {
  const threads = options.threads?.threads;
  return { ...options.explainBlocks, ...(threads !== undefined && { threads }) };
}

/**
 * The bias metrics. Post-training bias without predicted labels but with a model takes the
 * model's predictions, written to a scratch folder that is removed afterwards.
 */
async function runBias(config: BiasConfig, options: AnalyzeOptions) {
  if (!options.model || config.postTraining === undefined || config.predictedLabel !== undefined) {
    return runBiasAnalysisOnThreads(
      config,
      options.datasetPath,
      options.predictedLabelDatasetPath,
      options.threads ?? {},
      options.progress,
    );
  }
  const scratch = await mkdtemp(join(tmpdir(), "clarify-predictions-"));
  try {
    const predicted = await predictWithModel(
      config,
      options.datasetPath,
      options.model,
      scratch,
      options.progress,
    );
    return runBiasAnalysisOnThreads(
      predicted.config,
      options.datasetPath,
      predicted.predictedLabelDatasetPath,
      options.threads ?? {},
      options.progress,
    );
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** The defaults applied and each setting checked, naming the one that is wrong. */
export function intervalSettings(given: Partial<IntervalSettings>): IntervalSettings {
  const settings = {
    confidence: given.confidence ?? DEFAULT_CONFIDENCE,
    resamples: given.resamples ?? DEFAULT_RESAMPLES,
    seed: given.seed ?? DEFAULT_SEED,
  };
  if (!(settings.confidence > 0 && settings.confidence < 1)) {
    throw new EngineInputError(
      `confidence: ${settings.confidence} must be a level between 0 and 1 (e.g. 0.95)`,
    );
  }
  if (!Number.isInteger(settings.resamples) || settings.resamples < 10 || settings.resamples > 100_000) {
    throw new EngineInputError(`resamples: ${settings.resamples} must be a whole number from 10 to 100000`);
  }
  if (!Number.isInteger(settings.seed) || settings.seed < 0 || settings.seed > 0xffffffff) {
    throw new EngineInputError(`seed: ${settings.seed} must be a whole number from 0 to 4294967295`);
  }
  return settings;
}

function reportOptions(options: AnalyzeOptions, context: AnalysisContext): ReportOptions {
  const title = reportTitle(options.config);
  return {
    context,
    ...(title === undefined ? {} : { title }),
    ...(options.noGatesNote === undefined ? {} : { noGatesNote: options.noGatesNote }),
  };
}

function checkedConfig(raw: Record<string, unknown>, withModel: boolean): AnalysisConfig {
  const config = validAnalysisConfig(raw);
  // What the engine cannot compute is refused before the config is looked at any further.
  // With a model at hand, post-training bias takes its predictions from it, as Clarify does from a predictor.
  const unsupported = unsupportedByEngine(raw, "builtin").filter(
    (problem) => !(withModel && problem.path === "$.predictor"),
  )[0];
  if (unsupported !== undefined) throw new UnsupportedAnalysisError(unsupported.message);
  if (config === undefined || (!runsBias(config) && !config.shap && !config.pdp)) {
    throw new EngineInputError(
      "the analysis config requests nothing the engine computes: add methods.pre_training_bias, methods.post_training_bias, methods.shap or methods.pdp",
    );
  }
  return config;
}

/** What the config alone cannot tell: the staged inputs the options must supply. */
function assertRunsLocally(config: AnalysisConfig, options: AnalyzeOptions): void {
  const explanation = config.shap ? "shap" : config.pdp ? "pdp" : undefined;
  if (explanation !== undefined && options.model === undefined) {
    throw new UnsupportedAnalysisError(
      `methods.${explanation} needs a model to explain: pass --model model.onnx or --model-endpoint URL (run.json: localModel), or run this analysis on AWS`,
    );
  }
  if (config.predictedLabelDatasetUri !== undefined && options.predictedLabelDatasetPath === undefined) {
    throw new EngineInputError(
      "predicted_label_dataset_uri is set: pass the predicted label dataset (predictedLabelDatasetPath / --predicted-labels)",
    );
  }
}
