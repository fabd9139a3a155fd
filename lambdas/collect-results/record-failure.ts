/**
 * The RecordFailure step: whatever failed, write `<run folder>/summary.json` saying
 * which step failed and why, then hand back the original error so the execution fails
 * with it. This is the last resort: odd input never makes it throw. When the run's own
 * folder cannot be written, the record goes to the deployment's output prefix instead.
 * The `Clarify Run Failed` event is sent whether or not a record was written; when that
 * fails, the original error still stands and its cause says the event was not sent. Only
 * when no record could be written at all does it throw ({@link FailureNotRecordedError}),
 * naming the original error, after the event went out.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { isRecord } from "../../contracts/is-record.ts";
import type { FailureRecordResult, JobOutcome, RecordFailureEvent } from "../../contracts/pipeline-state.ts";
import { joinS3Uri } from "../../contracts/s3-uri.ts";
import { FailureNotRecordedError } from "../shared/errors.ts";
import { CAUSE_LIMIT, cutText, wholeLinesOf } from "../shared/failure-text.ts";
import { MAX_RUNTIME_SECONDS } from "../shared/processing-job-api.ts";
import { type PublishRunEvent, runFailedEvent } from "../shared/run-events.ts";
import { putJson } from "../shared/s3-objects.ts";
import type { DeploymentSettings } from "../shared/settings.ts";
import { failureRunUri, fallbackRunUri } from "./failure-location.ts";

export interface RecordFailureDeps {
  readonly s3: S3Client;
  readonly settings: DeploymentSettings;
  /** Final state of a processing job; undefined when the job does not exist. */
  readonly describeProcessingJob?: (name: string) => Promise<JobOutcome | undefined>;
  /** Sends `Clarify Run Failed`; absent, no event is sent. */
  readonly publishRunEvent?: PublishRunEvent;
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
  const state = isRecord(event.state) ? event.state : {};
  const failures = isRecord(state.failure) ? state.failure : {};
  const failedStep = CATCHING_STEPS.find((step) => isRecord(failures[step])) ?? "Unknown";
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
  // A stop that failed (throttled) and then succeeded on a later attempt is no stop failure.
  const stopFailure =
    isRecord(state.stopFailure) && !isRecord(state.stopRequest)
      ? (state.stopFailure as StepError)
      : undefined;

  const run = isRecord(state.run) ? state.run : {};
  const hint = failureHint(error, explained.message, job, timedOut, run);
  const summary = {
    status: "Failed",
    ...(typeof run.runId === "string" ? { runId: run.runId } : {}),
    ...(typeof run.runName === "string" ? { runName: run.runName } : {}),
    failedStep,
    error,
    cause: explained.message,
    ...(error === "ConfigValidationError" ? validationProblems(explained.message) : {}),
    ...(job ? { job } : {}),
    ...(timedOut ? { timedOut: true, timeoutMessage: timeoutMessage(state, stopFailure) } : {}),
    ...(stopFailure ? { stopFailure: { error: stopFailure.Error, cause: stopFailure.Cause } } : {}),
    ...(hint ? { hint } : {}),
    execution: event.execution,
  };

  const written = await writeRecord(event, state, summary, deps);

  const eventProblem = await publishFailure(deps.publishRunEvent, {
    status: "Failed",
    ...(typeof run.runId === "string" ? { runId: run.runId } : {}),
    ...(typeof run.runName === "string" ? { runName: run.runName } : {}),
    execution: event.execution,
    ...(written.summaryUri ? { summaryUri: written.summaryUri } : {}),
    failedStep,
    error,
    cause: explained.message,
    ...(job ? { job } : {}),
  });
  if (written.problem) {
    // The original message goes last: it is the long part, which the handler cuts to what Step
    // Functions takes (see withBoundedErrors); what went wrong with the record stays whole.
    const eventNote = eventProblem ? ` (${cutText(eventProblem, NOTE_LIMIT)})` : "";
    throw new FailureNotRecordedError(
      `${cutText(written.problem, NOTE_LIMIT)}; the run failed at ${failedStep} with ${error}${eventNote}: ${explained.message}`,
    );
  }
  const summaryUri = written.summaryUri;
  return { error, cause: reportedCause(cause, eventProblem), ...(summaryUri ? { summaryUri } : {}) };
}

/**
 * summary.json's list of a validation failure's problems, one a line of its message. A message
 * cut to fit a cause loses its note and a last line the cut may have split: `problems` holds
 * whole problems only, and `problemsCut` says more were not shown.
 */
export function validationProblems(message: string): { problems: string[]; problemsCut?: true } {
  const { lines, cut } = wholeLinesOf(message);
  return cut ? { problems: lines, problemsCut: true } : { problems: lines };
}

/** Characters kept of a note beside the original cause (why the record or the event is missing). */
const NOTE_LIMIT = 2_000;

/**
 * The cause the execution fails with (the Failed state's CausePath): the original cause, then
 * why the run event is missing, cut so the whole fits in a Fail state's Cause.
 */
export function reportedCause(cause: string, eventProblem: string | undefined): string {
  if (!eventProblem) return cutText(cause, CAUSE_LIMIT);
  const note = `\n(${cutText(eventProblem, NOTE_LIMIT)})`;
  return `${cutText(cause, CAUSE_LIMIT - note.length)}${note}`;
}

