/** collect-results' outcome events and metrics: real S3 (embedded), EventBridge mocked at the SDK. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { CollectResultsEvent, Gates } from "../../../../contracts/pipeline-state.ts";
import { collectResults } from "../../../../lambdas/collect-results/collect.ts";
import { eventBridgePublisher } from "../../../../lambdas/collect-results/event-publisher.ts";
import { recordFailure } from "../../../../lambdas/collect-results/record-failure.ts";
import type { BiasMetricEmission } from "../../../../lambdas/shared/bias-metrics-emf.ts";
import { type EmbeddedS3, startEmbeddedS3 } from "../../../../local/embedded-s3.ts";
import { execution, makeRun, RUNS_BUCKET, settings } from "../stage-inputs/fixtures.ts";

const eventBridge = mockClient(EventBridgeClient);
const NOW = Date.UTC(2026, 10, 25, 4, 0, 0);
const BUS = "ml-events";

let server: EmbeddedS3;
let s3: S3Client;
let directory: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "outcome-events-"));
  server = await startEmbeddedS3({ directory, buckets: [RUNS_BUCKET] });
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

const publishRunEvent = () => eventBridgePublisher(new EventBridgeClient({ region: "us-east-1" }), BUS);

/** The PutEvents entries sent, with their Detail parsed. */
function sentEntries() {
  return eventBridge.commandCalls(PutEventsCommand).flatMap((call) =>
    (call.args[0].input.Entries ?? []).map((entry) => ({
      ...entry,
      Detail: JSON.parse(entry.Detail ?? ""),
    })),
  );
}

async function collectEvent(runId: string, gates: Gates, ciValues: readonly (number | string)[]) {
  const analysis = {
    version: "1.0",
    pre_training_bias_metrics: {
      label: "Target",
      facets: {
        Sex: ciValues.map((value, index) => ({
          value_or_threshold: String(index),
          metrics: [{ name: "CI", description: "Class Imbalance (CI)", value }],
        })),
      },
    },
  };
  await s3.send(
    new PutObjectCommand({
      Bucket: RUNS_BUCKET,
      Key: `runs/${runId}/output/analysis.json`,
      Body: JSON.stringify(analysis),
    }),
  );
  const event: CollectResultsEvent = {
    mode: "collect",
    run: makeRun({ runId, runUri: `s3://${RUNS_BUCKET}/runs/${runId}/`, gates }),
    job: { ProcessingJobName: `clarify-${runId}-0123456789`, ProcessingJobStatus: "Completed" },
    execution,
  };
  return event;
}

