/**
 * The validate-config Lambda handler against moto's S3 over HTTP: the analysis config
 * read by URI, the dataset's header sampled with a ranged GET, bucket regions checked.
 */

import { gzipSync } from "node:zlib";
import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  HeadObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { CLARIFY_READABLE } from "../../contracts/dataset-format.ts";
import type { NormalizedRun, ValidateConfigEvent } from "../../contracts/pipeline-state.ts";
import { ConfigValidationError } from "../../lambdas/shared/errors.ts";
import { SAMPLE_BYTES } from "../../lambdas/validate-config/preflight.ts";
import {
  ARTIFACTS_BUCKET,
  bucketAndKey,
  CLARIFY_IMAGE_URI,
  DATA_BUCKET,
  executionInfo,
  JOB_ROLE_ARN,
  motoSkipReason,
  putText,
  useMoto,
} from "./moto-lambda-environment.ts";

type Handler = (event: ValidateConfigEvent) => Promise<NormalizedRun>;

const CONFIG_URI = `s3://${DATA_BUCKET}/credit/analysis_config.json`;
const DATASET_URI = `s3://${DATA_BUCKET}/credit/train.csv`;

/** A header row, then enough rows that the file is several times the pre-flight sample. */
function datasetCsv(header: string): string {
  const rows = Array.from(
    { length: 20_000 },
    (_, i) => `${i},${30 + (i % 40)},${i % 2},${40000 + i},${i % 3 === 0 ? 1 : 0}`,
  );
  return `${header}\n${rows.join("\n")}\n`;
}

function analysisConfig(label: string): Record<string, unknown> {
  return {
    version: "1.0",
    dataset_type: "text/csv",
    label,
    label_values_or_threshold: [1],
    facet: [{ name_or_index: "Sex", value_or_threshold: [0] }],
    excluded_columns: ["Id"],
    methods: { pre_training_bias: { methods: ["CI", "DPL"] } },
  };
}

function runInput(): Record<string, unknown> {
  return {
    runName: "credit-model",
    analysisConfigUri: CONFIG_URI,
    dataset: { uri: DATASET_URI, s3DataType: "S3Prefix" },
    outputUri: `s3://${ARTIFACTS_BUCKET}/clarify-runs/`,
    job: { instanceCount: 1, maxRuntimeInSeconds: 1800 },
    gates: { CI: { absMax: 0.5 } },
  };
}

