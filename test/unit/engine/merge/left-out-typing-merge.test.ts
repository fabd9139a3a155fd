/**
 * pandas types a column from the cells of rows left out too (test/unit/engine/left-out-typing-
 * analysis.test.ts): the hosts of a job of several instances carry the kinds of those cells in
 * their partial tables, and the merge types the column from every host's. The expected values
 * came from smclarify's bias_report with pandas 1.5.3, on the two files' DataFrames concatenated
 * (the second's facet float64, so the column's), rows with a missing analysed cell dropped.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { mergeOutputFolder } from "../../../../engine/merge/merge-output-folder.ts";
import { jsonFileText } from "../../../../engine/output/json-file-text.ts";
import { runProcessingJob } from "../../../../engine/processing/run-processing-job.ts";
import { type BiasAnalysisJson, groups } from "../../../support/analysis-json.ts";
import { csvParts, jobOutput, jobTrees, runHosts } from "../../../support/multi-host-trees.ts";

/**
 * 121 rows: facet f of integers 1..20, group g, label y and prediction yhat of 0/1, and before row
 * 100 one left out for its missing group whose facet is 2.5 (in the second file, the second host's).
 */
function fractionCsv(): string {
  const lines = ["f,g,y,yhat"];
  for (let i = 0; i < 120; i++) {
    const h = (i * 7919 + 13) % 10007;
    const y = Math.floor(h / 60) % 7 < 3 ? 1 : 0;
    const yhat = Math.floor(h / 7) % 4 !== 0 ? y : 1 - y;
    if (i === 100) lines.push("2.5,,1,1");
    lines.push(`${(h % 20) + 1},${"abc"[Math.floor(h / 20) % 3]},${y},${yhat}`);
  }
  return `${lines.join("\n")}\n`;
}

const config = {
  dataset_type: "text/csv",
  label: "y",
  label_values_or_threshold: [1],
  predicted_label: "yhat",
  facet: [{ name_or_index: "f", value_or_threshold: [10] }],
  group_variable: "g",
  methods: {
    pre_training_bias: { methods: ["CI", "DPL", "CDDL"] },
    post_training_bias: { methods: ["DPPL", "DI"] },
  },
};

describe("a fraction in a left-out row counted by another host", () => {
  it("types the facet as floats in the merge, as one instance does and smclarify computes", async () => {
    // Prepare: a.csv (rows 0..60, integers only) on algo-1, b.csv (the left-out 2.5) on algo-2
    const trees = jobTrees(config, csvParts(fractionCsv(), ["a.csv", "b.csv"]), [[0], [1]]);
    await runHosts(trees);

    // Act
    const merged = await mergeOutputFolder(jobOutput(trees));
    await runProcessingJob({ processingDir: trees.whole, log: () => {}, threads: 1, environment: {} });
    const one = readFileSync(join(trees.whole, "output", "analysis.json"), "utf8");

    // Assess: from smclarify's bias_report with pandas 1.5.3
    expect(jsonFileText(merged.analysis)).toBe(one);
    const analysis = JSON.parse(one) as BiasAnalysisJson;
    expect(groups(analysis.pre_training_bias_metrics, "f")).toEqual([
      {
        group: "(10.0, 20.0]",
        CDDL: expect.closeTo(-0.019570321263516845, 14),
        CI: expect.closeTo(-0.016666666666666666, 14),
        DPL: expect.closeTo(-0.018338427340928054, 14),
      },
    ]);
    expect(groups(analysis.post_training_bias_metrics, "f")).toEqual([
      {
        group: "(10.0, 20.0]",
        DI: expect.closeTo(1.1532156368221942, 14),
        DPPL: expect.closeTo(-0.06751875520978051, 14),
      },
    ]);
  }, 60_000);
});
