import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../../bin/cli/main.ts";
import { parseAnalysisConfig, unsupportedByEngine } from "../../../engine/config/parse-analysis-config.ts";

const valid = {
  dataset_type: "text/csv",
  label: "y",
  label_values_or_threshold: [1],
  predicted_label: "yhat",
  facet: [{ name_or_index: "sex", value_or_threshold: ["F"] }, { name_or_index: 1 }],
  methods: { pre_training_bias: { methods: "all" }, post_training_bias: { methods: ["DPPL", "DI"] } },
};

/** Runs `validate` on a run.json holding `config` inline and `analyze` on a small dataset. */
async function bothCommands(config: Record<string, unknown>) {
  const dir = mkdtempSync(join(tmpdir(), "one-parser-"));
  const rows = Array.from(
    { length: 60 },
    (_, i) => `${i % 2 ? "F" : "M"},${i % 3},${i % 2},${i % 4 ? 1 : 0}`,
  );
  writeFileSync(join(dir, "data.csv"), `sex,age,y,yhat\n${rows.join("\n")}\n`);
  writeFileSync(join(dir, "config.json"), JSON.stringify(config));
  writeFileSync(
    join(dir, "run.json"),
    JSON.stringify({
      runName: "one-parser",
      analysisConfig: config,
      dataset: { uri: "data.csv", s3DataType: "S3Prefix" },
      job: { instanceType: "ml.c5.xlarge", instanceCount: 1, volumeSizeInGB: 20, maxRuntimeInSeconds: 3600 },
    }),
  );
  const run = async (args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(args, { stdout: (t) => void out.push(t), stderr: (t) => void err.push(t) });
    return { code, out: out.join(""), err: err.join("") };
  };
  const validate = await run(["validate", "--input", join(dir, "run.json")]);
  const analyze = await run([
    "analyze",
    "--dataset",
    join(dir, "data.csv"),
    "--config",
    join(dir, "config.json"),
    "--out",
    join(dir, "out"),
  ]);
  return { validate, analyze };
}

describe("parseAnalysisConfig, the one parser of validate and analyze", () => {
  it("normalises a valid config", () => {
    // Prepare / Act
    const { config, problems } = parseAnalysisConfig(valid);
    // Assess
    expect(problems).toEqual([]);
    expect(config).toMatchObject({
      datasetType: "text/csv",
      label: "y",
      labelValuesOrThreshold: [1],
      facets: [{ nameOrIndex: "sex", valueOrThreshold: ["F"] }, { nameOrIndex: 1 }],
      preTraining: "all",
      postTraining: ["DPPL", "DI"],
      hasPredictor: false,
    });
  });

  it("reports every problem with its JSON path", () => {
    // Prepare
    const raw = {
      ...valid,
      label_values_or_threshold: undefined,
      facet: [{ name_or_index: -1 }],
      methods: { pre_training_bias: { methods: ["CI", "XYZ"] } },
    };
    // Act
    const { config, problems } = parseAnalysisConfig(raw);
    // Assess
    expect(config).toBeUndefined();
    expect(problems.map((p) => p.path)).toEqual([
      "$.methods.pre_training_bias.methods[1]",
      "$.label_values_or_threshold",
      "$.facet[0].name_or_index",
    ]);
  });

  it("says per engine what it cannot compute: the local engine not asymmetric Shapley values", () => {
    // Prepare
    const raw = { ...valid, methods: { ...valid.methods, asymmetric_shapley_value: {} } };
    // Act
    const { problems } = parseAnalysisConfig(raw);
    // Assess
    expect(problems).toEqual([]);
    expect(unsupportedByEngine(raw, "clarify-image")).toEqual([]);
    expect(unsupportedByEngine(raw, "builtin")).toEqual([
      {
        path: "$.methods.asymmetric_shapley_value",
        message:
          "methods.asymmetric_shapley_value needs the SageMaker Clarify container: run this analysis on AWS (clarify-pipeline start)",
      },
    ]);
  });

  it("accepts text explanations for the Clarify image and lists them as a limit of the local engine", () => {
    // Prepare
    const raw = {
      ...valid,
      predictor: { endpoint_name: "credit-model" },
      methods: {
        ...valid.methods,
        shap: { baseline: [[0, 0, 0, 0]], text_config: { granularity: "token" } },
      },
    };
    // Act
    const { problems } = parseAnalysisConfig(raw);
    // Assess
    expect(problems).toEqual([]);
    expect(unsupportedByEngine(raw, "clarify-image")).toEqual([]);
    expect(unsupportedByEngine(raw, "builtin")).toEqual([
      {
        path: "$.methods.shap.text_config",
        message:
          "methods.shap.text_config: text and image explanations need the SageMaker Clarify container: run this analysis on AWS",
      },
    ]);
  });

  it("accepts a predictor without model or endpoint for the local engine, not for the Clarify image", () => {
    // Prepare: the engine calls a local model (--model); the Clarify image needs one to call
    const raw = { ...valid, predictor: { label_headers: ["no", "yes"] } };
    // Act
    const { problems } = parseAnalysisConfig(raw);
    // Assess
    expect(problems).toEqual([]);
    expect(unsupportedByEngine(raw, "builtin")).toEqual([]);
    expect(unsupportedByEngine(raw, "clarify-image")).toEqual([
      { path: "$.predictor", message: "predictor must name exactly one of model_name or endpoint_name" },
    ]);
  });

  it("quotes a header named twice as namedColumn does, so a quote in it stays inside the name", () => {
    // Prepare
    const raw = { ...valid, headers: ["sex", 'say "hi"', "y", 'say "hi"'] };
    // Act
    const { problems } = parseAnalysisConfig(raw);
    // Assess
    expect(problems.map((p) => `${p.path}: ${p.message}`)).toContain(
      '$.headers: column "say \\"hi\\"" appears twice',
    );
  });

  it.each([
    ["label", { label: "target" }, '$.label: column "target" is not in headers ("sex", "age", "y", "yhat")'],
    [
      "facet",
      { facet: [{ name_or_index: "gender" }] },
      '$.facet[0].name_or_index: column "gender" is not in headers',
    ],
    ["group_variable", { group_variable: "region" }, '$.group_variable: column "region" is not in headers'],
    ["predicted_label", { predicted_label: "score" }, '$.predicted_label: column "score" is not in headers'],
  ])("refuses a %s named but absent from headers", (_key, change, message) => {
    // Prepare
    const raw = { ...valid, headers: ["sex", "age", "y", "yhat"], ...change };
    // Act
    const { problems } = parseAnalysisConfig(raw);
    // Assess
    expect(problems.map((p) => `${p.path}: ${p.message}`)).toEqual([expect.stringContaining(message)]);
  });
});

