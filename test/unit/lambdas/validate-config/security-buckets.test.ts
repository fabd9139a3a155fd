/**
 * The confused-deputy guard wherever an S3 URI can hide: inside an analysis config read
 * from S3 (dataset_uri, a SHAP baseline), in a manifest's prefix, in any S3Uri of a raw
 * request. Each is refused at its own path, and validate-config never sends a single
 * request to the foreign bucket (every S3 request is recorded on the real protocol).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ConfigProblem } from "../../../../lambdas/shared/errors.ts";
import { ConfigValidationError } from "../../../../lambdas/shared/errors.ts";
import { validateConfig } from "../../../../lambdas/validate-config/validate-config.ts";
import { type EmbeddedS3, startEmbeddedS3 } from "../../../../local/embedded-s3.ts";
import { analysisConfig, DATASET_CSV, requestInput, runInput, SETTINGS } from "./fixtures.ts";

// biome-ignore lint/suspicious/noExplicitAny: the tests edit arbitrary JSON inputs
type Json = Record<string, any>;

const FOREIGN = "victim-bucket";
const NOT_ALLOWED = `bucket "${FOREIGN}" is not allowed for this deployment (allowed: clarify-data, clarify-artifacts); ask the deployer to add it`;
const EXECUTION = {
  name: "exec-sec",
  id: "arn:aws:states:us-east-1:123456789012:execution:sm:exec-sec",
  startTime: "2026-01-01T00:00:00Z",
};

let server: EmbeddedS3;
let s3: S3Client;
let directory: string;
/** The bucket of every S3 request validate-config sent, in order. */
let bucketsRequested: string[] = [];

async function put(bucket: string, key: string, body: unknown): Promise<void> {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: Buffer.from(text) }));
}

async function problemsOf(input: unknown): Promise<readonly ConfigProblem[]> {
  bucketsRequested = [];
  try {
    await validateConfig({ input, execution: EXECUTION }, { s3, settings: SETTINGS });
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems;
    throw error;
  }
  return [];
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "validate-config-buckets-"));
  server = await startEmbeddedS3({ directory, buckets: ["clarify-data", "clarify-artifacts", FOREIGN] });
  s3 = server.createClient();
  await put(FOREIGN, "data/train.csv", DATASET_CSV);
  await put("clarify-data", "credit/train.csv", DATASET_CSV);
  await put("clarify-data", "configs/foreign-dataset.json", {
    ...analysisConfig(),
    dataset_uri: `s3://${FOREIGN}/data/train.csv`,
  });
  await put("clarify-data", "configs/foreign-baseline.json", {
    ...analysisConfig(),
    predictor: { endpoint_name: "credit-endpoint" },
    methods: { shap: { baseline: `s3://${FOREIGN}/data/baseline.csv`, num_samples: 10 } },
  });
  await put("clarify-data", "manifests/foreign.manifest", [{ prefix: `s3://${FOREIGN}/data/` }, "train.csv"]);
  await put("clarify-data", "manifests/local.manifest", [
    { prefix: "s3://clarify-data/credit/" },
    "train.csv",
  ]);
  // Installed after the setup writes, so that only validate-config's own requests are recorded.
  s3.middlewareStack.add(
    (next) => async (args) => {
      bucketsRequested.push(String((args.input as { Bucket?: string }).Bucket));
      return next(args);
    },
    { step: "initialize", name: "recordBuckets" },
  );
});

beforeEach(() => {
  bucketsRequested = [];
});

afterAll(async () => {
  await server.close();
  await rm(directory, { recursive: true, force: true });
});

describe("validate-config refuses buckets outside the deployment's", () => {
  it("in the dataset_uri of an analysis config read from S3", async () => {
    // Prepare
    const input: Json = {
      ...runInput(),
      analysisConfigUri: "s3://clarify-data/configs/foreign-dataset.json",
    };
    delete input.analysisConfig;
    delete input.dataset;
    // Act
    const problems = await problemsOf(input);
    // Assess
    expect(problems).toEqual([
      { path: "s3://clarify-data/configs/foreign-dataset.json $.dataset_uri", message: NOT_ALLOWED },
    ]);
    expect(bucketsRequested).not.toContain(FOREIGN);
  });

  it("in a SHAP baseline of an analysis config read from S3", async () => {
    // Prepare
    const input: Json = {
      ...runInput(),
      analysisConfigUri: "s3://clarify-data/configs/foreign-baseline.json",
    };
    delete input.analysisConfig;
    // Act
    const problems = await problemsOf(input);
    // Assess
    expect(problems).toEqual([
      {
        path: "s3://clarify-data/configs/foreign-baseline.json $.methods.shap.baseline",
        message: NOT_ALLOWED,
      },
    ]);
    expect(bucketsRequested).not.toContain(FOREIGN);
  });

  it("in the prefix of a manifest, before anything is read from it", async () => {
    // Prepare
    const input: Json = runInput();
    input.dataset = { uri: "s3://clarify-data/manifests/foreign.manifest", s3DataType: "ManifestFile" };
    // Act
    const problems = await problemsOf(input);
    // Assess
    expect(problems).toEqual([
      {
        path: "$.dataset.uri",
        message: `the manifest s3://clarify-data/manifests/foreign.manifest points at bucket "${FOREIGN}", which is not allowed for this deployment (allowed: clarify-data, clarify-artifacts); ask the deployer to add it`,
      },
    ]);
    expect(bucketsRequested).not.toContain(FOREIGN);
  });

  it("still reads a manifest whose prefix is in an allowed bucket", async () => {
    // Prepare
    const input: Json = runInput();
    input.dataset = { uri: "s3://clarify-data/manifests/local.manifest", s3DataType: "ManifestFile" };
    // Act
    const problems = await problemsOf(input);
    // Assess
    expect(problems).toEqual([]);
    expect(bucketsRequested).toContain("clarify-data");
  });

  it.each([
    [
      "the analysis_config input",
      (r: Json): void => {
        r.ProcessingInputs[0].S3Input.S3Uri = `s3://${FOREIGN}/c.json`;
      },
      "$.processingJobRequest.ProcessingInputs[0].S3Input.S3Uri",
    ],
    [
      "the dataset input",
      (r: Json): void => {
        r.ProcessingInputs[1].S3Input.S3Uri = `s3://${FOREIGN}/data/`;
      },
      "$.processingJobRequest.ProcessingInputs[1].S3Input.S3Uri",
    ],
    [
      "the output",
      (r: Json): void => {
        r.ProcessingOutputConfig.Outputs[0].S3Output.S3Uri = `s3://${FOREIGN}/out/`;
      },
      "$.processingJobRequest.ProcessingOutputConfig.Outputs[0].S3Output.S3Uri",
    ],
    [
      "an experiment name holding an S3 URI",
      (r: Json): void => {
        r.ExperimentConfig = { ExperimentName: `s3://${FOREIGN}/x` };
      },
      "$.processingJobRequest.ExperimentConfig.ExperimentName",
    ],
  ] as const)("in %s of a raw request", async (_where, edit, path) => {
    // Prepare
    const input: Json = requestInput();
    edit(input.processingJobRequest);
    // Act
    const problems = await problemsOf(input);
    // Assess
    expect(problems).toEqual([{ path, message: NOT_ALLOWED }]);
    expect(bucketsRequested).toEqual([]);
  });
});
