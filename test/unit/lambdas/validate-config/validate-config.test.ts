import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigValidationError } from "../../../../lambdas/shared/errors.ts";
import { validateConfig } from "../../../../lambdas/validate-config/validate-config.ts";
import { type EmbeddedS3, startEmbeddedS3 } from "../../../../local/embedded-s3.ts";
import { analysisConfig, DATASET_CSV, edited, requestInput, runInput, SETTINGS } from "./fixtures.ts";

// biome-ignore lint/suspicious/noExplicitAny: the tests edit arbitrary JSON inputs
type Json = Record<string, any>;

const EXECUTION = {
  name: "exec-42",
  id: "arn:aws:states:us-east-1:123456789012:execution:sm:exec-42",
  startTime: "2026-01-01T00:00:00Z",
};

let server: EmbeddedS3;
let s3: S3Client;
let directory: string;

async function put(bucket: string, key: string, body: string): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: Buffer.from(body) }));
}

async function problemsOf(
  input: unknown,
  settings = SETTINGS,
): Promise<readonly { path: string; message: string }[]> {
  try {
    await validateConfig({ input, execution: EXECUTION }, { s3, settings });
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems;
    throw error;
  }
  return [];
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "validate-config-"));
  server = await startEmbeddedS3({
    directory,
    buckets: ["clarify-data", "clarify-artifacts", "victim-bucket"],
  });
  s3 = server.createClient();
  await put("clarify-data", "credit/train.csv", DATASET_CSV);
  await put("clarify-data", "credit/analysis_config.json", JSON.stringify(analysisConfig()));
  await put("clarify-data", "parts/", "");
  await put("clarify-data", "parts/part-0001.csv", DATASET_CSV);
  await put("clarify-data", "lines/data.jsonl", '{"Id":1,"Sex":0,"Target":1,"Age":35}\n');
  await put(
    "clarify-data",
    "manifest.json",
    JSON.stringify([{ prefix: "s3://clarify-data/credit/" }, "train.csv"]),
  );
  await put("clarify-data", "bad-manifest.json", JSON.stringify({ files: [] }));
  await put("clarify-data", "broken.json", "{ not json");
  await put("victim-bucket", "secret.csv", DATASET_CSV);
});

afterAll(async () => {
  await server.close();
  await rm(directory, { recursive: true, force: true });
});