/**
 * Writes summary.json in the run folder; when that cannot be written (e.g. access denied), in
 * the run folder below the deployment's output prefix. Returns where it went, or why nowhere.
 */
async function writeRecord(
  event: RecordFailureEvent,
  state: Record<string, unknown>,
  summary: Record<string, unknown>,
  deps: RecordFailureDeps,
): Promise<{ summaryUri?: string; problem?: string }> {
  const candidates = [
    safely(() => failureRunUri(state, event.input, event.execution, deps.settings)),
    safely(() => fallbackRunUri(event.input, event.execution, deps.settings)),
  ].filter((uri, index, all): uri is string => uri !== undefined && all.indexOf(uri) === index);
  const problems: string[] = [];
  for (const runUri of candidates) {
    const summaryUri = joinS3Uri(runUri, "summary.json");
    try {
      await putJson(deps.s3, summaryUri, summary);
      return { summaryUri };
    } catch (error) {
      problems.push(`${summaryUri}: ${(error as Error).name}: ${(error as Error).message}`);
    }
  }
  return {
    problem: `summary.json could not be written (${problems.join("; ") || "no run folder could be derived"})`,
  };
}

/** Sends the failure event; a problem doing so is returned, never thrown, so the original error stands. */
async function publishFailure(
  publish: PublishRunEvent | undefined,
  detail: Parameters<typeof runFailedEvent>[0],
): Promise<string | undefined> {
  if (!publish) return undefined;
  try {
    await publish(runFailedEvent(detail));
    return undefined;
  } catch (error) {
    return `the "Clarify Run Failed" event was not sent: ${(error as Error).message}`;
  }
}

/**
 * A Lambda error's Cause is JSON `{errorType, errorMessage, trace}`; a failed .sync job's
 * Cause is the JSON of DescribeProcessingJob; anything else is plain text.
 */
function explainCause(cause: string): { message: string; json?: Record<string, unknown> } {
  const json = safely(() => JSON.parse(cause) as unknown);
  if (!isRecord(json)) return { message: cause };
  if (typeof json.errorMessage === "string") return { message: json.errorMessage, json };
  if (typeof json.FailureReason === "string") return { message: json.FailureReason, json };
  return { message: cause, json };
}

async function jobRecord(
  state: Record<string, unknown>,
  causeJson: Record<string, unknown> | undefined,
  deps: RecordFailureDeps,
): Promise<{ name: string; status: string; failureReason?: string } | undefined> {
  const clarifyJob = isRecord(state.clarifyJob) ? state.clarifyJob : {};
  const request = isRecord(clarifyJob.request) ? clarifyJob.request : {};
  const name = typeof request.ProcessingJobName === "string" ? request.ProcessingJobName : undefined;
  if (!name) return undefined;

  const stateJob = isRecord(state.job) ? state.job : {};
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
  const run = isRecord(state.run) ? state.run : {};
  const job = isRecord(run.job) ? run.job : {};
  const maxRuntime =
    typeof job.maxRuntimeInSeconds === "number" ? `${job.maxRuntimeInSeconds}s` : "its limit";
  const stateTimeout =
    typeof run.timeoutSeconds === "number" ? ` (state timeout ${run.timeoutSeconds}s)` : "";
  const stopped = stopFailure
    ? `; stopping it failed (${String(stopFailure.Error)}), so check that it is not still running`
    : " and was stopped";
  return `the job exceeded MaxRuntimeInSeconds (${maxRuntime}) plus the provisioning margin${stateTimeout}${stopped}`;
}

/** For failures with a known remedy: which limit was hit and what to do about it. */
function failureHint(
  error: string,
  message: string,
  job: { status: string; failureReason?: string } | undefined,
  timedOut: boolean,
  run: Record<string, unknown>,
): string | undefined {
  const settings = isRecord(run.job) ? run.job : {};
  if (error.startsWith("SageMaker.ResourceLimitExceeded")) {
    const instanceType = pickString(settings.instanceType) ?? "<instance type>";
    return `SageMaker refused to create the job because an account quota was reached (${message}); request an increase of the "${instanceType} for processing job usage" quota in Service Quotas, or choose another job.instanceType or a smaller job.instanceCount`;
  }
  // A job that stopped by itself (the pipeline stops one only on States.Timeout) ran out of time.
  if (error === "States.TaskFailed" && job?.status === "Stopped" && !timedOut) {
    const limit =
      typeof settings.maxRuntimeInSeconds === "number" ? `${settings.maxRuntimeInSeconds}s` : "its limit";
    const how = /MaxRuntimeInSeconds/i.test(job.failureReason ?? "")
      ? `the job reached its MaxRuntimeInSeconds (${limit}) and SageMaker stopped it`
      : `the job was stopped before it finished (it reached its MaxRuntimeInSeconds of ${limit}, or someone stopped it)`;
    return `${how}, so it wrote no output; raise job.maxRuntimeInSeconds (Clarify processing jobs are capped at ${MAX_RUNTIME_SECONDS} s, 7 days) or make the analysis lighter (a sample of the dataset, fewer methods, more instances)`;
  }
  return undefined;
}

function pickString(value: unknown): string | undefined {
  return typeof value === "string" && value ? value : undefined;
}

function safely<T>(compute: () => T): T | undefined {
  try {
    return compute();
  } catch {
    return undefined;
  }
}
