import { describe, expect, it } from "vitest";
import { parseAnalysisConfig } from "../../../../engine/config/parse-analysis-config.ts";
import { engineLimits } from "../../../../lambdas/validate-config/rules/engine.ts";

const BASE = {
  dataset_type: "text/csv",
  headers: ["age", "income", "approved"],
  label: "approved",
  label_values_or_threshold: [1],
  facet: [{ name_or_index: "age", value_or_threshold: [40] }],
};
const MODEL = { model_name: "credit-model", instance_type: "ml.m5.xlarge", initial_instance_count: 1 };

describe("what a builtin-engine deployment computes with a predictor", () => {
  it.each([
    [
      "SHAP and PDP against a shadow endpoint",
      { shap: { num_samples: 10 }, pdp: { features: ["age"] } },
      MODEL,
    ],
    ["SHAP against an existing endpoint", { shap: { num_samples: 10 } }, { endpoint_name: "credit" }],
    ["post-training bias from the model's predictions", { post_training_bias: { methods: ["DPPL"] } }, MODEL],
  ])("accepts %s", (_, methods, predictor) => {
    // Prepare
    const config = { ...BASE, methods: { pre_training_bias: { methods: ["CI"] }, ...methods }, predictor };
    // Act
    const limits = engineLimits(config, "builtin");
    // Assess
    expect(limits).toEqual([]);
    expect(parseAnalysisConfig(config).problems).toEqual([]);
  });

  it("refuses SHAP without a predictor, since predicted labels do not explain a model", () => {
    // Prepare
    const config = {
      ...BASE,
      predicted_label: "approved",
      methods: { shap: { num_samples: 10 }, pdp: { features: ["age"] } },
    };
    // Act
    const limits = engineLimits(config, "builtin");
    // Assess
    expect(limits).toEqual([
      {
        path: "$.predictor",
        message: expect.stringMatching(
          /^the builtin engine this deployment runs cannot compute this \(methods\.shap and methods\.pdp need a model to explain: give a predictor \(model_name or endpoint_name\)\)/,
        ),
      },
    ]);
  });

  it("refuses post-training bias from a model's predictions on JSON Lines, in the engine's words", () => {
    // Prepare
    const config = {
      ...BASE,
      dataset_type: "application/jsonlines",
      features: "features",
      methods: { post_training_bias: { methods: ["DPPL"] } },
      predictor: MODEL,
    };
    // Act
    const limits = engineLimits(config, "builtin");
    // Assess
    expect(limits.map((l) => l.path)).toEqual(["$.dataset_type"]);
    expect(limits[0]?.message).toContain(
      "methods.post_training_bias from a model's predictions is computed for text/csv datasets: give predicted_label",
    );
  });

  it("keeps refusing text explanations", () => {
    // Prepare
    const config = {
      ...BASE,
      methods: { shap: { num_samples: 10, text_config: { granularity: "token", language: "english" } } },
      predictor: MODEL,
    };
    // Act / Assess
    expect(engineLimits(config, "builtin").map((l) => l.path)).toEqual(["$.methods.shap.text_config"]);
  });

  it.each([["a-prefix-longer-than-23-characters"], ["-starts-with-a-hyphen"], [7]])(
    "refuses the endpoint name prefix %j",
    (prefix) => {
      // Prepare
      const config = {
        ...BASE,
        methods: { shap: { num_samples: 10 } },
        predictor: { ...MODEL, endpoint_name_prefix: prefix },
      };
      // Act
      const { problems } = parseAnalysisConfig(config);
      // Assess
      expect(problems).toEqual([
        {
          path: "$.predictor.endpoint_name_prefix",
          message: expect.stringMatching(
            /is not an endpoint name prefix: at most 23 letters, digits and hyphens/,
          ),
        },
      ]);
    },
  );
});
