import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { analyze } from "../../../engine/analyze.ts";
import { parseConfigJson } from "../../../engine/config/config-json.ts";
import { EngineInputError, ModelError, UnsupportedAnalysisError } from "../../../engine/errors.ts";
import { progressFromEnvironment, threadsWithin } from "../../../engine/processing/thread-environment.ts";
import type { ProgressSettings } from "../../../engine/progress/progress-reporter.ts";
import { isRunInput } from "../../../lambdas/validate-config/run-input.ts";
import { CliError } from "../cli-error.ts";
import type { CliContext } from "../context.ts";
import { checkOutFolder } from "../out-folder.ts";
import { threadsFlag } from "../threads-flag.ts";

interface AnalyzeFlags {
  readonly dataset: string;
  readonly config: string;
  readonly out: string;
  readonly predictedLabels?: string;
  readonly confidence?: string;
  readonly resamples?: string;
  readonly seed?: string;
  /** Commander's negation of `--no-intervals`. */
  readonly intervals: boolean;
  readonly model?: string;
  readonly modelEndpoint?: string;
  readonly threads?: string;
  readonly progressSeconds?: string;
}

/** `clarify-pipeline analyze`: the local Clarify-compatible engine alone. */
export function registerAnalyzeCommand(program: Command, context: CliContext): void {
  program
    .command("analyze")
    .description(
      "compute what the Clarify container would: DIR/analysis.json and DIR/report.html, plus DIR/intervals.json",
    )
    .requiredOption("--dataset <path>", "dataset file, or a folder of files")
    .requiredOption("--config <path>", "Clarify analysis_config.json")
    .requiredOption("--out <dir>", "output folder")
    .option(
      "--predicted-labels <path>",
      "predicted label dataset (file or folder) for predicted_label_dataset_uri",
    )
    .option("--confidence <level>", "level of the bootstrap intervals in intervals.json (default 0.95)")
    .option("--resamples <n>", "bootstrap resamples per facet value (default 1000)")
    .option("--seed <n>", "seed of the bootstrap, for reproducible intervals")
    .option("--no-intervals", "write no intervals.json")
    .option("--model <file.onnx>", "ONNX model that methods.shap and methods.pdp explain (run in-process)")
    .option(
      "--model-endpoint <url>",
      "HTTP server speaking SageMaker's inference protocol (POST /invocations) to explain instead",
    )
    .option(
      "--threads <n>",
      "worker threads for the count pass and the explanations (default: one per core; 1 for one thread)",
    )
    .option(
      "--progress-seconds <n>",
      "seconds between progress lines on stderr while counting and explaining (default: CLARIFY_PIPELINE_PROGRESS_SECONDS, else 10; 0: every chunk)",
    )
    .action(async (flags: AnalyzeFlags) => {
      const threads = flags.threads === undefined ? undefined : threadsFlag(flags.threads);
      if (flags.model !== undefined && flags.modelEndpoint !== undefined) {
        throw new CliError("--model and --model-endpoint: give one model, not both");
      }
      await checkOutFolder(flags.out, "analysis.json and report.html");
      const config = await readConfig(flags.config);
      const intervals = flags.intervals
        ? {
            ...(flags.confidence !== undefined && {
              confidence: numberFlag("--confidence", flags.confidence),
            }),
            ...(flags.resamples !== undefined && { resamples: numberFlag("--resamples", flags.resamples) }),
            ...(flags.seed !== undefined && { seed: numberFlag("--seed", flags.seed) }),
          }
        : false;
      try {
        const progress = progressOf(flags.progressSeconds, (line) => context.stderr(`${line}\n`));
        const result = await analyze({
          datasetPath: flags.dataset,
          config,
          outDir: flags.out,
          intervals,
          ...(flags.predictedLabels !== undefined && { predictedLabelDatasetPath: flags.predictedLabels }),
          ...(flags.model !== undefined && { model: { onnx: flags.model } }),
          ...(flags.modelEndpoint !== undefined && { model: { endpoint: flags.modelEndpoint } }),
          // As a processing job reads them: CLARIFY_PIPELINE_THREADS, CLARIFY_PIPELINE_MIN_BYTES_PER_THREAD.
          threads: threadsWithin(process.env, threads),
          progress,
        });
        const dropped =
          result.rowsDropped > 0 ? ` (${result.rowsDropped} rows with missing values left out)` : "";
        const onThreads = result.threads > 1 ? ` on ${result.threads} threads` : "";
        context.stderr(`analysed ${result.rowsRead} rows${dropped}${onThreads}\n`);
        if (result.explained) {
          const { rows, modelEvaluations, threads: explainedOn } = result.explained;
          const onThreads = explainedOn > 1 ? ` on ${explainedOn} threads` : "";
          context.stderr(
            `explained ${rows} rows (${modelEvaluations.toLocaleString("en-US")} model evaluations)${onThreads}\n`,
          );
        }
        for (const warning of result.context.warnings) {
          const gates = warning.failsGates ? " (any gate on these metrics fails)" : "";
          context.stderr(`warning: ${warning.message}${gates}\n`);
        }
        const paths = [
          result.analysisPath,
          result.contextPath,
          result.reportPath,
          ...(result.intervalsPath ? [result.intervalsPath] : []),
        ];
        context.stdout(`${paths.join("\n")}\n`);
      } catch (error) {
        if (
          error instanceof EngineInputError ||
          error instanceof UnsupportedAnalysisError ||
          error instanceof ModelError
        ) {
          throw new CliError(error.message);
        }
        throw error;
      }
    });
}

/** Progress lines of long work: `--progress-seconds` over CLARIFY_PIPELINE_PROGRESS_SECONDS, else every 10 s. */
function progressOf(flag: string | undefined, write: (line: string) => void): ProgressSettings {
  if (flag === undefined) return progressFromEnvironment(process.env, write);
  const seconds = Number(flag);
  if (flag.trim() === "" || !Number.isInteger(seconds) || seconds < 0) {
    throw new CliError(`--progress-seconds ${flag} must be a whole number of seconds, 0 or more`);
  }
  return { write, intervalSeconds: seconds };
}

function numberFlag(flag: string, text: string): number {
  const value = Number(text);
  if (text.trim() === "" || Number.isNaN(value)) throw new CliError(`${flag} ${text} is not a number`);
  return value;
}

async function readConfig(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    throw new CliError(`--config ${path} cannot be read`);
  }
  let parsed: unknown;
  try {
    parsed = parseConfigJson(text);
  } catch (error) {
    throw new CliError(`--config ${path} is not JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new CliError(`--config ${path} must hold a JSON object`);
  }
  if (isRunInput(parsed as Record<string, unknown>)) {
    throw new CliError(
      `--config ${path} is a run input (run.json), not an analysis config; analyze takes the Clarify analysis_config.json it names, and \`clarify-pipeline run --local --input ${path}\` runs the whole run`,
    );
  }
  return parsed as Record<string, unknown>;
}
