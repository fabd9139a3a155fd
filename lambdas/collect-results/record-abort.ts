/**
 * Aborted and timed-out executions: no Catch of the definition runs when an execution is
 * stopped (StopExecution) or reaches its own timeout, so an EventBridge rule on the state
 * machine's `Step Functions Execution Status Change` events (ABORTED, TIMED_OUT) invokes the
 * collect-results function in its `recordAbort` mode. It writes the same summary.json a local
 * abort writes, in the run folder the execution's input names, and sends `Clarify Run Failed`.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { isRecord } from "../../contracts/is-record.ts";
import type { ExecutionInfo, JobOutcome } from "../../contracts/pipeline-state.ts";
import { asPrefixUri, joinS3Uri } from "../../contracts/s3-uri.ts";
import { isWithinOutputPrefix } from "../shared/output-prefix.ts";
import { type PublishRunEvent, runFailedEvent } from "../shared/run-events.ts";
import { runIdFor } from "../shared/run-id.ts";
import { putJson } from "../shared/s3-objects.ts";
import type { DeploymentSettings } from "../shared/settings.ts";
import { processingJobName } from "../stage-inputs/job-name.ts";
import { Problems } from "../validate-config/problems.ts";
import { readRunInput } from "../validate-config/run-input.ts";
import { fallbackRunUri } from "./failure-location.ts";

/** The `detail` of a `Step Functions Execution Status Change` event (the DescribeExecution fields). */
export interface ExecutionStatusChange {
  readonly executionArn: string;
  readonly stateMachineArn?: string;
  readonly name: string;
  readonly status: string;
  /** Epoch milliseconds. */
  readonly startDate?: number | null;
  readonly stopDate?: number | null;
  /** The execution input as a JSON string; null when too large to be included. */
  readonly input?: string | null;
  readonly error?: string | null;
  readonly cause?: string | null;
}

/** What the rule sends the function: the event's detail, under the `recordAbort` mode. */
export interface RecordAbortEvent {
  readonly mode: "recordAbort";
  readonly detail: ExecutionStatusChange;
}

/** How an execution ended without reaching a Fail or Succeed state. */
export type AbortStatus = "ABORTED" | "TIMED_OUT";

/** summary.json of an aborted or timed-out execution, the same locally and on AWS. */
export interface AbortSummary {
  readonly status: AbortStatus;
  readonly runId?: string;
  readonly runName?: string;
  readonly executionName: string;
  readonly executionArn: string;
  readonly abortedAt: string;
  /** The state the execution was in, when known (locally; the AWS event does not say). */
  readonly abortedInState?: string;
  readonly error?: string;
  readonly cause?: string;
  readonly jobs: readonly { readonly name: string; readonly status: string }[];
}

/** The run an aborted execution belonged to: its folder name and human name. */
export interface AbortedRun {
  readonly runId: string;
  readonly runName: string;
}

/**
 * What either runtime knows of an aborted execution. `run` must be given even when unknown
 * (an input that names no run), so neither runtime's record can leave it out by omission.
 */
export interface AbortFacts {
  readonly status: AbortStatus;
  readonly run: AbortedRun | undefined;
  readonly execution: { readonly name: string; readonly arn: string };
  readonly abortedAt: string;
  readonly abortedInState?: string;
  readonly error?: string;
  readonly cause?: string;
  readonly jobs: AbortSummary["jobs"];
}

/** The one builder of an abort's summary.json, locally and on AWS. */
export function abortSummary(facts: AbortFacts): AbortSummary {
  const summary: AbortSummary = {
    status: facts.status,
    runId: facts.run?.runId,
    runName: facts.run?.runName,
    executionName: facts.execution.name,
    executionArn: facts.execution.arn,
    abortedAt: facts.abortedAt,
    abortedInState: facts.abortedInState,
    error: facts.error,
    cause: facts.cause,
    jobs: facts.jobs,
  };
  return Object.fromEntries(
    Object.entries(summary).filter(([, value]) => value !== undefined),
  ) as AbortSummary;
}

export interface RecordAbortDeps {
  readonly s3: S3Client;
  readonly settings: DeploymentSettings;
  /** Final state of a processing job; undefined when the job does not exist. */
  readonly describeProcessingJob?: (name: string) => Promise<JobOutcome | undefined>;
  readonly publishRunEvent?: PublishRunEvent;
}

