/**
 * The job's container as a child process, as the emulator runs it for every local job: the
 * engine's entrypoint on the job's tree, its message file as the job's ExitMessage and
 * FailureReason, and SageMaker's stop (SIGTERM, then SIGKILL after the grace period).
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clarifyEngineContainer, processContainer } from "../../local/clarify-container.ts";
import { type EmbeddedS3, startEmbeddedS3 } from "../../local/embedded-s3.ts";
import { ProcessingEmulator, type ProcessingEmulatorOptions } from "../../local/processing-emulator.ts";
import { processingJobRequest } from "./support/processing-job-request.ts";
import { FIXTURE } from "./support/scenario.ts";

let root: string;
let s3Server: EmbeddedS3;
let s3: S3Client;
let jobCounter = 0;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "container-process-"));
  s3Server = await startEmbeddedS3({ directory: join(root, "s3"), buckets: ["inputs", "outputs"] });
  s3 = s3Server.createClient();
  const config = JSON.parse(await readFile(join(FIXTURE, "analysis_config.json"), "utf8"));
  const put = (Key: string, Body: string) => s3.send(new PutObjectCommand({ Bucket: "inputs", Key, Body }));
  await put("good/analysis_config.json", JSON.stringify(config));
  await put(
    "shap/analysis_config.json",
    JSON.stringify({ ...config, methods: { shap: { num_samples: 5 } } }),
  );
  await put("data/train.csv", await readFile(join(FIXTURE, "train.csv"), "utf8"));
});

afterAll(async () => {
  await s3Server.close();
  await rm(root, { recursive: true, force: true });
});

function request(configPrefix: string): Record<string, unknown> {
  jobCounter++;
  return processingJobRequest({
    name: `clarify-child-${jobCounter}`,
    imageUri: "000000000000.dkr.ecr.us-east-1.amazonaws.com/engine:1",
    configUri: `s3://inputs/${configPrefix}/`,
    datasetUri: "s3://inputs/data/",
    outputUri: `s3://outputs/job-${jobCounter}/`,
    maxRuntimeSeconds: 86_400,
  });
}

function emulator(options: Partial<ProcessingEmulatorOptions> = {}) {
  const lines: string[] = [];
  const sm = new ProcessingEmulator({
    s3,
    workDirectory: join(root, "work"),
    container: clarifyEngineContainer,
    msPerEmulatedSecond: 1,
    onContainerLog: (_job, line) => lines.push(line),
    ...options,
  });
  return { sm, lines };
}

async function outputKeys(prefix: string): Promise<string[]> {
  const listing = await s3.send(new ListObjectsV2Command({ Bucket: "outputs", Prefix: prefix }));
  return (listing.Contents ?? []).map((object) => object.Key ?? "").sort();
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("the engine's container as a child process", () => {
  it("completes the job: progress lines become the job's log, output/ is uploaded", async () => {
    // Prepare
    const { sm, lines } = emulator();
    const job = request("good");

    // Act
    const description = await sm.runProcessingJobSync(job);

    // Assess
    expect(description.ProcessingJobStatus).toBe("Completed");
    expect(description.ExitMessage).toBeUndefined();
    expect(lines).toEqual(
      expect.arrayContaining(["dataset: input/data (1 file)", expect.stringMatching(/^analysed 80 rows/)]),
    );
    expect(await outputKeys(`job-${jobCounter}/`)).toEqual(
      expect.arrayContaining([`job-${jobCounter}/analysis.json`, `job-${jobCounter}/report.html`]),
    );
  });

  it("fails the job with the message file's line as its FailureReason and ExitMessage", async () => {
    // Prepare
    const { sm } = emulator();
    const job = request("shap");

    // Act
    const error = (await sm.runProcessingJobSync(job).catch((e: unknown) => e)) as Error;

    // Assess
    const cause = JSON.parse(error.message) as Record<string, string>;
    expect(cause.ProcessingJobStatus).toBe("Failed");
    expect(cause.FailureReason).toMatch(/^ClientError: methods\.shap /);
    expect(cause.ExitMessage).toBe(cause.FailureReason);
    expect(await outputKeys(`job-${jobCounter}/`)).toEqual([]);
  });

  it("on StopProcessingJob sends SIGTERM, then SIGKILL once the grace period is over", async () => {
    // Prepare: a container that says it got SIGTERM and carries on.
    const stubborn = processContainer(() => [
      process.execPath,
      "-e",
      "process.on('SIGTERM', () => console.log('SIGTERM received, carrying on')); console.log('pid ' + process.pid); setInterval(() => {}, 1000);",
    ]);
    const { sm, lines } = emulator({ container: stubborn, stopGraceSeconds: 200 });
    const job = request("good");
    sm.createProcessingJob(job);
    while (!lines.some((line) => line.startsWith("pid "))) await new Promise((r) => setTimeout(r, 20));
    const pid = Number(lines.find((line) => line.startsWith("pid "))?.slice(4));

    // Act
    sm.stopProcessingJob(job.ProcessingJobName as string);
    await sm.waitForJob(job.ProcessingJobName as string);

    // Assess
    expect(sm.describeProcessingJob(job.ProcessingJobName as string).ProcessingJobStatus).toBe("Stopped");
    expect(lines).toContain("SIGTERM received, carrying on");
    expect(isRunning(pid)).toBe(false);
  });
});
