/**
 * Processing jobs of several instances in the emulator: one `/opt/ml` tree and one container
 * process per host, inputs replicated or sharded by S3 object, each host's resourceconfig.json,
 * and a job that completes only when every host does.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clarifyEngineContainer, processContainer } from "../../local/clarify-container.ts";
import { type EmbeddedS3, startEmbeddedS3 } from "../../local/embedded-s3.ts";
import { assignObjects } from "../../local/job-hosts.ts";
import { ProcessingEmulator, type ProcessingEmulatorOptions } from "../../local/processing-emulator.ts";
import { processingJobRequest } from "./support/processing-job-request.ts";
import { FIXTURE } from "./support/scenario.ts";

const FAKE = fileURLToPath(new URL("./support/fake-host-container.ts", import.meta.url));
const PARTS = ["part-0.csv", "part-1.csv", "part-2.csv", "part-3.csv", "part-4.csv"];
const BUILTIN_IMAGE = "000000000000.dkr.ecr.us-east-1.amazonaws.com/clarify-pipeline-engine:local";
const CLARIFY_IMAGE = "205585389593.dkr.ecr.us-east-1.amazonaws.com/sagemaker-clarify-processing:1.0";

let root: string;
let s3Server: EmbeddedS3;
let s3: S3Client;
let jobCounter = 0;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "multi-host-"));
  s3Server = await startEmbeddedS3({ directory: join(root, "s3"), buckets: ["inputs", "outputs"] });
  s3 = s3Server.createClient();
  const put = (Key: string, Body: string) => s3.send(new PutObjectCommand({ Bucket: "inputs", Key, Body }));
  await put("cfg/analysis_config.json", await readFile(join(FIXTURE, "analysis_config.json"), "utf8"));
  // Listed out of order on purpose: the deal follows the keys' order, not the listing's.
  for (const part of [...PARTS].reverse()) await put(`parts/${part}`, "y,x\n1,2\n");
  await put("data/train.csv", await readFile(join(FIXTURE, "train.csv"), "utf8"));
});

afterAll(async () => {
  await s3Server.close();
  await rm(root, { recursive: true, force: true });
});

interface JobOptions {
  readonly instances: number;
  readonly distribution?: "FullyReplicated" | "ShardedByS3Key";
  readonly dataPrefix?: string;
  readonly image?: string;
  readonly environment?: Record<string, string>;
  readonly maxRuntimeSeconds?: number;
}

function request(options: JobOptions): Record<string, unknown> {
  jobCounter++;
  return processingJobRequest({
    name: `clarify-hosts-${jobCounter}`,
    imageUri: options.image ?? BUILTIN_IMAGE,
    instanceCount: options.instances,
    configUri: "s3://inputs/cfg/",
    configDistribution: "FullyReplicated",
    datasetUri: `s3://inputs/${options.dataPrefix ?? "parts"}/`,
    ...(options.distribution && { datasetDistribution: options.distribution }),
    outputUri: `s3://outputs/job-${jobCounter}/`,
    maxRuntimeSeconds: options.maxRuntimeSeconds ?? 86_400,
    environment: options.environment ?? {},
  });
}

const fakeContainer = processContainer((run) => [
  process.execPath,
  FAKE,
  run.processingDir,
  run.messagePath,
  run.resourceConfigPath,
]);

function emulator(options: Partial<ProcessingEmulatorOptions> = {}) {
  const lines: string[] = [];
  const sm = new ProcessingEmulator({
    s3,
    workDirectory: join(root, "work"),
    container: fakeContainer,
    msPerEmulatedSecond: 1,
    onContainerLog: (_job, line) => lines.push(line),
    ...options,
  });
  return { sm, lines };
}

async function outputKeys(): Promise<string[]> {
  const listing = await s3.send(
    new ListObjectsV2Command({ Bucket: "outputs", Prefix: `job-${jobCounter}/` }),
  );
  return (listing.Contents ?? [])
    .map((object) => (object.Key ?? "").slice(`job-${jobCounter}/`.length))
    .sort();
}

async function output(name: string): Promise<unknown> {
  const object = await s3.send(new GetObjectCommand({ Bucket: "outputs", Key: `job-${jobCounter}/${name}` }));
  return JSON.parse((await object.Body?.transformToString()) ?? "");
}

/** The container pids the hosts printed, by host. */
function pids(lines: readonly string[]): number[] {
  return lines.flatMap((line) => {
    const match = /^algo-\d+: pid (\d+)$/.exec(line);
    return match ? [Number(match[1])] : [];
  });
}

