/**
 * The RecordFailure step: whatever failed, write `<run folder>/summary.json` saying
 * which step failed and why, then hand back the original error so the execution fails
 * with it. This is the last resort: odd input never makes it throw; only a failed
 * write of the record does.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import type { FailureRecordResult, JobOutcome, RecordFailureEvent } from "../shared/contracts.ts";
import { joinS3Uri } from "../shared/s3-uri.ts";
import type { DeploymentSettings } from "../shared/settings.ts";
import { failureRunUri } from "./failure-location.ts";
import { putJson } from "./s3-objects.ts";

export interface RecordFailureDeps {
  readonly s3: S3Client;
  readonly settings: DeploymentSettings;
  /** Final state of a processing job; undefined when the job does not exist. */
  readonly describeProcessingJob?: (name: string) => Promise<JobOutcome | undefined>;
}

/** The steps whose Catch stores an error under `failure.<StepName>`, in execution order. */
export const CATCHING_STEPS = ["ValidateConfig", "StageInputs", "RunClarifyJob", "CollectResults"] as const;

interface StepError {
  readonly Error?: unknown;
  readonly Cause?: unknown;
}

export async function recordFailure(
  event: RecordFailureEvent,
  deps: RecordFailureDeps,
): Promise<FailureRecordResult> {
  const state = isObject(event.state) ? event.state : {};
  const failures = isObject(state.failure) ? state.failure : {};
  const failedStep = CATCHING_STEPS.find((step) => isObject(failures[step])) ?? "Unknown";
  const failure = (failures[failedStep] ?? {}) as StepError;
  const error = typeof failure.Error === "string" && failure.Error ? failure.Error : "UnknownFailure";
  const cause =
    typeof failure.Cause === "string" ? failure.Cause : "the execution failed without recording an error";

  const explained = explainCause(cause);
  const timedOut = error === "States.Timeout";
  const job =
    failedStep === "RunClarifyJob" || failedStep === "CollectResults"
      ? await jobRecord(state, explained.json, deps)
      : undefined;
  const stopFailure = isObject(state.stopFailure) ? (state.stopFailure as StepError) : undefined;

  const run = isObject(state.run) ? state.run : {};
  const summary = {
    status: "Failed",
    ...(typeof run.runId === "string" ? { runId: run.runId } : {}),
    ...(typeof run.runName === "string" ? { runName: run.runName } : {}),
    failedStep,
    error,
    cause: explained.message,
    ...(error === "ConfigValidationError" ? { problems: explained.message.split("\n").filter(Boolean) } : {}),
    ...(job ? { job } : {}),
    ...(timedOut ? { timedOut: true, timeoutMessage: timeoutMessage(state, stopFailure) } : {}),
    ...(stopFailure ? { stopFailure: { error: stopFailure.Error, cause: stopFailure.Cause } } : {}),
    execution: event.execution,
  };

  const runUri = safely(() => failureRunUri(state, event.execution, deps.settings));
  if (!runUri) return { error, cause };
  const summaryUri = joinS3Uri(runUri, "summary.json");
  await putJson(deps.s3, summaryUri, summary);
  return { error, cause, summaryUri };
}

/**
 * A Lambda error's Cause is JSON `{errorType, errorMessage, trace}`; a failed .sync job's
 * Cause is the JSON of DescribeProcessingJob; anything else is plain text.
 */
function explainCause(cause: string): { message: string; json?: Record<string, unknown> } {
  const json = safely(() => JSON.parse(cause) as unknown);
  if (!isObject(json)) return { message: cause };
  if (typeof json.errorMessage === "string") return { message: json.errorMessage, json };
  if (typeof json.FailureReason === "string") return { message: json.FailureReason, json };
  return { message: cause, json };
}

async function jobRecord(
  state: Record<string, unknown>,
  causeJson: Record<string, unknown> | undefined,
  deps: RecordFailureDeps,
): Promise<{ name: string; status: string; failureReason?: string } | undefined> {
  const clarifyJob = isObject(state.clarifyJob) ? state.clarifyJob : {};
  const request = isObject(clarifyJob.request) ? clarifyJob.request : {};
  const name = typeof request.ProcessingJobName === "string" ? request.ProcessingJobName : undefined;
  if (!name) return undefined;

  const stateJob = isObject(state.job) ? state.job : {};
  let status = pickString(causeJson?.ProcessingJobStatus) ?? pickString(stateJob.ProcessingJobStatus);
  let failureReason = pickString(causeJson?.FailureReason) ?? pickString(stateJob.FailureReason);
  if (deps.describeProcessingJob) {
    // The final word: e.g. Stopped after StopClarifyJob, which the Cause cannot know.
    let described: JobOutcome | undefined;
    let describeFailed = false;
    try {
      described = await deps.describeProcessingJob(name);
    } catch {
      describeFailed = true;
    }
    if (described) {
      status = described.ProcessingJobStatus;
      failureReason = described.FailureReason ?? failureReason;
    } else if (!status && !describeFailed) {
      // SageMaker does not know the name: creating the job itself failed.
      status = "NotCreated";
    }
  }
  return { name, status: status ?? "Unknown", ...(failureReason ? { failureReason } : {}) };
}

function timeoutMessage(state: Record<string, unknown>, stopFailure: StepError | undefined): string {
  const run = isObject(state.run) ? state.run : {};
  const job = isObject(run.job) ? run.job : {};
  const maxRuntime =
    typeof job.maxRuntimeInSeconds === "number" ? `${job.maxRuntimeInSeconds}s` : "its limit";
  const stateTimeout =
    typeof run.timeoutSeconds === "number" ? ` (state timeout ${run.timeoutSeconds}s)` : "";
  const stopped = stopFailure
    ? `; stopping it failed (${String(stopFailure.Error)}), so check that it is not still running`
    : " and was stopped";
  return `the job exceeded MaxRuntimeInSeconds (${maxRuntime}) plus the provisioning margin${stateTimeout}${stopped}`;
}

function pickString(value: unknown): string | undefined {
  return typeof value === "string" && value ? value : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function safely<T>(compute: () => T): T | undefined {
  try {
    return compute();
  } catch {
    return undefined;
  }
}
