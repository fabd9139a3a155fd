/**
 * The job's environment variables that set the worker threads of the count pass and the
 * explanations (a run sets them with `job.environment`): `CLARIFY_PIPELINE_THREADS` (default: one
 * per core), `CLARIFY_PIPELINE_MIN_BYTES_PER_THREAD` (default 64 MiB of CSV, 16 MiB of JSON Lines
 * or Parquet: a smaller dataset is counted on fewer threads, down to one) and `CLARIFY_PIPELINE_MIN_EVALUATIONS_PER_THREAD` (default 2^21:
 * fewer model evaluations are explained on fewer threads, down to one).
 */
import { EngineInputError } from "../errors.ts";
import type { ExplainThreadOptions } from "../explain/parallel-explanations.ts";
import type { ThreadOptions } from "../parallel/parallel-counts.ts";
import { DEFAULT_PROGRESS_SECONDS, type ProgressSettings } from "../progress/progress-reporter.ts";

export const THREAD_ENVIRONMENT = {
  threads: "CLARIFY_PIPELINE_THREADS",
  minBytesPerThread: "CLARIFY_PIPELINE_MIN_BYTES_PER_THREAD",
  minEvaluationsPerThread: "CLARIFY_PIPELINE_MIN_EVALUATIONS_PER_THREAD",
} as const;

/**
 * Seconds between the progress lines of long work (the count pass, the explanations):
 * `CLARIFY_PIPELINE_PROGRESS_SECONDS` (default 10; 0 writes a line at each chunk read or block
 * explained, for tests).
 */
export const PROGRESS_SECONDS_VARIABLE = "CLARIFY_PIPELINE_PROGRESS_SECONDS";

/** Progress lines to `write`, as often as the environment says (DEFAULT_PROGRESS_SECONDS unless set). */
export function progressFromEnvironment(
  environment: Readonly<Record<string, string | undefined>>,
  write: (line: string) => void,
): ProgressSettings {
  const seconds = wholeNumber(environment, PROGRESS_SECONDS_VARIABLE, 0) ?? DEFAULT_PROGRESS_SECONDS;
  return { write, intervalSeconds: seconds };
}

/** The explanations' least work per thread, when the environment sets it. */
export function explainBlocksFromEnvironment(
  environment: Readonly<Record<string, string | undefined>>,
): Pick<ExplainThreadOptions, "minEvaluationsPerThread"> {
  const least = wholeNumber(environment, THREAD_ENVIRONMENT.minEvaluationsPerThread, 0);
  return least === undefined ? {} : { minEvaluationsPerThread: least };
}

export function threadsFromEnvironment(
  environment: Readonly<Record<string, string | undefined>>,
): ThreadOptions {
  const threads = wholeNumber(environment, THREAD_ENVIRONMENT.threads, 1);
  const minBytes = wholeNumber(environment, THREAD_ENVIRONMENT.minBytesPerThread, 0);
  return {
    ...(threads !== undefined && { threads }),
    ...(minBytes !== undefined && { minBytesPerThread: minBytes }),
  };
}

/**
 * The count pass's threads as a command runs them: the environment's, with the thread count the
 * caller was given (`--threads`) over the environment's.
 */
export function threadsWithin(
  environment: Readonly<Record<string, string | undefined>>,
  threads: number | undefined,
): ThreadOptions {
  return { ...threadsFromEnvironment(environment), ...(threads !== undefined && { threads }) };
}

function wholeNumber(
  environment: Readonly<Record<string, string | undefined>>,
  name: string,
  least: number,
): number | undefined {
  const text = environment[name];
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === "" || !Number.isInteger(value) || value < least) {
    throw new EngineInputError(
      `environment ${name}: ${JSON.stringify(text)} must be a whole number of at least ${least}`,
    );
  }
  return value;
}
