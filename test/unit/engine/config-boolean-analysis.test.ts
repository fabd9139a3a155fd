/**
 * A config boolean (JSON `true`) is Python's `True` in the Clarify container, and smclarify
 * compares it with the data as such: `True` equals 1 as a threshold and once converted to a
 * column's type, is written "True" in analysis.json, and in smclarify's first comparison step
 * equals no cell of a column of numbers. A column of true/false cells compares in the same two
 * steps, and with missing cells it is an `object` column pandas casts to integers, typed
 * continuous when small. Every expected value below came from smclarify's bias_report (pandas
 * 1.5.3) run on the same rows and config (rows with a missing analysed value dropped first).
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { AnalysisContext } from "../../../contracts/analysis-context.ts";
import { analyze } from "../../../engine/analyze.ts";
import { parseAnalysisConfig } from "../../../engine/config/parse-analysis-config.ts";
import {
  type AnalysisSection,
  analyzeText,
  type BiasAnalysisJson,
  metricOf,
} from "../../support/analysis-json.ts";
import { cycle, labelledRows } from "../../support/labelled-rows.ts";
import { type FixtureColumn, writeParquet } from "../../support/parquet-writer.ts";

/**
 * 60 rows: y and yhat 0/1; f01 integers 0/1 (2 distinct: categorical); f09 integers 0 to 9 (10
 * distinct: continuous); ftext text with `True`; f1x text with `1`; fbool true/false cells in
 * five spellings (pandas' bool dtype).
 */
function rowsA(): string {
  return labelledRows(60, {
    f01: (i) => ((i * 13 + 5) % 17 < 7 ? 1 : 0),
    f09: (i) => (i * 3 + Math.floor(i / 7)) % 10,
    ftext: (i) => cycle(["True", "no", "False"], i * 7 + Math.floor(i / 5)),
    f1x: (i) => cycle(["1", "x"], i + Math.floor(i / 3)),
    fbool: (i) => cycle(["True", "false", "TRUE", "False", "true"], i * 3 + Math.floor(i / 4)),
  });
}

/** 24 rows: y and yhat yes/no; fb true/false cells and 4 missing ones (20 rows kept: 10% distinct). */
function rowsB(): string {
  return labelledRows(
    24,
    { fb: (i) => cycle(["True", "", "False", "True", "true", "FALSE"], i * 5 + Math.floor(i / 3)) },
    { labels: ["yes", "no"] },
  );
}

async function analysed(
  rows: string,
  facet: string,
  facetValues: unknown[],
  labelValues: unknown[] = [1],
): Promise<{ pre: AnalysisSection; post: AnalysisSection; context: AnalysisContext }> {
  const { analysis, outDir } = await analyzeText(rows, {
    dataset_type: "text/csv",
    label: "y",
    label_values_or_threshold: labelValues,
    predicted_label: "yhat",
    facet: [{ name_or_index: facet, value_or_threshold: facetValues }],
    methods: {
      pre_training_bias: { methods: ["CI", "DPL"] },
      post_training_bias: { methods: ["DPPL"] },
    },
  });
  const context = JSON.parse(readFileSync(join(outDir, "analysis_context.json"), "utf8")) as AnalysisContext;
  return {
    pre: analysis.pre_training_bias_metrics,
    post: analysis.post_training_bias_metrics,
    context,
  };
}

/** value_or_threshold, CI, DPL and DPPL of the facet's one entry (an error's text for a metric without value). */
function summary(result: { pre: AnalysisSection; post: AnalysisSection }, facet: string): unknown[] {
  const pre = result.pre.facets[facet]?.[0];
  const post = result.post.facets[facet]?.[0];
  return [pre?.value_or_threshold, metricOf(pre, "CI"), metricOf(pre, "DPL"), metricOf(post, "DPPL")];
}

function expectSummary(actual: unknown[], expected: unknown[]): void {
  expect(actual[0]).toBe(expected[0]);
  for (let i = 1; i < expected.length; i++) {
    const want = expected[i];
    if (typeof want === "number") expect(actual[i]).toBeCloseTo(want, 12);
    else expect(actual[i]).toBe(want);
  }
}

const FACET_EMPTY = "Facet set is empty.";

