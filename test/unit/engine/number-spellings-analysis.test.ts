/**
 * pandas reads ` 0`, `2 `, `+1` and `01` in a column of integers as the integers 0, 2, 1 and 1:
 * `nunique()` (the 5% rule), `unique()` (the facet values listed one by one) and the
 * group_variable's groups (CDDL, CDDPL) see numbers, not spellings. The expected values came
 * from smclarify's bias_report with pandas 1.5.3 on the same CSV.
 */
import { describe, expect, it } from "vitest";
import { integerText } from "../../../engine/aggregate/column-profile.ts";
import { analyzeText, groups } from "../../support/analysis-json.ts";

const F_SPELLINGS: Record<number, string> = { 3: " 0", 17: "2 ", 40: "+1", 61: "01", 77: " 2" };
const G_SPELLINGS: Record<number, string> = { 7: " 2", 30: "2 ", 33: "+1", 50: "001" };

/** 100 rows: f holds 0, 1, 2 (3 numbers of 100, categorical; 8 spellings would be 8%, continuous). */
function csv(): string {
  const rows = ["f,y,yhat,g"];
  for (let i = 0; i < 100; i++) {
    const f = F_SPELLINGS[i] ?? String(i % 3);
    const g = G_SPELLINGS[i] ?? String(1 + (Math.floor(i / 3) % 2));
    const y = (i * 7) % 5 < 2 ? "yes" : "no";
    const yhat = (i * 3) % 4 < 2 ? "yes" : "no";
    rows.push([f, y, yhat, g].join(","));
  }
  return `${rows.join("\n")}\n`;
}

const CONFIG = {
  dataset_type: "text/csv",
  label: "y",
  label_values_or_threshold: ["yes"],
  predicted_label: "yhat",
  group_variable: "g",
  facet: [{ name_or_index: "f" }],
  methods: {
    pre_training_bias: { methods: ["CI", "DPL", "CDDL"] },
    post_training_bias: { methods: ["DPPL", "CDDPL"] },
  },
};

describe("numbers spelled with spaces, signs or leading zeros", () => {
  it("are one value per number for typing, the facet values listed and the groups, as smclarify sees them", async () => {
    // Act
    const { analysis } = await analyzeText(csv(), CONFIG);
    // Assess
    expect(groups(analysis.pre_training_bias_metrics, "f")).toEqual([
      { group: "0", CDDL: -0.016666666666666663, CI: 0.32, DPL: -0.017825311942959 },
      { group: "1", CDDL: 0.04999999999999999, CI: 0.34, DPL: 0.05427408412483037 },
      { group: "2", CDDL: -0.033333333333333326, CI: 0.34, DPL: -0.03618272274988693 },
    ]);
    expect(groups(analysis.post_training_bias_metrics, "f")).toEqual([
      { group: "0", CDDPL: -0.04006410256410256, DPPL: -0.0445632798573975 },
      { group: "1", CDDPL: 0.02083333333333332, DPPL: 0.02261420171867934 },
      { group: "2", CDDPL: 0.019230769230769214, DPPL: 0.02261420171867934 },
    ]);
  });

  it("writes an integer cell as Python writes the integer", () => {
    // Prepare
    const cells = [" 01", "+7", "-007", "-0", "0", "12 ", "18446744073709551615"];
    // Act
    const texts = cells.map(integerText);
    // Assess
    expect(texts).toEqual(["1", "7", "-7", "0", "0", "12", "18446744073709551615"]);
  });
});
