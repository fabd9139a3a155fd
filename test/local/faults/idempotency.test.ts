/**
 * Starting the same run twice. Locally, as in Step Functions, an execution is known by its
 * name: a second StartExecution with the same name and input while it runs is the same
 * execution, and any other reuse of the name is refused, so no second job or copy is made.
 * And a StageInputs retried after it had already copied everything copies nothing again.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readTextIfExists } from "../../../lambdas/shared/s3-objects.ts";
import type { SnapshotStats } from "../../../lambdas/stage-inputs/snapshot.ts";
import { stageInputs } from "../../../lambdas/stage-inputs/stage-inputs.ts";
import { clarifyEngineContainer } from "../../../local/clarify-container.ts";
import { coreSteps } from "../../../local/core-steps.ts";
import { type EmbeddedS3, startEmbeddedS3 } from "../../../local/embedded-s3.ts";
import type { LocalExecutionResult } from "../../../local/local-execution.ts";
import { LocalExecutions } from "../../../local/local-executions.ts";
import {
  LOCAL_ARTIFACT_BUCKET,
  LOCAL_INPUT_BUCKET,
  localDeploymentSettings,
} from "../../../local/local-settings.ts";
import { ProcessingEmulator } from "../../../local/processing-emulator.ts";
import { stageLocalFiles } from "../../../local/stage-local-files.ts";
import type { LambdaFaultPlan } from "../../../local/task-bindings.ts";
import { FIXTURE, fixtureRunJson } from "../support/scenario.ts";

let root: string;
let server: EmbeddedS3;
let s3: S3Client;
let input: unknown;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "faults-idempotency-"));
  server = await startEmbeddedS3({
    directory: join(root, "s3"),
    buckets: [LOCAL_INPUT_BUCKET, LOCAL_ARTIFACT_BUCKET],
  });
  s3 = server.createClient();
  input = await stageLocalFiles(await fixtureRunJson(), {
    baseDirectory: FIXTURE,
    s3,
    stagingPrefix: "staged",
  });
});
afterAll(async () => {
  await server.close();
  await rm(root, { recursive: true, force: true });
});

/** One deployment: a state machine, its steps and SageMaker, sharing the embedded S3. */
function deployment(lambdaFaults?: LambdaFaultPlan) {
  const settings = localDeploymentSettings();
  const emulator = new ProcessingEmulator({
    s3,
    workDirectory: join(root, "jobs"),
    container: clarifyEngineContainer,
    msPerEmulatedSecond: 1,
  });
  const copies: SnapshotStats[] = [];
  const steps = {
    ...coreSteps({ s3, settings, emulator }),
    stageInputs: (event: Parameters<typeof stageInputs>[0]) =>
      stageInputs(event, { s3, settings, onStats: (stats) => copies.push({ ...stats }) }),
  };
  const executions = new LocalExecutions({ steps, emulator, retryIntervalMs: 0, lambdaFaults });
  return { emulator, copies, executions };
}

/** The run folder's keys and its summary.json, read back from S3. */
async function runFolder(result: LocalExecutionResult): Promise<{ keys: string[]; summary: unknown }> {
  const summaryUri = (result.output as { verdict: { summaryUri: string } }).verdict.summaryUri;
  const runUri = summaryUri.replace(/summary\.json$/, "");
  const [, bucket, prefix] = /^s3:\/\/([^/]+)\/(.*)$/.exec(runUri) ?? [];
  const listing = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return {
    keys: (listing.Contents ?? []).map((object) => (object.Key ?? "").slice((prefix ?? "").length)).sort(),
    summary: JSON.parse((await readTextIfExists(s3, summaryUri)) ?? "null"),
  };
}

const RUN_FOLDER = [
  "input/analysis_config.json",
  "input/dataset/train.csv",
  "output/analysis.json",
  "output/analysis_context.json",
  "output/intervals.json",
  "output/report.html",
  "report.html",
  "run.json",
  "summary.json",
];

describe("starting the same execution twice", () => {
  it("while it runs, with the same input, is the same execution: one job, one set of copies", async () => {
    // Prepare
    const { emulator, copies, executions } = deployment();

    // Act
    const first = executions.start("same-name", input);
    const second = executions.start("same-name", structuredClone(input));
    const [firstResult, secondResult] = await Promise.all([first, second]);

    // Assess
    expect(secondResult).toBe(firstResult);
    expect(firstResult.status).toBe("SUCCEEDED");
    expect(firstResult.error).toBeUndefined();
    expect(emulator.calls.createProcessingJob).toBe(1);
    expect(emulator.listJobs().map((job) => job.ProcessingJobStatus)).toEqual(["Completed"]);
    expect(copies).toEqual([{ copied: 2, skipped: 0 }]);
    const folder = await runFolder(firstResult);
    expect(folder.keys).toEqual(RUN_FOLDER);
    expect(folder.summary).toMatchObject({ status: "Succeeded", breaches: [] });
  });

  it("with other input, or once it has ended, is refused with ExecutionAlreadyExists and runs nothing", async () => {
    // Prepare
    const { emulator, copies, executions } = deployment();
    const running = executions.start("reused-name", input);
    const otherInput = { ...(input as Record<string, unknown>), runName: "other" };

    // Act
    const whileRunning = executions.start("reused-name", otherInput).catch((error: unknown) => error);
    const result = await running;
    const afterEnd = await executions.start("reused-name", input).catch((error: unknown) => error);

    // Assess
    expect(await whileRunning).toMatchObject({
      name: "ExecutionAlreadyExists",
      message: expect.stringContaining(
        ":execution:clarify-pipeline:reused-name' (the execution is running with different input)",
      ),
    });
    expect(afterEnd).toMatchObject({
      name: "ExecutionAlreadyExists",
      message: expect.stringContaining("(the execution has already run)"),
    });
    expect(result.status).toBe("SUCCEEDED");
    expect(emulator.calls.createProcessingJob).toBe(1);
    expect(emulator.listJobs().filter((job) => job.ProcessingJobStatus === "InProgress")).toEqual([]);
    expect(copies).toHaveLength(1);
    expect((await runFolder(result)).summary).toMatchObject({ status: "Succeeded" });
  });
});

describe("a StageInputs retried after it had copied everything", () => {
  it("copies nothing twice and the run creates one job", async () => {
    // Prepare: the function completes but its response is lost, so the state is retried.
    const { emulator, copies, executions } = deployment({
      StageInputs: [{ error: "Lambda.SdkClientException", message: "Read timed out", afterInvoke: true }],
    });

    // Act
    const result = await executions.start("retried-staging", input);

    // Assess
    expect(result.status).toBe("SUCCEEDED");
    expect(result.error).toBeUndefined();
    expect(result.events.filter((event) => event.type === "StateRetried")).toHaveLength(1);
    expect(copies).toEqual([
      { copied: 2, skipped: 0 },
      { copied: 0, skipped: 2 },
    ]);
    expect(emulator.calls.createProcessingJob).toBe(1);
    expect(emulator.listJobs().map((job) => job.ProcessingJobStatus)).toEqual(["Completed"]);
    const folder = await runFolder(result);
    expect(folder.keys).toEqual(RUN_FOLDER);
    expect(folder.summary).toMatchObject({ status: "Succeeded" });
  });
});
