/**
 * analysis_context.json lists a column's most frequent values as pandas holds them: ` 1`, `+1`
 * and `01` in a column of integers are the one value 1, `true` and `TRUE` in a column of
 * booleans the one value True, `1` and ` 1.00` in a column of floats the one value 1.0; each
 * listed once, written as pandas prints it, with the rows of all its spellings. Two threads and
 * the merge of two instances list them byte for byte as one thread does.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ANALYSIS_CONTEXT_FILE, type AnalysisContext } from "../../../contracts/analysis-context.ts";
import { analyze } from "../../../engine/analyze.ts";
import { mergeOutputFolder } from "../../../engine/merge/merge-output-folder.ts";
import { jsonFileText } from "../../../engine/output/json-file-text.ts";
import { runProcessingJob } from "../../../engine/processing/run-processing-job.ts";
import { analyzeText } from "../../support/analysis-json.ts";
import { cycle } from "../../support/labelled-rows.ts";
import { csvParts, jobOutput, jobTrees, runHosts } from "../../support/multi-host-trees.ts";

const F_SPELLINGS: Record<number, string> = { 3: " 0", 17: "2 ", 40: "+1", 61: "01", 77: " 2" };

/**
 * 100 rows: label y 1 (40 rows, spelled ` 1`, `+1`, `01`, `1`) or 0; facet f the integers 0, 1, 2
 * (34, 33, 33 rows); facet b booleans (25 True, 75 False, in five spellings); facet x the floats
 * 1.0 and 2.5 (50 rows each, in five spellings).
 */
function csv(): string {
  const rows = ["y,f,b,x"];
  for (let i = 0; i < 100; i++) {
    const y = i % 5 === 0 || i % 5 === 3 ? cycle([" 1", "+1", "01", "1"], i) : "0";
    const f = F_SPELLINGS[i] ?? String(i % 3);
    const b = i % 4 === 0 ? cycle(["True", "true", "TRUE"], i) : cycle(["False", "false"], i);
    const x = i % 2 === 0 ? cycle(["1", "1.0", " 1.00"], i) : cycle(["2.5", "+2.50"], i);
    rows.push([y, f, b, x].join(","));
  }
  return `${rows.join("\n")}\n`;
}

const CONFIG = {
  dataset_type: "text/csv",
  label: "y",
  label_values_or_threshold: [1],
  facet: [{ name_or_index: "f" }, { name_or_index: "b" }, { name_or_index: "x", value_or_threshold: [1.5] }],
  methods: { pre_training_bias: { methods: ["CI", "DPL"] } },
};

/** What the context lists, as pandas' value_counts() would show the columns. */
const EXPECTED_TOP_VALUES = {
  y: [
    { value: "0", rows: 60 },
    { value: "1", rows: 40 },
  ],
  f: [
    { value: "0", rows: 34 },
    { value: "1", rows: 33 },
    { value: "2", rows: 33 },
  ],
  b: [
    { value: "False", rows: 75 },
    { value: "True", rows: 25 },
  ],
  x: [
    { value: "1.0", rows: 50 },
    { value: "2.5", rows: 50 },
  ],
};

function topValuesOf(context: AnalysisContext): Record<string, unknown> {
  return {
    y: context.label?.topValues,
    ...Object.fromEntries(context.facets.map((facet) => [facet.column, facet.topValues])),
  };
}

/** The dataset above in a file of a new folder. */
function datasetFile(): string {
  const datasetPath = join(mkdtempSync(join(tmpdir(), "context-top-values-")), "data.csv");
  writeFileSync(datasetPath, csv());
  return datasetPath;
}

/** The context analyze writes for the dataset file on `threads` threads. */
async function contextText(datasetPath: string, threads: number): Promise<{ threads: number; text: string }> {
  const outDir = join(datasetPath, "..", `out-${threads}`);
  const result = await analyze({
    datasetPath,
    config: CONFIG,
    outDir,
    threads: { threads, minBytesPerThread: 0 },
    intervals: false,
  });
  return { threads: result.threads, text: readFileSync(join(outDir, ANALYSIS_CONTEXT_FILE), "utf8") };
}