export interface RecordAbortResult {
  readonly summaryUri?: string;
  readonly status?: AbortStatus;
  /** Why nothing was recorded (an event this mode does not handle). */
  readonly ignored?: string;
}

export async function recordAbort(
  event: RecordAbortEvent,
  deps: RecordAbortDeps,
): Promise<RecordAbortResult> {
  const detail = isRecord(event.detail) ? event.detail : undefined;
  const status = detail?.status;
  if (!detail || (status !== "ABORTED" && status !== "TIMED_OUT") || typeof detail.name !== "string") {
    return { ignored: `not an aborted or timed-out execution (status ${JSON.stringify(status)})` };
  }
  const execution: ExecutionInfo = {
    name: detail.name,
    id: String(detail.executionArn),
    startTime: typeof detail.startDate === "number" ? new Date(detail.startDate).toISOString() : "",
  };
  const input = parseInput(detail.input);
  const run = runOf(input, execution, deps.settings);
  const jobs = await jobsOf(run?.runName, execution, deps);
  const summary = abortSummary({
    status,
    run: run && { runId: run.runId, runName: run.runName },
    execution: { name: execution.name, arn: execution.id },
    abortedAt: new Date(typeof detail.stopDate === "number" ? detail.stopDate : Date.now()).toISOString(),
    error: detail.error ?? undefined,
    cause: detail.cause ?? undefined,
    jobs,
  });
  const runUri = run?.runUri ?? fallbackRunUri(input, execution, deps.settings);
  const summaryUri = runUri ? joinS3Uri(runUri, "summary.json") : undefined;
  if (summaryUri) await putJson(deps.s3, summaryUri, summary);

  const [job] = jobs;
  await deps.publishRunEvent?.(
    runFailedEvent({
      status: status === "ABORTED" ? "Aborted" : "TimedOut",
      ...(run ? { runId: run.runId, runName: run.runName } : {}),
      execution,
      ...(summaryUri ? { summaryUri } : {}),
      failedStep: "Execution",
      error: detail.error ?? (status === "ABORTED" ? "ExecutionAborted" : "ExecutionTimedOut"),
      cause:
        detail.cause ??
        (status === "ABORTED"
          ? "the execution was stopped before it finished"
          : "the execution reached its time limit"),
      ...(job ? { job } : {}),
    }),
  );
  return { status, ...(summaryUri ? { summaryUri } : {}) };
}

function parseInput(input: unknown): unknown {
  if (typeof input !== "string") return undefined;
  try {
    return JSON.parse(input) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The run folder ValidateConfig gives this input (normalizeRun's rule: the output prefix, then
 * `runIdFor(runName, execution name)`), read without running the rules, which keeps this
 * function's bundle small; undefined when the input names no run. An output location outside
 * the deployment's prefix is never used.
 */
function runOf(
  input: unknown,
  execution: ExecutionInfo,
  settings: DeploymentSettings,
): { runId: string; runName: string; runUri: string } | undefined {
  const draft = readRunInput(input, new Problems());
  if (!draft) return undefined;
  const runName = typeof draft.runName?.value === "string" ? draft.runName.value : undefined;
  const outputUri =
    typeof draft.outputUri?.value === "string" && isWithinOutputPrefix(draft.outputUri.value, settings)
      ? draft.outputUri.value
      : settings.defaultOutputUri;
  const runId = runIdFor(runName, execution.name);
  return { runId, runName: runName ?? execution.name, runUri: `${asPrefixUri(outputUri)}${runId}/` };
}

/** The run's processing job, when StageInputs named it and SageMaker knows it. */
async function jobsOf(
  runName: string | undefined,
  execution: ExecutionInfo,
  deps: RecordAbortDeps,
): Promise<{ name: string; status: string }[]> {
  if (!runName || !deps.describeProcessingJob) return [];
  const name = processingJobName(deps.settings.jobNamePrefix, runName, execution.id);
  try {
    const job = await deps.describeProcessingJob(name);
    return job ? [{ name, status: job.ProcessingJobStatus }] : [];
  } catch {
    return [{ name, status: "Unknown" }];
  }
}
