/**
 * Lambda handler of the collect-results step, a thin adapter: `mode: "collect"` turns
 * analysis.json into a gate verdict, `mode: "recordFailure"` writes a failure record.
 */
import { S3Client } from "@aws-sdk/client-s3";
import { DescribeProcessingJobCommand, SageMakerClient } from "@aws-sdk/client-sagemaker";
import type {
  CollectResultsEvent,
  FailureRecordResult,
  JobOutcome,
  RecordFailureEvent,
  Verdict,
} from "../shared/contracts.ts";
import { createLogger } from "../shared/logger.ts";
import { settingsFromEnvironment } from "../shared/settings.ts";
import { collectResults } from "./collect.ts";
import { recordFailure } from "./record-failure.ts";

const logger = createLogger("CollectResults");
// Created once per container so connections are reused across invocations.
const s3 = new S3Client({});
const sageMaker = new SageMakerClient({});

export async function handler(event: CollectResultsEvent): Promise<Verdict>;
export async function handler(event: RecordFailureEvent): Promise<FailureRecordResult>;
export async function handler(
  event: CollectResultsEvent | RecordFailureEvent,
): Promise<Verdict | FailureRecordResult> {
  logger.appendKeys({ execution: event.execution?.name, mode: event.mode });
  if (event.mode === "recordFailure") {
    const result = await recordFailure(event, {
      s3,
      settings: settingsFromEnvironment(process.env),
      describeProcessingJob,
    });
    logger.info("failure recorded", { error: result.error, summaryUri: result.summaryUri });
    return result;
  }
  if (event.mode !== "collect") {
    throw new Error(
      `unknown mode ${JSON.stringify((event as { mode?: unknown }).mode)}: expected "collect" or "recordFailure"`,
    );
  }
  const verdict = await collectResults(event, { s3 });
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
