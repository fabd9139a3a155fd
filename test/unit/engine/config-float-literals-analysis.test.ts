/**
 * A config number written as a float (`1.0`) is a Python float in the Clarify container, and
 * smclarify lists, matches and thresholds with it as such: the facet value `1.0` matches the text
 * cell `1.0` of a column holding text (not `1`) and is listed as "1.0"; the threshold `0.0` on an
 * integer column makes pandas' interval breaks floats, "(0.0, 3.0]". Expected values follow
 * smclarify's rules, worked out here.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "../../../engine/analyze.ts";
import { configFloatPaths, parseConfigJson, withConfigFloats } from "../../../engine/config/config-json.ts";
import { parseAnalysisConfig } from "../../../engine/config/parse-analysis-config.ts";

/** f holds text (`x`), so pandas keeps it as text; g holds integers, 4 distinct of 8 (continuous). */
const ROWS = [
  "f,g,y,yhat",
  "1,0,yes,yes",
  "1,1,no,no",
  "1.0,2,yes,yes",
  "1.0,3,yes,yes",
  "2,0,no,no",
  "x,1,no,no",
  "2,2,yes,yes",
  "x,3,no,no",
];

function configText(fValue: string, gThreshold: string): string {
  return `{"dataset_type": "text/csv", "label": "y", "label_values_or_threshold": ["yes"],
    "predicted_label": "yhat",
    "facet": [{"name_or_index": "f", "value_or_threshold": [${fValue}]},
              {"name_or_index": "g", "value_or_threshold": [${gThreshold}]}],
    "methods": {"pre_training_bias": {"methods": ["CI", "DPL"]}}}`;
}

type Facets = Record<string, { value_or_threshold: string; metrics: { name: string; value: number }[] }[]>;

async function preTraining(text: string): Promise<Facets> {
  const dir = mkdtempSync(join(tmpdir(), "config-floats-"));
  const datasetPath = join(dir, "data.csv");
  writeFileSync(datasetPath, `${ROWS.join("\n")}\n`);
  const result = await analyze({
    datasetPath,
    config: parseConfigJson(text) as Record<string, unknown>,
    outDir: join(dir, "out"),
    threads: { threads: 1, minBytesPerThread: 0 },
    intervals: false,
  });
  const analysis = JSON.parse(readFileSync(result.analysisPath, "utf8")) as {
    pre_training_bias_metrics: { facets: Facets };
  };
  return analysis.pre_training_bias_metrics.facets;
}

function metric(facets: Facets, facet: string, name: string): number | undefined {
  return facets[facet]?.[0]?.metrics.find((m) => m.name === name)?.value;
}

describe("config numbers written as floats", () => {
  it("match a text column's cell as Python writes the float, and are listed so", async () => {
    // Prepare: [1.0] is the group of the two `1.0` rows (both yes); the others hold 2 yes of 6.
    const text = configText("1.0", "0.0");

    // Act
    const facets = await preTraining(text);

    // Assess: CI = (6 − 2) / 8; DPL = 2/6 − 2/2.
    expect(facets.f?.[0]?.value_or_threshold).toBe("1.0");
    expect(metric(facets, "f", "CI")).toBeCloseTo(0.5, 12);
    expect(metric(facets, "f", "DPL")).toBeCloseTo(2 / 6 - 1, 12);
    expect(facets.g?.[0]?.value_or_threshold).toBe("(0.0, 3.0]");
  });

  it("differ from the same numbers written as integers", async () => {
    // Prepare: [1] is the group of the two `1` rows (yes, no); the others hold 3 yes of 6.
    const text = configText("1", "0");

    // Act
    const facets = await preTraining(text);

    // Assess: CI = (6 − 2) / 8; DPL = 3/6 − 1/2.
    expect(facets.f?.[0]?.value_or_threshold).toBe("1");
    expect(metric(facets, "f", "DPL")).toBeCloseTo(0, 12);
    expect(facets.g?.[0]?.value_or_threshold).toBe("(0, 3]");
  });

  it("keep their reading in the plain JSON copy a host's partial counts carry, with their places", () => {
    // Prepare
    const raw = parseConfigJson(
      '{"dataset_type": "text/csv", "label": "y", "methods": {"pre_training_bias": {"methods": ["CI"]}}, "label_values_or_threshold": 1.0, "facet": [{"name_or_index": "f", "value_or_threshold": [1.0, 2, 0.5, 1e20]}]}',
    ) as Record<string, unknown>;

    // Act
    const copy = JSON.parse(JSON.stringify(raw)) as Record<string, unknown>;
    const paths = configFloatPaths(raw);

    // Assess: 0.5 is a float as a JavaScript number too; 1.0 and 1e20 need their place kept.
    expect(paths).toEqual([
      "label_values_or_threshold",
      "facet[0].value_or_threshold[0]",
      "facet[0].value_or_threshold[2]",
      "facet[0].value_or_threshold[3]",
    ]);
    const parsedOf = (config: Record<string, unknown>) => {
      const parsed = parseAnalysisConfig(config);
      expect(parsed.problems).toEqual([]);
      return { label: parsed.config?.labelValuesOrThreshold, facets: parsed.config?.facets };
    };
    const expected = {
      label: [{ float: 1 }],
      facets: [{ nameOrIndex: "f", valueOrThreshold: [{ float: 1 }, 2, 0.5, { float: 1e20 }] }],
    };
    expect(parsedOf(raw)).toEqual(expected);
    expect(parsedOf(withConfigFloats(copy, paths))).toEqual(expected);
    expect(parsedOf(copy)).toEqual({
      label: [1],
      facets: [{ nameOrIndex: "f", valueOrThreshold: [1, 2, 0.5, 1e20] }],
    });
  });
});