async function untilPids(lines: readonly string[], count: number): Promise<number[]> {
  while (pids(lines).length < count) await new Promise((resolve) => setTimeout(resolve, 20));
  return pids(lines);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("how the emulator deals a sharded input's objects", () => {
  it("deals the keys in order round-robin, so no host holds a run of consecutive keys", () => {
    // Prepare
    const keys = ["d", "a", "e", "c", "b"];

    // Act
    const sharded = assignObjects(keys, 2, "ShardedByS3Key");
    const replicated = assignObjects(keys, 2, "FullyReplicated");

    // Assess: a, c, e to host 0; b, d to host 1.
    expect(sharded).toEqual([[1], [0], [0], [0], [1]]);
    expect(replicated).toEqual(keys.map(() => [0, 1]));
  });
});

describe("a processing job of several instances", () => {
  it("shards the dataset by object across the hosts, replicates the config, and tells each host who it is", async () => {
    // Prepare
    const { sm, lines } = emulator();
    const job = request({ instances: 3, distribution: "ShardedByS3Key" });

    // Act
    const description = await sm.runProcessingJobSync(job);

    // Assess
    expect(description.ProcessingJobStatus).toBe("Completed");
    expect(await outputKeys()).toEqual(["algo-1.json", "algo-2.json", "algo-3.json", "shared.json"]);
    const hosts = ["algo-1", "algo-2", "algo-3"];
    const seen = await Promise.all(hosts.map((host) => output(`${host}.json`)));
    expect(seen).toEqual([
      {
        resourceConfig: { current_host: "algo-1", hosts },
        inputs: { config: ["analysis_config.json"], data: ["part-0.csv", "part-3.csv"] },
      },
      {
        resourceConfig: { current_host: "algo-2", hosts },
        inputs: { config: ["analysis_config.json"], data: ["part-1.csv", "part-4.csv"] },
      },
      {
        resourceConfig: { current_host: "algo-3", hosts },
        inputs: { config: ["analysis_config.json"], data: ["part-2.csv"] },
      },
    ]);
    // Each host's output went to the same prefix; for the key every host wrote, the later upload won.
    expect(await output("shared.json")).toEqual({ host: "algo-3" });
    expect(new Set(pids(lines)).size).toBe(3);
  });

  it("copies a FullyReplicated dataset to every host", async () => {
    // Prepare
    const { sm } = emulator();
    const job = request({ instances: 2 });

    // Act
    await sm.runProcessingJobSync(job);

    // Assess
    for (const host of ["algo-1", "algo-2"]) {
      expect(await output(`${host}.json`)).toMatchObject({ inputs: { data: PARTS } });
    }
  });

  it("gives a host whose share of a sharded input is empty an empty input folder", async () => {
    // Prepare
    const { sm } = emulator();
    const job = request({ instances: 7, distribution: "ShardedByS3Key" });

    // Act
    await sm.runProcessingJobSync(job);

    // Assess
    expect(await output("algo-5.json")).toMatchObject({ inputs: { data: ["part-4.csv"] } });
    expect(await output("algo-6.json")).toMatchObject({ inputs: { data: [] } });
    expect(await output("algo-7.json")).toMatchObject({
      resourceConfig: { current_host: "algo-7" },
      inputs: { config: ["analysis_config.json"], data: [] },
    });
  });

  it("keeps DescribeProcessingJob's shape: the same fields as a job of one instance", async () => {
    // Prepare
    const { sm } = emulator();
    const one = await sm.runProcessingJobSync(request({ instances: 1 }));

    // Act
    const three = await sm.runProcessingJobSync(request({ instances: 3, distribution: "ShardedByS3Key" }));

    // Assess
    expect(Object.keys(three).sort()).toEqual(Object.keys(one).sort());
    expect(three.ProcessingResources).toEqual({
      ClusterConfig: { InstanceCount: 3, InstanceType: "ml.c5.xlarge", VolumeSizeInGB: 20 },
    });
  });

  it("fails the job with the failing host's message, stops the other hosts and uploads nothing", async () => {
    // Prepare
    const { sm, lines } = emulator();
    const job = request({
      instances: 3,
      distribution: "ShardedByS3Key",
      environment: { FAKE_FAIL_HOST: "algo-2", FAKE_HANG: "others", FAKE_FAIL_DELAY_MS: "300" },
    });

    // Act
    const error = (await sm.runProcessingJobSync(job).catch((e: unknown) => e)) as Error;

    // Assess
    const cause = JSON.parse(error.message) as Record<string, string>;
    expect(cause.ProcessingJobStatus).toBe("Failed");
    expect(cause.FailureReason).toBe("ClientError: algo-2 found a bad row");
    expect(cause.ExitMessage).toBe("ClientError: algo-2 found a bad row");
    expect(await outputKeys()).toEqual([]);
    const started = pids(lines);
    expect(started).toHaveLength(3);
    expect(started.filter(isRunning)).toEqual([]);
  });

  it("stops every host on StopProcessingJob: Stopped, no output", async () => {
    // Prepare
    const { sm, lines } = emulator();
    const job = request({ instances: 2, distribution: "ShardedByS3Key", environment: { FAKE_HANG: "all" } });
    const name = job.ProcessingJobName as string;
    sm.createProcessingJob(job);
    const started = await untilPids(lines, 2);

    // Act
    sm.stopProcessingJob(name);
    await sm.waitForJob(name);

    // Assess
    expect(sm.describeProcessingJob(name).ProcessingJobStatus).toBe("Stopped");
    expect(started.filter(isRunning)).toEqual([]);
    expect(await outputKeys()).toEqual([]);
  });

  it("stops every host at MaxRuntimeInSeconds and says why", async () => {
    // Prepare: 1 ms per emulated second, so 4,000 s of runtime is 4 s: time for three Node processes to start.
    const { sm, lines } = emulator();
    const job = request({
      instances: 3,
      distribution: "ShardedByS3Key",
      environment: { FAKE_HANG: "all" },
      maxRuntimeSeconds: 4000,
    });

    // Act
    const error = (await sm.runProcessingJobSync(job).catch((e: unknown) => e)) as Error;

    // Assess
    const cause = JSON.parse(error.message) as Record<string, string>;
    expect(cause.ProcessingJobStatus).toBe("Stopped");
    expect(cause.FailureReason).toMatch(/maximum runtime of 4000 seconds/);
    const started = pids(lines);
    expect(started).toHaveLength(3);
    expect(started.filter(isRunning)).toEqual([]);
    expect(await outputKeys()).toEqual([]);
  });

  it("refuses an InstanceCount outside 1 to 100 as SageMaker does", () => {
    // Prepare
    const { sm } = emulator();

    // Act
    const create = () => sm.createProcessingJob(request({ instances: 0 }));

    // Assess
    expect(create).toThrow(
      /'processingResources\.clusterConfig\.instanceCount' failed to satisfy constraint/,
    );
  });
});

describe("the engine's image on several instances", () => {
  it("stands in for the Clarify image's Spark cluster: the same analysis.json as on one instance", async () => {
    // Prepare
    const { sm } = emulator({ container: clarifyEngineContainer });
    await sm.runProcessingJobSync(request({ instances: 1, dataPrefix: "data", image: CLARIFY_IMAGE }));
    const single = await output("analysis.json");

    // Act
    const description = await sm.runProcessingJobSync(
      request({ instances: 2, dataPrefix: "data", image: CLARIFY_IMAGE }),
    );

    // Assess
    expect(description.ProcessingJobStatus).toBe("Completed");
    expect(await output("analysis.json")).toEqual(single);
  });
});
