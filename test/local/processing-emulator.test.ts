import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmbeddedS3, startEmbeddedS3 } from "../../local/embedded-s3.ts";
import {
  type ContainerRun,
  ProcessingEmulator,
  type ProcessingEmulatorOptions,
} from "../../local/processing-emulator.ts";
import { THROTTLED } from "./support/fault-scenarios.ts";
import { processingJobRequest } from "./support/processing-job-request.ts";

let root: string;
let s3Server: EmbeddedS3;
let s3: S3Client;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "emulator-test-"));
  s3Server = await startEmbeddedS3({ directory: join(root, "s3"), buckets: ["inputs", "outputs"] });
  s3 = s3Server.createClient();
  await s3.send(
    new PutObjectCommand({ Bucket: "inputs", Key: "cfg/analysis_config.json", Body: '{"label":"y"}' }),
  );
  await s3.send(new PutObjectCommand({ Bucket: "inputs", Key: "data/train.csv", Body: "y,x\n1,2\n" }));
});

afterAll(async () => {
  await s3Server.close();
  await rm(root, { recursive: true, force: true });
});

let jobCounter = 0;
function request(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  jobCounter++;
  return {
    ...processingJobRequest({
      name: `clarify-test-${jobCounter}`,
      imageUri: "205585389593.dkr.ecr.us-east-1.amazonaws.com/sagemaker-clarify-processing:1.0",
      configUri: "s3://inputs/cfg/analysis_config.json",
      datasetUri: "s3://inputs/data/",
      outputUri: `s3://outputs/run-${jobCounter}/output`,
      maxRuntimeSeconds: 3600,
    }),
    ...overrides,
  };
}

function emulator(
  container: (run: ContainerRun) => Promise<void>,
  options: Partial<ProcessingEmulatorOptions> = {},
): ProcessingEmulator {
  return new ProcessingEmulator({
    s3,
    workDirectory: join(root, "work"),
    container,
    msPerEmulatedSecond: 1,
    ...options,
  });
}

/** A container that writes analysis.json after `emulatedWaitMs` real ms, honouring the stop signal. */
function writingContainer(waitMs = 0) {
  return async (run: ContainerRun) => {
    await new Promise((resolve) => setTimeout(resolve, waitMs));
    const { writeFile, mkdir } = await import("node:fs/promises");
    await mkdir(join(run.processingDir, "output"), { recursive: true });
    await writeFile(join(run.processingDir, "output", "analysis.json"), "{}");
  };
}

async function outputKeys(prefix: string): Promise<string[]> {
  const listing = await s3.send(new ListObjectsV2Command({ Bucket: "outputs", Prefix: prefix }));
  return (listing.Contents ?? []).map((object) => object.Key ?? "");
}

