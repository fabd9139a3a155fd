import { describe, expect, it } from "vitest";
import { multiInstanceLimits } from "../../../../engine/config/multi-instance-limits.ts";

const biasConfig = (methods: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  dataset_type: "text/csv",
  label: "y",
  label_values_or_threshold: [1],
  facet: [{ name_or_index: "sex" }],
  predicted_label: "y_hat",
  methods,
  ...extra,
});

describe("multiInstanceLimits", () => {
  it("accepts every count-table metric on several instances", () => {
    // Prepare
    const config = biasConfig({
      pre_training_bias: { methods: "all" },
      post_training_bias: { methods: ["DPPL", "DI", "AD", "CDDPL"] },
    });

    // Act
    const problems = multiInstanceLimits(config, 4);

    // Assess
    expect(problems).toEqual([]);
  });

  it("accepts anything on one instance", () => {
    // Prepare
    const config = biasConfig({ post_training_bias: { methods: "all" }, shap: {} });

    // Act / Assess
    expect(multiInstanceLimits(config, 1)).toEqual([]);
  });

  it.each([
    ["all", "$.methods.post_training_bias.methods"],
    [["DPPL", "FT"], "$.methods.post_training_bias.methods"],
  ])("refuses FT in post-training methods %j", (methods, path) => {
    // Act
    const problems = multiInstanceLimits(biasConfig({ post_training_bias: { methods } }), 2);

    // Assess
    expect(problems).toEqual([
      { path, message: expect.stringMatching(/^FT with 2 instances: .*instanceCount 1/) },
    ]);
  });

  it("refuses SHAP without a baseline, PDP, model predictions and a separate predicted-label dataset", () => {
    // Prepare
    const config = {
      ...biasConfig({ post_training_bias: { methods: ["DPPL"] }, shap: {}, pdp: {} }),
      predicted_label: undefined,
      predicted_label_dataset_uri: "s3://b/p/",
    };
    delete config.predicted_label;

    // Act
    const paths = multiInstanceLimits(config, 3).map((p) => p.path);

    // Assess
    expect(paths).toEqual([
      "$.methods.shap.baseline",
      "$.methods.pdp",
      "$.predicted_label",
      "$.predicted_label_dataset_uri",
    ]);
  });

  it.each([
    ["rows", [[1, 2, 3]]],
    ["a file", "baseline.csv"],
  ])("takes SHAP against a baseline given as %s", (_, baseline) => {
    // Prepare
    const config = biasConfig({ pre_training_bias: { methods: ["CI"] }, shap: { baseline } });

    // Act
    const problems = multiInstanceLimits(config, 3);

    // Assess
    expect(problems).toEqual([]);
  });
});
