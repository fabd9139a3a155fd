import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "../../../../engine/analyze.ts";
import { functionModel } from "./function-model.ts";

/** x1, x2 numeric, colour categorical, y the label (left out of the features). */
const TABLE = [
  "x1,x2,colour,y",
  "1,10,red,1",
  "2,20,blue,0",
  "3,10,red,1",
  "4,40,green,0",
  "5,30,blue,1",
  "6,20,red,0",
].join("\n");
const CONFIG = {
  dataset_type: "text/csv",
  label: "y",
  label_values_or_threshold: [1],
  facet: [{ name_or_index: "colour", value_or_threshold: ["red"] }],
  methods: { pre_training_bias: { methods: ["CI"] } },
};
/** Linear in x1 and x2, plus 1 for red (code 0: first category seen). */
const linear = (x: Float64Array) => [2 * (x[0] ?? 0) + 0.1 * (x[1] ?? 0) + (x[2] === 0 ? 1 : 0)];

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), "explain-"));
  writeFileSync(join(dir, "data.csv"), `${TABLE}\n`);
  return dir;
}

describe("analyze with methods.shap and methods.pdp", () => {
  it("writes Clarify's explanations: global values per label, expected value, PDP curves and local values", async () => {
    // Prepare
    const dir = workspace();
    const config = {
      ...CONFIG,
      methods: {
        ...CONFIG.methods,
        shap: { baseline: [[0, 0, "blue"]], num_samples: 100, agg_method: "mean_abs" },
        pdp: { grid_resolution: 5 },
      },
    };
    // Act
    const result = await analyze({
      datasetPath: join(dir, "data.csv"),
      config,
      outDir: join(dir, "out"),
      model: functionModel(1, linear),
      intervals: false,
    });
    // Assess: for a linear model φ_i = w_i (x_i − b_i); red vs blue adds 1 for the three red rows
    const shap = result.analysis.explanations?.kernel_shap?.label0;
    expect(shap?.expected_value).toBe(0);
    expect(shap?.global_shap_values.x1).toBeCloseTo((2 * (1 + 2 + 3 + 4 + 5 + 6)) / 6, 12);
    expect(shap?.global_shap_values.x2).toBeCloseTo((0.1 * (10 + 20 + 10 + 40 + 30 + 20)) / 6, 12);
    expect(shap?.global_shap_values.colour).toBeCloseTo(3 / 6, 12);
    const local = readFileSync(join(dir, "out", "explanations_shap", "out.csv"), "utf8")
      .trim()
      .split("\n");
    expect(local[0]).toBe("x1_label0,x2_label0,colour_label0");
    const firstRow = local[1]?.split(",").map(Number) ?? [];
    expect(firstRow).toEqual([expect.closeTo(2, 12), expect.closeTo(1, 12), expect.closeTo(1, 12)]);
    // PDP over the top SHAP features (all three), x1 first: 5 buckets on [1, 6]
    const pdp = result.analysis.explanations?.pdp ?? [];
    expect(pdp.map((p) => p.feature_name)).toEqual(["x1", "x2", "colour"]);
    expect(pdp[0]?.feature_values).toEqual([1.5, 2.5, 3.5, 4.5, 5.5]);
    expect(pdp[0]?.data_distribution.map((d) => Math.round(d * 6))).toEqual([1, 1, 1, 1, 2]);
    expect(pdp[0]?.label_headers).toEqual(["label0"]);
    const meanRest = (0.1 * 130 + 3) / 6;
    expect(pdp[0]?.model_predictions[0]).toEqual(
      [0, 1, 2, 3, 4].map((g) => expect.closeTo(2 * (1.5 + g) + meanRest, 12)),
    );
    expect(pdp[2]).toMatchObject({ data_type: "categorical", feature_values: ["red", "blue", "green"] });
    expect(pdp[2]?.model_predictions[0]?.[0]).toBeCloseTo((2 * 21 + 13) / 6 + 1, 12);
  });

  it("names labels by label_headers, explains only features_to_explain and aggregates by median", async () => {
    // Prepare
    const dir = workspace();
    const config = {
      ...CONFIG,
      predictor: { label_headers: ["no", "yes"] },
      methods: {
        ...CONFIG.methods,
        shap: {
          baseline: [[0, 0, "blue"]],
          features_to_explain: ["x1"],
          agg_method: "median",
          save_local_shap_values: false,
        },
        pdp: { features: ["x2"], grid_resolution: 3 },
      },
    };
    const model = functionModel(2, (x) => {
      const s = linear(x)[0] as number;
      return [-s, s];
    });
    // Act
    const result = await analyze({
      datasetPath: join(dir, "data.csv"),
      config,
      outDir: join(dir, "out"),
      model,
      intervals: false,
    });
    // Assess
    const kernel = result.analysis.explanations?.kernel_shap ?? {};
    expect(Object.keys(kernel)).toEqual(["no", "yes"]);
    expect(Object.keys(kernel.yes?.global_shap_values ?? {})).toEqual(["x1"]);
    expect(kernel.yes?.global_shap_values.x1).toBeCloseTo(7, 12); // median of 2, 4, ..., 12
    expect(kernel.no?.global_shap_values.x1).toBeCloseTo(-7, 12);
    expect(result.analysis.explanations?.pdp?.[0]).toMatchObject({
      feature_name: "x2",
      label_headers: ["no", "yes"],
    });
    expect(result.analysis.explanations?.pdp?.[0]?.model_predictions).toHaveLength(2);
    expect(() => readFileSync(join(dir, "out", "explanations_shap", "out.csv"))).toThrow();
  });

  it("clusters the dataset into a baseline without one, and writes it to explanations_shap/baseline.csv", async () => {
    // Prepare
    const dir = workspace();
    const config = { ...CONFIG, methods: { ...CONFIG.methods, shap: { num_clusters: 2, seed: 1 } } };
    // Act
    const result = await analyze({
      datasetPath: join(dir, "data.csv"),
      config,
      outDir: join(dir, "out"),
      model: functionModel(1, linear),
      intervals: false,
    });
    // Assess
    const baseline = readFileSync(join(dir, "out", "explanations_shap", "baseline.csv"), "utf8")
      .trim()
      .split("\n");
    expect(baseline[0]).toBe("x1,x2,colour");
    expect(baseline).toHaveLength(3);
    for (const row of baseline.slice(1)) {
      const [x1, x2, colour] = row.split(",");
      expect(["1", "2", "3", "4", "5", "6"]).toContain(x1);
      expect(["10", "20", "30", "40"]).toContain(x2);
      expect(["red", "blue", "green"]).toContain(colour);
    }
    expect(result.analysis.explanations?.kernel_shap?.label0?.expected_value).toEqual(expect.any(Number));
  });

  it.each([
    [
      { shap: { baseline: [[0, 0]] } },
      "$.methods.shap.baseline[0]: 2 values, but the model takes 3 features (x1, x2, colour)",
    ],
    [{ shap: { baseline: [[0, 0, "purple"]] } }, '"purple" is not a category of feature "colour"'],
    [{ pdp: { features: ["y"] } }, '$.methods.pdp.features[0]: "y" is not a feature'],
    [{ shap: { baseline: [[0, 0, "red"]] }, pdp: { features: [5] } }, "feature index 5 is out of range"],
  ])("fails with one clear message on a config that does not fit the data (%#)", async (methods, message) => {
    // Prepare
    const dir = workspace();
    const config = { ...CONFIG, methods: { ...CONFIG.methods, ...methods } };
    // Act
    const run = analyze({
      datasetPath: join(dir, "data.csv"),
      config,
      outDir: join(dir, "out"),
      model: functionModel(1, linear),
      intervals: false,
    });
    // Assess
    await expect(run).rejects.toThrow(message);
  });
});