describe("collectResults events and metrics", () => {
  it("sends Clarify Run Succeeded with the verdict once summary.json is written", async () => {
    // Prepare
    const event = await collectEvent("events-ok", { CI: { absMax: 0.5 } }, [0.1]);

    // Act
    const verdict = await collectResults(event, { s3, publishRunEvent: publishRunEvent() });

    // Assess
    expect(sentEntries()).toEqual([
      {
        Source: "clarify-pipeline",
        DetailType: "Clarify Run Succeeded",
        EventBusName: BUS,
        Resources: [execution.id],
        Detail: {
          status: "Succeeded",
          runId: "events-ok",
          runName: "credit-model-v7",
          execution,
          summaryUri: verdict.summaryUri,
          job: { name: "clarify-events-ok-0123456789", status: "Completed" },
          message: "all 1 gates passed (1 metric values checked)",
          breachCount: 0,
          breaches: [],
        },
      },
    ]);
  });

  it("sends Clarify Bias Gate Failed with the first 20 breaches and how many were left out", async () => {
    // Prepare
    const values = Array.from({ length: 23 }, (_, index) => 0.6 + index / 100);
    const event = await collectEvent("events-breach", { CI: { absMax: 0.5 } }, values);

    // Act
    const verdict = await collectResults(event, { s3, publishRunEvent: publishRunEvent() });

    // Assess
    const [entry] = sentEntries();
    expect(entry?.DetailType).toBe("Clarify Bias Gate Failed");
    expect(entry?.Detail).toMatchObject({
      status: "BiasGateFailed",
      breachCount: 23,
      breachesOmitted: 3,
      message: verdict.message,
    });
    expect(entry?.Detail.breaches).toEqual(JSON.parse(JSON.stringify(verdict.breaches)));
    expect(entry?.Detail.breaches).toHaveLength(20);
  });

  it("hands every finite CI value to the metrics sink as EMF and lists the infinite one", async () => {
    // Prepare
    const event = await collectEvent("events-metrics", {}, [0.1, "Infinity"]);
    const emissions: BiasMetricEmission[] = [];

    // Act
    await collectResults(event, {
      s3,
      emitBiasMetrics: (emission) => emissions.push(emission),
      now: () => NOW,
    });

    // Assess
    expect(emissions).toEqual([
      {
        documents: [
          {
            _aws: {
              Timestamp: NOW,
              CloudWatchMetrics: [
                {
                  Namespace: "ClarifyPipeline",
                  Dimensions: [["RunName", "Stage", "Facet", "FacetValue"]],
                  Metrics: [{ Name: "CI", Unit: "None" }],
                },
              ],
            },
            RunName: "credit-model-v7",
            Stage: "pre_training",
            Facet: "Sex",
            FacetValue: "0",
            CI: 0.1,
          },
        ],
        skipped: [
          {
            stage: "pre_training",
            facet: "Sex",
            facetValue: "1",
            metric: "CI",
            value: Number.POSITIVE_INFINITY,
            reason: "Infinity is not finite; CloudWatch takes finite values only",
          },
        ],
      },
    ]);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it("fails with RunEventError when EventBridge rejects the event, after summary.json is written", async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: "ThrottlingException", ErrorMessage: "Rate exceeded" }],
    });
    const event = await collectEvent("events-rejected", { CI: { absMax: 0.5 } }, [0.1]);

    // Act
    const error = await collectResults(event, { s3, publishRunEvent: publishRunEvent() }).catch((e) => e);

    // Assess
    expect(error).toMatchObject({
      name: "RunEventError",
      message: `event bus ${BUS} rejected the "Clarify Run Succeeded" event: ThrottlingException (Rate exceeded)`,
    });
    const summary = await s3.send(
      new GetObjectCommand({ Bucket: RUNS_BUCKET, Key: "runs/events-rejected/summary.json" }),
    );
    expect(JSON.parse((await summary.Body?.transformToString()) ?? "")).toMatchObject({
      status: "Succeeded",
    });
  });
});

describe("recordFailure events", () => {
  const runId = "events-failed";
  const state = () => ({
    run: makeRun({ runId, runUri: `s3://${RUNS_BUCKET}/runs/${runId}/` }),
    clarifyJob: { request: { ProcessingJobName: "clarify-events-failed-0123456789" }, timeoutSeconds: 7200 },
    failure: {
      RunClarifyJob: {
        Error: "States.TaskFailed",
        Cause: JSON.stringify({ ProcessingJobStatus: "Failed", FailureReason: "AlgorithmError: bad column" }),
      },
    },
  });

  it("sends Clarify Run Failed naming the step, the error, the job and the summary", async () => {
    // Prepare
    const event = { mode: "recordFailure" as const, state: state(), execution };

    // Act
    const result = await recordFailure(event, { s3, settings, publishRunEvent: publishRunEvent() });

    // Assess
    expect(sentEntries()).toEqual([
      {
        Source: "clarify-pipeline",
        DetailType: "Clarify Run Failed",
        EventBusName: BUS,
        Resources: [execution.id],
        Detail: {
          status: "Failed",
          runId,
          runName: "credit-model-v7",
          execution,
          summaryUri: `s3://${RUNS_BUCKET}/runs/${runId}/summary.json`,
          failedStep: "RunClarifyJob",
          error: "States.TaskFailed",
          cause: "AlgorithmError: bad column",
          job: {
            name: "clarify-events-failed-0123456789",
            status: "Failed",
            failureReason: "AlgorithmError: bad column",
          },
        },
      },
    ]);
    expect(result.summaryUri).toBe(`s3://${RUNS_BUCKET}/runs/${runId}/summary.json`);
  });

  it("keeps the original error when the event cannot be sent, and says so in the cause", async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).rejects(new Error("User is not authorized to perform events:PutEvents"));
    const event = { mode: "recordFailure" as const, state: state(), execution };

    // Act
    const result = await recordFailure(event, { s3, settings, publishRunEvent: publishRunEvent() });

    // Assess
    expect(result.error).toBe("States.TaskFailed");
    expect(result.cause).toBe(
      `${state().failure.RunClarifyJob.Cause}\n(the "Clarify Run Failed" event was not sent: cannot send the "Clarify Run Failed" event to event bus ${BUS}: User is not authorized to perform events:PutEvents)`,
    );
  });
});
