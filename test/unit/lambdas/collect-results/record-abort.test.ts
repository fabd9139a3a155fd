/** recordAbort: the record of an execution stopped or timed out on AWS, from the rule's event. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { JobOutcome } from "../../../../contracts/pipeline-state.ts";
import { eventBridgePublisher } from "../../../../lambdas/collect-results/event-publisher.ts";
import { recordAbort } from "../../../../lambdas/collect-results/record-abort.ts";
import { processingJobName } from "../../../../lambdas/stage-inputs/job-name.ts";
import { type EmbeddedS3, startEmbeddedS3 } from "../../../../local/embedded-s3.ts";
import { executionStatusChange } from "../../../fixtures/events/execution-status-change.ts";
import { RUNS_BUCKET, SOURCE_BUCKET, settings } from "../stage-inputs/fixtures.ts";

const eventBridge = mockClient(EventBridgeClient);
let server: EmbeddedS3;
let s3: S3Client;
let directory: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "record-abort-"));
  server = await startEmbeddedS3({ directory, buckets: [RUNS_BUCKET, SOURCE_BUCKET] });
  s3 = server.createClient();
});
afterAll(async () => {
  await server.close();
  await rm(directory, { recursive: true, force: true });
});
beforeEach(() => {
  eventBridge.reset();
  eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: "e-1" }] });
});

async function readJson(uri: string): Promise<Record<string, unknown>> {
  const [, bucket, key] = /^s3:\/\/([^/]+)\/(.*)$/.exec(uri) ?? [];
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return JSON.parse((await object.Body?.transformToString()) ?? "");
}

/** A valid run.json, as an execution's input. */
const RUN_JSON = {
  runName: "credit",
  analysisConfig: {
    version: "1.0",
    dataset_type: "text/csv",
    label: "Target",
    label_values_or_threshold: [1],
    facet: [{ name_or_index: "Sex", value_or_threshold: [0] }],
    methods: { pre_training_bias: { methods: ["CI"] } },
  },
  dataset: { uri: `s3://${SOURCE_BUCKET}/credit/train.csv`, s3DataType: "S3Prefix" },
  outputUri: `s3://${RUNS_BUCKET}/runs/team-a/`,
};

describe("recordAbort", () => {
  it("records an aborted execution in its run folder, with its job's state, and sends Clarify Run Failed", async () => {
    // Prepare: the documented ABORTED event, delivered as the rule's target input.
    const { detail } = executionStatusChange("ABORTED", "nightly-0001", RUN_JSON);
    const jobName = processingJobName(settings.jobNamePrefix, "credit", detail.executionArn);
    const describeProcessingJob = vi.fn(
      async (name: string): Promise<JobOutcome> => ({
        ProcessingJobName: name,
        ProcessingJobStatus: "Stopped",
      }),
    );
    const publishRunEvent = eventBridgePublisher(new EventBridgeClient({ region: "us-east-1" }), "default");

    // Act
    const result = await recordAbort(
      { mode: "recordAbort", detail },
      { s3, settings, describeProcessingJob, publishRunEvent },
    );

    // Assess
    const summaryUri = `s3://${RUNS_BUCKET}/runs/team-a/credit-nightly-0001/summary.json`;
    expect(result).toEqual({ status: "ABORTED", summaryUri });
    expect(describeProcessingJob).toHaveBeenCalledWith(jobName);
    expect(await readJson(summaryUri)).toEqual({
      status: "ABORTED",
      runId: "credit-nightly-0001",
      runName: "credit",
      executionName: "nightly-0001",
      executionArn: detail.executionArn,
      abortedAt: new Date(1551225017576).toISOString(),
      jobs: [{ name: jobName, status: "Stopped" }],
    });
    const [call] = eventBridge.commandCalls(PutEventsCommand);
    const entry = call?.args[0].input.Entries?.[0];
    expect(entry).toMatchObject({ Source: "clarify-pipeline", DetailType: "Clarify Run Failed" });
    expect(JSON.parse(entry?.Detail ?? "{}")).toMatchObject({
      status: "Aborted",
      runId: "credit-nightly-0001",
      summaryUri,
      failedStep: "Execution",
      error: "ExecutionAborted",
      job: { name: jobName, status: "Stopped" },
    });
  });

  it("records a timed-out execution whose input was never a valid run in the deployment's own prefix", async () => {
    // Prepare
    const { detail } = executionStatusChange("TIMED_OUT", "exec-7", [1, 2]);

    // Act
    const result = await recordAbort({ mode: "recordAbort", detail }, { s3, settings });

    // Assess
    expect(result.summaryUri).toBe(`s3://${RUNS_BUCKET}/runs/exec-7/summary.json`);
    expect(await readJson(result.summaryUri ?? "")).toMatchObject({ status: "TIMED_OUT", jobs: [] });
  });

  it("never writes outside the output prefix, whatever the input names", async () => {
    // Prepare
    const input = { ...RUN_JSON, outputUri: `s3://${SOURCE_BUCKET}/runs/` };
    const { detail } = executionStatusChange("ABORTED", "exec-8", input);

    // Act
    const result = await recordAbort({ mode: "recordAbort", detail }, { s3, settings });

    // Assess
    expect(result.summaryUri).toBe(`s3://${RUNS_BUCKET}/runs/credit-exec-8/summary.json`);
  });

  it("ignores any other status", async () => {
    // Prepare
    const { detail } = executionStatusChange("FAILED", "exec-9", RUN_JSON);

    // Act
    const result = await recordAbort({ mode: "recordAbort", detail }, { s3, settings });

    // Assess
    expect(result).toEqual({ ignored: 'not an aborted or timed-out execution (status "FAILED")' });
  });
});
