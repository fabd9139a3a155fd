/**
 * Which cells are missing follows pandas 1.5's read_csv defaults: `NA` is missing (the row is left
 * out), `None` is a value (pandas added it to its NA spellings only in 2.0). The expected values
 * came from smclarify's bias_report with pandas 1.5.3, on the rows pandas keeps (the engine's
 * documented decision: a row with a missing analysed cell is left out).
 */
import { describe, expect, it } from "vitest";
import { analyzeText, groups } from "../../support/analysis-json.ts";

const ROWS = [
  "sex,y,yhat",
  "F,yes,yes",
  "F,no,yes",
  "M,yes,yes",
  "None,no,no",
  "None,yes,no",
  "M,no,no",
  "NA,yes,yes",
  "F,yes,no",
  "None,yes,yes",
];

const CONFIG = {
  dataset_type: "text/csv",
  label: "y",
  label_values_or_threshold: ["yes"],
  predicted_label: "yhat",
  facet: [{ name_or_index: "sex" }],
  methods: { pre_training_bias: { methods: ["CI", "DPL"] }, post_training_bias: { methods: ["DPPL"] } },
};

describe("NA spellings of pandas 1.5", () => {
  it("leaves out the row whose facet is NA and keeps None as a facet value, as smclarify reads them", async () => {
    // Act
    const result = await analyzeText(`${ROWS.join("\n")}\n`, CONFIG);
    // Assess
    const { analysis } = result;
    expect(result.rowsDropped).toBe(1);
    expect(groups(analysis.pre_training_bias_metrics, "sex")).toEqual([
      { group: "F", CI: 0.25, DPL: -0.06666666666666665 },
      { group: "M", CI: 0.5, DPL: 0.16666666666666663 },
      { group: "None", CI: 0.25, DPL: -0.06666666666666665 },
    ]);
    expect(groups(analysis.post_training_bias_metrics, "sex")).toEqual([
      { group: "F", DPPL: -0.2666666666666666 },
      { group: "M", DPPL: 0 },
      { group: "None", DPPL: 0.26666666666666666 },
    ]);
  });
});
