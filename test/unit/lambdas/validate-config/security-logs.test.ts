/**
 * Nothing secret reaches the logs. The three Lambda handlers run as in AWS (settings and
 * credentials from the environment, the SDK finding S3 through AWS_ENDPOINT_URL_S3, here
 * an embedded S3 server) while everything written to stdout, stderr and the console is
 * captured.
 *
 * What counts as secret here:
 *  - AWS credentials: the access key id, the secret access key and the session token;
 *  - the contents of an analysis configuration (inline or read from S3): it may name
 *    endpoints, internal columns and group values; logs carry paths, counts and ids only;
 *  - dataset rows: any value of the data beyond what the run itself names.
 * Each is planted as a canary string; no log line may contain any of them, for a valid
 * run, an invalid run, and a failure record.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { NormalizedRun, ValidateConfigEvent } from "../../../../contracts/pipeline-state.ts";
import { SETTINGS_ENV } from "../../../../lambdas/shared/settings.ts";
import { type EmbeddedS3, startEmbeddedS3 } from "../../../../local/embedded-s3.ts";
import { analysisConfig, SETTINGS } from "./fixtures.ts";

const CANARY = {
  accessKeyId: "AKIACANARYKEY7Q2W3E4R",
  secretAccessKey: "canary/Secret+AccessKey/9f8e7d6c5b4a3210zyxw",
  sessionToken: "canarySessionToken//FwoGZXIvYXdzEJr//Z3Q9",
  inlineConfig: "canary-inline-config-value-51c0",
  storedConfig: "canary-stored-config-value-8e2d",
  datasetRow: "canary-dataset-row-value-a7b3",
} as const;

const EXECUTION = {
  name: "exec-logs",
  id: "arn:aws:states:us-east-1:123456789012:execution:clarify-pipeline:exec-logs",
  startTime: "2026-01-01T00:00:00Z",
};

/** The dataset: a header, then rows; one row holds a canary value. */
const DATASET = `Id,Sex,Group,Target\n1,0,${CANARY.datasetRow},1\n2,1,b,0\n3,0,c,0\n`;
/** The same data without its header row: its first line is a row. */
const HEADERLESS = `1,0,${CANARY.datasetRow},1\n2,1,b,0\n`;

/** A valid config; a sensitive group value is the canary (group values can be confidential). */
function configWith(canary: string): Record<string, unknown> {
  return {
    ...analysisConfig(),
    facet: [{ name_or_index: "Sex", value_or_threshold: [0, canary] }],
    group_variable: "Group",
    methods: { pre_training_bias: { methods: ["CI", "CDDL"] } },
  };
}

let server: EmbeddedS3;
let s3: S3Client;
let directory: string;
const logged: string[] = [];

type Handler<E, R> = (event: E) => Promise<R>;
let validateHandler: Handler<ValidateConfigEvent, NormalizedRun>;
// biome-ignore lint/suspicious/noExplicitAny: the handlers' events are built by hand here
let stageHandler: Handler<any, any>;
// biome-ignore lint/suspicious/noExplicitAny: the handlers' events are built by hand here
let collectHandler: Handler<any, any>;

async function put(bucket: string, key: string, body: string): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: Buffer.from(body) }));
}

function captureOutput(): void {
  const capture = (chunk: unknown) => {
    logged.push(typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8"));
    return true;
  };
  vi.spyOn(process.stdout, "write").mockImplementation(capture);
  vi.spyOn(process.stderr, "write").mockImplementation(capture);
  for (const method of ["log", "info", "warn", "error", "debug", "trace"] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      logged.push(args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" "));
    });
  }
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "security-logs-"));
  server = await startEmbeddedS3({ directory, buckets: ["clarify-data", "clarify-artifacts"] });
  s3 = server.createClient();
  // The embedded server knows only its own dummy key: teach it the canary credentials.
  const { DUMMY_ACCOUNT } = (await import("s3rver/lib/models/account.js" as string)) as {
    DUMMY_ACCOUNT: { createKeyPair(id: string, secret: string): void };
  };
  DUMMY_ACCOUNT.createKeyPair(CANARY.accessKeyId, CANARY.secretAccessKey);
  await put("clarify-data", "credit/train.csv", DATASET);
  await put("clarify-data", "credit/headerless.csv", HEADERLESS);
  await put("clarify-data", "credit/analysis_config.json", JSON.stringify(configWith(CANARY.storedConfig)));

  const environment: Record<string, string> = {
    [SETTINGS_ENV.region]: SETTINGS.region,
    [SETTINGS_ENV.defaultOutputUri]: "s3://clarify-artifacts/clarify-runs/",
    [SETTINGS_ENV.allowedBuckets]: SETTINGS.allowedBuckets.join(","),
    [SETTINGS_ENV.defaultRoleArn]: SETTINGS.defaultRoleArn,
    [SETTINGS_ENV.clarifyImageUri]: SETTINGS.clarifyImageUri,
    AWS_ACCESS_KEY_ID: CANARY.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CANARY.secretAccessKey,
    AWS_SESSION_TOKEN: CANARY.sessionToken,
    AWS_ENDPOINT_URL_S3: server.endpoint,
    // EventBridge and SageMaker have no local server: nothing listens on port 9, one attempt.
    AWS_ENDPOINT_URL: "http://127.0.0.1:9",
    AWS_MAX_ATTEMPTS: "1",
    // The most verbose level, so that debug output is checked too.
    POWERTOOLS_LOG_LEVEL: "DEBUG",
  };
  for (const [name, value] of Object.entries(environment)) vi.stubEnv(name, value);
  vi.stubEnv("AWS_PROFILE", undefined);
  // The handlers build their SDK clients and loggers when loaded: load them in this environment.
  validateHandler = (await import("../../../../lambdas/validate-config/index.ts")).handler;
  stageHandler = (await import("../../../../lambdas/stage-inputs/index.ts")).handler;
  collectHandler = (await import("../../../../lambdas/collect-results/index.ts")).handler;
  captureOutput();
});