describe("the most frequent values in analysis_context.json", () => {
  it("lists each value once, as pandas prints it in the column's dtype, with the rows of all its spellings", async () => {
    // Prepare
    const datasetPath = datasetFile();
    // Act
    const { text } = await contextText(datasetPath, 1);
    // Assess
    expect(topValuesOf(JSON.parse(text) as AnalysisContext)).toEqual(EXPECTED_TOP_VALUES);
  });

  it("lists them byte for byte alike on two threads", async () => {
    // Prepare: the dataset, cut into byte ranges on two threads
    const datasetPath = datasetFile();
    // Act
    const one = await contextText(datasetPath, 1);
    const two = await contextText(datasetPath, 2);
    // Assess
    expect(two.threads).toBe(2);
    expect(two.text).toBe(one.text);
  });

  it("lists them byte for byte alike from the merge of two instances", async () => {
    // Prepare: two files, one per host; each host first meets other spellings
    const trees = jobTrees(CONFIG, csvParts(csv(), ["a.csv", "b.csv"], [37, 63]), [[0], [1]]);
    await runHosts(trees);
    // Act
    const merged = await mergeOutputFolder(jobOutput(trees));
    await runProcessingJob({ processingDir: trees.whole, log: () => {}, threads: 1, environment: {} });
    // Assess
    expect(jsonFileText(merged.context)).toBe(
      readFileSync(join(trees.whole, "output", ANALYSIS_CONTEXT_FILE), "utf8"),
    );
    expect(topValuesOf(merged.context)).toEqual(EXPECTED_TOP_VALUES);
  }, 60_000);

  it("writes the integers of a column with a missing cell as the floats pandas reads", async () => {
    // Prepare: the label of row 5 is missing, so pandas reads the label column as float64
    const rows = csv().split("\n");
    rows[6] = rows[6]?.replace(/^[^,]*,/, ",") ?? "";
    // Act
    const { outDir } = await analyzeText(rows.join("\n"), { ...CONFIG, label_values_or_threshold: [0.5] });
    const context = JSON.parse(readFileSync(join(outDir, ANALYSIS_CONTEXT_FILE), "utf8")) as AnalysisContext;
    // Assess: the row with the missing label is left out; the others' labels are floats
    expect(context.label?.topValues).toEqual([
      { value: "0.0", rows: 60 },
      { value: "1.0", rows: 39 },
    ]);
  });

  it("keeps the spellings of a column that a text in a row left out makes strings apart, as pandas does", async () => {
    // Prepare: row 5 is left out (no label) and holds the text "zzz" in f, so pandas reads f as
    // strings: its value_counts() of the rows left are "0" 33, "1" 31, "2" 30 and each other
    // spelling once (f is then continuous by its share of distinct values: a threshold)
    const rows = csv().split("\n");
    rows[6] = ",zzz,true,1";
    const config = { ...CONFIG, facet: [{ name_or_index: "f", value_or_threshold: [1] }] };
    // Act
    const { outDir } = await analyzeText(rows.join("\n"), config);
    const context = JSON.parse(readFileSync(join(outDir, ANALYSIS_CONTEXT_FILE), "utf8")) as AnalysisContext;
    // Assess
    expect(context.facets[0]?.topValues).toEqual([
      { value: "0", rows: 33 },
      { value: "1", rows: 31 },
      { value: "2", rows: 30 },
      { value: " 0", rows: 1 },
      { value: "2 ", rows: 1 },
      { value: "+1", rows: 1 },
      { value: "01", rows: 1 },
      { value: " 2", rows: 1 },
    ]);
  });

  it("names each value once, with its distinct count, where a configured value matches no row", async () => {
    // Prepare: a facet value no row holds
    const config = { ...CONFIG, facet: [{ name_or_index: "f", value_or_threshold: [7] }] };
    // Act
    const { outDir } = await analyzeText(csv(), config);
    const context = JSON.parse(readFileSync(join(outDir, ANALYSIS_CONTEXT_FILE), "utf8")) as AnalysisContext;
    // Assess
    expect(context.warnings.find((w) => w.code === "EMPTY_FACET_GROUP")?.message).toBe(
      'facet "f" value_or_threshold [7] matches no row, so its metrics are empty or meaningless; the values that occur are "0" (34 rows), "1" (33 rows), "2" (33 rows)',
    );
  });
});
