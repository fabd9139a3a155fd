import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectResults, MAX_VERDICT_BREACHES } from "../../../../lambdas/collect-results/collect.ts";
import type { CollectResultsEvent, Gates } from "../../../../lambdas/shared/contracts.ts";
import { AnalysisResultError } from "../../../../lambdas/shared/errors.ts";
import { type EmbeddedS3, startEmbeddedS3 } from "../../../../local/embedded-s3.ts";
import { execution, makeRun, RUNS_BUCKET } from "../stage-inputs/fixtures.ts";

let server: EmbeddedS3;
let s3: S3Client;
let directory: string;
let runCounter = 0;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "collect-results-"));
  server = await startEmbeddedS3({ directory, buckets: [RUNS_BUCKET] });
  s3 = server.createClient();
});

afterAll(async () => {
  await server.close();
  await rm(directory, { recursive: true, force: true });
});

function analysisJson(ciValues: readonly number[]): string {
  return JSON.stringify({
    version: "1.0",
    pre_training_bias_metrics: {
      label: "Target",
      label_value_or_threshold: "1",
      facets: {
        Sex: ciValues.map((value, index) => ({
          value_or_threshold: String(index),
          metrics: [{ name: "CI", description: "Class Imbalance (CI)", value }],
        })),
      },
    },
  });
}

/** A fresh run folder holding the given output files. */
async function runWith(gates: Gates, files: Record<string, string>): Promise<CollectResultsEvent> {
  runCounter++;
  const runId = `collect-${runCounter}`;
  for (const [name, body] of Object.entries(files)) {
    await s3.send(
      new PutObjectCommand({ Bucket: RUNS_BUCKET, Key: `runs/${runId}/output/${name}`, Body: body }),
    );
  }
  return {
    mode: "collect",
    run: makeRun({ runId, runUri: `s3://${RUNS_BUCKET}/runs/${runId}/`, gates }),
    job: { ProcessingJobName: `clarify-${runId}-0123456789`, ProcessingJobStatus: "Completed" },
    execution,
  };
}

async function readJson(uri: string): Promise<Record<string, unknown>> {
  const key = uri.replace(`s3://${RUNS_BUCKET}/`, "");
  const object = await s3.send(new GetObjectCommand({ Bucket: RUNS_BUCKET, Key: key }));
  return JSON.parse((await object.Body?.transformToString()) ?? "");
}

describe("collectResults", () => {
  it("passes when every gated value holds and writes a Succeeded summary with the report", async () => {
    // Prepare
    const event = await runWith(
      { CI: { absMax: 0.2 } },
      {
        "analysis.json": analysisJson([0.1, -0.15]),
        "report.html": "<html></html>",
      },
    );

    // Act
    const verdict = await collectResults(event, { s3 });

    // Assess
    expect(verdict).toEqual({
      passed: true,
      breaches: [],
      summaryUri: `${event.run.runUri}summary.json`,
      message: "all 1 gates passed (2 metric values checked)",
    });
    const summary = await readJson(verdict.summaryUri);
    expect(summary).toMatchObject({
      status: "Succeeded",
      runId: event.run.runId,
      runName: event.run.runName,
      execution,
      job: event.job,
      breaches: [],
      analysisUri: `${event.run.runUri}output/analysis.json`,
      reportUri: `${event.run.runUri}output/report.html`,
    });
    expect(summary.gates).toHaveLength(2);
  });

  it("fails the gate, caps the breaches in the verdict and keeps all of them in summary.json", async () => {
    // Prepare
    const values = Array.from({ length: 25 }, (_, index) => 0.5 + index / 100);
    const event = await runWith({ CI: { absMax: 0.2 } }, { "analysis.json": analysisJson(values) });

    // Act
    const verdict = await collectResults(event, { s3 });

    // Assess
    expect(verdict.passed).toBe(false);
    expect(verdict.breaches).toHaveLength(MAX_VERDICT_BREACHES);
    expect(verdict.message).toBe(
      "25 of 25 gated metric values breach their gate: CI for Sex=0 (pre-training) = 0.5: |value| 0.5 exceeds absMax 0.2 (and 24 more breaches, see summary.json)",
    );
    const summary = await readJson(verdict.summaryUri);
    expect(summary.status).toBe("BiasGateFailed");
    expect(summary.breaches).toHaveLength(25);
    expect(summary).not.toHaveProperty("reportUri");
  });

  it("says so when no gates are configured", async () => {
    // Prepare
    const event = await runWith({}, { "analysis.json": analysisJson([0.9]) });

    // Act
    const verdict = await collectResults(event, { s3 });

    // Assess
    expect(verdict).toMatchObject({ passed: true, message: "no gates configured: analysis collected" });
  });

  it("fails with AnalysisResultError when the job wrote no analysis.json, writing nothing", async () => {
    // Prepare
    const event = await runWith({ CI: { absMax: 0.2 } }, {});

    // Act
    const act = collectResults(event, { s3 });

    // Assess
    await expect(act).rejects.toThrow(
      new AnalysisResultError(
        `analysis.json not found at ${event.run.runUri}output/analysis.json: the job wrote no analysis result`,
      ),
    );
    await expect(
      s3.send(new HeadObjectCommand({ Bucket: RUNS_BUCKET, Key: `runs/${event.run.runId}/summary.json` })),
    ).rejects.toMatchObject({ name: "NotFound" });
  });

  it("fails with AnalysisResultError naming the URI of a corrupt analysis.json and keeps the file", async () => {
    // Prepare
    const event = await runWith({ CI: { absMax: 0.2 } }, { "analysis.json": "{ not json" });

    // Act
    const act = collectResults(event, { s3 });

    // Assess
    await expect(act).rejects.toThrow(
      new RegExp(`^${event.run.runUri.replaceAll("/", "\\/")}output\\/analysis\\.json is not valid JSON: `),
    );
    const kept = await s3.send(
      new HeadObjectCommand({ Bucket: RUNS_BUCKET, Key: `runs/${event.run.runId}/output/analysis.json` }),
    );
    expect(kept.ContentLength).toBe("{ not json".length);
  });
});
