import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "../../../../engine/analyze.ts";
import { parseAnalysisConfig } from "../../../../engine/config/parse-analysis-config.ts";
import { functionModel } from "./function-model.ts";

/** x1, x2 numeric, colour categorical; `y` the label when the dataset has one. */
const FEATURES = ["1,10,red", "2,20,blue", "3,10,red", "4,40,green", "5,30,blue", "6,20,red"];
const LABELS = [1, 0, 1, 0, 1, 0];
const SHAP = { baseline: [[0, 0, "blue"]], num_samples: 100 };
/** Linear in x1 and x2, plus 1 for red (code 0: first category seen). */
const linear = (x: Float64Array) => [2 * (x[0] ?? 0) + 0.1 * (x[1] ?? 0) + (x[2] === 0 ? 1 : 0)];

function workspace(withLabel: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), "explain-alone-"));
  const rows = withLabel ? FEATURES.map((row, i) => `${row},${LABELS[i]}`) : FEATURES;
  const header = withLabel ? "x1,x2,colour,y" : "x1,x2,colour";
  writeFileSync(join(dir, "data.csv"), `${[header, ...rows].join("\n")}\n`);
  return dir;
}

describe("parseAnalysisConfig with explanations alone", () => {
  it("accepts shap and pdp with only dataset_type and methods: no label, facet or label values", () => {
    // Prepare
    const raw = { dataset_type: "text/csv", methods: { shap: SHAP, pdp: { grid_resolution: 5 } } };
    // Act
    const { config, problems } = parseAnalysisConfig(raw);
    // Assess
    expect(problems).toEqual([]);
    expect(config?.label).toBeUndefined();
    expect(config?.labelValuesOrThreshold).toBeUndefined();
    expect(config?.facets).toEqual([]);
    expect(config?.shap?.numSamples).toBe(100);
    expect(config?.pdp?.gridResolution).toBe(5);
  });

  it("still checks label values and facets that are given", () => {
    // Prepare
    const raw = {
      dataset_type: "text/csv",
      label: "y",
      label_values_or_threshold: [],
      facet: [{ value_or_threshold: ["a"] }],
      methods: { shap: SHAP },
    };
    // Act
    const { config, problems } = parseAnalysisConfig(raw);
    // Assess
    expect(config).toBeUndefined();
    expect(problems.map((p) => p.path)).toEqual(["$.label_values_or_threshold", "$.facet[0].name_or_index"]);
  });

  it("requires label, label values and facet as soon as a bias method is asked for", () => {
    // Prepare
    const raw = { dataset_type: "text/csv", methods: { shap: SHAP, pre_training_bias: { methods: "all" } } };
    // Act
    const { config, problems } = parseAnalysisConfig(raw);
    // Assess
    expect(config).toBeUndefined();
    expect(problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      "$.label: label is required for bias analysis (the target column)",
      "$.label_values_or_threshold: undefined is not a threshold number or a non-empty list of positive label values; it is required for bias analysis",
      "$.facet: undefined is not a non-empty list of { name_or_index, value_or_threshold }; facet is required for bias analysis",
    ]);
  });
});

