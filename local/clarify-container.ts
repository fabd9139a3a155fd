/**
 * The processing job's image, locally: what the SageMaker Clarify container does with its
 * `/opt/ml/processing` tree, done by the local engine. It reads the analysis config from
 * `input/config/analysis_config.json` and the dataset from `input/data/`, and writes
 * analysis.json and report.html to `output/` (uploaded by the emulator at end of job).
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { analyze } from "../engine/analyze.ts";
import { EngineInputError } from "../engine/errors.ts";
import type { IntervalSettings } from "../engine/intervals/bootstrap-intervals.ts";
import type { ContainerRun } from "./processing-emulator.ts";

/** The `LocalPath`s Clarify reads and writes (relative to /opt/ml/processing). */
export const CLARIFY_PATHS = {
  config: "input/config/analysis_config.json",
  data: "input/data",
  predictedLabels: "input/predicted_label_data",
  output: "output",
} as const;

/** The job's environment variables that tune the engine's bootstrap intervals. */
export const INTERVAL_ENVIRONMENT = {
  confidence: "CLARIFY_PIPELINE_CONFIDENCE",
  resamples: "CLARIFY_PIPELINE_RESAMPLES",
  seed: "CLARIFY_PIPELINE_SEED",
} as const;

/** Reads the interval settings a run passed through `job.environment`; absent ones keep their defaults. */
export function intervalsFromEnvironment(environment: unknown): Partial<IntervalSettings> {
  const variables = (typeof environment === "object" && environment !== null ? environment : {}) as Record<
    string,
    unknown
  >;
  const settings: Partial<Record<keyof IntervalSettings, number>> = {};
  for (const [key, name] of Object.entries(INTERVAL_ENVIRONMENT) as [keyof IntervalSettings, string][]) {
    const text = variables[name];
    if (text === undefined) continue;
    const value = Number(text);
    if (typeof text !== "string" || text.trim() === "" || Number.isNaN(value)) {
      throw new EngineInputError(`environment ${name}: ${JSON.stringify(text)} is not a number`);
    }
    settings[key] = value;
  }
  return settings;
}

export async function clarifyEngineContainer(run: ContainerRun): Promise<void> {
  const configPath = join(run.processingDir, CLARIFY_PATHS.config);
  const text = await readFile(configPath, "utf8").catch(() => {
    throw new EngineInputError(`no analysis configuration at /opt/ml/processing/${CLARIFY_PATHS.config}`);
  });
  let config: Record<string, unknown>;
  try {
    config = JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new EngineInputError(`analysis_config.json is not valid JSON: ${(error as Error).message}`);
  }
  const predictedLabelDir = join(run.processingDir, CLARIFY_PATHS.predictedLabels);
  const hasPredictedLabels = (await readdir(predictedLabelDir).catch(() => [])).length > 0;
  await analyze({
    datasetPath: join(run.processingDir, CLARIFY_PATHS.data),
    config,
    outDir: join(run.processingDir, CLARIFY_PATHS.output),
    intervals: intervalsFromEnvironment(run.request.Environment),
    ...(hasPredictedLabels ? { predictedLabelDatasetPath: predictedLabelDir } : {}),
  });
}
