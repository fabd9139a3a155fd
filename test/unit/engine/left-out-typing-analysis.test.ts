/**
 * pandas types a column from all its cells, those of rows smclarify then leaves out for a missing
 * label, predicted label, facet or group value too: a fraction there makes a column of integers
 * float64, a text there (or a boolean beside numbers, a number beside booleans) makes it strings.
 * The expected values came from smclarify's bias_report with pandas 1.5.3, on the DataFrame
 * `pd.read_csv` reads from the same text, rows with a missing analysed cell dropped.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "../../../engine/analyze.ts";
import { analyzeText, type BiasAnalysisJson, groups } from "../../support/analysis-json.ts";

interface Row {
  f: string;
  g: string;
  y: string;
  yhat: string;
}

/** A spread of row i's fields, the same in the script that computed the expected values. */
const spread = (i: number): number => (i * 7919 + 13) % 10007;

/** 120 rows: facet f of integers 1..20, group g of a/b/c, label y and prediction yhat of 0/1. */
function baseRows(): Row[] {
  return Array.from({ length: 120 }, (_, i) => {
    const h = spread(i);
    const y = Math.floor(h / 60) % 7 < 3 ? 1 : 0;
    const yhat = Math.floor(h / 7) % 4 !== 0 ? y : 1 - y;
    return {
      f: String((h % 20) + 1),
      g: "abc"[Math.floor(h / 20) % 3] as string,
      y: String(y),
      yhat: String(yhat),
    };
  });
}

function csv(rows: readonly Row[]): string {
  return `f,g,y,yhat\n${rows.map((r) => `${r.f},${r.g},${r.y},${r.yhat}\n`).join("")}`;
}

/** The base rows with `row` inserted before row `at`. */
function withRow(rows: Row[], at: number, row: Row): Row[] {
  rows.splice(at, 0, row);
  return rows;
}

const methods = (post?: string[]) => ({
  pre_training_bias: { methods: ["CI", "DPL", "CDDL"] },
  ...(post && { post_training_bias: { methods: post } }),
});

/** A fraction in a left-out row (its group missing) of the facet of integers. */
const FRACTION_IN_FACET = csv(withRow(baseRows(), 100, { f: "2.5", g: "", y: "1", yhat: "1" }));
const FRACTION_CONFIG = {
  dataset_type: "text/csv",
  label: "y",
  label_values_or_threshold: [1],
  predicted_label: "yhat",
  facet: [{ name_or_index: "f", value_or_threshold: [10] }],
  group_variable: "g",
  methods: methods(["DPPL", "DI"]),
};
/** smclarify's figures for FRACTION_IN_FACET: the facet is float64, so the interval's breaks are floats. */
const FRACTION_PRE = [
  {
    group: "(10.0, 20.0]",
    CDDL: -0.019570321263516845,
    CI: -0.016666666666666666,
    DPL: -0.018338427340928054,
  },
];
const FRACTION_POST = [{ group: "(10.0, 20.0]", DI: 1.1532156368221942, DPPL: -0.06751875520978051 }];

/**
 * Text in a left-out row of the group variable (its facet missing) and of the facet (its group
 * missing), both holding integers spelled 1 and 01 elsewhere.
 */
function textRows(): Row[] {
  const rows = baseRows().map((row, i) => {
    const h = spread(i);
    return {
      ...row,
      f: ["1", "01", "2", "3", "2"][h % 5] as string,
      g: ["1", "01", "2"][Math.floor(h / 5) % 3] as string,
    };
  });
  withRow(rows, 30, { f: "", g: "y", y: "1", yhat: "0" });
  return withRow(rows, 100, { f: "x", g: "", y: "0", yhat: "1" });
}
const TEXT_CONFIG = {
  dataset_type: "text/csv",
  label: "y",
  label_values_or_threshold: [1],
  predicted_label: "yhat",
  facet: [{ name_or_index: "f" }],
  group_variable: "g",
  methods: methods(["DPPL"]),
};
/** smclarify's figures: both columns are strings, so 1 and 01 are two facet values and two groups. */
const TEXT_PRE = [
  { group: "3", CDDL: 0.008657105750212158, CI: 0.5833333333333334, DPL: 0.012631578947368438 },
  { group: "2", CDDL: -0.04659769379806564, CI: 0.2, DPL: -0.048611111111111105 },
  { group: "01", CDDL: -0.009107357491224767, CI: 0.6, DPL: -0.01041666666666663 },
  { group: "1", CDDL: 0.04704794553907827, CI: 0.6166666666666667, DPL: 0.07261317794710892 },
];
const TEXT_POST = [
  { group: "3", DPPL: -0.006315789473684219 },
  { group: "2", DPPL: -0.041666666666666685 },
  { group: "01", DPPL: 0.02083333333333337 },
  { group: "1", DPPL: 0.04975347377857464 },
];