describe("validateConfig", () => {
  it("returns the normalised run for a valid run.json", async () => {
    // Prepare
    const input = runInput();
    // Act
    const run = await validateConfig({ input, execution: EXECUTION }, { s3, settings: SETTINGS });
    // Assess
    expect(run).toEqual({
      runId: "credit-model-v7-exec-42",
      runName: "credit-model-v7",
      runUri: "s3://clarify-artifacts/clarify-runs/credit-model-v7-exec-42/",
      analysisConfig: { inline: analysisConfig() },
      dataset: { s3Uri: "s3://clarify-data/credit/train.csv", s3DataType: "S3Prefix" },
      job: {
        instanceType: "ml.c5.xlarge",
        instanceCount: 1,
        volumeSizeInGB: 20,
        maxRuntimeInSeconds: 3600,
        imageUri: SETTINGS.clarifyImageUri,
        roleArn: SETTINGS.defaultRoleArn,
      },
      gates: { CI: { absMax: 0.2 }, DPL: { min: -0.1, max: 0.1 } },
      timeoutSeconds: 3600 + SETTINGS.timeoutMarginSeconds,
    });
  });

  it("applies the deployment defaults and names the run after the execution when runName is absent", async () => {
    // Prepare
    const input = edited(runInput(), (i: Json) => {
      delete i.runName;
      delete i.outputUri;
      delete i.job;
      delete i.gates;
    });
    // Act
    const run = await validateConfig({ input, execution: EXECUTION }, { s3, settings: SETTINGS });
    // Assess
    expect(run.runId).toBe("exec-42");
    expect(run.runName).toBe("exec-42");
    expect(run.runUri).toBe("s3://clarify-artifacts/clarify-runs/exec-42/");
    expect(run.job).toEqual({
      instanceType: SETTINGS.defaultInstanceType,
      instanceCount: SETTINGS.defaultInstanceCount,
      volumeSizeInGB: SETTINGS.defaultVolumeSizeInGB,
      maxRuntimeInSeconds: SETTINGS.defaultMaxRuntimeInSeconds,
      imageUri: SETTINGS.clarifyImageUri,
      roleArn: SETTINGS.defaultRoleArn,
    });
    expect(run.gates).toEqual({});
    expect(run.timeoutSeconds).toBe(SETTINGS.defaultMaxRuntimeInSeconds + SETTINGS.timeoutMarginSeconds);
  });

  it("normalises a raw CreateProcessingJob request, reading its analysis config from S3", async () => {
    // Prepare
    const input = requestInput();
    // Act
    const run = await validateConfig({ input, execution: EXECUTION }, { s3, settings: SETTINGS });
    // Assess
    expect(run.analysisConfig).toEqual({
      s3Uri: "s3://clarify-data/credit/analysis_config.json",
      eTag: expect.stringMatching(/^"[0-9a-f]{32}"$/),
    });
    expect(run.dataset).toEqual({ s3Uri: "s3://clarify-data/credit/train.csv", s3DataType: "S3Prefix" });
    expect(run.runUri).toBe("s3://clarify-artifacts/clarify-runs/exec-42/");
    expect(run.job).toEqual({
      instanceType: "ml.c5.xlarge",
      instanceCount: 1,
      volumeSizeInGB: 20,
      maxRuntimeInSeconds: 7200,
      imageUri: SETTINGS.clarifyImageUri,
      roleArn: "arn:aws:iam::123456789012:role/ClarifyJobRole",
    });
    expect(run.timeoutSeconds).toBe(7200 + SETTINGS.timeoutMarginSeconds);
  });

  it("throws ConfigValidationError whose message lists every problem as <json-path>: <message>", async () => {
    // Prepare
    const input = edited(runInput(), (i: Json) => {
      i.job.instanceType = "ml.p3.2xlarge";
      i.job.maxRuntimeInSeconds = 604801;
    });
    // Act
    const error = await validateConfig({ input, execution: EXECUTION }, { s3, settings: SETTINGS }).catch(
      (e) => e,
    );
    // Assess
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect(error.name).toBe("ConfigValidationError");
    expect(error.message.split("\n")).toEqual([
      "$.job.instanceType: ml.p3.2xlarge is a GPU instance type; Clarify does not use GPUs (use a CPU type such as ml.c5.xlarge)",
      "$.job.maxRuntimeInSeconds: 604801 is out of range; MaxRuntimeInSeconds (at most 7 days) must be from 1 to 604800",
    ]);
  });

  it("reports a label, facet and excluded column missing from the CSV header", async () => {
    // Prepare
    const input = edited(runInput(), (i: Json) => {
      i.analysisConfig.label = "Default";
      i.analysisConfig.facet = [{ name_or_index: "Gender" }];
      i.analysisConfig.excluded_columns = ["Id", "Zip"];
    });
    // Act
    const problems = await problemsOf(input);
    // Assess
    const columns = "(columns: Id, Age, Sex, Income, Target)";
    expect(problems).toEqual([
      {
        path: "$.analysisConfig.label",
        message: `column "Default" is not in s3://clarify-data/credit/train.csv ${columns}`,
      },
      {
        path: "$.analysisConfig.facet[0].name_or_index",
        message: `column "Gender" is not in s3://clarify-data/credit/train.csv ${columns}`,
      },
      {
        path: "$.analysisConfig.excluded_columns[1]",
        message: `column "Zip" is not in s3://clarify-data/credit/train.csv ${columns}`,
      },
    ]);
  });

  it("checks group_variable and predicted_label columns too", async () => {
    // Prepare
    const input = edited(runInput(), (i: Json) => {
      i.analysisConfig.group_variable = "Region";
      i.analysisConfig.predicted_label = "Prediction";
    });
    // Act
    const paths = (await problemsOf(input)).map((p) => p.path);
    // Assess
    expect(paths).toEqual(["$.analysisConfig.group_variable", "$.analysisConfig.predicted_label"]);
  });

  it("uses the config's headers when given, and checks index references against the column count", async () => {
    // Prepare
    const input = edited(runInput(), (i: Json) => {
      i.analysisConfig.headers = ["Id", "Age", "Sex", "Income", "Target"];
      i.analysisConfig.facet = [{ name_or_index: 7 }];
    });
    // Act
    const problems = await problemsOf(input);
    // Assess
    expect(problems).toEqual([
      {
        path: "$.analysisConfig.facet[0].name_or_index",
        message: "column index 7 is out of range; s3://clarify-data/credit/train.csv has 5 columns",
      },
    ]);
  });

  it("reads the first object under an S3 prefix, skipping folder markers", async () => {
    // Prepare
    const input = edited(runInput(), (i: Json) => {
      i.dataset.uri = "s3://clarify-data/parts/";
      i.analysisConfig.label = "Missing";
    });
    // Act
    const problems = await problemsOf(input);
    // Assess
    expect(problems).toEqual([
      {
        path: "$.analysisConfig.label",
        message: expect.stringContaining("is not in s3://clarify-data/parts/part-0001.csv"),
      },
    ]);
  });

  it("reads the first object a manifest lists", async () => {
    // Prepare
    const input = edited(runInput(), (i: Json) => {
      i.dataset = { uri: "s3://clarify-data/manifest.json", s3DataType: "ManifestFile" };
      i.analysisConfig.label = "Missing";
    });
    // Act
    const problems = await problemsOf(input);
    // Assess
    expect(problems).toEqual([
      {
        path: "$.analysisConfig.label",
        message: expect.stringContaining("is not in s3://clarify-data/credit/train.csv"),
      },
    ]);
  });

  it("reports a manifest that is not in the manifest format", async () => {
    // Prepare
    const input = edited(runInput(), (i: Json) => {
      i.dataset = { uri: "s3://clarify-data/bad-manifest.json", s3DataType: "ManifestFile" };
    });
    // Act
    const problems = await problemsOf(input);
    // Assess
    expect(problems).toEqual([
      { path: "$.dataset.uri", message: expect.stringMatching(/must be \[\{"prefix"/) },
    ]);
  });

  it("checks JSON Lines columns against the keys of the first record", async () => {
    // Prepare
    const input = edited(runInput(), (i: Json) => {
      i.dataset.uri = "s3://clarify-data/lines/data.jsonl";
      i.analysisConfig.dataset_type = "application/jsonlines";
      i.analysisConfig.facet = [{ name_or_index: "Gender" }];
    });
    // Act
    const problems = await problemsOf(input);
    // Assess
    expect(problems).toEqual([
      {
        path: "$.analysisConfig.facet[0].name_or_index",
        message: expect.stringContaining('column "Gender" is not in'),
      },
    ]);
  });

  it("reports a dataset prefix with no object under it", async () => {
    // Prepare
    const input = edited(runInput(), (i: Json) => (i.dataset.uri = "s3://clarify-data/nothing-here/"));
    // Act
    const problems = await problemsOf(input);
    // Assess
    expect(problems).toEqual([
      {
        path: "$.dataset.uri",
        message: "no object found under s3://clarify-data/nothing-here/; the dataset is empty or missing",
      },
    ]);
  });

  it("reports a missing analysisConfigUri object", async () => {
    // Prepare
    const input = edited(runInput(), (i: Json) => {
      delete i.analysisConfig;
      i.analysisConfigUri = "s3://clarify-data/credit/missing.json";
    });
    // Act
    const problems = await problemsOf(input);
    // Assess
    expect(problems).toEqual([
      {
        path: "$.analysisConfigUri",
        message: "s3://clarify-data/credit/missing.json cannot be read: it does not exist (NoSuchKey)",
      },
    ]);
  });

  it("reports an analysisConfigUri object that is not JSON", async () => {
    // Prepare
    const input = edited(runInput(), (i: Json) => {
      delete i.analysisConfig;
      i.analysisConfigUri = "s3://clarify-data/broken.json";
    });
    // Act
    const problems = await problemsOf(input);
    // Assess
    expect(problems).toEqual([
      { path: "$.analysisConfigUri", message: expect.stringMatching(/is not valid JSON/) },
    ]);
  });

  it("validates a config read from analysisConfigUri, addressing problems inside the file", async () => {
    // Prepare
    await put(
      "clarify-data",
      "configs/no-label.json",
      JSON.stringify({ ...analysisConfig(), label: undefined }),
    );
    const input = edited(runInput(), (i: Json) => {
      delete i.analysisConfig;
      i.analysisConfigUri = "s3://clarify-data/configs/no-label.json";
    });
    // Act
    const problems = await problemsOf(input);
    // Assess
    expect(problems).toEqual([
      {
        path: "s3://clarify-data/configs/no-label.json $.label",
        message: "label is required for bias analysis (the target column)",
      },
    ]);
  });

  it("requires the dataset input of a request whose config file has no dataset_uri", async () => {
    // Prepare
    const input = edited(requestInput(), (i) => (i.processingJobRequest.ProcessingInputs as unknown[]).pop());
    // Act
    const problems = await problemsOf(input);
    // Assess
    expect(problems).toEqual([
      {
        path: "$.processingJobRequest.ProcessingInputs",
        message:
          'the dataset is required: give an input named "dataset", or dataset_uri in the analysis configuration',
      },
    ]);
  });

  it("never reads a bucket outside the allowed buckets (confused-deputy guard)", async () => {
    // Prepare
    const input = edited(runInput(), (i: Json) => (i.dataset.uri = "s3://victim-bucket/secret.csv"));
    // Act
    const problems = await problemsOf(input);
    // Assess
    expect(problems).toEqual([
      {
        path: "$.dataset.uri",
        message:
          'bucket "victim-bucket" is not allowed for this deployment (allowed: clarify-data, clarify-artifacts); ask the deployer to add it',
      },
    ]);
  });

  it("reports buckets outside the job's region when S3 tells their region", async () => {
    // Prepare: the embedded server places every bucket in us-east-1.
    const settings = {
      ...SETTINGS,
      region: "eu-west-1",
      clarifyImageUri: "131013547314.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-clarify-processing:1.0",
    };
    // Act
    const problems = await problemsOf(runInput(), settings);
    // Assess
    expect(problems).toEqual([
      {
        path: "$.dataset.uri",
        message: expect.stringMatching(
          /bucket "clarify-data" is in us-east-1, but the job runs in eu-west-1/,
        ),
      },
      { path: "$.outputUri", message: expect.stringMatching(/bucket "clarify-artifacts" is in us-east-1/) },
    ]);
  });

  it("reports a missing execution name as a validation error", async () => {
    // Prepare
    const event = { input: runInput() } as unknown as Parameters<typeof validateConfig>[0];
    // Act
    const error = await validateConfig(event, { s3, settings: SETTINGS }).catch((e) => e);
    // Assess
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect(error.message).toBe("$$.Execution.Name: the execution name is missing from the event");
  });
});
