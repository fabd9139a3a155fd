/**
 * The Clarify container loads JSON Lines records parsed by Python's json into a DataFrame, so a
 * JSON string "" or "NA" is a Python string, a value like any other: only a JSON null is missing
 * and leaves its row out. The expected values came from smclarify's bias_report with pandas
 * 1.5.3, run on a DataFrame built from the same records parsed with Python's json (rows holding
 * a null dropped).
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "../../../engine/analyze.ts";
import { JsonLinesReader } from "../../../engine/io/jsonlines-reader.ts";
import { type BiasAnalysisJson, valuesAndMetrics } from "../../support/analysis-json.ts";

const FACETS = ["NA", "", "a", "NA", "b", "", "a", null, "NA"];
const LABELS = ["yes", "no", "NA", "", "yes", "no", "yes", "NA", "no", "", "yes", null, "no"];

/** 120 records: the facet f as the record's single feature and the label y; 21 hold a null. */
const RECORDS = Array.from({ length: 120 }, (_, i) =>
  JSON.stringify({
    features: [FACETS[(i * 5 + Math.floor(i / 3)) % FACETS.length]],
    y: LABELS[(i * 7 + Math.floor(i / 2)) % LABELS.length],
  }),
);

/**
 * The facet's groups with CI and DPL when the label value is "yes", from smclarify's bias_report
 * with pandas 1.5.3 (99 rows of 120 kept).
 */
const SMCLARIFY_GROUPS = [
  ["NA", [0.23232323232323232, -0.10957722174288176]],
  ["", [0.494949494949495, -0.11567567567567566]],
  ["a", [0.5151515151515151, 0.19166666666666668]],
  ["b", [0.7575757575757576, 0.11781609195402298]],
];

type Analysed = { threads: number; rowsDropped: number; groups: [string, unknown[]][] };

/** The analysis of RECORDS in one file, or split in two files counted by two threads. */
async function analyseFacet(
  labelValues: string[],
  facetValues: string[] | undefined,
  files: 1 | 2 = 1,
): Promise<Analysed> {
  const dir = mkdtempSync(join(tmpdir(), "jsonlines-na-strings-"));
  let datasetPath = join(dir, "data.jsonl");
  if (files === 1) writeFileSync(datasetPath, `${RECORDS.join("\n")}\n`);
  else {
    datasetPath = join(dir, "data");
    mkdirSync(datasetPath);
    writeFileSync(join(datasetPath, "a.jsonl"), `${RECORDS.slice(0, 60).join("\n")}\n`);
    writeFileSync(join(datasetPath, "b.jsonl"), `${RECORDS.slice(60).join("\n")}\n`);
  }
  const config = {
    dataset_type: "application/jsonlines",
    headers: ["f", "y"],
    features: "features",
    label: "y",
    label_values_or_threshold: labelValues,
    facet: [{ name_or_index: "f", ...(facetValues !== undefined && { value_or_threshold: facetValues }) }],
    methods: { pre_training_bias: { methods: ["CI", "DPL"] } },
  };
  const result = await analyze({
    datasetPath,
    config,
    outDir: join(dir, "out"),
    threads: { threads: files, minBytesPerThread: 0 },
    intervals: false,
  });
  const analysis = JSON.parse(readFileSync(result.analysisPath, "utf8")) as BiasAnalysisJson;
  return {
    threads: result.threads,
    rowsDropped: result.rowsDropped,
    groups: valuesAndMetrics(analysis.pre_training_bias_metrics, "f"),
  };
}

describe('JSON Lines strings "" and "NA" are values', () => {
  it('lists the facet strings "NA" and "" as groups and leaves out only the rows holding a null', async () => {
    // Prepare: the facet holds "NA", "", "a", "b" and null; the label "yes", "no", "NA", "" and null
    // Act
    const listed = await analyseFacet(["yes"], undefined);
    // Assess: from smclarify's bias_report with pandas 1.5.3 (99 rows of 120 kept)
    expect(listed).toEqual({
      threads: 1,
      rowsDropped: 21,
      groups: SMCLARIFY_GROUPS,
    });
  });

  it("gives the same groups from two files counted by two threads", async () => {
    // Prepare: the records above, split in two files
    // Act
    const split = await analyseFacet(["yes"], undefined, 2);
    // Assess: from smclarify's bias_report with pandas 1.5.3, as for one file
    expect(split).toEqual({
      threads: 2,
      rowsDropped: 21,
      groups: SMCLARIFY_GROUPS,
    });
  });

  it('matches a configured facet value "NA" or "" to those strings', async () => {
    // Prepare: the records above
    // Act
    const na = await analyseFacet(["yes"], ["NA"]);
    const empty = await analyseFacet(["yes"], [""]);
    // Assess: from smclarify's bias_report with pandas 1.5.3
    expect(na.groups).toEqual([["NA", [0.23232323232323232, -0.10957722174288176]]]);
    expect(empty.groups).toEqual([["", [0.494949494949495, -0.11567567567567566]]]);
  });

  it('takes a label "NA" or "" as the positive label value', async () => {
    // Prepare: the records above
    // Act
    const labelNa = await analyseFacet(["NA"], undefined);
    const labelEmpty = await analyseFacet([""], ["NA"]);
    // Assess: from smclarify's bias_report with pandas 1.5.3
    expect(labelNa.groups).toEqual([
      ["NA", [0.23232323232323232, -0.03666954270923209]],
      ["", [0.494949494949495, -0.051351351351351354]],
      ["a", [0.5151515151515151, -0.006666666666666654]],
      ["b", [0.7575757575757576, 0.1839080459770115]],
    ]);
    expect(labelEmpty.groups).toEqual([["NA", [0.23232323232323232, 0.01596203623813633]]]);
  });

  it("tells a null from a string in each field of a record", () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), "jsonlines-na-fields-"));
    const path = join(dir, "data.jsonl");
    writeFileSync(path, '{"features": [null, "", "NA", "null", "x"], "y": null}\n');
    const reader = new JsonLinesReader(path, "features", ["y"]);
    // Act
    reader.next();
    const missing = Array.from({ length: reader.fieldCount }, (_, field) => reader.isMissingField(field));
    reader.close();
    // Assess
    expect(missing).toEqual([true, false, false, false, false, true]);
  });
});