describe("validate and analyze agree", () => {
  it("both refuse a lower-case metric code, with the same message", async () => {
    // Prepare
    const config = { ...valid, methods: { post_training_bias: { methods: ["dppl"] } } };
    // Act
    const { validate, analyze } = await bothCommands(config);
    // Assess
    const message =
      '"dppl" is not a post_training_bias metric code (known: DPPL, DI, DCA, DCR, RD, DAR, DRR, AD, CDDPL, TE, FT, SD, GE)';
    expect(validate.code).toBe(1);
    expect(validate.err).toContain(`$.analysisConfig.methods.post_training_bias.methods[0]: ${message}`);
    expect(analyze.code).toBe(1);
    expect(analyze.err).toContain(`$.methods.post_training_bias.methods[0]: ${message}`);
  });

  it("both refuse a label absent from headers", async () => {
    // Prepare
    const config = { ...valid, headers: ["sex", "age", "y", "yhat"], label: "target" };
    // Act
    const { validate, analyze } = await bothCommands(config);
    // Assess
    expect(validate.code).toBe(1);
    expect(validate.err).toContain('$.analysisConfig.label: column "target" is not in headers');
    expect(analyze.code).toBe(1);
    expect(analyze.err).toContain('$.label: column "target" is not in headers');
  });

  it("validate accepts asymmetric Shapley values for the Clarify image and says, in analyze's words, that the local engine cannot run them", async () => {
    // Prepare
    const config = { ...valid, methods: { ...valid.methods, asymmetric_shapley_value: {} } };
    // Act
    const { validate, analyze } = await bothCommands(config);
    // Assess
    const message =
      "methods.asymmetric_shapley_value needs the SageMaker Clarify container: run this analysis on AWS (clarify-pipeline start)";
    expect(validate).toMatchObject({ code: 0, out: "valid\n" });
    expect(validate.err).toBe(
      `note: the local engine (run --local, analyze) cannot run this: $.analysisConfig.methods.asymmetric_shapley_value: ${message}\n`,
    );
    expect(analyze).toMatchObject({ code: 1, err: `error: ${message}\n` });
  });
});
