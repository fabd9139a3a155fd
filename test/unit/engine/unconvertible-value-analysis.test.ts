/**
 * When no configured value equals a cell of a categorical column of numbers, smclarify converts
 * the values to numbers (`convert_positive_label_values`: `int()`, then `float()`) and a value
 * neither reads stops the Clarify job; the engine refuses such a config with the same cause,
 * where it used to compute an empty facet group or a label without positives.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { pythonFloatReads, pythonFloatValue } from "../../../engine/aggregate/python-float.ts";
import { analyze } from "../../../engine/analyze.ts";
import { parseConfigJson } from "../../../engine/config/config-json.ts";

/** f: integers 0..2 over 90 rows (3.3% distinct: categorical); y: 0/1 likewise. */
const ROWS = ["f,y", ...Array.from({ length: 90 }, (_, i) => `${i % 3},${i % 2}`)];

async function analysed(label: unknown[], facet: unknown[]) {
  const dir = mkdtempSync(join(tmpdir(), "unconvertible-"));
  const datasetPath = join(dir, "data.csv");
  writeFileSync(datasetPath, `${ROWS.join("\n")}\n`);
  return analyze({
    datasetPath,
    config: {
      dataset_type: "text/csv",
      label: "y",
      label_values_or_threshold: label,
      facet: [{ name_or_index: "f", value_or_threshold: facet }],
      methods: { pre_training_bias: { methods: ["CI", "DPL"] } },
    },
    outDir: join(dir, "out"),
    threads: { threads: 1, minBytesPerThread: 0 },
    intervals: false,
  });
}

describe("a configured value a column of numbers cannot convert", () => {
  it("is refused for a facet when no configured value occurs", async () => {
    // Prepare: "x" is no integer of f, and smclarify's float("x") fails.

    // Act
    const run = analysed([1], ["x"]);

    // Assess
    await expect(run).rejects.toThrow(
      'facet "f" value_or_threshold "x": no configured value occurs in facet column "f", which pandas reads as numbers (int64), so Clarify converts the values to numbers and stops on "x", which is not one; give values that occur in the column',
    );
  });

  it("is refused for the label when no configured value occurs", async () => {
    // Act
    const run = analysed(["yes"], [1]);

    // Assess
    await expect(run).rejects.toThrow(
      'label_values_or_threshold "yes": no configured value occurs in label column "y", which pandas reads as numbers (int64)',
    );
  });

  it("is compared as usual when another configured value occurs (no conversion)", async () => {
    // Act: 1 occurs, so smclarify never converts "x".
    const result = await analysed([1], ["x", 1]);

    // Assess
    expect(result.analysisPath).toMatch(/analysis\.json$/);
  });

  it("is not refused when it is a config boolean, which Python converts", async () => {
    // Act: true is Python's True, which converts to a number without error.
    const result = await analysed([1], [true]);

    // Assess
    expect(result.analysisPath).toMatch(/analysis\.json$/);
  });

  it("is not refused when Python reads it as a number that does not occur", async () => {
    // Act: float("7") reads; the facet group is empty, as smclarify computes it.
    const result = await analysed([1], ["7"]);

    // Assess
    expect(result.analysisPath).toMatch(/analysis\.json$/);
  });
});

describe("a configured text a column of numbers converts as Python does", () => {
  it("matches the integers Python's int() reads from it, underscores and all", async () => {
    // Prepare: int("0_1") is 1, as is the facet value 1
    const asNumber = await analysed([1], [1]);

    // Act: JavaScript's Number("0_1") is NaN, which found no row
    const asText = await analysed([1], ["0_1"]);

    // Assess
    const metrics = (result: { analysis: unknown }) =>
      JSON.stringify(
        (result.analysis as { pre_training_bias_metrics: { facets: { f: { metrics: unknown }[] } } })
          .pre_training_bias_metrics.facets.f[0]?.metrics,
      );
    expect(metrics(asText)).toBe(metrics(asNumber));
    expect(metrics(asNumber)).toContain('"name":"CI"');
  });

  it("is refused when only JavaScript reads it as a number (0x1), as no value occurs", async () => {
    // Act: Number("0x1") is 1, which matched f = 1; Python's int() and float() fail on it
    const run = analysed([1], ["0x1"]);

    // Assess
    await expect(run).rejects.toThrow(
      'facet "f" value_or_threshold "0x1": no configured value occurs in facet column "f", which pandas reads as numbers (int64), so Clarify converts the values to numbers and stops on "0x1", which is not one',
    );
  });
});

/** As `analysed`, the config read from JSON text: `1e19` is then Python's float, as Clarify reads it. */
async function analysedText(facetValues: string, rows: readonly string[] = ROWS) {
  const dir = mkdtempSync(join(tmpdir(), "overflow-"));
  const datasetPath = join(dir, "data.csv");
  writeFileSync(datasetPath, `${rows.join("\n")}\n`);
  return analyze({
    datasetPath,
    config: parseConfigJson(
      `{"dataset_type": "text/csv", "label": "y", "label_values_or_threshold": [1], "facet": [{"name_or_index": "f", "value_or_threshold": ${facetValues}}], "methods": {"pre_training_bias": {"methods": ["CI", "DPL"]}}}`,
    ) as Record<string, unknown>,
    outDir: join(dir, "out"),
    threads: { threads: 1, minBytesPerThread: 0 },
    intervals: false,
  });
}

