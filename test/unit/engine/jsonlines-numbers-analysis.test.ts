/**
 * The Clarify container parses JSON Lines records with Python's json module: a number written
 * with a fraction or an exponent (`1.0`) is a Python float, so pandas types a column of `0.0` /
 * `1.0` as float64 (continuous), where JavaScript's JSON.parse reads `1`. The expected values
 * came from smclarify's bias_report with pandas 1.5.3, run on the records loaded as a DataFrame
 * (features, then the label and the predicted label).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { JsonLinesReader } from "../../../engine/io/jsonlines-reader.ts";
import { type AnalysisSection, analyzeText, groups } from "../../support/analysis-json.ts";

const RECORDS = [
  '{"features": [1.0, "F"], "y": 1.0, "yhat": 1.0}',
  '{"features": [2.5, "F"], "y": 0.0, "yhat": 1.0}',
  '{"features": [3.0, "F"], "y": 1.0, "yhat": 0.0}',
  '{"features": [1.0, "M"], "y": 0.0, "yhat": 0.0}',
  '{"features": [2.0, "M"], "y": 1.0, "yhat": 1.0}',
  '{"features": [4.0, "M"], "y": 0.0, "yhat": 0.0}',
  '{"features": [1.5, "M"], "y": 0.0, "yhat": 1.0}',
];

const CONFIG = {
  dataset_type: "application/jsonlines",
  headers: ["x", "sex", "y"],
  features: "features",
  label: "y",
  label_values_or_threshold: [0.5],
  predicted_label: "yhat",
  facet: [
    { name_or_index: "sex", value_or_threshold: ["F"] },
    { name_or_index: "x", value_or_threshold: [2] },
  ],
  methods: { pre_training_bias: { methods: ["CI", "DPL"] }, post_training_bias: { methods: ["DPPL", "DI"] } },
};

async function analysisOf(records: readonly string[]) {
  const { analysis } = await analyzeText(`${records.join("\n")}\n`, CONFIG, "data.jsonl");
  return analysis;
}

/** The facet's one analysed value, beside its metrics. */
function values(section: AnalysisSection, facet: string) {
  return groups(section, facet)[0];
}

describe("JSON Lines numbers", () => {
  it("reads a label of 0.0 / 1.0 as floats, so the single value 0.5 is a threshold as in smclarify", async () => {
    // Prepare: the records above six times: 42 rows, so a label of the integers 0 and 1 would be
    // categorical (2 distinct values of 42, under 5%) and the value 0.5 would match no row
    // Act
    const analysis = await analysisOf(Array.from({ length: 6 }, () => RECORDS).flat());
    // Assess
    const pre = analysis.pre_training_bias_metrics;
    const post = analysis.post_training_bias_metrics;
    expect(pre.label_value_or_threshold).toBe("(0.5, 1.0]");
    expect(values(pre, "sex")).toEqual({ group: "F", CI: 0.14285714285714285, DPL: -0.41666666666666663 });
    expect(values(pre, "x")).toEqual({
      group: "(2.0, 4.0]",
      CI: 0.14285714285714285,
      DPL: 0.16666666666666669,
    });
    expect(values(post, "sex")).toEqual({ group: "F", DI: 1.3333333333333333, DPPL: -0.16666666666666663 });
    expect(values(post, "x")).toEqual({
      group: "(2.0, 4.0]",
      DI: 0.4444444444444444,
      DPPL: 0.4166666666666667,
    });
  });

  it("writes each number as the text of Python's value: floats in repr, integers with every digit", () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), "jsonlines-cells-"));
    const path = join(dir, "data.jsonl");
    writeFileSync(
      path,
      [
        '{"features": [1.0, 1e5, 2, -0, 1E400, 12345678901234567890, 1e-7, -2.50], "y": "a"}',
        '{"features": [0.00001, 2.5, 7, 123456789012345], "y": "b"}',
      ].join("\n"),
    );
    const reader = new JsonLinesReader(path, "features", ["y"]);
    const cells = () =>
      Array.from({ length: reader.fieldCount }, (_, i) => {
        reader.view(i);
        return Buffer.from(reader.viewBuf.subarray(reader.viewStart, reader.viewEnd)).toString("utf8");
      });
    // Act
    reader.next();
    const first = cells();
    reader.next();
    const second = cells();
    reader.close();
    // Assess: Python's json.loads, then repr of each float and str of each int
    expect(first).toEqual(["1.0", "100000.0", "2", "0", "inf", "12345678901234567890", "1e-07", "-2.5", "a"]);
    expect(second).toEqual(["1e-05", "2.5", "7", "123456789012345", "b"]);
  });
});
