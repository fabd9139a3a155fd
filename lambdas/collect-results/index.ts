/**
 * Lambda handler of the collect-results step, a thin adapter: `mode: "collect"` turns
 * analysis.json into a gate verdict, `mode: "recordFailure"` writes a failure record, and
 * `mode: "recordAbort"` (from the EventBridge rule on aborted and timed-out executions)
 * writes the record of an execution no Catch could see end.
 * Both send the run's outcome event to EventBridge; collect prints the bias metrics as EMF.
 */
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { S3Client } from "@aws-sdk/client-s3";
import { DescribeProcessingJobCommand, SageMakerClient } from "@aws-sdk/client-sagemaker";
import type {
  CollectResultsEvent,
  FailureRecordResult,
  JobOutcome,
  RecordFailureEvent,
  Verdict,
} from "../../contracts/pipeline-state.ts";
import type { BiasMetricEmission } from "../shared/bias-metrics-emf.ts";
import { withBoundedErrors } from "../shared/failure-text.ts";
import { createLogger } from "../shared/logger.ts";
import { DEFAULT_EVENT_BUS, EVENT_BUS_ENV } from "../shared/run-events.ts";
import { settingsFromEnvironment } from "../shared/settings.ts";
import { collectResults } from "./collect.ts";
import { eventBridgePublisher } from "./event-publisher.ts";
import { shapBytesLimit, tablesBytesLimit } from "./partial-results.ts";
import { type RecordAbortEvent, type RecordAbortResult, recordAbort } from "./record-abort.ts";
import { recordFailure } from "./record-failure.ts";

const logger = createLogger("CollectResults");
// Created once per container so connections are reused across invocations.
const s3 = new S3Client({});
const sageMaker = new SageMakerClient({});
/** The function's memory, which bounds the tables objects of a multi-instance job it can merge. */
const memoryMB = Number(process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? 0) || 0;
const publishRunEvent = eventBridgePublisher(
  new EventBridgeClient({}),
  process.env[EVENT_BUS_ENV] || DEFAULT_EVENT_BUS,
);

/** What this handler reads of Lambda's invocation context. */
interface InvocationContext {
  getRemainingTimeInMillis(): number;
}

export async function handler(event: CollectResultsEvent, context?: InvocationContext): Promise<Verdict>;
export async function handler(
  event: RecordFailureEvent,
  context?: InvocationContext,
): Promise<FailureRecordResult>;
export async function handler(
  event: RecordAbortEvent,
  context?: InvocationContext,
): Promise<RecordAbortResult>;
export async function handler(
  event: CollectResultsEvent | RecordFailureEvent | RecordAbortEvent,
  context?: InvocationContext,
): Promise<Verdict | FailureRecordResult | RecordAbortResult> {
  // FailureNotRecordedError quotes the original failure: cut to what Step Functions takes.
  return boundedDispatch(event, context);
}

const boundedDispatch = withBoundedErrors(dispatch);

async function dispatch(
  event: CollectResultsEvent | RecordFailureEvent | RecordAbortEvent,
  context?: InvocationContext,
): Promise<Verdict | FailureRecordResult | RecordAbortResult> {
  if (event.mode === "recordAbort") {
    logger.appendKeys({ execution: event.detail?.name, mode: event.mode });
    const result = await recordAbort(event, {
      s3,
      settings: settingsFromEnvironment(process.env),
      describeProcessingJob,
      publishRunEvent,
    });
    logger.info("abort recorded", { ...result });
    return result;
  }
  logger.appendKeys({ execution: event.execution?.name, mode: event.mode });
  if (event.mode === "recordFailure") {
    const result = await recordFailure(event, {
      s3,
      settings: settingsFromEnvironment(process.env),
      describeProcessingJob,
      publishRunEvent,
    });
    logger.info("failure recorded", { error: result.error, summaryUri: result.summaryUri });
    return result;
  }
  if (event.mode !== "collect") {
    throw new Error(
      `unknown mode ${JSON.stringify((event as { mode?: unknown }).mode)}: expected "collect", "recordFailure" or "recordAbort"`,
    );
  }
  const verdict = await collectResults(event, {
    s3,
    publishRunEvent,
    emitBiasMetrics,
    ...(memoryMB > 0 && {
      maxTablesBytes: tablesBytesLimit(memoryMB),
      maxShapBytes: shapBytesLimit(memoryMB),
    }),
    ...(context && { remainingMs: () => context.getRemainingTimeInMillis() }),
    onPartialsMerged: (merged) => logger.info("partial counts merged", { ...merged }),
  });
  logger.info("gates evaluated", { passed: verdict.passed, breaches: verdict.breaches.length });
  return verdict;
}

/** The job's final state; undefined when SageMaker does not know the job. */
async function describeProcessingJob(name: string): Promise<JobOutcome | undefined> {
  try {
    const job = await sageMaker.send(new DescribeProcessingJobCommand({ ProcessingJobName: name }));
    return {
      ProcessingJobName: job.ProcessingJobName ?? name,
      ProcessingJobStatus: job.ProcessingJobStatus ?? "Unknown",
      ...(job.FailureReason ? { FailureReason: job.FailureReason } : {}),
      ...(job.ExitMessage ? { ExitMessage: job.ExitMessage } : {}),
    };
  } catch (error) {
    // SageMaker answers ValidationException "Could not find requested job" for unknown names.
    if ((error as { name?: string }).name === "ValidationException") return undefined;
    throw error;
  }
}

/**
 * Prints each EMF document as its own log line. It writes to stdout, not `console`, which the
 * Lambda runtime prefixes with a timestamp and request id: the EMF specification asks for a
 * log message that is one JSON object with nothing before or after it.
 */
export function emitBiasMetrics({ documents, skipped }: BiasMetricEmission): void {
  for (const document of documents) process.stdout.write(`${JSON.stringify(document)}\n`);
  for (const value of skipped) logger.info("bias metric value not emitted as a metric", { ...value });
}
