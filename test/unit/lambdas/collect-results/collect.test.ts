import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CollectResultsEvent, Gates } from "../../../../contracts/pipeline-state.ts";
import { collectResults, MAX_VERDICT_BREACHES } from "../../../../lambdas/collect-results/collect.ts";
import { AnalysisResultError } from "../../../../lambdas/shared/errors.ts";
import { type EmbeddedS3, startEmbeddedS3 } from "../../../../local/embedded-s3.ts";
import { SAMPLE_CONTEXT } from "../../engine/report-fixture.ts";
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

async function readText(uri: string): Promise<string> {
  const key = uri.replace(`s3://${RUNS_BUCKET}/`, "");
  const object = await s3.send(new GetObjectCommand({ Bucket: RUNS_BUCKET, Key: key }));
  return (await object.Body?.transformToString()) ?? "";
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
      reportUri: `${event.run.runUri}report.html`,
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
      reportUri: `${event.run.runUri}report.html`,
      jobReportUri: `${event.run.runUri}output/report.html`,
    });
    expect(summary.gates).toHaveLength(2);
  });

  it("fails the gate, lists every breach worst first rounded for reading, and keeps exact values in summary.json", async () => {
    // Prepare
    const values = Array.from({ length: 25 }, (_, index) => 0.5 + index / 100);
    const event = await runWith({ CI: { absMax: 0.2 } }, { "analysis.json": analysisJson(values) });

    // Act
    const verdict = await collectResults(event, { s3 });

    // Assess
    expect(verdict.passed).toBe(false);
    expect(verdict.breaches).toHaveLength(MAX_VERDICT_BREACHES);
    expect(verdict.message).toMatch(
      /^25 of 25 gated metric values breach their gate, worst first: CI for Sex=24 \(pre-training\) = 0\.74: \|value\| 0\.74 exceeds absMax 0\.2; CI for Sex=23 /,
    );
    expect(verdict.message.split("; ")).toHaveLength(25);
    // 0.5 + 18/100 is 0.6799999999999999 in floating point: read as 0.68, kept exact in summary.json
    expect(verdict.message).toContain(
      "; CI for Sex=18 (pre-training) = 0.68: |value| 0.68 exceeds absMax 0.2; ",
    );
    const summary = await readJson(verdict.summaryUri);
    expect(summary.status).toBe("BiasGateFailed");
    expect(summary.breaches).toHaveLength(25);
    expect((summary.breaches as { message: string }[])[6]?.message).toBe(
      "CI for Sex=18 (pre-training) = 0.6799999999999999: |value| 0.6799999999999999 exceeds absMax 0.2",
    );
    expect(summary).not.toHaveProperty("jobReportUri");
    expect(summary.reportUri).toBe(`${event.run.runUri}report.html`);
    // The task's result names the report too, so the CLI reads no S3 object to print it.
    expect(verdict.reportUri).toBe(`${event.run.runUri}report.html`);
  });

  it("writes the run folder's report.html with the verdict, the context and the config's title", async () => {
    // Prepare: one breach (CI 0.5 > 0.2); the job wrote its context; the config names the report
    const context = {
      ...SAMPLE_CONTEXT,
      facets: [{ ...SAMPLE_CONTEXT.facets[0], column: "Sex" }],
      warnings: SAMPLE_CONTEXT.warnings.filter((warning) => !warning.failsGates),
    };
    const event = await runWith(
      { CI: { absMax: 0.2 } },
      { "analysis.json": analysisJson([0.5, 0.1]), "analysis_context.json": JSON.stringify(context) },
    );
    const run = {
      ...event.run,
      analysisConfig: {
        inline: { label: "Target", methods: { report: { name: "r", title: "Census <v2>" } } },
      },
    };

    // Act
    const verdict = await collectResults({ ...event, run }, { s3 });

    // Assess
    expect(verdict.passed).toBe(false);
    const html = await readText(`${run.runUri}report.html`);
    expect(html).toContain("<title>Census &lt;v2&gt;</title>");
    expect(html).toContain("Bias gates failed");
    expect(html.replace(/<[^>]+>/g, "")).toContain("0.5, allowed [−0.2, 0.2]");
    expect(html).toContain("Held (1)");
    expect(html).toContain("<code>credit.csv</code>");
    expect(html).toContain('id="groups"');
    expect(html).not.toContain("analysis_context.json is absent");
  });

  it("reads the title from the config snapshot and says when the job wrote no context", async () => {
    // Prepare
    const event = await runWith({}, { "analysis.json": analysisJson([0.1]) });
    const configUri = `${event.run.runUri}input/analysis_config.json`;
    await s3.send(
      new PutObjectCommand({
        Bucket: RUNS_BUCKET,
        Key: configUri.replace(`s3://${RUNS_BUCKET}/`, ""),
        Body: JSON.stringify({ methods: { report: { title: "Snapshot title" } } }),
      }),
    );
    const run = { ...event.run, analysisConfig: { s3Uri: configUri } };

    // Act
    await collectResults({ ...event, run }, { s3 });

    // Assess
    const html = await readText(`${run.runUri}report.html`);
    expect(html).toContain("<title>Snapshot title</title>");
    expect(html).toContain("This run has no gates");
    expect(html).toContain("analysis_context.json is absent");
  });

  it("keeps the verdict when the report cannot be rendered, and says why in summary.json", async () => {
    // Prepare: a label the gates can live with but the report cannot show (an object)
    const analysis = JSON.parse(analysisJson([0.1])) as {
      pre_training_bias_metrics: Record<string, unknown>;
    };
    analysis.pre_training_bias_metrics.label = { name: "Target" };
    const event = await runWith({ CI: { absMax: 0.2 } }, { "analysis.json": JSON.stringify(analysis) });

    // Act
    const verdict = await collectResults(event, { s3 });

    // Assess
    expect(verdict.passed).toBe(true);
    const summary = await readJson(verdict.summaryUri);
    expect(summary).not.toHaveProperty("reportUri");
    expect(verdict).not.toHaveProperty("reportUri");
    expect(summary.reportError).toBe(
      `${event.run.runUri}report.html was not written: $.pre_training_bias_metrics.label must be a string, number or list, got {"name":"Target"}`,
    );
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
        `analysis.json not found at ${event.run.runUri}output/analysis.json: the job wrote no analysis result (and no partial counts in output/partial/)`,
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

describe("collectResults with the engine's analysis context", () => {
  const context = (warnings: unknown[]) =>
    JSON.stringify({ version: "1", dataset: {}, label: {}, facets: [], warnings });

  it("fails a gate on an empty facet value that computed a value, naming the values that occur", async () => {
    // Prepare: CI = 0 would pass absMax 0.2, but facet value 0 matches no row
    const warning = {
      code: "EMPTY_FACET_GROUP",
      message:
        'facet "Sex" value_or_threshold ["0"] matches no row, so its metrics are empty or meaningless; the values that occur are "1" (40 rows), "2" (10 rows)',
      facet: "Sex",
      valueOrThreshold: "0",
      failsGates: true,
    };
    const event = await runWith(
      { CI: { absMax: 0.2 } },
      { "analysis.json": analysisJson([0, 0.1]), "analysis_context.json": context([warning]) },
    );
    // Act
    const verdict = await collectResults(event, { s3 });
    // Assess
    expect(verdict.passed).toBe(false);
    expect(verdict.message).toBe(
      `1 of 2 gated metric values breach their gate, worst first: CI for Sex=0 (pre-training) cannot pass (EMPTY_FACET_GROUP). EMPTY_FACET_GROUP: ${warning.message}`,
    );
    const summary = await readJson(verdict.summaryUri);
    expect(summary.warnings).toEqual([warning]);
    expect(summary.contextUri).toBe(`${event.run.runUri}output/analysis_context.json`);
  });

  it("refuses a malformed analysis context instead of dropping its warnings", async () => {
    // Prepare
    const event = await runWith(
      { CI: { absMax: 0.2 } },
      {
        "analysis.json": analysisJson([0.1]),
        "analysis_context.json": context([{ code: "EMPTY_FACET_GROUP", message: "m" }]),
      },
    );
    // Act
    const act = collectResults(event, { s3 });
    // Assess
    await expect(act).rejects.toThrow(
      new AnalysisResultError(
        `${event.run.runUri}output/analysis_context.json is not an analysis context: $.warnings[0].failsGates must be true or false`,
      ),
    );
  });
});

describe("collectResults on the Clarify image's analysis.json alone", () => {
  it("fails a gate on a facet value Clarify found empty, even where the metric came out as 0", async () => {
    // Prepare: as Clarify writes an empty facet value: CI null with its error, CDDL 0
    const analysis = JSON.stringify({
      version: "1.0",
      pre_training_bias_metrics: {
        label: "Target",
        label_value_or_threshold: "1",
        facets: {
          Sex: [
            {
              value_or_threshold: "2",
              metrics: [
                {
                  name: "CI",
                  value: null,
                  error: "CI: facet set is empty. Check that x[facet] has non-zero length.",
                },
                { name: "CDDL", value: 0 },
              ],
            },
          ],
        },
      },
    });
    const event = await runWith({ CDDL: { absMax: 0.1 } }, { "analysis.json": analysis });
    // Act
    const verdict = await collectResults(event, { s3 });
    // Assess
    expect(verdict.passed).toBe(false);
    expect(verdict.breaches[0]).toMatchObject({
      metric: "CDDL",
      facetValue: "2",
      warning: "EMPTY_FACET_GROUP",
    });
    expect(verdict.message).toBe(
      '1 of 1 gated metric values breach their gate, worst first: CDDL for Sex=2 (pre-training) cannot pass (EMPTY_FACET_GROUP). EMPTY_FACET_GROUP: facet "Sex" value "2" leaves one side of the comparison without rows (Clarify: "CI: facet set is empty. Check that x[facet] has non-zero length."), so its metrics are empty or meaningless; check the facet value against the values the column holds',
    );
  });
});