describe("a config boolean compared with the data, as smclarify does", () => {
  // [facet column, value_or_threshold, smclarify's value_or_threshold, CI, DPL, DPPL]
  it.each([
    ["f01", [true], "True", 0.16666666666666666, 0.022857142857142798, -0.017142857142857237],
    ["f01", [1], "1", 0.16666666666666666, 0.022857142857142798, -0.017142857142857237],
    // First step: 0 equals the zeros, True no integer cell, so True is never converted.
    ["f01", [true, 0], "True,0", -0.16666666666666666, -0.022857142857142798, 0.017142857142857237],
    // Continuous (10 distinct of 60): True is the integer threshold 1.
    ["f09", [true], "(1, 9]", -0.6333333333333333, -0.43042671614100186, -0.005565862708719838],
    // Text: True converted to text, "True", matches the cell `True`.
    ["ftext", [true], "True", 0.2, -0.08333333333333337, 0.08333333333333337],
    // Text: "True" is not "1".
    [
      "f1x",
      [true],
      "True",
      `CI: facet set is empty. Check that x[facet] has non-zero length.`,
      FACET_EMPTY,
      FACET_EMPTY,
    ],
    // A column of booleans: every spelling of true is True.
    ["fbool", [true], "True", -0.2, 0.01388888888888884, -0.15277777777777785],
    ["fbool", [false], "False", 0.2, -0.01388888888888884, 0.15277777777777785],
    // 1 equals no boolean in the first step; bool(1) is True in the second.
    ["fbool", [1], "1", -0.2, 0.01388888888888884, -0.15277777777777785],
    // First step: True matches, 0 equals no boolean.
    ["fbool", [true, 0], "True,0", -0.2, 0.01388888888888884, -0.15277777777777785],
    // No text equals a boolean; bool("False") is True.
    ["fbool", ["False"], "False", -0.2, 0.01388888888888884, -0.15277777777777785],
  ])("facet %s %j", async (facet, values, ...expected) => {
    // Act
    const result = await analysed(rowsA(), facet as string, values as unknown[]);

    // Assess
    expectSummary(summary(result, facet as string), expected);
  });

  it("reads a label value true as 1 and writes it True, and [false, 1] as 1 alone", async () => {
    // Act
    const single = await analysed(rowsA(), "f01", [1], [true]);
    const pair = await analysed(rowsA(), "f01", [1], [false, 1]);

    // Assess: both as label [1] (smclarify's figures for it); the label is listed as configured.
    const expected = ["1", 0.16666666666666666, 0.022857142857142798, -0.017142857142857237];
    expectSummary(summary(single, "f01"), expected);
    expectSummary(summary(pair, "f01"), expected);
    expect(single.pre.label_value_or_threshold).toBe("True");
    expect(pair.post.label_value_or_threshold).toBe("False,1");
  });

  it("refuses a lone boolean, not in a list, naming the field and what to write", () => {
    // Act
    const { problems } = parseAnalysisConfig({
      dataset_type: "text/csv",
      label: "y",
      label_values_or_threshold: true,
      facet: [{ name_or_index: "f", value_or_threshold: false }],
      methods: { pre_training_bias: { methods: "all" } },
    });

    // Assess
    expect(problems.map((p) => p.path)).toEqual([
      "$.label_values_or_threshold",
      "$.facet[0].value_or_threshold",
    ]);
    expect(problems[0]?.message).toContain("true is a lone boolean");
    expect(problems[0]?.message).toContain("write [true]");
  });
});

describe("a true/false column with missing cells, as smclarify types it", () => {
  it("is continuous at 40 rows or fewer: pandas holds it as objects that cast to integers", async () => {
    // Act
    const result = await analysed(rowsB(), "fb", [0], ["yes"]);

    // Assess: False is 0, True 1; integer breaks.
    expectSummary(summary(result, "fb"), [
      "(0, 1]",
      -0.2727272727272727,
      -0.0714285714285714,
      -0.3928571428571429,
    ]);
    const facet = result.context.facets.find((f) => f.column === "fb");
    expect(facet?.dataType).toBe("continuous");
    expect(facet?.why).toContain("true/false values with missing cells");
  });

  it.each([
    [[0.5], ["(0.5, 1.0]", -0.2727272727272727, -0.0714285714285714, -0.3928571428571429]],
    // True equals the largest value: no interval, an empty facet group.
    [
      [true],
      ["", `CI: facet set is empty. Check that x[facet] has non-zero length.`, FACET_EMPTY, FACET_EMPTY],
    ],
    [[1], ["", `CI: facet set is empty. Check that x[facet] has non-zero length.`, FACET_EMPTY, FACET_EMPTY]],
    // Two values: categorical, both booleans match.
    [
      [true, false],
      [
        "True,False",
        `CI: negated facet set is empty. Check that x[~facet] has non-zero length.`,
        "Negative facet set is empty.",
        "Negative facet set is empty.",
      ],
    ],
  ])("reads value_or_threshold %j as smclarify does", async (values, expected) => {
    // Act
    const result = await analysed(rowsB(), "fb", values, ["yes"]);

    // Assess
    expectSummary(summary(result, "fb"), expected);
  });

  it("refuses the threshold false beside a largest value True, which stops pandas", async () => {
    // Act
    const run = analysed(rowsB(), "fb", [false], ["yes"]);

    // Assess: smclarify raises "Only numeric, Timestamp and Timedelta endpoints are allowed ...".
    await expect(run).rejects.toThrow(
      /facet "fb" value_or_threshold \[false\]: the facet column holds true\/false values with missing cells.*Only numeric, Timestamp and Timedelta endpoints.*give the threshold as a number \(0\)/,
    );
  });
});

