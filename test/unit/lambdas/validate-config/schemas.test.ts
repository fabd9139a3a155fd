import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { analysisConfig, edited, requestInput, runInput } from "./fixtures.ts";

const ROOT = join(import.meta.dirname, "../../../..");
const readJson = (path: string): unknown => JSON.parse(readFileSync(join(ROOT, path), "utf8"));

const ajv = new Ajv2020({ allErrors: true, strict: false });
ajv.addSchema(readJson("schema/analysis-config.schema.json") as object, "analysis-config.schema.json");
const validateRun = ajv.compile(readJson("schema/run.schema.json") as object);
const validateAnalysisConfig = ajv.getSchema("analysis-config.schema.json");

/** Files under a folder of the repository whose name ends with `suffix`, recursively. */
function filesEndingWith(folder: string, suffix: string): string[] {
  if (!existsSync(join(ROOT, folder))) return [];
  return (readdirSync(join(ROOT, folder), { recursive: true }) as string[])
    .filter((name) => name.endsWith(suffix))
    .map((name) => join(folder, name));
}

const runFiles = [
  ...filesEndingWith("test/fixtures/valid", ".run.json"),
  ...filesEndingWith("examples", "run.json"),
];
const configFiles = [
  ...filesEndingWith("test/fixtures/valid", "analysis_config.json"),
  ...filesEndingWith("examples", "analysis_config.json"),
];

describe("schema/run.schema.json", () => {
  it.each(runFiles)("accepts %s", (path) => {
    // Prepare
    const input = readJson(path);
    // Act
    const valid = validateRun(input);
    // Assess
    expect(validateRun.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it("accepts the test's valid inputs of both forms", () => {
    // Prepare
    const inputs = [runInput(), requestInput()];
    // Act
    const results = inputs.map((input) => validateRun(input));
    // Assess
    expect(results).toEqual([true, true]);
  });

  it("rejects a GPU instance type, an unknown key and an over-long runtime", () => {
    // Prepare
    // biome-ignore lint/suspicious/noExplicitAny: the test edits arbitrary JSON
    const input = edited(runInput(), (i: Record<string, any>) => {
      i.job.instanceType = "ml.p3.2xlarge";
      i.job.maxRuntimeInSeconds = 604801;
      i.extra = true;
    });
    // Act
    const valid = validateRun(input);
    // Assess
    expect(valid).toBe(false);
  });
});

describe("schema/analysis-config.schema.json", () => {
  it("finds fixture configuration files to check", () => {
    // Prepare / Act
    const count = configFiles.length;
    // Assess
    expect(count).toBeGreaterThan(0);
  });

  it.each(configFiles)("accepts %s", (path) => {
    // Prepare
    const config = readJson(path);
    // Act
    const valid = validateAnalysisConfig?.(config);
    // Assess
    expect(validateAnalysisConfig?.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it("rejects an unknown metric code and a predictor naming both a model and an endpoint", () => {
    // Prepare
    const config = edited(analysisConfig(), (c) => {
      c.methods = { pre_training_bias: { methods: ["XX"] } };
      c.predictor = {
        model_name: "m",
        endpoint_name: "e",
        instance_type: "ml.m5.xlarge",
        initial_instance_count: 1,
      };
    });
    // Act
    const valid = validateAnalysisConfig?.(config);
    // Assess
    expect(valid).toBe(false);
    expect(validateAnalysisConfig?.errors?.map((e) => e.instancePath)).toEqual(
      expect.arrayContaining(["/methods/pre_training_bias/methods/0", "/predictor"]),
    );
  });
});
