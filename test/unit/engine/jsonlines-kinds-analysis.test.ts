/**
 * The Clarify container loads JSON Lines records parsed by Python's json into a DataFrame, so a
 * column of JSON strings is an `object` column of strings whatever they spell: "true" / "false"
 * are not booleans and "01" is not the integer 1. The expected values came from smclarify's
 * bias_report with pandas 1.5.3, run on the same records loaded as a DataFrame.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { JsonLinesReader } from "../../../engine/io/jsonlines-reader.ts";
import { BOOLEANS_WITH_NULLS } from "../../../engine/io/parquet/merge-dtypes.ts";
import { analyzeText, valuesAndMetrics } from "../../support/analysis-json.ts";

/** 80 records: the label y, and the facet f given as the record's single feature. */
function records(facetOf: (i: number) => string): string[] {
  return Array.from({ length: 80 }, (_, i) =>
    JSON.stringify({ features: [facetOf(i)], y: (i * 7 + 3) % 11 < 6 ? 1 : 0 }),
  );
}

const TRUE_FALSE = records((i) => ((i * 3 + Math.floor(i / 4)) % 2 === 0 ? "true" : "false"));
const ONE_SPELLINGS = records((i) => ["1", "01", "2"][(i * 5 + Math.floor(i / 3)) % 3] as string);

async function facetGroups(lines: readonly string[], value: unknown): Promise<[string, unknown[]][]> {
  const config = {
    dataset_type: "application/jsonlines",
    headers: ["f", "y"],
    features: "features",
    label: "y",
    label_values_or_threshold: [1],
    facet: [{ name_or_index: "f", ...(value !== undefined && { value_or_threshold: value }) }],
    methods: { pre_training_bias: { methods: ["CI", "DPL"] } },
  };
  const { analysis } = await analyzeText(`${lines.join("\n")}\n`, config, "data.jsonl");
  return valuesAndMetrics(analysis.pre_training_bias_metrics, "f");
}

describe("JSON Lines strings keep their kind", () => {
  it("reads the strings true / false as text: two groups as written, and a config true matches none", async () => {
    // Prepare: the facet holds the JSON strings "true" and "false", not JSON booleans
    // Act
    const listed = await facetGroups(TRUE_FALSE, undefined);
    const configTrue = await facetGroups(TRUE_FALSE, [true]);
    const text = await facetGroups(TRUE_FALSE, ["true"]);
    // Assess: from smclarify's bias_report with pandas 1.5.3
    expect(listed).toEqual([
      ["true", [0, 0.025000000000000022]],
      ["false", [0, -0.025000000000000022]],
    ]);
    expect(configTrue).toEqual([
      ["True", ["CI: facet set is empty. Check that x[facet] has non-zero length.", "Facet set is empty."]],
    ]);
    expect(text).toEqual([["true", [0, 0.025000000000000022]]]);
  });

  it("keeps the strings 1 and 01 apart, where the numbers 1 and 01 would be one", async () => {
    // Prepare: the facet holds the JSON strings "1", "01" and "2"
    // Act
    const listed = await facetGroups(ONE_SPELLINGS, undefined);
    const one = await facetGroups(ONE_SPELLINGS, ["1"]);
    const configOne = await facetGroups(ONE_SPELLINGS, [1]);
    // Assess: from smclarify's bias_report with pandas 1.5.3 (a config 1 is converted with str())
    expect(listed).toEqual([
      ["1", [0.35, -0.05840455840455838]],
      ["2", [0.325, 0.028651292802236217]],
      ["01", [0.325, 0.028651292802236217]],
    ]);
    expect(one).toEqual([["1", [0.35, -0.05840455840455838]]]);
    expect(configOne).toEqual([["1", [0.35, -0.05840455840455838]]]);
  });

  it("declares each column's dtype from the kinds of JSON value its cells hold", () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), "jsonlines-dtypes-"));
    const path = join(dir, "data.jsonl");
    writeFileSync(
      path,
      [
        '{"features": [true, true, "true", 1, 1.0, true, "x", null], "y": 1}',
        '{"features": [false, null, "false", 2, 2, 1, 3, null], "y": 0}',
        '{"features": [true, false, "NA", 3, 3, false, "y", null], "y": 1}',
      ].join("\n"),
    );
    const reader = new JsonLinesReader(path, "features", ["y"]);
    // Act
    while (reader.next());
    const dtypes = reader.dtypes();
    reader.close();
    // Assess: numbers are typed from their text (json:numbers), a string "NA" is text
    expect(dtypes).toEqual([
      "bool",
      BOOLEANS_WITH_NULLS,
      "object",
      "json:numbers",
      "json:numbers",
      "object",
      "object",
      undefined,
      "json:numbers",
    ]);
  });
});