describe("a true/false column with missing cells, in every format", () => {
  /** 24 rows: fb True/False with 2 nulls (22 kept, 9% distinct: continuous), y and yhat yes/no. */
  const ROWS = Array.from({ length: 24 }, (_, i) => ({
    fb: [true, null, false, true, true, false][(i * 5 + Math.floor(i / 3)) % 6] as boolean | null,
    y: (i * 7 + 3) % 11 < 6 ? "yes" : "no",
    yhat: (i * 5 + 1) % 9 < 5 ? "yes" : "no",
  }));
  const CONFIG = {
    label: "y",
    label_values_or_threshold: ["yes"],
    predicted_label: "yhat",
    facet: [{ name_or_index: "fb", value_or_threshold: [0] }],
    methods: { pre_training_bias: { methods: ["CI", "DPL"] }, post_training_bias: { methods: ["DPPL"] } },
  };

  async function analysisOf(dataset: string, config: Record<string, unknown>): Promise<string> {
    const out = mkdtempSync(join(tmpdir(), "config-boolean-out-"));
    await analyze({
      datasetPath: dataset,
      config,
      outDir: out,
      threads: { threads: 1, minBytesPerThread: 0 },
    });
    return readFileSync(join(out, "analysis.json"), "utf8");
  }

  it("gives CSV's analysis.json for JSON Lines booleans and a Parquet boolean column, one file or parts", async () => {
    // Prepare: the Parquet parts hold the nulls in the first alone (object of booleans, then bool).
    const dir = mkdtempSync(join(tmpdir(), "config-boolean-formats-"));
    const cell = (v: boolean | null) => (v === null ? "" : v ? "True" : "False");
    writeFileSync(
      join(dir, "data.csv"),
      `fb,y,yhat\n${ROWS.map((r) => `${cell(r.fb)},${r.y},${r.yhat}`).join("\n")}\n`,
    );
    writeFileSync(
      join(dir, "data.jsonl"),
      `${ROWS.map((r) => JSON.stringify({ features: [r.fb], y: r.y, yhat: r.yhat })).join("\n")}\n`,
    );
    const columns = (rows: typeof ROWS): FixtureColumn[] => [
      { name: "fb", type: "BOOLEAN", data: rows.map((r) => r.fb) },
      { name: "y", type: "STRING", data: rows.map((r) => r.y) },
      { name: "yhat", type: "STRING", data: rows.map((r) => r.yhat) },
    ];
    writeParquet(join(dir, "data.parquet"), columns(ROWS));
    const withNulls = ROWS.filter((r) => r.fb === null).length;
    const cut = ROWS.findLastIndex((r) => r.fb === null) + 1;
    mkdirSync(join(dir, "parts"));
    writeParquet(join(dir, "parts", "part-0.parquet"), columns(ROWS.slice(0, cut)));
    writeParquet(join(dir, "parts", "part-1.parquet"), columns(ROWS.slice(cut)));

    // Act
    const csv = await analysisOf(join(dir, "data.csv"), { ...CONFIG, dataset_type: "text/csv" });
    const jsonLines = await analysisOf(join(dir, "data.jsonl"), {
      ...CONFIG,
      dataset_type: "application/jsonlines",
      headers: ["fb", "y"],
      features: "features",
    });
    const parquet = await analysisOf(join(dir, "data.parquet"), {
      ...CONFIG,
      dataset_type: "application/x-parquet",
    });
    const parts = await analysisOf(join(dir, "parts"), { ...CONFIG, dataset_type: "application/x-parquet" });

    // Assess: continuous, the threshold 0 gives integer breaks (smclarify's value_or_threshold).
    expect(withNulls).toBe(2);
    expect(ROWS.slice(cut).some((r) => r.fb === null)).toBe(false);
    // smclarify's figures for the CSV: "(0, 1]", CI -0.2727..., DPL -0.0714..., DPPL -0.3928...
    const analysis = JSON.parse(csv);
    expectSummary(
      [
        analysis.pre_training_bias_metrics.facets.fb[0].value_or_threshold,
        analysis.pre_training_bias_metrics.facets.fb[0].metrics[0].value,
        analysis.pre_training_bias_metrics.facets.fb[0].metrics[1].value,
        analysis.post_training_bias_metrics.facets.fb[0].metrics[0].value,
      ],
      ["(0, 1]", -0.2727272727272727, -0.0714285714285714, -0.3928571428571429],
    );
    expect(jsonLines).toBe(csv);
    expect(parquet).toBe(csv);
    expect(parts).toBe(csv);
  });
});

