import { describe, expect, it } from "vitest";
import { parseAnalysisConfig } from "../../../../engine/config/parse-analysis-config.ts";

const CONFIG = {
  dataset_type: "text/csv",
  headers: ["a", "b", "c", "y", "yhat"],
  label: "y",
  predicted_label: "yhat",
  excluded_columns: ["c"],
  label_values_or_threshold: [1],
  facet: [{ name_or_index: "a", value_or_threshold: [1] }],
  methods: { pre_training_bias: { methods: ["CI"] } },
};

describe("explanation options checked against CSV headers", () => {
  it("accepts a baseline as wide as the features and features that exist", () => {
    // Act
    const { problems } = parseAnalysisConfig({
      ...CONFIG,
      methods: {
        ...CONFIG.methods,
        shap: { baseline: [[0, 1]], features_to_explain: ["b"] },
        pdp: { features: ["a", 1] },
      },
    });
    // Assess
    expect(problems).toEqual([]);
  });

  it("names a baseline row of the wrong width and a feature that is not one", () => {
    // Act
    const { problems } = parseAnalysisConfig({
      ...CONFIG,
      methods: {
        ...CONFIG.methods,
        shap: { baseline: [[0, 1, 2]], features_to_explain: ["y"] },
        pdp: { features: [2] },
      },
    });
    // Assess
    expect(problems).toEqual([
      { path: "$.methods.shap.baseline[0]", message: "3 values, but the model takes 2 features (a, b)" },
      {
        path: "$.methods.shap.features_to_explain[0]",
        message: '"y" is not a feature; the features are a, b',
      },
      {
        path: "$.methods.pdp.features[0]",
        message: "feature index 2 is out of range: the model takes 2 features",
      },
    ]);
  });
});
