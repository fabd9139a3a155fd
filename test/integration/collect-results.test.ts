/**
 * The collect-results Lambda handler against moto over HTTP: `collect` reads analysis.json
 * from moto's S3 and writes summary.json; `recordFailure` asks moto's SageMaker for the
 * final state of a job that was created from the request stage-inputs rendered.
 *
 * moto marks a processing job Completed as soon as it is created, so these tests cover
 * request shapes and S3 behaviour, not job life cycles.
 */
import { CreateProcessingJobCommand, type CreateProcessingJobCommandInput } from "@aws-sdk/client-sagemaker";
import { beforeAll, describe, expect, it } from "vitest";
import type {
  CollectResultsEvent,
  FailureRecordResult,
  NormalizedRun,
  RecordFailureEvent,
  StagedRun,
  StageInputsEvent,
  Verdict,
} from "../../contracts/pipeline-state.ts";
import {
  ARTIFACTS_BUCKET,
  CLARIFY_IMAGE_URI,
  DATA_BUCKET,
  executionInfo,
  getText,
  JOB_ROLE_ARN,
  motoSkipReason,
  putText,
  useMoto,
} from "./moto-lambda-environment.ts";

interface CollectHandler {
  (event: CollectResultsEvent): Promise<Verdict>;
  (event: RecordFailureEvent): Promise<FailureRecordResult>;
}
type StageHandler = (event: StageInputsEvent) => Promise<StagedRun>;

function normalizedRun(runId: string): NormalizedRun {
  return {
    runId,
    runName: "credit-model",
    runUri: `s3://${ARTIFACTS_BUCKET}/clarify-runs/${runId}/`,
    analysisConfig: { inline: { version: "1.0", dataset_type: "text/csv", label: "Target" } },
    dataset: { s3Uri: `s3://${DATA_BUCKET}/credit/train.csv`, s3DataType: "S3Prefix" },
    job: {
      instanceType: "ml.c5.xlarge",
      instanceCount: 1,
      volumeSizeInGB: 30,
      maxRuntimeInSeconds: 1800,
      imageUri: CLARIFY_IMAGE_URI,
      roleArn: JOB_ROLE_ARN,
      tags: [{ Key: "team", Value: "risk" }],
      environment: { CLARIFY_LOG_LEVEL: "INFO" },
    },
    gates: { CI: { absMax: 0.2 }, DPL: { min: -0.1, max: 0.1 } },
    timeoutSeconds: 2700,
  };
}

/** analysis.json as the Clarify container writes it, for facet Sex=0. */
function analysisJson(ci: number, dpl: number): string {
  return JSON.stringify({
    version: "1.0",
    pre_training_bias_metrics: {
      label: "Target",
      label_value_or_threshold: "1",
      facets: {
        Sex: [
          {
            value_or_threshold: "0",
            metrics: [
              { name: "CI", description: "Class Imbalance (CI)", value: ci },
              { name: "DPL", description: "Difference in Positive Proportions in Labels (DPL)", value: dpl },
            ],
          },
        ],
      },
    },
  });
}