describe("a column of booleans in several spellings, as pandas holds it", () => {
  /** 60 rows: f `true`/`false`; g five spellings of true and false; h `a`/`b`. */
  function rowsC(): string {
    return labelledRows(60, {
      f: (i) => cycle(["true", "false", "false"], i * 3 + Math.floor(i / 4)),
      g: (i) => cycle(["TRUE", "false", "True", "False", "true"], i * 5 + Math.floor(i / 3)),
      h: (i) => cycle(["a", "b", "b"], i * 3 + Math.floor(i / 4)),
    });
  }

  async function run(config: Record<string, unknown>): Promise<BiasAnalysisJson> {
    const { analysis } = await analyzeText(rowsC(), {
      dataset_type: "text/csv",
      label: "y",
      label_values_or_threshold: [1],
      ...config,
    });
    return analysis;
  }

  it("lists a facet's values True and False, in order of appearance, whatever their spelling", async () => {
    // Act
    const analysis = await run({
      facet: [{ name_or_index: "f" }, { name_or_index: "g" }],
      methods: { pre_training_bias: { methods: ["CI", "DPL"] } },
    });

    // Assess: smclarify's analysis.json (str(True) of each of unique()'s booleans).
    const facets = analysis.pre_training_bias_metrics?.facets ?? {};
    const listed = (name: string) =>
      facets[name]?.map((e) => [e.value_or_threshold, ...e.metrics.map((m) => m.value)]);
    const close = (rows: unknown[][] | undefined, expected: [string, number, number][]) => {
      expect(rows?.map((r) => r[0])).toEqual(expected.map((r) => r[0]));
      expected.forEach((row, i) => {
        expect(rows?.[i]?.[1]).toBeCloseTo(row[1], 12);
        expect(rows?.[i]?.[2]).toBeCloseTo(row[2], 12);
      });
    };
    close(listed("f"), [
      ["True", 0.3333333333333333, 0.050000000000000044],
      ["False", -0.3333333333333333, -0.050000000000000044],
    ]);
    close(listed("g"), [
      ["True", -0.2, 0.01388888888888884],
      ["False", 0.2, -0.01388888888888884],
    ]);
  });

  it("takes a group_variable's spellings of one boolean as one group (CDDL, CDDPL)", async () => {
    // Act
    const analysis = await run({
      predicted_label: "yhat",
      group_variable: "g",
      facet: [{ name_or_index: "h", value_or_threshold: ["a"] }],
      methods: { pre_training_bias: { methods: ["CDDL"] }, post_training_bias: { methods: ["CDDPL"] } },
    });

    // Assess: smclarify's CDDL and CDDPL with group_variable g (two groups: True, False).
    const value = (section: keyof BiasAnalysisJson) => analysis[section].facets.h?.[0]?.metrics[0]?.value;
    expect(value("pre_training_bias_metrics")).toBeCloseTo(0.044408841932061724, 12);
    expect(value("post_training_bias_metrics")).toBeCloseTo(-0.0004895104895105066, 12);
  });
});

describe("distinct booleans and values smclarify cannot convert", () => {
  /** 60 rows: f four spellings of true and false and 12 missing cells (48 kept). */
  function rowsD(): string {
    return labelledRows(60, {
      f: (i) => cycle(["True", "false", "", "FALSE", "true"], i * 3 + Math.floor(i / 4)),
    });
  }

  it.each([
    // 2 booleans of 48 (4%): categorical, though its 4 spellings would be 8%.
    [[0], ["0", 0, -0.08333333333333331]],
    [["true"], ["true", 0, 0.08333333333333331]],
  ])("counts the distinct booleans, not their spellings, for the 5%% rule (%j)", async (values, expected) => {
    // Act
    const result = await analysed(rowsD(), "f", values);

    // Assess: smclarify's figures.
    expectSummary(summary(result, "f").slice(0, 3), expected);
    expect(result.context.facets[0]?.dataType).toBe("categorical");
  });

  it("refuses a text that stops smclarify's conversion when the config boolean matches nothing as it is", async () => {
    // Act: [true, "x"] on integers: True equals no integer cell, so smclarify converts both and stops on "x".
    const run = analysed(rowsA(), "f01", [true, "x"]);

    // Assess
    await expect(run).rejects.toThrow(
      'facet[0].value_or_threshold "x": no configured value equals a cell of the facet column "f01" as it is',
    );
  });
});