/**
 * Figures as `toEqual` expects them, each number to 14 decimals: CDDL sums its groups in another
 * order than smclarify, which can move the last bit.
 */
function near(expected: readonly Record<string, string | number>[]): unknown[] {
  return expected.map((entry) =>
    Object.fromEntries(
      Object.entries(entry).map(([key, value]) => [
        key,
        typeof value === "number" ? expect.closeTo(value, 14) : value,
      ]),
    ),
  );
}

describe("a column is typed from the cells of the rows left out too", () => {
  it("reads a facet of integers with a fraction in a left-out row as floats: the interval (10.0, 20.0]", async () => {
    // Prepare: FRACTION_IN_FACET, 121 rows, the one with f 2.5 left out for its missing group
    // Act
    const { analysis, rowsDropped } = await analyzeText(FRACTION_IN_FACET, FRACTION_CONFIG);
    // Assess: from smclarify's bias_report with pandas 1.5.3
    expect(rowsDropped).toBe(1);
    expect(groups(analysis.pre_training_bias_metrics, "f")).toEqual(near(FRACTION_PRE));
    expect(groups(analysis.post_training_bias_metrics, "f")).toEqual(near(FRACTION_POST));
  });

  it("reads a 0/1 label with a fraction in a left-out row as continuous floats: [0] is the threshold (0.0, 1.0]", async () => {
    // Prepare: the base rows and one left out for its missing group, its label 0.5
    const data = csv(withRow(baseRows(), 100, { f: "3", g: "", y: "0.5", yhat: "1" }));
    const config = {
      dataset_type: "text/csv",
      label: "y",
      label_values_or_threshold: [0],
      facet: [{ name_or_index: "f", value_or_threshold: [10] }],
      group_variable: "g",
      methods: methods(),
    };
    // Act
    const { analysis, outDir } = await analyzeText(data, config);
    // Assess: from smclarify's bias_report with pandas 1.5.3 (the facet stays int64: "(10, 20]")
    expect(analysis.pre_training_bias_metrics.label_value_or_threshold).toBe("(0.0, 1.0]");
    expect(groups(analysis.pre_training_bias_metrics, "f")).toEqual(
      near([
        {
          group: "(10, 20]",
          CDDL: -0.019570321263516845,
          CI: -0.016666666666666666,
          DPL: -0.018338427340928054,
        },
      ]),
    );
    const context = JSON.parse(readFileSync(join(outDir, "analysis_context.json"), "utf8"));
    expect(context.label.why).toBe(
      "integers with a fraction in a row left out, which pandas reads as floats: continuous",
    );
  });

  it("reads a facet and a group of integers with text in a left-out row as strings, 1 and 01 apart", async () => {
    // Prepare: textRows, 122 rows, two left out
    // Act
    const { analysis, rowsDropped, outDir } = await analyzeText(csv(textRows()), TEXT_CONFIG);
    // Assess: from smclarify's bias_report with pandas 1.5.3
    expect(rowsDropped).toBe(2);
    expect(groups(analysis.pre_training_bias_metrics, "f")).toEqual(near(TEXT_PRE));
    expect(groups(analysis.post_training_bias_metrics, "f")).toEqual(near(TEXT_POST));
    const context = JSON.parse(readFileSync(join(outDir, "analysis_context.json"), "utf8"));
    expect(context.facets[0].why).toBe(
      "text of integers (a row left out holds text, or a number beside booleans or a boolean beside numbers, so pandas reads the column as strings) with 3.33% distinct values (< 5%): categorical",
    );
  });

  it("reads true/false cells with text in a left-out row as strings: [true] matches True, not true", async () => {
    // Prepare: the facet spelled True, true and False, and maybe in a left-out row
    const rows = baseRows().map((row, i) => ({
      ...row,
      f: ["True", "true", "False", "False"][spread(i) % 4] as string,
    }));
    const data = csv(withRow(rows, 100, { f: "maybe", g: "", y: "1", yhat: "1" }));
    const config = { ...TEXT_CONFIG, facet: [{ name_or_index: "f", value_or_threshold: [true] }] };
    // Act
    const { analysis } = await analyzeText(data, config);
    // Assess: from smclarify's bias_report with pandas 1.5.3 (str(True) equals the cells True only)
    expect(groups(analysis.pre_training_bias_metrics, "f")).toEqual(
      near([{ group: "True", CDDL: 0.010462034419666671, CI: 0.4666666666666667, DPL: 0.01704545454545453 }]),
    );
    expect(groups(analysis.post_training_bias_metrics, "f")).toEqual([
      { group: "True", DPPL: 0.008522727272727293 },
    ]);
  });

  it("gives the same figures on two threads", async () => {
    // Prepare: the datasets above (how many rows each thread counts depends on when the worker
    // starts: the fold of its tables is checked by the JSON Lines case below and by the cut
    // property test of test/unit/engine/parallel/count-tables.test.ts)
    // Act
    const fraction = await analyzeText(FRACTION_IN_FACET, FRACTION_CONFIG, "data.csv", 2);
    const text = await analyzeText(csv(textRows()), TEXT_CONFIG, "data.csv", 2);
    // Assess: from smclarify's bias_report with pandas 1.5.3, as on one thread
    expect([fraction.threads, text.threads]).toEqual([2, 2]);
    expect(groups(fraction.analysis.pre_training_bias_metrics, "f")).toEqual(near(FRACTION_PRE));
    expect(groups(fraction.analysis.post_training_bias_metrics, "f")).toEqual(near(FRACTION_POST));
    expect(groups(text.analysis.pre_training_bias_metrics, "f")).toEqual(near(TEXT_PRE));
    expect(groups(text.analysis.post_training_bias_metrics, "f")).toEqual(near(TEXT_POST));
  });

  it("reads JSON Lines numbers alike: two files on two threads, a fraction in a left-out row of the second", async () => {
    // Prepare: the base rows as records, the facet and group as features; the second file (a
    // thread of its own) holds the record whose group is null and whose facet is 2.5
    const records = baseRows().map((r) => JSON.stringify({ features: [Number(r.f), r.g], y: Number(r.y) }));
    records.splice(100, 0, JSON.stringify({ features: [2.5, null], y: 1 }));
    const dir = mkdtempSync(join(tmpdir(), "left-out-jsonlines-"));
    const datasetPath = join(dir, "data");
    mkdirSync(datasetPath);
    writeFileSync(join(datasetPath, "a.jsonl"), `${records.slice(0, 70).join("\n")}\n`);
    writeFileSync(join(datasetPath, "b.jsonl"), `${records.slice(70).join("\n")}\n`);
    const config = {
      dataset_type: "application/jsonlines",
      headers: ["f", "g", "y"],
      features: "features",
      label: "y",
      label_values_or_threshold: [1],
      facet: [{ name_or_index: "f", value_or_threshold: [10] }],
      group_variable: "g",
      methods: methods(),
    };
    // Act
    const result = await analyze({
      datasetPath,
      config,
      outDir: join(dir, "out"),
      threads: { threads: 2, minBytesPerThread: 0 },
      intervals: false,
    });
    // Assess: from smclarify's bias_report with pandas 1.5.3, on the two files' DataFrames
    // concatenated (the second's facet float64, so the column's), rows holding a null dropped
    const analysis = JSON.parse(readFileSync(result.analysisPath, "utf8")) as BiasAnalysisJson;
    expect([result.threads, result.rowsDropped]).toEqual([2, 1]);
    expect(groups(analysis.pre_training_bias_metrics, "f")).toEqual(near(FRACTION_PRE));
  });

  it("writes a threshold on JSON Lines strings of integers with integer breaks, a null left out", async () => {
    // Prepare: the facet as JSON strings "18".."40", one record's null (left out)
    const records = Array.from({ length: 120 }, (_, i) => {
      const h = spread(i);
      const y = Math.floor(h / 60) % 7 < 3 ? 1 : 0;
      return JSON.stringify({ features: [String(18 + (h % 23)), "abc"[Math.floor(h / 23) % 3]], y });
    });
    records.splice(50, 0, JSON.stringify({ features: [null, "a"], y: 1 }));
    const config = {
      dataset_type: "application/jsonlines",
      headers: ["f", "g", "y"],
      features: "features",
      label: "y",
      label_values_or_threshold: [1],
      facet: [{ name_or_index: "f", value_or_threshold: [25] }],
      group_variable: "g",
      methods: methods(),
    };
    // Act
    const { analysis, rowsDropped } = await analyzeText(`${records.join("\n")}\n`, config, "data.jsonl");
    // Assess: from smclarify's bias_report with pandas 1.5.3 (object, typed continuous, and
    // int64 once pd.to_numeric reads the rows left)
    expect(rowsDropped).toBe(1);
    expect(groups(analysis.pre_training_bias_metrics, "f")).toEqual(
      near([
        { group: "(25, 40]", CDDL: -0.045133689839572194, CI: -0.2833333333333333, DPL: -0.0489278163696768 },
      ]),
    );
  });
});
