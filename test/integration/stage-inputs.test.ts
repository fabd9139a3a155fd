/**
 * The stage-inputs Lambda handler against moto's S3 over HTTP: server-side copies of a
 * single object, of a prefix of many objects and of a manifest's objects, the run record,
 * and a retried step that copies nothing.
 */
import {
  CopyObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
  S3Client as S3ClientClass,
} from "@aws-sdk/client-s3";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { NormalizedRun, StagedRun, StageInputsEvent } from "../../contracts/pipeline-state.ts";
import { SOURCE_ETAG_METADATA } from "../../lambdas/stage-inputs/s3-copy.ts";
import {
  ARTIFACTS_BUCKET,
  bucketAndKey,
  CLARIFY_IMAGE_URI,
  DATA_BUCKET,
  executionInfo,
  getText,
  JOB_ROLE_ARN,
  motoSkipReason,
  putText,
  useMoto,
} from "./moto-lambda-environment.ts";

type Handler = (event: StageInputsEvent) => Promise<StagedRun>;

const CONFIG_URI = `s3://${DATA_BUCKET}/credit/analysis_config.json`;
const CONFIG_TEXT = `${JSON.stringify({ version: "1.0", dataset_type: "text/csv", label: "Target" })}\n`;

function normalizedRun(runId: string, dataset: NormalizedRun["dataset"]): NormalizedRun {
  return {
    runId,
    runName: "credit-model",
    runUri: `s3://${ARTIFACTS_BUCKET}/clarify-runs/${runId}/`,
    analysisConfig: { s3Uri: CONFIG_URI },
    ...(dataset ? { dataset } : {}),
    job: {
      instanceType: "ml.c5.xlarge",
      instanceCount: 1,
      volumeSizeInGB: 30,
      maxRuntimeInSeconds: 1800,
      imageUri: CLARIFY_IMAGE_URI,
      roleArn: JOB_ROLE_ARN,
    },
    gates: { CI: { absMax: 0.5 } },
    timeoutSeconds: 2700,
  };
}

/** Every key under a prefix with its bytes, keys relative to the prefix. */
async function contentsUnder(s3: S3Client, prefixUri: string): Promise<Record<string, string>> {
  const { Bucket, Key: Prefix } = bucketAndKey(prefixUri);
  const listing = await s3.send(new ListObjectsV2Command({ Bucket, Prefix }));
  const contents: Record<string, string> = {};
  for (const object of listing.Contents ?? []) {
    const key = object.Key as string;
    contents[key.slice(Prefix.length)] = await getText(s3, `s3://${Bucket}/${key}`);
  }
  return contents;
}

