import { describe, expect, it } from "vitest";
import { parseAnalysisConfig } from "../../../engine/config/parse-analysis-config.ts";

const valid = {
  dataset_type: "text/csv",
  label: "y",
  label_values_or_threshold: [1],
  facet: [{ name_or_index: "sex", value_or_threshold: ["F"] }, { name_or_index: 1 }],
  methods: { pre_training_bias: { methods: "all" }, post_training_bias: { methods: ["dppl", "DI"] } },
};

describe("parseAnalysisConfig", () => {
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
      "$.label_values_or_threshold",
      "$.facet[0].name_or_index",
      "$.methods.pre_training_bias.methods[1]",
    ]);
  });

  it("reads shap and pdp with Clarify's defaults, no longer as AWS-only methods", () => {
    // Prepare / Act
    const { config } = parseAnalysisConfig({
      ...valid,
      methods: { ...valid.methods, shap: { num_samples: 100 }, pdp: {} },
    });
    // Assess
    expect(config?.awsOnlyMethods).toEqual([]);
    expect(config?.shap).toEqual({
      numSamples: 100,
      aggMethod: "mean_abs",
      useLogit: false,
      saveLocalShapValues: true,
    });
    expect(config?.pdp).toEqual({ gridResolution: 15, topKFeatures: 10 });
  });

  it.each([
    [{ shap: { agg_method: "max" } }, "$.methods.shap.agg_method"],
    [{ shap: { num_samples: 0 } }, "$.methods.shap.num_samples"],
    [{ shap: { baseline: [[1, 2], "x"] } }, "$.methods.shap.baseline"],
    [{ shap: { baseline: [[1]], num_clusters: 3 } }, "$.methods.shap.num_clusters"],
    [{ shap: { use_logit: "yes" } }, "$.methods.shap.use_logit"],
    [{ pdp: { grid_resolution: 10 } }, "$.methods.pdp.features"],
    [{ pdp: { features: ["a"], top_k_features: -1 } }, "$.methods.pdp.top_k_features"],
  ])("names the explanation key that breaks a rule (%#)", (methods, path) => {
    // Prepare / Act
    const { problems } = parseAnalysisConfig({ ...valid, methods: { ...valid.methods, ...methods } });
    // Assess
    expect(problems.map((p) => p.path)).toEqual([path]);
  });

  it("reads the predictor's content types, score selectors and label headers", () => {
    // Prepare / Act
    const { config, problems } = parseAnalysisConfig({
      ...valid,
      predictor: {
        model_name: "m",
        content_type: "application/jsonlines",
        probability: "score",
        label_headers: ["yes"],
      },
    });
    const bad = parseAnalysisConfig({ ...valid, predictor: { accept_type: "application/json" } });
    // Assess
    expect(problems).toEqual([]);
    expect(config?.predictor).toEqual({
      contentType: "application/jsonlines",
      acceptType: "application/jsonlines",
      probability: "score",
      labelHeaders: ["yes"],
    });
    expect(bad.problems.map((p) => p.path)).toEqual(["$.predictor.accept_type"]);
  });
});