/** The facet's value_or_threshold and metric values from an analysis. */
function facetEntry(result: { analysis: unknown }): unknown[] {
  const analysis = result.analysis as {
    pre_training_bias_metrics: {
      facets: { f: { value_or_threshold: string; metrics: { value: number }[] }[] };
    };
  };
  const [entry] = analysis.pre_training_bias_metrics.facets.f;
  return [entry?.value_or_threshold, ...(entry?.metrics.map((metric) => metric.value) ?? [])];
}

/** The message an analysis is refused with, or undefined when it runs. */
async function refusal(run: Promise<unknown>): Promise<string | undefined> {
  return run.then(
    () => undefined,
    (error: unknown) => (error as Error).message,
  );
}

describe("a configured number beyond int64 on a column of integers", () => {
  // smclarify's bias_report with pandas 1.5.3 stops on each of these with numpy's OverflowError
  // (Python int too large to convert to C long), converting the values to the column's int64.
  it("is refused when no configured value occurs, written as a float, an integer or a text", async () => {
    // Act
    const float = await refusal(analysedText("[1e19]"));
    const integer = await refusal(analysedText("[10000000000000000000]"));
    const text = await refusal(analysedText('["9223372036854775808"]'));
    const afterFraction = await refusal(analysedText("[0.5, 1e19]"));

    // Assess
    expect(float).toContain(
      'facet "f" value_or_threshold 1e+19: no configured value occurs in facet column "f", which pandas reads as numbers (int64), so Clarify converts the values to numbers and stops on 1e+19, which int64 cannot hold (numpy\'s OverflowError); give values that occur in the column',
    );
    expect(integer).toContain(
      "stops on 10000000000000000000, which int64 cannot hold (numpy's OverflowError)",
    );
    expect(text).toContain(
      'stops on "9223372036854775808", which int64 cannot hold (numpy\'s OverflowError)',
    );
    expect(afterFraction).toContain("stops on 1e+19, which int64 cannot hold");
  });

  it("is refused when the count pass matched a text Clarify's first step does not", async () => {
    // Act: the count pass reads "1" as the number 1; smclarify's first step matches no row
    const run = await refusal(analysedText('["1", 1e19]'));

    // Assess
    expect(run).toContain(
      "facet[0].value_or_threshold 1e+19: no configured value equals a cell of the facet column",
    );
    expect(run).toContain("stops on 1e+19, which int64 cannot hold (numpy's OverflowError)");
  });

  it("is compared as usual when another configured value occurs (no conversion)", async () => {
    // Act
    const result = await analysedText("[1, 1e19]");

    // Assess: from smclarify's bias_report with pandas 1.5.3
    expect(facetEntry(result)).toEqual(["1,1e+19", 0.3333333333333333, 0]);
  });

  it("is refused on a column of more distinct values than the counts keep, and compared when one occurs", async () => {
    // Prepare: 10,002 distinct integers, categorical as two values are configured
    const rows = ["y,f", ...Array.from({ length: 10_002 }, (_, i) => `${i % 2},${i}`)];

    // Act
    const none = await refusal(analysedText("[1e19, 2e19]", rows));
    const one = await analysedText("[1, 1e19]", rows);

    // Assess: from smclarify's bias_report with pandas 1.5.3
    expect(none).toContain("stops on 1e+19, which int64 cannot hold (numpy's OverflowError)");
    expect(facetEntry(one)[0]).toBe("1,1e+19");
    expect(facetEntry(one)[1]).toBe(0.9998000399920016);
  }, 60_000);
});

describe("pythonFloatValue", () => {
  for (const [text, value] of [
    ["1", 1],
    [" -1.5e3 ", -1500],
    ["1_000", 1000],
    [".5", 0.5],
    ["-INF", Number.NEGATIVE_INFINITY],
    ["+Infinity", Number.POSITIVE_INFINITY],
    ["0x10", Number.NaN],
    ["0b1", Number.NaN],
    ["1__0", Number.NaN],
    ["", Number.NaN],
    [7, 7],
  ] as const) {
    it(`${JSON.stringify(text)} → ${value}`, () => {
      // Act / Assess
      expect(pythonFloatValue(text)).toBe(value);
    });
  }
});

describe("pythonFloatReads", () => {
  for (const [text, reads] of [
    ["1", true],
    [" -1.5e3 ", true],
    ["1_000", true],
    [".5", true],
    ["5.", true],
    ["Infinity", true],
    ["nan", true],
    ["x", false],
    ["1__0", false],
    ["_1", false],
    ["1e", false],
    ["", false],
  ] as const) {
    it(`${JSON.stringify(text)} → ${reads}`, () => {
      // Act / Assess
      expect(pythonFloatReads(text)).toBe(reads);
    });
  }
});
