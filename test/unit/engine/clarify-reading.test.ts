import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../../bin/cli/main.ts";
import type { AnalysisContext } from "../../../contracts/analysis-context.ts";
import { type ColumnEvidence, clarifyDataType } from "../../../engine/aggregate/column-typing.ts";
import { thresholdInterval } from "../../../engine/aggregate/threshold-interval.ts";
import { parseAnalysisConfig } from "../../../engine/config/parse-analysis-config.ts";
import { runBiasAnalysis } from "../../../engine/run-bias-analysis.ts";

/** Writes `rows` (header first) as data.csv and runs the engine on `config`. */
function analyse(rows: readonly string[], config: Record<string, unknown>) {
  const dir = mkdtempSync(join(tmpdir(), "reading-"));
  writeFileSync(join(dir, "data.csv"), `${rows.join("\n")}\n`);
  const parsed = parseAnalysisConfig({
    dataset_type: "text/csv",
    methods: { pre_training_bias: { methods: ["CI", "DPL", "CDDL"] } },
    ...config,
  });
  if (!parsed.config) throw new Error(JSON.stringify(parsed.problems));
  return runBiasAnalysis(parsed.config, join(dir, "data.csv"));
}

/** `n` rows `sex,y` alternating F/M, with y = label(i). */
function rowsOf(n: number, label: (i: number) => string | number, header = "sex,y"): string[] {
  return [header, ...Array.from({ length: n }, (_, i) => `${i % 2 === 0 ? "F" : "M"},${label(i)}`)];
}

describe("smclarify's column typing (series_datatype)", () => {
  it.each<[string, ColumnEvidence, unknown[] | undefined, "categorical" | "continuous"]>([
    ["integers, 2 of 100 distinct", { dtype: "int64", distinct: 2, count: 100 }, [1], "categorical"],
    [
      "integers, 2 of 40 distinct (exactly 5%)",
      { dtype: "int64", distinct: 2, count: 40 },
      [1],
      "continuous",
    ],
    ["integers, 2 of 39 distinct", { dtype: "int64", distinct: 2, count: 39 }, [1], "continuous"],
    ["floats, 2 distinct", { dtype: "float64", distinct: 2, count: 1000 }, [1], "continuous"],
    [
      "floats with two configured values",
      { dtype: "float64", distinct: 2, count: 10 },
      [0, 1],
      "categorical",
    ],
    [
      "integers with two configured values",
      { dtype: "int64", distinct: 9, count: 10 },
      [1, 2],
      "categorical",
    ],
    ["text", { dtype: "object", castsToInt: false, distinct: 9, count: 10 }, ["a"], "categorical"],
    ["text of integers", { dtype: "object", castsToInt: true, distinct: 9, count: 10 }, ["1"], "continuous"],
    ["booleans", { dtype: "bool", distinct: 2, count: 10 }, ["True"], "categorical"],
    ["a category column", { dtype: "category", distinct: 9, count: 10 }, [1], "categorical"],
    ["integers, no value given", { dtype: "int64", distinct: 30, count: 100 }, undefined, "continuous"],
  ])("%s", (_case, evidence, values, expected) => {
    // Prepare / Act
    const typing = clarifyDataType(evidence, values);
    // Assess
    expect(typing.dataType).toBe(expected);
    expect(typing.why).toMatch(/: (categorical|continuous)$/);
  });

  it("says which rule decided, with the share of distinct values", () => {
    // Prepare / Act
    const typing = clarifyDataType({ dtype: "int64", distinct: 7, count: 100 }, [1]);
    // Assess
    expect(typing.why).toBe("integers with 7% distinct values (>= 5%): continuous");
  });
});

describe("smclarify's threshold interval (_interval_index)", () => {
  it.each([
    [40, true, 75, true, "(40, 75]", false],
    [40.5, false, 75, true, "(40.5, 75.0]", false],
    // "40" is converted with float(), so the breaks are floats
    [40, false, 75, true, "(40.0, 75.0]", false],
    [0.5, false, 0.99, false, "(0.5, 0.99]", false],
    // abs(max) already among the thresholds: no interval at all
    [1, true, 1, true, "", true],
    [90, true, 75, true, "(75, 90]", true],
  ])("threshold %s (integer %s) on max %s (int64 %s) → %j", (t, tInt, max, int64, text, empty) => {
    // Prepare / Act
    const interval = thresholdInterval(t, tInt, max, int64);
    // Assess
    expect(interval).toEqual({ text, empty });
  });
});

