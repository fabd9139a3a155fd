/**
 * The job's environment variables that tune the engine's bootstrap intervals (a run sets them
 * with `job.environment`; SageMaker passes a job's Environment to the container as variables).
 */
import { EngineInputError } from "../errors.ts";
import type { IntervalSettings } from "../intervals/bootstrap-intervals.ts";

export const INTERVAL_ENVIRONMENT = {
  confidence: "CLARIFY_PIPELINE_CONFIDENCE",
  resamples: "CLARIFY_PIPELINE_RESAMPLES",
  seed: "CLARIFY_PIPELINE_SEED",
} as const;

/** Reads the interval settings from the job's environment; absent ones keep their defaults. */
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
