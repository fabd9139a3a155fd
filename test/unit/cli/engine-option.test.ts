/** `--engine` of validate and start: the offline check applies the rules of the deployment's engine. */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../support/run-cli.ts";

const sfn = mockClient(SFNClient);
const STATE_MACHINE_ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:clarify-pipeline";
const CONFIG = {
  dataset_type: "text/csv",
  headers: ["Target", "Sex"],
  label: "Target",
  label_values_or_threshold: [1],
  facet: [{ name_or_index: "Sex", value_or_threshold: [0] }],
  methods: { pre_training_bias: { methods: ["CI"] } },
};
/** Text explanations: the Clarify image computes them, the builtin engine does not. */
const TEXT_SHAP = {
  ...CONFIG,
  methods: {
    ...CONFIG.methods,
    shap: { num_samples: 5, text_config: { granularity: "token", language: "english" } },
  },
  predictor: { model_name: "credit-model", instance_type: "ml.m5.xlarge", initial_instance_count: 1 },
};
let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "engine-option-"));
});
afterAll(() => rm(root, { recursive: true, force: true }));
afterEach(() => sfn.reset());

async function runJson(name: string, analysisConfig: unknown, job: Record<string, unknown> = {}) {
  const path = join(root, name);
  await writeFile(
    path,
    JSON.stringify({
      runName: "credit",
      analysisConfig,
      dataset: { uri: "s3://data-bucket/credit.csv", s3DataType: "S3Prefix" },
      job,
    }),
  );
  return path;
}

describe("validate --engine", () => {
  it("accepts text SHAP for the Clarify image and refuses it, naming the option, for the builtin engine", async () => {
    // Prepare
    const input = await runJson("shap.json", TEXT_SHAP);

    // Act
    const clarify = await runCli(["validate", "--input", input]);
    const builtin = await runCli(["validate", "--input", input, "--engine", "builtin"]);

    // Assess
    expect(clarify.code).toBe(0);
    expect(builtin.code).toBe(1);
    expect(builtin.stderr).toMatch(
      /^\$\.analysisConfig\.methods\.shap\.text_config: the builtin engine this deployment runs cannot compute this .*ClarifyEngine\.clarify\(\)/m,
    );
  });

  it("refuses a Clarify image for the builtin engine, and an unknown engine", async () => {
    // Prepare
    const input = await runJson("image.json", CONFIG, {
      imageUri: "205585389593.dkr.ecr.us-east-1.amazonaws.com/sagemaker-clarify-processing:1.0",
    });

    // Act
    const builtin = await runCli(["validate", "--input", input, "--engine", "builtin"]);
    const unknown = await runCli(["validate", "--input", input, "--engine", "spark"]);

    // Assess
    expect(builtin.stderr).toContain("$.job.imageUri: ");
    expect(builtin.stderr).toContain(
      "is not the image of this deployment's builtin engine; leave the image out",
    );
    expect(unknown).toMatchObject({
      code: 1,
      stderr: "error: --engine spark: must be one of clarify, builtin\n",
    });
  });

  it("accepts several instances for the builtin engine and refuses, in the Lambda's words, what they cannot compute", async () => {
    // Prepare
    const counts = await runJson("three.json", CONFIG, { instanceCount: 3 });
    const ft = await runJson(
      "ft.json",
      { ...CONFIG, predicted_label: "Sex", methods: { post_training_bias: { methods: ["FT"] } } },
      { instanceCount: 2 },
    );

    // Act
    const valid = await runCli(["validate", "--input", counts, "--engine", "builtin"]);
    const refused = await runCli(["validate", "--input", ft, "--engine", "builtin"]);
    const onClarify = await runCli(["validate", "--input", ft]);

    // Assess
    expect(valid).toMatchObject({ code: 0, stderr: "" });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^\$\.analysisConfig\.methods\.post_training_bias\.methods: FT with 2 instances: the Flip Test compares every facet row with its nearest neighbours among all the other rows, which no single host holds; .*\(job\.instanceCount 1\)$/m,
    );
    expect(onClarify.code).toBe(0);
  });
});

describe("start --engine builtin", () => {
  it("refuses what the builtin engine cannot compute before starting anything", async () => {
    // Prepare
    const input = await runJson("start-shap.json", TEXT_SHAP);

    // Act
    const result = await runCli([
      "start",
      "--state-machine",
      STATE_MACHINE_ARN,
      "--input",
      input,
      "--engine",
      "builtin",
    ]);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /methods\.shap\.text_config: the builtin engine this deployment runs cannot compute this/,
    );
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });
});
