import { describe, expect, it } from "vitest";
import { edited, runInput, staticProblems } from "./fixtures.ts";

// biome-ignore lint/suspicious/noExplicitAny: the tests edit arbitrary JSON inputs
type Config = Record<string, any>;
const C = "$.analysisConfig";

function withConfig(edit: (config: Config) => void) {
  return edited(runInput(), (input: Config) => edit(input.analysisConfig));
}

describe("static rules on the analysis configuration", () => {
  const cases: readonly [string, (c: Config) => void, string, RegExp][] = [
    [
      "an empty config",
      (c) => {
        for (const k of Object.keys(c)) delete c[k];
      },
      `${C}.dataset_type`,
      /dataset_type is required/,
    ],
    ["a missing dataset_type", (c) => delete c.dataset_type, `${C}.dataset_type`, /dataset_type is required/],
    [
      "an unknown dataset_type",
      (c) => (c.dataset_type = "text/tsv"),
      `${C}.dataset_type`,
      /"text\/tsv" is not a Clarify dataset type/,
    ],
    ["an unsupported version", (c) => (c.version = "2.0"), `${C}.version`, /"2.0" is not supported/],
    ["missing methods", (c) => delete c.methods, `${C}.methods`, /methods is required/],
    ["empty methods", (c) => (c.methods = {}), `${C}.methods`, /methods is empty/],
    [
      "an unknown analysis",
      (c) => (c.methods.fairness = {}),
      `${C}.methods.fairness`,
      /"fairness" is not a Clarify analysis/,
    ],
    [
      "an unknown pre-training metric",
      (c) => (c.methods.pre_training_bias.methods = ["CI", "XX"]),
      `${C}.methods.pre_training_bias.methods[1]`,
      /"XX" is not a pre_training_bias metric code/,
    ],
    [
      "a post-training metric in pre-training",
      (c) => (c.methods.pre_training_bias.methods = ["DPPL"]),
      `${C}.methods.pre_training_bias.methods[0]`,
      /"DPPL" is not a pre_training_bias metric code/,
    ],
    [
      "a metric list that is neither all nor a list",
      (c) => (c.methods.pre_training_bias.methods = "some"),
      `${C}.methods.pre_training_bias.methods`,
      /"some" is not "all" or a non-empty list/,
    ],
    ["bias without label", (c) => delete c.label, `${C}.label`, /label is required for bias analysis/],
    [
      "bias without label_values_or_threshold",
      (c) => delete c.label_values_or_threshold,
      `${C}.label_values_or_threshold`,
      /is required for bias analysis/,
    ],
    [
      "an empty label_values_or_threshold list",
      (c) => (c.label_values_or_threshold = []),
      `${C}.label_values_or_threshold`,
      /not a threshold number or a non-empty list/,
    ],
    ["bias without facet", (c) => delete c.facet, `${C}.facet`, /facet is required for bias analysis/],
    [
      "a facet without name_or_index",
      (c) => (c.facet = [{ value_or_threshold: [1] }]),
      `${C}.facet[0].name_or_index`,
      /undefined is not a column name or 0-based index/,
    ],
    [
      "a negative facet index",
      (c) => (c.facet = [{ name_or_index: -1 }]),
      `${C}.facet[0].name_or_index`,
      /-1 is not a column name/,
    ],
    [
      "a facet value that is an object",
      (c) => (c.facet[0].value_or_threshold = { v: 1 }),
      `${C}.facet[0].value_or_threshold`,
      /not a threshold number or a non-empty list of sensitive values/,
    ],
    [
      "post-training bias without predictor or predicted labels",
      (c) => (c.methods.post_training_bias = { methods: "all" }),
      `${C}.predictor`,
      /post_training_bias need model predictions/,
    ],
    [
      "shap without predictor",
      (c) => (c.methods.shap = { num_samples: 10 }),
      `${C}.predictor`,
      /shap need model predictions/,
    ],
    [
      "a predictor with both model and endpoint",
      (c) =>
        (c.predictor = {
          model_name: "m",
          endpoint_name: "e",
          instance_type: "ml.m5.xlarge",
          initial_instance_count: 1,
        }),
      `${C}.predictor`,
      /exactly one of model_name or endpoint_name/,
    ],
    [
      "a model predictor without instance_type",
      (c) => (c.predictor = { model_name: "m", initial_instance_count: 1 }),
      `${C}.predictor.instance_type`,
      /required with model_name/,
    ],
    [
      "a model predictor without initial_instance_count",
      (c) => (c.predictor = { model_name: "m", instance_type: "ml.m5.xlarge" }),
      `${C}.predictor.initial_instance_count`,
      /required with model_name/,
    ],
    [
      "headers that are not strings",
      (c) => (c.headers = ["a", 1]),
      `${C}.headers`,
      /not a list of column names/,
    ],
    [
      "excluded_columns that is not a list",
      (c) => (c.excluded_columns = "Id"),
      `${C}.excluded_columns`,
      /not a list of column names/,
    ],
    [
      "a probability_threshold above 1",
      (c) => (c.probability_threshold = 1.5),
      `${C}.probability_threshold`,
      /1.5 is not a number from 0 to 1/,
    ],
    [
      "a dataset_uri outside the allowed buckets",
      (c) => (c.dataset_uri = "s3://victim-bucket/d.csv"),
      `${C}.dataset_uri`,
      /bucket "victim-bucket" is not allowed/,
    ],
    [
      "a predicted_label_dataset_uri outside the allowed buckets",
      (c) => {
        c.predicted_label_dataset_uri = "s3://victim-bucket/p.csv";
      },
      `${C}.predicted_label_dataset_uri`,
      /bucket "victim-bucket" is not allowed/,
    ],
  ];

  it.each(cases)("rejects %s", (_name, edit, path, message) => {
    // Prepare
    const input = withConfig(edit);
    // Act
    const problems = staticProblems(input);
    // Assess
    expect(problems).toContainEqual({ path, message: expect.stringMatching(message) });
  });

  it("accepts post-training bias with predicted labels in the data", () => {
    // Prepare
    const input = withConfig((c) => {
      c.methods.post_training_bias = { methods: ["DPPL", "DI"] };
      c.predicted_label = "Prediction";
    });
    // Act
    const problems = staticProblems(input);
    // Assess
    expect(problems).toEqual([]);
  });

  it("accepts SHAP with an endpoint predictor and methods 'all' for bias", () => {
    // Prepare
    const input = withConfig((c) => {
      c.methods.pre_training_bias.methods = "all";
      c.methods.shap = { num_samples: 100 };
      c.predictor = { endpoint_name: "credit-endpoint", content_type: "text/csv" };
    });
    // Act
    const problems = staticProblems(input);
    // Assess
    expect(problems).toEqual([]);
  });

  it("accepts a numeric label threshold and facet threshold", () => {
    // Prepare
    const input = withConfig((c) => {
      c.label_values_or_threshold = 0.5;
      c.facet = [{ name_or_index: 1, value_or_threshold: 40 }];
    });
    // Act
    const problems = staticProblems(input);
    // Assess
    expect(problems).toEqual([]);
  });
});
