import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NormalizedRun } from "../../../../contracts/pipeline-state.ts";
import { StagingError } from "../../../../lambdas/shared/errors.ts";
import type { SnapshotStats } from "../../../../lambdas/stage-inputs/snapshot.ts";
import { type StageInputsDeps, stageInputs } from "../../../../lambdas/stage-inputs/stage-inputs.ts";
import { type EmbeddedS3, startEmbeddedS3 } from "../../../../local/embedded-s3.ts";
import { execution, makeRun, RUNS_BUCKET, SOURCE_BUCKET, settings } from "./fixtures.ts";

let server: EmbeddedS3;
let s3: S3Client;
let directory: string;
let runCounter = 0;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "stage-inputs-"));
  server = await startEmbeddedS3({ directory, buckets: [SOURCE_BUCKET, RUNS_BUCKET] });
  s3 = server.createClient();
  await put(SOURCE_BUCKET, "data/train.csv", "age,sex,target\n30,0,1\n");
  await put(SOURCE_BUCKET, "config/analysis_config.json", '{"version":"1.0","label":"target"}');
  for (let index = 0; index < 12; index++) {
    await put(SOURCE_BUCKET, `shards/part-${index}.csv`, `a,b\n${index},${index}\n`);
  }
  await put(SOURCE_BUCKET, "shards/nested/deep file.csv", "a,b\n9,9\n");
  await put(SOURCE_BUCKET, "shards/", "");
  await put(SOURCE_BUCKET, "listed/one.csv", "a\n1\n");
  await put(SOURCE_BUCKET, "listed/sub/two.csv", "a\n2\n");
  await put(SOURCE_BUCKET, "listed/unlisted.csv", "a\n3\n");
  await put(
    SOURCE_BUCKET,
    "manifests/train.manifest",
    JSON.stringify([{ prefix: `s3://${SOURCE_BUCKET}/listed/` }, "one.csv", "sub/two.csv"]),
  );
});

afterAll(async () => {
  await server.close();
  await rm(directory, { recursive: true, force: true });
});

async function put(bucket: string, key: string, body: string): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
}

async function read(uri: string): Promise<string> {
  const [, bucket, key] = /^s3:\/\/([^/]+)\/(.*)$/.exec(uri) ?? [];
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return (await object.Body?.transformToString()) ?? "";
}

async function exists(uri: string): Promise<boolean> {
  const [, bucket, key] = /^s3:\/\/([^/]+)\/(.*)$/.exec(uri) ?? [];
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch {
    return false;
  }
}

/** A run with its own folder, so tests never see each other's copies. */
function freshRun(overrides: Partial<NormalizedRun> = {}): NormalizedRun {
  runCounter++;
  const runId = `run-${runCounter}`;
  return makeRun({ runId, runUri: `s3://${RUNS_BUCKET}/runs/${runId}/`, ...overrides });
}

function deps(stats: SnapshotStats[] = [], extra: Partial<StageInputsDeps> = {}): StageInputsDeps {
  return { s3, settings, onStats: (snapshot) => stats.push({ ...snapshot }), ...extra };
}