describe.skipIf(motoSkipReason !== undefined)("collect-results handler on moto S3 and SageMaker", () => {
  const moto = useMoto();
  let handler: CollectHandler;
  let stageInputs: StageHandler;

  beforeAll(async () => {
    ({ handler } = await import("../../lambdas/collect-results/index.ts"));
    ({ handler: stageInputs } = await import("../../lambdas/stage-inputs/index.ts"));
    await putText(moto().s3, `s3://${DATA_BUCKET}/credit/train.csv`, "Id,Sex,Target\n1,0,1\n2,1,0\n");
  });

  it("turns analysis.json into a passing verdict and writes summary.json beside it", async () => {
    // Prepare
    const { s3 } = moto();
    const run = normalizedRun("credit-model-exec-pass");
    const execution = executionInfo("exec-pass");
    await putText(s3, `${run.runUri}output/analysis.json`, analysisJson(0.1, 0.05));
    await putText(s3, `${run.runUri}output/report.html`, "<html></html>");
    const job = { ProcessingJobName: "clarify-credit-model-0123456789", ProcessingJobStatus: "Completed" };

    // Act
    const verdict = await handler({ mode: "collect", run, job, execution });

    // Assess
    expect(verdict).toEqual({
      passed: true,
      breaches: [],
      summaryUri: `${run.runUri}summary.json`,
      reportUri: `${run.runUri}report.html`,
      message: "all 2 gates passed (2 metric values checked)",
    });
    expect(JSON.parse(await getText(s3, verdict.summaryUri))).toMatchObject({
      status: "Succeeded",
      runId: run.runId,
      job,
      execution,
      breaches: [],
      analysisUri: `${run.runUri}output/analysis.json`,
      reportUri: `${run.runUri}report.html`,
      jobReportUri: `${run.runUri}output/report.html`,
    });
  });

  it("fails the gate on a breaching value and records the breach in summary.json", async () => {
    // Prepare
    const { s3 } = moto();
    const run = normalizedRun("credit-model-exec-breach");
    await putText(s3, `${run.runUri}output/analysis.json`, analysisJson(0.1, 0.3));
    const job = { ProcessingJobName: "clarify-credit-model-9876543210", ProcessingJobStatus: "Completed" };

    // Act
    const verdict = await handler({ mode: "collect", run, job, execution: executionInfo("exec-breach") });

    // Assess
    expect(verdict.passed).toBe(false);
    expect(
      verdict.breaches.map((breach) => [breach.metric, breach.facet, breach.facetValue, breach.value]),
    ).toEqual([["DPL", "Sex", "0", 0.3]]);
    const summary = JSON.parse(await getText(s3, verdict.summaryUri));
    expect(summary.status).toBe("BiasGateFailed");
    expect(summary.breaches).toEqual(verdict.breaches);
    expect(summary).not.toHaveProperty("jobReportUri");
    expect(summary.reportUri).toBe(`${run.runUri}report.html`);
  });

  it("finds the newest passed run of the same name under the output prefix as a drift baseline", async () => {
    // Prepare: under clarify-runs/, two passed runs of credit-model (older DPL 0.01, newer 0.02), a newer
    // failed one, and a passed run of another name; each folder has its summary.json
    const { s3 } = moto();
    const earlier = async (
      runId: string,
      runName: string,
      status: string,
      startTime: string,
      dpl: number,
    ) => {
      const uri = `s3://${ARTIFACTS_BUCKET}/clarify-runs/${runId}/`;
      await putText(s3, `${uri}output/analysis.json`, analysisJson(0.1, dpl));
      await putText(
        s3,
        `${uri}summary.json`,
        JSON.stringify({ status, runId, runName, execution: { startTime } }),
      );
    };
    await earlier("credit-model-drift-1", "credit-model", "Succeeded", "2026-02-01T00:00:00.000Z", 0.01);
    await earlier("credit-model-drift-2", "credit-model", "Succeeded", "2026-03-01T00:00:00.000Z", 0.02);
    await earlier("credit-model-drift-3", "credit-model", "BiasGateFailed", "2026-04-01T00:00:00.000Z", 0.5);
    await earlier("credit-model-v2-drift-4", "credit-model-v2", "Succeeded", "2026-05-01T00:00:00.000Z", 0);
    const run: NormalizedRun = {
      ...normalizedRun("credit-model-drift-5"),
      baseline: { latest: "passed" },
      gates: { DPL: { maxDrift: 0.03 } },
    };
    await putText(s3, `${run.runUri}output/analysis.json`, analysisJson(0.1, 0.06));
    const job = { ProcessingJobName: "clarify-credit-model-5555555555", ProcessingJobStatus: "Completed" };

    // Act
    const verdict = await handler({ mode: "collect", run, job, execution: executionInfo("drift-5") });

    // Assess: compared with drift-2 (0.02), the drift 0.04 breaches
    expect(verdict.passed).toBe(false);
    expect(verdict.breaches[0]).toMatchObject({
      metric: "DPL",
      value: 0.06,
      baseline: 0.02,
      breached: ["maxDrift"],
    });
    const summary = JSON.parse(await getText(s3, verdict.summaryUri));
    expect(summary.baseline).toEqual({
      latest: "passed",
      found: true,
      runId: "credit-model-drift-2",
      analysisUri: `s3://${ARTIFACTS_BUCKET}/clarify-runs/credit-model-drift-2/output/analysis.json`,
    });
  });

  it("records a RunClarifyJob failure with the status moto's SageMaker reports for the rendered job", async () => {
    // Prepare: the job is created in moto from exactly the request stage-inputs rendered.
    const { s3, sageMaker } = moto();
    const execution = executionInfo("exec-job-failed");
    const staged = await stageInputs({ run: normalizedRun("credit-model-exec-job-failed"), execution });
    const request = staged.clarifyJob.request;
    await sageMaker.send(
      new CreateProcessingJobCommand(request as unknown as CreateProcessingJobCommandInput),
    );
    // A Cause that is not DescribeProcessingJob's JSON, so only SageMaker can tell the job's status.
    const state = {
      ...staged,
      failure: {
        RunClarifyJob: { Error: "States.TaskFailed", Cause: "the task failed while polling the job" },
      },
    };

    // Act
    const result = await handler({ mode: "recordFailure", state, execution });

    // Assess
    expect(result).toEqual({
      error: "States.TaskFailed",
      cause: "the task failed while polling the job",
      summaryUri: `${staged.run.runUri}summary.json`,
    });
    expect(JSON.parse(await getText(s3, result.summaryUri ?? ""))).toEqual({
      status: "Failed",
      runId: staged.run.runId,
      runName: "credit-model",
      failedStep: "RunClarifyJob",
      error: "States.TaskFailed",
      cause: "the task failed while polling the job",
      job: { name: request.ProcessingJobName, status: "Completed" },
      execution,
    });
  });

  it("records a job SageMaker does not know as NotCreated", async () => {
    // Prepare: staged, but CreateProcessingJob itself failed, so moto has no such job.
    const { s3 } = moto();
    const execution = executionInfo("exec-not-created");
    const staged = await stageInputs({ run: normalizedRun("credit-model-exec-not-created"), execution });
    const state = {
      ...staged,
      failure: {
        RunClarifyJob: {
          Error: "SageMaker.ResourceLimitExceeded",
          Cause: "The account-level service limit was exceeded",
        },
      },
    };

    // Act
    const result = await handler({ mode: "recordFailure", state, execution });

    // Assess
    expect(JSON.parse(await getText(s3, result.summaryUri ?? "")).job).toEqual({
      name: staged.clarifyJob.request.ProcessingJobName,
      status: "NotCreated",
    });
  });
});
