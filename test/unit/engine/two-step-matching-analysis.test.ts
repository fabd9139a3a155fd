/**
 * smclarify compares the configured values of a categorical label or facet with the column in
 * two steps (`_categorical_data_idx`): the values as they are (a text equals no number cell, a
 * number no text cell), then, only when no row matches, every value converted to the type of
 * the column's first cell. A config number written as a float (`1.0`) is a number in the first
 * step and "1.0" once converted to text. Every expected value below came from smclarify's
 * bias_report (pandas 1.5.3) run on the same rows and config.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "../../../engine/analyze.ts";
import { parseConfigJson } from "../../../engine/config/config-json.ts";
import { parseAnalysisConfig } from "../../../engine/config/parse-analysis-config.ts";
import { runBiasAnalysisOnThreads } from "../../../engine/run-bias-analysis.ts";
import { analyzeText, metricOf } from "../../support/analysis-json.ts";
import { cycle, labelledRows } from "../../support/labelled-rows.ts";

/**
 * 80 rows: y and yhat 0/1; fint integers 0 to 2 (3 distinct of 80: categorical, int64); ftext
 * text cells `1`, `1.0` and `x` (pandas keeps them as strings).
 */
function rows(): string {
  return labelledRows(80, {
    fint: (i) => (i * 13 + 5 + Math.floor(i / 6)) % 3,
    ftext: (i) => cycle(["1", "x", "1.0", "x", "1"], i * 3 + Math.floor(i / 4)),
  });
}

/** The config as analysis_config.json text, so that a value written `1.0` keeps its spelling. */
function configText(facet: string, facetValues: string): string {
  return `{
    "dataset_type": "text/csv",
    "label": "y",
    "label_values_or_threshold": [1],
    "predicted_label": "yhat",
    "facet": [{"name_or_index": "${facet}", "value_or_threshold": ${facetValues}}],
    "methods": {"pre_training_bias": {"methods": ["CI", "DPL"]}, "post_training_bias": {"methods": ["DPPL"]}}
  }`;
}

function datasetFile(): string {
  const path = join(mkdtempSync(join(tmpdir(), "two-steps-")), "data.csv");
  writeFileSync(path, rows());
  return path;
}

/** value_or_threshold, CI, DPL and DPPL of the facet's one entry, from analysis.json. */
async function analysed(facet: string, facetValues: string): Promise<unknown[]> {
  const { analysis } = await analyzeText(
    rows(),
    parseConfigJson(configText(facet, facetValues)) as Record<string, unknown>,
  );
  const pre = analysis.pre_training_bias_metrics.facets[facet]?.[0];
  const post = analysis.post_training_bias_metrics.facets[facet]?.[0];
  return [pre?.value_or_threshold, metricOf(pre, "CI"), metricOf(pre, "DPL"), metricOf(post, "DPPL")];
}

/** How many times the dataset is counted for this facet's values. */
async function countPasses(facet: string, facetValues: string): Promise<number | undefined> {
  const { config } = parseAnalysisConfig(parseConfigJson(configText(facet, facetValues)));
  if (config === undefined) throw new Error("the config does not parse");
  const result = await runBiasAnalysisOnThreads(config, datasetFile(), undefined, { threads: 1 });
  return result.countPasses;
}