describe("stageInputs", () => {
  it("writes an inline config and copies a single-object dataset keeping its file name", async () => {
    // Prepare
    const run = freshRun();

    // Act
    const staged = await stageInputs({ run, execution }, deps());

    // Assess
    expect(staged.run.analysisConfig).toEqual({ s3Uri: `${run.runUri}input/analysis_config.json` });
    expect(JSON.parse(await read(`${run.runUri}input/analysis_config.json`))).toEqual(
      "inline" in run.analysisConfig ? run.analysisConfig.inline : undefined,
    );
    expect(staged.run.dataset).toEqual({
      s3Uri: `${run.runUri}input/dataset/train.csv`,
      s3DataType: "S3Prefix",
    });
    expect(await read(`${run.runUri}input/dataset/train.csv`)).toBe("age,sex,target\n30,0,1\n");
    expect(staged.clarifyJob.timeoutSeconds).toBe(run.timeoutSeconds);
    expect(staged.clarifyJob.request.ProcessingJobName).toMatch(/^clarify-credit-model-v7-[0-9a-f]{10}$/);
  });

  it("copies an S3 analysis config to input/analysis_config.json", async () => {
    // Prepare
    const run = freshRun({ analysisConfig: { s3Uri: `s3://${SOURCE_BUCKET}/config/analysis_config.json` } });

    // Act
    const staged = await stageInputs({ run, execution }, deps());

    // Assess
    expect(staged.run.analysisConfig).toEqual({ s3Uri: `${run.runUri}input/analysis_config.json` });
    expect(await read(`${run.runUri}input/analysis_config.json`)).toBe('{"version":"1.0","label":"target"}');
  });

  it("copies every object under a prefix with relative keys preserved, skipping folder markers", async () => {
    // Prepare
    const run = freshRun({ dataset: { s3Uri: `s3://${SOURCE_BUCKET}/shards/`, s3DataType: "S3Prefix" } });
    const stats: SnapshotStats[] = [];

    // Act
    const staged = await stageInputs({ run, execution }, deps(stats, { copyConcurrency: 3 }));

    // Assess
    expect(staged.run.dataset).toEqual({ s3Uri: `${run.runUri}input/dataset/`, s3DataType: "S3Prefix" });
    expect(stats).toEqual([{ copied: 13, skipped: 0 }]);
    expect(await read(`${run.runUri}input/dataset/part-11.csv`)).toBe("a,b\n11,11\n");
    expect(await read(`${run.runUri}input/dataset/nested/deep file.csv`)).toBe("a,b\n9,9\n");
  });

  it("shards the snapshot by S3 object for a builtin-engine job of several instances", async () => {
    // Prepare
    const run = freshRun({
      dataset: { s3Uri: `s3://${SOURCE_BUCKET}/shards/`, s3DataType: "S3Prefix" },
      job: { ...makeRun().job, instanceCount: 2 },
    });
    const builtin = { ...settings, engine: "builtin" as const };

    // Act
    const staged = await stageInputs({ run, execution }, deps([], { settings: builtin }));

    // Assess
    const inputs = staged.clarifyJob.request.ProcessingInputs as {
      InputName: string;
      S3Input: Record<string, unknown>;
    }[];
    expect(inputs.map((input) => [input.InputName, input.S3Input.S3DataDistributionType])).toEqual([
      ["analysis_config", "FullyReplicated"],
      ["dataset", "ShardedByS3Key"],
    ]);
    expect(inputs[1]?.S3Input.S3Uri).toBe(`${run.runUri}input/dataset/`);
  });

  it("copies the objects a manifest lists and rewrites it to point at the copies", async () => {
    // Prepare
    const run = freshRun({
      dataset: { s3Uri: `s3://${SOURCE_BUCKET}/manifests/train.manifest`, s3DataType: "ManifestFile" },
    });

    // Act
    const staged = await stageInputs({ run, execution }, deps());

    // Assess
    const manifestUri = `${run.runUri}input/dataset/manifest.json`;
    expect(staged.run.dataset).toEqual({ s3Uri: manifestUri, s3DataType: "ManifestFile" });
    expect(JSON.parse(await read(manifestUri))).toEqual([
      { prefix: `${run.runUri}input/dataset/data/` },
      "one.csv",
      "sub/two.csv",
    ]);
    expect(await read(`${run.runUri}input/dataset/data/sub/two.csv`)).toBe("a\n2\n");
    expect(await exists(`${run.runUri}input/dataset/data/unlisted.csv`)).toBe(false);
  });

  it("copies nothing twice when retried and renders the identical request", async () => {
    // Prepare
    const run = freshRun({
      analysisConfig: { s3Uri: `s3://${SOURCE_BUCKET}/config/analysis_config.json` },
      dataset: { s3Uri: `s3://${SOURCE_BUCKET}/shards/`, s3DataType: "S3Prefix" },
    });
    const stats: SnapshotStats[] = [];

    // Act
    const first = await stageInputs({ run, execution }, deps(stats));
    const retry = await stageInputs({ run, execution }, deps(stats));

    // Assess
    expect(stats).toEqual([
      { copied: 14, skipped: 0 },
      { copied: 0, skipped: 14 },
    ]);
    expect(retry).toEqual(first);
  });

  it("copies again an object whose destination differs from the source", async () => {
    // Prepare
    const run = freshRun();
    await stageInputs({ run, execution }, deps());
    await put(RUNS_BUCKET, `runs/${run.runId}/input/dataset/train.csv`, "tampered");
    const stats: SnapshotStats[] = [];

    // Act
    await stageInputs({ run, execution }, deps(stats));

    // Assess
    expect(stats).toEqual([{ copied: 1, skipped: 0 }]);
    expect(await read(`${run.runUri}input/dataset/train.csv`)).toBe("age,sex,target\n30,0,1\n");
  });

  it("records the normalised run and the request in run.json", async () => {
    // Prepare
    const run = freshRun();

    // Act
    const staged = await stageInputs({ run, execution }, deps());

    // Assess
    const record = JSON.parse(await read(`${run.runUri}run.json`));
    expect(record.run).toEqual(run);
    expect(record.request).toEqual(staged.clarifyJob.request);
    expect(record.execution).toEqual(execution);
  });

  it("fails with a StagingError naming a dataset URI that matches nothing", async () => {
    // Prepare
    const run = freshRun({
      dataset: { s3Uri: `s3://${SOURCE_BUCKET}/missing/train.csv`, s3DataType: "S3Prefix" },
    });

    // Act
    const act = stageInputs({ run, execution }, deps());

    // Assess
    await expect(act).rejects.toThrow(StagingError);
    await expect(act).rejects.toThrow(
      `dataset s3://${SOURCE_BUCKET}/missing/train.csv: no object found under this S3 URI`,
    );
  });

  it("fails with a StagingError naming a missing analysis config", async () => {
    // Prepare
    const run = freshRun({ analysisConfig: { s3Uri: `s3://${SOURCE_BUCKET}/config/nope.json` } });

    // Act
    const act = stageInputs({ run, execution }, deps());

    // Assess
    await expect(act).rejects.toThrow(
      new StagingError(`analysis config s3://${SOURCE_BUCKET}/config/nope.json: the object does not exist`),
    );
  });

  it("fails with a StagingError naming a missing bucket", async () => {
    // Prepare
    const run = freshRun({ dataset: { s3Uri: "s3://no-such-bucket/data/", s3DataType: "S3Prefix" } });

    // Act
    const act = stageInputs({ run, execution }, deps());

    // Assess
    await expect(act).rejects.toThrow(
      "cannot list the dataset s3://no-such-bucket/data/: the bucket does not exist",
    );
  });

  it("fails with a StagingError naming an object a manifest lists but S3 lacks", async () => {
    // Prepare
    await put(
      SOURCE_BUCKET,
      "manifests/broken.manifest",
      JSON.stringify([{ prefix: `s3://${SOURCE_BUCKET}/listed/` }, "one.csv", "gone.csv"]),
    );
    const run = freshRun({
      dataset: { s3Uri: `s3://${SOURCE_BUCKET}/manifests/broken.manifest`, s3DataType: "ManifestFile" },
    });

    // Act
    const act = stageInputs({ run, execution }, deps());

    // Assess
    await expect(act).rejects.toThrow(
      `object listed by manifest s3://${SOURCE_BUCKET}/manifests/broken.manifest s3://${SOURCE_BUCKET}/listed/gone.csv: the object does not exist`,
    );
  });

  it("refuses a manifest whose prefix points outside the allowed buckets", async () => {
    // Prepare
    await put(
      SOURCE_BUCKET,
      "manifests/foreign.manifest",
      JSON.stringify([{ prefix: "s3://someone-elses-bucket/data/" }, "one.csv"]),
    );
    const run = freshRun({
      dataset: { s3Uri: `s3://${SOURCE_BUCKET}/manifests/foreign.manifest`, s3DataType: "ManifestFile" },
    });

    // Act
    const act = stageInputs({ run, execution }, deps());

    // Assess
    await expect(act).rejects.toThrow(
      /bucket "someone-elses-bucket", which is not one of the allowed buckets/,
    );
  });

  it("refuses a manifest that is not in SageMaker's format", async () => {
    // Prepare
    await put(
      SOURCE_BUCKET,
      "manifests/escape.manifest",
      JSON.stringify([{ prefix: `s3://${SOURCE_BUCKET}/listed/` }, "../x"]),
    );
    const run = freshRun({
      dataset: { s3Uri: `s3://${SOURCE_BUCKET}/manifests/escape.manifest`, s3DataType: "ManifestFile" },
    });

    // Act
    const act = stageInputs({ run, execution }, deps());

    // Assess
    await expect(act).rejects.toThrow(/element 1 "..\/x" must be relative to the prefix/);
  });

  it.each([
    [
      "a key with a '.' segment",
      `s3://${SOURCE_BUCKET}/listed/`,
      "./a.csv",
      /element 1 "\.\/a\.csv" must be relative/,
    ],
    [
      "a key with an empty segment",
      `s3://${SOURCE_BUCKET}/listed/`,
      "a//b.csv",
      /element 1 "a\/\/b\.csv" must be relative/,
    ],
    [
      "a prefix that climbs with '..'",
      `s3://${SOURCE_BUCKET}/listed/../other/`,
      "a.csv",
      /prefix ".*" has a "\.", "\.\." or empty segment/,
    ],
  ])("refuses a manifest with %s", async (_case, prefix, key, message) => {
    // Prepare
    await put(SOURCE_BUCKET, "manifests/segments.manifest", JSON.stringify([{ prefix }, key]));
    const run = freshRun({
      dataset: { s3Uri: `s3://${SOURCE_BUCKET}/manifests/segments.manifest`, s3DataType: "ManifestFile" },
    });

    // Act
    const act = stageInputs({ run, execution }, deps());

    // Assess
    await expect(act).rejects.toThrow(message);
  });
});