describe("the engine reads labels and facets as Clarify does", () => {
  it("reads a 0/1 label of fewer than 40 rows as continuous: [1] is a threshold no row passes", () => {
    // Prepare: 30 rows, 2 distinct values = 6.7% >= 5%
    const rows = rowsOf(30, (i) => (i % 3 === 0 ? 1 : 0));
    // Act
    const { analysis, context } = analyse(rows, {
      label: "y",
      label_values_or_threshold: [1],
      facet: [{ name_or_index: "sex", value_or_threshold: ["F"] }],
    });
    // Assess: Clarify's breaks are [1] alone, so the interval list is empty and nothing is positive
    expect(analysis.pre_training_bias_metrics?.label_value_or_threshold).toBe("");
    expect(context.label).toMatchObject({
      dataType: "continuous",
      why: "integers with 6.67% distinct values (>= 5%): continuous",
      positive: { threshold: 1 },
    });
    const dpl = analysis.pre_training_bias_metrics?.facets.sex?.[0]?.metrics.find((m) => m.name === "DPL");
    expect(dpl?.value).toBe(0);
    const warning = context.warnings.find((w) => w.code === "LABEL_NO_POSITIVE");
    expect(warning).toMatchObject({ failsGates: true });
    expect(warning?.message).toContain('Clarify reads label column "y" as continuous');
    expect(warning?.message).toContain("write the threshold [0]");
  });

  it("reads the same 0/1 label of 100 rows as categorical", () => {
    // Prepare: 2 distinct of 100 = 2%
    const rows = rowsOf(100, (i) => (i % 3 === 0 ? 1 : 0));
    // Act
    const { analysis, context } = analyse(rows, {
      label: "y",
      label_values_or_threshold: [1],
      facet: [{ name_or_index: "sex", value_or_threshold: ["F"] }],
    });
    // Assess
    expect(analysis.pre_training_bias_metrics?.label_value_or_threshold).toBe("1");
    expect(context.label?.dataType).toBe("categorical");
    expect(context.warnings).toEqual([]);
  });

  it("warns when a single label value that occurs is read as a threshold", () => {
    // Prepare: labels 1, 2, 3 over 30 rows (10% distinct): [2] means "above 2", not "equal to 2"
    const rows = rowsOf(30, (i) => (i % 3) + 1);
    // Act
    const { analysis, context } = analyse(rows, {
      label: "y",
      label_values_or_threshold: [2],
      facet: [{ name_or_index: "sex", value_or_threshold: ["F"] }],
    });
    // Assess
    expect(analysis.pre_training_bias_metrics?.label_value_or_threshold).toBe("(2, 3]");
    const warning = context.warnings.find((w) => w.code === "LABEL_READ_AS_THRESHOLD");
    expect(warning).toMatchObject({ failsGates: false });
    expect(warning?.message).toContain("write [2, 2]");
  });

  it("lets a list of two values force a categorical label", () => {
    // Prepare
    const rows = rowsOf(30, (i) => (i % 3) + 1);
    // Act
    const { analysis, context } = analyse(rows, {
      label: "y",
      label_values_or_threshold: [2, 3],
      facet: [{ name_or_index: "sex", value_or_threshold: ["F"] }],
    });
    // Assess
    expect(analysis.pre_training_bias_metrics?.label_value_or_threshold).toBe("2,3");
    expect(context.label?.dataType).toBe("categorical");
  });

  it("reads a 0/1 facet of 30 rows as continuous: [0] is the group above 0", () => {
    // Prepare: facet g is 0/1; the label is text (always categorical)
    const rows = ["g,y", ...Array.from({ length: 30 }, (_, i) => `${i % 2},${i % 3 === 0 ? "yes" : "no"}`)];
    // Act
    const { analysis, context } = analyse(rows, {
      label: "y",
      label_values_or_threshold: ["yes"],
      facet: [{ name_or_index: "g", value_or_threshold: [0] }],
    });
    // Assess: the facet group is g = 1, the rows above 0
    const facet = analysis.pre_training_bias_metrics?.facets.g?.[0];
    expect(facet?.value_or_threshold).toBe("(0, 1]");
    expect(context.facets[0]?.groups[0]?.facet.rows).toBe(15);
    expect(context.warnings.map((w) => w.code)).toEqual(["FACET_READ_AS_THRESHOLD"]);
    expect(context.warnings[0]?.message).toMatch(
      /^facet "g" value_or_threshold \[0\]: Clarify reads facet column "g" as continuous \(integers with /,
    );
  });

  it("reads integers with a missing cell as floats, as pandas does", () => {
    // Prepare: 100 rows of 0/1 (categorical by share) but one missing label
    const rows = rowsOf(100, (i) => (i === 7 ? "" : i % 3 === 0 ? 1 : 0));
    // Act
    const { context } = analyse(rows, {
      label: "y",
      label_values_or_threshold: [0],
      facet: [{ name_or_index: "sex", value_or_threshold: ["F"] }],
    });
    // Assess
    expect(context.label?.why).toBe("integers with missing values, which pandas reads as floats: continuous");
    expect(context.warnings.map((w) => w.code)).toEqual(["INTEGERS_READ_AS_FLOATS"]);
    expect(context.dataset.rowsSkipped).toEqual([{ reason: 'label "y" missing', rows: 1 }]);
  });

  it("quotes a column name holding quotes as one name in the reason rows were left out", () => {
    // Prepare: the label column is named `say "y"` (a CSV header cell with doubled quotes); one label is missing
    const rows = rowsOf(100, (i) => (i === 7 ? "" : i % 3 === 0 ? 1 : 0), 'sex,"say ""y"""');
    // Act
    const { context } = analyse(rows, {
      label: 'say "y"',
      label_values_or_threshold: [0],
      facet: [{ name_or_index: "sex", value_or_threshold: ["F"] }],
    });
    // Assess
    expect(context.dataset.rowsSkipped).toEqual([{ reason: 'label "say \\"y\\"" missing', rows: 1 }]);
  });

  it("quotes a facet name holding quotes as one name in its warnings", () => {
    // Prepare: the facet column is named `the "sex"`; its configured value X matches no row
    const rows = rowsOf(30, (i) => i % 2, '"the ""sex""",y');
    // Act
    const { context } = analyse(rows, {
      label: "y",
      label_values_or_threshold: [1],
      facet: [{ name_or_index: 'the "sex"', value_or_threshold: ["X"] }],
    });
    // Assess
    expect(context.warnings.find((w) => w.code === "EMPTY_FACET_GROUP")?.message).toMatch(
      /^facet "the \\"sex\\"" value_or_threshold \["X"\] matches no row/,
    );
  });
});

describe("a continuous facet without a threshold", () => {
  it.each([
    [undefined, "so its value_or_threshold must give a numeric threshold"],
    [["forty"], 'so value_or_threshold "forty" must be a number'],
  ])("says how Clarify read the facet (value_or_threshold %j)", (given, rule) => {
    // Prepare: ages 20..69, one row each
    const rows = [
      "age,y",
      ...Array.from({ length: 50 }, (_, i) => `${20 + i},${i % 2 === 0 ? "yes" : "no"}`),
    ];
    const facet =
      given === undefined ? { name_or_index: "age" } : { name_or_index: "age", value_or_threshold: given };
    // Act
    const act = () => analyse(rows, { label: "y", label_values_or_threshold: ["yes"], facet: [facet] });
    // Assess
    expect(act).toThrow(
      `Clarify reads the facet column "age" as continuous (integers with 100% distinct values (>= 5%): continuous), ${rule} (or a list of more than one value, read as categories)`,
    );
  });
});

describe("a facet of more values than the engine counts", () => {
  it("names the facet column and asks for value_or_threshold", () => {
    // Prepare: 10,001 distinct texts, one more than the facet's dictionary holds
    const rows = ["id,y", ...Array.from({ length: 10_001 }, (_, i) => `u${i},${i % 2 === 0 ? "yes" : "no"}`)];
    // Act
    const act = () =>
      analyse(rows, { label: "y", label_values_or_threshold: ["yes"], facet: [{ name_or_index: "id" }] });
    // Assess
    expect(act).toThrow('the facet column "id" has more than 10000 distinct values; give value_or_threshold');
  });
});

describe("configured values that match nothing", () => {
  it("names the label values that occur, and a value that differs only by surrounding spaces", () => {
    // Prepare: the Adult data writes " >50K" with a leading space
    const rows = rowsOf(50, (i) => (i % 4 === 0 ? " >50K" : " <=50K"));
    // Act
    const { context } = analyse(rows, {
      label: "y",
      label_values_or_threshold: [">50K"],
      facet: [{ name_or_index: "sex", value_or_threshold: ["F"] }],
    });
    // Assess
    const warning = context.warnings.find((w) => w.code === "LABEL_NO_POSITIVE");
    expect(warning?.failsGates).toBe(true);
    expect(warning?.message).toContain(
      'the values that occur are " <=50K" (37 rows), " >50K" (13 rows); ">50K" differs from " >50K" only by surrounding spaces',
    );
  });

  it("marks a facet value with no rows as failing gates, naming the values that occur", () => {
    // Prepare
    const rows = rowsOf(50, (i) => (i % 4 === 0 ? "yes" : "no"));
    // Act
    const { analysis, context } = analyse(rows, {
      label: "y",
      label_values_or_threshold: ["yes"],
      facet: [{ name_or_index: "sex", value_or_threshold: ["f"] }],
      group_variable: "y",
    });
    // Assess: CDDL still comes out as a number, so only the warning keeps a gate from passing
    const cddl = analysis.pre_training_bias_metrics?.facets.sex?.[0]?.metrics.find((m) => m.name === "CDDL");
    expect(cddl?.value).toBe(0);
    expect(context.warnings).toEqual([
      {
        code: "EMPTY_FACET_GROUP",
        message:
          'facet "sex" value_or_threshold ["f"] matches no row, so its metrics are empty or meaningless; the values that occur are "F" (25 rows), "M" (25 rows); "f" differs from "F" only by case',
        facet: "sex",
        valueOrThreshold: "f",
        failsGates: true,
      },
    ]);
  });

  it("marks a facet threshold at or above the column's maximum", () => {
    // Prepare: ages 20..69
    const rows = [
      "age,y",
      ...Array.from({ length: 50 }, (_, i) => `${20 + i},${i % 2 === 0 ? "yes" : "no"}`),
    ];
    // Act
    const { analysis, context } = analyse(rows, {
      label: "y",
      label_values_or_threshold: ["yes"],
      facet: [{ name_or_index: "age", value_or_threshold: [80] }],
    });
    // Assess
    expect(analysis.pre_training_bias_metrics?.facets.age?.[0]?.value_or_threshold).toBe("(69, 80]");
    expect(context.warnings[0]).toMatchObject({ code: "EMPTY_FACET_GROUP", facet: "age", failsGates: true });
    expect(context.warnings[0]?.message).toContain("no row is (the largest value is 69)");
  });
});

describe("analysis_context.json", () => {
  it("is written beside analysis.json with the dataset, columns, groups and warnings; the CLI prints the warnings", async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), "context-"));
    const data = [
      "sex,y,yhat",
      ...Array.from(
        { length: 60 },
        (_, i) => `${i % 3 === 0 ? "F" : "M"},${i % 2 === 1 ? "yes" : "no"},${i % 4 === 0 ? "yes" : "no"}`,
      ),
      "F,,yes",
      ",yes,yes",
    ];
    writeFileSync(join(dir, "data.csv"), `${data.join("\n")}\n`);
    const config = {
      dataset_type: "text/csv",
      label: "y",
      label_values_or_threshold: ["yes"],
      predicted_label: "yhat",
      facet: [
        { name_or_index: "sex", value_or_threshold: ["F", "X"] },
        { name_or_index: "sex", value_or_threshold: ["Q"] },
      ],
      methods: { post_training_bias: { methods: ["DPPL"] } },
    };
    writeFileSync(join(dir, "config.json"), JSON.stringify(config));
    const err: string[] = [];
    // Act
    const code = await main(
      [
        "analyze",
        "--dataset",
        join(dir, "data.csv"),
        "--config",
        join(dir, "config.json"),
        "--out",
        join(dir, "out"),
      ],
      { stdout: () => undefined, stderr: (t) => void err.push(t) },
    );
    // Assess
    expect(code).toBe(0);
    const context = JSON.parse(
      readFileSync(join(dir, "out", "analysis_context.json"), "utf8"),
    ) as AnalysisContext;
    expect(context.dataset).toEqual({
      datasetType: "text/csv",
      files: [join(dir, "data.csv")],
      rowsRead: 62,
      rowsSkipped: [
        { reason: 'label "y" missing', rows: 1 },
        { reason: 'facet "sex" missing', rows: 1 },
      ],
    });
    expect(context.label).toMatchObject({
      column: "y",
      dataType: "categorical",
      why: "text: categorical",
      positive: { values: ["yes"] },
    });
    expect(context.predictedLabel).toMatchObject({ column: "yhat", dataType: "categorical" });
    expect(context.facets[0]).toMatchObject({
      column: "sex",
      dataType: "categorical",
      why: "2 values configured: categorical",
      positive: { values: ["F", "X"] },
      topValues: [
        { value: "M", rows: 40 },
        { value: "F", rows: 20 },
      ],
    });
    // F rows are i = 0, 3, ..., 57: 10 odd ones have y = yes; yhat = yes when i % 4 == 0: i = 0, 12, ..., 48
    expect(context.facets[0]?.groups[0]).toEqual({
      valueOrThreshold: "F,X",
      facet: {
        rows: 20,
        labelPositive: 10,
        predictedPositive: 5,
        confusion: { tp: 0, fp: 5, fn: 10, tn: 5 },
      },
      others: {
        rows: 40,
        labelPositive: 20,
        predictedPositive: 10,
        confusion: { tp: 0, fp: 10, fn: 20, tn: 10 },
      },
    });
    expect(context.warnings.map((w) => [w.code, w.failsGates])).toEqual([["EMPTY_FACET_GROUP", true]]);
    const stderr = err.join("");
    expect(stderr).toContain('warning: facet "sex" value_or_threshold ["Q"] matches no row');
  });
});
