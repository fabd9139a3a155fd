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

  it("keeps shap and pdp as AWS-only methods", () => {
    // Prepare / Act
    const { config } = parseAnalysisConfig({ ...valid, methods: { ...valid.methods, shap: {} } });
    // Assess
    expect(config?.awsOnlyMethods).toEqual(["shap"]);
  });
});