describe("ProcessingEmulator", () => {
  it("runs the container over the downloaded inputs and uploads the output at end of job", async () => {
    // Prepare
    const seen: Record<string, string[]> = {};
    const sm = emulator(async (run) => {
      seen.config = await readdir(join(run.processingDir, "input", "config"));
      seen.data = await readdir(join(run.processingDir, "input", "data"));
      seen.configText = [
        await readFile(join(run.processingDir, "input", "config", "analysis_config.json"), "utf8"),
      ];
      await writingContainer()(run);
    });
    const job = request();

    // Act
    const description = await sm.runProcessingJobSync(job);

    // Assess
    expect(description.ProcessingJobStatus).toBe("Completed");
    expect(description.ProcessingJobArn).toMatch(
      /^arn:aws:sagemaker:us-east-1:000000000000:processing-job\/clarify-test-\d+$/,
    );
    expect(seen).toEqual({
      config: ["analysis_config.json"],
      data: ["train.csv"],
      configText: ['{"label":"y"}'],
    });
    expect(await outputKeys(`run-${jobCounter}/`)).toEqual([`run-${jobCounter}/output/analysis.json`]);
  });

  it("rejects a reused job name as SageMaker does", async () => {
    // Prepare
    const sm = emulator(writingContainer());
    const job = request();
    await sm.runProcessingJobSync(job);

    // Act
    const reuse = () => sm.createProcessingJob(job);

    // Assess
    expect(reuse).toThrow(expect.objectContaining({ name: "SageMaker.ResourceInUseException" }));
  });

  it("rejects an unknown request field and creates no job", () => {
    // Prepare
    const sm = emulator(writingContainer());
    const job = request({ __timeoutSeconds: 60 });

    // Act
    const create = () => sm.createProcessingJob(job);

    // Assess
    expect(create).toThrow(
      expect.objectContaining({
        name: "SageMaker.AmazonSageMakerException",
        message: expect.stringContaining("__timeoutSeconds"),
      }),
    );
    expect(sm.listJobs()).toEqual([]);
  });

  it("marks the job Failed when the container fails, uploads nothing, and .sync throws States.TaskFailed with the description", async () => {
    // Prepare
    const sm = emulator(async () => {
      throw new Error("label column y not found");
    });
    const job = request();

    // Act
    const error = (await sm.runProcessingJobSync(job).catch((e: unknown) => e)) as Error;

    // Assess
    expect(error.name).toBe("States.TaskFailed");
    const cause = JSON.parse(error.message) as Record<string, unknown>;
    expect(cause).toMatchObject({
      ProcessingJobStatus: "Failed",
      FailureReason: "AlgorithmError: label column y not found",
    });
    expect(await outputKeys(`run-${jobCounter}/`)).toEqual([]);
  });

  it("fails the job, writing nothing outside its input folder, when a manifest entry climbs out with ..", async () => {
    // Prepare
    await s3.send(
      new PutObjectCommand({
        Bucket: "inputs",
        Key: "manifests/escape.json",
        Body: JSON.stringify([{ prefix: "s3://inputs/data/" }, "../../../../escaped.csv"]),
      }),
    );
    let containerRan = false;
    const sm = emulator(async () => {
      containerRan = true;
    });
    const job = request();
    const inputs = job.ProcessingInputs as Record<string, Record<string, string>>[];
    const dataset = inputs[1] as { S3Input: Record<string, string> };
    dataset.S3Input = {
      ...dataset.S3Input,
      S3Uri: "s3://inputs/manifests/escape.json",
      S3DataType: "ManifestFile",
    };

    // Act
    const error = (await sm.runProcessingJobSync(job).catch((e: unknown) => e)) as Error;

    // Assess
    expect(error.name).toBe("States.TaskFailed");
    expect(JSON.parse(error.message)).toMatchObject({ ProcessingJobStatus: "Failed" });
    expect(JSON.parse(error.message).FailureReason).toContain(
      "s3://inputs/data/../../../../escaped.csv would be downloaded outside",
    );
    expect(containerRan).toBe(false);
    expect((await readdir(root, { recursive: true })).filter((path) => path.includes("escaped"))).toEqual([]);
  });

  it("stops a job at MaxRuntimeInSeconds with no output and says why", async () => {
    // Prepare
    const sm = emulator(writingContainer(200), { msPerEmulatedSecond: 10 });
    const job = request({ StoppingCondition: { MaxRuntimeInSeconds: 5 } });

    // Act
    sm.createProcessingJob(job);
    await sm.waitForJob(job.ProcessingJobName as string);

    // Assess
    const description = sm.describeProcessingJob(job.ProcessingJobName as string);
    expect(description.ProcessingJobStatus).toBe("Stopped");
    expect(description.FailureReason).toMatch(/maximum runtime of 5 seconds/);
    expect(await outputKeys(`run-${jobCounter}/`)).toEqual([]);
  });

  it("honours StopProcessingJob: Stopping, then Stopped without output", async () => {
    // Prepare
    const sm = emulator(writingContainer(), { provisioningSeconds: 10_000 });
    const job = request();
    const name = job.ProcessingJobName as string;
    sm.createProcessingJob(job);

    // Act
    sm.stopProcessingJob(name);
    const whileStopping = sm.describeProcessingJob(name).ProcessingJobStatus;
    await sm.waitForJob(name);

    // Assess
    expect(whileStopping).toBe("Stopping");
    expect(sm.describeProcessingJob(name).ProcessingJobStatus).toBe("Stopped");
    expect(sm.calls.stopProcessingJob).toBe(1);
    expect(await outputKeys(`run-${jobCounter}/`)).toEqual([]);
  });

  it("fails the scripted calls of its fault plan, then behaves normally", async () => {
    // Prepare
    const sm = emulator(writingContainer(), {
      faults: { createProcessingJob: [THROTTLED] },
    });
    const job = request();

    // Act
    const first = (() => {
      try {
        sm.createProcessingJob(job);
        return undefined;
      } catch (error) {
        return error as Error;
      }
    })();
    const second = await sm.runProcessingJobSync(job);

    // Assess
    expect(first).toMatchObject({ name: THROTTLED.error, message: THROTTLED.message });
    expect(second.ProcessingJobStatus).toBe("Completed");
    expect(sm.calls.createProcessingJob).toBe(2);
  });
});