afterAll(async () => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  await server.close();
  await rm(directory, { recursive: true, force: true });
});

function expectNoCanary(text: string): void {
  for (const [what, canary] of Object.entries(CANARY)) {
    expect(text.includes(canary), `${what} appears in the logs`).toBe(false);
  }
}

describe("the Lambda handlers' logs", () => {
  it("hold no secret through a valid run: validate, stage, then a failure record", async () => {
    // Prepare
    logged.length = 0;
    const input = {
      runName: "credit-logs",
      analysisConfig: configWith(CANARY.inlineConfig),
      dataset: { uri: "s3://clarify-data/credit/train.csv", s3DataType: "S3Prefix" },
    };
    // Act
    const run = await validateHandler({ input, execution: EXECUTION });
    const staged = await stageHandler({ run, execution: EXECUTION });
    const failed = await collectHandler({
      mode: "recordFailure",
      state: {
        ...input,
        ...staged,
        failure: { StageInputs: { Error: "StagingError", Cause: "copy failed" } },
      },
      execution: EXECUTION,
    });
    // Assess
    const logs = logged.join("\n");
    expect(failed.summaryUri).toBe(`${run.runUri}summary.json`);
    expect(logs).toContain("run input is valid");
    expect(logs).toContain("processing job request rendered");
    expect(logs).toContain("failure recorded");
    expectNoCanary(logs);
  });

  it("name the step that wrote each line, as every step's logger does", async () => {
    // Prepare
    logged.length = 0;
    const input = {
      runName: "credit-steps",
      analysisConfig: configWith("a"),
      dataset: { uri: "s3://clarify-data/credit/train.csv", s3DataType: "S3Prefix" },
    };
    // Act
    const run = await validateHandler({ input, execution: EXECUTION });
    await stageHandler({ run, execution: EXECUTION });
    // Assess
    const lines = logged
      .flatMap((chunk) => chunk.split("\n"))
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as { message?: string; service?: string; step?: string });
    const byMessage = (message: string) => lines.find((line) => line.message === message);
    expect(byMessage("run input is valid")).toMatchObject({
      service: "clarify-pipeline",
      step: "ValidateConfig",
    });
    expect(byMessage("processing job request rendered")).toMatchObject({
      service: "clarify-pipeline",
      step: "StageInputs",
    });
  });

  it("hold no secret when the run is invalid, yet name every problem's path", async () => {
    // Prepare: three invalid runs whose problem messages quote secrets (they belong in the
    // run's own record, not in the logs): a GPU type beside a config read from S3, a config
    // value holding the canary, the first line of a headerless dataset listed as its columns.
    logged.length = 0;
    const dataset = { uri: "s3://clarify-data/credit/train.csv" };
    const inputs = [
      {
        analysisConfigUri: "s3://clarify-data/credit/analysis_config.json",
        dataset,
        job: { instanceType: "ml.p3.2xlarge" },
      },
      {
        analysisConfig: {
          ...configWith(CANARY.inlineConfig),
          label_values_or_threshold: [{ value: CANARY.inlineConfig }],
        },
        dataset,
      },
      {
        analysisConfig: configWith(CANARY.inlineConfig),
        dataset: { uri: "s3://clarify-data/credit/headerless.csv" },
      },
    ];
    // Act
    const errors: Error[] = [];
    for (const input of inputs) {
      const outcome = await validateHandler({ input, execution: EXECUTION }).catch((e: Error) => e);
      if (outcome instanceof Error) errors.push(outcome);
    }
    const recorded = await collectHandler({
      mode: "recordFailure",
      state: {
        ...inputs[2],
        failure: {
          ValidateConfig: {
            Error: "ConfigValidationError",
            Cause: JSON.stringify({ errorMessage: errors[2]?.message }),
          },
        },
      },
      execution: EXECUTION,
    });
    // Assess
    const logs = logged.join("\n");
    expect(errors.map((error) => error.name)).toEqual(Array(3).fill("ConfigValidationError"));
    expect(errors[2]?.message).toContain(CANARY.datasetRow);
    expect(errors[1]?.message).toContain(CANARY.inlineConfig);
    expect(recorded.error).toBe("ConfigValidationError");
    expect(logs).toContain('"paths":["$.job.instanceType"]');
    expect(logs).toContain('"paths":["$.analysisConfig.label_values_or_threshold"]');
    expect(logs).toContain("$.analysisConfig.label");
    expectNoCanary(logs);
  });
});