describe.skipIf(motoSkipReason !== undefined)("validate-config handler on moto S3", () => {
  const moto = useMoto();
  let handler: Handler;

  beforeAll(async () => {
    // Imported only now, so that its S3 client is built with the moto environment.
    ({ handler } = await import("../../lambdas/validate-config/index.ts"));
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("reads the config by URI, samples the dataset with a ranged GET and returns the normalised run", async () => {
    // Prepare
    const { s3 } = moto();
    const csv = datasetCsv("Id,Age,Sex,Income,Target");
    await putText(s3, CONFIG_URI, JSON.stringify(analysisConfig("Target")));
    await putText(s3, DATASET_URI, csv);
    // Observes the handler's own client without changing what it sends or receives.
    const send = vi.spyOn(S3Client.prototype, "send");

    const { ETag: configETag } = await s3.send(new HeadObjectCommand(bucketAndKey(CONFIG_URI)));

    // Act
    const run = await handler({ input: runInput(), execution: executionInfo("exec-valid") });

    // Assess: the version read is recorded, so staging copies that version or none.
    expect(run).toEqual({
      runId: "credit-model-exec-valid",
      runName: "credit-model",
      runUri: `s3://${ARTIFACTS_BUCKET}/clarify-runs/credit-model-exec-valid/`,
      analysisConfig: { s3Uri: CONFIG_URI, eTag: configETag },
      dataset: { s3Uri: DATASET_URI, s3DataType: "S3Prefix" },
      job: {
        instanceType: "ml.c5.xlarge",
        instanceCount: 1,
        volumeSizeInGB: 30,
        maxRuntimeInSeconds: 1800,
        imageUri: CLARIFY_IMAGE_URI,
        roleArn: JOB_ROLE_ARN,
      },
      gates: { CI: { absMax: 0.5 } },
      timeoutSeconds: 1800 + 900,
    });
    const datasetGets = send.mock.calls
      .map(([command], index) => ({ command, index }))
      .filter(
        ({ command }) => command instanceof GetObjectCommand && command.input.Key === "credit/train.csv",
      );
    expect(datasetGets.map(({ command }) => (command as GetObjectCommand).input.Range)).toEqual([
      `bytes=0-${SAMPLE_BYTES - 1}`,
    ]);
    const response = (await send.mock.results[datasetGets[0]?.index ?? -1]?.value) as GetObjectCommandOutput;
    expect(response.$metadata.httpStatusCode).toBe(206);
    expect(response.ContentLength).toBe(SAMPLE_BYTES);
    expect(response.ContentRange).toBe(`bytes 0-${SAMPLE_BYTES - 1}/${Buffer.byteLength(csv)}`);
  });

  it("rejects a config whose label column is not in the dataset's header", async () => {
    // Prepare
    const { s3 } = moto();
    await putText(s3, CONFIG_URI, JSON.stringify(analysisConfig("Defaulted")));
    await putText(s3, DATASET_URI, datasetCsv("Id,Age,Sex,Income,Target"));

    // Act
    const error = await handler({ input: runInput(), execution: executionInfo("exec-missing-column") }).catch(
      (e: unknown) => e,
    );

    // Assess
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect((error as ConfigValidationError).problems).toEqual([
      {
        path: `${CONFIG_URI} $.label`,
        message: `column "Defaulted" is not in ${DATASET_URI} (columns: Id, Age, Sex, Income, Target)`,
      },
    ]);
  });

  it("says the dataset is gzip-compressed from the ranged GET's bytes, never quoting them", async () => {
    // Prepare: larger than the sample, so the ranged GET returns a cut piece of the gzip stream.
    const { s3 } = moto();
    await putText(s3, CONFIG_URI, JSON.stringify(analysisConfig("Target")));
    const gzip = gzipSync(datasetCsv("Id,Age,Sex,Income,Target"), { level: 0 });
    await putText(s3, DATASET_URI, gzip);

    // Act
    const error = await handler({ input: runInput(), execution: executionInfo("exec-gzip") }).catch(
      (e: unknown) => e,
    );

    // Assess
    expect(gzip.length).toBeGreaterThan(SAMPLE_BYTES);
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect((error as ConfigValidationError).problems).toEqual([
      {
        path: "$.dataset.uri",
        message: `${DATASET_URI} is gzip-compressed; ${CLARIFY_READABLE}: decompress it first (gunzip)`,
      },
    ]);
  });

  it("samples a ManifestFile dataset from the first object the manifest lists", async () => {
    // Prepare: only the listed object has the label column.
    const { s3 } = moto();
    const manifestUri = `s3://${DATA_BUCKET}/manifest/train.manifest`;
    await putText(s3, CONFIG_URI, JSON.stringify(analysisConfig("Target")));
    await putText(s3, `s3://${DATA_BUCKET}/manifest/data/a.csv`, datasetCsv("Id,Age,Sex,Income,Target"));
    await putText(s3, `s3://${DATA_BUCKET}/manifest/data/0-unlisted.csv`, "Id,Age,Sex,Income\n");
    await putText(
      s3,
      manifestUri,
      JSON.stringify([{ prefix: `s3://${DATA_BUCKET}/manifest/data/` }, "a.csv"]),
    );
    const input = { ...runInput(), dataset: { uri: manifestUri, s3DataType: "ManifestFile" } };

    // Act
    const run = await handler({ input, execution: executionInfo("exec-manifest") });

    // Assess
    expect(run.dataset).toEqual({ s3Uri: manifestUri, s3DataType: "ManifestFile" });
    expect(run.runUri).toBe(`s3://${ARTIFACTS_BUCKET}/clarify-runs/credit-model-exec-manifest/`);
  });

  it("reports a dataset object that does not exist as a problem of the dataset field", async () => {
    // Prepare
    const { s3 } = moto();
    await putText(s3, CONFIG_URI, JSON.stringify(analysisConfig("Target")));
    const input = { ...runInput(), dataset: { uri: `s3://${DATA_BUCKET}/nowhere/`, s3DataType: "S3Prefix" } };

    // Act
    const error = await handler({ input, execution: executionInfo("exec-no-dataset") }).catch(
      (e: unknown) => e,
    );

    // Assess
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect((error as ConfigValidationError).problems).toEqual([
      {
        path: "$.dataset.uri",
        message: `no object found under s3://${DATA_BUCKET}/nowhere/; the dataset is empty or missing`,
      },
    ]);
  });
});