describe("configured values compared in smclarify's two steps", () => {
  // [facet column, value_or_threshold as written, smclarify's value_or_threshold, CI, DPL, DPPL]
  it.each([
    // First step: 2 equals the 2s; the text "1" equals no integer, so it is never converted.
    ["fint", '["1", 2]', "1,2", 0.35, -0.0014245014245013454, -0.13532763532763536],
    ["fint", '[2, "1"]', "2,1", 0.35, -0.0014245014245013454, -0.13532763532763536],
    ["fint", "[2]", "2", 0.35, -0.0014245014245013454, -0.13532763532763536],
    // No row matches "1" as it is: int("1") is 1.
    ["fint", '["1"]', "1", 0.325, 0.028651292802236217, 0.06638714185883998],
    // No row matches 0.5 or 1.5: int() cuts them to 0 and 1.
    ["fint", "[0.5]", "0.5", 0.325, -0.027253668763102756, 0.06638714185883998],
    ["fint", "[1.5]", "1.5", 0.325, 0.028651292802236217, 0.06638714185883998],
    // A float is a number in the first step: 1.0 equals the 1s, False no integer cell.
    ["fint", "[1.0]", "1.0", 0.325, 0.028651292802236217, 0.06638714185883998],
    ["fint", "[false, 1.0]", "False,1.0", 0.325, 0.028651292802236217, 0.06638714185883998],
    ["fint", "[1.0, 2]", "1.0,2", -0.325, 0.027253668763102756, -0.06638714185883998],
    // Text: "x" equals the cells x, so the float 1.0 is never converted to "1.0".
    ["ftext", '[1.0, "x"]', "1.0,x", 0.2, 0.0625, 0.15625],
    ["ftext", '[1, "x"]', "1,x", 0.2, 0.0625, 0.15625],
    // Text: no cell equals the float 1.0 or the int 1; str() makes "1.0" and "1".
    ["ftext", "[1.0]", "1.0", 0.6, 0.046875, -0.15625],
    ["ftext", '["1.0"]', "1.0", 0.6, 0.046875, -0.15625],
    ["ftext", "[1]", "1", 0.2, -0.09375, -0.05208333333333337],
    ["ftext", '["1.0", 1]', "1.0,1", 0.6, 0.046875, -0.15625],
    // The first value is a text already, so smclarify converts none: 1 never becomes "1".
    [
      "ftext",
      '["True", 1]',
      "True,1",
      "CI: facet set is empty. Check that x[facet] has non-zero length.",
      "Facet set is empty.",
      "Facet set is empty.",
    ],
  ])(
    "%s %s is %s",
    async (facet, values, text, ci, dpl, dppl) => {
      // Act
      const [valueOrThreshold, ...metrics] = await analysed(facet, values);

      // Assess
      expect(valueOrThreshold).toBe(text);
      [ci, dpl, dppl].forEach((want, i) => {
        if (typeof want === "number") expect(metrics[i]).toBeCloseTo(want, 12);
        else expect(metrics[i]).toBe(want);
      });
    },
    30_000,
  );

  it("counts the usual config once, and again only where the first step changes a cell's reading", async () => {
    // Act
    const usual = await countPasses("fint", "[1, 2]");
    const float = await countPasses("fint", "[1.0, 2]");
    const text = await countPasses("fint", '["1", 2]');
    const fraction = await countPasses("fint", "[0.5]");

    // Assess
    expect([usual, float, text, fraction]).toEqual([1, 1, 2, 2]);
  }, 30_000);

  it("refuses values of another kind on a column of more distinct values than the counts keep", async () => {
    // Prepare: 10,002 distinct integers, categorical as two values are configured.
    const lines = ["y,f"];
    for (let i = 0; i < 10_002; i++) lines.push(`${i % 2},${i}`);
    const datasetPath = join(mkdtempSync(join(tmpdir(), "two-steps-")), "data.csv");
    writeFileSync(datasetPath, `${lines.join("\n")}\n`);
    const run = (values: unknown[]) =>
      analyze({
        datasetPath,
        config: {
          dataset_type: "text/csv",
          label: "y",
          label_values_or_threshold: [1],
          facet: [{ name_or_index: "f", value_or_threshold: values }],
          methods: { pre_training_bias: { methods: ["CI"] } },
        },
        outDir: join(datasetPath, "..", `out-${values.length}-${String(values[0])}`),
        threads: { threads: 1, minBytesPerThread: 0 },
        intervals: false,
      });

    // Act
    const numbers = await run([1, 2]);
    const mixed = run(["1", 2]);

    // Assess: numbers of the column's kind read alike in both steps; "1" would not.
    const facet = numbers.analysis.pre_training_bias_metrics?.facets.f?.[0];
    expect(facet?.value_or_threshold).toBe("1,2");
    // smclarify's CI for the same data and config: (10,000 - 2) / 10,002.
    expect(facet?.metrics.find((metric) => metric.name === "CI")?.value).toBeCloseTo(0.9996000799840032, 12);
    await expect(mixed).rejects.toThrow(
      'facet[0].value_or_threshold ["1",2]: the facet column "f" has more than 10000 distinct values, too many to compare with these values the way Clarify does',
    );
  }, 60_000);
});