describe("analyze with explanations alone", () => {
  it("skips the count pass: analysis.json holds only explanations, the context no label and no facet", async () => {
    // Prepare
    const dir = workspace(true);
    const config = { dataset_type: "text/csv", label: "y", methods: { shap: SHAP } };
    // Act
    const result = await analyze({
      datasetPath: join(dir, "data.csv"),
      config,
      outDir: join(dir, "out"),
      model: functionModel(1, linear),
    });
    // Assess: the label is no feature; for a linear model φ_i = w_i (x_i − b_i)
    const written = JSON.parse(readFileSync(result.analysisPath, "utf8")) as Record<string, unknown>;
    expect(Object.keys(written)).toEqual(["version", "explanations"]);
    const shap = result.analysis.explanations?.kernel_shap?.label0;
    expect(Object.keys(shap?.global_shap_values ?? {})).toEqual(["x1", "x2", "colour"]);
    expect(shap?.global_shap_values.x1).toBeCloseTo((2 * (1 + 2 + 3 + 4 + 5 + 6)) / 6, 12);
    expect(result.context.label).toBeUndefined();
    expect(result.context.facets).toEqual([]);
    expect(result.context.dataset.rowsRead).toBe(6);
    expect(result.intervalsPath).toBeUndefined();
    expect(existsSync(join(dir, "out", "intervals.json"))).toBe(false);
    expect(result.explained?.rows).toBe(6);
  });

  it("explains a dataset of features alone, headers naming only features, as with a label column", async () => {
    // Prepare
    const labelled = workspace(true);
    const featuresOnly = workspace(false);
    const run = (dir: string, config: Record<string, unknown>) =>
      analyze({
        datasetPath: join(dir, "data.csv"),
        config,
        outDir: join(dir, "out"),
        model: functionModel(1, linear),
      });
    // Act
    const withLabel = await run(labelled, { dataset_type: "text/csv", label: "y", methods: { shap: SHAP } });
    const without = await run(featuresOnly, {
      dataset_type: "text/csv",
      headers: ["x1", "x2", "colour"],
      methods: { shap: SHAP },
    });
    // Assess
    expect(without.analysis.explanations).toEqual(withLabel.analysis.explanations);
    const local = readFileSync(join(featuresOnly, "out", "explanations_shap", "out.csv"), "utf8");
    expect(local.split("\n")[0]).toBe("x1_label0,x2_label0,colour_label0");
  });

  it("explains JSON Lines records without a label: the features array alone", async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), "explain-alone-"));
    const records = FEATURES.map((row) => {
      const [x1, x2, colour] = row.split(",");
      return JSON.stringify({ features: [Number(x1), Number(x2), colour] });
    });
    writeFileSync(join(dir, "data.jsonl"), `${records.join("\n")}\n`);
    const labelled = workspace(true);
    // Act
    const without = await analyze({
      datasetPath: join(dir, "data.jsonl"),
      config: {
        dataset_type: "application/jsonlines",
        features: "features",
        headers: ["x1", "x2", "colour"],
        methods: { shap: SHAP },
      },
      outDir: join(dir, "out"),
      model: functionModel(1, linear),
    });
    const csv = await analyze({
      datasetPath: join(labelled, "data.csv"),
      config: { dataset_type: "text/csv", label: "y", methods: { shap: SHAP } },
      outDir: join(labelled, "out"),
      model: functionModel(1, linear),
    });
    // Assess
    expect(without.analysis.explanations).toEqual(csv.analysis.explanations);
  });

  it("refuses JSON Lines explanations without features, the path of each record's feature array", async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), "explain-alone-"));
    writeFileSync(join(dir, "data.jsonl"), '{"features":[1,10,"red"]}\n');
    // Act
    const run = analyze({
      datasetPath: join(dir, "data.jsonl"),
      config: { dataset_type: "application/jsonlines", methods: { shap: SHAP } },
      outDir: join(dir, "out"),
      model: functionModel(1, linear),
    });
    // Assess
    await expect(run).rejects.toThrow(
      "features is required by the local engine for application/jsonlines: the path of the feature array in each record",
    );
  });

  it("renders a report of the explanations alone: no verdict, groups or bias sections", async () => {
    // Prepare
    const dir = workspace(false);
    // Act
    const result = await analyze({
      datasetPath: join(dir, "data.csv"),
      config: { dataset_type: "text/csv", methods: { shap: SHAP, pdp: { grid_resolution: 3 } } },
      outDir: join(dir, "out"),
      model: functionModel(1, linear),
    });
    // Assess
    const html = readFileSync(result.reportPath, "utf8");
    expect(html).toContain("<title>Clarify explainability report</title>");
    expect(html).toContain("Explanations only (no bias method ran)");
    expect(html).toContain('id="explanations"');
    expect(html).not.toContain('id="verdict"');
    expect(html).not.toContain('id="groups"');
    expect(html).not.toContain("holds no bias metrics");
    expect(html).not.toContain("<dt>Label");
  });

  it("still refuses a config that asks for nothing the engine computes", async () => {
    // Prepare
    const dir = workspace(false);
    // Act
    const run = analyze({
      datasetPath: join(dir, "data.csv"),
      config: { dataset_type: "text/csv", methods: { report: { name: "report" } } },
      outDir: join(dir, "out"),
      model: functionModel(1, linear),
    });
    // Assess
    await expect(run).rejects.toThrow(
      "the analysis config requests nothing the engine computes: add methods.pre_training_bias, methods.post_training_bias, methods.shap or methods.pdp",
    );
  });
});