describe.skipIf(motoSkipReason !== undefined)("stage-inputs handler on moto S3", () => {
  const moto = useMoto();
  let handler: Handler;

  beforeAll(async () => {
    ({ handler } = await import("../../lambdas/stage-inputs/index.ts"));
    await putText(moto().s3, CONFIG_URI, CONFIG_TEXT);
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("snapshots a single dataset object and the config with identical bytes and writes run.json", async () => {
    // Prepare: a key that needs URL encoding in CopySource.
    const { s3 } = moto();
    const datasetText = "Id,Sex,Target\n1,0,1\n2,1,0\n";
    const datasetUri = `s3://${DATA_BUCKET}/single/train set (v2)+1.csv`;
    await putText(s3, datasetUri, datasetText);
    const run = normalizedRun("credit-model-exec-single", { s3Uri: datasetUri, s3DataType: "S3Prefix" });
    const execution = executionInfo("exec-single");

    // Act
    const staged = await handler({ run, execution });

    // Assess
    const input = `${run.runUri}input/`;
    expect(staged.run.analysisConfig).toEqual({ s3Uri: `${input}analysis_config.json` });
    expect(staged.run.dataset).toEqual({
      s3Uri: `${input}dataset/train set (v2)+1.csv`,
      s3DataType: "S3Prefix",
    });
    expect(await contentsUnder(s3, input)).toEqual({
      "analysis_config.json": CONFIG_TEXT,
      "dataset/train set (v2)+1.csv": datasetText,
    });
    const source = await s3.send(new HeadObjectCommand(bucketAndKey(datasetUri)));
    const copy = await s3.send(new HeadObjectCommand(bucketAndKey(`${input}dataset/train set (v2)+1.csv`)));
    expect(copy.Metadata?.[SOURCE_ETAG_METADATA]).toBe(source.ETag);
    const record = JSON.parse(await getText(s3, `${run.runUri}run.json`));
    expect(record).toEqual({ run, request: staged.clarifyJob.request, execution });
    expect(staged.clarifyJob.timeoutSeconds).toBe(2700);
  });

  it("snapshots every object under a dataset prefix, keeping relative keys", async () => {
    // Prepare: more objects than the copy concurrency, in nested folders, plus a folder marker;
    // keys are copied relative to the URI's folder.
    const { s3 } = moto();
    const expected: Record<string, string> = { "analysis_config.json": CONFIG_TEXT };
    for (let i = 0; i < 30; i++) {
      const relative = `part-${String(i).padStart(3, "0")}${i % 3 === 0 ? "/nested" : ""}.csv`;
      const body = `Id,Sex,Target\n${i},${i % 2},${i % 3}\n`;
      await putText(s3, `s3://${DATA_BUCKET}/many/shards/${relative}`, body);
      expected[`dataset/${relative}`] = body;
    }
    await s3.send(
      new PutObjectCommand({
        Bucket: DATA_BUCKET,
        Key: "many/shards/empty-folder/",
        Body: "",
        ContentLength: 0,
      }),
    );
    const run = normalizedRun("credit-model-exec-prefix", {
      s3Uri: `s3://${DATA_BUCKET}/many/shards/`,
      s3DataType: "S3Prefix",
    });

    // Act
    const staged = await handler({ run, execution: executionInfo("exec-prefix") });

    // Assess
    expect(staged.run.dataset).toEqual({ s3Uri: `${run.runUri}input/dataset/`, s3DataType: "S3Prefix" });
    expect(await contentsUnder(s3, `${run.runUri}input/`)).toEqual(expected);
  });

  it("copies a manifest's objects and rewrites its prefix to point at the copies", async () => {
    // Prepare
    const { s3 } = moto();
    const manifestUri = `s3://${DATA_BUCKET}/manifest/train.manifest`;
    await putText(s3, `s3://${DATA_BUCKET}/manifest/data/a.csv`, "Id,Sex,Target\n1,0,1\n");
    await putText(s3, `s3://${DATA_BUCKET}/manifest/data/sub/b.csv`, "Id,Sex,Target\n2,1,0\n");
    await putText(s3, `s3://${DATA_BUCKET}/manifest/data/not-listed.csv`, "Id,Sex,Target\n3,1,1\n");
    await putText(
      s3,
      manifestUri,
      JSON.stringify([{ prefix: `s3://${DATA_BUCKET}/manifest/data/` }, "a.csv", "sub/b.csv"]),
    );
    const run = normalizedRun("credit-model-exec-manifest", {
      s3Uri: manifestUri,
      s3DataType: "ManifestFile",
    });

    // Act
    const staged = await handler({ run, execution: executionInfo("exec-manifest") });

    // Assess
    const dataset = `${run.runUri}input/dataset/`;
    expect(staged.run.dataset).toEqual({ s3Uri: `${dataset}manifest.json`, s3DataType: "ManifestFile" });
    expect(await contentsUnder(s3, dataset)).toEqual({
      "data/a.csv": "Id,Sex,Target\n1,0,1\n",
      "data/sub/b.csv": "Id,Sex,Target\n2,1,0\n",
      "manifest.json": `${JSON.stringify([{ prefix: `${dataset}data/` }, "a.csv", "sub/b.csv"])}\n`,
    });
  });

  it("copies nothing when the step is retried and leaves the snapshots untouched", async () => {
    // Prepare
    const { s3 } = moto();
    for (const name of ["a.csv", "b.csv", "c.csv"]) {
      await putText(s3, `s3://${DATA_BUCKET}/retry/${name}`, `Id,Sex,Target\n${name},0,1\n`);
    }
    const run = normalizedRun("credit-model-exec-retry", {
      s3Uri: `s3://${DATA_BUCKET}/retry/`,
      s3DataType: "S3Prefix",
    });
    const event = { run, execution: executionInfo("exec-retry") };
    const first = await handler(event);
    const snapshotKeys = ["analysis_config.json", "dataset/a.csv", "dataset/b.csv", "dataset/c.csv"];
    const heads = async () =>
      Promise.all(
        snapshotKeys.map(async (key) => {
          const head = await s3.send(new HeadObjectCommand(bucketAndKey(`${run.runUri}input/${key}`)));
          return { key, eTag: head.ETag, lastModified: head.LastModified?.toISOString() };
        }),
      );
    const before = await heads();
    // Observes the handler's own client without changing what it sends or receives.
    const send = vi.spyOn(S3ClientClass.prototype, "send");

    // Act
    const second = await handler(event);

    // Assess
    const commands = send.mock.calls.map(([command]) => command.constructor.name);
    expect(commands.filter((name) => name === CopyObjectCommand.name)).toEqual([]);
    expect(commands.filter((name) => name === HeadObjectCommand.name).length).toBeGreaterThanOrEqual(4);
    expect(second).toEqual(first);
    expect(await heads()).toEqual(before);
  });

  it("copies the analysis config only in the version validation read, sending CopySourceIfMatch", async () => {
    // Prepare
    const { s3 } = moto();
    const configUri = `s3://${DATA_BUCKET}/swap/analysis_config.json`;
    await putText(s3, configUri, CONFIG_TEXT);
    const validated = (await s3.send(new HeadObjectCommand(bucketAndKey(configUri)))).ETag as string;
    const run = {
      ...normalizedRun("credit-model-exec-if-match", undefined),
      analysisConfig: { s3Uri: configUri, eTag: validated },
    };
    const send = vi.spyOn(S3ClientClass.prototype, "send");

    // Act
    await handler({ run, execution: executionInfo("exec-if-match") });

    // Assess
    const copies = send.mock.calls
      .map(([command]) => command)
      .filter((command) => command instanceof CopyObjectCommand);
    expect(copies.map((command) => command.input)).toEqual([
      expect.objectContaining({
        Bucket: ARTIFACTS_BUCKET,
        Key: "clarify-runs/credit-model-exec-if-match/input/analysis_config.json",
        CopySource: `${DATA_BUCKET}/swap/analysis_config.json`,
        CopySourceIfMatch: validated,
      }),
    ]);
    expect(await getText(s3, `${run.runUri}input/analysis_config.json`)).toBe(CONFIG_TEXT);
  });

  it("refuses, with a StagingError, a config swapped between validation and staging", async () => {
    // Prepare: validated in one version, replaced before StageInputs runs.
    const { s3 } = moto();
    const configUri = `s3://${DATA_BUCKET}/swapped/analysis_config.json`;
    await putText(s3, configUri, CONFIG_TEXT);
    const validated = (await s3.send(new HeadObjectCommand(bucketAndKey(configUri)))).ETag as string;
    await putText(s3, configUri, CONFIG_TEXT.replace("Target", "Other"));
    const run = {
      ...normalizedRun("credit-model-exec-swapped", undefined),
      analysisConfig: { s3Uri: configUri, eTag: validated },
    };

    // Act
    const act = handler({ run, execution: executionInfo("exec-swapped") });

    // Assess
    await expect(act).rejects.toMatchObject({
      name: "StagingError",
      message: expect.stringMatching(
        /^the analysis config s3:\/\/clarify-data\/swapped\/analysis_config\.json changed after it was validated \(ETag "\w+" when validated, "\w+" now\); it is not copied: start a new execution/,
      ),
    });
    expect(await contentsUnder(s3, `${run.runUri}input/`)).toEqual({});
  });
});
